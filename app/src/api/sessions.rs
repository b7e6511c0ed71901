//! The account's sessions on `/account/security`: which devices are signed
//! in, and signing out one of them or all the others. Plain forms, so they
//! work without JavaScript; each is audited.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One session as the security page lists it (never its token).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// The session's public id (what the sign-out form sends back).
    pub id: uuid::Uuid,
    /// Browser and system as recognised from the User-Agent, if they were.
    pub browser: Option<String>,
    pub system: Option<String>,
    pub address: String,
    pub signed_in_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub this_device: bool,
}

/// The signed-in user's open sessions, this one first, then the most
/// recently used.
#[server(prefix = "/api", endpoint = "sessions")]
pub async fn my_sessions() -> Result<Vec<SessionSummary>, AppError> {
    use crate::domain::factors::describe_user_agent;
    use crate::ssr::{auth, request};
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let now = chrono::Utc::now();
    let rows = sqlx::query!(
        r#"select public_id, user_agent, ip, created_at, last_seen_at,
                  token_hash = $2 as "this_device!"
             from sessions
            where staff_id = $1 and revoked_at is null and expires_at > $3
              and last_seen_at > $4
            order by token_hash = $2 desc, last_seen_at desc
            limit 50"#,
        user.actor.staff_id,
        user.session_hash,
        now,
        now - auth::IDLE_TIMEOUT,
    )
    .fetch_all(&pool)
    .await
    .map_err(request::internal("listing sessions"))?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (browser, system) = describe_user_agent(&r.user_agent);
            SessionSummary {
                id: r.public_id,
                browser: browser.map(str::to_owned),
                system: system.map(str::to_owned),
                address: r.ip,
                signed_in_at: r.created_at,
                last_seen_at: r.last_seen_at,
                this_device: r.this_device,
            }
        })
        .collect())
}

/// Signs out one session of the account (this one included: then it is
/// an ordinary sign-out).
#[server(prefix = "/api", endpoint = "session_end")]
pub async fn end_session(id: String) -> Result<(), AppError> {
    use crate::domain::factors::SecurityNotice;
    use crate::ssr::{audit, auth, request};
    let back = "/account/security";
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let Ok(id) = uuid::Uuid::parse_str(id.trim()) else {
        return Err(request::fail_form(
            AppError::Invalid("session".into()),
            back,
        ));
    };
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let ended = sqlx::query_scalar!(
        r#"update sessions set revoked_at = now()
            where staff_id = $1 and public_id = $2 and revoked_at is null
           returning token_hash = $3 as "this_device!""#,
        user.actor.staff_id,
        id,
        user.session_hash
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(request::internal("ending a session"))?;
    let Some(this_device) = ended else {
        return Err(request::fail_form(
            AppError::Invalid("session".into()),
            back,
        ));
    };
    audit::record(
        &mut *tx,
        &user,
        None,
        "session_end",
        "done",
        &id.to_string(),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    if this_device {
        auth::set_response_header(
            axum::http::header::SET_COOKIE,
            &auth::session_cookie(None, false),
        );
        leptos_axum::redirect("/login");
    } else {
        request::notice_once(SecurityNotice::SessionEnded);
        leptos_axum::redirect(back);
    }
    Ok(())
}

/// Signs out every other session of the account; this one stays.
#[server(prefix = "/api", endpoint = "sessions_end_others")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    use crate::domain::factors::SecurityNotice;
    use crate::ssr::{audit, auth, request};
    let back = "/account/security";
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let ended = sqlx::query!(
        "update sessions set revoked_at = now()
          where staff_id = $1 and token_hash <> $2 and revoked_at is null",
        user.actor.staff_id,
        user.session_hash
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("ending sessions"))?
    .rows_affected();
    audit::record(
        &mut *tx,
        &user,
        None,
        "sessions_end_others",
        "done",
        &format!("sessions ended: {ended}"),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    request::notice_once(SecurityNotice::OtherSessionsEnded);
    if request::is_plain_form_post() {
        leptos_axum::redirect(back);
    }
    Ok(ended)
}
