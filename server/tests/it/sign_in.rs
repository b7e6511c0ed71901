//! Sign-in, sessions, throttling and hostile input.

use crate::common::spawn_app;
use server::demo::DEMO_PATIENT_1;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_session_cookie_is_httponly_secure_and_samesite(pool: PgPool) {
    let mut app = spawn_app(pool).await;
    let response = app.sign_in("nurse1").await;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-nc_session="))
        .expect("a session cookie")
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    let (status, html) = app.get("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("ログイン中"), "signed in");
}

/// The test server is reached over loopback; the tests play a reverse proxy
/// there, so `X-Forwarded-For` names the client. Every test that depends on
/// it sets the same value (the tests share one process).
fn trust_the_loopback_proxy() {
    std::env::set_var("NIGHTCALL_TRUSTED_PROXIES", "127.0.0.1/32, ::1");
}

/// A password sign-in from `client` (as the trusted proxy reports it).
async fn login_from(
    app: &crate::common::TestApp,
    client: &str,
    login_id: &str,
    password: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/login"))
        .header("x-forwarded-for", client)
        .form(&[
            ("login_id", login_id),
            ("password", password),
            ("next", "/"),
        ])
        .send()
        .await
        .expect("request")
}

fn sets_a_session(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("__Host-nc_session=") && !v.starts_with("__Host-nc_session=;"))
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_passwords_are_slowed_with_a_clear_message(pool: PgPool) {
    trust_the_loopback_proxy();
    let app = spawn_app(pool.clone()).await;
    for attempt in 1..=3 {
        let r = login_from(&app, "203.0.113.5", "nurse2", "wrong").await;
        assert_eq!(r.status().as_u16(), 401, "attempt {attempt}");
        assert_eq!(r.text().await.unwrap(), "\"BadCredentials\"");
    }
    // Right after the third failure, this address waits a little, even with
    // the right password: a delay, not a lock.
    let slowed = login_from(&app, "203.0.113.5", "nurse2", server::demo::DEMO_PASSWORD).await;
    assert_eq!(slowed.status().as_u16(), 429);
    let body = slowed.text().await.unwrap();
    assert!(body.contains("Throttled"), "{body}");

    // Once the delay has passed (the failures moved into the past), the
    // right password works again.
    sqlx::query("update login_attempts set at = at - interval '20 minutes'")
        .execute(&pool)
        .await
        .unwrap();
    let r = login_from(&app, "203.0.113.5", "nurse2", server::demo::DEMO_PASSWORD).await;
    assert!(
        sets_a_session(&r),
        "signed in after the delay: {}",
        r.status()
    );

    // Another account is not affected.
    let mut other = app.clone_base();
    other.sign_in("nurse3").await;
    assert!(other.session.is_some());
}

#[sqlx::test(migrations = "../migrations")]
async fn forty_parallel_wrong_passwords_get_at_most_the_allowed_verdicts(pool: PgPool) {
    trust_the_loopback_proxy();
    let app = spawn_app(pool.clone()).await;
    let guesses = (0..40).map(|i| {
        let app = &app;
        async move {
            login_from(app, "198.51.100.66", "doctor1", &format!("guess-{i}"))
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let verdicts = statuses.iter().filter(|&&s| s == 401).count();
    let throttled = statuses.iter().filter(|&&s| s == 429).count();
    assert!(
        verdicts <= 3,
        "at most 3 passwords were checked, got {verdicts}: {statuses:?}"
    );
    assert_eq!(verdicts + throttled, 40, "{statuses:?}");
    let failures: i64 = sqlx::query_scalar(
        "select count(*) from login_attempts where login_id = 'doctor1' and not succeeded",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(failures <= 3, "{failures} failures recorded");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_outsiders_wrong_passwords_do_not_stop_the_owner_from_her_own_address(pool: PgPool) {
    trust_the_loopback_proxy();
    let app = spawn_app(pool.clone()).await;
    for _ in 0..12 {
        let r = login_from(&app, "198.51.100.7", "doctor3", "guess").await;
        assert!([401, 429].contains(&r.status().as_u16()), "{}", r.status());
    }
    let owner = login_from(&app, "203.0.113.50", "doctor3", server::demo::DEMO_PASSWORD).await;
    assert!(
        sets_a_session(&owner),
        "the owner signs in: {}",
        owner.status()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn past_the_account_ceiling_only_addresses_that_signed_in_before_get_through(pool: PgPool) {
    trust_the_loopback_proxy();
    let app = spawn_app(pool.clone()).await;
    // The owner signed in from her station last week.
    sqlx::query(
        "insert into login_attempts (login_id, ip, at, succeeded)
         values ('doctor4', '203.0.113.60', now() - interval '7 days', true)",
    )
    .execute(&pool)
    .await
    .unwrap();
    // A distributed guesser: 120 failures from 120 addresses in the last minutes.
    sqlx::query(
        "insert into login_attempts (login_id, ip, at, succeeded)
         select 'doctor4', '198.51.100.' || g, now() - interval '1 minute', false
           from generate_series(1, 120) g",
    )
    .execute(&pool)
    .await
    .unwrap();
    let fresh = login_from(&app, "192.0.2.99", "doctor4", server::demo::DEMO_PASSWORD).await;
    assert_eq!(fresh.status().as_u16(), 429, "a new address waits");
    let known = login_from(&app, "203.0.113.60", "doctor4", server::demo::DEMO_PASSWORD).await;
    assert!(
        sets_a_session(&known),
        "her own address gets through: {}",
        known.status()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn throttled_attempts_are_one_audit_row_per_window(pool: PgPool) {
    trust_the_loopback_proxy();
    let app = spawn_app(pool.clone()).await;
    let mut throttled = 0;
    for _ in 0..25 {
        if login_from(&app, "198.51.100.9", "nurse2", "guess")
            .await
            .status()
            == 429
        {
            throttled += 1;
        }
    }
    assert!(throttled >= 20, "{throttled} throttled");
    let rows: i64 = sqlx::query_scalar(
        "select count(*) from audit_log
          where action = 'sign_in' and outcome = 'denied' and detail like '%throttled%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    // One row per 15-minute window (the test may straddle two).
    let windows: i64 = sqlx::query_scalar("select count(*) from sign_in_throttled")
        .fetch_one(&pool)
        .await
        .unwrap_or(1);
    assert!(
        rows <= 2,
        "{rows} rows: one per window, not one per attempt"
    );
    assert_eq!(rows, windows, "one row per window");
    let all: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'sign_in'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(all <= 5, "{all} sign-in rows for 25 attempts");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_forged_forwarded_for_does_not_change_the_recorded_address(pool: PgPool) {
    trust_the_loopback_proxy();
    let app = spawn_app(pool.clone()).await;
    // The client wrote "6.6.6.6"; our proxy appended the address it saw.
    let r = login_from(
        &app,
        "6.6.6.6, 203.0.113.77",
        "nurse1",
        server::demo::DEMO_PASSWORD,
    )
    .await;
    assert!(sets_a_session(&r), "{}", r.status());
    let session_ip: String = sqlx::query_scalar("select ip from sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(session_ip, "203.0.113.77");
    let audit_ips: Vec<String> =
        sqlx::query_scalar("select ip from audit_log where action = 'sign_in'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(audit_ips, vec!["203.0.113.77".to_owned()]);
    let attempt_ips: Vec<String> = sqlx::query_scalar("select ip from login_attempts")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(attempt_ips, vec!["203.0.113.77".to_owned()]);
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_out_everywhere_ends_every_session(pool: PgPool) {
    let phone = spawn_app(pool.clone()).await.signed_in_as("doctor1").await;
    let mut tablet = phone.clone_base();
    tablet.sign_in("doctor1").await;
    assert_eq!(tablet.get("/").await.0, 200);

    let r = phone
        .post_form("/api/logout", &[("everywhere", "true")])
        .await;
    assert!(r.status().is_success() || r.status().is_redirection());
    let me: serde_json::Value = tablet.post_form("/api/me", &[]).await.json().await.unwrap();
    assert!(me.is_null(), "the tablet's session ended too: {me}");
}

#[sqlx::test(migrations = "../migrations")]
async fn idle_and_expired_sessions_end(pool: PgPool) {
    let app = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    let card = [("patient_id", DEMO_PATIENT_1.to_string())];
    let card: Vec<(&str, &str)> = card.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.post_form("/api/night_card", &card)
            .await
            .status()
            .as_u16(),
        200
    );

    sqlx::query("update sessions set last_seen_at = now() - interval '3 hours'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        app.post_form("/api/night_card", &card)
            .await
            .status()
            .as_u16(),
        401,
        "idle"
    );

    let app = app.clone_base().signed_in_as("nurse1").await;
    sqlx::query(
        "update sessions set expires_at = now() - interval '1 second' where revoked_at is null",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(
        app.post_form("/api/night_card", &card)
            .await
            .status()
            .as_u16(),
        401,
        "absolute"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn hostile_input_gets_a_clear_error_never_a_500(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let long = "a".repeat(10_000);
    let cases: [(&str, &str, u16); 5] = [
        (long.as_str(), "x", 401),
        ("nurse1", long.as_str(), 401),
        ("nurse1\u{0}", "x", 401),
        ("看護師", "x", 401),
        ("", "", 401),
    ];
    for (login_id, password, expected) in cases {
        let r = app
            .post_form(
                "/api/login",
                &[
                    ("login_id", login_id),
                    ("password", password),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(
            r.status().as_u16(),
            expected,
            "login_id {:?}",
            &login_id[..login_id.len().min(20)]
        );
    }

    // Invalid UTF-8 and junk in headers.
    let raw = reqwest::header::HeaderValue::from_bytes(b"__Host-nc_session=\xff\xfe; nc_lang=\xff")
        .unwrap();
    let r = app
        .client
        .get(app.url("/"))
        .header("cookie", raw)
        .send()
        .await
        .unwrap();
    assert!(r.status().as_u16() < 500, "{}", r.status());
    let r = app
        .client
        .post(app.url("/api/night_card"))
        .header(
            "cookie",
            reqwest::header::HeaderValue::from_bytes(b"__Host-nc_session=\x80").unwrap(),
        )
        .form(&[("patient_id", DEMO_PATIENT_1.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);

    // A cross-site form post is refused before any handler runs.
    let r = app
        .client
        .post(app.url("/api/login"))
        .header("origin", "https://evil.example")
        .form(&[("login_id", "nurse1"), ("password", "x"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .client
        .post(app.url("/api/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("login_id", "nurse1"), ("password", "x"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);

    let sessions: i64 = sqlx::query_scalar("select count(*) from sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0, "nothing half-written");
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_carry_security_headers(pool: PgPool) {
    let app = spawn_app(pool).await;
    let r = app.client.get(app.url("/login")).send().await.unwrap();
    let h = r.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_owned();
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "inline scripts carry the nonce"
    );
}
