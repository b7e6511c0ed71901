//! One-time enrolment codes: the door to an account's FIRST factor, and
//! for a new account (no password yet) its first sign-in. An administrator
//! issues one (`/admin/staff`, or `nightcall staff enrolment-code LOGIN`);
//! it is shown once, kept only as an HMAC under the server key, valid 72
//! hours, used once, and a new code revokes the earlier ones of the
//! account.

use crate::domain::factors::ENROLMENT_CODE_LIFETIME;
use crate::error::AppError;
use crate::ssr::{request, secrets};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// The HMAC purpose of enrolment codes.
const PURPOSE: &str = "enrolment";

/// A fresh code for the active account `login_id`, revoking its earlier
/// ones, with an audit row. Returns the code (to show once) and its expiry,
/// or `None` when no such active account exists.
pub async fn issue(
    pool: &PgPool,
    login_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<(String, DateTime<Utc>)>, AppError> {
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let Some(staff_id) = sqlx::query_scalar!(
        "select id from staff where login_id = $1 and disabled_at is null for update",
        login_id
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(request::internal("finding the account"))?
    else {
        return Ok(None);
    };
    let (code, expires_at) = issue_for(&mut tx, staff_id, now).await?;
    sqlx::query!(
        r#"insert into audit_log (staff_id, action, outcome, detail, ip)
           values ($1, 'enrolment_code_issue', 'done', $2, '')"#,
        staff_id,
        format!("expires {}", expires_at.to_rfc3339())
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("writing the audit log"))?;
    tx.commit().await.map_err(request::internal("commit"))?;
    Ok(Some((code, expires_at)))
}

/// A fresh code for the account `staff_id`, revoking its earlier open
/// ones, in the caller's transaction (which writes the audit row): the
/// code to show once and its expiry.
pub async fn issue_for(
    db: &mut PgConnection,
    staff_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(String, DateTime<Utc>), AppError> {
    sqlx::query!(
        "update enrolment_codes set revoked_at = $2
          where staff_id = $1 and used_at is null and revoked_at is null",
        staff_id,
        now
    )
    .execute(&mut *db)
    .await
    .map_err(request::internal("revoking enrolment codes"))?;
    let code = secrets::new_code(4);
    let expires_at = now + ENROLMENT_CODE_LIFETIME;
    sqlx::query!(
        "insert into enrolment_codes (id, staff_id, code_hash, created_at, expires_at)
         values ($1, $2, $3, $4, $5)",
        Uuid::new_v4(),
        staff_id,
        secrets::code_mac(PURPOSE, &secrets::normalize_code(&code))?,
        now,
        expires_at
    )
    .execute(&mut *db)
    .await
    .map_err(request::internal("storing an enrolment code"))?;
    Ok((code, expires_at))
}

/// Uses up `code` for `staff_id` if it is theirs, open and unexpired;
/// `true` when it was. Conditional, so a code works once however many
/// requests carry it.
pub async fn redeem(
    db: &mut PgConnection,
    staff_id: Uuid,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let normalized = secrets::normalize_code(code);
    if normalized.is_empty() || normalized.len() > 64 {
        return Ok(false);
    }
    let used = sqlx::query!(
        "update enrolment_codes set used_at = $3
          where staff_id = $1 and code_hash = $2
            and used_at is null and revoked_at is null and expires_at > $3",
        staff_id,
        secrets::code_mac(PURPOSE, &normalized)?,
        now
    )
    .execute(db)
    .await
    .map_err(request::internal("using an enrolment code"))?
    .rows_affected();
    Ok(used == 1)
}
