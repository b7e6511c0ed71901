//! Signing in and out.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in user as the header shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub role: crate::domain::access::Role,
}

/// Who is signed in, if anyone (no error when nobody is).
#[server(prefix = "/api", endpoint = "me")]
pub async fn whoami() -> Result<Option<Me>, AppError> {
    use crate::ssr::{auth, request};
    let pool = request::pool()?;
    Ok(auth::current_user(&pool)
        .await?
        .filter(|u| u.fully_signed_in())
        .map(|u| Me {
            name: u.name,
            role: u.actor.role,
        }))
}

/// Password sign-in. On success goes to `next` (a path on this site), or to
/// the second-factor screen first when the account has one.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(login_id: String, password: String, next: String) -> Result<(), AppError> {
    use crate::domain::access::{throttle, ThrottlePolicy, ThrottleVerdict};
    use crate::domain::text::{safe_next_path, LoginId};
    use crate::ssr::{audit, auth, request};

    let next = safe_next_path(&next);
    // A form posted without JavaScript comes back here with the error shown.
    let back = format!("/login?next={}", crate::domain::text::encode_query(&next));
    let login_id = LoginId::parse(&login_id)
        .map_err(|_| request::fail_form(AppError::BadCredentials, &back))?;
    if password.is_empty() || password.chars().count() > 256 {
        return Err(request::fail_form(AppError::BadCredentials, &back));
    }
    let pool = request::pool()?;
    let now = chrono::Utc::now();
    let (ip, _) = request::client_info();
    let policy = ThrottlePolicy::default();

    let failures = sqlx::query!(
        r#"select at, (login_id = $1) as "by_account!", (ip = $2) as "by_address!"
             from login_attempts
            where (login_id = $1 or ip = $2) and at > $3 and not succeeded
              and at > coalesce((select max(at) from login_attempts
                                  where login_id = $1 and succeeded), '-infinity')
            order by at desc limit 200"#,
        login_id.as_str(),
        ip,
        now - policy.window,
    )
    .fetch_all(&pool)
    .await
    .map_err(request::internal("reading login attempts"))?;
    let by_account: Vec<_> = failures
        .iter()
        .filter(|f| f.by_account)
        .map(|f| f.at)
        .collect();
    let by_address: Vec<_> = failures
        .iter()
        .filter(|f| f.by_address)
        .map(|f| f.at)
        .collect();
    if let ThrottleVerdict::LockedUntil(until) = throttle(&policy, &by_account, &by_address, now) {
        audit::record_sign_in(&pool, None, login_id.as_str(), "denied", "throttled").await?;
        return Err(request::fail_form(AppError::Throttled(until), &back));
    }

    let account = sqlx::query!(
        r#"select st.id, st.password_hash, st.totp_enabled_at is not null as "totp!",
                  o.require_second_factor
             from staff st join organizations o on o.id = st.organization_id
            where st.login_id = $1 and st.disabled_at is null"#,
        login_id.as_str()
    )
    .fetch_optional(&pool)
    .await
    .map_err(request::internal("reading an account"))?;
    let hash = account.as_ref().and_then(|a| a.password_hash.clone());
    let ok = auth::verify_password(password, hash).await && account.is_some();
    sqlx::query!(
        "insert into login_attempts (login_id, ip, at, succeeded) values ($1, $2, $3, $4)",
        login_id.as_str(),
        ip,
        now,
        ok
    )
    .execute(&pool)
    .await
    .map_err(request::internal("recording a login attempt"))?;
    let Some(account) = account.filter(|_| ok) else {
        audit::record_sign_in(&pool, None, login_id.as_str(), "denied", "bad credentials").await?;
        return Err(request::fail_form(AppError::BadCredentials, &back));
    };
    auth::start_session(&pool, account.id, false, now).await?;
    audit::record_sign_in(
        &pool,
        Some(account.id),
        login_id.as_str(),
        "allowed",
        "password",
    )
    .await?;
    let next_query = crate::domain::text::encode_query(&next);
    let passkey_second_factor = account.require_second_factor
        && !account.totp
        && crate::ssr::passkey::has_passkey(&pool, account.id).await?;
    if account.totp || passkey_second_factor {
        // The second-factor page offers the code and, where the browser
        // supports them, the account's passkeys.
        leptos_axum::redirect(&format!("/login/totp?next={next_query}"));
    } else if account.require_second_factor {
        // The organisation requires a second factor and there is none yet:
        // enrolment first, nothing else.
        leptos_axum::redirect(&format!("/account/security?next={next_query}"));
    } else {
        leptos_axum::redirect(&next);
    }
    Ok(())
}

/// Ends this session.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout(everywhere: bool) -> Result<(), AppError> {
    use crate::ssr::{audit, auth, request};
    let pool = request::pool()?;
    if let Some(user) = auth::current_user(&pool).await? {
        audit::record(
            &pool,
            &user,
            None,
            "sign_out",
            "done",
            if everywhere { "everywhere" } else { "" },
        )
        .await?;
        if everywhere {
            sqlx::query!(
                "update sessions set revoked_at = now() where staff_id = $1 and revoked_at is null",
                user.actor.staff_id
            )
            .execute(&pool)
            .await
            .map_err(request::internal("revoking sessions"))?;
        } else {
            sqlx::query!(
                "update sessions set revoked_at = now() where token_hash = $1",
                user.session_hash
            )
            .execute(&pool)
            .await
            .map_err(request::internal("revoking a session"))?;
        }
    }
    auth::set_response_header(axum::http::header::SET_COOKIE, &auth::session_cookie(None));
    // Nothing of the night stays on the phone: the browser drops its HTTP
    // cache and any storage of this site (a page restored from the
    // back/forward cache reloads itself: `/nav.js`).
    auth::set_response_header(
        axum::http::HeaderName::from_static("clear-site-data"),
        "\"cache\", \"storage\"",
    );
    leptos_axum::redirect("/login");
    Ok(())
}
