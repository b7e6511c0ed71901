//! Reading a patient's night card.

use crate::domain::night_card::NightCard;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "night_card")]
pub async fn get_night_card(patient_id: String) -> Result<NightCard, AppError> {
    use crate::domain::patient::PatientId;
    use crate::ssr::{db, request};

    let id = PatientId::parse(&patient_id)
        .map_err(|_| request::fail(AppError::Invalid("patient_id".into())))?;
    let pool = request::pool()?;
    db::night_card(&pool, id, chrono::Utc::now())
        .await
        .map_err(request::internal("reading a night card"))?
        .ok_or_else(|| request::fail(AppError::NotFound))
}
