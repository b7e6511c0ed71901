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
    record_from(db, user, patient_id, action, outcome, detail, &ip).await
}

/// [`record`] with the client address given, for the event streams, which
/// are answered outside a Leptos request.
pub async fn record_from(
    db: impl PgExecutor<'_>,
    user: &CurrentUser,
    patient_id: Option<Uuid>,
    action: &str,
    outcome: &str,
    detail: &str,
    ip: &str,
) -> Result<(), AppError> {
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

/// A read that returned several patients (a list, a search, the hand-offs,
/// the break-glass notices, the call board): one row naming every patient
/// it showed, so the patient's audit page finds it.
pub async fn record_read(
    db: impl PgExecutor<'_>,
    user: &CurrentUser,
    action: &str,
    patient_ids: &[Uuid],
    detail: &str,
) -> Result<(), AppError> {
    let (ip, _) = request::client_info();
    record_read_from(db, user, action, patient_ids, detail, &ip).await
}

/// [`record_read`] with the client address given, for the event streams,
/// which are answered outside a Leptos request.
pub async fn record_read_from(
    db: impl PgExecutor<'_>,
    user: &CurrentUser,
    action: &str,
    patient_ids: &[Uuid],
    detail: &str,
    ip: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into audit_log (staff_id, session_hash, patient_id, patient_ids, action,
                                  outcome, detail, ip)
           values ($1, $2, case when cardinality($3::uuid[]) = 1 then ($3::uuid[])[1] end,
                   $3, $4, 'allowed', $5, $6)"#,
        user.actor.staff_id,
        user.session_hash,
        patient_ids,
        action,
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

/// A row about an account written before anyone is signed in (the first
/// sign-in with an enrolment code): the account when known, no session.
pub async fn record_account(
    db: impl PgExecutor<'_>,
    staff_id: Option<Uuid>,
    action: &str,
    outcome: &str,
    detail: &str,
) -> Result<(), AppError> {
    let (ip, _) = request::client_info();
    sqlx::query!(
        r#"insert into audit_log (staff_id, action, outcome, detail, ip)
           values ($1, $2, $3, $4, $5)"#,
        staff_id,
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
