//! The physician renews the nursing order (訪問看護指示書) from the card
//! editor, over HTTP against real PostgreSQL: a renewal is a new order the
//! card shows in force, the old one stays on file; nurses are refused and
//! nothing is written; a stale form is a conflict; a period over six
//! months, reversed or on a day that does not exist is refused in words;
//! every renewal is audited with the patient.

use crate::common::{spawn_app, TestApp};
use server::demo::{demo_patient_id, DEMO_EXPIRED_ORDER_PATIENT, DEMO_RENEWAL_PATIENTS};
use sqlx::PgPool;
use uuid::Uuid;

async fn login_of(pool: &PgPool, sql: &str, n: u32) -> String {
    sqlx::query_scalar(sql)
        .bind(demo_patient_id(n))
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The attending physician of patient `n`.
async fn attending_of(pool: &PgPool, n: u32) -> String {
    login_of(
        pool,
        "select s.login_id from staff s join patients p on p.attending_physician_id = s.id
          where p.id = $1",
        n,
    )
    .await
}

/// A nurse of patient `n`'s station.
async fn nurse_of(pool: &PgPool, n: u32) -> String {
    login_of(
        pool,
        "select s.login_id from staff s join patients p on p.nurse_station_id = s.organization_id
          where p.id = $1 and s.role = 'nurse' order by s.login_id limit 1",
        n,
    )
    .await
}

async fn signed_in(pool: &PgPool, login: &str) -> TestApp {
    spawn_app(pool.clone()).await.signed_in_as(login).await
}

async fn card_json(app: &TestApp, patient: Uuid) -> serde_json::Value {
    let response = app
        .post_form("/api/night_card", &[("patient_id", &patient.to_string())])
        .await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.unwrap()
}

fn today() -> chrono::NaiveDate {
    app::domain::time::tokyo_date(chrono::Utc::now())
}

/// A renewal form filled in from the order the card shows now.
fn renewal(
    patient: Uuid,
    order: &serde_json::Value,
    from: chrono::NaiveDate,
    to: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("patient_id", patient.to_string()),
        ("order_id", order["id"].as_str().unwrap_or("").to_owned()),
        (
            "version",
            order["version"].as_i64().unwrap_or(0).to_string(),
        ),
        ("issued_on", today().to_string()),
        ("valid_from", from.to_string()),
        ("valid_to", to.to_owned()),
        (
            "on_sudden_change",
            "38.5℃以上の発熱時は坐薬を使用し主治医へ連絡。\n呼吸停止時は蘇生せず主治医へ連絡。"
                .into(),
        ),
    ]
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn orders_of(pool: &PgPool, patient: Uuid) -> i64 {
    sqlx::query_scalar("select count(*) from nursing_orders where patient_id = $1")
        .bind(patient)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_physician_renews_an_expired_order_and_the_card_shows_it_in_force(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    let n = DEMO_RENEWAL_PATIENTS[0];
    let patient = demo_patient_id(n);
    let doctor = signed_in(&pool, &attending_of(&pool, n).await).await;
    let before = card_json(&doctor, patient).await;
    let old = before["nursing_order"].clone();
    let old_to: chrono::NaiveDate = old["valid_to"].as_str().unwrap().parse().unwrap();
    assert!(old_to < today(), "the demo order has run out: {old}");
    assert_eq!(before["can_edit_orders"], true, "{before}");
    let (_, html) = doctor.get(&format!("/patients/{patient}/night-card")).await;
    assert!(html.contains("data-status=\"expired\""));
    assert!(
        html.contains("data-testid=\"order-renew-link\""),
        "the physician is offered the renewal"
    );
    let (_, edit) = doctor.get(&format!("/patients/{patient}/edit")).await;
    assert!(edit.contains("data-testid=\"order-renewal-form\""));
    assert!(edit.contains("訪問看護指示書の更新・発行"));

    let to = (today() + chrono::Duration::days(150)).to_string();
    let saved = doctor
        .post_form(
            "/api/card_renew_order",
            &pairs(&renewal(patient, &old, today(), &to)),
        )
        .await;
    assert_eq!(saved.status().as_u16(), 200, "{:?}", saved.text().await);
    assert_eq!(
        saved.headers()["location"].to_str().unwrap(),
        format!("/patients/{patient}/night-card?saved=order-renewal")
    );

    let after = card_json(&doctor, patient).await;
    let new = &after["nursing_order"];
    assert_ne!(
        new["id"], old["id"],
        "a new order, not an edit of the old one"
    );
    assert_eq!(new["valid_from"], today().to_string());
    assert_eq!(new["valid_to"], to);
    assert_eq!(new["issued_on"], today().to_string());
    let doctor_name: String = sqlx::query_scalar(
        "select s.family_name || ' ' || s.given_name from staff s
           join patients p on p.attending_physician_id = s.id where p.id = $1",
    )
    .bind(patient)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(new["issued_by"], doctor_name);
    assert!(new["on_sudden_change"]
        .as_str()
        .unwrap()
        .starts_with("38.5℃以上"));

    // The card: no red flag, the order in force, who issued it and when.
    let (_, html) = doctor.get(&format!("/patients/{patient}/night-card")).await;
    assert!(
        !html.contains("data-status=\"expired\""),
        "no longer expired"
    );
    assert!(!html.contains("指示書の期限切れ"));
    assert!(html.contains("data-status=\"in-force\""));
    // (The server renders the period's parts as separate text nodes.)
    assert!(
        html.contains(&to) && html.contains(&today().to_string()),
        "the period"
    );
    assert!(html.contains(&doctor_name), "who issued it");

    // The old order stays as it was, as the record of what was in force.
    assert_eq!(orders_of(&pool, patient).await, 2);
    let kept: (chrono::NaiveDate, i32) =
        sqlx::query_as("select valid_to, version from nursing_orders where id = $1::uuid")
            .bind(old["id"].as_str().unwrap())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(kept, (old_to, old["version"].as_i64().unwrap() as i32));

    // Audited with the patient.
    let audit: Vec<(String, String)> = sqlx::query_as(
        "select outcome, detail from audit_log
          where patient_id = $1 and action = 'edit_orders' order by id",
    )
    .bind(patient)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(audit[0].0, "allowed");
    assert_eq!(audit[1].0, "done");
    assert!(audit[1].1.starts_with("order-renewal: order "), "{audit:?}");
    assert!(
        audit[1].1.contains(old["id"].as_str().unwrap()),
        "{audit:?}"
    );

    // The other expired demo order is untouched.
    let other = demo_patient_id(DEMO_EXPIRED_ORDER_PATIENT);
    assert_eq!(orders_of(&pool, other).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_renewal_with_the_same_start_as_the_order_in_force_replaces_it_on_the_card(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    let n = DEMO_RENEWAL_PATIENTS[1];
    let patient = demo_patient_id(n);
    let doctor = signed_in(&pool, &attending_of(&pool, n).await).await;
    let first = card_json(&doctor, patient).await["nursing_order"].clone();
    let to = (today() + chrono::Duration::days(100)).to_string();
    let r = doctor
        .post_form(
            "/api/card_renew_order",
            &pairs(&renewal(patient, &first, today(), &to)),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    // A correction the same day: same start, another end.
    let second = card_json(&doctor, patient).await["nursing_order"].clone();
    let to = (today() + chrono::Duration::days(120)).to_string();
    let r = doctor
        .post_form(
            "/api/card_renew_order",
            &pairs(&renewal(patient, &second, today(), &to)),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let third = card_json(&doctor, patient).await["nursing_order"].clone();
    assert_ne!(third["id"], second["id"]);
    assert_eq!(
        third["valid_to"], to,
        "the latest issued of equal orders is the current one"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_nurse_may_not_issue_an_order_and_nothing_is_written(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    let n = DEMO_RENEWAL_PATIENTS[0];
    let patient = demo_patient_id(n);
    let nurse_login = nurse_of(&pool, n).await;
    let nurse = signed_in(&pool, &nurse_login).await;
    let card = card_json(&nurse, patient).await;
    assert_eq!(card["can_edit_orders"], false);
    let order = card["nursing_order"].clone();
    let (_, html) = nurse.get(&format!("/patients/{patient}/night-card")).await;
    assert!(!html.contains("order-renew-link"));
    let (_, edit) = nurse.get(&format!("/patients/{patient}/edit")).await;
    assert!(
        !edit.contains("order-renewal-form"),
        "the form is not offered"
    );

    let to = (today() + chrono::Duration::days(150)).to_string();
    let refused = nurse
        .post_form(
            "/api/card_renew_order",
            &pairs(&renewal(patient, &order, today(), &to)),
        )
        .await;
    assert_eq!(refused.status().as_u16(), 403);
    assert_eq!(refused.text().await.unwrap(), "\"Forbidden\"");
    assert_eq!(orders_of(&pool, patient).await, 1, "nothing written");
    let drafts: i64 = sqlx::query_scalar("select count(*) from form_drafts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(drafts, 0, "a refusal for lack of rights keeps nothing");
    let audit: Vec<String> = sqlx::query_scalar(
        "select a.outcome from audit_log a join staff s on s.id = a.staff_id
          where s.login_id = $1 and a.patient_id = $2 and a.action = 'edit_orders'",
    )
    .bind(&nurse_login)
    .bind(patient)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audit, vec!["denied".to_owned()]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_form_filled_in_from_an_order_that_moved_on_is_a_conflict(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    let n = DEMO_RENEWAL_PATIENTS[2];
    let patient = demo_patient_id(n);
    let doctor = signed_in(&pool, &attending_of(&pool, n).await).await;
    let order = card_json(&doctor, patient).await["nursing_order"].clone();
    let to = (today() + chrono::Duration::days(150)).to_string();
    let form = renewal(patient, &order, today(), &to);
    let first = doctor
        .post_form("/api/card_renew_order", &pairs(&form))
        .await;
    assert_eq!(first.status().as_u16(), 200);
    // The same form again (another tab, or a second physician): conflict.
    let again = doctor
        .post_form("/api/card_renew_order", &pairs(&form))
        .await;
    assert_eq!(again.status().as_u16(), 409);
    assert_eq!(orders_of(&pool, patient).await, 2, "nothing more written");
    let kept: i64 = sqlx::query_scalar(
        "select count(*) from form_drafts where patient_id = $1 and section = 'order-renewal'",
    )
    .bind(patient)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(kept, 1, "what was typed is kept for the edit page");

    // The current order's text changed since the form was filled in.
    let current = card_json(&doctor, patient).await["nursing_order"].clone();
    let edited = doctor
        .post_form(
            "/api/card_save_sudden_change",
            &[
                ("patient_id", &patient.to_string()),
                ("order_id", current["id"].as_str().unwrap()),
                ("version", &current["version"].to_string()),
                ("on_sudden_change", "主治医へ連絡"),
            ],
        )
        .await;
    assert_eq!(edited.status().as_u16(), 200);
    let stale = doctor
        .post_form(
            "/api/card_renew_order",
            &pairs(&renewal(patient, &current, today(), &to)),
        )
        .await;
    assert_eq!(stale.status().as_u16(), 409);
    assert_eq!(orders_of(&pool, patient).await, 2);
    // An order of another patient is not this one's.
    let foreign: Uuid = sqlx::query_scalar("select id from nursing_orders where patient_id = $1")
        .bind(demo_patient_id(1))
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut form = renewal(patient, &current, today(), &to);
    form[1].1 = foreign.to_string();
    let forged = doctor
        .post_form("/api/card_renew_order", &pairs(&form))
        .await;
    assert_eq!(forged.status().as_u16(), 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_bad_period_is_refused_in_words_and_writes_nothing(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    let n = DEMO_RENEWAL_PATIENTS[0];
    let patient = demo_patient_id(n);
    let doctor = signed_in(&pool, &attending_of(&pool, n).await).await;
    let order = card_json(&doctor, patient).await["nursing_order"].clone();
    let today = today();
    let six_months = today
        .checked_add_months(chrono::Months::new(6))
        .unwrap()
        .to_string();
    let day_before = (today - chrono::Duration::days(1)).to_string();
    // (from, to, the error code)
    let cases = [
        (today, six_months.as_str(), "valid_to:period_too_long"),
        (today, day_before.as_str(), "valid_to:ends_before_start"),
        (today, "2027-02-30", "valid_to:impossible_date"),
        (today, "来年の春", "valid_to:bad_date"),
    ];
    for (from, to, code) in cases {
        let response = doctor
            .post_form(
                "/api/card_renew_order",
                &pairs(&renewal(patient, &order, from, to)),
            )
            .await;
        assert_eq!(response.status().as_u16(), 400, "{to}");
        assert_eq!(
            response.text().await.unwrap(),
            format!("{{\"Invalid\":\"{code}\"}}")
        );
    }
    let mut impossible = renewal(patient, &order, today, "2027-01-31");
    impossible[4].1 = "2026-02-30".into();
    let response = doctor
        .post_form("/api/card_renew_order", &pairs(&impossible))
        .await;
    assert_eq!(
        response.text().await.unwrap(),
        r#"{"Invalid":"valid_from:impossible_date"}"#
    );
    assert_eq!(orders_of(&pool, patient).await, 1, "nothing written");

    // Without JavaScript: back to the form, the reason in Japanese, the
    // input kept.
    let response = doctor
        .client
        .post(doctor.url("/api/card_renew_order"))
        .header("cookie", doctor.session.clone().unwrap_or_default())
        .header("accept", "text/html")
        .form(&pairs(&renewal(patient, &order, today, &six_months)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("/patients/{patient}/edit#order-renewal"));
    let (_, html) = doctor.get(&location).await;
    assert!(
        html.contains("指示期間の終了日: 指示期間は6か月以内です"),
        "translated reason"
    );
    assert!(html.contains(&six_months), "the input is kept");
    assert!(!html.contains("period_too_long"), "never the code");
    assert_eq!(orders_of(&pool, patient).await, 1);
}
