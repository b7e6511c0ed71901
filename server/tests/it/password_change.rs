//! Staff change their own password on `/account/security`: the current one
//! is required, weak new ones are refused with a translated reason, and
//! every other session of the account ends.

use crate::common::spawn_app;
use server::demo::DEMO_PASSWORD;
use sqlx::PgPool;

const NEW: &str = "夜勤明けの珈琲はとても苦い";

async fn change(
    app: &crate::common::TestApp,
    current: &str,
    new: &str,
    again: &str,
) -> (u16, String) {
    let r = app
        .post_form(
            "/api/change_password",
            &[
                ("current_password", current),
                ("new_password", new),
                ("new_password_again", again),
            ],
        )
        .await;
    (r.status().as_u16(), r.text().await.unwrap())
}

#[sqlx::test(migrations = "../migrations")]
async fn a_password_change_needs_the_current_password_and_ends_the_other_sessions(pool: PgPool) {
    let phone = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    let tablet = phone.clone_base().signed_in_as("nurse1").await;

    // (current, new, again, the refusal named in the answer)
    let refused = [
        ("wrong-current-password", NEW, NEW, "current_password"),
        (DEMO_PASSWORD, "short", "short", "new_password_too_short"),
        (
            DEMO_PASSWORD,
            "my-nurse1-password",
            "my-nurse1-password",
            "new_password_contains_login_id",
        ),
        (
            DEMO_PASSWORD,
            "Password1234",
            "Password1234",
            "new_password_common",
        ),
        (
            DEMO_PASSWORD,
            NEW,
            "something else entirely",
            "new_password_mismatch",
        ),
        (
            DEMO_PASSWORD,
            DEMO_PASSWORD,
            DEMO_PASSWORD,
            "new_password_same",
        ),
    ];
    for (current, new, again, field) in refused {
        let (status, body) = change(&phone, current, new, again).await;
        assert_eq!(status, 400, "{field}: {body}");
        assert!(body.contains(field), "{field}: {body}");
    }
    let unchanged: i64 =
        sqlx::query_scalar("select count(*) from sessions where revoked_at is not null")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(unchanged, 0, "a refused change ends no session");

    let (status, body) = change(&phone, DEMO_PASSWORD, NEW, NEW).await;
    assert_eq!(status, 200, "{body}");

    let me: serde_json::Value = tablet.post_form("/api/me", &[]).await.json().await.unwrap();
    assert!(me.is_null(), "the tablet was signed out: {me}");
    let me: serde_json::Value = phone.post_form("/api/me", &[]).await.json().await.unwrap();
    assert!(!me.is_null(), "this device stays signed in");

    let old = phone
        .clone_base()
        .post_form(
            "/api/login",
            &[
                ("login_id", "nurse1"),
                ("password", DEMO_PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(
        old.status().as_u16(),
        401,
        "the old password no longer works"
    );
    let new = phone
        .clone_base()
        .post_form(
            "/api/login",
            &[("login_id", "nurse1"), ("password", NEW), ("next", "/")],
        )
        .await;
    assert!(
        new.status().is_redirection() || new.status().is_success(),
        "{}",
        new.status()
    );

    let audited: Vec<String> = sqlx::query_scalar(
        "select outcome from audit_log where action = 'password_change' order by id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audited, vec!["denied".to_owned(), "done".to_owned()]);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_security_page_offers_the_password_form_and_a_signed_out_change_is_refused(
    pool: PgPool,
) {
    let app = spawn_app(pool).await;
    let (status, _) = change(&app, DEMO_PASSWORD, NEW, NEW).await;
    assert_eq!(status, 401);
    let nurse = app.clone_base().signed_in_as("nurse2").await;
    let (status, html) = nurse.get("/account/security").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("name=\"new_password_again\""),
        "the form is there"
    );
    assert!(html.contains("パスワードの変更"), "in Japanese");
}
