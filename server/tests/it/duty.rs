//! Duty over HTTP against real PostgreSQL: the calendar names the right
//! doctor at the week boundary, on a holiday and in the year-end break; an
//! absence that leaves a hole is refused with a warning until confirmed; a
//! substitute leaves none; bad input is a 400 that writes nothing; nurses
//! read but never write; the coordinator writes for anyone.

// The demo duty is seeded here until `seed_demo` calls it; including the
// module by path keeps these tests independent of that wiring (and runs
// its unit tests too).
#[path = "../../src/demo_duty.rs"]
#[allow(dead_code)]
mod demo_duty;

use crate::common::{spawn_app, team_id, TestApp};
use app::api::duty::{AbsenceOutcome, AbsenceRow, Calendar, DutyDirectory, OnDuty, Roster};
use app::domain::holidays;
use app::domain::schedule::{day_kind, from_tokyo, to_tokyo, DayKind};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// The app with the demo network and the demo duty.
async fn app_with_duty(pool: &PgPool) -> TestApp {
    let app = spawn_app(pool.clone()).await;
    let mut tx = pool.begin().await.expect("begin");
    demo_duty::seed_duty(&mut tx).await.expect("seed duty");
    tx.commit().await.expect("commit");
    app
}

async fn signed_in(pool: &PgPool, login: &str) -> TestApp {
    app_with_duty(pool).await.signed_in_as(login).await
}

async fn staff_id(pool: &PgPool, login: &str) -> Uuid {
    sqlx::query_scalar("select id from staff where login_id = $1")
        .bind(login)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("staff {login}: {e}"))
}

/// The start of the north team's weekly rotation, as seeded.
async fn rotation_start(pool: &PgPool) -> DateTime<Utc> {
    let start: String = sqlx::query_scalar(
        "select d.definition->'rotations'->0->>'start' from duty_schedules d
           join clinic_teams t on t.id = d.clinic_team_id where t.name = $1",
    )
    .bind(demo_duty::NORTH_TEAM)
    .fetch_one(pool)
    .await
    .expect("north schedule");
    start.parse().expect("rotation start")
}

/// Which of doctor1..doctor4 has the north team's week containing `t`.
fn north_doctor(anchor: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let weeks = (t - anchor).num_seconds().div_euclid(7 * 86_400);
    format!("doctor{}", weeks.rem_euclid(4) + 1)
}

/// Which of doctor5..doctor8 has the south team's weekday evening of `t`
/// (the daily rotation hands over at 08:30 from the anchor's morning).
fn south_doctor(anchor: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let first_morning = from_tokyo(to_tokyo(anchor).date().and_time(hm(8, 30)));
    let days = (t - first_morning).num_seconds().div_euclid(86_400);
    format!("doctor{}", days.rem_euclid(4) + 5)
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

fn at(date: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    from_tokyo(date.and_time(hm(h, m)))
}

fn local(t: DateTime<Utc>) -> String {
    to_tokyo(t).format("%Y-%m-%dT%H:%M").to_string()
}

fn today() -> NaiveDate {
    to_tokyo(Utc::now()).date()
}

async fn calendar(app: &TestApp, team: Uuid, from: NaiveDate, days: u32) -> Calendar {
    let response = app
        .post_form(
            "/api/duty_calendar",
            &[
                ("team_id", &team.to_string()),
                ("from", &from.to_string()),
                ("days", &days.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), 200, "calendar of {team} from {from}");
    response.json().await.expect("calendar json")
}

/// Who covers `t` according to the calendar.
fn covering(calendar: &Calendar, t: DateTime<Utc>) -> OnDuty {
    calendar
        .entries
        .iter()
        .find(|e| e.start <= t && t < e.end)
        .map(|e| e.on_duty.clone())
        .unwrap_or_else(|| panic!("no calendar entry at {t}"))
}

fn doctor_id(on_duty: &OnDuty) -> Option<Uuid> {
    match on_duty {
        OnDuty::Doctor { id, .. } => Some(*id),
        _ => None,
    }
}

async fn register(app: &TestApp, form: &[(&str, &str)]) -> (u16, String) {
    let response = app.post_form("/api/register_absence", form).await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

async fn absence_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from planned_absences")
        .fetch_one(pool)
        .await
        .expect("count")
}

async fn audit_outcomes(pool: &PgPool, login: &str, action: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select a.outcome from audit_log a join staff s on s.id = a.staff_id
          where s.login_id = $1 and a.action = $2 order by a.id",
    )
    .bind(login)
    .bind(action)
    .fetch_all(pool)
    .await
    .expect("audit")
}

/// Tuesday 17:00 to Wednesday 09:00 of doctor1's next duty week after
/// this one: his weekday night, four weeks on.
fn doctor1_night(anchor: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let monday = to_tokyo(anchor + Duration::weeks(56)).date();
    let tuesday = monday + Duration::days(1);
    (at(tuesday, 17, 0), at(tuesday + Duration::days(1), 9, 0))
}

#[sqlx::test(migrations = "../migrations")]
async fn the_calendar_names_the_doctor_at_a_week_boundary_a_holiday_and_the_year_end(pool: PgPool) {
    let app = signed_in(&pool, "nurse1").await;
    let anchor = rotation_start(&pool).await;
    let north = team_id(&pool, demo_duty::NORTH_TEAM).await;
    let south = team_id(&pool, demo_duty::SOUTH_TEAM).await;

    // The north team's week turns on Monday at 09:00: Sunday night is the
    // old week's, Monday evening the new one's.
    let next_handoff = anchor + Duration::weeks(53);
    let sunday_night = next_handoff - Duration::hours(10);
    let monday_evening = next_handoff + Duration::hours(10);
    // The next public holiday, and the next 12/30 (a weekday for the
    // calendar, but in the year-end break).
    let holiday = today()
        .iter_days()
        .skip(1)
        .find(|d| holidays::is_holiday(*d))
        .expect("a holiday within the supported years");
    let year_end = [today().year(), today().year() + 1]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, 12, 30))
        .find(|d| *d >= today())
        .expect("a 12/30 ahead");
    let weekday = today()
        .iter_days()
        .skip(1)
        .find(|d| day_kind(*d) == DayKind::Weekday)
        .expect("a weekday ahead");

    struct Case {
        name: &'static str,
        team: Uuid,
        t: DateTime<Utc>,
        expected: Option<String>,
    }
    let cases = [
        Case {
            name: "Sunday night before the hand-off",
            team: north,
            t: sunday_night,
            expected: Some(north_doctor(anchor, sunday_night)),
        },
        Case {
            name: "Monday evening after the hand-off",
            team: north,
            t: monday_evening,
            expected: Some(north_doctor(anchor, monday_evening)),
        },
        Case {
            name: "a public holiday at noon, north",
            team: north,
            t: at(holiday, 12, 0),
            expected: Some(north_doctor(anchor, at(holiday, 12, 0))),
        },
        Case {
            name: "a public holiday at noon, south: the backup hospital",
            team: south,
            t: at(holiday, 12, 0),
            expected: None,
        },
        Case {
            name: "12/30 evening, north",
            team: north,
            t: at(year_end, 19, 0),
            expected: Some(north_doctor(anchor, at(year_end, 19, 0))),
        },
        Case {
            name: "12/30 evening, south: the backup hospital",
            team: south,
            t: at(year_end, 19, 0),
            expected: None,
        },
        Case {
            name: "an ordinary weekday evening, south: the daily turn",
            team: south,
            t: at(weekday, 19, 0),
            expected: Some(south_doctor(anchor, at(weekday, 19, 0))),
        },
    ];
    assert_ne!(
        north_doctor(anchor, sunday_night),
        north_doctor(anchor, monday_evening),
        "the week boundary changes the doctor"
    );
    for case in cases {
        let date = to_tokyo(case.t).date();
        let cal = calendar(&app, case.team, date, 1).await;
        let got = covering(&cal, case.t);
        match case.expected {
            Some(login) => assert_eq!(
                doctor_id(&got),
                Some(staff_id(&pool, &login).await),
                "{}: expected {login}, got {got:?}",
                case.name
            ),
            None => assert!(
                matches!(got, OnDuty::BackupHospital { contact: Some(_) }),
                "{}: {got:?}",
                case.name
            ),
        }
    }

    let holiday_day = calendar(&app, north, holiday, 1).await;
    assert!(
        holiday_day.days[0].holiday.is_some(),
        "the holiday is named"
    );
    let year_end_day = calendar(&app, north, year_end, 1).await;
    assert!(
        year_end_day.days[0].year_end,
        "12/30 is in the year-end break"
    );

    let too_long = app
        .post_form(
            "/api/duty_calendar",
            &[("team_id", &north.to_string()), ("days", "32")],
        )
        .await;
    assert_eq!(too_long.status(), 400, "at most 31 days");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_demo_week_shows_the_conference_covered_and_the_leave_as_holes(pool: PgPool) {
    let app = signed_in(&pool, "nurse1").await;
    let north = team_id(&pool, demo_duty::NORTH_TEAM).await;
    let cal = calendar(&app, north, today(), 14).await;
    let leave: (DateTime<Utc>, DateTime<Utc>) =
        sqlx::query_as("select starts_at, ends_at from planned_absences where id = $1")
            .bind(demo_duty::LEAVE_ABSENCE)
            .fetch_one(&pool)
            .await
            .expect("leave");
    assert!(!cal.holes.is_empty(), "小林's leave leaves holes");
    for hole in &cal.holes {
        assert!(
            leave.0 <= hole.start && hole.end <= leave.1,
            "every hole lies in the leave: {hole:?}"
        );
    }

    let response = app
        .post_form("/api/list_absences", &[("team_id", &north.to_string())])
        .await;
    assert_eq!(response.status(), 200);
    let rows: Vec<AbsenceRow> = response.json().await.expect("absences");
    let conference = rows
        .iter()
        .find(|r| r.id == demo_duty::CONFERENCE_ABSENCE)
        .expect("桜井's conference is listed");
    assert_eq!(conference.doctor_name, "桜井 真理子");
    assert_eq!(conference.substitute_name.as_deref(), Some("北村 健一"));
    assert!(!conference.may_cancel, "a nurse cancels nothing");
    assert!(rows
        .iter()
        .any(|r| r.id == demo_duty::LEAVE_ABSENCE && r.substitute_name.is_none()));

    let roster: Roster = app
        .post_form("/api/team_roster", &[("team_id", &north.to_string())])
        .await
        .json()
        .await
        .expect("roster");
    assert_eq!(roster.calling_order.len(), 4, "doctor1..doctor4");
    assert_eq!(
        roster
            .calling_order
            .iter()
            .map(|d| d.order)
            .collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
    assert!(roster.backup_hospital.is_some() && roster.secretariat.is_some());

    // The page, rendered on the server, as a nurse station sees it.
    let (status, html) = app.get(&format!("/duty?team={north}")).await;
    assert_eq!(status, 200);
    for needle in [
        "data-testid=\"holes\"",
        "duty-entry hole",
        "tel:",
        "北村 健一",
    ] {
        assert!(html.contains(needle), "the duty page shows {needle}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn an_absence_that_leaves_a_hole_warns_and_is_saved_only_when_confirmed(pool: PgPool) {
    let app = signed_in(&pool, "doctor1").await;
    let anchor = rotation_start(&pool).await;
    let north = team_id(&pool, demo_duty::NORTH_TEAM).await;
    let (start, end) = doctor1_night(anchor);
    let (starts_at, ends_at) = (local(start), local(end));
    let form = [
        ("starts_at", starts_at.as_str()),
        ("ends_at", ends_at.as_str()),
        ("reason", "学会"),
    ];
    let before = absence_count(&pool).await;

    let (status, body) = register(&app, &form).await;
    assert_eq!(status, 200, "{body}");
    let AbsenceOutcome::HolesWarning { holes, total } =
        serde_json::from_str(&body).expect("outcome")
    else {
        panic!("expected a warning: {body}");
    };
    assert_eq!(total, holes.len());
    assert!(!holes.is_empty());
    assert!(holes.iter().all(|h| h.team_name == demo_duty::NORTH_TEAM));
    assert!(
        holes.iter().all(|h| start <= h.start && h.end <= end),
        "holes lie in the absence: {holes:?}"
    );
    assert_eq!(
        absence_count(&pool).await,
        before,
        "a warning saves nothing"
    );

    let mut confirmed = form.to_vec();
    confirmed.push(("confirm_hole", "true"));
    let (status, body) = register(&app, &confirmed).await;
    assert_eq!(status, 200, "{body}");
    let AbsenceOutcome::Saved { id, holes_accepted } =
        serde_json::from_str(&body).expect("outcome")
    else {
        panic!("expected saved: {body}");
    };
    assert_eq!(holes_accepted, total);
    assert_eq!(absence_count(&pool).await, before + 1);
    let (doctor, created_by): (Uuid, Uuid) =
        sqlx::query_as("select staff_id, created_by from planned_absences where id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .expect("saved row");
    let me = staff_id(&pool, "doctor1").await;
    assert_eq!((doctor, created_by), (me, me));
    assert_eq!(
        audit_outcomes(&pool, "doctor1", "register_absence").await,
        vec!["done"]
    );

    // The coordinator's calendar shows the hole now.
    let cal = calendar(&app, north, to_tokyo(start).date(), 2).await;
    assert!(matches!(
        covering(&cal, start + Duration::hours(2)),
        OnDuty::Hole
    ));

    // Cancelling closes it again.
    let response = app
        .post_form("/api/cancel_absence", &[("id", &id.to_string())])
        .await;
    assert_eq!(response.status(), 200);
    let cal = calendar(&app, north, to_tokyo(start).date(), 2).await;
    assert_eq!(
        doctor_id(&covering(&cal, start + Duration::hours(2))),
        Some(me)
    );
    assert_eq!(
        audit_outcomes(&pool, "doctor1", "cancel_absence").await,
        vec!["done"]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_absence_with_a_substitute_leaves_no_hole(pool: PgPool) {
    let app = signed_in(&pool, "doctor1").await;
    let anchor = rotation_start(&pool).await;
    let north = team_id(&pool, demo_duty::NORTH_TEAM).await;
    let (start, end) = doctor1_night(anchor);
    let substitute = staff_id(&pool, "doctor4").await;
    let (starts_at, ends_at, substitute_id) = (local(start), local(end), substitute.to_string());
    let (status, body) = register(
        &app,
        &[
            ("starts_at", &starts_at),
            ("ends_at", &ends_at),
            ("reason", "学会"),
            ("substitute_id", &substitute_id),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        matches!(
            serde_json::from_str(&body).expect("outcome"),
            AbsenceOutcome::Saved {
                holes_accepted: 0,
                ..
            }
        ),
        "saved at once: {body}"
    );
    let cal = calendar(&app, north, to_tokyo(start).date(), 2).await;
    let night = cal
        .entries
        .iter()
        .find(|e| e.start <= start + Duration::hours(2) && start + Duration::hours(2) < e.end)
        .expect("an entry");
    assert_eq!(doctor_id(&night.on_duty), Some(substitute));
    assert_eq!(
        night.away.as_ref().map(|a| a.name.as_str()),
        Some("北村 健一"),
        "the calendar says for whom"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn invalid_absences_are_refused_with_400_and_nothing_is_written(pool: PgPool) {
    let app = signed_in(&pool, "doctor1").await;
    let me = staff_id(&pool, "doctor1").await.to_string();
    let nurse = staff_id(&pool, "nurse1").await.to_string();
    let start = Utc::now() + Duration::days(10);
    let s = local(start);
    let e = local(start + Duration::days(1));
    let before_start = local(start - Duration::hours(1));
    let year_and_a_day = local(start + Duration::days(367));
    let long_reason = "あ".repeat(201);
    type Form<'a> = Vec<(&'a str, &'a str)>;
    let cases: Vec<(&str, Form, &str)> = vec![
        (
            "end before start",
            vec![
                ("starts_at", &s),
                ("ends_at", &before_start),
                ("reason", "学会"),
            ],
            "absence:end_not_after_start",
        ),
        (
            "more than a year",
            vec![
                ("starts_at", &s),
                ("ends_at", &year_and_a_day),
                ("reason", "留学"),
            ],
            "absence:longer_than_a_year",
        ),
        (
            "no reason",
            vec![("starts_at", &s), ("ends_at", &e), ("reason", "  ")],
            "absence:reason:empty",
        ),
        (
            "a reason over 200 characters",
            vec![("starts_at", &s), ("ends_at", &e), ("reason", &long_reason)],
            "absence:reason:too_long",
        ),
        (
            "a control character",
            vec![("starts_at", &s), ("ends_at", &e), ("reason", "学会\u{7}")],
            "absence:reason:control_characters",
        ),
        (
            "not a date",
            vec![("starts_at", "来週"), ("ends_at", &e), ("reason", "学会")],
            "absence:starts_at:bad",
        ),
        (
            "oneself as substitute",
            vec![
                ("starts_at", &s),
                ("ends_at", &e),
                ("reason", "学会"),
                ("substitute_id", &me),
            ],
            "absence:substitute_id:same_doctor",
        ),
        (
            "a nurse as substitute",
            vec![
                ("starts_at", &s),
                ("ends_at", &e),
                ("reason", "学会"),
                ("substitute_id", &nurse),
            ],
            "absence:substitute_id:not_a_physician",
        ),
        (
            "a malformed substitute",
            vec![
                ("starts_at", &s),
                ("ends_at", &e),
                ("reason", "学会"),
                ("substitute_id", "doctor4"),
            ],
            "absence:malformed",
        ),
    ];
    let before = absence_count(&pool).await;
    for (name, form, code) in cases {
        let (status, body) = register(&app, &form).await;
        assert_eq!(status, 400, "{name}: {body}");
        assert_eq!(
            serde_json::from_str::<app::error::AppError>(&body).expect("error json"),
            app::error::AppError::Invalid(code.to_owned()),
            "{name}"
        );
    }
    assert_eq!(absence_count(&pool).await, before, "nothing written");
    assert!(audit_outcomes(&pool, "doctor1", "register_absence")
        .await
        .is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn nurses_read_duty_but_cannot_register_or_cancel_absences(pool: PgPool) {
    let app = signed_in(&pool, "nurse1").await;
    let north = team_id(&pool, demo_duty::NORTH_TEAM).await;
    let doctor1 = staff_id(&pool, "doctor1").await.to_string();
    let start = Utc::now() + Duration::days(10);
    let (s, e) = (local(start), local(start + Duration::days(1)));
    let before = absence_count(&pool).await;

    for form in [
        vec![
            ("starts_at", s.as_str()),
            ("ends_at", e.as_str()),
            ("reason", "学会"),
        ],
        vec![
            ("staff_id", doctor1.as_str()),
            ("starts_at", s.as_str()),
            ("ends_at", e.as_str()),
            ("reason", "学会"),
            ("confirm_hole", "true"),
        ],
    ] {
        let (status, body) = register(&app, &form).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body, "\"Forbidden\"");
    }
    let response = app
        .post_form(
            "/api/cancel_absence",
            &[("id", &demo_duty::CONFERENCE_ABSENCE.to_string())],
        )
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(absence_count(&pool).await, before, "nothing written");
    let cancelled: Option<DateTime<Utc>> =
        sqlx::query_scalar("select cancelled_at from planned_absences where id = $1")
            .bind(demo_duty::CONFERENCE_ABSENCE)
            .fetch_one(&pool)
            .await
            .expect("conference");
    assert_eq!(cancelled, None);
    assert_eq!(
        audit_outcomes(&pool, "nurse1", "register_absence").await,
        vec!["denied", "denied"]
    );
    assert_eq!(
        audit_outcomes(&pool, "nurse1", "cancel_absence").await,
        vec!["denied"]
    );

    // What the nurse station needs, it reads.
    let team = north.to_string();
    for (path, form) in [
        ("/api/duty_teams", vec![]),
        ("/api/team_roster", vec![("team_id", team.as_str())]),
        ("/api/duty_calendar", vec![("team_id", team.as_str())]),
        ("/api/list_absences", vec![("team_id", team.as_str())]),
    ] {
        let response = app.post_form(path, &form).await;
        assert_eq!(response.status(), 200, "{path}");
    }
    let directory: DutyDirectory = app
        .post_form("/api/duty_teams", &[])
        .await
        .json()
        .await
        .expect("directory");
    assert!(!directory.viewer.manages_roster);

    // The page offers no form to a nurse.
    let (status, html) = app.get(&format!("/absences?team={north}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("桜井 真理子"), "the absences are listed");
    assert!(!html.contains("name=\"starts_at\""), "no form for a nurse");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_physician_manages_only_their_own_absences(pool: PgPool) {
    let app = signed_in(&pool, "doctor2").await;
    let doctor1 = staff_id(&pool, "doctor1").await.to_string();
    let start = Utc::now() + Duration::days(10);
    let (s, e) = (local(start), local(start + Duration::days(1)));
    let (status, _) = register(
        &app,
        &[
            ("staff_id", &doctor1),
            ("starts_at", &s),
            ("ends_at", &e),
            ("reason", "学会"),
        ],
    )
    .await;
    assert_eq!(status, 403, "not for another doctor");
    let response = app
        .post_form(
            "/api/cancel_absence",
            &[("id", &demo_duty::CONFERENCE_ABSENCE.to_string())],
        )
        .await;
    assert_eq!(response.status(), 403, "not another doctor's absence");
    let response = app
        .post_form(
            "/api/cancel_absence",
            &[("id", &demo_duty::LEAVE_ABSENCE.to_string())],
        )
        .await;
    assert_eq!(response.status(), 200, "his own leave");
    let response = app
        .post_form(
            "/api/cancel_absence",
            &[("id", &demo_duty::LEAVE_ABSENCE.to_string())],
        )
        .await;
    assert_eq!(response.status(), 404, "already cancelled");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_coordinator_registers_and_cancels_for_any_physician(pool: PgPool) {
    let app = signed_in(&pool, "coordinator").await;
    let doctor5 = staff_id(&pool, "doctor5").await;
    let coordinator = staff_id(&pool, "coordinator").await;
    // A weekend, which the backup hospital covers for the south team.
    let saturday = today()
        .iter_days()
        .skip(1)
        .find(|d| day_kind(*d) == DayKind::Saturday)
        .expect("a Saturday ahead");
    let (s, e) = (local(at(saturday, 12, 0)), local(at(saturday, 20, 0)));
    let doctor = doctor5.to_string();
    let (status, body) = register(
        &app,
        &[
            ("staff_id", &doctor),
            ("starts_at", &s),
            ("ends_at", &e),
            ("reason", "法事"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let AbsenceOutcome::Saved { id, .. } = serde_json::from_str(&body).expect("outcome") else {
        panic!("expected saved: {body}");
    };
    let (absent, created_by): (Uuid, Uuid) =
        sqlx::query_as("select staff_id, created_by from planned_absences where id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .expect("row");
    assert_eq!((absent, created_by), (doctor5, coordinator));

    // The coordinator is not a physician: "myself" is refused.
    let (status, body) = register(
        &app,
        &[("starts_at", &s), ("ends_at", &e), ("reason", "休暇")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("absence:staff_id:not_a_physician"), "{body}");

    let response = app
        .post_form(
            "/api/cancel_absence",
            &[("id", &demo_duty::CONFERENCE_ABSENCE.to_string())],
        )
        .await;
    assert_eq!(response.status(), 200, "anyone's absence");
    assert_eq!(
        audit_outcomes(&pool, "coordinator", "cancel_absence").await,
        vec!["done"]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn without_javascript_the_form_comes_back_with_the_holes_and_the_input(pool: PgPool) {
    let app = signed_in(&pool, "doctor1").await;
    let anchor = rotation_start(&pool).await;
    let north = team_id(&pool, demo_duty::NORTH_TEAM).await;
    let (start, end) = doctor1_night(anchor);
    let (s, e) = (local(start), local(end));
    let post = |form: Vec<(&'static str, String)>| {
        app.client
            .post(app.url("/api/register_absence"))
            .header("cookie", app.session.clone().unwrap_or_default())
            .header("accept", "text/html")
            .header("referer", app.url(&format!("/absences?team={north}")))
            .form(&form)
            .send()
    };

    let response = post(vec![
        ("starts_at", s.clone()),
        ("ends_at", e.clone()),
        ("reason", "学会 京都".to_owned()),
    ])
    .await
    .expect("post");
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();
    assert!(
        location.starts_with(&format!("/absences?team={north}&")),
        "{location}"
    );
    assert!(location.contains("holes="), "{location}");
    let (status, html) = app.get(&location).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("data-testid=\"hole-warning\""),
        "the warning shows"
    );
    assert!(
        html.contains("name=\"confirm_hole\""),
        "with the box to tick"
    );
    assert!(html.contains("学会 京都"), "what was typed is kept");

    let response = post(vec![
        ("starts_at", e.clone()),
        ("ends_at", s.clone()),
        ("reason", "学会".to_owned()),
    ])
    .await
    .expect("post");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();
    // Issue 8: the error travels in a one-view flash cookie, never the URL.
    assert!(!location.contains("error="), "{location}");
    let flash = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("nc_flash="))
        .and_then(|v| v.split(';').next())
        .expect("a flash cookie")
        .to_owned();
    let html = app
        .client
        .get(app.url(&location))
        .header(
            "cookie",
            format!("{}; {flash}", app.session.clone().unwrap_or_default()),
        )
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    assert!(
        html.contains("終了日時は開始日時より後にしてください"),
        "a translated error"
    );

    let response = post(vec![
        ("starts_at", s),
        ("ends_at", e),
        ("reason", "学会".to_owned()),
        ("confirm_hole", "true".to_owned()),
    ])
    .await
    .expect("post");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();
    assert!(location.contains("saved=1"), "{location}");
    let (_, html) = app.get(&location).await;
    assert!(html.contains("data-testid=\"absence-saved\""));
}

#[sqlx::test(migrations = "../migrations")]
async fn signed_out_duty_requests_are_refused(pool: PgPool) {
    let app = app_with_duty(&pool).await;
    let north = team_id(&pool, demo_duty::NORTH_TEAM).await.to_string();
    let start = Utc::now() + Duration::days(10);
    let (s, e) = (local(start), local(start + Duration::days(1)));
    let absence = demo_duty::CONFERENCE_ABSENCE.to_string();
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("/api/duty_teams", vec![]),
        ("/api/team_roster", vec![("team_id", &north)]),
        ("/api/duty_calendar", vec![("team_id", &north)]),
        ("/api/list_absences", vec![("team_id", &north)]),
        (
            "/api/register_absence",
            vec![("starts_at", &s), ("ends_at", &e), ("reason", "学会")],
        ),
        ("/api/cancel_absence", vec![("id", &absence)]),
    ];
    for (path, form) in cases {
        let response = app.post_form(path, &form).await;
        assert_eq!(response.status(), 401, "{path}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_calendar_at_the_edge_of_time_is_a_clear_400_not_a_panic(pool: PgPool) {
    let app = signed_in(&pool, "coordinator").await;
    let north = team_id(&pool, demo_duty::NORTH_TEAM).await.to_string();
    for from in [
        "+262142-12-25",
        "+262143-12-31",
        "-262143-01-01",
        "9999-12-31",
        "0001-01-01",
    ] {
        let response = app
            .client
            .post(app.url("/api/duty_calendar"))
            .header("cookie", app.session.clone().unwrap())
            .header("accept-language", "ja")
            .form(&[("team_id", north.as_str()), ("from", from), ("days", "31")])
            .send()
            .await
            .unwrap_or_else(|e| panic!("from {from}: no answer ({e})"));
        assert_eq!(response.status(), 400, "from {from}");
        let body = response.text().await.unwrap();
        assert!(body.contains("Invalid"), "from {from}: {body}");
    }
    // A date well inside the range still works.
    let ok = app
        .post_form(
            "/api/duty_calendar",
            &[
                ("team_id", north.as_str()),
                ("from", "2099-12-20"),
                ("days", "31"),
            ],
        )
        .await;
    assert_eq!(ok.status(), 200);
}
