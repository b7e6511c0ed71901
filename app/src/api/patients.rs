//! The list of patients.

use crate::domain::patient::PatientSummary;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "patients")]
pub async fn list_patients() -> Result<Vec<PatientSummary>, AppError> {
    use crate::ssr::{db, request};

    let pool = request::pool()?;
    db::patient_list(&pool)
        .await
        .map_err(request::internal("listing patients"))
}
