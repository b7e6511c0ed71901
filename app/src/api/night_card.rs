//! Reading a patient's night card.
//!
//! Two statements in the usual case: the session with the patient's access
//! facts (`ssr::auth`, shared with the header through `ssr::scope`), then —
//! once `domain::access::decide` has allowed the read — the card, the
//! escalation context for its first call and the read's audit row, in one
//! statement (`ssr::db::card::night_card`).

use crate::domain::night_card::NightCard;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "night_card")]
pub async fn get_night_card(patient_id: String) -> Result<NightCard, AppError> {
    use crate::domain::access::{decide, Action, Basis};
    use crate::domain::patient::PatientId;
    use crate::ssr::{access, auth, db, request, scope};

    let id = PatientId::parse(&patient_id)
        .map_err(|_| request::fail(AppError::Invalid("patient_id".into())))?;
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let permit = access::permit_patient(&pool, &user, Action::ReadCard, id).await?;
    let now = permit.now;
    let (ip, _) = request::client_info();
    let audit = db::card::CardReadAudit {
        staff_id: user.actor.staff_id,
        session_hash: &user.session_hash,
        action: permit.action.as_str(),
        detail: &permit.detail,
        ip: &ip,
    };
    let (mut card, escalation) = db::card::night_card(&pool, id, now, &audit)
        .await
        .map_err(request::internal("reading a night card"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    card.can_edit = crate::domain::card::may_edit_with(&permit.basis);
    if let Basis::BreakGlass { until } = permit.basis {
        card.break_glass_until = Some(until);
    }
    // --- issue 8: card ---
    // Which forms to offer: the same rules the saves are authorized by,
    // asked of the facts the read was allowed on (no audit row: the save
    // itself is audited).
    card.can_edit_orders = decide(&user.actor, Action::EditOrders, &permit.facts, now).is_allowed();
    card.can_edit_identity =
        decide(&user.actor, Action::EditIdentity, &permit.facts, now).is_allowed();
    // The first-screen call is the first call of the path a call opened
    // now would follow: the same engine, the same inputs.
    let (policy, context) = db::escalation::from_row(escalation);
    let path = crate::domain::escalation::resolve_path(&policy, &context, now);
    card.first_call = crate::domain::card::first_call(&path, &context);
    // The card's path section shows this path: read and audited above.
    if let Some(scope) = scope::current() {
        scope.keep_read_path(user.actor.staff_id, id, path);
    }
    Ok(card)
}
