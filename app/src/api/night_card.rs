//! Reading a patient's night card.

use crate::domain::night_card::NightCard;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "night_card")]
pub async fn get_night_card(patient_id: String) -> Result<NightCard, AppError> {
    use crate::domain::access::{decide, Action, Basis};
    use crate::domain::patient::PatientId;
    use crate::ssr::{access, auth, db, request};

    let id = PatientId::parse(&patient_id)
        .map_err(|_| request::fail(AppError::Invalid("patient_id".into())))?;
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let basis = access::authorize_patient(&pool, &user, Action::ReadCard, id).await?;
    let now = chrono::Utc::now();
    let mut card = db::card::night_card(&pool, id, now)
        .await
        .map_err(request::internal("reading a night card"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    card.can_edit = crate::domain::card::may_edit_with(&basis);
    if let Basis::BreakGlass { until } = basis {
        card.break_glass_until = Some(until);
    }
    // --- issue 8: card ---
    // Which forms to offer: the same rules the saves are authorized by
    // (asked without an audit row; the save itself is audited).
    if let Some(facts) = access::access_facts(&pool, user.actor.staff_id, id, now).await? {
        card.can_edit_orders = decide(&user.actor, Action::EditOrders, &facts, now).is_allowed();
        card.can_edit_identity =
            decide(&user.actor, Action::EditIdentity, &facts, now).is_allowed();
    }
    // The first-screen call is the first call of the path a call opened
    // now would follow: the same engine, the same inputs.
    let (policy, context) = crate::ssr::db::escalation::load(&pool, id, now)
        .await
        .map_err(request::internal("loading the escalation context"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    let path = crate::domain::escalation::resolve_path(&policy, &context, now);
    card.first_call = crate::domain::card::first_call(&path, &context);
    Ok(card)
}
