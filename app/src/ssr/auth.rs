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
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// The session cookie. `__Host-`: the browser keeps it only if it is
/// `Secure`, has `Path=/` and no `Domain`, so no sibling host or plain-http
/// page can plant or shadow it. Chromium and Firefox treat
/// http://localhost and http://127.0.0.1 as secure for cookies, so the
/// prefix works on the loopback demo too.
pub const SESSION_COOKIE: &str = "__Host-nc_session";
/// Its name where the operator turned `Secure` off on purpose
/// (`NIGHTCALL_INSECURE_COOKIES=1`, plain http on a LAN address): a
/// `__Host-` cookie without `Secure` would be dropped by the browser.
pub const INSECURE_SESSION_COOKIE: &str = "nc_session";

/// The session cookie's name in this configuration.
pub fn session_cookie_name() -> &'static str {
    if cookies_are_secure() {
        SESSION_COOKIE
    } else {
        INSECURE_SESSION_COOKIE
    }
}
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
    /// The account has at least one passkey: a second factor like TOTP.
    pub has_passkey: bool,
    /// When the user last proved himself in this session (fresh proof).
    pub reauthenticated_at: Option<DateTime<Utc>>,
    /// An enrolment code was redeemed in this session.
    pub enrolment_granted: bool,
    pub stay_signed_in: bool,
}

impl CurrentUser {
    pub fn factors(&self) -> crate::domain::factors::Factors {
        crate::domain::factors::Factors {
            totp: self.totp_enabled,
            passkey: self.has_passkey,
            org_requires: self.second_factor_required,
        }
    }

    /// Whether this session may reach anything beyond the second-factor
    /// and enrolment screens: an account with a passkey or an app must
    /// have used it, whatever the organisation's setting.
    pub fn fully_signed_in(&self) -> bool {
        crate::domain::factors::fully_signed_in(self.factors(), self.second_factor_done)
    }

    /// Whether a fresh proof is held now (not used up).
    pub fn proof_is_fresh(&self, now: DateTime<Utc>) -> bool {
        crate::domain::factors::proof_is_fresh(self.reauthenticated_at, now)
    }

    /// Whether this session may enrol a factor now (see
    /// `domain::factors::may_enrol`), as a translated refusal.
    pub fn may_enrol(&self, now: DateTime<Utc>) -> Result<(), AppError> {
        use crate::domain::factors::{may_enrol, EnrolRefusal};
        may_enrol(
            self.factors(),
            self.second_factor_done,
            self.enrolment_granted,
            self.proof_is_fresh(now),
        )
        .map_err(|refusal| {
            request::fail(match refusal {
                EnrolRefusal::SecondFactorFirst => AppError::Unauthenticated,
                EnrolRefusal::EnrolmentCode => AppError::EnrolmentCodeRequired,
                EnrolRefusal::FreshProof => AppError::ReauthenticationRequired,
            })
        })
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

/// The `Set-Cookie` value for a session token; `None` clears it. A
/// browser-session cookie (no `Max-Age`: gone when the browser closes)
/// unless the user asked to stay signed in, then for the session's
/// absolute lifetime at most.
pub fn session_cookie(token: Option<&str>, stay_signed_in: bool) -> String {
    let secure = if cookies_are_secure() { "; Secure" } else { "" };
    let name = session_cookie_name();
    match token {
        Some(t) => {
            let max_age = crate::domain::factors::cookie_max_age(stay_signed_in, ABSOLUTE_TIMEOUT)
                .map(|s| format!("; Max-Age={s}"))
                .unwrap_or_default();
            format!("{name}={t}; Path=/; HttpOnly; SameSite=Lax{max_age}{secure}")
        }
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
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

/// Creates a session for `staff_id` and sets the cookie. A session that
/// starts past its second factor (a passkey sign-in) holds a fresh proof.
/// Returns the session's token hash.
pub async fn start_session(
    pool: &PgPool,
    staff_id: Uuid,
    second_factor_done: bool,
    stay_signed_in: bool,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, AppError> {
    let (token, hash) = new_token();
    let (ip, user_agent) = request::client_info();
    sqlx::query!(
        r#"insert into sessions (token_hash, staff_id, created_at, last_seen_at, expires_at,
                                 second_factor_done, reauthenticated_at, ip, user_agent,
                                 stay_signed_in)
           values ($1, $2, $3, $3, $4, $5, case when $5::boolean then $3::timestamptz end, $6, $7, $8)"#,
        hash,
        staff_id,
        now,
        now + ABSOLUTE_TIMEOUT,
        second_factor_done,
        ip,
        user_agent,
        stay_signed_in,
    )
    .execute(pool)
    .await
    .map_err(request::internal("creating a session"))?;
    set_response_header(
        axum::http::header::SET_COOKIE,
        &session_cookie(Some(&token), stay_signed_in),
    );
    Ok(hash)
}

/// The session a first sign-in with an enrolment code starts: the code
/// was the administrator's proof of who this is, so the session holds the
/// enrolment grant and a fresh proof, and `/account/security` lets the
/// person enrol a first factor at once (`domain::factors::may_enrol`).
pub async fn start_enrolment_session(
    pool: &PgPool,
    staff_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let hash = start_session(pool, staff_id, false, false, now).await?;
    sqlx::query!(
        "update sessions set enrolment_granted_at = $2, reauthenticated_at = $2
          where token_hash = $1",
        hash,
        now
    )
    .execute(pool)
    .await
    .map_err(request::internal("granting enrolment"))?;
    Ok(())
}

/// The second factor is complete: the session continues under a NEW token
/// (the one that travelled before the second factor, perhaps on a shared
/// or watched device, is revoked), past its second factor. `fresh`: the
/// factor was just used to sign in (password and code, or a passkey), so
/// the session holds a fresh proof; not after an enrolment, which used its
/// proof up. Sets the new cookie.
pub async fn complete_second_factor(
    db: impl PgExecutor<'_>,
    old_hash: &[u8],
    fresh: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (token, hash) = new_token();
    let stay = sqlx::query_scalar!(
        r#"with old as (
             update sessions set revoked_at = $3
              where token_hash = $1 and revoked_at is null
             returning staff_id, created_at, expires_at, ip, user_agent, stay_signed_in,
                       enrolment_granted_at)
           insert into sessions (token_hash, staff_id, created_at, last_seen_at, expires_at,
                                 second_factor_done, reauthenticated_at, enrolment_granted_at,
                                 ip, user_agent, stay_signed_in)
           select $2, staff_id, created_at, $3, expires_at, true,
                  case when $4::boolean then $3::timestamptz end, enrolment_granted_at,
                  ip, user_agent, stay_signed_in
             from old
           returning stay_signed_in"#,
        old_hash,
        hash,
        now,
        fresh
    )
    .fetch_optional(db)
    .await
    .map_err(request::internal("renewing the session"))?
    .ok_or_else(|| request::fail(AppError::Unauthenticated))?;
    set_response_header(
        axum::http::header::SET_COOKIE,
        &session_cookie(Some(&token), stay),
    );
    Ok(())
}

/// Records a fresh proof on this session (re-authentication done).
pub async fn record_fresh_proof(
    db: impl PgExecutor<'_>,
    session_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    sqlx::query!(
        "update sessions set reauthenticated_at = $2 where token_hash = $1",
        session_hash,
        now
    )
    .execute(db)
    .await
    .map_err(request::internal("recording a fresh proof"))?;
    Ok(())
}

/// Uses up this session's fresh proof for one credential change, or
/// refuses with a translated 403 when there is none (or it is older than
/// five minutes). Conditional, so two changes racing share no proof; call
/// it inside the change's transaction, so a change that fails later gives
/// the proof back.
pub async fn use_fresh_proof(
    db: impl PgExecutor<'_>,
    user: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let used = sqlx::query!(
        "update sessions set reauthenticated_at = null
          where token_hash = $1 and reauthenticated_at >= $2 and reauthenticated_at <= $3",
        user.session_hash,
        now - crate::domain::factors::FRESH_PROOF,
        now + Duration::seconds(5),
    )
    .execute(db)
    .await
    .map_err(request::internal("using a fresh proof"))?
    .rows_affected();
    if used == 1 {
        Ok(())
    } else {
        Err(request::fail(AppError::ReauthenticationRequired))
    }
}

/// Reserves one attempt at a secret (a password or code checked for a
/// signed-in user: re-authentication, enrolment codes, password change)
/// under `key`, refusing with 429 beyond five failures in 15 minutes: a
/// stolen session must not become a way to guess. Returns the attempt,
/// recorded as a failure until [`attempt_succeeded`].
pub async fn reserve_attempt(
    pool: &PgPool,
    key: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let (ip, _) = request::client_info();
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    sqlx::query!(
        r#"select true as "locked!" from (select pg_advisory_xact_lock(1, hashtext($1))) l"#,
        key
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(request::internal("locking attempts"))?;
    let recent_failures = sqlx::query_scalar!(
        r#"select count(*) as "n!" from login_attempts
            where login_id = $1 and not succeeded and at > $2"#,
        key,
        now - Duration::minutes(15)
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(request::internal("counting attempts"))?;
    if recent_failures >= 5 {
        return Err(request::fail(AppError::Throttled(
            now + Duration::minutes(15),
        )));
    }
    let attempt = sqlx::query_scalar!(
        "insert into login_attempts (login_id, ip, at, succeeded) values ($1, $2, $3, false) returning id",
        key,
        ip,
        now,
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(request::internal("recording an attempt"))?;
    tx.commit().await.map_err(request::internal("commit"))?;
    Ok(attempt)
}

/// Judges a sign-in attempt for `login_id` from this address against the
/// recent failures (`domain::sign_in_throttle`: progressive delays, never a
/// lock-out an outsider can cause) and reserves it as a failure, under one
/// lock per login id and per address, so parallel guesses queue behind
/// each other instead of all reading the same count. Returns the attempt
/// (a success once [`attempt_succeeded`]), or `Throttled` with the minute
/// to try again. Used by password sign-in and by the first sign-in with an
/// enrolment code, which share the counts: a wrong code is a failed
/// sign-in like a wrong password.
pub async fn reserve_sign_in(
    pool: &PgPool,
    login_id: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    use crate::domain::sign_in_throttle::{
        sign_in_verdict, RecentAttempts, SignInPolicy, SignInVerdict, ThrottleScope,
    };
    use crate::ssr::audit;
    let (ip, _) = request::client_info();
    let policy = SignInPolicy::default();
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    // Login ids first, then addresses, always: two sign-ins never wait for
    // each other's locks in opposite orders.
    sqlx::query!(
        r#"select true as "locked!" from (select pg_advisory_xact_lock(1, hashtext($1))) l"#,
        login_id
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(request::internal("locking sign-ins of a login id"))?;
    sqlx::query!(
        r#"select true as "locked!" from (select pg_advisory_xact_lock(2, hashtext($1))) l"#,
        ip
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(request::internal("locking sign-ins of an address"))?;
    let recent = sqlx::query!(
        r#"select
             array(select at from login_attempts
                    where login_id = $1 and ip = $2 and not succeeded and at > $3
                      and at > coalesce((select max(at) from login_attempts
                                          where login_id = $1 and ip = $2 and succeeded),
                                        '-infinity')
                    order by at desc limit $4) as "pair!",
             array(select at from login_attempts
                    where login_id = $1 and not succeeded and at > $5
                    order by at desc limit $6) as "account!",
             array(select at from login_attempts
                    where ip = $2 and not succeeded and at > $5
                    order by at desc limit $7) as "address!",
             exists(select 1 from login_attempts
                     where login_id = $1 and ip = $2 and succeeded and at > $8) as "known!""#,
        login_id,
        ip,
        now - policy.pair_window,
        policy.pair_rows(),
        now - policy.ceiling_window,
        i64::from(policy.account_ceiling),
        i64::from(policy.address_ceiling),
        now - policy.known_address_memory,
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(request::internal("reading login attempts"))?;
    let recent = RecentAttempts {
        pair_failures: recent.pair,
        account_failures: recent.account,
        address_failures: recent.address,
        known_address: recent.known,
    };
    if let SignInVerdict::WaitUntil(until, scope) = sign_in_verdict(&policy, &recent, now) {
        // One audit row per window and limit, however many attempts: an
        // unauthenticated client cannot grow the append-only log at will.
        // The count of the rest is kept in `sign_in_throttled`.
        let (key_login, key_ip) = match scope {
            ThrottleScope::AccountAtAddress => (login_id, ip.as_str()),
            ThrottleScope::Account => (login_id, ""),
            ThrottleScope::Address => ("", ip.as_str()),
        };
        let attempts = sqlx::query_scalar!(
            r#"insert into sign_in_throttled (scope, login_id, ip, window_start, attempts, last_at)
               values ($1, $2, $3, date_bin('15 minutes', $4, timestamptz '2000-01-01 00:00:00+00'), 1, $4)
               on conflict (scope, login_id, ip, window_start)
               do update set attempts = sign_in_throttled.attempts + 1, last_at = excluded.last_at
               returning attempts"#,
            scope.as_str(),
            key_login,
            key_ip,
            now,
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(request::internal("counting a throttled sign-in"))?;
        if attempts == 1 {
            audit::record_sign_in(
                &mut *tx,
                None,
                login_id,
                "denied",
                &format!(
                    "throttled ({}); further attempts in this 15-minute window are counted, not logged",
                    scope.as_str()
                ),
            )
            .await?;
        }
        tx.commit().await.map_err(request::internal("commit"))?;
        // Shown to the minute: round up so "after 02:01" is never too early.
        let shown = until
            .checked_add_signed(chrono::Duration::seconds(59))
            .unwrap_or(until);
        return Err(request::fail(AppError::Throttled(shown)));
    }

    // Reserve the attempt as a failure before checking the password; it
    // becomes a success only if the password is right.
    let attempt = sqlx::query_scalar!(
        "insert into login_attempts (login_id, ip, at, succeeded) values ($1, $2, $3, false) returning id",
        login_id,
        ip,
        now,
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(request::internal("recording a login attempt"))?;
    tx.commit().await.map_err(request::internal("commit"))?;
    Ok(attempt)
}

/// Marks an attempt of [`reserve_attempt`] as a success.
pub async fn attempt_succeeded(db: impl PgExecutor<'_>, attempt: i64) -> Result<(), AppError> {
    sqlx::query!(
        "update login_attempts set succeeded = true where id = $1",
        attempt
    )
    .execute(db)
    .await
    .map_err(request::internal("recording an attempt"))?;
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
    let Some(token) = request::cookie(session_cookie_name()) else {
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
                  exists (select 1 from passkeys p where p.staff_id = s.staff_id) as "has_passkey!",
                  s.reauthenticated_at, s.enrolment_granted_at is not null as "enrolment_granted!",
                  s.stay_signed_in,
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
        has_passkey: row.has_passkey,
        reauthenticated_at: row.reauthenticated_at,
        enrolment_granted: row.enrolment_granted,
        stay_signed_in: row.stay_signed_in,
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
