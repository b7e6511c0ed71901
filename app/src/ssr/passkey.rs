//! Passkeys (WebAuthn) on the well-kept `webauthn-rs` crate, which does every
//! check of the signed answers (origin, challenge, signature, user
//! verification, counter); we add what it leaves to the caller: where the
//! ceremony state waits between its two requests, which staff member a
//! credential belongs to, and the sessions that follow.
//!
//! Three ceremonies:
//! - **register**: a signed-in user adds a passkey. The state is keyed by
//!   the session's token hash.
//! - **second factor**: after the password, a passkey instead of a TOTP code
//!   sets `second_factor_done` on the session. Keyed by the session too.
//! - **sign-in**: no password at all; the browser offers the passkeys it
//!   holds for this site (a discoverable credential), and the answer names
//!   the user. There is no session yet, so the state is keyed by a random id
//!   the browser sends back.
//!
//! Every passkey ceremony demands user verification (fingerprint, face or
//! PIN on the device), so a passkey alone is two factors: something the
//! user has and something they are or know.
//!
//! The relying party is the site's public origin, `NIGHTCALL_PUBLIC_ORIGIN`
//! (default `http://localhost:3000`); its host is the RP id the browser
//! checks. Browsers allow WebAuthn only in a secure context: https, or
//! http://localhost. An IP address is never a valid RP id.

use crate::error::AppError;
use crate::ssr::auth::{self, CurrentUser};
use crate::ssr::request;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::{PgExecutor, PgPool};
use std::sync::OnceLock;
use uuid::Uuid;
use webauthn_rs::prelude::{
    AuthenticationResult, CreationChallengeResponse, DiscoverableAuthentication, DiscoverableKey,
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, RequestChallengeResponse, Url, Webauthn, WebauthnBuilder,
};

/// The environment variable naming the origin browsers use for this site.
pub const ORIGIN_ENV: &str = "NIGHTCALL_PUBLIC_ORIGIN";
/// The origin when none is configured: `./scripts/run` on a laptop.
pub const DEFAULT_ORIGIN: &str = "http://localhost:3000";
/// How long the browser may take (the user finds their phone, touches the
/// sensor); the stored state expires with it.
pub const CEREMONY_TIMEOUT: Duration = Duration::minutes(5);
/// Anyone may start a passwordless sign-in, and each start stores a row; a
/// cap per address keeps a script from filling the table.
pub const MAX_PENDING_SIGN_INS_PER_ADDRESS: i64 = 20;
/// The longest passkey name kept (the table checks the same).
pub const MAX_NAME_CHARS: usize = 64;

/// Builds the relying party for `origin`, or says in one line why not.
pub fn relying_party(origin: &str) -> Result<Webauthn, String> {
    let url =
        Url::parse(origin).map_err(|e| format!("{ORIGIN_ENV}={origin:?} is not a URL ({e})"))?;
    let Some(host) = url.domain() else {
        return Err(format!(
            "{ORIGIN_ENV}={origin:?}: passkeys need a host name, not an IP address \
             (for development use http://localhost:PORT)"
        ));
    };
    let localhost = host == "localhost";
    if url.scheme() != "https" && !(url.scheme() == "http" && localhost) {
        return Err(format!(
            "{ORIGIN_ENV}={origin:?}: browsers offer passkeys only over https \
             (or http://localhost)"
        ));
    }
    let timeout = CEREMONY_TIMEOUT.to_std().map_err(|e| e.to_string())?;
    WebauthnBuilder::new(host, &url)
        .map(|b| {
            b.rp_name("Nightcall")
                .timeout(timeout)
                // On localhost the port only tells development servers
                // apart (the browser tests pick a free one); a deployed
                // https origin must match exactly.
                .allow_any_port(localhost)
        })
        .and_then(|b| b.build())
        .map_err(|e| format!("{ORIGIN_ENV}={origin:?}: {e}"))
}

/// The relying party of this process, configured once from the environment.
pub fn webauthn() -> Result<&'static Webauthn, AppError> {
    static RP: OnceLock<Result<Webauthn, String>> = OnceLock::new();
    RP.get_or_init(|| {
        let origin = std::env::var(ORIGIN_ENV).unwrap_or_else(|_| DEFAULT_ORIGIN.to_owned());
        relying_party(&origin)
    })
    .as_ref()
    .map_err(|why| {
        tracing::error!("passkeys unavailable: {why}");
        request::fail(AppError::Internal)
    })
}

/// Which ceremony a stored state belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ceremony {
    Register,
    SecondFactor,
    SignIn,
}

impl Ceremony {
    pub fn as_db(self) -> &'static str {
        match self {
            Ceremony::Register => "register",
            Ceremony::SecondFactor => "second_factor",
            Ceremony::SignIn => "sign_in",
        }
    }
}

/// What the security page lists about one passkey (no key material).
#[derive(Debug, Clone)]
pub struct PasskeyInfo {
    /// The credential id, base64url without padding (as WebAuthn writes it).
    pub id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

fn to_json(value: &impl Serialize) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value).map_err(|e| {
        tracing::error!(error = %e, "serialising passkey data");
        request::fail(AppError::Internal)
    })
}

fn from_stored<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_json::from_value(value).map_err(|e| {
        tracing::error!(error = %e, "reading stored passkey data");
        request::fail(AppError::Internal)
    })
}

/// Reads what the browser sent; a malformed answer is the client's fault.
pub fn from_browser<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_json::from_value(value).map_err(|e| {
        tracing::info!(error = %e, "a malformed passkey answer");
        request::fail(AppError::Invalid("credential".into()))
    })
}

/// A refusal by webauthn-rs (wrong origin, stale challenge, bad signature,
/// no user verification…): logged with its reason, a plain 401 outside.
pub fn refused(
    context: &'static str,
) -> impl FnOnce(webauthn_rs::prelude::WebauthnError) -> AppError {
    move |e| {
        tracing::info!(error = %e, "passkey {context} refused");
        request::fail(AppError::BadCredentials)
    }
}

/// The options for `navigator.credentials.create`. webauthn-rs leaves
/// discoverable ("resident") credentials to chance; we ask for one where
/// the authenticator can keep it, so the same passkey also signs in without
/// a login id. "preferred", not "required": a security key with little
/// storage may still register, as a second factor only.
pub fn creation_options(ccr: &CreationChallengeResponse) -> Result<serde_json::Value, AppError> {
    let mut options = to_json(ccr)?;
    if let Some(selection) = options
        .pointer_mut("/publicKey/authenticatorSelection")
        .and_then(|s| s.as_object_mut())
    {
        selection.insert("residentKey".into(), "preferred".into());
        selection.insert("requireResidentKey".into(), false.into());
    }
    Ok(options)
}

/// The options for `navigator.credentials.get`. webauthn-rs marks the
/// discoverable flow for conditional mediation (autofill); our button asks
/// in the usual modal way, so the mark is dropped.
pub fn request_options(rcr: &RequestChallengeResponse) -> Result<serde_json::Value, AppError> {
    let mut options = to_json(rcr)?;
    if let Some(object) = options.as_object_mut() {
        object.remove("mediation");
    }
    Ok(options)
}

/// Stores a session's pending ceremony, replacing one of the same kind.
pub async fn put_session_state(
    pool: &PgPool,
    kind: Ceremony,
    session_hash: &[u8],
    state: &impl Serialize,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let state = to_json(state)?;
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    purge_expired(&mut *tx, now).await?;
    sqlx::query!(
        "delete from passkey_ceremonies where session_hash = $1 and kind = $2",
        session_hash,
        kind.as_db()
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("replacing a passkey ceremony"))?;
    sqlx::query!(
        r#"insert into passkey_ceremonies (id, kind, session_hash, state, created_at, expires_at)
           values ($1, $2, $3, $4, $5, $6)"#,
        Uuid::new_v4(),
        kind.as_db(),
        session_hash,
        state,
        now,
        now + CEREMONY_TIMEOUT,
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("storing a passkey ceremony"))?;
    tx.commit().await.map_err(request::internal("commit"))?;
    Ok(())
}

/// Takes (and so uses up) a session's pending ceremony; `None` when there is
/// none or it has expired.
pub async fn take_session_state<T: DeserializeOwned>(
    pool: &PgPool,
    kind: Ceremony,
    session_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<T>, AppError> {
    let row = sqlx::query!(
        r#"delete from passkey_ceremonies where session_hash = $1 and kind = $2
           returning state, expires_at"#,
        session_hash,
        kind.as_db()
    )
    .fetch_optional(pool)
    .await
    .map_err(request::internal("taking a passkey ceremony"))?;
    match row {
        Some(row) if row.expires_at > now => from_stored(row.state).map(Some),
        _ => Ok(None),
    }
}

/// Stores the state of a passwordless sign-in and returns the id the
/// browser sends back. Refuses (429) an address with too many pending.
pub async fn put_sign_in_state(
    pool: &PgPool,
    state: &DiscoverableAuthentication,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let state = to_json(state)?;
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    purge_expired(&mut *tx, now).await?;
    let pending = sqlx::query_scalar!(
        r#"select count(*) as "n!" from passkey_ceremonies
            where kind = 'sign_in' and ip = $1 and expires_at > $2"#,
        ip,
        now
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(request::internal("counting passkey sign-ins"))?;
    if pending >= MAX_PENDING_SIGN_INS_PER_ADDRESS {
        return Err(request::fail(AppError::Throttled(now + CEREMONY_TIMEOUT)));
    }
    let id = Uuid::new_v4();
    sqlx::query!(
        r#"insert into passkey_ceremonies (id, kind, state, ip, created_at, expires_at)
           values ($1, 'sign_in', $2, $3, $4, $5)"#,
        id,
        state,
        ip,
        now,
        now + CEREMONY_TIMEOUT,
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("storing a passkey sign-in"))?;
    tx.commit().await.map_err(request::internal("commit"))?;
    Ok(id)
}

/// Takes (uses up) a passwordless sign-in's state by its id.
pub async fn take_sign_in_state(
    pool: &PgPool,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<DiscoverableAuthentication>, AppError> {
    let row = sqlx::query!(
        r#"delete from passkey_ceremonies where id = $1 and kind = 'sign_in'
           returning state, expires_at"#,
        id
    )
    .fetch_optional(pool)
    .await
    .map_err(request::internal("taking a passkey sign-in"))?;
    match row {
        Some(row) if row.expires_at > now => from_stored(row.state).map(Some),
        _ => Ok(None),
    }
}

/// Ceremonies nobody finished: deleted whenever a new one starts, so the
/// table holds at most a few minutes' worth.
async fn purge_expired(db: impl PgExecutor<'_>, now: DateTime<Utc>) -> Result<(), AppError> {
    sqlx::query!("delete from passkey_ceremonies where expires_at <= $1", now)
        .execute(db)
        .await
        .map_err(request::internal("purging passkey ceremonies"))?;
    Ok(())
}

/// The passkeys of a staff member, oldest first, for the security page.
pub async fn list(pool: &PgPool, staff_id: Uuid) -> Result<Vec<PasskeyInfo>, AppError> {
    let rows = sqlx::query!(
        r#"select credential_id, name, created_at, last_used_at from passkeys
            where staff_id = $1 order by created_at, credential_id"#,
        staff_id
    )
    .fetch_all(pool)
    .await
    .map_err(request::internal("listing passkeys"))?;
    Ok(rows
        .into_iter()
        .map(|r| PasskeyInfo {
            id: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&r.credential_id),
            name: r.name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        })
        .collect())
}

/// The passkeys of a staff member as webauthn-rs needs them.
pub async fn passkeys_of(pool: &PgPool, staff_id: Uuid) -> Result<Vec<Passkey>, AppError> {
    sqlx::query_scalar!(
        "select passkey from passkeys where staff_id = $1 order by created_at, credential_id",
        staff_id
    )
    .fetch_all(pool)
    .await
    .map_err(request::internal("reading passkeys"))?
    .into_iter()
    .map(from_stored)
    .collect()
}

/// Whether a staff member has any passkey.
pub async fn has_passkey(db: impl PgExecutor<'_>, staff_id: Uuid) -> Result<bool, AppError> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from passkeys where staff_id = $1) as "exists!""#,
        staff_id
    )
    .fetch_one(db)
    .await
    .map_err(request::internal("looking for passkeys"))
}

/// The owner (an active account) and the passkey of a credential id.
pub async fn find(
    pool: &PgPool,
    credential_id: &[u8],
) -> Result<Option<(Uuid, String, Passkey)>, AppError> {
    let row = sqlx::query!(
        r#"select p.staff_id, st.login_id as "login_id!", p.passkey
             from passkeys p join staff st on st.id = p.staff_id
            where p.credential_id = $1 and st.disabled_at is null and st.login_id is not null"#,
        credential_id
    )
    .fetch_optional(pool)
    .await
    .map_err(request::internal("finding a passkey"))?;
    row.map(|r| Ok((r.staff_id, r.login_id, from_stored(r.passkey)?)))
        .transpose()
}

/// Keeps a new passkey. `false` when the credential id is already
/// registered (to anyone): WebAuthn says to refuse it.
pub async fn add(
    db: impl PgExecutor<'_>,
    staff_id: Uuid,
    passkey: &Passkey,
    name: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let inserted = sqlx::query!(
        r#"insert into passkeys (credential_id, staff_id, passkey, name, created_at)
           values ($1, $2, $3, $4, $5) on conflict (credential_id) do nothing"#,
        passkey.cred_id().as_slice(),
        staff_id,
        to_json(passkey)?,
        name,
        now,
    )
    .execute(db)
    .await
    .map_err(request::internal("storing a passkey"))?
    .rows_affected();
    Ok(inserted == 1)
}

/// After a successful use: the new signature counter and backup flags (so a
/// cloned authenticator's stale counter is caught next time), and when.
pub async fn record_use(
    db: impl PgExecutor<'_>,
    mut passkey: Passkey,
    result: &AuthenticationResult,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // `None` would mean the result is about another credential, which the
    // ceremony has already excluded; the timestamp is still worth keeping.
    passkey.update_credential(result);
    sqlx::query!(
        "update passkeys set passkey = $2, last_used_at = $3 where credential_id = $1",
        result.cred_id().as_slice(),
        to_json(&passkey)?,
        now
    )
    .execute(db)
    .await
    .map_err(request::internal("recording a passkey use"))?;
    Ok(())
}

/// Removes one of a staff member's passkeys; `false` when it is not theirs.
pub async fn remove(
    db: impl PgExecutor<'_>,
    staff_id: Uuid,
    id_base64url: &str,
) -> Result<bool, AppError> {
    let Ok(credential_id) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(id_base64url)
    else {
        return Ok(false);
    };
    let removed = sqlx::query!(
        "delete from passkeys where staff_id = $1 and credential_id = $2",
        staff_id,
        credential_id
    )
    .execute(db)
    .await
    .map_err(request::internal("removing a passkey"))?
    .rows_affected();
    Ok(removed == 1)
}

/// A name as the user typed it, trimmed and cut to what the table keeps;
/// blank becomes `fallback`.
pub fn clean_name(name: &str, fallback: &str) -> String {
    let name: String = name
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    if name.trim().is_empty() {
        fallback.chars().take(MAX_NAME_CHARS).collect()
    } else {
        name.trim_end().to_owned()
    }
}

/// Registration, step 1: the options for the browser. Existing passkeys of
/// the user are excluded, so the same authenticator is not added twice.
pub fn start_registration(
    rp: &Webauthn,
    staff_id: Uuid,
    login_id: &str,
    display_name: &str,
    existing: &[Passkey],
) -> Result<(serde_json::Value, PasskeyRegistration), AppError> {
    let exclude = existing.iter().map(|p| p.cred_id().clone()).collect();
    let (ccr, state) = rp
        .start_passkey_registration(staff_id, login_id, display_name, Some(exclude))
        .map_err(|e| {
            tracing::error!(error = %e, "starting a passkey registration");
            request::fail(AppError::Internal)
        })?;
    Ok((creation_options(&ccr)?, state))
}

/// Registration, step 2: the browser's answer checked against the state.
pub fn finish_registration(
    rp: &Webauthn,
    answer: serde_json::Value,
    state: &PasskeyRegistration,
) -> Result<Passkey, AppError> {
    let answer: RegisterPublicKeyCredential = from_browser(answer)?;
    rp.finish_passkey_registration(&answer, state)
        .map_err(refused("registration"))
}

/// Second factor, step 1: a challenge any of the user's passkeys may sign.
pub fn start_second_factor(
    rp: &Webauthn,
    passkeys: &[Passkey],
) -> Result<(serde_json::Value, PasskeyAuthentication), AppError> {
    let (rcr, state) = rp.start_passkey_authentication(passkeys).map_err(|e| {
        tracing::error!(error = %e, "starting a passkey authentication");
        request::fail(AppError::Internal)
    })?;
    Ok((request_options(&rcr)?, state))
}

/// Passwordless sign-in, step 1: a challenge with no credentials named, so
/// the browser offers whichever passkeys it holds for this site.
pub fn start_sign_in(
    rp: &Webauthn,
) -> Result<(serde_json::Value, DiscoverableAuthentication), AppError> {
    let (rcr, state) = rp.start_discoverable_authentication().map_err(|e| {
        tracing::error!(error = %e, "starting a passkey sign-in");
        request::fail(AppError::Internal)
    })?;
    Ok((request_options(&rcr)?, state))
}

/// Passwordless sign-in, step 2: finds the passkey the answer names, checks
/// that its user handle is its owner's, and verifies the signature. Returns
/// the staff id and login id, and records the use.
pub async fn finish_sign_in(
    pool: &PgPool,
    rp: &Webauthn,
    answer: serde_json::Value,
    state: DiscoverableAuthentication,
    now: DateTime<Utc>,
) -> Result<(Uuid, String), AppError> {
    let answer: PublicKeyCredential = from_browser(answer)?;
    let (user_handle, credential_id) = rp
        .identify_discoverable_authentication(&answer)
        .map_err(refused("sign-in"))?;
    let Some((staff_id, login_id, passkey)) = find(pool, credential_id).await? else {
        tracing::info!("passkey sign-in with an unknown credential");
        return Err(request::fail(AppError::BadCredentials));
    };
    // The user handle is the staff id we registered; a credential answering
    // for someone else is refused before its signature is even checked.
    if user_handle != staff_id {
        tracing::info!("passkey sign-in whose user handle is not the credential's owner");
        return Err(request::fail(AppError::BadCredentials));
    }
    let result = rp
        .finish_discoverable_authentication(&answer, state, &[DiscoverableKey::from(&passkey)])
        .map_err(refused("sign-in"))?;
    record_use(pool, passkey, &result, now).await?;
    Ok((staff_id, login_id))
}

/// Second factor, step 2: the answer checked against the state (which names
/// only this user's passkeys), and the use recorded.
pub async fn finish_second_factor(
    pool: &PgPool,
    rp: &Webauthn,
    staff_id: Uuid,
    answer: serde_json::Value,
    state: &PasskeyAuthentication,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let answer: PublicKeyCredential = from_browser(answer)?;
    let result = rp
        .finish_passkey_authentication(&answer, state)
        .map_err(refused("second factor"))?;
    let passkey = find(pool, result.cred_id().as_slice())
        .await?
        .filter(|(owner, _, _)| *owner == staff_id)
        .map(|(_, _, p)| p)
        .ok_or_else(|| request::fail(AppError::BadCredentials))?;
    record_use(pool, passkey, &result, now).await
}

/// The user who may manage passkeys: fully signed in (an account with a
/// passkey or an app has used it in this session), or one enrolling a
/// first factor with a redeemed enrolment code.
pub async fn user_who_may_register(pool: &PgPool) -> Result<CurrentUser, AppError> {
    let user = auth::current_user(pool)
        .await?
        .ok_or_else(|| request::fail(AppError::Unauthenticated))?;
    if user.fully_signed_in() || (!user.factors().any() && user.enrolment_granted) {
        Ok(user)
    } else {
        Err(request::fail(AppError::Unauthenticated))
    }
}

/// The login id of a staff member (the name the authenticator shows).
pub async fn login_id_of(pool: &PgPool, staff_id: Uuid) -> Result<String, AppError> {
    sqlx::query_scalar!(
        r#"select login_id as "login_id!" from staff where id = $1"#,
        staff_id
    )
    .fetch_one(pool)
    .await
    .map_err(request::internal("reading a login id"))
}

/// The audit outcome of a ceremony's result.
pub fn outcome<T>(result: &Result<T, AppError>) -> &'static str {
    match result {
        Ok(_) => "allowed",
        Err(AppError::Internal) => "failed",
        Err(_) => "denied",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_comes_from_the_public_origin() {
        let cases = [
            ("http://localhost:3000", true),
            ("https://nightcall.example.jp", true),
            ("https://nightcall.example.jp:8443", true),
            ("http://nightcall.example.jp", false),
            ("http://127.0.0.1:3000", false),
            ("https://[::1]:3000", false),
            ("not a url", false),
        ];
        for (origin, ok) in cases {
            let rp = relying_party(origin);
            assert_eq!(rp.is_ok(), ok, "{origin}: {:?}", rp.err());
            if let Err(why) = rp {
                assert!(why.contains(ORIGIN_ENV) && !why.contains('\n'), "{why}");
            }
        }
    }

    #[test]
    fn options_ask_for_a_discoverable_credential_and_a_modal_prompt() {
        let rp = relying_party(DEFAULT_ORIGIN).unwrap();
        let (create, _) =
            start_registration(&rp, Uuid::new_v4(), "nurse1", "看護 一", &[]).unwrap();
        let selection = &create["publicKey"]["authenticatorSelection"];
        assert_eq!(selection["residentKey"], "preferred");
        assert_eq!(selection["userVerification"], "required");
        assert_eq!(create["publicKey"]["rp"]["id"], "localhost");
        let (get, _) = start_sign_in(&rp).unwrap();
        assert!(get.get("mediation").is_none(), "{get}");
        assert_eq!(get["publicKey"]["userVerification"], "required");
    }

    #[test]
    fn names_are_trimmed_cut_and_never_blank() {
        let long = "あ".repeat(100);
        let cases = [
            ("  iPhone  ", "iPhone"),
            ("", "2026-11-21"),
            ("\u{7}\n ", "2026-11-21"),
            (long.as_str(), &long[..64 * 3]),
        ];
        for (input, expected) in cases {
            assert_eq!(clean_name(input, "2026-11-21"), expected, "{input:?}");
        }
    }
}
