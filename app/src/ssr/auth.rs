//! Sign-in, sessions and the current user.
//!
//! Sessions live in PostgreSQL so several server processes share them. The
//! cookie carries 32 random bytes; the table keeps only their SHA-256, so a
//! copy of the database cannot be replayed as cookies. Passwords are argon2id
//! hashes, computed off the async runtime.

use crate::domain::access::{Actor, Role};
use crate::domain::patient::PatientId;
use crate::error::AppError;
use crate::ssr::request;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sqlx::types::Json;
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

/// Requests that may wait for argon2 beyond those running, per CPU. Each
/// run holds 19 MiB; waiting costs nothing but time (a few hundred ms at
/// most on two cores), and beyond this the server says it is busy.
const ARGON2_QUEUE_PER_CPU: usize = 32;

/// At most one argon2 run per CPU at a time, and a bounded number of
/// requests waiting for one; beyond that, [`AppError::ServerBusy`].
pub struct Argon2Gate {
    running: tokio::sync::Semaphore,
    admitted: std::sync::atomic::AtomicUsize,
    capacity: usize,
}

/// A place in the argon2 queue; given back when dropped.
pub struct Argon2Admission<'a> {
    gate: &'a Argon2Gate,
}

impl Argon2Gate {
    /// `permits` runs at once, and `queue` more waiting.
    pub fn new(permits: usize, queue: usize) -> Self {
        let permits = permits.max(1);
        Argon2Gate {
            running: tokio::sync::Semaphore::new(permits),
            admitted: std::sync::atomic::AtomicUsize::new(0),
            capacity: permits + queue,
        }
    }

    /// A place in the queue, or `None` when it is full.
    pub fn admit(&self) -> Option<Argon2Admission<'_>> {
        use std::sync::atomic::Ordering;
        let mut admitted = self.admitted.load(Ordering::Relaxed);
        loop {
            if admitted >= self.capacity {
                return None;
            }
            match self.admitted.compare_exchange_weak(
                admitted,
                admitted + 1,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Some(Argon2Admission { gate: self }),
                Err(now) => admitted = now,
            }
        }
    }
}

impl Drop for Argon2Admission<'_> {
    fn drop(&mut self) {
        self.gate
            .admitted
            .fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

impl Argon2Admission<'static> {
    /// Runs `work` on the blocking pool once a CPU is free. The permit and
    /// the place in the queue travel with the work, so a client that hangs
    /// up mid-way cannot free its CPU before the computation ends.
    pub async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let gate: &'static Argon2Gate = self.gate;
        let permit = gate
            .running
            .acquire()
            .await
            .map_err(|_| AppError::Internal)?;
        tokio::task::spawn_blocking(move || {
            let _held = (permit, self);
            work()
        })
        .await
        .map_err(|_| AppError::Internal)
    }

    /// [`hash_password`] in this place of the queue.
    pub async fn hash(self, password: String) -> Result<String, AppError> {
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            count_argon2_run();
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
        })
        .await?
        .map_err(|_| AppError::Internal)
    }

    /// [`verify_password`] in this place of the queue.
    pub async fn verify(self, password: String, hash: Option<String>) -> Result<bool, AppError> {
        self.run(move || {
            // Forced for every sign-in, known id or not, so even the first
            // one of the process costs the same either way.
            let dummy = DUMMY_HASH.as_str();
            let hash = hash.as_deref().unwrap_or(dummy);
            let parsed = match PasswordHash::new(hash) {
                Ok(parsed) => parsed,
                // A stored hash we cannot read still costs a run, against
                // the dummy, and fails.
                Err(_) => match PasswordHash::new(dummy) {
                    Ok(parsed) => {
                        count_argon2_run();
                        let _ = Argon2::default().verify_password(password.as_bytes(), &parsed);
                        return false;
                    }
                    Err(_) => return false,
                },
            };
            count_argon2_run();
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
                && hash != dummy
        })
        .await
    }
}

static ARGON2_GATE: std::sync::LazyLock<Argon2Gate> = std::sync::LazyLock::new(|| {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    Argon2Gate::new(cpus, cpus * ARGON2_QUEUE_PER_CPU)
});

/// A place in the process's argon2 queue, or a translated 503 when full.
pub fn admit_argon2() -> Result<Argon2Admission<'static>, AppError> {
    ARGON2_GATE.admit().ok_or_else(|| {
        tracing::warn!("argon2 queue full: refusing a password check");
        request::fail(AppError::ServerBusy)
    })
}

/// Hashes a password with argon2id (default parameters: 19 MiB, 2 passes),
/// off the async runtime and through the argon2 gate.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    admit_argon2()?.hash(password).await
}

/// Checks a password against a stored hash, through the argon2 gate. A
/// missing hash is checked against a dummy computed once per process, so a
/// missing account costs exactly one argon2 run, like a wrong password.
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, AppError> {
    admit_argon2()?.verify(password, hash).await
}

/// The hash unknown login ids are checked against: computed once, from a
/// random password nobody knows, with the same parameters as real hashes.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    use argon2::password_hash::rand_core::RngCore;
    let mut secret = [0u8; 32];
    OsRng.fill_bytes(&mut secret);
    let salt = SaltString::generate(&mut OsRng);
    count_argon2_run();
    Argon2::default()
        .hash_password(&secret, &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// The trusted proxies from the environment (read per request: a short
/// list, and tests change it). Entries that do not parse are logged once
/// and trusted never.
pub fn trusted_proxies() -> crate::domain::client_addr::TrustedProxies {
    static WARNED: std::sync::Once = std::sync::Once::new();
    let trusted = std::env::var("NIGHTCALL_TRUSTED_PROXIES").ok();
    let old = std::env::var("NIGHTCALL_TRUST_PROXY").ok();
    let (list, bad) = crate::domain::client_addr::TrustedProxies::from_settings(
        trusted.as_deref(),
        old.as_deref(),
    );
    if !bad.is_empty() {
        WARNED.call_once(|| {
            tracing::warn!(entries = ?bad, "NIGHTCALL_TRUSTED_PROXIES: entries ignored (not an address or CIDR)");
        });
    }
    list
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
///
/// Read once per GET request (`ssr::scope`): the header, the page and its
/// sections all ask, and a GET never changes a session. When the page's
/// address names a patient (`/patients/:id/…`), the same statement also
/// reads that patient's access facts for `ssr::access`, so a card read
/// recognises the user and gathers what `decide` needs in one round trip.
pub async fn current_user(pool: &PgPool) -> Result<Option<CurrentUser>, AppError> {
    let Some(token) = request::cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    match crate::ssr::scope::current().filter(|_| request::is_get()) {
        Some(scope) => {
            let patient = request::patient_of_page();
            scope
                .user(|| async {
                    let (user, facts) = load_session(pool, &token, patient).await?;
                    if let (Some(user), Some((patient, at, facts))) = (&user, facts) {
                        scope.keep_facts(user.actor.staff_id, patient, at, facts);
                    }
                    Ok(user)
                })
                .await
        }
        None => user_for_token(pool, &token).await,
    }
}

/// The user of a session token, for handlers outside Leptos (the live
/// event stream) that read the cookie themselves.
pub async fn user_for_token(pool: &PgPool, token: &str) -> Result<Option<CurrentUser>, AppError> {
    Ok(load_session(pool, token, None).await?.0)
}

/// Access facts read with a session: for whom, when, and what (`None` when
/// the patient does not exist).
type SessionFacts = (
    PatientId,
    DateTime<Utc>,
    Option<crate::domain::access::PatientAccessFacts>,
);

/// The session of `token` and, when `patient` is given, the facts about
/// that patient for the session's staff member, in one statement.
async fn load_session(
    pool: &PgPool,
    token: &str,
    patient: Option<PatientId>,
) -> Result<(Option<CurrentUser>, Option<SessionFacts>), AppError> {
    let hash = token_hash(token);
    let now = Utc::now();
    let row = sqlx::query!(
        r#"-- nightcall:session_user
           select s.staff_id, s.second_factor_done, s.last_seen_at,
                  st.organization_id, st.role, st.family_name || ' ' || st.given_name as "name!",
                  st.totp_enabled_at is not null as "totp_enabled!",
                  o.require_second_factor,
                  case when $4::uuid is null then null
                       else nc_access_facts($4, s.staff_id, $2) end
                    as "facts?: Json<crate::ssr::access::FactsRow>"
             from sessions s
             join staff st on st.id = s.staff_id
             join organizations o on o.id = st.organization_id
            where s.token_hash = $1 and s.revoked_at is null and s.expires_at > $2
              and s.last_seen_at > $3 and st.disabled_at is null"#,
        hash,
        now,
        now - IDLE_TIMEOUT,
        patient.map(|p| p.0),
    )
    .fetch_optional(pool)
    .await
    .map_err(request::internal("reading a session"))?;
    let Some(row) = row else {
        return Ok((None, None));
    };
    let Some(role) = Role::from_db(&row.role) else {
        return Ok((None, None));
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
    let facts = patient.map(|p| {
        (
            p,
            now,
            row.facts
                .map(|Json(f)| crate::ssr::access::facts_from_row(f)),
        )
    });
    let user = CurrentUser {
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
    };
    Ok((Some(user), facts))
}

/// The signed-in user, fully past the second factor, or 401.
pub async fn require_user(pool: &PgPool) -> Result<CurrentUser, AppError> {
    match current_user(pool).await? {
        Some(user) if user.fully_signed_in() => Ok(user),
        _ => Err(request::fail(AppError::Unauthenticated)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_argon2_gate_admits_its_capacity_and_no_more() {
        let gate = Argon2Gate::new(2, 3);
        let held: Vec<_> = (0..5).map(|_| gate.admit()).collect();
        assert!(held.iter().all(Option::is_some), "2 running + 3 waiting");
        assert!(gate.admit().is_none(), "the sixth is refused");
        drop(held);
        assert!(gate.admit().is_some(), "places come back when dropped");
        let zero = Argon2Gate::new(0, 0);
        assert!(
            zero.admit().is_some(),
            "at least one run is always possible"
        );
    }

    #[tokio::test]
    async fn no_more_argon2_runs_at_once_than_permits() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        static GATE: std::sync::LazyLock<Argon2Gate> =
            std::sync::LazyLock::new(|| Argon2Gate::new(2, 16));
        let now = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let runs = (0..12).map(|_| {
            let (now, most) = (now.clone(), most.clone());
            let admission = GATE.admit().expect("room in the queue");
            tokio::spawn(admission.run(move || {
                let running = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(running, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(20));
                now.fetch_sub(1, Ordering::SeqCst);
            }))
        });
        for run in runs.collect::<Vec<_>>() {
            run.await.unwrap().unwrap();
        }
        assert!(most.load(Ordering::SeqCst) <= 2, "{most:?}");
        assert!(GATE.admit().is_some());
    }
}
