//! Staff administration over HTTP against real PostgreSQL: an
//! administrator creates an account (no password, a one-time enrolment
//! code shown once), the person signs in for the first time with the code
//! and sets a password, and may then enrol a second factor. Nobody else
//! manages accounts; bad input is refused in words and writes nothing; a
//! disabled account signs in nowhere; a code works once and not after it
//! expires.

use crate::common::{spawn_app, TestApp};
use app::error::AppError;
use app::i18n::Lang;
use sqlx::PgPool;

const NEW_PASSWORD: &str = "夜勤明けの珈琲はとても苦い";
/// The first demo nurse station (organisation 11, `0x0b`).
const STATION_1: &str = "00000000-0000-4000-8000-00020000000b";

fn nurse_form<'a>(login: &'a str, family: &'a str, phone: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("family_name", family),
        ("given_name", "美咲"),
        ("family_name_kana", "よしだ"),
        ("given_name_kana", "ミサキ"),
        ("role", "nurse"),
        ("organization_id", STATION_1),
        ("login_id", login),
        ("phone", phone),
    ]
}

async fn create(app: &TestApp, form: &[(&str, &str)]) -> (u16, String) {
    let r = app.post_form("/api/staff_create", form).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Creates a nurse and returns the code shown once.
async fn create_nurse(admin: &TestApp, login: &str) -> (uuid::Uuid, String) {
    let (status, body) = create(admin, &nurse_form(login, "吉田", "090-1234-5678")).await;
    assert_eq!(status, 200, "{body}");
    let issued: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = issued["staff_id"].as_str().unwrap().parse().unwrap();
    (id, issued["code"].as_str().unwrap().to_owned())
}

async fn first_sign_in(app: &TestApp, login: &str, code: &str) -> reqwest::Response {
    app.post_form(
        "/api/first_sign_in",
        &[
            ("login_id", login),
            ("code", code),
            ("new_password", NEW_PASSWORD),
            ("new_password_again", NEW_PASSWORD),
        ],
    )
    .await
}

async fn password_sign_in(app: &TestApp, login: &str, password: &str) -> Option<String> {
    let r = app
        .post_form(
            "/api/login",
            &[("login_id", login), ("password", password), ("next", "/")],
        )
        .await;
    crate::common::session_from(&r)
}

/// A form as posted: field and value.
type Form<'a> = Vec<(&'a str, &'a str)>;

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn an_administrator_creates_a_nurse_who_signs_in_with_the_code_and_enrols_a_factor(
    pool: PgPool,
) {
    let admin = spawn_app(pool.clone()).await.signed_in_as("admin").await;
    let (id, code) = create_nurse(&admin, "Yoshida.Misaki").await;
    let stored: (String, Option<String>, String) =
        sqlx::query_as("select login_id, password_hash, role from staff where id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        stored.0, "yoshida.misaki",
        "login ids are stored in lower case"
    );
    assert_eq!(stored.1, None, "no password until the first sign-in");
    assert_eq!(stored.2, "nurse");
    assert!(
        password_sign_in(&admin.clone_base(), "yoshida.misaki", "")
            .await
            .is_none(),
        "an account without a password cannot sign in"
    );

    // The list shows the account, not yet signed in.
    let (status, page) = admin.get("/admin/staff").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("yoshida.misaki") && page.contains("未ログイン"),
        "{page:.300}"
    );

    let mut nurse = admin.clone_base();
    let r = first_sign_in(&nurse, "yoshida.misaki", &code).await;
    assert!(
        r.status().is_redirection() || r.status().is_success(),
        "{}",
        r.status()
    );
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/account/security")
    );
    assert!(nurse.adopt_session(&r), "signed in");
    // The session may enrol a first factor at once.
    let r = nurse.post_form("/api/totp_enrollment", &[]).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let state: serde_json::Value = nurse
        .post_form("/api/security_state", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(state["needs_enrolment_code"], false, "{state}");
    let me: serde_json::Value = nurse.post_form("/api/me", &[]).await.json().await.unwrap();
    assert_eq!(me["role"], "nurse", "{me}");

    // The new password signs in from now on; the code is used up.
    assert!(
        password_sign_in(&admin.clone_base(), "yoshida.misaki", NEW_PASSWORD)
            .await
            .is_some()
    );
    let r = first_sign_in(&admin.clone_base(), "yoshida.misaki", &code).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("first_sign_in"));

    let audited = count(
        &pool,
        "select count(*) from audit_log where action in ('staff_create', 'enrolment_code_issue', 'first_sign_in') and outcome = 'done'",
    )
    .await;
    assert_eq!(audited, 3, "creation, code and first sign-in are audited");
    let (_, page) = admin.get("/admin/staff").await;
    assert!(page.contains("ログイン済み"), "the list says so");
}

#[sqlx::test(migrations = "../migrations")]
async fn only_administrators_manage_staff_and_a_refusal_writes_nothing(pool: PgPool) {
    let base = spawn_app(pool.clone()).await;
    let before = count(&pool, "select count(*) from staff").await;
    for login in ["coordinator", "nurse1", "doctor1"] {
        let user = base.clone_base().signed_in_as(login).await;
        let (status, body) = create(&user, &nurse_form("intruder", "吉田", "090-1234-5678")).await;
        assert_eq!(status, 403, "{login}: {body}");
        let r = user
            .post_form("/api/staff_list", &[("organization_id", "")])
            .await;
        assert_eq!(r.status(), 403, "{login} lists staff");
        let (status, _) = user.get("/admin/staff").await;
        assert!(status == 403 || status == 200, "{login}: {status}");
        let r = user
            .post_form(
                "/api/staff_set_disabled",
                &[
                    ("staff_id", "00000000-0000-4000-8000-000300000011"),
                    ("disabled", "true"),
                ],
            )
            .await;
        assert_eq!(r.status(), 403, "{login} disables");
    }
    assert_eq!(count(&pool, "select count(*) from staff").await, before);
    assert_eq!(
        count(&pool, "select count(*) from enrolment_codes").await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from staff where disabled_at is not null"
        )
        .await,
        0
    );
    let denied = count(
        &pool,
        "select count(*) from audit_log where action = 'manage_staff' and outcome = 'denied'",
    )
    .await;
    assert!(denied >= 9, "refusals are audited: {denied}");
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_staff_input_is_refused_in_words_and_writes_nothing(pool: PgPool) {
    let admin = spawn_app(pool.clone()).await.signed_in_as("admin").await;
    let before = count(&pool, "select count(*) from staff").await;
    let long = "田".repeat(10_000);
    let mut no_org = nurse_form("no.org", "吉田", "090-1234-5678");
    no_org.retain(|(k, _)| *k != "organization_id");
    let mut unknown_org = nurse_form("unknown.org", "吉田", "090-1234-5678");
    unknown_org[5].1 = "00000000-0000-4000-8000-0000deadbeef";
    // (the form, the refusal's code, words of its Japanese sentence)
    let cases: Vec<(Form<'_>, &str, &str)> = vec![
        (
            nurse_form("nurse1", "吉田", "090-1234-5678"),
            "staff_login_id:taken",
            "このログインIDはすでに使われています",
        ),
        (
            nurse_form("NURSE1", "吉田", "090-1234-5678"),
            "staff_login_id:taken",
            "すでに使われています",
        ),
        (
            nurse_form("yo", "吉田", "090-1234-5678"),
            "staff_login_id:bad_login_id",
            "3〜64文字",
        ),
        (
            nurse_form("letters.phone", "吉田", "090-abcd-5678"),
            "staff_phone:letters",
            "電話番号に文字が含まれています",
        ),
        (
            nurse_form("long.name", &long, "090-1234-5678"),
            "staff_family_name:too_long:50",
            "50文字以内",
        ),
        (
            nurse_form("emoji.name", "吉田😀", "090-1234-5678"),
            "staff_family_name:emoji",
            "絵文字は使えません",
        ),
        (
            no_org,
            "staff_organization_id:not_a_choice",
            "選択肢から選んでください",
        ),
        (
            unknown_org,
            "staff_organization_id:not_a_choice",
            "選択肢から選んでください",
        ),
    ];
    for (form, code, words) in cases {
        let (status, body) = create(&admin, &form).await;
        assert_eq!(status, 400, "{code}: {body}");
        let error: AppError = serde_json::from_str(&body).unwrap();
        assert_eq!(error, AppError::Invalid(code.into()), "{body}");
        let ja = error.user_message(Lang::Ja);
        assert!(ja.contains(words), "{code}: {ja}");
        assert!(
            !error.user_message(Lang::En).contains(code),
            "{code} worded"
        );
    }
    assert_eq!(
        count(&pool, "select count(*) from staff").await,
        before,
        "nothing half-written"
    );
    assert_eq!(
        count(&pool, "select count(*) from enrolment_codes").await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from audit_log where action = 'staff_create'"
        )
        .await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn rare_kanji_in_a_name_are_stored_and_shown_exactly(pool: PgPool) {
    let admin = spawn_app(pool.clone()).await.signed_in_as("admin").await;
    let (status, body) = create(
        &admin,
        &nurse_form("yoshida.rare", "𠮷田", "０９０−１２３４−５６７８"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let id: String = serde_json::from_str::<serde_json::Value>(&body).unwrap()["staff_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (family, phone): (String, String) =
        sqlx::query_as("select family_name, phone from staff where login_id = 'yoshida.rare'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(family, "𠮷田");
    assert_eq!(phone, "090-1234-5678", "full-width digits folded");
    let (_, list) = admin.get("/admin/staff").await;
    assert!(list.contains("𠮷田 美咲"), "shown exactly on the list");
    let (_, page) = admin.get(&format!("/admin/staff/{id}")).await;
    assert!(page.contains("𠮷田 美咲"), "and on its page");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_disabled_account_cannot_sign_in_and_its_session_stops_working(pool: PgPool) {
    let admin = spawn_app(pool.clone()).await.signed_in_as("admin").await;
    let nurse = admin.clone_base().signed_in_as("nurse1").await;
    let id: uuid::Uuid = sqlx::query_scalar("select id from staff where login_id = 'nurse1'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let admin_id: uuid::Uuid = sqlx::query_scalar("select id from staff where login_id = 'admin'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let r = admin
        .post_form(
            "/api/staff_set_disabled",
            &[("staff_id", &admin_id.to_string()), ("disabled", "true")],
        )
        .await;
    assert_eq!(r.status(), 400, "not one's own account");

    let r = admin
        .post_form(
            "/api/staff_set_disabled",
            &[("staff_id", &id.to_string()), ("disabled", "true")],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let me: serde_json::Value = nurse.post_form("/api/me", &[]).await.json().await.unwrap();
    assert!(me.is_null(), "the open session ended: {me}");
    let (status, _) = nurse.get("/").await;
    assert!(status == 303 || status == 302 || status == 401 || status == 200);
    assert!(
        password_sign_in(&admin.clone_base(), "nurse1", server::demo::DEMO_PASSWORD)
            .await
            .is_none(),
        "a disabled account cannot sign in"
    );
    let r = admin
        .post_form("/api/staff_new_code", &[("staff_id", &id.to_string())])
        .await;
    assert_eq!(r.status(), 409, "no code for a disabled account");

    let r = admin
        .post_form(
            "/api/staff_set_disabled",
            &[("staff_id", &id.to_string()), ("disabled", "false")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(
        password_sign_in(&admin.clone_base(), "nurse1", server::demo::DEMO_PASSWORD)
            .await
            .is_some(),
        "enabled again"
    );
    let audited = count(
        &pool,
        "select count(*) from audit_log where action in ('staff_disable', 'staff_enable')",
    )
    .await;
    assert_eq!(audited, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_used_revoked_or_expired_code_fails_and_counts_as_a_failed_sign_in(pool: PgPool) {
    let admin = spawn_app(pool.clone()).await.signed_in_as("admin").await;
    let (id, first_code) = create_nurse(&admin, "nurse.codes").await;
    // A new code revokes the first.
    let r = admin
        .post_form("/api/staff_new_code", &[("staff_id", &id.to_string())])
        .await;
    assert_eq!(r.status(), 200);
    let second: serde_json::Value = r.json().await.unwrap();
    let second_code = second["code"].as_str().unwrap().to_owned();
    let anonymous = admin.clone_base();
    let r = first_sign_in(&anonymous, "nurse.codes", &first_code).await;
    assert_eq!(r.status(), 400, "a revoked code");
    assert!(crate::common::session_from(&r).is_none());

    // An expired code.
    sqlx::query(
        "update enrolment_codes set created_at = now() - interval '80 hours',
                                    expires_at = now() - interval '8 hours'
          where staff_id = $1 and revoked_at is null",
    )
    .bind(id)
    .execute(&pool)
    .await
    .unwrap();
    let r = first_sign_in(&anonymous, "nurse.codes", &second_code).await;
    assert_eq!(r.status(), 400, "an expired code");
    let body = r.text().await.unwrap();
    let error: AppError = serde_json::from_str(&body).unwrap();
    assert!(error.user_message(Lang::Ja).contains("期限切れ"), "{body}");
    let unknown = first_sign_in(&anonymous, "nobody.here", &second_code).await;
    assert_eq!(unknown.status(), 400, "an unknown login id says the same");

    let failures = count(
        &pool,
        "select count(*) from login_attempts where login_id = 'nurse.codes' and not succeeded",
    )
    .await;
    assert_eq!(failures, 2, "each wrong code is a failed sign-in");
    let password: Option<String> =
        sqlx::query_scalar("select password_hash from staff where id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(password.is_none(), "no password set by a failed attempt");

    // Past the free failures, the next attempt waits (never a lock-out).
    for _ in 0..2 {
        first_sign_in(&anonymous, "nurse.codes", "WRONG-CODE").await;
    }
    let r = first_sign_in(&anonymous, "nurse.codes", "WRONG-CODE").await;
    assert_eq!(r.status(), 429, "progressive delay");

    // A fresh code from the administrator works (from another address the
    // pair delay does not apply; here the delay is waited out by clearing
    // it, as time would).
    sqlx::query("delete from login_attempts where login_id = 'nurse.codes'")
        .execute(&pool)
        .await
        .unwrap();
    let r = admin
        .post_form("/api/staff_new_code", &[("staff_id", &id.to_string())])
        .await;
    let third: serde_json::Value = r.json().await.unwrap();
    let r = first_sign_in(&anonymous, "nurse.codes", third["code"].as_str().unwrap()).await;
    assert!(crate::common::session_from(&r).is_some(), "{}", r.status());
}

#[sqlx::test(migrations = "../migrations")]
async fn the_administrator_edits_an_account_but_not_his_own_role(pool: PgPool) {
    let admin = spawn_app(pool.clone()).await.signed_in_as("admin").await;
    let (id, _) = create_nurse(&admin, "nurse.edit").await;
    let id_text = id.to_string();
    let mut form = nurse_form("", "𠮷川", "03-1234-5678");
    form.retain(|(k, _)| *k != "login_id");
    form.push(("staff_id", &id_text));
    form[4].1 = "coordinator";
    let r = admin.post_form("/api/staff_update", &form).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (family, role, phone): (String, String, String) =
        sqlx::query_as("select family_name, role, phone from staff where id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (family.as_str(), role.as_str(), phone.as_str()),
        ("𠮷川", "coordinator", "03-1234-5678")
    );

    // An attending physician with care-team seats cannot become a nurse.
    let doctor: uuid::Uuid = sqlx::query_scalar("select id from staff where login_id = 'doctor1'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let doctor_text = doctor.to_string();
    let mut demote = nurse_form("", "桜井", "090-1111-2222");
    demote.retain(|(k, _)| *k != "login_id");
    demote.push(("staff_id", &doctor_text));
    let r = admin.post_form("/api/staff_update", &demote).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("staff_role:holds_seats"));

    let admin_id: uuid::Uuid = sqlx::query_scalar("select id from staff where login_id = 'admin'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let admin_text = admin_id.to_string();
    let mut own = nurse_form("", "管理", "090-1111-2222");
    own.retain(|(k, _)| *k != "login_id");
    own.push(("staff_id", &admin_text));
    let r = admin.post_form("/api/staff_update", &own).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("staff_role:yourself"));
    let role: String = sqlx::query_scalar("select role from staff where id = $1")
        .bind(admin_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(role, "admin");
}
