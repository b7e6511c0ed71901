//! A team's night model against real PostgreSQL: the presets give the path
//! each region uses (`domain::night_model`), the path follows the calling
//! order the coordinator set and the team's own backup hospital, and the
//! Kashiwa path ends at the patient's discharging hospital.

use crate::common::{add_hospital, team_id};
use app::domain::escalation::{resolve_path, CalleeRole};
use app::domain::holidays::{is_sunday_or_holiday, is_year_end_break};
use app::domain::night_model::NightModel;
use app::domain::patient::PatientId;
use app::domain::schedule::{from_tokyo, on_duty_at, to_tokyo, DutyParty};
use app::ssr::db::{escalation, teams};
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc, Weekday};
use server::demo::{self, DEMO_PATIENT_1};
use server::demo_duty::{NORTH_TEAM, SOUTH_TEAM};
use sqlx::PgPool;
use uuid::Uuid;

async fn coordinator(pool: &PgPool) -> Uuid {
    sqlx::query_scalar("select id from staff where role = 'coordinator' order by id limit 1")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn apply(pool: &PgPool, team: Uuid, model: NightModel, now: DateTime<Utc>) {
    let by = coordinator(pool).await;
    let mut tx = pool.begin().await.unwrap();
    teams::apply_night_model(&mut tx, team, model, now, by)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// A hospital of its own, besides the demo city's one.
async fn patient_of(pool: &PgPool, team: Uuid) -> Uuid {
    sqlx::query_scalar("select id from patients where clinic_team_id = $1 order by id limit 1")
        .bind(team)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The path of `patient` at `t`: who, and as what.
async fn path(pool: &PgPool, patient: Uuid, t: DateTime<Utc>) -> Vec<(Uuid, CalleeRole)> {
    let (policy, context) = escalation::load(pool, PatientId(patient), t)
        .await
        .unwrap()
        .expect("patient exists");
    resolve_path(&policy, &context, t)
        .into_iter()
        .map(|s| (s.callee.id, s.callee.role))
        .collect()
}

/// `h:m` Tokyo time on the next working day after `now` (Monday to
/// Friday, not a holiday nor the year-end break).
fn next_weekday_at(now: DateTime<Utc>, h: u32, m: u32) -> DateTime<Utc> {
    let mut day = to_tokyo(now).date() + Duration::days(1);
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
        || is_sunday_or_holiday(day)
        || is_year_end_break(day)
    {
        day += Duration::days(1);
    }
    from_tokyo(day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap()))
}

async fn backup_hospital(pool: &PgPool, team: Uuid) -> Uuid {
    sqlx::query_scalar("select backup_hospital_id from clinic_teams where id = $1")
        .bind(team)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn an_off_duty_doctor_is_never_on_an_izumo_path(pool: PgPool) {
    demo::seed_demo(&pool).await.unwrap();
    let north = team_id(&pool, NORTH_TEAM).await;
    let now = Utc::now();
    apply(&pool, north, NightModel::Izumo, now).await;
    let hospital = backup_hospital(&pool, north).await;
    // 山田 花子's attending (桜井) is on the north team: under the suggested
    // policy he is called first whatever the week; under Izumo only the
    // doctor on duty (or his stand-in) and then the hospital are.
    let mut duty_doctors = std::collections::HashSet::new();
    for hour in 0..(24 * 14) {
        let t = now + Duration::hours(hour) + Duration::minutes(7);
        let (_, context) = escalation::load(&pool, PatientId(DEMO_PATIENT_1), t)
            .await
            .unwrap()
            .unwrap();
        let on_duty = match on_duty_at(&context.schedule, &context.absences, t).party {
            DutyParty::Doctor(d) => Some(d),
            _ => None,
        };
        if let Some(d) = on_duty {
            duty_doctors.insert(d);
        }
        for (callee, role) in path(&pool, DEMO_PATIENT_1, t).await {
            assert!(
                callee == hospital || Some(callee) == on_duty,
                "at {t}: {callee} ({role:?}) is called but {on_duty:?} is on duty"
            );
        }
    }
    assert!(
        duty_doctors.len() >= 2,
        "two weeks see two duty doctors: {duty_doctors:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_2am_usuki_call_goes_to_the_hospital_first(pool: PgPool) {
    demo::seed_demo(&pool).await.unwrap();
    let south = team_id(&pool, SOUTH_TEAM).await;
    let patient = patient_of(&pool, south).await;
    let now = Utc::now();
    let two_am = next_weekday_at(now, 2, 0);
    let hospital = backup_hospital(&pool, south).await;
    // Seen before: the suggested policy tries clinic doctors first.
    let before = path(&pool, patient, two_am).await;
    assert_ne!(
        before[0].0, hospital,
        "the demo's suggested policy: {before:?}"
    );

    apply(&pool, south, NightModel::Usuki, now).await;
    let after = path(&pool, patient, two_am).await;
    assert_eq!(
        after[0],
        (hospital, CalleeRole::BackupHospital),
        "{after:?}"
    );
    assert_eq!(
        after.len(),
        1,
        "nobody after the hospital at 02:00: {after:?}"
    );
    // A weekday evening goes to the clinic of the day, then the hospital.
    let evening = path(&pool, patient, next_weekday_at(now, 19, 0)).await;
    assert_eq!(evening[0].1, CalleeRole::DutyDoctor, "{evening:?}");
    assert_eq!(evening.last().unwrap().0, hospital, "{evening:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_kashiwa_path_ends_at_the_patients_discharging_hospital(pool: PgPool) {
    demo::seed_demo(&pool).await.unwrap();
    let north = team_id(&pool, NORTH_TEAM).await;
    let now = Utc::now();
    apply(&pool, north, NightModel::Kashiwa, now).await;
    let discharging = add_hospital(&pool, "柏の葉総合病院").await;
    let t = next_weekday_at(now + Duration::days(7), 2, 0);

    // None recorded: the team's backup hospital takes her in for now.
    let without = path(&pool, DEMO_PATIENT_1, t).await;
    assert_eq!(
        without.last().unwrap(),
        &(
            backup_hospital(&pool, north).await,
            CalleeRole::BackupHospital
        ),
        "{without:?}"
    );

    let mut tx = pool.begin().await.unwrap();
    teams::set_discharging_hospital(&mut tx, DEMO_PATIENT_1, Some(discharging))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let with = path(&pool, DEMO_PATIENT_1, t).await;
    assert_eq!(with[0].1, CalleeRole::Attending, "{with:?}");
    assert_eq!(
        with.last().unwrap(),
        &(discharging, CalleeRole::DischargingHospital),
        "{with:?}"
    );

    // Only a hospital can be one.
    let clinic: Uuid =
        sqlx::query_scalar("select id from organizations where kind = 'clinic' limit 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let refused = teams::set_discharging_hospital(&mut tx, DEMO_PATIENT_1, Some(clinic)).await;
    assert!(refused.is_err(), "a clinic is not a discharging hospital");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_path_follows_the_calling_order_and_the_teams_own_hospital(pool: PgPool) {
    demo::seed_demo(&pool).await.unwrap();
    let north = team_id(&pool, NORTH_TEAM).await;
    let mut tx = pool.begin().await.unwrap();
    let before = teams::doctors_in_calling_order(&mut tx, north)
        .await
        .unwrap();
    assert!(before.len() >= 4, "{before:?}");
    let reversed: Vec<Uuid> = before.iter().rev().copied().collect();
    assert!(teams::set_calling_order(&mut tx, north, &reversed)
        .await
        .unwrap());
    // A doctor of another team cannot be placed: nothing changes.
    let outsider = Uuid::new_v4();
    assert!(!teams::set_calling_order(&mut tx, north, &[outsider])
        .await
        .unwrap());
    let after = teams::doctors_in_calling_order(&mut tx, north)
        .await
        .unwrap();
    assert_eq!(after, reversed);
    let own = add_hospital(&pool, "みどり野北部病院").await;
    teams::set_backup_hospital(&mut tx, north, Some(own))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // The escalation context lists the team in the coordinator's order…
    let now = Utc::now();
    let (_, context) = escalation::load(&pool, PatientId(DEMO_PATIENT_1), now)
        .await
        .unwrap()
        .unwrap();
    let listed: Vec<Uuid> = context.team.iter().map(|d| d.id).collect();
    assert_eq!(listed, reversed);
    assert_eq!(context.backup_hospital.map(|h| h.id), Some(own));

    // …and an Izumo rotation made now starts with her first doctor.
    apply(&pool, north, NightModel::Izumo, now).await;
    let night = next_weekday_at(now, 23, 0);
    let first = path(&pool, DEMO_PATIENT_1, night).await;
    let (_, context) = escalation::load(&pool, PatientId(DEMO_PATIENT_1), night)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(context.schedule.rotations[0].participants, reversed);
    assert_eq!(first.last().unwrap().0, own, "{first:?}");
}
