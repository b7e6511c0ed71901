//! Two-factor sign-in end to end over HTTP: enrolment with recovery codes,
//! the code after the password, replay refusal, recovery codes, and the
//! organisation setting that makes the second factor mandatory.

use crate::common::spawn_app;
use app::ssr::totp::code_at;
use server::demo::DEMO_PATIENT_1;
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

#[sqlx::test(migrations = "../migrations")]
async fn totp_enrolment_then_sign_in_with_a_code_or_a_recovery_code(pool: PgPool) {
    let card = [("patient_id", DEMO_PATIENT_1.to_string())];
    let card: Vec<(&str, &str)> = card.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut app = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    app.redeem_enrolment_code(&pool, "nurse1").await;

    let setup: serde_json::Value = app
        .post_form("/api/totp_enrollment", &[])
        .await
        .json()
        .await
        .unwrap();
    let secret = setup["secret"].as_str().unwrap().to_owned();
    assert!(setup["qr_svg"].as_str().unwrap().contains("<svg"));
    let wrong = app
        .post_form("/api/totp_confirm", &[("code", "000000")])
        .await;
    assert_eq!(
        wrong.status().as_u16(),
        401,
        "a wrong first code does not enrol"
    );
    let code = code_at(&secret, now()).unwrap();
    let confirmed = app.post_form("/api/totp_confirm", &[("code", &code)]).await;
    app.adopt_session(&confirmed);
    let codes: Vec<String> = confirmed.json().await.unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(
        app.post_form("/api/night_card", &card)
            .await
            .status()
            .as_u16(),
        200
    );

    // A new sign-in stops after the password.
    let mut phone = app.clone_base();
    let response = phone.sign_in("nurse1").await;
    assert!(
        location(&response).starts_with("/login/totp"),
        "{}",
        location(&response)
    );
    assert_eq!(
        phone
            .post_form("/api/night_card", &card)
            .await
            .status()
            .as_u16(),
        401
    );

    // The code already used for enrolment is refused (replay); the next step's code works.
    let replay = phone
        .post_form("/api/totp_verify", &[("code", &code), ("next", "/")])
        .await;
    assert_eq!(replay.status().as_u16(), 401, "a used code is refused");
    let next_code = code_at(&secret, now() + 30).unwrap();
    let ok = phone
        .post_form("/api/totp_verify", &[("code", &next_code), ("next", "/")])
        .await;
    assert!(
        ok.status().is_success() || ok.status().is_redirection(),
        "{}",
        ok.status()
    );
    assert!(
        phone.adopt_session(&ok),
        "a new token after the second factor"
    );
    assert_eq!(
        phone
            .post_form("/api/night_card", &card)
            .await
            .status()
            .as_u16(),
        200
    );

    // A recovery code works once.
    for (attempt, expected_ok) in [(1, true), (2, false)] {
        let mut tablet = app.clone_base();
        tablet.sign_in("nurse1").await;
        let r = tablet
            .post_form(
                "/api/totp_verify",
                &[("code", &codes[0].to_uppercase()), ("next", "/")],
            )
            .await;
        tablet.adopt_session(&r);
        let status = tablet
            .post_form("/api/night_card", &card)
            .await
            .status()
            .as_u16();
        assert_eq!(
            status == 200,
            expected_ok,
            "recovery code use {attempt}: {}",
            r.status()
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn an_organisation_can_make_the_second_factor_mandatory(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sqlx::query(
        "update organizations set require_second_factor = true
          where id = (select organization_id from staff where login_id = 'nurse1')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let mut nurse = app.clone_base();
    let response = nurse.sign_in("nurse1").await;
    assert!(
        location(&response).starts_with("/account/security"),
        "{}",
        location(&response)
    );
    let card = nurse
        .post_form(
            "/api/night_card",
            &[("patient_id", &DEMO_PATIENT_1.to_string())],
        )
        .await;
    assert_eq!(
        card.status().as_u16(),
        401,
        "no patient data before enrolment"
    );
    let (status, html) = nurse.get("/account/security").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("登録コード") && !html.contains("<svg"),
        "the enrolment page asks for the administrator's code first"
    );
    nurse.redeem_enrolment_code(&pool, "nurse1").await;
    let (_, html) = nurse.get("/account/security").await;
    assert!(html.contains("<svg"), "then shows the QR code");
}

#[sqlx::test(migrations = "../migrations")]
async fn one_totp_code_signs_in_once_even_when_sent_in_parallel(pool: PgPool) {
    let app = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    app.redeem_enrolment_code(&pool, "nurse1").await;
    let setup: serde_json::Value = app
        .post_form("/api/totp_enrollment", &[])
        .await
        .json()
        .await
        .unwrap();
    let secret = setup["secret"].as_str().unwrap().to_owned();
    let code = code_at(&secret, now()).unwrap();
    let enrolled = app.post_form("/api/totp_confirm", &[("code", &code)]).await;
    assert_eq!(enrolled.status().as_u16(), 200);

    // Eight devices stopped after the password, then one code for all.
    let mut devices = Vec::new();
    for _ in 0..8 {
        let mut device = app.clone_base();
        device.sign_in("nurse1").await;
        assert!(device.session.is_some());
        devices.push(device);
    }
    let next_code = code_at(&secret, now() + 30).unwrap();
    let answers = futures_util::future::join_all(devices.iter().map(|device| {
        let next_code = next_code.clone();
        async move {
            let r = device
                .post_form("/api/totp_verify", &[("code", &next_code), ("next", "/")])
                .await;
            (r.status().as_u16(), crate::common::session_from(&r))
        }
    }))
    .await;
    let card = [("patient_id", DEMO_PATIENT_1.to_string())];
    let card: Vec<(&str, &str)> = card.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut through = 0;
    for (device, (_, renewed)) in devices.iter_mut().zip(&answers) {
        if let Some(cookie) = renewed {
            device.session = Some(cookie.clone());
        }
        if device.post_form("/api/night_card", &card).await.status() == 200 {
            through += 1;
        }
    }
    let answers: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
    assert_eq!(through, 1, "exactly one device got through: {answers:?}");
    // Refused as a used code (401), or, past five refusals, throttled (429).
    assert_eq!(
        answers.iter().filter(|&&s| s == 401 || s == 429).count(),
        7,
        "the others were refused: {answers:?}"
    );
}
