//! The lists grant exactly what the access door grants, the hand-offs and
//! notices follow today's attending seat, and every read that shows
//! patients is in the patient's audit log, in words.

use crate::common::{spawn_app, TestApp};
use app::domain::access::{decide, Action, Actor, Role};
use app::domain::patient::PatientId;
use server::demo::DEMO_PATIENT_1;
use sqlx::PgPool;
use std::collections::BTreeSet;
use uuid::Uuid;

async fn staff_id(pool: &PgPool, login: &str) -> Uuid {
    sqlx::query_scalar("select id from staff where login_id = $1")
        .bind(login)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn break_glass(pool: &PgPool, login: &str, patient: Uuid) {
    sqlx::query(
        "insert into break_glass_grants (id, staff_id, patient_id, reason, expires_at)
         values (gen_random_uuid(), $1, $2, '主治医に連絡がつかず急変', now() + interval '1 hour')",
    )
    .bind(staff_id(pool, login).await)
    .bind(patient)
    .execute(pool)
    .await
    .unwrap();
}

/// A closed call on `patient` opened by `nurse`, with its hand-off to the
/// patient's attending physician of record.
async fn closed_call_with_handoff(pool: &PgPool, patient: Uuid, nurse: &str) -> Uuid {
    let call = Uuid::new_v4();
    sqlx::query(
        "insert into incidents (id, patient_id, opened_by, reason, path, state, closed_at, outcome)
         values ($1, $2, $3, 'fever', '[]'::jsonb, 'closed', now(), 'managed_at_home')",
    )
    .bind(call)
    .bind(patient)
    .bind(staff_id(pool, nurse).await)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into handoffs (id, incident_id, patient_id, attending_id, written_by, summary)
         select gen_random_uuid(), $1, p.id, p.attending_physician_id, $3, '坐薬で解熱、明朝往診を'
           from patients p where p.id = $2",
    )
    .bind(call)
    .bind(patient)
    .bind(staff_id(pool, "doctor1").await)
    .execute(pool)
    .await
    .unwrap();
    call
}

async fn json(app: &TestApp, path: &str) -> serde_json::Value {
    let r = app.post_form(path, &[]).await;
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_list_holds_exactly_the_patients_decide_lets_each_user_read(pool: PgPool) {
    server::demo::seed_demo(&pool).await.expect("seed");
    // A south-team doctor's break-glass grant on a north-team patient:
    // decide() lets him read the card, so the list must show it.
    break_glass(&pool, "doctor5", DEMO_PATIENT_1).await;
    let now = chrono::Utc::now();
    let staff: Vec<(Uuid, Uuid, String)> =
        sqlx::query_as("select id, organization_id, role from staff order by role, id")
            .fetch_all(&pool)
            .await
            .unwrap();
    let patients: Vec<Uuid> = sqlx::query_scalar("select id from patients order by id")
        .fetch_all(&pool)
        .await
        .unwrap();
    let mut compared = 0;
    for (id, organization_id, role) in staff {
        let actor = Actor {
            staff_id: id,
            organization_id,
            role: Role::from_db(&role).unwrap(),
        };
        let listed: BTreeSet<Uuid> =
            app::ssr::db::search::readable_patients(&pool, &actor, now, None, 100_000)
                .await
                .unwrap()
                .into_iter()
                .map(|p| p.id.0)
                .collect();
        let mut allowed = BTreeSet::new();
        for patient in &patients {
            let facts = app::ssr::access::access_facts(&pool, id, PatientId(*patient), now)
                .await
                .unwrap()
                .unwrap();
            if decide(&actor, Action::ReadCard, &facts, now).is_allowed() {
                allowed.insert(*patient);
            }
        }
        assert_eq!(listed, allowed, "{role} {id}: the list and decide() differ");
        compared += 1;
    }
    assert!(compared > 10);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_seat_holds_only_the_staff_role_it_is_for(pool: PgPool) {
    server::demo::seed_demo(&pool).await.expect("seed");
    let nurse = staff_id(&pool, "nurse1").await;
    let coordinator = staff_id(&pool, "coordinator").await;
    for (role, staff) in [
        ("attending", nurse),
        ("secondary", coordinator),
        ("care_manager", coordinator),
        ("nurse_station", nurse),
    ] {
        let result = sqlx::query(
            "insert into care_team_members (id, patient_id, role, staff_id, valid_from)
             values (gen_random_uuid(), $1, $2, $3, current_date)",
        )
        .bind(DEMO_PATIENT_1)
        .bind(role)
        .bind(staff)
        .execute(&pool)
        .await;
        let error = result.expect_err(role).to_string();
        assert!(
            error.contains("seat") || error.contains("check"),
            "{role}: {error}"
        );
    }
    // The attending physician cannot become a nurse while he holds the seat.
    let attending: Uuid =
        sqlx::query_scalar("select attending_physician_id from patients where id = $1")
            .bind(DEMO_PATIENT_1)
            .fetch_one(&pool)
            .await
            .unwrap();
    let error = sqlx::query("update staff set role = 'nurse' where id = $1")
        .bind(attending)
        .execute(&pool)
        .await
        .expect_err("role change refused")
        .to_string();
    assert!(error.contains("seats"), "{error}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_former_attending_no_longer_gets_the_handoffs_or_the_notices(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    closed_call_with_handoff(&pool, DEMO_PATIENT_1, "nurse1").await;
    break_glass(&pool, "doctor5", DEMO_PATIENT_1).await;
    let attending = app.clone_base().signed_in_as("doctor3").await;
    let notices_of = |v: serde_json::Value| -> usize {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|n| n["patient_id"] == DEMO_PATIENT_1.to_string())
            .count()
    };
    assert_eq!(
        json(&attending, "/api/handoffs")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        notices_of(json(&attending, "/api/break_glass_notices").await),
        1
    );

    // The seat passes to doctor1 from yesterday on.
    let doctor1 = staff_id(&pool, "doctor1").await;
    sqlx::query(
        "update care_team_members set valid_to = current_date - 2
          where patient_id = $1 and role = 'attending'",
    )
    .bind(DEMO_PATIENT_1)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into care_team_members (id, patient_id, role, staff_id, valid_from)
         values (gen_random_uuid(), $1, 'attending', $2, current_date - 1)",
    )
    .bind(DEMO_PATIENT_1)
    .bind(doctor1)
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(
        json(&attending, "/api/handoffs")
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        notices_of(json(&attending, "/api/break_glass_notices").await),
        0
    );
    let successor = app.clone_base().signed_in_as("doctor1").await;
    let handoffs = json(&successor, "/api/handoffs").await;
    assert_eq!(handoffs.as_array().unwrap().len(), 1);
    assert_eq!(
        notices_of(json(&successor, "/api/break_glass_notices").await),
        1
    );
    // The former attending cannot acknowledge it either.
    let id = handoffs[0]["id"].as_str().unwrap().to_owned();
    let r = attending
        .post_form("/api/handoff_ack", &[("handoff_id", &id)])
        .await;
    assert_eq!(r.status().as_u16(), 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_read_that_shows_a_patient_is_on_the_patients_audit_page(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let call = closed_call_with_handoff(&pool, DEMO_PATIENT_1, "nurse1").await;
    break_glass(&pool, "doctor5", DEMO_PATIENT_1).await;
    let phone: String = sqlx::query_scalar(
        "select phone from family_contacts where patient_id = $1 order by priority limit 1",
    )
    .bind(DEMO_PATIENT_1)
    .fetch_one(&pool)
    .await
    .unwrap();
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let name: String =
        sqlx::query_scalar("select family_name || given_name from patients where id = $1")
            .bind(DEMO_PATIENT_1)
            .fetch_one(&pool)
            .await
            .unwrap();

    let nurse = app.clone_base().signed_in_as("nurse1").await;
    let attending = app.clone_base().signed_in_as("doctor3").await;
    let coordinator = app.clone_base().signed_in_as("coordinator").await;
    let audit_page = || async {
        let (status, html) = coordinator
            .get(&format!("/audit?patient={DEMO_PATIENT_1}"))
            .await;
        assert_eq!(status, 200);
        html
    };
    let reads: Vec<(&TestApp, String, &str)> = vec![
        (&nurse, "/".into(), "患者一覧の表示"),
        (&nurse, format!("/?q={}", urlencode(&name)), "患者の検索"),
        (&nurse, format!("/?q={digits}"), "患者の検索"),
        (&nurse, "/calls".into(), "コール一覧の閲覧"),
        (&attending, "/handoffs".into(), "申し送りの閲覧"),
        (&attending, "/notices".into(), "緊急閲覧の通知の閲覧"),
    ];
    for (who, path, words) in reads {
        let before = audit_page().await.matches(words).count();
        let (status, _) = who.get(&path).await;
        assert_eq!(status, 200, "{path}");
        let after = audit_page().await.matches(words).count();
        assert!(
            after > before,
            "{path}: {words:?} not on the patient's audit page"
        );
    }

    // A live stream: audited with the client's address.
    let response = nurse
        .client
        .get(nurse.url(&format!("/events/calls/{call}")))
        .header("cookie", nurse.session.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    drop(response);
    let html = audit_page().await;
    assert!(
        html.contains("コールのライブ表示"),
        "the stream's read, in words"
    );
    let ip: String = sqlx::query_scalar(
        "select ip from audit_log where action = 'watch_call' order by id desc limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(ip, "127.0.0.1");
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "select unnest(patient_ids) from audit_log where action = 'search_patients'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(ids.contains(&DEMO_PATIENT_1));
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn hsts_is_never_sent_over_plain_http_on_loopback(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app
        .client
        .get(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_none(),
        "no trusted proxy said https: no HSTS"
    );
}
