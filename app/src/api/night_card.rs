//! Reading a patient's night card.

use crate::domain::night_card::NightCard;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "night_card")]
pub async fn get_night_card(patient_id: String) -> Result<NightCard, AppError> {
    use crate::domain::access::{Action, Basis};
    use crate::domain::patient::PatientId;
    use crate::ssr::{access, auth, db, request};

    let id = PatientId::parse(&patient_id)
        .map_err(|_| request::fail(AppError::Invalid("patient_id".into())))?;
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let basis = access::authorize_patient(&pool, &user, Action::ReadCard, id).await?;
    let mut card = db::night_card(&pool, id, chrono::Utc::now())
        .await
        .map_err(request::internal("reading a night card"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    card.can_edit = crate::domain::card::may_edit_with(&basis);
    if let Basis::BreakGlass { until } = basis {
        card.break_glass_until = Some(until);
    }
    Ok(card)
}
