//! Passkeys end to end over HTTP, with a software authenticator
//! (webauthn-authenticator-rs) in place of the browser and the phone: a
//! passkey registered by a signed-in nurse signs in without a password; a
//! passkey is the second factor an organisation may require; and the
//! refusals: a used or expired challenge, another site's answer, an answer
//! that names someone else, a malformed answer, a flood of sign-ins.

use crate::common::{spawn_app, TestApp};
use base64::Engine;
use server::demo::DEMO_PATIENT_1;
use sqlx::PgPool;
use uuid::Uuid;
use webauthn_authenticator_rs::prelude::{
    CreationChallengeResponse, RequestChallengeResponse, Url, WebauthnAuthenticator,
};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

/// The origin the app's relying party expects by default.
const ORIGIN: &str = "http://localhost:3000";

type Authenticator = WebauthnAuthenticator<SoftPasskey>;

/// A phone with a passkey app: user verification always succeeds.
fn phone() -> Authenticator {
    WebauthnAuthenticator::new(SoftPasskey::new(true))
}

/// POSTs a JSON body to a server function, with the session if there is one.
async fn post_json(app: &TestApp, path: &str, body: serde_json::Value) -> reqwest::Response {
    let request = app.client.post(app.url(path)).json(&body);
    let request = match &app.session {
        Some(cookie) => request.header("cookie", cookie),
        None => request,
    };
    request.send().await.expect("request")
}

async fn ok_json(response: reqwest::Response) -> serde_json::Value {
    let status = response.status();
    let body = response.text().await.expect("body");
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).expect("json")
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-nc_session=") && !v.starts_with("__Host-nc_session=;"))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

async fn staff_id(pool: &PgPool, login: &str) -> Uuid {
    sqlx::query_scalar("select id from staff where login_id = $1")
        .bind(login)
        .fetch_one(pool)
        .await
        .expect("staff")
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

/// Registers a passkey on `authenticator` for the signed-in `app` (which
/// holds a fresh proof); returns its credential id (base64url). When the
/// passkey completes the sign-in, the session goes on under a new token.
async fn register(app: &mut TestApp, authenticator: &mut Authenticator, name: &str) -> String {
    let options =
        ok_json(post_json(app, "/api/passkey_register_start", serde_json::json!({})).await).await;
    let options: CreationChallengeResponse = serde_json::from_value(options).expect("options");
    let credential = authenticator
        .do_registration(Url::parse(ORIGIN).unwrap(), options)
        .expect("the authenticator registers");
    let credential = serde_json::to_value(&credential).unwrap();
    let id = credential["rawId"].as_str().unwrap().to_owned();
    let response = post_json(
        app,
        "/api/passkey_register_finish",
        serde_json::json!({ "credential": credential, "name": name }),
    )
    .await;
    assert!(response.status().is_success(), "{}", response.status());
    app.adopt_session(&response);
    id
}

/// The answer to a passwordless sign-in challenge, as a browser holding a
/// discoverable credential gives it. The software authenticator keeps no
/// discoverable credentials, so the test names the credential for it and
/// adds the user handle itself (the handle is not signed; the server checks
/// it against the credential's owner).
fn discoverable_answer(
    authenticator: &mut Authenticator,
    options: serde_json::Value,
    origin: &str,
    credential_id: &str,
    user_handle: Uuid,
) -> serde_json::Value {
    let mut options = options;
    options["publicKey"]["allowCredentials"] =
        serde_json::json!([{ "type": "public-key", "id": credential_id }]);
    let options: RequestChallengeResponse = serde_json::from_value(options).expect("options");
    let answer = authenticator
        .do_authentication(Url::parse(origin).unwrap(), options)
        .expect("the authenticator signs");
    let mut answer = serde_json::to_value(&answer).unwrap();
    answer["response"]["userHandle"] = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(user_handle.as_bytes())
        .into();
    answer
}

/// Starts a passwordless sign-in; returns the ceremony id and the options.
async fn start_sign_in(app: &TestApp) -> (String, serde_json::Value) {
    let start =
        ok_json(post_json(app, "/api/passkey_sign_in_start", serde_json::json!({})).await).await;
    (
        start["ceremony"].as_str().unwrap().to_owned(),
        start["options"].clone(),
    )
}

async fn finish_sign_in(
    app: &TestApp,
    ceremony: &str,
    answer: &serde_json::Value,
) -> reqwest::Response {
    post_json(
        app,
        "/api/passkey_sign_in_finish",
        serde_json::json!({ "ceremony": ceremony, "credential": answer, "next": "/patients" }),
    )
    .await
}

async fn audit_details(pool: &PgPool, action: &str) -> Vec<(String, String)> {
    sqlx::query_as("select outcome, detail from audit_log where action = $1 order by id")
        .bind(action)
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_registered_passkey_signs_in_without_a_password(pool: PgPool) {
    let mut app = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    let nurse = staff_id(&pool, "nurse1").await;
    let mut authenticator = phone();
    // A first factor: the administrator's enrolment code first.
    app.redeem_enrolment_code(&pool, "nurse1").await;
    let credential_id = register(&mut app, &mut authenticator, "  私のスマートフォン ").await;

    let list = ok_json(app.post_form("/api/passkeys", &[]).await).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["name"], "私のスマートフォン");
    assert_eq!(list[0]["id"], credential_id.as_str());
    assert!(list[0]["last_used_at"].is_null());
    assert_eq!(
        audit_details(&pool, "passkey_register").await,
        vec![("done".to_owned(), "私のスマートフォン".to_owned())]
    );

    // Another phone, nobody signed in: the passkey alone.
    let mut visitor = app.clone_base();
    let (ceremony, options) = start_sign_in(&visitor).await;
    assert!(options["publicKey"]["allowCredentials"]
        .as_array()
        .is_none_or(|a| a.is_empty()));
    let answer = discoverable_answer(&mut authenticator, options, ORIGIN, &credential_id, nurse);
    let response = finish_sign_in(&visitor, &ceremony, &answer).await;
    assert_eq!(response.status().as_u16(), 200);
    visitor.session = session_cookie(&response);
    assert_eq!(response.json::<String>().await.unwrap(), "/patients");
    assert!(visitor.session.is_some(), "a session cookie is set");
    assert_eq!(card_status(&visitor).await, 200, "fully signed in");
    let me = ok_json(visitor.post_form("/api/me", &[]).await).await;
    assert!(me["name"].is_string(), "{me}");
    let sign_ins: Vec<String> = sqlx::query_scalar(
        "select detail from audit_log where action = 'sign_in' and outcome = 'allowed'
          and staff_id = $1 order by id",
    )
    .bind(nurse)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(sign_ins.last().map(String::as_str), Some("nurse1: passkey"));
    let list = ok_json(app.post_form("/api/passkeys", &[]).await).await;
    assert!(list[0]["last_used_at"].is_string(), "the use is recorded");

    // The same answer again: its challenge is used up.
    let replay = finish_sign_in(&app.clone_base(), &ceremony, &answer).await;
    assert_eq!(replay.status().as_u16(), 401, "a challenge answers once");

    // Removing it needs a fresh proof (the registration used the last):
    // refused, then allowed after the passkey confirms it is her.
    let refused = app
        .post_form("/api/passkey_remove", &[("id", &credential_id)])
        .await;
    assert_eq!(refused.status().as_u16(), 403, "no fresh proof");
    let options =
        ok_json(post_json(&app, "/api/passkey_verify_start", serde_json::json!({})).await).await;
    let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
    let answer = authenticator
        .do_authentication(Url::parse(ORIGIN).unwrap(), options)
        .unwrap();
    let confirmed = post_json(
        &app,
        "/api/passkey_verify_finish",
        serde_json::json!({ "credential": answer, "next": "/account/security" }),
    )
    .await;
    assert_eq!(confirmed.status().as_u16(), 200);
    // Removed, the passkey no longer signs in.
    let removed = app
        .post_form("/api/passkey_remove", &[("id", &credential_id)])
        .await;
    assert!(removed.status().is_success() || removed.status().is_redirection());
    let (ceremony, options) = start_sign_in(&app.clone_base()).await;
    let answer = discoverable_answer(&mut authenticator, options, ORIGIN, &credential_id, nurse);
    let refused = finish_sign_in(&app.clone_base(), &ceremony, &answer).await;
    assert_eq!(refused.status().as_u16(), 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_passkey_is_the_second_factor_an_organisation_requires(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sqlx::query(
        "update organizations set require_second_factor = true
          where id = (select organization_id from staff where login_id = 'nurse1')",
    )
    .execute(&pool)
    .await
    .unwrap();

    // First sign-in: no second factor yet, so enrolment; a passkey will do.
    let mut nurse = app.clone_base();
    nurse.sign_in("nurse1").await;
    assert_eq!(card_status(&nurse).await, 401, "nothing before enrolment");
    let mut authenticator = phone();
    nurse.redeem_enrolment_code(&pool, "nurse1").await;
    register(&mut nurse, &mut authenticator, "iPhone").await;
    assert_eq!(
        card_status(&nurse).await,
        200,
        "the passkey completes this sign-in"
    );

    // Next sign-in: the password leads to the second-factor page (not to
    // enrolment again), and only the passkey opens the card.
    let mut next = app.clone_base();
    let response = next.sign_in("nurse1").await;
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(location.starts_with("/login/totp"), "{location}");
    assert_eq!(card_status(&next).await, 401);
    // Registering another passkey is not a way around the first one.
    let sneaky = post_json(&next, "/api/passkey_register_start", serde_json::json!({})).await;
    assert_eq!(sneaky.status().as_u16(), 401);
    // Nor is enrolling an authenticator app with the password alone: that
    // would make a second factor out of the first.
    for path in ["/api/totp_enrollment", "/api/totp_confirm"] {
        let form: &[(&str, &str)] = if path.ends_with("confirm") {
            &[("code", "123456")]
        } else {
            &[]
        };
        let bypass = next.post_form(path, form).await;
        assert_eq!(bypass.status().as_u16(), 401, "{path}");
    }
    assert_eq!(card_status(&next).await, 401);

    let options =
        ok_json(post_json(&next, "/api/passkey_verify_start", serde_json::json!({})).await).await;
    let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
    let answer = authenticator
        .do_authentication(Url::parse(ORIGIN).unwrap(), options)
        .unwrap();
    let verified = post_json(
        &next,
        "/api/passkey_verify_finish",
        serde_json::json!({ "credential": answer, "next": "https://evil.example/" }),
    )
    .await;
    assert_eq!(verified.status().as_u16(), 200);
    assert!(
        next.adopt_session(&verified),
        "a new token after the second factor"
    );
    assert_eq!(
        verified.json::<String>().await.unwrap(),
        "/",
        "only local paths"
    );
    assert_eq!(card_status(&next).await, 200);
    assert_eq!(
        audit_details(&pool, "sign_in_second_factor").await,
        vec![("allowed".to_owned(), "passkey".to_owned())]
    );

    // The answer once more, on a fresh challenge's session: refused (the
    // signature is over the old challenge).
    let mut again = app.clone_base();
    again.sign_in("nurse1").await;
    ok_json(post_json(&again, "/api/passkey_verify_start", serde_json::json!({})).await).await;
    let replay = post_json(
        &again,
        "/api/passkey_verify_finish",
        serde_json::json!({ "credential": answer, "next": "/" }),
    )
    .await;
    assert_eq!(replay.status().as_u16(), 401);
    assert_eq!(card_status(&again).await, 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn ceremonies_refuse_what_does_not_fit(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let signed_out = app.clone_base();
    for path in ["/api/passkey_register_start", "/api/passkey_verify_start"] {
        let r = post_json(&signed_out, path, serde_json::json!({})).await;
        assert_eq!(r.status().as_u16(), 401, "{path} signed out");
    }

    let mut nurse_app = app.clone_base().signed_in_as("nurse2").await;
    nurse_app.redeem_enrolment_code(&pool, "nurse2").await;
    let nurse = staff_id(&pool, "nurse2").await;
    let other = staff_id(&pool, "doctor1").await;
    // Finishing what was never started.
    let r = post_json(
        &nurse_app,
        "/api/passkey_register_finish",
        serde_json::json!({ "credential": {}, "name": "x" }),
    )
    .await;
    assert_eq!(r.status().as_u16(), 409);
    let mut authenticator = phone();
    let credential_id = register(&mut nurse_app, &mut authenticator, "").await;
    let list = ok_json(nurse_app.post_form("/api/passkeys", &[]).await).await;
    assert!(
        !list[0]["name"].as_str().unwrap().is_empty(),
        "a blank name gets a date"
    );

    // A malformed answer is the client's fault.
    let (ceremony, _) = start_sign_in(&signed_out).await;
    let r = finish_sign_in(&signed_out, &ceremony, &serde_json::json!({ "id": 1 })).await;
    assert_eq!(r.status().as_u16(), 400);

    // An expired challenge.
    let (ceremony, options) = start_sign_in(&signed_out).await;
    let answer = discoverable_answer(&mut authenticator, options, ORIGIN, &credential_id, nurse);
    sqlx::query("update passkey_ceremonies set expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        finish_sign_in(&signed_out, &ceremony, &answer)
            .await
            .status()
            .as_u16(),
        401
    );
    let left: i64 = sqlx::query_scalar("select count(*) from passkey_ceremonies where id = $1")
        .bind(Uuid::parse_str(&ceremony).unwrap())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "taking a state deletes it, expired or not");

    // An answer made on another site (same RP id, another origin).
    let (ceremony, options) = start_sign_in(&signed_out).await;
    let answer = discoverable_answer(
        &mut authenticator,
        options,
        "https://phishing.localhost",
        &credential_id,
        nurse,
    );
    assert_eq!(
        finish_sign_in(&signed_out, &ceremony, &answer)
            .await
            .status()
            .as_u16(),
        401
    );

    // An answer whose user handle names someone else.
    let (ceremony, options) = start_sign_in(&signed_out).await;
    let answer = discoverable_answer(&mut authenticator, options, ORIGIN, &credential_id, other);
    let r = finish_sign_in(&signed_out, &ceremony, &answer).await;
    assert_eq!(r.status().as_u16(), 401);
    assert!(session_cookie(&r).is_none());

    let denied: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'sign_in' and outcome = 'denied'
          and detail like '%passkey%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(denied, 4, "every refused passkey sign-in is audited");

    // Starting sign-ins is free, but not unlimited per address.
    sqlx::query("delete from passkey_ceremonies")
        .execute(&pool)
        .await
        .unwrap();
    for _ in 0..app::ssr::passkey::MAX_PENDING_SIGN_INS_PER_ADDRESS {
        start_sign_in(&signed_out).await;
    }
    let r = post_json(
        &signed_out,
        "/api/passkey_sign_in_start",
        serde_json::json!({}),
    )
    .await;
    assert_eq!(r.status().as_u16(), 429);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_session_keeps_one_pending_ceremony_of_each_kind(pool: PgPool) {
    let app = spawn_app(pool.clone()).await.signed_in_as("nurse3").await;
    app.redeem_enrolment_code(&pool, "nurse3").await;
    for _ in 0..3 {
        ok_json(post_json(&app, "/api/passkey_register_start", serde_json::json!({})).await).await;
    }
    let pending: i64 =
        sqlx::query_scalar("select count(*) from passkey_ceremonies where kind = 'register'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(pending, 1, "starting again replaces the pending state");
    // Without a passkey there is nothing to verify with.
    let r = post_json(&app, "/api/passkey_verify_start", serde_json::json!({})).await;
    assert_eq!(r.status().as_u16(), 409);
}
