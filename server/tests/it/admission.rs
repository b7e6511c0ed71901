//! Admission over HTTP against real PostgreSQL: the coordinator admits a
//! patient with her care team, the family's consent and a daughter's
//! phone, in one transaction; the station's nurse then finds her by the
//! daughter's number and opens her night card, and a nurse of another
//! station does not. Only coordinators and administrators admit; bad
//! input and seats that do not fit are refused in words, and nothing is
//! written.

use crate::common::{spawn_app, TestApp};
use app::error::AppError;
use app::i18n::Lang;
use sqlx::PgPool;
use uuid::Uuid;

/// The seats of an admission, from the demo network.
struct Seats {
    team: String,
    attending: String,
    secondary: String,
    station: String,
    other_team_doctor: String,
    clinic: String,
}

async fn seats(pool: &PgPool) -> Seats {
    let (team, attending, clinic): (Uuid, Uuid, Uuid) = sqlx::query_as(
        "select m.team_id, s.id, s.organization_id from staff s
           join clinic_team_members m on m.organization_id = s.organization_id
          where s.login_id = 'doctor1' order by m.team_id limit 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let secondary: Uuid = sqlx::query_scalar(
        "select s.id from staff s where s.role = 'physician' and s.id <> $1
          order by s.id limit 1",
    )
    .bind(attending)
    .fetch_one(pool)
    .await
    .unwrap();
    let other_team_doctor: Uuid = sqlx::query_scalar(
        "select s.id from staff s where s.role = 'physician'
            and not exists (select 1 from clinic_team_members m
                             where m.organization_id = s.organization_id and m.team_id = $1)
          order by s.id limit 1",
    )
    .bind(team)
    .fetch_one(pool)
    .await
    .unwrap();
    let station: Uuid =
        sqlx::query_scalar("select organization_id from staff where login_id = 'nurse1'")
            .fetch_one(pool)
            .await
            .unwrap();
    Seats {
        team: team.to_string(),
        attending: attending.to_string(),
        secondary: secondary.to_string(),
        station: station.to_string(),
        other_team_doctor: other_team_doctor.to_string(),
        clinic: clinic.to_string(),
    }
}

const DAUGHTER_PHONE: &str = "090-3141-5926";

fn form(s: &Seats) -> Vec<(&'static str, String)> {
    [
        ("family_name", "𠮷田"),
        ("given_name", "ハナ"),
        ("family_name_kana", "ﾖｼﾀﾞ"),
        ("given_name_kana", "はな"),
        ("birth_date", "1938-05-03"),
        ("sex", "female"),
        ("postal_code", "4000031"),
        ("prefecture", "山梨県"),
        ("city", "甲府市"),
        ("street", "丸の内1-1-1"),
        ("building", ""),
        ("room", ""),
        ("landmark", "赤い郵便ポストの角を右"),
        (
            "coordinates",
            "https://www.google.com/maps/@35.6623,138.5683,17z",
        ),
        ("admitted_on", "2026-11-30"),
        ("clinic_team_id", &s.team),
        ("attending_id", &s.attending),
        ("secondary_id", &s.secondary),
        ("nurse_station_id", &s.station),
        ("care_manager_id", ""),
        ("discharging_hospital_id", ""),
        ("consent_by", "𠮷田 一郎"),
        ("consent_relation", "長男"),
        ("consent_on", "2026-11-30"),
        ("consent_scope", "read_and_house_call"),
        ("consent_paper", "on"),
        ("contact_name", "𠮷田 美香"),
        ("contact_relation", "長女"),
        ("contact_phone", DAUGHTER_PHONE),
        ("contact_key_person", "on"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

fn with<'a>(
    form: &'a [(&'static str, String)],
    field: &str,
    value: &'a str,
) -> Vec<(&'static str, &'a str)> {
    form.iter()
        .map(|(k, v)| (*k, if *k == field { value } else { v.as_str() }))
        .collect()
}

fn as_refs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn admit(app: &TestApp, form: &[(&str, &str)]) -> (u16, String) {
    let r = app.post_form("/api/admit_patient", form).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The row counts an admission writes into.
async fn counts(pool: &PgPool) -> Vec<i64> {
    let mut out = Vec::new();
    for t in [
        "patients",
        "care_team_members",
        "group_care_consents",
        "family_contacts",
        "care_managers",
    ] {
        out.push(count(pool, t).await);
    }
    out
}

async fn search_ids(app: &TestApp, q: &str) -> Vec<String> {
    let found: serde_json::Value = app
        .post_form("/api/search_patients", &[("q", q)])
        .await
        .json()
        .await
        .unwrap();
    found["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("{q}: {found}"))
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_coordinator_admits_a_patient_whom_her_station_nurse_finds_by_the_daughters_number(
    pool: PgPool,
) {
    let coordinator = spawn_app(pool.clone())
        .await
        .signed_in_as("coordinator")
        .await;
    let s = seats(&pool).await;
    let f = form(&s);
    let (status, body) = admit(&coordinator, &as_refs(&f)).await;
    assert_eq!(status, 200, "{body}");
    let admitted: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id: Uuid = admitted["patient_id"].as_str().unwrap().parse().unwrap();

    // Stored as typed, the kana widened, the postal code and map link read.
    let (family, kana, given_kana, postal, lat, lng, admitted_on): (
        String,
        String,
        String,
        String,
        Option<f64>,
        Option<f64>,
        Option<chrono::NaiveDate>,
    ) = sqlx::query_as(
        "select family_name, family_name_kana, given_name_kana, postal_code,
                latitude, longitude, admitted_on from patients where id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(family, "𠮷田");
    assert_eq!(kana, "ヨシダ");
    assert_eq!(given_kana, "ハナ");
    assert_eq!(postal, "400-0031");
    assert_eq!((lat, lng), (Some(35.6623), Some(138.5683)));
    assert_eq!(admitted_on.unwrap().to_string(), "2026-11-30");
    let seats: Vec<(String, String)> = sqlx::query_as(
        "select role, coalesce(staff_id, organization_id)::text from care_team_members
          where patient_id = $1 and valid_from = date '2026-11-30' and valid_to is null
          order by role",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        seats,
        vec![
            ("attending".to_owned(), s.attending.clone()),
            ("nurse_station".to_owned(), s.station.clone()),
            ("secondary".to_owned(), s.secondary.clone()),
        ]
    );
    let (by, paper, scope): (String, bool, String) = sqlx::query_as(
        "select consented_by_name, paper_on_file, scope from group_care_consents
          where patient_id = $1 and clinic_team_id = $2::uuid and revoked_on is null",
    )
    .bind(id)
    .bind(&s.team)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (by.as_str(), paper, scope.as_str()),
        ("𠮷田 一郎", true, "read_and_house_call")
    );
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'patient_admit' and outcome = 'done'
            and patient_id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // The station's nurse: the daughter calls; her number finds the patient.
    let nurse = coordinator.clone_base().signed_in_as("nurse1").await;
    assert_eq!(
        search_ids(&nurse, "09031415926").await,
        vec![id.to_string()]
    );
    assert_eq!(
        search_ids(&nurse, DAUGHTER_PHONE).await,
        vec![id.to_string()]
    );
    let (status, html) = nurse.get(&format!("/patients/{id}/night-card")).await;
    assert_eq!(status, 200);
    for expected in [
        "𠮷田",
        "ハナ",
        "赤い郵便ポストの角を右",
        DAUGHTER_PHONE,
        "35.6623",
    ] {
        assert!(html.contains(expected), "the card shows {expected}");
    }

    // A nurse of another station does not find her.
    let other: String = sqlx::query_scalar(
        "select s.login_id from staff s
          where s.role = 'nurse' and s.login_id is not null
            and s.organization_id <> $1::uuid order by s.login_id limit 1",
    )
    .bind(&s.station)
    .fetch_one(&pool)
    .await
    .unwrap();
    let stranger = coordinator.clone_base().signed_in_as(&other).await;
    assert!(
        search_ids(&stranger, "09031415926").await.is_empty(),
        "{other}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn only_coordinators_and_administrators_admit_and_a_refusal_writes_nothing(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let s = seats(&pool).await;
    let f = form(&s);
    let before = counts(&pool).await;
    for login in ["nurse1", "doctor1"] {
        let user = app.clone_base().signed_in_as(login).await;
        let (status, body) = admit(&user, &as_refs(&f)).await;
        assert_eq!(status, 403, "{login}: {body}");
        let r = user.post_form("/api/admission_choices", &[]).await;
        assert_eq!(r.status().as_u16(), 403, "{login} reads the choices");
    }
    assert_eq!(counts(&pool).await, before);
    let denied: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'patient_admit' and outcome = 'denied'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(denied >= 2, "{denied}");
    let (status, _) = admit(&app, &as_refs(&f)).await;
    assert_eq!(status, 401, "signed out");

    let admin = app.clone_base().signed_in_as("admin").await;
    let (status, body) = admit(&admin, &as_refs(&f)).await;
    assert_eq!(status, 200, "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_and_seats_that_do_not_fit_are_refused_in_words_and_write_nothing(pool: PgPool) {
    let coordinator = spawn_app(pool.clone())
        .await
        .signed_in_as("coordinator")
        .await;
    let s = seats(&pool).await;
    let f = form(&s);
    let long = "あ".repeat(10_000);
    let cases: Vec<(&str, &str, &str)> = vec![
        (
            "birth_date",
            "2026-02-30",
            "admit_birth_date:impossible_date",
        ),
        ("family_name", "吉田😀", "admit_family_name:emoji"),
        ("given_name", &long, "admit_given_name:too_long:50"),
        (
            "contact_phone",
            "090-abcd-1234",
            "admit_contact_phone:letters",
        ),
        ("postal_code", "40-31", "admit_postal_code:bad_postal_code"),
        (
            "attending_id",
            &s.other_team_doctor,
            "admit_attending_id:not_in_team",
        ),
        (
            "secondary_id",
            &s.attending,
            "admit_secondary_id:same_as_attending",
        ),
        (
            "nurse_station_id",
            &s.clinic,
            "admit_nurse_station_id:not_a_choice",
        ),
        (
            "clinic_team_id",
            "00000000-0000-4000-8000-0000deadbeef",
            "admit_clinic_team_id:not_a_choice",
        ),
        (
            "discharging_hospital_id",
            &s.station,
            "admit_discharging_hospital_id:not_a_choice",
        ),
        (
            "consent_scope",
            "everything",
            "admit_consent_scope:not_a_choice",
        ),
    ];
    let before = counts(&pool).await;
    for (field, value, code) in cases {
        let (status, body) = admit(&coordinator, &with(&f, field, value)).await;
        assert_eq!(status, 400, "{field}: {body}");
        let error: AppError = serde_json::from_str(&body).unwrap();
        assert_eq!(error, AppError::Invalid(code.into()), "{field}");
        for lang in [Lang::Ja, Lang::En] {
            let words = error.user_message(lang);
            assert!(!words.contains(code), "{words}");
        }
    }
    assert_eq!(counts(&pool).await, before, "nothing written");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_revoked_consent_closes_the_card_to_covering_doctors_from_that_day(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let coordinator = app.clone_base().signed_in_as("coordinator").await;
    let s = seats(&pool).await;
    let f = form(&s);
    let (status, body) = admit(&coordinator, &with(&f, "secondary_id", "")).await;
    assert_eq!(status, 200, "{body}");
    let admitted: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = admitted["patient_id"].as_str().unwrap().to_owned();
    // A doctor of the team's clinics who holds no seat: he covers through
    // the consent.
    let covering: String = sqlx::query_scalar(
        "select s.login_id from staff s
           join clinic_team_members m on m.organization_id = s.organization_id
          where m.team_id = $1::uuid and s.role = 'physician' and s.id <> $2::uuid
            and s.login_id is not null
          order by s.login_id limit 1",
    )
    .bind(&s.team)
    .bind(&s.attending)
    .fetch_one(&pool)
    .await
    .unwrap();
    let doctor = app.clone_base().signed_in_as(&covering).await;
    let card = format!("/patients/{id}/night-card");
    assert_eq!(doctor.get(&card).await.0, 200, "{covering} covers");

    // The care page lists the seats and the consent, and is audited.
    let r = coordinator
        .post_form("/api/patient_care", &[("patient_id", &id)])
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let care: serde_json::Value = r.json().await.unwrap();
    let roles: Vec<&str> = care["seats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, vec!["attending", "nurse_station"]);
    let consent = care["consents"][0]["id"].as_str().unwrap().to_owned();
    assert!(care["consents"][0]["revoked_on"].is_null());

    // A nurse may not record it; a day before the consent or in the future
    // is refused in words; nothing changes.
    let nurse = app.clone_base().signed_in_as("nurse1").await;
    let revoke = |on: &'static str| {
        vec![
            ("patient_id", id.clone()),
            ("consent_id", consent.clone()),
            ("revoked_on", on.to_owned()),
        ]
    };
    assert_eq!(post(&nurse, &revoke("2026-12-01")).await.0, 403);
    for (on, code) in [
        ("2026-11-29", "admit_revoked_on:before_consent"),
        ("2099-01-01", "admit_revoked_on:future_date"),
        ("2026-02-30", "admit_revoked_on:impossible_date"),
    ] {
        let (status, body) = post(&coordinator, &revoke(on)).await;
        assert_eq!(status, 400, "{on}: {body}");
        let error: AppError = serde_json::from_str(&body).unwrap();
        assert_eq!(error, AppError::Invalid(code.into()));
        assert!(!error.user_message(Lang::Ja).contains("admit_"));
    }
    assert_eq!(doctor.get(&card).await.0, 200, "still covered");

    // Revoked today: from today the covering doctor is refused; the
    // attending's station nurse still reads the card.
    let today: String =
        sqlx::query_scalar("select ((now() at time zone 'Asia/Tokyo')::date)::text")
            .fetch_one(&pool)
            .await
            .unwrap();
    let (status, body) = post(
        &coordinator,
        &[
            ("patient_id", id.clone()),
            ("consent_id", consent.clone()),
            ("revoked_on", today.clone()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        doctor.get(&card).await.0,
        403,
        "{covering} no longer covers"
    );
    assert_eq!(nurse.get(&card).await.0, 200, "the station still reads it");
    let (by, on): (Option<Uuid>, Option<chrono::NaiveDate>) = sqlx::query_as(
        "select revoked_by, revoked_on from group_care_consents where id = $1::uuid",
    )
    .bind(&consent)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(by.is_some());
    assert_eq!(on.unwrap().to_string(), today);
    // A second revocation finds nothing open.
    assert_eq!(post(&coordinator, &revoke("2026-12-01")).await.0, 404);
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where patient_id = $1::uuid
            and action = 'consent_revoke' and outcome = 'done'",
    )
    .bind(&id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

async fn post(app: &TestApp, form: &[(&'static str, String)]) -> (u16, String) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_form("/api/consent_revoke", &pairs).await;
    (r.status().as_u16(), r.text().await.unwrap())
}
