//! Demo duty for the two clinic teams of みどり野市: their duty schedules,
//! escalation policies, and a few planned absences around the day the demo
//! is seeded, so the duty calendar, the absences page and the night card
//! show a believable week.
//!
//! - 「みどり野北在宅医療チーム」 runs the Izumo model: one doctor covers the
//!   whole week's nights (18:00–08:30) and the Saturdays, Sundays, holidays
//!   and year-end days (all day from 08:30), in turn doctor1 → doctor4,
//!   handing over on Monday at 09:00. The week containing the seeding
//!   instant is doctor1's (北村), so next week is doctor2's (小林).
//! - 「みどり野南在宅医療チーム」 runs the Usuki model: doctor5 → doctor8 take
//!   weekday evenings (18:00–22:00) in a daily turn; the backup hospital
//!   takes the late nights (22:00–08:30) and weekends, holidays and the
//!   year-end break.
//! - Both teams start from [`EscalationPolicy::suggested`].
//! - doctor3 (桜井, attending physician of demo patient 1) is at a
//!   conference from tomorrow 08:00 for three days, with doctor1 standing
//!   in; doctor2 takes deferred summer leave in the middle of next week,
//!   his duty week, without a substitute, so the coordinator's calendar
//!   shows the nights nobody covers.
//!
//! The schedules are the Izumo and Usuki presets of `domain::night_model`
//! (their ids derived from the team's). Absence ids follow the scheme of
//! [`crate::demo`] (`…-4000-8000-KKKK-NNNNNNNN`) with a table code of its own:
//!
//! | `KKKK` | what                     | `N`                                      |
//! |--------|--------------------------|------------------------------------------|
//! | `00d2` | `planned_absences`       | 1 桜井's conference, 2 小林's leave      |
//!
//! [`seed_duty`] is idempotent (every insert skips an existing row), so it
//! may run again on a database that already has it.

use app::domain::escalation::EscalationPolicy;
use app::domain::night_model::NightModel;
use app::domain::schedule::{
    from_tokyo, to_tokyo, DoctorId, DutySchedule, Interval, PlannedAbsence,
};
use chrono::{DateTime, Datelike, NaiveTime, TimeDelta, Utc};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

/// The north team's name, as seeded by [`crate::demo`].
pub const NORTH_TEAM: &str = "みどり野北在宅医療チーム";
/// The south team's name, as seeded by [`crate::demo`].
pub const SOUTH_TEAM: &str = "みどり野南在宅医療チーム";

/// The id of 桜井's conference absence.
pub const CONFERENCE_ABSENCE: Uuid = duty_id(TABLE_ABSENCES, 1);
/// The id of 小林's leave.
pub const LEAVE_ABSENCE: Uuid = duty_id(TABLE_ABSENCES, 2);

const ID_BASE: u128 = 0x0000_0000_0000_4000_8000_0000_0000_0000;
const TABLE_ABSENCES: u128 = 0x00d2;

const fn duty_id(table: u128, n: u128) -> Uuid {
    Uuid::from_u128(ID_BASE | (table << 32) | (n & 0xffff_ffff))
}

const fn time(h: u32, m: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(h, m, 0) {
        Some(t) => t,
        None => panic!("invalid time in demo duty"),
    }
}

/// Izumo hands the week over on Monday morning, after the night.
const WEEKLY_HANDOFF: NaiveTime = time(9, 0);
/// Clinics open at 08:30; night and holiday windows end then.
const MORNING: NaiveTime = time(8, 30);

/// Seeds both teams' duty schedules and escalation policies and the demo
/// absences, inside the caller's transaction. Needs the demo teams and the
/// sign-ins `doctor1`…`doctor8` (from [`crate::demo::seed_demo`]).
pub async fn seed_duty(tx: &mut Transaction<'_, Postgres>) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    let names = vec![NORTH_TEAM.to_owned(), SOUTH_TEAM.to_owned()];
    let teams = sqlx::query!(
        "select id, name from clinic_teams where name = any($1)",
        &names
    )
    .fetch_all(&mut **tx)
    .await?;
    let team = |name: &str| {
        teams
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.id)
            .ok_or_else(|| sqlx::Error::Protocol(format!("demo duty: no team named {name}")))
    };
    let (north, south) = (team(NORTH_TEAM)?, team(SOUTH_TEAM)?);

    let logins: Vec<String> = (1..=8).map(|n| format!("doctor{n}")).collect();
    let staff = sqlx::query!(
        r#"select login_id as "login_id!", id from staff where login_id = any($1)"#,
        &logins
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut doctors = [Uuid::nil(); 8];
    for (slot, login) in doctors.iter_mut().zip(&logins) {
        *slot = staff
            .iter()
            .find(|s| &s.login_id == login)
            .map(|s| s.id)
            .ok_or_else(|| sqlx::Error::Protocol(format!("demo duty: no staff {login}")))?;
    }
    let [d1, d2, d3, d4, d5, d6, d7, d8] = doctors;

    // The one hospital of the demo city backs both teams.
    sqlx::query!(
        "update clinic_teams
            set backup_hospital_id = (select id from organizations where kind = 'hospital'
                                       order by name limit 1)
          where id = any($1) and backup_hospital_id is null",
        &[north, south]
    )
    .execute(&mut **tx)
    .await?;

    let anchor = rotation_anchor(now);
    let schedules = [
        (north, north_schedule(north, [d1, d2, d3, d4], anchor)),
        (south, south_schedule(south, [d5, d6, d7, d8], anchor)),
    ];
    let policy = json(&EscalationPolicy::suggested())?;
    for (team_id, schedule) in &schedules {
        sqlx::query!(
            "insert into duty_schedules (clinic_team_id, definition)
             values ($1, $2) on conflict (clinic_team_id) do nothing",
            team_id,
            json(schedule)?,
        )
        .execute(&mut **tx)
        .await?;
        sqlx::query!(
            "insert into escalation_policies (clinic_team_id, policy)
             values ($1, $2) on conflict (clinic_team_id) do nothing",
            team_id,
            policy,
        )
        .execute(&mut **tx)
        .await?;
    }

    for absence in demo_absences(now, anchor, [d1, d2, d3, d4]) {
        // Registered by the doctors themselves, as the minutes ask.
        sqlx::query!(
            "insert into planned_absences
                 (id, staff_id, starts_at, ends_at, reason, substitute_id, created_by)
             values ($1, $2, $3, $4, $5, $6, $2)
             on conflict (id) do nothing",
            absence.id,
            absence.doctor,
            absence.interval.start,
            absence.interval.end,
            absence.reason_text,
            absence.substitute,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

fn json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, sqlx::Error> {
    serde_json::to_value(value).map_err(|e| sqlx::Error::Protocol(format!("demo duty json: {e}")))
}

/// The start of both rotations: the Monday 09:00 hand-off that began the
/// week containing `now`, 52 weeks back, so the rotations have run for a
/// year and (52 being a multiple of 4) doctor1 has the current week.
pub fn rotation_anchor(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = to_tokyo(now);
    let monday = local.date() - TimeDelta::days(i64::from(local.weekday().num_days_from_monday()));
    let mut handoff = monday.and_time(WEEKLY_HANDOFF);
    if handoff > local {
        handoff -= TimeDelta::weeks(1);
    }
    from_tokyo(handoff - TimeDelta::weeks(52))
}

/// The Izumo model: `doctors` take whole weeks in turn from `anchor` (the
/// preset of `domain::night_model`, started a year back).
pub fn north_schedule(team: Uuid, doctors: [DoctorId; 4], anchor: DateTime<Utc>) -> DutySchedule {
    NightModel::Izumo.schedule(team, &doctors, anchor)
}

/// The Usuki model: clinics take weekday evenings in a daily turn, the
/// backup hospital everything later and every day clinics are closed.
pub fn south_schedule(team: Uuid, doctors: [DoctorId; 4], anchor: DateTime<Utc>) -> DutySchedule {
    NightModel::Usuki.schedule(team, &doctors, anchor)
}

/// 桜井's conference from tomorrow 08:00 for three days (北村 stands in),
/// and 小林's leave from Tuesday 08:30 to Friday 08:30 of next week, the
/// week he is on duty, with nobody named.
pub fn demo_absences(
    now: DateTime<Utc>,
    anchor: DateTime<Utc>,
    north: [DoctorId; 4],
) -> Vec<PlannedAbsence> {
    let [kitamura, kobayashi, sakurai, _] = north;
    let tomorrow = to_tokyo(now).date() + TimeDelta::days(1);
    let conference_start = from_tokyo(tomorrow.and_time(time(8, 0)));
    // The anchor is 52 weeks before this week's hand-off: 53 weeks after
    // it, next week begins.
    let next_week_monday = to_tokyo(anchor + TimeDelta::weeks(53)).date();
    let leave_start = from_tokyo((next_week_monday + TimeDelta::days(1)).and_time(MORNING));
    vec![
        PlannedAbsence {
            id: CONFERENCE_ABSENCE,
            doctor: sakurai,
            interval: Interval::new(conference_start, conference_start + TimeDelta::days(3)),
            reason_text: "学会 (日本在宅医療連合学会)".to_owned(),
            substitute: Some(kitamura),
        },
        PlannedAbsence {
            id: LEAVE_ABSENCE,
            doctor: kobayashi,
            interval: Interval::new(leave_start, leave_start + TimeDelta::days(3)),
            reason_text: "夏季休暇 (振替)".to_owned(),
            substitute: None,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::schedule::{coverage_holes, on_duty_at, DutyParty};
    use chrono::NaiveDate;

    const TEAM: Uuid = Uuid::from_u128(0x7EA);
    const D: [Uuid; 8] = [
        Uuid::from_u128(1),
        Uuid::from_u128(2),
        Uuid::from_u128(3),
        Uuid::from_u128(4),
        Uuid::from_u128(5),
        Uuid::from_u128(6),
        Uuid::from_u128(7),
        Uuid::from_u128(8),
    ];

    fn jst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        from_tokyo(
            NaiveDate::from_ymd_opt(y, mo, d)
                .and_then(|date| date.and_hms_opt(h, mi, 0))
                .expect("valid test time"),
        )
    }

    #[test]
    fn the_anchor_is_a_monday_hand_off_a_year_back() {
        let cases = [
            // (now, the Monday hand-off that began the current week)
            (jst(2026, 11, 21, 23, 40), jst(2026, 11, 16, 9, 0)),
            (jst(2026, 11, 23, 8, 59), jst(2026, 11, 16, 9, 0)),
            (jst(2026, 11, 23, 9, 0), jst(2026, 11, 23, 9, 0)),
            (jst(2026, 11, 29, 23, 59), jst(2026, 11, 23, 9, 0)),
        ];
        for (now, this_week) in cases {
            assert_eq!(
                rotation_anchor(now),
                this_week - TimeDelta::weeks(52),
                "at {now}"
            );
        }
    }

    #[test]
    fn the_north_team_follows_the_izumo_model() {
        use DutyParty::{Doctor, OutsideSchedule};
        // Seeded on Saturday 2026-11-21: this week (from 11/16) is
        // doctor1's; 11/23 is 勤労感謝の日 (a Monday).
        let now = jst(2026, 11, 21, 23, 40);
        let schedule = north_schedule(TEAM, [D[0], D[1], D[2], D[3]], rotation_anchor(now));
        let cases = [
            (
                "Saturday night of the seeding week",
                jst(2026, 11, 21, 23, 0),
                Doctor(D[0]),
            ),
            (
                "the holiday Monday before the hand-off",
                jst(2026, 11, 23, 8, 45),
                Doctor(D[0]),
            ),
            (
                "the holiday Monday after the hand-off",
                jst(2026, 11, 23, 9, 0),
                Doctor(D[1]),
            ),
            (
                "a weekday night of next week",
                jst(2026, 11, 24, 2, 0),
                Doctor(D[1]),
            ),
            (
                "weekday office hours",
                jst(2026, 11, 24, 12, 0),
                OutsideSchedule,
            ),
            ("the week after", jst(2026, 12, 1, 19, 0), Doctor(D[2])),
            // Weeks from 11/16: 12/28 is the 6th week after → doctor3.
            (
                "a year-end weekday at noon",
                jst(2026, 12, 30, 12, 0),
                Doctor(D[2]),
            ),
            ("New Year's Day", jst(2027, 1, 1, 12, 0), Doctor(D[2])),
            (
                "the first week of January",
                jst(2027, 1, 5, 19, 0),
                Doctor(D[3]),
            ),
        ];
        for (name, at, expected) in cases {
            assert_eq!(on_duty_at(&schedule, &[], at).party, expected, "{name}");
        }
    }

    #[test]
    fn the_south_team_follows_the_usuki_model() {
        use DutyParty::{BackupHospital, Doctor};
        let now = jst(2026, 11, 21, 23, 40);
        let schedule = south_schedule(TEAM, [D[4], D[5], D[6], D[7]], rotation_anchor(now));
        // The daily rotation starts on a Monday 08:30, 364 days (a multiple
        // of 4) before 11/16: 11/16 is doctor5's evening, 11/17 doctor6's…
        let cases = [
            ("Monday evening", jst(2026, 11, 16, 19, 0), Doctor(D[4])),
            ("Tuesday evening", jst(2026, 11, 17, 19, 0), Doctor(D[5])),
            ("Friday evening", jst(2026, 11, 20, 21, 59), Doctor(D[4])),
            (
                "Friday late night",
                jst(2026, 11, 20, 22, 0),
                BackupHospital,
            ),
            (
                "Saturday afternoon",
                jst(2026, 11, 21, 15, 0),
                BackupHospital,
            ),
            (
                "the holiday Monday evening",
                jst(2026, 11, 23, 19, 0),
                BackupHospital,
            ),
            (
                "a year-end weekday evening",
                jst(2026, 12, 29, 19, 0),
                BackupHospital,
            ),
        ];
        for (name, at, expected) in cases {
            assert_eq!(on_duty_at(&schedule, &[], at).party, expected, "{name}");
        }
    }

    #[test]
    fn only_the_leave_without_a_substitute_leaves_holes() {
        let now = jst(2026, 11, 21, 23, 40);
        let anchor = rotation_anchor(now);
        let schedule = north_schedule(TEAM, [D[0], D[1], D[2], D[3]], anchor);
        let absences = demo_absences(now, anchor, [D[0], D[1], D[2], D[3]]);
        assert_eq!(absences[0].doctor, D[2]);
        assert_eq!(absences[0].substitute, Some(D[0]));
        assert_eq!(absences[0].interval.start, jst(2026, 11, 22, 8, 0));
        assert_eq!(absences[1].interval.start, jst(2026, 11, 24, 8, 30));

        let holes = coverage_holes(&schedule, &absences, now, 14);
        assert_eq!(
            holes,
            vec![
                Interval::new(jst(2026, 11, 24, 18, 0), jst(2026, 11, 25, 8, 30)),
                Interval::new(jst(2026, 11, 25, 18, 0), jst(2026, 11, 26, 8, 30)),
                Interval::new(jst(2026, 11, 26, 18, 0), jst(2026, 11, 27, 8, 30)),
            ],
            "the three nights of 小林's leave"
        );
        assert!(
            coverage_holes(&schedule, &absences[..1], now, 14).is_empty(),
            "桜井's conference is covered"
        );
    }
}
