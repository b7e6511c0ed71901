//! Sign-in, sessions and the current user.
//!
//! Sessions live in PostgreSQL so several server processes share them. The
//! cookie carries 32 random bytes; the table keeps only their SHA-256, so a
//! copy of the database cannot be replayed as cookies. Passwords are argon2id
//! hashes, computed off the async runtime.

use crate::domain::access::{Actor, Role};
use crate::error::AppError;
use crate::ssr::request;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

/// The session cookie.
pub const SESSION_COOKIE: &str = "nc_session";
/// A session ends after this long without a request…
pub const IDLE_TIMEOUT: Duration = Duration::hours(2);
/// …and after this long in any case (a night shift and its hand-over).
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(16);

/// Who is asking, as established by the session cookie.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub actor: Actor,
    pub name: String,
    pub session_hash: Vec<u8>,
    pub second_factor_done: bool,
    pub totp_enabled: bool,
    pub second_factor_required: bool,
}

impl CurrentUser {
    /// Whether this session may reach anything beyond the second-factor
    /// screens.
    pub fn fully_signed_in(&self) -> bool {
        self.second_factor_done || (!self.totp_enabled && !self.second_factor_required)
    }
}

/// How many argon2 computations (hashes and verifications) this process has
/// run: lets a test check by counting that every sign-in costs the same.
static ARGON2_RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub fn argon2_runs() -> u64 {
    ARGON2_RUNS.load(std::sync::atomic::Ordering::Relaxed)
}

fn count_argon2_run() {
    ARGON2_RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// Hashes a password with argon2id (default parameters: 19 MiB, 2 passes).
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        count_argon2_run();
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(|_| AppError::Internal)
}

/// Checks a password against a stored hash. A missing hash is checked against
/// a dummy so a missing account takes as long as a wrong password.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let dummy;
        let hash = match &hash {
            Some(h) => h.as_str(),
            None => {
                dummy = dummy_hash();
                dummy.as_str()
            }
        };
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        count_argon2_run();
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> String {
    let salt = SaltString::generate(&mut OsRng);
    count_argon2_run();
    Argon2::default()
        .hash_password(b"not-a-real-password", &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
}

/// A fresh random token (for the cookie) and its hash (for the table).
pub fn new_token() -> (String, Vec<u8>) {
    use argon2::password_hash::rand_core::RngCore;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The `Set-Cookie` value for a session token; `None` clears it.
pub fn session_cookie(token: Option<&str>) -> String {
    let secure = if cookies_are_secure() { "; Secure" } else { "" };
    match token {
        Some(t) => format!(
            "{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            ABSOLUTE_TIMEOUT.num_seconds()
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// Cookies are marked Secure unless the operator runs plain HTTP on purpose
/// (`NIGHTCALL_INSECURE_COOKIES=1`, for local development and tests over
/// http://127.0.0.1).
fn cookies_are_secure() -> bool {
    !matches!(
        std::env::var("NIGHTCALL_INSECURE_COOKIES").as_deref(),
        Ok("1" | "true")
    )
}

/// Sets a response header on the current response.
pub fn set_response_header(name: axum::http::HeaderName, value: &str) {
    if let (Some(response), Ok(value)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(value),
    ) {
        response.append_header(name, value);
    }
}

/// Creates a session for `staff_id` and sets the cookie.
pub async fn start_session(
    pool: &PgPool,
    staff_id: Uuid,
    second_factor_done: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (token, hash) = new_token();
    let (ip, user_agent) = request::client_info();
    sqlx::query!(
        r#"insert into sessions (token_hash, staff_id, created_at, last_seen_at, expires_at,
                                 second_factor_done, ip, user_agent)
           values ($1, $2, $3, $3, $4, $5, $6, $7)"#,
        hash,
        staff_id,
        now,
        now + ABSOLUTE_TIMEOUT,
        second_factor_done,
        ip,
        user_agent,
    )
    .execute(pool)
    .await
    .map_err(request::internal("creating a session"))?;
    set_response_header(
        axum::http::header::SET_COOKIE,
        &session_cookie(Some(&token)),
    );
    Ok(())
}

/// The signed-in user of this request, or `None`.
pub async fn current_user(pool: &PgPool) -> Result<Option<CurrentUser>, AppError> {
    let Some(token) = request::cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    user_for_token(pool, &token).await
}

/// The user of a session token, for handlers outside Leptos (the live
/// event stream) that read the cookie themselves.
pub async fn user_for_token(pool: &PgPool, token: &str) -> Result<Option<CurrentUser>, AppError> {
    let hash = token_hash(token);
    let now = Utc::now();
    let row = sqlx::query!(
        r#"select s.staff_id, s.second_factor_done, s.last_seen_at,
                  st.organization_id, st.role, st.family_name || ' ' || st.given_name as "name!",
                  st.totp_enabled_at is not null as "totp_enabled!",
                  o.require_second_factor
             from sessions s
             join staff st on st.id = s.staff_id
             join organizations o on o.id = st.organization_id
            where s.token_hash = $1 and s.revoked_at is null and s.expires_at > $2
              and s.last_seen_at > $3 and st.disabled_at is null"#,
        hash,
        now,
        now - IDLE_TIMEOUT,
    )
    .fetch_optional(pool)
    .await
    .map_err(request::internal("reading a session"))?;
    let Some(row) = row else { return Ok(None) };
    let Some(role) = Role::from_db(&row.role) else {
        return Ok(None);
    };
    // Touch the session at most once a minute: enough for the idle timeout,
    // without a write on every request.
    if now - row.last_seen_at > Duration::minutes(1) {
        sqlx::query!(
            "update sessions set last_seen_at = $2 where token_hash = $1",
            hash,
            now
        )
        .execute(pool)
        .await
        .map_err(request::internal("touching a session"))?;
    }
    Ok(Some(CurrentUser {
        actor: Actor {
            staff_id: row.staff_id,
            organization_id: row.organization_id,
            role,
        },
        name: row.name,
        session_hash: hash,
        second_factor_done: row.second_factor_done,
        totp_enabled: row.totp_enabled,
        second_factor_required: row.require_second_factor,
    }))
}

/// The signed-in user, fully past the second factor, or 401.
pub async fn require_user(pool: &PgPool) -> Result<CurrentUser, AppError> {
    match current_user(pool).await? {
        Some(user) if user.fully_signed_in() => Ok(user),
        _ => Err(request::fail(AppError::Unauthenticated)),
    }
}
