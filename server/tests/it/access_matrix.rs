//! Who may see what, over HTTP against real PostgreSQL: every server
//! function × role × inside/outside the care team × with/without group-care
//! consent. The test fails when a server function exists that the matrix
//! does not list, so a new one cannot slip in unchecked.

use crate::common::{spawn_app, TestApp};
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
    ("/api/call_open", Kind::PatientScoped),
    ("/api/call_get", Kind::PatientScoped),
    ("/api/call_path_now", Kind::PatientScoped),
    ("/api/call_attempt", Kind::PatientScoped),
    ("/api/call_close", Kind::PatientScoped),
    ("/api/handoffs", Kind::FilteredList),
    // How calls are going, without patient data; escalation.rs checks
    // who sees which call.
    ("/api/call_board", Kind::NoPatientData),
    ("/api/handoff_ack", Kind::FilteredList),
    ("/api/totp_enrollment", Kind::NoPatientData),
    ("/api/totp_confirm", Kind::NoPatientData),
    ("/api/totp_verify", Kind::NoPatientData),
    ("/api/passkeys", Kind::NoPatientData),
    ("/api/passkey_register_start", Kind::NoPatientData),
    ("/api/passkey_register_finish", Kind::NoPatientData),
    ("/api/passkey_remove", Kind::NoPatientData),
    ("/api/passkey_verify_start", Kind::NoPatientData),
    ("/api/passkey_verify_finish", Kind::NoPatientData),
    ("/api/passkey_sign_in_start", Kind::NoPatientData),
    ("/api/passkey_sign_in_finish", Kind::NoPatientData),
    ("/api/search_patients", Kind::FilteredList),
    ("/api/card_save_wishes", Kind::PatientScoped),
    ("/api/card_save_sudden_change", Kind::PatientScoped),
    ("/api/card_save_way_in", Kind::PatientScoped),
    ("/api/card_save_care_manager", Kind::PatientScoped),
    ("/api/card_save_identity", Kind::PatientScoped),
    ("/api/card_add_note", Kind::PatientScoped),
    // A new nursing order (renewal), by the physician: order_renewal.rs.
    ("/api/card_renew_order", Kind::PatientScoped),
    // The family contacts (their phones feed the caller search): contacts.rs.
    ("/api/card_contacts", Kind::PatientScoped),
    ("/api/card_save_contact", Kind::PatientScoped),
    ("/api/card_remove_contact", Kind::PatientScoped),
    // Duty and absences hold staff data, no patient data; every role
    // reads them, and server/tests/duty.rs checks who may write.
    ("/api/duty_teams", Kind::NoPatientData),
    ("/api/team_roster", Kind::NoPatientData),
    ("/api/duty_calendar", Kind::NoPatientData),
    ("/api/list_absences", Kind::NoPatientData),
    ("/api/register_absence", Kind::NoPatientData),
    ("/api/cancel_absence", Kind::NoPatientData),
    // --- issue 8: calls ---
    // Who may cancel or restart a call is checked in escalation.rs.
    ("/api/call_cancel", Kind::PatientScoped),
    ("/api/call_restart", Kind::PatientScoped),
    // --- issue 9: sign-in door ---
    // The signed-in user's own password; server/tests/password_change.rs.
    ("/api/change_password", Kind::NoPatientData),
    // --- issue 8: card ---
    // A refused form's draft, for the session that typed it.
    ("/api/card_drafts", Kind::PatientScoped),
    // A refused plain form's error for the page it returns to (a code only).
    ("/api/form_flash", Kind::NoPatientData),
    // --- issue 9: factors and sessions ---
    // The signed-in user's own factors, proofs and sessions; who may use
    // them (a password-only session, without a fresh proof) is checked in
    // server/tests/it/factors.rs.
    ("/api/security_state", Kind::NoPatientData),
    ("/api/reauthenticate", Kind::NoPatientData),
    ("/api/enrolment_code", Kind::NoPatientData),
    ("/api/totp_reset", Kind::NoPatientData),
    ("/api/recovery_codes_renew", Kind::NoPatientData),
    ("/api/sessions", Kind::NoPatientData),
    ("/api/session_end", Kind::NoPatientData),
    ("/api/sessions_end_others", Kind::NoPatientData),
    // --- issue 11: team administration ---
    // Coordinators and administrators only; server/tests/it/team_admin.rs
    // checks that nurses and doctors are refused and nothing is written.
    ("/api/admin_teams", Kind::StaffOnly),
    ("/api/admin_team", Kind::StaffOnly),
    ("/api/team_night_model", Kind::StaffOnly),
    ("/api/team_calling_order", Kind::StaffOnly),
    ("/api/team_backup_hospital", Kind::StaffOnly),
    ("/api/team_add_cover", Kind::StaffOnly),
    ("/api/team_remove_cover", Kind::StaffOnly),
    // --- staff administration ---
    // Administrators only; server/tests/it/staff_admin.rs checks that
    // coordinators and clinicians are refused and nothing is written.
    ("/api/staff_list", Kind::StaffOnly),
    ("/api/staff_account", Kind::StaffOnly),
    ("/api/staff_create", Kind::StaffOnly),
    ("/api/staff_update", Kind::StaffOnly),
    ("/api/staff_set_disabled", Kind::StaffOnly),
    ("/api/staff_new_code", Kind::StaffOnly),
    // --- admission ---
    // Coordinators and administrators only; server/tests/it/admission.rs
    // checks that nurses and doctors are refused and nothing is written.
    ("/api/admission_choices", Kind::StaffOnly),
    ("/api/admit_patient", Kind::StaffOnly),
    // The care page and a revocation: admission.rs.
    ("/api/patient_care", Kind::StaffOnly),
    ("/api/consent_revoke", Kind::StaffOnly),
    // Signing in with an enrolment code: no session yet.
    ("/api/first_sign_in", Kind::NoPatientData),
];

/// The server functions that edit a card (`Action::EditCard`).
const CARD_EDITS: [&str; 8] = [
    "/api/card_save_wishes",
    "/api/card_save_sudden_change",
    "/api/card_renew_order",
    "/api/card_save_way_in",
    "/api/card_save_care_manager",
    "/api/card_save_identity",
    "/api/card_add_note",
    "/api/card_save_contact",
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
            "/api/call_open" => &[
                ("patient_id", "00000000-0000-4000-8000-000100000001"),
                ("reason", "fever"),
                ("temperature", ""),
                ("pulse", ""),
                ("systolic", ""),
                ("diastolic", ""),
                ("spo2", ""),
                ("respiratory_rate", ""),
                ("note", ""),
            ],
            "/api/call_get" => &[("call_id", "00000000-0000-4000-8000-0000deadbeef")],
            "/api/call_path_now" => &[("patient_id", "00000000-0000-4000-8000-000100000001")],
            "/api/call_attempt" => &[
                ("call_id", "00000000-0000-4000-8000-0000deadbeef"),
                ("step", "0"),
                ("outcome", "no_answer"),
                ("eta_minutes", ""),
                ("note", ""),
            ],
            "/api/call_close" => &[
                ("call_id", "00000000-0000-4000-8000-0000deadbeef"),
                ("outcome", "managed_at_home"),
                ("died_at", ""),
                ("admitted_to", ""),
                ("summary", "x"),
            ],
            "/api/handoff_ack" => &[("handoff_id", "00000000-0000-4000-8000-0000deadbeef")],
            "/api/search_patients" => &[("q", "山田")],
            "/api/card_save_wishes" => &[
                ("patient_id", "00000000-0000-4000-8000-000100000001"),
                ("version", "1"),
                ("resuscitation", "dnar"),
                ("place_of_care", "home"),
                ("place_of_death", "home"),
                ("transport", "not_wanted"),
                ("decided_by", "本人"),
                ("decided_on", "2026-01-15"),
                ("document_note", ""),
                ("notes", ""),
            ],
            "/api/card_save_sudden_change" => &[
                ("patient_id", "00000000-0000-4000-8000-000100000001"),
                ("order_id", "00000000-0000-4000-8000-000600000101"),
                ("version", "1"),
                ("on_sudden_change", "主治医へ連絡"),
            ],
            "/api/card_save_way_in" => &[
                ("patient_id", "00000000-0000-4000-8000-000100000001"),
                ("version", "1"),
                ("landmark", "郵便局の向かい"),
                ("entrance", ""),
                ("key_box", ""),
                ("parking", ""),
                ("pets", ""),
            ],
            "/api/card_save_care_manager" => &[
                ("patient_id", "00000000-0000-4000-8000-000100000001"),
                ("version", "1"),
                ("name", "小池 由美"),
                ("office", ""),
                ("phone", "055-262-4410"),
            ],
            "/api/card_save_identity" => &[
                ("patient_id", "00000000-0000-4000-8000-000100000001"),
                ("version", "1"),
                ("family_name", "山田"),
                ("given_name", "花子"),
                ("family_name_kana", "ヤマダ"),
                ("given_name_kana", "ハナコ"),
                ("birth_date", "1937-04-12"),
                ("sex", "female"),
            ],
            "/api/card_contacts" => &[("patient_id", "00000000-0000-4000-8000-000100000001")],
            "/api/card_save_contact" => &[
                ("patient_id", "00000000-0000-4000-8000-000100000001"),
                ("contact_name", "高野 恵子"),
                ("relation", "長女"),
                ("phone", "090-1111-2222"),
            ],
            "/api/card_remove_contact" => &[
                ("patient_id", "00000000-0000-4000-8000-000100000001"),
                ("contact_id", "00000000-0000-4000-8000-0000deadbeef"),
                ("version", "1"),
            ],
            "/api/card_add_note" => &[
                ("patient_id", "00000000-0000-4000-8000-000100000001"),
                ("note", "夜間の電話対応"),
            ],
            "/api/card_renew_order" => &[
                ("patient_id", "00000000-0000-4000-8000-000100000001"),
                ("order_id", "00000000-0000-4000-8000-000600000101"),
                ("version", "1"),
                ("issued_on", "2026-12-01"),
                ("valid_from", "2026-12-01"),
                ("valid_to", "2027-05-31"),
                ("on_sudden_change", "主治医へ連絡"),
            ],
            // --- issue 8: calls ---
            "/api/call_cancel" => &[
                ("call_id", "00000000-0000-4000-8000-0000deadbeef"),
                ("reason", "called_119"),
            ],
            "/api/call_restart" => &[("call_id", "00000000-0000-4000-8000-0000deadbeef")],
            // --- issue 8: card ---
            "/api/card_drafts" => &[("patient_id", "00000000-0000-4000-8000-000100000001")],
            "/api/form_flash" => &[("path", "/")],
            // --- issue 11: team administration ---
            "/api/admin_team" => &[("team_id", "00000000-0000-4000-8000-0000deadbeef")],
            "/api/team_night_model" => &[
                ("team_id", "00000000-0000-4000-8000-0000deadbeef"),
                ("model", "izumo"),
            ],
            "/api/team_calling_order" => &[
                ("team_id", "00000000-0000-4000-8000-0000deadbeef"),
                ("staff_id", "00000000-0000-4000-8000-0000deadbeef"),
                ("direction", "up"),
            ],
            "/api/team_backup_hospital" => &[
                ("team_id", "00000000-0000-4000-8000-0000deadbeef"),
                ("hospital_id", "00000000-0000-4000-8000-0000deadbeef"),
            ],
            "/api/team_add_cover" => &[
                ("team_id", "00000000-0000-4000-8000-0000deadbeef"),
                ("staff_id", "00000000-0000-4000-8000-0000deadbeef"),
                ("date", "2026-12-24"),
                ("from", "18:00"),
                ("to", "08:30"),
            ],
            "/api/team_remove_cover" => &[
                ("team_id", "00000000-0000-4000-8000-0000deadbeef"),
                ("cover_id", "00000000-0000-4000-8000-0000deadbeef"),
            ],
            // --- staff administration ---
            "/api/staff_account" | "/api/staff_new_code" => {
                &[("staff_id", "00000000-0000-4000-8000-0000deadbeef")]
            }
            "/api/staff_set_disabled" => &[
                ("staff_id", "00000000-0000-4000-8000-0000deadbeef"),
                ("disabled", "true"),
            ],
            "/api/patient_care" => &[("patient_id", "00000000-0000-4000-8000-000100000001")],
            "/api/consent_revoke" => &[
                ("patient_id", "00000000-0000-4000-8000-000100000001"),
                ("consent_id", "00000000-0000-4000-8000-0000deadbeef"),
                ("revoked_on", "2026-12-01"),
            ],
            "/api/admit_patient" => &[
                ("family_name", "吉田"),
                ("given_name", "ハナ"),
                ("family_name_kana", "ヨシダ"),
                ("given_name_kana", "ハナ"),
                ("birth_date", "1938-05-03"),
                ("postal_code", "400-0031"),
                ("prefecture", "山梨県"),
                ("city", "甲府市"),
                ("street", "丸の内1-1-1"),
                ("admitted_on", "2026-12-01"),
                ("consent_by", "吉田 一郎"),
                ("consent_relation", "長男"),
                ("consent_on", "2026-11-30"),
            ],
            "/api/staff_create" | "/api/staff_update" => &[
                ("staff_id", "00000000-0000-4000-8000-0000deadbeef"),
                ("family_name", "吉田"),
                ("given_name", "美咲"),
                ("family_name_kana", "ヨシダ"),
                ("given_name_kana", "ミサキ"),
                ("role", "nurse"),
                ("organization_id", "00000000-0000-4000-8000-00020000000b"),
                ("login_id", "yoshida"),
                ("phone", "090-1234-5678"),
            ],
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
    assert!(html.contains("夜間カードの閲覧"), "the read, in words");
    assert!(!html.contains("read_card"), "never the code");

    // Append-only, whoever asks.
    let update = sqlx::query("update audit_log set outcome = 'allowed'")
        .execute(&pool)
        .await;
    assert!(update.is_err(), "audit rows cannot be changed");
    let delete = sqlx::query("delete from audit_log").execute(&pool).await;
    assert!(delete.is_err(), "audit rows cannot be deleted");
}

/// A valid form for card edit `path` on `patient`, filled in from the
/// versions now in the database, so only the access rule can refuse it.
async fn card_edit_form(pool: &PgPool, path: &str, patient: Uuid) -> Vec<(&'static str, String)> {
    let version = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i32>(sql)
                .bind(patient)
                .fetch_optional(&pool)
                .await
                .unwrap()
                .unwrap_or(0)
                .to_string()
        }
    };
    let id = patient.to_string();
    let decided_on = (chrono::Utc::now().date_naive() - chrono::Duration::days(30)).to_string();
    match path {
        "/api/card_save_wishes" => vec![
            ("patient_id", id),
            (
                "version",
                version("select version from acp_wishes where patient_id = $1").await,
            ),
            ("resuscitation", "dnar".into()),
            ("place_of_care", "home".into()),
            ("place_of_death", "home".into()),
            ("death_at_home_expected", "on".into()),
            ("transport", "not_wanted".into()),
            ("decided_by", "本人・長女・主治医".into()),
            ("decided_on", decided_on),
            ("document_note", String::new()),
            ("notes", String::new()),
        ],
        "/api/card_save_sudden_change" => {
            let (order, v): (Uuid, i32) = sqlx::query_as(
                "select id, version from nursing_orders where patient_id = $1
                  order by valid_from desc limit 1",
            )
            .bind(patient)
            .fetch_one(pool)
            .await
            .unwrap();
            vec![
                ("patient_id", id),
                ("order_id", order.to_string()),
                ("version", v.to_string()),
                ("on_sudden_change", "急変時は主治医へ連絡".into()),
            ]
        }
        "/api/card_save_way_in" => vec![
            ("patient_id", id),
            (
                "version",
                version("select version from home_access where patient_id = $1").await,
            ),
            ("landmark", "郵便局の向かい".into()),
            ("entrance", "裏口から".into()),
            ("key_box", String::new()),
            ("parking", String::new()),
            ("pets", String::new()),
        ],
        "/api/card_save_care_manager" => vec![
            ("patient_id", id),
            (
                "version",
                version("select version from care_managers where patient_id = $1").await,
            ),
            ("name", "小池 由美".into()),
            ("office", "居宅介護支援事業所みどりの風".into()),
            ("phone", "055-262-4410".into()),
        ],
        "/api/card_save_identity" => {
            let (family, given, family_kana, given_kana, born, sex, v): (
                String,
                String,
                String,
                String,
                chrono::NaiveDate,
                String,
                i32,
            ) = sqlx::query_as(
                "select family_name, given_name, family_name_kana, given_name_kana, birth_date,
                        sex, version from patients where id = $1",
            )
            .bind(patient)
            .fetch_one(pool)
            .await
            .unwrap();
            vec![
                ("patient_id", id),
                ("version", v.to_string()),
                ("family_name", family),
                ("given_name", given),
                ("family_name_kana", family_kana),
                ("given_name_kana", given_kana),
                ("birth_date", born.to_string()),
                ("sex", sex),
            ]
        }
        "/api/card_add_note" => vec![("patient_id", id), ("note", "夜間の電話対応を記録".into())],
        // A new family contact, last in the calling order.
        "/api/card_save_contact" => vec![
            ("patient_id", id),
            ("contact_name", "高野 恵子".into()),
            ("relation", "長女".into()),
            ("phone", "090-7000-0001".into()),
        ],
        "/api/card_renew_order" => {
            let (order, v, today): (Uuid, i32, chrono::NaiveDate) = sqlx::query_as(
                "select o.id, o.version, (now() at time zone 'Asia/Tokyo')::date from nursing_orders o
                  where o.id = nc_current_nursing_order($1, (now() at time zone 'Asia/Tokyo')::date)",
            )
            .bind(patient)
            .fetch_one(pool)
            .await
            .unwrap();
            vec![
                ("patient_id", id),
                ("order_id", order.to_string()),
                ("version", v.to_string()),
                ("issued_on", today.to_string()),
                ("valid_from", today.to_string()),
                (
                    "valid_to",
                    (today + chrono::Duration::days(150)).to_string(),
                ),
                ("on_sudden_change", "急変時は主治医へ連絡".into()),
            ]
        }
        other => panic!("not a card edit: {other}"),
    }
}

/// Everything an edit could have written.
async fn card_writes(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "select (select count(*) from card_history) + (select count(*) from timeline_entries)
              + (select count(*) from acp_wishes) + (select count(*) from home_access)
              + (select count(*) from care_managers) + (select count(*) from nursing_orders)
              + (select count(*) from family_contacts)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// The rule each card edit needs (issue 8): the physician's orders and the
/// identity have their own.
fn card_edit_action(path: &str) -> &'static str {
    match path {
        "/api/card_save_sudden_change" | "/api/card_renew_order" => "edit_orders",
        "/api/card_save_identity" => "edit_identity",
        _ => "edit_card",
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn editing_a_card_needs_a_care_team_seat_with_the_duty(pool: PgPool) {
    // (who, HTTP status of the team's edits, of the orders, of identity)
    let cases = [
        // The nurse station keeps the card current but does not write the
        // physician's orders nor correct who the patient is.
        (Who::NurseOfStation, 200, 403, 403),
        (Who::NurseOfOtherStation, 403, 403, 403),
        (Who::Attending, 200, 200, 200),
        // Consent lets the covering team read, not change, the card.
        (Who::TeamDoctorWithConsent, 403, 403, 403),
        (Who::TeamDoctorWithoutConsent, 403, 403, 403),
        (Who::DoctorOfOtherTeam, 403, 403, 403),
        // The coordinator keeps the network's records: identity only.
        (Who::Coordinator, 403, 403, 200),
        (Who::Admin, 403, 403, 403),
    ];
    server::demo::seed_demo(&pool).await.unwrap();
    for (who, team_edits, orders, identity) in cases {
        let s = scenario(&pool, who).await;
        let app = signed_in(&pool, &s.login).await;
        let expected_for = |path: &str| match card_edit_action(path) {
            "edit_orders" => orders,
            "edit_identity" => identity,
            _ => team_edits,
        };
        for path in CARD_EDITS {
            let expected = expected_for(path);
            let form = card_edit_form(&pool, path, s.patient).await;
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let before = card_writes(&pool).await;
            let response = app.post_form(path, &form).await;
            let status = response.status().as_u16();
            let body = response.text().await.unwrap();
            assert_eq!(
                status, expected,
                "{who:?} ({}) {path} on {}: {body}",
                s.login, s.patient
            );
            if expected == 403 {
                assert_eq!(body, "\"Forbidden\"", "{who:?} {path}");
                assert_eq!(
                    card_writes(&pool).await,
                    before,
                    "{who:?} {path}: nothing written"
                );
            } else {
                assert!(card_writes(&pool).await > before, "{who:?} {path}: written");
            }
        }
        for action in ["edit_card", "edit_orders", "edit_identity"] {
            let outcomes = audit_rows(&pool, &s.login, s.patient, action).await;
            let expected_outcomes: Vec<String> = CARD_EDITS
                .iter()
                .filter(|p| card_edit_action(p) == action)
                .flat_map(|p| {
                    if expected_for(p) == 200 {
                        vec!["allowed".to_owned(), "done".to_owned()]
                    } else {
                        vec!["denied".to_owned()]
                    }
                })
                .collect();
            assert_eq!(
                outcomes, expected_outcomes,
                "{who:?} {action}: every edit audited"
            );
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn search_finds_only_patients_on_the_list(pool: PgPool) {
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
        let listed: Vec<(String, String)> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["id"].as_str().unwrap().to_owned(),
                    p["name"].as_str().unwrap().replace(' ', ""),
                )
            })
            .collect();
        // (query, which listed patients it must find)
        let patient_1 = DEMO_PATIENT_1.to_string();
        type Matches = Box<dyn Fn(&(String, String)) -> bool>;
        let cases: [(&str, Matches); 3] = [
            (
                "花子",
                Box::new(|p: &(String, String)| p.1.contains("花子")),
            ),
            (
                "はなこ",
                Box::new(|p: &(String, String)| p.1.contains("花子")),
            ),
            (
                server::demo::DEMO_FAMILY_PHONE_OF_PATIENT_1,
                Box::new(move |p: &(String, String)| p.0 == patient_1),
            ),
        ];
        for (q, matches) in cases {
            let found: serde_json::Value = app
                .post_form("/api/search_patients", &[("q", q)])
                .await
                .json()
                .await
                .unwrap();
            let found: BTreeSet<String> = found["hits"]
                .as_array()
                .unwrap_or_else(|| panic!("{login} {q}: {found}"))
                .iter()
                .map(|h| h["id"].as_str().unwrap().to_owned())
                .collect();
            let expected: BTreeSet<String> = listed
                .iter()
                .filter(|p| matches(p))
                .map(|p| p.0.clone())
                .collect();
            assert_eq!(found, expected, "{login} searching {q:?}");
        }
        let searches: i64 = sqlx::query_scalar(
            "select count(*) from audit_log a join staff s on s.id = a.staff_id
              where s.login_id = $1 and a.action = 'search_patients'",
        )
        .bind(&login)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(searches, 3, "{login}: every search audited");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn opening_a_night_call_follows_the_care_team(pool: PgPool) {
    // Only the patient's own nurse station and physicians open calls;
    // covering doctors and the secretariat do not.
    let cases = [
        (Who::NurseOfStation, 200),
        (Who::NurseOfOtherStation, 403),
        (Who::Attending, 200),
        (Who::TeamDoctorWithConsent, 403),
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
            .post_form(
                "/api/call_open",
                &[
                    ("patient_id", &s.patient.to_string()),
                    ("reason", "fever"),
                    ("temperature", "38.5"),
                    ("pulse", ""),
                    ("systolic", ""),
                    ("diastolic", ""),
                    ("spo2", ""),
                    ("respiratory_rate", ""),
                    ("note", ""),
                ],
            )
            .await;
        let status = response.status().as_u16();
        assert_eq!(status, expected, "{who:?} ({}) opening a call", s.login);
        // The decision, then (when allowed) the opened call itself.
        let expected_rows: &[&str] = if expected == 200 {
            &["allowed", "done"]
        } else {
            &["denied"]
        };
        assert_eq!(
            audit_rows(&pool, &s.login, s.patient, "open_call").await,
            expected_rows,
            "{who:?}: the decision is audited"
        );
    }
}
