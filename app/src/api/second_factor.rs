//! The second factor: enrolling an authenticator app (TOTP) with recovery
//! codes, and checking a code after the password at sign-in.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the enrolment screen shows: a QR code and the same secret as text
/// (for typing it in when the camera is not an option).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TotpSetup {
    pub already_enabled: bool,
    pub secret: String,
    pub qr_svg: String,
}

/// Starts (or resumes) enrolment for the signed-in user. The secret waits
/// on the session until a first code proves the app has it.
#[server(prefix = "/api", endpoint = "totp_enrollment")]
pub async fn totp_enrollment() -> Result<TotpSetup, AppError> {
    use crate::ssr::{auth, request, totp};

    let pool = request::pool()?;
    let user = auth::current_user(&pool)
        .await?
        .ok_or_else(|| request::fail(AppError::Unauthenticated))?;
    if user.totp_enabled {
        if !user.second_factor_done {
            return Err(request::fail(AppError::Unauthenticated));
        }
        return Ok(TotpSetup {
            already_enabled: true,
            secret: String::new(),
            qr_svg: String::new(),
        });
    }
    // An account that has a passkey already has a second factor: enrolling
    // TOTP needs it first, or a password alone would get past it.
    if !user.fully_signed_in()
        && crate::ssr::passkey::has_passkey(&pool, user.actor.staff_id).await?
    {
        return Err(request::fail(AppError::Unauthenticated));
    }
    let row = sqlx::query!(
        r#"select s.pending_totp_secret, st.login_id as "login_id!"
             from sessions s join staff st on st.id = s.staff_id
            where s.token_hash = $1"#,
        user.session_hash
    )
    .fetch_one(&pool)
    .await
    .map_err(request::internal("reading the session"))?;
    let secret = match row.pending_totp_secret {
        Some(secret) => secret,
        None => {
            let secret = totp::new_secret();
            sqlx::query!(
                "update sessions set pending_totp_secret = $2 where token_hash = $1",
                user.session_hash,
                secret
            )
            .execute(&pool)
            .await
            .map_err(request::internal("storing a pending secret"))?;
            secret
        }
    };
    let uri = totp::provisioning_uri(&secret, &row.login_id).ok_or(AppError::Internal)?;
    Ok(TotpSetup {
        already_enabled: false,
        qr_svg: totp::qr_svg(&uri).ok_or(AppError::Internal)?,
        secret,
    })
}

/// Confirms enrolment with a first code; returns the recovery codes, shown
/// once and stored only as hashes.
#[server(prefix = "/api", endpoint = "totp_confirm")]
pub async fn confirm_totp(code: String) -> Result<Vec<String>, AppError> {
    use crate::ssr::{audit, auth, request, totp};

    let pool = request::pool()?;
    let user = auth::current_user(&pool)
        .await?
        .ok_or_else(|| request::fail(AppError::Unauthenticated))?;
    if user.totp_enabled {
        return Err(request::fail(AppError::Conflict));
    }
    if !user.fully_signed_in()
        && crate::ssr::passkey::has_passkey(&pool, user.actor.staff_id).await?
    {
        return Err(request::fail(AppError::Unauthenticated));
    }
    let pending = sqlx::query_scalar!(
        "select pending_totp_secret from sessions where token_hash = $1",
        user.session_hash
    )
    .fetch_one(&pool)
    .await
    .map_err(request::internal("reading the session"))?
    .ok_or_else(|| request::fail(AppError::Conflict))?;
    let now = chrono::Utc::now();
    let Some(step) = totp::verify(&pending, &code, now.timestamp() as u64, None) else {
        return Err(request::fail(AppError::BadCredentials));
    };
    let codes = totp::new_recovery_codes();
    let hashes: Vec<Vec<u8>> = codes
        .iter()
        .map(|c| auth::token_hash(&totp::normalize_recovery_code(c)))
        .collect();
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    sqlx::query!(
        "update staff set totp_secret = $2, totp_enabled_at = $3, totp_last_step = $4 where id = $1",
        user.actor.staff_id,
        pending,
        now,
        step
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("enabling TOTP"))?;
    sqlx::query!(
        "delete from recovery_codes where staff_id = $1",
        user.actor.staff_id
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("replacing recovery codes"))?;
    sqlx::query!(
        "insert into recovery_codes (staff_id, code_hash) select $1, unnest($2::bytea[])",
        user.actor.staff_id,
        &hashes
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("storing recovery codes"))?;
    sqlx::query!(
        "update sessions set pending_totp_secret = null, second_factor_done = true where token_hash = $1",
        user.session_hash
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("updating the session"))?;
    audit::record(&mut *tx, &user, None, "totp_enrol", "done", "").await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    if request::is_plain_form_post() {
        request::reveal_once(&codes);
    }
    Ok(codes)
}

/// The recovery codes [`confirm_totp`] just made, for the security page to
/// show once after a plain form post (read on the server as the page
/// renders; see `ssr::request::reveal_once`).
pub fn revealed_recovery_codes() -> Option<Vec<String>> {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::request::take_reveal()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The second step of sign-in: a code from the app, or a recovery code.
#[server(prefix = "/api", endpoint = "totp_verify")]
pub async fn verify_second_factor(code: String, next: String) -> Result<(), AppError> {
    use crate::domain::text::{encode_query, safe_next_path};
    use crate::ssr::{audit, auth, request, totp};

    let next = safe_next_path(&next);
    let back = format!("/login/totp?next={}", encode_query(&next));
    let pool = request::pool()?;
    let user = auth::current_user(&pool)
        .await?
        .ok_or_else(|| request::fail(AppError::Unauthenticated))?;
    let now = chrono::Utc::now();
    let (ip, _) = request::client_info();

    // Count, check and record under one lock per account, so parallel
    // guesses cannot all read the same count; the code's step is then
    // stored only if it is newer than the last used one, so one code signs
    // in once however many requests carry it at the same moment.
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let login_id = sqlx::query_scalar!(
        r#"select login_id as "login_id!" from staff where id = $1"#,
        user.actor.staff_id
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(request::internal("reading the account"))?;
    let attempt_key = format!("{login_id}:totp");
    sqlx::query!(
        r#"select true as "locked!" from (select pg_advisory_xact_lock(1, hashtext($1))) l"#,
        attempt_key
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(request::internal("locking second-factor attempts"))?;
    let account = sqlx::query!(
        "select totp_secret, totp_last_step from staff where id = $1",
        user.actor.staff_id
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(request::internal("reading the account"))?;
    let Some(secret) = account.totp_secret else {
        return Err(request::fail(AppError::Conflict));
    };

    let recent_failures = sqlx::query_scalar!(
        r#"select count(*) as "n!" from login_attempts
            where login_id = $1 and not succeeded and at > $2"#,
        attempt_key,
        now - chrono::Duration::minutes(15)
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(request::internal("counting attempts"))?;
    if recent_failures >= 5 {
        return Err(request::fail_form(
            AppError::Throttled(now + chrono::Duration::minutes(15)),
            &back,
        ));
    }

    let ok = if let Some(step) = totp::verify(
        &secret,
        &code,
        now.timestamp() as u64,
        account.totp_last_step,
    ) {
        sqlx::query!(
            "update staff set totp_last_step = $2
              where id = $1 and (totp_last_step is null or totp_last_step < $2)",
            user.actor.staff_id,
            step
        )
        .execute(&mut *tx)
        .await
        .map_err(request::internal("storing the used step"))?
        .rows_affected()
            == 1
    } else {
        let hash = auth::token_hash(&totp::normalize_recovery_code(&code));
        sqlx::query!(
            "update recovery_codes set used_at = $3
              where staff_id = $1 and code_hash = $2 and used_at is null",
            user.actor.staff_id,
            hash,
            now
        )
        .execute(&mut *tx)
        .await
        .map_err(request::internal("using a recovery code"))?
        .rows_affected()
            == 1
    };
    sqlx::query!(
        "insert into login_attempts (login_id, ip, at, succeeded) values ($1, $2, $3, $4)",
        attempt_key,
        ip,
        now,
        ok
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("recording the attempt"))?;
    if ok {
        sqlx::query!(
            "update sessions set second_factor_done = true where token_hash = $1",
            user.session_hash
        )
        .execute(&mut *tx)
        .await
        .map_err(request::internal("updating the session"))?;
    }
    audit::record(
        &mut *tx,
        &user,
        None,
        "sign_in_second_factor",
        if ok { "allowed" } else { "denied" },
        "",
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    if !ok {
        return Err(request::fail_form(AppError::BadCredentials, &back));
    }
    leptos_axum::redirect(&next);
    Ok(())
}
