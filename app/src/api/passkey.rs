//! Passkeys: adding one to the account, using one as the second factor
//! after the password, and signing in with one alone. Each ceremony is two
//! calls from `/passkey.js` (options out, the authenticator's answer back)
//! with JSON bodies; the state in between waits in PostgreSQL
//! (`ssr::passkey`). Listing and removing are plain forms.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The request encoding of the ceremony calls: a JSON body, as
/// `/passkey.js` sends it. Like server_fn's `Json`, except that a body that
/// does not parse is the caller's fault (`AppError::Invalid`, 400) rather
/// than a transport failure (500): anyone may post anything here.
pub struct JsonArgs;

impl leptos::server_fn::ContentType for JsonArgs {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl leptos::server_fn::codec::Encoding for JsonArgs {
    const METHOD: http::Method = http::Method::POST;
}

/// Implements the two directions of `JsonArgs` for the argument structs the
/// `#[server]` macro generates (a blanket impl would break the orphan rule).
macro_rules! json_args {
    ($($args:ty),* $(,)?) => {$(
        impl<E, Request> leptos::server_fn::codec::IntoReq<JsonArgs, Request, E> for $args
        where
            Request: leptos::server_fn::request::ClientReq<E>,
            E: leptos::server_fn::error::FromServerFnError,
        {
            fn into_req(self, path: &str, accepts: &str) -> Result<Request, E> {
                use leptos::server_fn::error::{IntoAppError, ServerFnErrorErr};
                use leptos::server_fn::ContentType;
                let body = serde_json::to_vec(&self).map_err(|e| {
                    ServerFnErrorErr::Serialization(e.to_string()).into_app_error()
                })?;
                Request::try_new_post_bytes(path, JsonArgs::CONTENT_TYPE, accepts, body.into())
            }
        }

        impl<E, Request> leptos::server_fn::codec::FromReq<JsonArgs, Request, E> for $args
        where
            Request: leptos::server_fn::request::Req<E> + Send + 'static,
            E: leptos::server_fn::error::FromServerFnError,
        {
            async fn from_req(request: Request) -> Result<Self, E> {
                use leptos::server_fn::error::{IntoAppError, ServerFnErrorErr};
                let body = request.try_into_bytes().await?;
                serde_json::from_slice(&body)
                    .map_err(|e| ServerFnErrorErr::Args(e.to_string()).into_app_error())
            }
        }
    )*};
}

json_args!(
    PasskeyRegisterStart,
    PasskeyRegisterFinish,
    PasskeyVerifyStart,
    PasskeyVerifyFinish,
    PasskeySignInStart,
    PasskeySignInFinish,
);

/// One passkey as the security page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasskeySummary {
    /// The credential id, base64url (what the remove form sends back).
    pub id: String,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The signed-in user's passkeys.
#[server(prefix = "/api", endpoint = "passkeys")]
pub async fn my_passkeys() -> Result<Vec<PasskeySummary>, AppError> {
    use crate::ssr::{passkey, request};
    let pool = request::pool()?;
    let user = passkey::user_who_may_register(&pool).await?;
    Ok(passkey::list(&pool, user.actor.staff_id)
        .await?
        .into_iter()
        .map(|p| PasskeySummary {
            id: p.id,
            name: p.name,
            created_at: p.created_at,
            last_used_at: p.last_used_at,
        })
        .collect())
}

/// Registration, step 1: options for `navigator.credentials.create`.
#[server(prefix = "/api", endpoint = "passkey_register_start", input = JsonArgs)]
pub async fn passkey_register_start() -> Result<serde_json::Value, AppError> {
    use crate::ssr::passkey::{self, Ceremony};
    use crate::ssr::request;
    let pool = request::pool()?;
    let rp = passkey::webauthn()?;
    let user = passkey::user_who_may_register(&pool).await?;
    let now = chrono::Utc::now();
    // Checked here so the browser is told before the ceremony; the proof
    // is used up when the passkey is kept.
    user.may_enrol(now)?;
    let login_id = passkey::login_id_of(&pool, user.actor.staff_id).await?;
    let existing = passkey::passkeys_of(&pool, user.actor.staff_id).await?;
    let (options, state) =
        passkey::start_registration(rp, user.actor.staff_id, &login_id, &user.name, &existing)?;
    passkey::put_session_state(&pool, Ceremony::Register, &user.session_hash, &state, now).await?;
    Ok(options)
}

/// Registration, step 2: the new credential, checked and kept under `name`.
#[server(prefix = "/api", endpoint = "passkey_register_finish", input = JsonArgs)]
pub async fn passkey_register_finish(
    credential: serde_json::Value,
    name: String,
) -> Result<(), AppError> {
    use crate::domain::time::format_tokyo_minute;
    use crate::ssr::passkey::{self, Ceremony};
    use crate::ssr::{audit, auth, request};
    let pool = request::pool()?;
    let rp = passkey::webauthn()?;
    let user = passkey::user_who_may_register(&pool).await?;
    let now = chrono::Utc::now();
    if let Err(refused) = user.may_enrol(now) {
        audit::record(
            &pool,
            &user,
            None,
            "passkey_register",
            "denied",
            "no fresh proof",
        )
        .await?;
        return Err(refused);
    }
    let name = passkey::clean_name(&name, &format_tokyo_minute(now));
    let Some(state) =
        passkey::take_session_state(&pool, Ceremony::Register, &user.session_hash, now).await?
    else {
        audit::record(
            &pool,
            &user,
            None,
            "passkey_register",
            "denied",
            "no pending registration",
        )
        .await?;
        return Err(request::fail(AppError::Conflict));
    };
    let new_passkey = match passkey::finish_registration(rp, credential, &state) {
        Ok(p) => p,
        Err(error) => {
            audit::record(&pool, &user, None, "passkey_register", "denied", &name).await?;
            return Err(error);
        }
    };
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    auth::use_fresh_proof(&mut *tx, &user, now).await?;
    if !passkey::add(&mut *tx, user.actor.staff_id, &new_passkey, &name, now).await? {
        drop(tx);
        audit::record(
            &pool,
            &user,
            None,
            "passkey_register",
            "denied",
            "credential already registered",
        )
        .await?;
        return Err(request::fail(AppError::Conflict));
    }
    audit::record(&mut *tx, &user, None, "passkey_register", "done", &name).await?;
    if !user.second_factor_done {
        // The enrolment door: this passkey is the account's first factor,
        // and the user just proved it (user verification included); the
        // session goes on under a new token.
        auth::complete_second_factor(&mut *tx, &user.session_hash, false, now).await?;
    }
    tx.commit().await.map_err(request::internal("commit"))?;
    request::notice_once(crate::domain::factors::SecurityNotice::PasskeyAdded);
    Ok(())
}

/// Removes one of the user's passkeys (a lost phone). A plain form, so it
/// works without JavaScript.
#[server(prefix = "/api", endpoint = "passkey_remove")]
pub async fn passkey_remove(id: String) -> Result<(), AppError> {
    use crate::ssr::{audit, auth, passkey, request};
    let pool = request::pool()?;
    let back = "/account/security";
    let user = auth::require_user(&pool).await?;
    let now = chrono::Utc::now();
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    if let Err(refused) = auth::use_fresh_proof(&mut *tx, &user, now).await {
        drop(tx);
        audit::record(
            &pool,
            &user,
            None,
            "passkey_remove",
            "denied",
            "no fresh proof",
        )
        .await?;
        return Err(request::fail_form(refused, back));
    }
    if !passkey::remove(&mut *tx, user.actor.staff_id, &id).await? {
        return Err(request::fail_form(AppError::NotFound, back));
    }
    audit::record(&mut *tx, &user, None, "passkey_remove", "done", &id).await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    request::notice_once(crate::domain::factors::SecurityNotice::PasskeyRemoved);
    leptos_axum::redirect(back);
    Ok(())
}

/// Second factor, step 1: a challenge for the user's passkeys, after the
/// password.
#[server(prefix = "/api", endpoint = "passkey_verify_start", input = JsonArgs)]
pub async fn passkey_verify_start() -> Result<serde_json::Value, AppError> {
    use crate::ssr::passkey::{self, Ceremony};
    use crate::ssr::{auth, request};
    let pool = request::pool()?;
    let rp = passkey::webauthn()?;
    let user = auth::current_user(&pool)
        .await?
        .ok_or_else(|| request::fail(AppError::Unauthenticated))?;
    let passkeys = passkey::passkeys_of(&pool, user.actor.staff_id).await?;
    if passkeys.is_empty() {
        return Err(request::fail(AppError::Conflict));
    }
    let (options, state) = passkey::start_second_factor(rp, &passkeys)?;
    let now = chrono::Utc::now();
    passkey::put_session_state(
        &pool,
        Ceremony::SecondFactor,
        &user.session_hash,
        &state,
        now,
    )
    .await?;
    Ok(options)
}

/// Second factor, step 2: the signed challenge; on success the session is
/// past its second factor. Returns where to go (`next`, made safe).
#[server(prefix = "/api", endpoint = "passkey_verify_finish", input = JsonArgs)]
pub async fn passkey_verify_finish(
    credential: serde_json::Value,
    next: String,
) -> Result<String, AppError> {
    use crate::domain::text::safe_next_path;
    use crate::ssr::passkey::{self, Ceremony};
    use crate::ssr::{audit, auth, request};
    let pool = request::pool()?;
    let rp = passkey::webauthn()?;
    let user = auth::current_user(&pool)
        .await?
        .ok_or_else(|| request::fail(AppError::Unauthenticated))?;
    let now = chrono::Utc::now();
    let result =
        match passkey::take_session_state(&pool, Ceremony::SecondFactor, &user.session_hash, now)
            .await?
        {
            Some(state) => {
                passkey::finish_second_factor(
                    &pool,
                    rp,
                    user.actor.staff_id,
                    credential,
                    &state,
                    now,
                )
                .await
            }
            None => Err(request::fail(AppError::Conflict)),
        };
    // After the password, this completes the sign-in (under a new token);
    // later in the session, it is a fresh proof for one credential change.
    if result.is_ok() {
        if user.second_factor_done {
            auth::record_fresh_proof(&pool, &user.session_hash, now).await?;
            request::notice_once(crate::domain::factors::SecurityNotice::Reauthenticated);
        } else {
            auth::complete_second_factor(&pool, &user.session_hash, true, now).await?;
        }
    }
    let outcome = passkey::outcome(&result);
    let action = if user.second_factor_done {
        "reauthenticate"
    } else {
        "sign_in_second_factor"
    };
    audit::record(&pool, &user, None, action, outcome, "passkey").await?;
    result?;
    Ok(safe_next_path(&next))
}

/// What starts a passwordless sign-in: the id of the stored challenge and
/// the options for `navigator.credentials.get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasskeyChallenge {
    pub ceremony: uuid::Uuid,
    pub options: serde_json::Value,
}

/// Passwordless sign-in, step 1 (nobody signed in yet).
#[server(prefix = "/api", endpoint = "passkey_sign_in_start", input = JsonArgs)]
pub async fn passkey_sign_in_start() -> Result<PasskeyChallenge, AppError> {
    use crate::ssr::{passkey, request};
    let pool = request::pool()?;
    let rp = passkey::webauthn()?;
    let (options, state) = passkey::start_sign_in(rp)?;
    let (ip, _) = request::client_info();
    let ceremony = passkey::put_sign_in_state(&pool, &state, &ip, chrono::Utc::now()).await?;
    Ok(PasskeyChallenge { ceremony, options })
}

/// Passwordless sign-in, step 2: the signed challenge names the passkey and
/// its owner; on success a session starts, past its second factor (the
/// passkey verified the user). Returns where to go (`next`, made safe).
#[server(prefix = "/api", endpoint = "passkey_sign_in_finish", input = JsonArgs)]
pub async fn passkey_sign_in_finish(
    ceremony: uuid::Uuid,
    credential: serde_json::Value,
    next: String,
) -> Result<String, AppError> {
    use crate::domain::text::safe_next_path;
    use crate::ssr::{audit, auth, passkey, request};
    let pool = request::pool()?;
    let rp = passkey::webauthn()?;
    let now = chrono::Utc::now();
    let result = match passkey::take_sign_in_state(&pool, ceremony, now).await? {
        Some(state) => passkey::finish_sign_in(&pool, rp, credential, state, now).await,
        None => Err(request::fail(AppError::BadCredentials)),
    };
    let (staff_id, login_id) = match result {
        Ok(who) => who,
        Err(error) => {
            let outcome = passkey::outcome::<()>(&Err(error.clone()));
            audit::record_sign_in(&pool, None, "(passkey)", outcome, "passkey refused").await?;
            return Err(error);
        }
    };
    auth::start_session(&pool, staff_id, true, false, now).await?;
    audit::record_sign_in(&pool, Some(staff_id), &login_id, "allowed", "passkey").await?;
    Ok(safe_next_path(&next))
}
