//! Who may see what, over HTTP against real PostgreSQL: every server
//! function × role × inside/outside the care team × with/without group-care
//! consent. The test fails when a server function exists that the matrix
//! does not list, so a new one cannot slip in unchecked.

mod common;

use common::{spawn_app, TestApp};
use server::demo::{demo_patient_id, DEMO_PATIENT_1};
use sqlx::PgPool;
use std::collections::BTreeSet;
use uuid::Uuid;

/// How a server function relates to patient data.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Takes a `patient_id` and must go through `ssr::access`.
    PatientScoped,
    /// Returns only what the caller may see (filtered in SQL, checked below).
    FilteredList,
    /// Staff-only (coordinator, admin).
    StaffOnly,
    /// Sign-in and session: no patient data.
    NoPatientData,
}

/// Every server function, by path. Add a line here when you add one.
const SERVER_FUNCTIONS: &[(&str, Kind)] = &[
    ("/api/night_card", Kind::PatientScoped),
    ("/api/break_glass", Kind::PatientScoped),
    ("/api/patients", Kind::FilteredList),
    ("/api/break_glass_notices", Kind::FilteredList),
    ("/api/audit_search", Kind::StaffOnly),
    ("/api/login", Kind::NoPatientData),
    ("/api/logout", Kind::NoPatientData),
    ("/api/me", Kind::NoPatientData),
    ("/api/totp_enrollment", Kind::NoPatientData),
    ("/api/totp_confirm", Kind::NoPatientData),
    ("/api/totp_verify", Kind::NoPatientData),
];

#[test]
fn every_server_function_is_in_the_matrix() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let listed: BTreeSet<String> = SERVER_FUNCTIONS
        .iter()
        .map(|(p, _)| p.to_string())
        .collect();
    assert_eq!(
        registered, listed,
        "server functions and the access matrix differ: add the new function to SERVER_FUNCTIONS \
         and give it cases below"
    );
}

/// Who asks, relative to the patient.
#[derive(Debug, Clone, Copy)]
enum Who {
    NurseOfStation,
    NurseOfOtherStation,
    Attending,
    TeamDoctorWithConsent,
    TeamDoctorWithoutConsent,
    DoctorOfOtherTeam,
    Coordinator,
    Admin,
}

struct Scenario {
    login: String,
    patient: Uuid,
}

/// Finds a demo user and patient for each relation, from the data itself.
async fn scenario(pool: &PgPool, who: Who) -> Scenario {
    let consented = DEMO_PATIENT_1;
    let without_consent = demo_patient_id(10);
    let q = |sql: &'static str, patient: Uuid| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(sql)
                .bind(patient)
                .fetch_one(&pool)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        }
    };
    let (sql, patient) = match who {
        Who::NurseOfStation => (
            "select s.login_id from staff s join patients p on p.nurse_station_id = s.organization_id
              where p.id = $1 and s.role = 'nurse' order by s.login_id limit 1",
            consented,
        ),
        Who::NurseOfOtherStation => (
            "select s.login_id from staff s join patients p on p.id = $1
              where s.role = 'nurse' and s.organization_id <> p.nurse_station_id
              order by s.login_id limit 1",
            consented,
        ),
        Who::Attending => (
            "select s.login_id from staff s join patients p on p.attending_physician_id = s.id
              where p.id = $1",
            consented,
        ),
        Who::TeamDoctorWithConsent | Who::TeamDoctorWithoutConsent => (
            "select s.login_id from staff s
               join clinic_team_members t on t.organization_id = s.organization_id
               join patients p on p.clinic_team_id = t.team_id and p.id = $1
              where s.role = 'physician'
                and not exists (select 1 from care_team_members m
                                 where m.patient_id = p.id
                                   and (m.staff_id = s.id or m.organization_id = s.organization_id))
                and s.organization_id <> (select organization_id from staff where id = p.attending_physician_id)
              order by s.login_id limit 1",
            if matches!(who, Who::TeamDoctorWithConsent) { consented } else { without_consent },
        ),
        Who::DoctorOfOtherTeam => (
            "select s.login_id from staff s join patients p on p.id = $1
              where s.role = 'physician'
                and s.organization_id not in (select organization_id from clinic_team_members
                                               where team_id = p.clinic_team_id)
              order by s.login_id limit 1",
            consented,
        ),
        Who::Coordinator => ("select 'coordinator'::text where $1 is not null", consented),
        Who::Admin => ("select 'admin'::text where $1 is not null", consented),
    };
    Scenario {
        login: q(sql, patient).await,
        patient,
    }
}

async fn audit_rows(pool: &PgPool, login: &str, patient: Uuid, action: &str) -> Vec<String> {
    sqlx::query_scalar::<_, String>(
        "select a.outcome from audit_log a join staff s on s.id = a.staff_id
          where s.login_id = $1 and a.patient_id = $2 and a.action = $3 order by a.id",
    )
    .bind(login)
    .bind(patient)
    .bind(action)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn signed_in(pool: &PgPool, login: &str) -> TestApp {
    spawn_app(pool.clone()).await.signed_in_as(login).await
}

#[sqlx::test(migrations = "../migrations")]
async fn reading_a_card_follows_the_care_team_and_consent(pool: PgPool) {
    // (who, expected HTTP status of /api/night_card)
    let cases = [
        (Who::NurseOfStation, 200),
        (Who::NurseOfOtherStation, 403),
        (Who::Attending, 200),
        (Who::TeamDoctorWithConsent, 200),
        (Who::TeamDoctorWithoutConsent, 403),
        (Who::DoctorOfOtherTeam, 403),
        (Who::Coordinator, 403),
        (Who::Admin, 403),
    ];
    server::demo::seed_demo(&pool).await.unwrap();
    for (who, expected) in cases {
        let s = scenario(&pool, who).await;
        let app = signed_in(&pool, &s.login).await;
        let response = app
            .post_form("/api/night_card", &[("patient_id", &s.patient.to_string())])
            .await;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        assert_eq!(
            status, expected,
            "{who:?} ({}) reading {}: {body}",
            s.login, s.patient
        );
        if expected == 403 {
            assert_eq!(body, "\"Forbidden\"", "{who:?}: a clear 403");
        }
        let outcome = if expected == 200 { "allowed" } else { "denied" };
        assert_eq!(
            audit_rows(&pool, &s.login, s.patient, "read_card").await,
            vec![outcome.to_owned()],
            "{who:?}: one audit row per card view"
        );

        // The page itself says the same.
        let (page_status, html) = app
            .get(&format!("/patients/{}/night-card", s.patient))
            .await;
        assert_eq!(page_status, expected, "{who:?} page");
        if expected == 403 {
            assert!(
                html.contains("閲覧の権限がありません"),
                "{who:?}: translated message"
            );
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn signed_out_requests_are_refused_everywhere(pool: PgPool) {
    let app = spawn_app(pool).await;
    for (path, kind) in SERVER_FUNCTIONS {
        let form: &[(&str, &str)] = match *path {
            "/api/night_card" => &[("patient_id", "00000000-0000-4000-8000-000100000001")],
            "/api/break_glass" => &[
                ("patient_id", "00000000-0000-4000-8000-000100000001"),
                ("reason", "夜間の往診依頼"),
            ],
            "/api/audit_search" => &[("patient", ""), ("staff", "")],
            "/api/login" => continue,
            "/api/logout" => &[("everywhere", "false")],
            _ => &[],
        };
        let response = app.post_form(path, form).await;
        let status = response.status().as_u16();
        match kind {
            Kind::NoPatientData => assert!(status < 500, "{path}: {status}"),
            _ => assert_eq!(status, 401, "{path} without a session"),
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_patient_list_holds_exactly_the_cards_each_user_may_open(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    let logins: Vec<String> =
        sqlx::query_scalar("select login_id from staff where login_id is not null order by 1")
            .fetch_all(&pool)
            .await
            .unwrap();
    let app = spawn_app(pool.clone()).await;
    for login in logins {
        let mut app = app.clone_base();
        app.sign_in(&login).await;
        let listed: serde_json::Value = app
            .post_form("/api/patients", &[])
            .await
            .json()
            .await
            .unwrap();
        let listed: BTreeSet<String> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect();
        let mut readable = BTreeSet::new();
        for n in 1..=40 {
            let id = demo_patient_id(n);
            let status = app
                .post_form("/api/night_card", &[("patient_id", &id.to_string())])
                .await
                .status()
                .as_u16();
            if status == 200 {
                readable.insert(id.to_string());
            }
        }
        assert_eq!(
            listed, readable,
            "{login}: the list and the access rules agree"
        );
        if login.starts_with("nurse") || login.starts_with("doctor") {
            assert!(!readable.is_empty(), "{login} has patients");
        } else {
            assert!(readable.is_empty(), "{login} reads no clinical data");
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn break_glass_opens_the_card_for_two_hours_and_is_reported(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    let outsider = scenario(&pool, Who::DoctorOfOtherTeam).await;
    let nurse = scenario(&pool, Who::NurseOfOtherStation).await;
    let attending = scenario(&pool, Who::Attending).await;
    let patient = outsider.patient.to_string();

    // A nurse cannot break the glass; a blank or control-character reason is refused.
    let nurse_app = signed_in(&pool, &nurse.login).await;
    let refused = nurse_app
        .post_form(
            "/api/break_glass",
            &[("patient_id", &patient), ("reason", "夜間の往診依頼")],
        )
        .await;
    assert_eq!(refused.status().as_u16(), 403);

    let app = signed_in(&pool, &outsider.login).await;
    for bad in ["", "  ", "ab"] {
        let r = app
            .post_form(
                "/api/break_glass",
                &[("patient_id", &patient), ("reason", bad)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 400, "reason {bad:?}");
    }
    let grants: i64 = sqlx::query_scalar("select count(*) from break_glass_grants")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(grants, 0, "nothing written for refused requests");

    let before = app
        .post_form("/api/night_card", &[("patient_id", &patient)])
        .await;
    assert_eq!(before.status().as_u16(), 403);
    let granted = app
        .post_form(
            "/api/break_glass",
            &[
                ("patient_id", &patient),
                ("reason", "訪問看護師から夜間の往診依頼。主治医に連絡つかず"),
            ],
        )
        .await;
    assert!(
        granted.status().is_success() || granted.status().is_redirection(),
        "{}",
        granted.status()
    );
    let card: serde_json::Value = app
        .post_form("/api/night_card", &[("patient_id", &patient)])
        .await
        .json()
        .await
        .unwrap();
    assert!(
        card["break_glass_until"].is_string(),
        "the card is marked: {card}"
    );
    let (_, html) = app.get(&format!("/patients/{patient}/night-card")).await;
    assert!(
        html.contains("緊急閲覧中"),
        "the page shows the break-glass banner"
    );

    // Reported to the attending physician and the coordinator.
    for login in [attending.login.as_str(), "coordinator"] {
        let viewer = signed_in(&pool, login).await;
        let notices: serde_json::Value = viewer
            .post_form("/api/break_glass_notices", &[])
            .await
            .json()
            .await
            .unwrap();
        let notices = notices.as_array().unwrap();
        assert_eq!(notices.len(), 1, "{login} sees the notice");
        assert_eq!(notices[0]["patient_id"], patient);
    }
    // Not to an unrelated nurse.
    let notices: serde_json::Value = nurse_app
        .post_form("/api/break_glass_notices", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(notices.as_array().unwrap().len(), 0);

    // It expires.
    sqlx::query("update break_glass_grants set expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    let after = app
        .post_form("/api/night_card", &[("patient_id", &patient)])
        .await;
    assert_eq!(after.status().as_u16(), 403, "break-glass is time-limited");
}

#[sqlx::test(migrations = "../migrations")]
async fn only_coordinators_and_admins_search_the_audit_log(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    let nurse = signed_in(&pool, "nurse1").await;
    nurse
        .post_form(
            "/api/night_card",
            &[("patient_id", &DEMO_PATIENT_1.to_string())],
        )
        .await;
    let refused = nurse
        .post_form("/api/audit_search", &[("patient", ""), ("staff", "")])
        .await;
    assert_eq!(refused.status().as_u16(), 403);

    let coordinator = signed_in(&pool, "coordinator").await;
    let rows: serde_json::Value = coordinator
        .post_form(
            "/api/audit_search",
            &[("patient", "山田"), ("staff", "nurse1")],
        )
        .await
        .json()
        .await
        .unwrap();
    let rows = rows.as_array().unwrap();
    assert!(
        rows.iter()
            .any(|r| r["action"] == "read_card" && r["outcome"] == "allowed"),
        "{rows:?}"
    );
    let (status, html) = coordinator.get("/audit?patient=山田&staff=nurse1").await;
    assert_eq!(status, 200);
    assert!(html.contains("read_card"));

    // Append-only, whoever asks.
    let update = sqlx::query("update audit_log set outcome = 'allowed'")
        .execute(&pool)
        .await;
    assert!(update.is_err(), "audit rows cannot be changed");
    let delete = sqlx::query("delete from audit_log").execute(&pool).await;
    assert!(delete.is_err(), "audit rows cannot be deleted");
}
