//! Issue 9, factors and sessions: every attack on the second factor is a
//! test. A password-only session of an account with a passkey reaches no
//! credential; credential changes need a fresh proof; a first factor needs
//! an administrator's enrolment code (once, unexpired, the latest one); the
//! token changes when the second factor completes; sessions are listed and
//! signed out one by one or all others at once.

use crate::common::{issue_enrolment_code, session_from, spawn_app, TestApp};
use app::ssr::totp::code_at;
use server::demo::{DEMO_PASSWORD, DEMO_PATIENT_1};
use sqlx::PgPool;

fn now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn card_status(app: &TestApp) -> u16 {
    app.post_form(
        "/api/night_card",
        &[("patient_id", &DEMO_PATIENT_1.to_string())],
    )
    .await
    .status()
    .as_u16()
}

async fn me(app: &TestApp) -> serde_json::Value {
    app.post_form("/api/me", &[]).await.json().await.unwrap()
}

async fn body(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Enrols an authenticator app for the signed-in `app` with an enrolment
/// code; returns the secret. The session continues under its new token.
async fn enrol_totp(app: &mut TestApp, pool: &PgPool, login: &str) -> String {
    app.redeem_enrolment_code(pool, login).await;
    let setup: serde_json::Value = app
        .post_form("/api/totp_enrollment", &[])
        .await
        .json()
        .await
        .unwrap();
    let secret = setup["secret"].as_str().expect("a secret").to_owned();
    let code = code_at(&secret, now()).unwrap();
    let r = app.post_form("/api/totp_confirm", &[("code", &code)]).await;
    assert_eq!(r.status().as_u16(), 200);
    app.adopt_session(&r);
    secret
}

#[sqlx::test(migrations = "../migrations")]
async fn a_password_only_session_of_a_passkey_account_reaches_no_credential(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    // nurse1's organisation does not require two factors; she has a passkey.
    sqlx::query(
        "insert into passkeys (credential_id, staff_id, passkey, name, created_at)
         select '\\x0102'::bytea, id, '{}'::jsonb, 'iPhone', now() from staff where login_id = 'nurse1'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let mut thief = app.clone_base();
    let r = thief.sign_in("nurse1").await;
    assert!(
        location(&r).starts_with("/login/totp"),
        "the password alone leads to the second factor: {}",
        location(&r)
    );
    assert_eq!(card_status(&thief).await, 401);
    assert!(me(&thief).await.is_null());
    let listed = thief.post_form("/api/passkeys", &[]).await;
    assert_eq!(listed.status().as_u16(), 401, "cannot list passkeys");
    let removed = thief
        .post_form("/api/passkey_remove", &[("id", "AQI")])
        .await;
    assert_eq!(removed.status().as_u16(), 401, "cannot remove a passkey");
    let kept: i64 = sqlx::query_scalar("select count(*) from passkeys")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kept, 1);
    let added = thief
        .client
        .post(thief.url("/api/passkey_register_start"))
        .header("cookie", thief.session.clone().unwrap())
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status().as_u16(), 401, "cannot add a passkey");
    for path in [
        "/api/totp_enrollment",
        "/api/totp_confirm",
        "/api/recovery_codes_renew",
    ] {
        let form: &[(&str, &str)] = if path.ends_with("confirm") {
            &[("code", "123456")]
        } else {
            &[]
        };
        let r = thief.post_form(path, form).await;
        assert_eq!(r.status().as_u16(), 401, "{path}");
    }
    // Nor does an enrolment code open a door for an account with a factor.
    let code = issue_enrolment_code(&pool, "nurse1").await;
    let r = thief
        .post_form(
            "/api/enrolment_code",
            &[("code", &code), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409, "a code is no second factor");
    let secret: Option<Vec<u8>> =
        sqlx::query_scalar("select totp_secret_sealed from staff where login_id = 'nurse1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(secret.is_none(), "no app was enrolled");
}

#[sqlx::test(migrations = "../migrations")]
async fn credential_changes_without_a_fresh_proof_are_refused(pool: PgPool) {
    let mut app = spawn_app(pool.clone()).await.signed_in_as("nurse2").await;
    let secret = enrol_totp(&mut app, &pool, "nurse2").await;
    assert_eq!(card_status(&app).await, 200);

    // The enrolment used up the proof: every change now asks for one.
    let refused = [
        ("/api/recovery_codes_renew", vec![]),
        ("/api/totp_reset", vec![]),
        (
            "/api/change_password",
            vec![
                ("current_password", DEMO_PASSWORD),
                ("new_password", "夜勤明けの珈琲はとても苦い"),
                ("new_password_again", "夜勤明けの珈琲はとても苦い"),
            ],
        ),
    ];
    for (path, form) in &refused {
        let (status, text) = body(app.post_form(path, form).await).await;
        assert_eq!(status, 403, "{path}: {text}");
        assert!(text.contains("ReauthenticationRequired"), "{path}: {text}");
    }
    // Said in words on the page a plain form comes back to.
    let plain = app
        .client
        .post(app.url("/api/recovery_codes_renew"))
        .header("cookie", app.session.clone().unwrap())
        .header("accept", "text/html")
        .form(&[("x", "")])
        .send()
        .await
        .unwrap();
    assert!(plain.status().is_redirection());
    let flash = plain
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("nc_flash="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    let page = app
        .client
        .get(app.url("/account/security"))
        .header(
            "cookie",
            format!("{}; {flash}", app.session.clone().unwrap()),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("本人確認が必要です"),
        "the refusal in Japanese"
    );
    assert!(
        page.contains("name=\"password\""),
        "the proof form is offered"
    );

    // A wrong code is no proof; password and the next code are.
    let (status, _) = body(
        app.post_form(
            "/api/reauthenticate",
            &[("password", DEMO_PASSWORD), ("code", "000000")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    let next = code_at(&secret, now() + 30).unwrap();
    let r = app
        .post_form(
            "/api/reauthenticate",
            &[("password", DEMO_PASSWORD), ("code", &next)],
        )
        .await;
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    let (status, text) = body(app.post_form("/api/recovery_codes_renew", &[]).await).await;
    assert_eq!(status, 200, "{text}");
    let codes: Vec<String> = serde_json::from_str(&text).unwrap();
    assert_eq!(codes.len(), 10);
    assert!(codes.iter().all(|c| c.len() == 23), "{codes:?}");
    // One proof, one change.
    let (status, _) = body(app.post_form("/api/recovery_codes_renew", &[]).await).await;
    assert_eq!(status, 403, "the proof was used up");

    // A proof older than five minutes is refused.
    let third = code_at(&secret, now() + 60).unwrap();
    app.post_form(
        "/api/reauthenticate",
        &[("password", DEMO_PASSWORD), ("code", &third)],
    )
    .await;
    sqlx::query("update sessions set reauthenticated_at = now() - interval '6 minutes'")
        .execute(&pool)
        .await
        .unwrap();
    let (status, _) = body(app.post_form("/api/recovery_codes_renew", &[]).await).await;
    assert_eq!(status, 403, "a stale proof");

    let audited: Vec<(String, String)> = sqlx::query_as(
        "select action, outcome from audit_log
          where action in ('recovery_codes_renew', 'reauthenticate') order by id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(audited.contains(&("recovery_codes_renew".into(), "done".into())));
    assert!(audited.contains(&("recovery_codes_renew".into(), "denied".into())));
    assert!(audited.contains(&("reauthenticate".into(), "denied".into())));
    assert!(audited.contains(&("reauthenticate".into(), "allowed".into())));
    // Stored as HMACs, never as the codes.
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("select code_hash from recovery_codes")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 10);
    assert!(stored.iter().all(|h| h.len() == 32));
    let plain: Option<String> =
        sqlx::query_scalar("select totp_secret from staff where login_id = 'nurse2'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(plain.is_none(), "the secret is not kept in plain text");
}

#[sqlx::test(migrations = "../migrations")]
async fn where_two_factors_are_required_enrolment_needs_a_code_that_works_once(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sqlx::query(
        "update organizations set require_second_factor = true
          where id = (select organization_id from staff where login_id = 'nurse3')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let mut nurse = app.clone_base();
    let r = nurse.sign_in("nurse3").await;
    assert!(
        location(&r).starts_with("/account/security"),
        "{}",
        location(&r)
    );
    assert_eq!(card_status(&nurse).await, 401);
    let (status, text) = body(nurse.post_form("/api/totp_enrollment", &[]).await).await;
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("EnrolmentCodeRequired"), "{text}");
    let start = nurse
        .client
        .post(nurse.url("/api/passkey_register_start"))
        .header("cookie", nurse.session.clone().unwrap())
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        start.status().as_u16(),
        401,
        "no passkey without a code either"
    );
    let (status, html) = nurse.get("/account/security").await;
    assert_eq!(status, 200);
    assert!(html.contains("登録コード"), "the code page");
    assert!(!html.contains("<svg"), "no QR code before the code");
    assert!(!html.contains("new_password_again"), "nothing else");

    // A wrong code, or the right one with a wrong password, does nothing.
    let code = issue_enrolment_code(&pool, "nurse3").await;
    for (c, p) in [
        ("abcde-fghjk-mnpqr-stuvw", DEMO_PASSWORD),
        (code.as_str(), "wrong"),
    ] {
        let (status, text) = body(
            nurse
                .post_form("/api/enrolment_code", &[("code", c), ("password", p)])
                .await,
        )
        .await;
        assert_eq!(status, 400, "{text}");
    }
    let r = nurse
        .post_form(
            "/api/enrolment_code",
            &[("code", &code.to_uppercase()), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert!(
        r.status().is_redirection() || r.status().is_success(),
        "{}",
        r.status()
    );
    let setup: serde_json::Value = nurse
        .post_form("/api/totp_enrollment", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(setup["secret"].is_string(), "enrolment opens: {setup}");

    // The same code on another device: used up.
    let mut other = app.clone_base();
    other.sign_in("nurse3").await;
    let (status, _) = body(
        other
            .post_form(
                "/api/enrolment_code",
                &[("code", &code), ("password", DEMO_PASSWORD)],
            )
            .await,
    )
    .await;
    assert_eq!(status, 400, "a code works once");

    // An expired code, and one revoked by a newer code.
    let old = issue_enrolment_code(&pool, "nurse3").await;
    let newer = issue_enrolment_code(&pool, "nurse3").await;
    let (status, _) = body(
        other
            .post_form(
                "/api/enrolment_code",
                &[("code", &old), ("password", DEMO_PASSWORD)],
            )
            .await,
    )
    .await;
    assert_eq!(status, 400, "a newer code revokes the older");
    sqlx::query(
        "update enrolment_codes set created_at = now() - interval '73 hours',
                                    expires_at = now() - interval '1 hour'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let (status, _) = body(
        other
            .post_form(
                "/api/enrolment_code",
                &[("code", &newer), ("password", DEMO_PASSWORD)],
            )
            .await,
    )
    .await;
    assert_eq!(status, 400, "an expired code");
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("select code_hash from enrolment_codes")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(stored
        .iter()
        .all(|h| h.len() == 32 && !h.windows(5).any(|w| w == &code.as_bytes()[..5])));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_session_token_changes_when_the_second_factor_completes(pool: PgPool) {
    let mut first = spawn_app(pool.clone()).await.signed_in_as("nurse4").await;
    let secret = enrol_totp(&mut first, &pool, "nurse4").await;

    let mut phone = first.clone_base();
    phone.sign_in("nurse4").await;
    let before = phone.session.clone().unwrap();
    let code = code_at(&secret, now() + 30).unwrap();
    let r = phone
        .post_form("/api/totp_verify", &[("code", &code), ("next", "/")])
        .await;
    let after = session_from(&r).expect("a new session cookie");
    assert_ne!(after, before, "a new token");
    assert!(me(&phone).await.is_null(), "the old token no longer works");
    phone.session = Some(after);
    assert!(!me(&phone).await.is_null(), "the new one does");
}

#[sqlx::test(migrations = "../migrations")]
async fn sessions_are_listed_and_signed_out_one_or_all_others(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ua = |agent: &'static str, mut t: TestApp| async move {
        t.session = None;
        let r = t
            .client
            .post(t.url("/api/login"))
            .header("user-agent", agent)
            .form(&[
                ("login_id", "nurse5"),
                ("password", DEMO_PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        t.session = session_from(&r);
        t
    };
    let phone = ua(
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
        app.clone_base(),
    )
    .await;
    let tablet = ua(
        "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        app.clone_base(),
    )
    .await;
    let pc = ua("curl/8", app.clone_base()).await;

    let list: Vec<serde_json::Value> = phone
        .post_form("/api/sessions", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 3, "{list:?}");
    assert_eq!(list[0]["this_device"], true, "this device first");
    assert_eq!(list[0]["browser"], "Chrome");
    assert_eq!(list[0]["system"], "Android");
    assert!(list.iter().any(|s| s["system"] == "iPad"));
    let (_, html) = phone.get("/account/security").await;
    for words in [
        "Chrome / Android",
        "Safari / iPad",
        "不明な端末",
        "この端末",
        "このセッションをサインアウト",
        "他のすべての端末からサインアウト",
    ] {
        assert!(html.contains(words), "{words}");
    }

    // Sign out the PC by its row.
    let pc_id = list
        .iter()
        .find(|s| s["browser"].is_null() && s["system"].is_null())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = phone.post_form("/api/session_end", &[("id", &pc_id)]).await;
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    assert!(me(&pc).await.is_null(), "the PC is signed out");
    assert!(!me(&tablet).await.is_null());
    // Another account's session is not found.
    let other = app.clone_base().signed_in_as("nurse6").await;
    let r = other.post_form("/api/session_end", &[("id", &pc_id)]).await;
    assert_eq!(r.status().as_u16(), 400);

    // Everywhere else.
    let r = phone.post_form("/api/sessions_end_others", &[]).await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(me(&tablet).await.is_null(), "the tablet is signed out");
    assert!(!me(&phone).await.is_null(), "this device stays");
    let audited: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where action in ('session_end', 'sessions_end_others')
          order by id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audited, vec!["session_end", "sessions_end_others"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_cookie_is_host_only_and_ends_with_the_browser_unless_asked(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cookie_of = |r: &reqwest::Response| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("__Host-nc_session="))
            .unwrap()
            .to_owned()
    };
    let plain = app
        .post_form(
            "/api/login",
            &[
                ("login_id", "nurse7"),
                ("password", DEMO_PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
    let cookie = cookie_of(&plain);
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert!(
        !cookie.contains("Max-Age"),
        "a browser-session cookie: {cookie}"
    );
    let remembered = app
        .post_form(
            "/api/login",
            &[
                ("login_id", "nurse7"),
                ("password", DEMO_PASSWORD),
                ("next", "/"),
                ("remember", "1"),
            ],
        )
        .await;
    let cookie = cookie_of(&remembered);
    assert!(
        cookie.contains("Max-Age=57600"),
        "at most 16 hours: {cookie}"
    );
}

/// Seen on CI once and by hand since: the security page showed a secret
/// other than the one stored, so the first code was refused. Two renders
/// of the page (or two tabs) each found no pending secret and each stored
/// a new one; the last write won, and one page showed the loser. However
/// many ask at once, they must all get the one secret that is stored.
#[sqlx::test(migrations = "../migrations")]
async fn parallel_enrolment_pages_show_the_one_stored_secret(pool: PgPool) {
    let app = spawn_app(pool.clone()).await.signed_in_as("nurse2").await;
    app.redeem_enrolment_code(&pool, "nurse2").await;
    let asks = (0..12).map(|_| app.post_form("/api/totp_enrollment", &[]));
    let mut secrets = std::collections::BTreeSet::new();
    for response in futures_util::future::join_all(asks).await {
        assert!(response.status().is_success(), "{}", response.status());
        let setup: serde_json::Value = response.json().await.unwrap();
        secrets.insert(setup["secret"].as_str().unwrap().to_owned());
    }
    assert_eq!(secrets.len(), 1, "one secret for one session: {secrets:?}");
    // And it is the stored one: its code enrols.
    let secret = secrets.into_iter().next().unwrap();
    let code = code_at(&secret, chrono::Utc::now().timestamp() as u64).unwrap();
    let r = app.post_form("/api/totp_confirm", &[("code", &code)]).await;
    assert!(
        r.status().is_success(),
        "the shown secret is the stored one: {}",
        r.status()
    );
}
