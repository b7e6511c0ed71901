//! Nothing left behind on the phone: every page and server-function answer
//! carrying patient or account data says `Cache-Control: no-store`, and
//! signing out tells the browser to drop its cache and storage.

use crate::common::spawn_app;
use server::demo::DEMO_PATIENT_1;
use sqlx::PgPool;

fn cache_control(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn patient_pages_and_answers_are_never_stored_and_sign_out_clears_the_site(pool: PgPool) {
    let nurse = spawn_app(pool).await.signed_in_as("nurse1").await;
    let session = nurse.session.clone().expect("session");
    for path in [
        format!("/patients/{DEMO_PATIENT_1}/night-card"),
        format!("/patients/{DEMO_PATIENT_1}/edit"),
        "/".to_owned(),
        "/calls".to_owned(),
        "/account/security".to_owned(),
        "/login".to_owned(),
    ] {
        let response = nurse
            .client
            .get(nurse.url(&path))
            .header("cookie", &session)
            .send()
            .await
            .expect("request");
        assert_eq!(cache_control(&response), "no-store", "{path}");
    }
    let card = nurse
        .client
        .get(nurse.url(&format!("/patients/{DEMO_PATIENT_1}/night-card")))
        .header("cookie", &session)
        .send()
        .await
        .expect("request");
    for (name, expected) in [
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
    ] {
        assert_eq!(
            card.headers().get(name).and_then(|v| v.to_str().ok()),
            Some(expected),
            "{name}"
        );
    }
    let permissions = card
        .headers()
        .get("permissions-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(permissions.contains("camera=()"), "{permissions}");
    assert!(permissions.contains("geolocation=()"), "{permissions}");

    let answer = nurse
        .post_form(
            "/api/night_card",
            &[("patient_id", &DEMO_PATIENT_1.to_string())],
        )
        .await;
    assert!(answer.status().is_success(), "{}", answer.status());
    assert_eq!(cache_control(&answer), "no-store", "server function");

    // Static assets keep their own caching (they hold no one's data).
    let asset = nurse
        .client
        .get(nurse.url("/pkg/nightcall.css"))
        .send()
        .await
        .expect("request");
    assert_ne!(cache_control(&asset), "no-store");

    let out = nurse
        .post_form("/api/logout", &[("everywhere", "false")])
        .await;
    assert!(out.status().is_redirection() || out.status().is_success());
    let clear = out
        .headers()
        .get("clear-site-data")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        clear.contains("\"cache\"") && clear.contains("\"storage\""),
        "{clear}"
    );
    // The old cookie no longer opens the card.
    let (status, html) = nurse
        .get(&format!("/patients/{DEMO_PATIENT_1}/night-card"))
        .await;
    assert!(
        !html.contains("山田"),
        "{status}: no patient data after sign-out"
    );
}
