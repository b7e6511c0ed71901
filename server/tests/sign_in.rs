//! Sign-in, sessions, throttling and hostile input.

mod common;

use common::spawn_app;
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
        .find(|v| v.starts_with("nc_session="))
        .expect("a session cookie")
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    let (status, html) = app.get("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("ログイン中"), "signed in");
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_passwords_are_throttled_with_a_clear_message(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    for attempt in 1..=5 {
        let r = app
            .post_form(
                "/api/login",
                &[("login_id", "nurse2"), ("password", "wrong"), ("next", "/")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 401, "attempt {attempt}");
        assert_eq!(r.text().await.unwrap(), "\"BadCredentials\"");
    }
    // Even the right password is refused while locked.
    let locked = app
        .post_form(
            "/api/login",
            &[
                ("login_id", "nurse2"),
                ("password", server::demo::DEMO_PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(locked.status().as_u16(), 429);
    let body = locked.text().await.unwrap();
    assert!(body.contains("Throttled"), "{body}");

    // Another account from another address is not affected.
    let mut other = app.clone_base();
    other.sign_in("nurse3").await;
    assert!(other.session.is_some());

    let denied: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'sign_in' and outcome = 'denied'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(denied, 6, "every refused sign-in is audited");
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
    let raw =
        reqwest::header::HeaderValue::from_bytes(b"nc_session=\xff\xfe; nc_lang=\xff").unwrap();
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
            reqwest::header::HeaderValue::from_bytes(b"nc_session=\x80").unwrap(),
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
