//! The audit log: every read of patient data, every change, every sign-in.
//! Rows are only ever inserted (the table refuses updates and deletes).

use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::request;
use sqlx::PgExecutor;
use uuid::Uuid;

/// One audit row about a patient (or about no patient, e.g. a search).
pub async fn record(
    db: impl PgExecutor<'_>,
    user: &CurrentUser,
    patient_id: Option<Uuid>,
    action: &str,
    outcome: &str,
    detail: &str,
) -> Result<(), AppError> {
    let (ip, _) = request::client_info();
    sqlx::query!(
        r#"insert into audit_log (staff_id, session_hash, patient_id, action, outcome, detail, ip)
           values ($1, $2, $3, $4, $5, $6, $7)"#,
        user.actor.staff_id,
        user.session_hash,
        patient_id,
        action,
        outcome,
        detail,
        ip,
    )
    .execute(db)
    .await
    .map_err(request::internal("writing the audit log"))?;
    Ok(())
}

/// A sign-in attempt, which may have no known staff member.
pub async fn record_sign_in(
    db: impl PgExecutor<'_>,
    staff_id: Option<Uuid>,
    login_id: &str,
    outcome: &str,
    detail: &str,
) -> Result<(), AppError> {
    let (ip, _) = request::client_info();
    sqlx::query!(
        r#"insert into audit_log (staff_id, action, outcome, detail, ip)
           values ($1, 'sign_in', $2, $3, $4)"#,
        staff_id,
        outcome,
        format!("{login_id}: {detail}"),
        ip,
    )
    .execute(db)
    .await
    .map_err(request::internal("writing the audit log"))?;
    Ok(())
}
