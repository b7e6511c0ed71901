//! The patients the signed-in user may open.

use crate::domain::patient::PatientSummary;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "patients")]
pub async fn list_patients() -> Result<Vec<PatientSummary>, AppError> {
    use crate::ssr::{audit, auth, db, request};

    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let now = chrono::Utc::now();
    let list = db::card::patient_list_for(&pool, &user.actor, now)
        .await
        .map_err(request::internal("listing patients"))?;
    let ids: Vec<uuid::Uuid> = list.iter().map(|p| p.id.0).collect();
    audit::record_read(
        &pool,
        &user,
        "list_patients",
        &ids,
        &format!("{} rows", list.len()),
    )
    .await?;
    Ok(list)
}
