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

/// Where the signed-in user stands, for the security page to show the
/// right forms: the enrolment-code form, the proof form, the enrolment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityStanding {
    pub fully_signed_in: bool,
    pub totp_enabled: bool,
    pub has_passkey: bool,
    /// The account has no factor and no enrolment code was redeemed.
    pub needs_enrolment_code: bool,
    /// The organisation requires a second factor (the code page says so).
    pub org_requires: bool,
    /// A fresh proof is held (one credential change may be made).
    pub proof_fresh: bool,
    /// The proof form asks for the app's code too.
    pub proof_needs_code: bool,
    /// The account proves itself with a passkey only.
    pub proof_passkey_only: bool,
}

/// The signed-in user's standing on the security page.
#[server(prefix = "/api", endpoint = "security_state")]
pub async fn security_state() -> Result<SecurityStanding, AppError> {
    use crate::domain::factors::{proof_form, ProofForm};
    use crate::ssr::{auth, request};
    let pool = request::pool()?;
    let user = auth::current_user(&pool)
        .await?
        .ok_or_else(|| request::fail(AppError::Unauthenticated))?;
    let factors = user.factors();
    // An account with a factor that has not used it sees nothing here.
    if factors.any() && !user.second_factor_done {
        return Err(request::fail(AppError::Unauthenticated));
    }
    let form = proof_form(factors);
    Ok(SecurityStanding {
        fully_signed_in: user.fully_signed_in(),
        totp_enabled: user.totp_enabled,
        has_passkey: user.has_passkey,
        needs_enrolment_code: !factors.any() && !user.enrolment_granted,
        org_requires: user.second_factor_required,
        proof_fresh: user.proof_is_fresh(chrono::Utc::now()),
        proof_needs_code: form == ProofForm::PasswordAndCode,
        proof_passkey_only: form == ProofForm::PasskeyOnly,
    })
}

/// The door to enrolling a factor, freshness aside: an account with a
/// factor must have used it in this session; one without must have
/// redeemed an enrolment code.
#[cfg(feature = "ssr")]
fn enrolment_door(user: &crate::ssr::auth::CurrentUser) -> Result<(), AppError> {
    use crate::domain::factors::{may_enrol, EnrolRefusal};
    match may_enrol(
        user.factors(),
        user.second_factor_done,
        user.enrolment_granted,
        true,
    ) {
        Ok(()) | Err(EnrolRefusal::FreshProof) => Ok(()),
        Err(EnrolRefusal::SecondFactorFirst) => {
            Err(crate::ssr::request::fail(AppError::Unauthenticated))
        }
        Err(EnrolRefusal::EnrolmentCode) => {
            Err(crate::ssr::request::fail(AppError::EnrolmentCodeRequired))
        }
    }
}

/// Stores a new pending secret on the session (sealed with the server key).
#[cfg(feature = "ssr")]
async fn new_pending_secret(
    pool: &sqlx::PgPool,
    user: &crate::ssr::auth::CurrentUser,
) -> Result<String, AppError> {
    use crate::ssr::{request, secrets, totp};
    let secret = totp::new_secret();
    sqlx::query!(
        "update sessions set pending_totp_sealed = $2 where token_hash = $1",
        user.session_hash,
        secrets::seal(&secret, user.actor.staff_id.as_bytes())?
    )
    .execute(pool)
    .await
    .map_err(request::internal("storing a pending secret"))?;
    Ok(secret)
}

/// The session's pending secret, made now if it has none. Made at most
/// once however many ask at the same moment (two renders of the page, two
/// tabs): the row is written only while empty, and everyone then reads
/// what it holds, so the page never shows a secret that was not kept.
#[cfg(feature = "ssr")]
async fn pending_secret_once(
    pool: &sqlx::PgPool,
    user: &crate::ssr::auth::CurrentUser,
) -> Result<String, AppError> {
    use crate::ssr::{request, secrets, totp};
    sqlx::query!(
        "update sessions set pending_totp_sealed = $2
          where token_hash = $1 and pending_totp_sealed is null",
        user.session_hash,
        secrets::seal(&totp::new_secret(), user.actor.staff_id.as_bytes())?
    )
    .execute(pool)
    .await
    .map_err(request::internal("storing a pending secret"))?;
    let sealed = sqlx::query_scalar!(
        "select pending_totp_sealed from sessions where token_hash = $1",
        user.session_hash
    )
    .fetch_one(pool)
    .await
    .map_err(request::internal("reading the pending secret"))?
    .ok_or(AppError::Internal)?;
    secrets::open(&sealed, user.actor.staff_id.as_bytes())
}

/// Starts (or resumes) enrolment for the signed-in user, or shows the
/// pending reset of an app already set up. The secret waits on the
/// session, sealed, until a first code proves the app has it.
#[server(prefix = "/api", endpoint = "totp_enrollment")]
pub async fn totp_enrollment() -> Result<TotpSetup, AppError> {
    use crate::ssr::{auth, request, secrets, totp};

    let pool = request::pool()?;
    let user = auth::current_user(&pool)
        .await?
        .ok_or_else(|| request::fail(AppError::Unauthenticated))?;
    enrolment_door(&user)?;
    let row = sqlx::query!(
        r#"select s.pending_totp_sealed, st.login_id as "login_id!"
             from sessions s join staff st on st.id = s.staff_id
            where s.token_hash = $1"#,
        user.session_hash
    )
    .fetch_one(&pool)
    .await
    .map_err(request::internal("reading the session"))?;
    let secret = match row.pending_totp_sealed {
        Some(sealed) => secrets::open(&sealed, user.actor.staff_id.as_bytes())?,
        None if user.totp_enabled => {
            return Ok(TotpSetup {
                already_enabled: true,
                secret: String::new(),
                qr_svg: String::new(),
            })
        }
        None => pending_secret_once(&pool, &user).await?,
    };
    let uri = totp::provisioning_uri(&secret, &row.login_id).ok_or(AppError::Internal)?;
    Ok(TotpSetup {
        already_enabled: user.totp_enabled,
        qr_svg: totp::qr_svg(&uri).ok_or(AppError::Internal)?,
        secret,
    })
}

/// Starts resetting the authenticator app (a new phone): needs a fresh
/// proof, which the confirmation then uses up. A plain form.
#[server(prefix = "/api", endpoint = "totp_reset")]
pub async fn start_totp_reset() -> Result<(), AppError> {
    use crate::ssr::{auth, request};
    let back = "/account/security";
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    if !user.totp_enabled {
        return Err(request::fail_form(AppError::Conflict, back));
    }
    if !user.proof_is_fresh(chrono::Utc::now()) {
        return Err(request::fail_form(AppError::ReauthenticationRequired, back));
    }
    new_pending_secret(&pool, &user).await?;
    leptos_axum::redirect(back);
    Ok(())
}

/// Confirms enrolment (or a reset) with a first code; returns the recovery
/// codes, shown once and stored only as HMACs. Uses up the fresh proof.
#[server(prefix = "/api", endpoint = "totp_confirm")]
pub async fn confirm_totp(code: String) -> Result<Vec<String>, AppError> {
    use crate::domain::factors::SecurityNotice;
    use crate::ssr::{audit, auth, request, secrets, totp};

    let back = "/account/security";
    let pool = request::pool()?;
    let user = auth::current_user(&pool)
        .await?
        .ok_or_else(|| request::fail(AppError::Unauthenticated))?;
    enrolment_door(&user)?;
    let now = chrono::Utc::now();
    let pending = sqlx::query_scalar!(
        "select pending_totp_sealed from sessions where token_hash = $1",
        user.session_hash
    )
    .fetch_one(&pool)
    .await
    .map_err(request::internal("reading the session"))?
    .ok_or_else(|| request::fail_form(AppError::Conflict, back))?;
    let pending = secrets::open(&pending, user.actor.staff_id.as_bytes())?;
    let Some(step) = totp::verify(&pending, &code, now.timestamp() as u64, None) else {
        return Err(request::fail_form(AppError::BadCredentials, back));
    };
    let reset = user.totp_enabled;
    let action = if reset { "totp_reset" } else { "totp_enrol" };
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    if let Err(refused) = auth::use_fresh_proof(&mut *tx, &user, now).await {
        drop(tx);
        audit::record(&pool, &user, None, action, "denied", "no fresh proof").await?;
        return Err(request::fail_form(refused, back));
    }
    sqlx::query!(
        "update staff set totp_secret = null, totp_secret_sealed = $2, totp_enabled_at = $3,
                          totp_last_step = $4
          where id = $1",
        user.actor.staff_id,
        secrets::seal(&pending, user.actor.staff_id.as_bytes())?,
        now,
        step
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("enabling TOTP"))?;
    let codes = totp::replace_recovery_codes(&mut tx, user.actor.staff_id).await?;
    sqlx::query!(
        "update sessions set pending_totp_sealed = null where token_hash = $1",
        user.session_hash
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("updating the session"))?;
    audit::record(&mut *tx, &user, None, action, "done", "").await?;
    if !user.second_factor_done {
        // The account's first factor, just proved: the sign-in is complete
        // and goes on under a new token.
        auth::complete_second_factor(&mut *tx, &user.session_hash, false, now).await?;
    }
    tx.commit().await.map_err(request::internal("commit"))?;
    request::notice_once(if reset {
        SecurityNotice::TotpReset
    } else {
        SecurityNotice::TotpEnrolled
    });
    if request::is_plain_form_post() {
        request::reveal_once(&codes);
    }
    Ok(codes)
}

/// New recovery codes (the old ones stop working); needs a fresh proof.
#[server(prefix = "/api", endpoint = "recovery_codes_renew")]
pub async fn renew_recovery_codes() -> Result<Vec<String>, AppError> {
    use crate::domain::factors::SecurityNotice;
    use crate::ssr::{audit, auth, request, totp};
    let back = "/account/security";
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    if !user.totp_enabled {
        return Err(request::fail_form(AppError::Conflict, back));
    }
    let now = chrono::Utc::now();
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    if let Err(refused) = auth::use_fresh_proof(&mut *tx, &user, now).await {
        drop(tx);
        audit::record(
            &pool,
            &user,
            None,
            "recovery_codes_renew",
            "denied",
            "no fresh proof",
        )
        .await?;
        return Err(request::fail_form(refused, back));
    }
    let codes = totp::replace_recovery_codes(&mut tx, user.actor.staff_id).await?;
    audit::record(&mut *tx, &user, None, "recovery_codes_renew", "done", "").await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    request::notice_once(SecurityNotice::RecoveryCodesRenewed);
    if request::is_plain_form_post() {
        request::reveal_once(&codes);
        leptos_axum::redirect(back);
    }
    Ok(codes)
}

/// A fresh proof for one credential change: the password, with the app's
/// code (or a recovery code) when the account has the app. A passkey-only
/// account proves itself with the passkey (`passkey_verify_*`). A plain
/// form, so it works without JavaScript.
#[server(prefix = "/api", endpoint = "reauthenticate")]
pub async fn reauthenticate(
    password: String,
    #[server(default)] code: String,
) -> Result<(), AppError> {
    use crate::domain::factors::{proof_form, ProofForm, SecurityNotice};
    use crate::ssr::{audit, auth, request, totp};
    let back = "/account/security";
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let form = proof_form(user.factors());
    if form == ProofForm::PasskeyOnly {
        return Err(request::fail_form(
            AppError::Invalid("reauthentication".into()),
            back,
        ));
    }
    if password.is_empty() || password.chars().count() > 256 || code.chars().count() > 64 {
        return Err(request::fail_form(
            AppError::Invalid("reauthentication".into()),
            back,
        ));
    }
    let now = chrono::Utc::now();
    let login_id = crate::ssr::passkey::login_id_of(&pool, user.actor.staff_id).await?;
    let attempt = auth::reserve_attempt(&pool, &format!("{login_id}:reauth"), now)
        .await
        .map_err(|e| request::fail_form(e, back))?;
    let hash = sqlx::query_scalar!(
        "select password_hash from staff where id = $1",
        user.actor.staff_id
    )
    .fetch_one(&pool)
    .await
    .map_err(request::internal("reading the account"))?;
    let password_ok = auth::verify_password(password, hash).await?;
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let ok = password_ok
        && match form {
            ProofForm::PasswordAndCode => {
                sqlx::query!(
                    r#"select true as "locked!" from (select pg_advisory_xact_lock(1, hashtext($1))) l"#,
                    format!("{login_id}:totp")
                )
                .fetch_one(&mut *tx)
                .await
                .map_err(request::internal("locking second-factor attempts"))?;
                totp::check_code(&mut tx, user.actor.staff_id, &code, now).await?
            }
            _ => true,
        };
    if ok {
        auth::attempt_succeeded(&mut *tx, attempt).await?;
        auth::record_fresh_proof(&mut *tx, &user.session_hash, now).await?;
    }
    audit::record(
        &mut *tx,
        &user,
        None,
        "reauthenticate",
        if ok { "allowed" } else { "denied" },
        "",
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    if !ok {
        return Err(request::fail_form(
            AppError::Invalid("reauthentication".into()),
            back,
        ));
    }
    request::notice_once(SecurityNotice::Reauthenticated);
    leptos_axum::redirect(back);
    Ok(())
}

/// Redeems an administrator's enrolment code (with the password, a fresh
/// proof): this session may then enrol the account's first factor. A
/// plain form. Where the organisation requires two factors this is the
/// only thing a password-only session can do.
#[server(prefix = "/api", endpoint = "enrolment_code")]
pub async fn redeem_enrolment_code(code: String, password: String) -> Result<(), AppError> {
    use crate::domain::factors::SecurityNotice;
    use crate::ssr::{audit, auth, enrolment, request};
    let back = "/account/security";
    let pool = request::pool()?;
    let user = auth::current_user(&pool)
        .await?
        .ok_or_else(|| request::fail(AppError::Unauthenticated))?;
    // An account with a factor adds more with that factor, not a code.
    if user.factors().any() {
        return Err(request::fail_form(AppError::Conflict, back));
    }
    let refuse = || request::fail_form(AppError::Invalid("enrolment_code".into()), back);
    if password.is_empty() || password.chars().count() > 256 || code.chars().count() > 64 {
        return Err(refuse());
    }
    let now = chrono::Utc::now();
    let login_id = crate::ssr::passkey::login_id_of(&pool, user.actor.staff_id).await?;
    let attempt = auth::reserve_attempt(&pool, &format!("{login_id}:enrolment"), now)
        .await
        .map_err(|e| request::fail_form(e, back))?;
    let hash = sqlx::query_scalar!(
        "select password_hash from staff where id = $1",
        user.actor.staff_id
    )
    .fetch_one(&pool)
    .await
    .map_err(request::internal("reading the account"))?;
    let password_ok = auth::verify_password(password, hash).await?;
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let ok = password_ok && enrolment::redeem(&mut tx, user.actor.staff_id, &code, now).await?;
    if ok {
        auth::attempt_succeeded(&mut *tx, attempt).await?;
        sqlx::query!(
            "update sessions set enrolment_granted_at = $2, reauthenticated_at = $2
              where token_hash = $1",
            user.session_hash,
            now
        )
        .execute(&mut *tx)
        .await
        .map_err(request::internal("granting enrolment"))?;
    }
    audit::record(
        &mut *tx,
        &user,
        None,
        "enrolment_code_redeem",
        if ok { "allowed" } else { "denied" },
        "",
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    if !ok {
        return Err(refuse());
    }
    request::notice_once(SecurityNotice::EnrolmentCodeAccepted);
    leptos_axum::redirect(back);
    Ok(())
}

/// What the security page says about the change just made, once.
pub fn taken_notice() -> Option<crate::domain::factors::SecurityNotice> {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::request::take_notice()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
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
    if !user.totp_enabled {
        return Err(request::fail(AppError::Conflict));
    }

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

    let ok = totp::check_code(&mut tx, user.actor.staff_id, &code, now).await?;
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
        // Past the second factor, under a new token: the one that
        // travelled with the password alone is revoked.
        auth::complete_second_factor(&mut *tx, &user.session_hash, true, now).await?;
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
