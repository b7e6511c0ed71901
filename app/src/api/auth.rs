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
///
/// Guessing is slowed, never turned into a lock-out an outsider can cause
/// (`domain::sign_in_throttle`): the recent attempts are read, judged and a
/// new attempt reserved under one lock per login id and per address, so
/// parallel guesses queue behind each other instead of all reading the same
/// count. The password is checked after that lock is released, through the
/// argon2 gate (one run per CPU, a bounded queue, then a 503).
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    login_id: String,
    password: String,
    next: String,
    // The "stay signed in on this device" box (absent when not ticked).
    #[server(default)] remember: Option<String>,
) -> Result<(), AppError> {
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
    let attempt = auth::reserve_sign_in(&pool, login_id.as_str(), now)
        .await
        .map_err(|e| request::fail_form(e, &back))?;
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

    let admission = match auth::admit_argon2() {
        Ok(admission) => admission,
        Err(busy) => {
            // Not checked, so not a failure: give the reservation back.
            sqlx::query!("delete from login_attempts where id = $1", attempt)
                .execute(&pool)
                .await
                .map_err(request::internal("releasing a login attempt"))?;
            return Err(request::fail_form(busy, &back));
        }
    };
    let hash = account.as_ref().and_then(|a| a.password_hash.clone());
    let ok = admission.verify(password, hash).await? && account.is_some();
    let Some(account) = account.filter(|_| ok) else {
        audit::record_sign_in(&pool, None, login_id.as_str(), "denied", "bad credentials").await?;
        return Err(request::fail_form(AppError::BadCredentials, &back));
    };
    sqlx::query!(
        "update login_attempts set succeeded = true where id = $1",
        attempt
    )
    .execute(&pool)
    .await
    .map_err(request::internal("recording a login attempt"))?;
    let stay_signed_in = remember.is_some_and(|v| !v.is_empty());
    auth::start_session(&pool, account.id, false, stay_signed_in, now).await?;
    audit::record_sign_in(
        &pool,
        Some(account.id),
        login_id.as_str(),
        "allowed",
        "password",
    )
    .await?;
    let next_query = crate::domain::text::encode_query(&next);
    // A passkey is a second factor like the app, whatever the
    // organisation's setting: the password alone never gets further.
    let has_passkey = crate::ssr::passkey::has_passkey(&pool, account.id).await?;
    if account.totp || has_passkey {
        // The second-factor page offers the code and, where the browser
        // supports them, the account's passkeys.
        leptos_axum::redirect(&format!("/login/totp?next={next_query}"));
    } else if account.require_second_factor {
        // The organisation requires a second factor and there is none yet:
        // the enrolment-code page first, nothing else.
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
    auth::set_response_header(
        axum::http::header::SET_COOKIE,
        &auth::session_cookie(None, false),
    );
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

/// Changes the signed-in user's password: the current one is required, the
/// new one must pass `domain::password`, and every other session of the
/// account ends (a thief who had the old password loses his way in).
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_again: String,
) -> Result<(), AppError> {
    use crate::domain::password::{check_new_password, MAX_LENGTH};
    use crate::ssr::{audit, auth, request};

    let back = "/account/security";
    let refuse = |field: &str| request::fail_form(AppError::Invalid(field.into()), back);
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let now = chrono::Utc::now();
    // With a passkey or an app, the password alone is not proof enough:
    // the change needs a fresh proof with the factor too.
    let needs_fresh_proof = user.factors().any();
    if needs_fresh_proof && !user.proof_is_fresh(now) {
        audit::record(
            &pool,
            &user,
            None,
            "password_change",
            "denied",
            "no fresh proof",
        )
        .await?;
        return Err(request::fail_form(AppError::ReauthenticationRequired, back));
    }
    if current_password.is_empty() || current_password.chars().count() > MAX_LENGTH {
        return Err(refuse("current_password"));
    }
    if new_password != new_password_again {
        return Err(refuse("new_password_mismatch"));
    }
    let account = sqlx::query!(
        r#"select login_id as "login_id!", password_hash from staff where id = $1"#,
        user.actor.staff_id
    )
    .fetch_one(&pool)
    .await
    .map_err(request::internal("reading the account"))?;
    check_new_password(&new_password, &account.login_id, &current_password)
        .map_err(|problem| refuse(problem.field()))?;

    // A stolen session must not become a way to guess the password: wrong
    // current passwords count like wrong sign-ins, five per 15 minutes.
    let attempt_key = format!("{}:password_change", account.login_id);
    let (ip, _) = request::client_info();
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    sqlx::query!(
        r#"select true as "locked!" from (select pg_advisory_xact_lock(1, hashtext($1))) l"#,
        attempt_key
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(request::internal("locking password changes"))?;
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
            back,
        ));
    }
    let attempt = sqlx::query_scalar!(
        "insert into login_attempts (login_id, ip, at, succeeded) values ($1, $2, $3, false) returning id",
        attempt_key,
        ip,
        now,
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(request::internal("recording an attempt"))?;
    tx.commit().await.map_err(request::internal("commit"))?;

    let current_ok = auth::verify_password(current_password, account.password_hash).await?;
    if !current_ok {
        audit::record(
            &pool,
            &user,
            None,
            "password_change",
            "denied",
            "wrong current password",
        )
        .await?;
        return Err(refuse("current_password"));
    }
    let new_hash = auth::hash_password(new_password).await?;

    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    if needs_fresh_proof {
        auth::use_fresh_proof(&mut *tx, &user, now)
            .await
            .map_err(|e| request::fail_form(e, back))?;
    }
    sqlx::query!(
        "update staff set password_hash = $2 where id = $1",
        user.actor.staff_id,
        new_hash
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("storing the new password"))?;
    let ended = sqlx::query!(
        "update sessions set revoked_at = $3
          where staff_id = $1 and token_hash <> $2 and revoked_at is null",
        user.actor.staff_id,
        user.session_hash,
        now
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("ending the other sessions"))?
    .rows_affected();
    sqlx::query!(
        "update login_attempts set succeeded = true where id = $1",
        attempt
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("recording an attempt"))?;
    audit::record(
        &mut *tx,
        &user,
        None,
        "password_change",
        "done",
        &format!("other sessions ended: {ended}"),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    // Without JavaScript the form comes back to the page, which says so.
    let plain_form_post = leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| p.headers.get(axum::http::header::ACCEPT).cloned())
        .and_then(|v| v.to_str().ok().map(|v| v.contains("text/html")))
        .unwrap_or(false);
    if plain_form_post {
        leptos_axum::redirect("/account/security?password_changed=1");
    }
    Ok(())
}

/// The first sign-in of an account, or the sign-in after an
/// administrator's reset: the login id, the one-time enrolment code the
/// administrator handed over, and a new password twice (the rules of
/// `domain::password`). The code is used up and the password set in one
/// transaction; every earlier session of the account ends. The session
/// that starts holds the enrolment grant, so `/account/security` lets the
/// person enrol a second factor at once; an account that already has a
/// factor must still use it (`/login/totp`).
///
/// Guessing codes is slowed like guessing passwords, with the same counts
/// (`ssr::auth::reserve_sign_in`): a wrong code is a failed sign-in, with
/// progressive delays and never a lock-out. Known login id or not, every
/// attempt costs one argon2 run (the new password's hash), through the
/// argon2 gate.
#[server(prefix = "/api", endpoint = "first_sign_in")]
pub async fn first_sign_in(
    login_id: String,
    code: String,
    new_password: String,
    new_password_again: String,
) -> Result<(), AppError> {
    use crate::domain::password::{check_new_password, MAX_LENGTH};
    use crate::domain::text::LoginId;
    use crate::ssr::{audit, auth, enrolment, request};

    let back = "/login/first";
    let refuse = |field: &str| request::fail_form(AppError::Invalid(field.into()), back);
    let login_id = LoginId::parse(&login_id).map_err(|_| refuse("first_sign_in"))?;
    if code.trim().is_empty() || code.chars().count() > 64 {
        return Err(refuse("first_sign_in"));
    }
    if new_password.chars().count() > MAX_LENGTH {
        return Err(refuse("new_password_too_long"));
    }
    if new_password != new_password_again {
        return Err(refuse("new_password_mismatch"));
    }
    check_new_password(&new_password, login_id.as_str(), "")
        .map_err(|problem| refuse(problem.field()))?;
    let pool = request::pool()?;
    let now = chrono::Utc::now();
    let attempt = auth::reserve_sign_in(&pool, login_id.as_str(), now)
        .await
        .map_err(|e| request::fail_form(e, back))?;
    let account = sqlx::query!(
        r#"select st.id, st.totp_enabled_at is not null as "totp!",
                  exists (select 1 from passkeys p where p.staff_id = st.id) as "passkey!"
             from staff st
            where st.login_id = $1 and st.disabled_at is null"#,
        login_id.as_str()
    )
    .fetch_optional(&pool)
    .await
    .map_err(request::internal("reading an account"))?;
    let admission = match auth::admit_argon2() {
        Ok(admission) => admission,
        Err(busy) => {
            // Not checked, so not a failure: give the reservation back.
            sqlx::query!("delete from login_attempts where id = $1", attempt)
                .execute(&pool)
                .await
                .map_err(request::internal("releasing a login attempt"))?;
            return Err(request::fail_form(busy, back));
        }
    };
    let hash = admission.hash(new_password).await?;

    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let redeemed = match &account {
        Some(account) => enrolment::redeem(&mut tx, account.id, &code, now).await?,
        None => false,
    };
    let Some(account) = account.filter(|_| redeemed) else {
        drop(tx);
        audit::record_account(
            &pool,
            None,
            "first_sign_in",
            "denied",
            &format!("{}: bad code", login_id.as_str()),
        )
        .await?;
        return Err(refuse("first_sign_in"));
    };
    sqlx::query!(
        "update staff set password_hash = $2 where id = $1",
        account.id,
        hash
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("storing the password"))?;
    let ended = sqlx::query!(
        "update sessions set revoked_at = $2 where staff_id = $1 and revoked_at is null",
        account.id,
        now
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("ending earlier sessions"))?
    .rows_affected();
    auth::attempt_succeeded(&mut *tx, attempt).await?;
    audit::record_account(
        &mut *tx,
        Some(account.id),
        "first_sign_in",
        "done",
        &format!("{}: earlier sessions ended: {ended}", login_id.as_str()),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;

    if account.totp || account.passkey {
        auth::start_session(&pool, account.id, false, false, now).await?;
        leptos_axum::redirect("/login/totp?next=/account/security");
    } else {
        auth::start_enrolment_session(&pool, account.id, now).await?;
        leptos_axum::redirect("/account/security");
    }
    Ok(())
}
