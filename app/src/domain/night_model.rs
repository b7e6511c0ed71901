//! A clinic team's night model: the presets named after the regions of the
//! seeds, each giving the team an escalation policy and a duty schedule the
//! coordinator can then adjust.
//!
//! The minutes warn against rigid rules, so each preset works for a small
//! team with no editing at all: the team's doctors in the calling order the
//! coordinator set, hand-offs at the hours the regions use.
//!
//! - **Kofu** (甲府, the working group's minutes): the attending physician,
//!   the secondary if there is one, then the team's doctors nearest first
//!   until someone answers, then the backup hospital. No rotation.
//! - **Izumo** (出雲): a weekly rotation covers the nights (18:00–08:30) and
//!   the days clinics are closed; the nurse calls the doctor on duty, then
//!   the backup hospital. Off-duty doctors are never called, their own
//!   patients included.
//! - **Usuki** (臼杵): the clinics take weekday evenings (18:00–22:00) in a
//!   daily turn; the backup hospital takes late nights and the days clinics
//!   are closed. The call goes to whoever the schedule names, then the
//!   hospital.
//! - **Kashiwa** (柏): the attending and secondary physician pair, then the
//!   hospital that discharged the patient (the backup hospital when none is
//!   recorded). No rotation.

use chrono::{DateTime, Datelike, NaiveTime, TimeDelta, Utc, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::escalation::{EscalationPolicy, PolicyStep, StepTarget};
use super::schedule::{
    from_tokyo, to_tokyo, CoverageRule, DayKind, DoctorId, DutySchedule, DutyTarget, Rotation,
    ShiftLength, TimeWindow,
};

/// The presets a team's night model is chosen from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NightModel {
    Kofu,
    Izumo,
    Usuki,
    Kashiwa,
}

impl NightModel {
    pub const ALL: [NightModel; 4] = [Self::Kofu, Self::Izumo, Self::Usuki, Self::Kashiwa];

    /// The stored code (`clinic_teams.night_model`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Kofu => "kofu",
            Self::Izumo => "izumo",
            Self::Usuki => "usuki",
            Self::Kashiwa => "kashiwa",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    /// The policy the preset starts the team with.
    pub fn policy(self) -> EscalationPolicy {
        let step = |target, wait_minutes| PolicyStep {
            target,
            wait_minutes,
        };
        use StepTarget::*;
        let (steps, repeat) = match self {
            Self::Kofu => (
                vec![
                    step(Attending, 10),
                    step(Secondary, 10),
                    step(TeamDoctorsByDistance, 5),
                    step(BackupHospital, 10),
                ],
                0,
            ),
            // One nurse calls the doctor on duty; if he cannot be reached
            // the hospital, and the pair once more before the alarm.
            Self::Izumo | Self::Usuki => {
                (vec![step(TeamDutyDoctor, 10), step(BackupHospital, 10)], 1)
            }
            Self::Kashiwa => (
                vec![
                    step(Attending, 10),
                    step(Secondary, 10),
                    step(DischargingHospital, 10),
                ],
                0,
            ),
        };
        EscalationPolicy { steps, repeat }
    }

    /// The duty schedule the preset starts the team with: `doctors` in the
    /// team's calling order take turns from the hand-off before `now`.
    /// Kofu and Kashiwa have no rotation (an empty schedule).
    pub fn schedule(self, team: Uuid, doctors: &[DoctorId], now: DateTime<Utc>) -> DutySchedule {
        let id = derived_id(team, 0xd1);
        let rotation_id = derived_id(team, 0xd2);
        let (name, rotations, rules) = match self {
            Self::Kofu | Self::Kashiwa => (String::new(), Vec::new(), Vec::new()),
            Self::Izumo => (
                "出雲方式: 週替わりの輪番".to_owned(),
                vec![Rotation {
                    id: rotation_id,
                    name: "週替わり当番 (月曜9時交代)".to_owned(),
                    participants: doctors.to_vec(),
                    shift_length: ShiftLength::Weekly,
                    handoff_time: WEEKLY_HANDOFF,
                    handoff_weekday: Weekday::Mon,
                    start: last_weekly_handoff(now),
                }],
                vec![
                    CoverageRule {
                        label: "平日夜間".to_owned(),
                        days: vec![DayKind::Weekday],
                        window: TimeWindow::new(EVENING, MORNING),
                        target: DutyTarget::Rotation(rotation_id),
                    },
                    CoverageRule {
                        label: "土日祝・年末年始".to_owned(),
                        days: vec![DayKind::Saturday, DayKind::SundayOrHoliday],
                        window: TimeWindow::new(MORNING, MORNING),
                        target: DutyTarget::Rotation(rotation_id),
                    },
                ],
            ),
            Self::Usuki => (
                "臼杵方式: 平日準夜は診療所、深夜と休日は病院".to_owned(),
                vec![Rotation {
                    id: rotation_id,
                    name: "平日準夜の日替わり当番".to_owned(),
                    participants: doctors.to_vec(),
                    shift_length: ShiftLength::Daily,
                    handoff_time: MORNING,
                    handoff_weekday: Weekday::Mon,
                    start: last_daily_handoff(now),
                }],
                vec![
                    CoverageRule {
                        label: "平日準夜".to_owned(),
                        days: vec![DayKind::Weekday],
                        window: TimeWindow::new(EVENING, LATE_NIGHT),
                        target: DutyTarget::Rotation(rotation_id),
                    },
                    CoverageRule {
                        label: "平日深夜".to_owned(),
                        days: vec![DayKind::Weekday],
                        window: TimeWindow::new(LATE_NIGHT, MORNING),
                        target: DutyTarget::BackupHospital,
                    },
                    CoverageRule {
                        label: "土日祝・年末年始".to_owned(),
                        days: vec![DayKind::Saturday, DayKind::SundayOrHoliday],
                        window: TimeWindow::new(MORNING, MORNING),
                        target: DutyTarget::BackupHospital,
                    },
                ],
            ),
        };
        DutySchedule {
            id,
            name,
            rotations,
            rules,
            overrides: Vec::new(),
            swaps: Vec::new(),
        }
    }
}

const fn time(h: u32, m: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(h, m, 0) {
        Some(t) => t,
        None => panic!("invalid preset time"),
    }
}

/// Izumo hands the week over on Monday morning, after the night.
const WEEKLY_HANDOFF: NaiveTime = time(9, 0);
/// Clinics open at 08:30; night and holiday windows end then.
const MORNING: NaiveTime = time(8, 30);
const EVENING: NaiveTime = time(18, 0);
const LATE_NIGHT: NaiveTime = time(22, 0);

/// A stable id for a team's generated schedule or rotation, so applying the
/// same preset again replaces rather than adds.
fn derived_id(team: Uuid, kind: u128) -> Uuid {
    Uuid::from_u128(team.as_u128() ^ (kind << 64))
}

/// The Monday 09:00 hand-off at or before `now` (Tokyo time): the first
/// doctor of the calling order has the current week.
fn last_weekly_handoff(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = to_tokyo(now);
    let monday = local.date() - TimeDelta::days(i64::from(local.weekday().num_days_from_monday()));
    let mut handoff = monday.and_time(WEEKLY_HANDOFF);
    if handoff > local {
        handoff -= TimeDelta::weeks(1);
    }
    from_tokyo(handoff)
}

/// The 08:30 hand-off at or before `now` (Tokyo time).
fn last_daily_handoff(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = to_tokyo(now);
    let mut handoff = local.date().and_time(MORNING);
    if handoff > local {
        handoff -= TimeDelta::days(1);
    }
    from_tokyo(handoff)
}

/// One step of the calling-order editor: a doctor one place earlier or later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderMove {
    Up,
    Down,
}

impl OrderMove {
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim() {
            "up" => Some(Self::Up),
            "down" => Some(Self::Down),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Down => "down",
        }
    }
}

/// `order` with `who` moved one place; `None` when `who` is not in it. At
/// the top (or the bottom) the order stays as it is: a second tap on
/// "up" from a page that is one step behind changes nothing.
pub fn move_in_order(order: &[DoctorId], who: DoctorId, step: OrderMove) -> Option<Vec<DoctorId>> {
    let at = order.iter().position(|d| *d == who)?;
    let mut moved = order.to_vec();
    match step {
        OrderMove::Up if at > 0 => moved.swap(at, at - 1),
        OrderMove::Down if at + 1 < moved.len() => moved.swap(at, at + 1),
        _ => {}
    }
    Some(moved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::escalation::{
        resolve_path, CalleeRole, Contact, DoctorContact, EscalationContext, GeoPoint,
    };
    use crate::domain::schedule::{on_duty_at, DutyParty};
    use chrono::NaiveDate;

    const A: Uuid = Uuid::from_u128(0xA);
    const B: Uuid = Uuid::from_u128(0xB);
    const C: Uuid = Uuid::from_u128(0xC);
    const ATTENDING: Uuid = Uuid::from_u128(0xA77);
    const HOSPITAL: Uuid = Uuid::from_u128(0x4051);
    const DISCHARGING: Uuid = Uuid::from_u128(0xD15);
    const TEAM: Uuid = Uuid::from_u128(0x7EA);

    fn jst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        from_tokyo(
            NaiveDate::from_ymd_opt(y, mo, d)
                .and_then(|date| date.and_hms_opt(h, mi, 0))
                .expect("valid test time"),
        )
    }

    fn doctor(id: Uuid, lat: f64) -> DoctorContact {
        DoctorContact {
            id,
            name: format!("{id}"),
            phone: "0853-00-0000".to_owned(),
            clinic_name: String::new(),
            clinic_location: Some(GeoPoint { lat, lon: 132.75 }),
        }
    }

    fn contact(id: Uuid) -> Contact {
        Contact {
            id,
            name: format!("{id}"),
            phone: "0853-11-1111".to_owned(),
        }
    }

    /// The team's calling order is A, B, C; A's clinic is farthest from the
    /// patient, C's nearest. The attending (B) is on the team.
    fn context(model: NightModel, seeded: DateTime<Utc>) -> EscalationContext {
        EscalationContext {
            attending: Some(B),
            secondary: None,
            team: vec![doctor(A, 35.40), doctor(B, 35.37), doctor(C, 35.36)],
            other_doctors: vec![doctor(ATTENDING, 35.0)],
            patient_home: Some(GeoPoint {
                lat: 35.3601,
                lon: 132.75,
            }),
            schedule: model.schedule(TEAM, &[A, B, C], seeded),
            absences: Vec::new(),
            nurse_station_manager: None,
            backup_hospital: Some(contact(HOSPITAL)),
            discharging_hospital: Some(contact(DISCHARGING)),
        }
    }

    fn path(
        model: NightModel,
        seeded: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Vec<(Uuid, CalleeRole)> {
        resolve_path(&model.policy(), &context(model, seeded), at)
            .into_iter()
            .map(|s| (s.callee.id, s.callee.role))
            .collect()
    }

    #[test]
    fn codes_round_trip() {
        for model in NightModel::ALL {
            assert_eq!(NightModel::parse(model.code()), Some(model));
        }
        assert_eq!(NightModel::parse("tokyo"), None);
    }

    #[test]
    fn each_preset_gives_the_path_its_region_uses() {
        // Seeded on Wednesday 2026-12-02 10:00: the Izumo week from Monday
        // 11/30 09:00 is A's (first in the calling order).
        let seeded = jst(2026, 12, 2, 10, 0);
        let wednesday_2am = jst(2026, 12, 3, 2, 0);
        let wednesday_evening = jst(2026, 12, 2, 19, 0);
        let next_week_night = jst(2026, 12, 8, 23, 0);
        let duty = CalleeRole::DutyDoctor;
        let hospital = CalleeRole::BackupHospital;
        type Case = (
            &'static str,
            NightModel,
            DateTime<Utc>,
            Vec<(Uuid, CalleeRole)>,
        );
        let cases: Vec<Case> = vec![
            (
                "Kofu: attending, then the team nearest first, then the hospital",
                NightModel::Kofu,
                wednesday_2am,
                vec![
                    (B, CalleeRole::Attending),
                    (
                        C,
                        CalleeRole::TeamDoctor {
                            distance_m: Some(11),
                        },
                    ),
                    (
                        A,
                        CalleeRole::TeamDoctor {
                            distance_m: Some(4437),
                        },
                    ),
                    (HOSPITAL, hospital),
                ],
            ),
            (
                "Izumo: the doctor on duty this week, then the hospital; nobody else",
                NightModel::Izumo,
                wednesday_2am,
                vec![(A, duty), (HOSPITAL, hospital)],
            ),
            (
                "Izumo: next week is the next doctor's",
                NightModel::Izumo,
                next_week_night,
                vec![(B, duty), (HOSPITAL, hospital)],
            ),
            (
                "Usuki: at 02:00 the hospital is called first",
                NightModel::Usuki,
                wednesday_2am,
                vec![(HOSPITAL, hospital)],
            ),
            (
                "Usuki: a weekday evening goes to the clinic of the day",
                NightModel::Usuki,
                wednesday_evening,
                vec![(A, duty), (HOSPITAL, hospital)],
            ),
            (
                "Kashiwa: attending, then the discharging hospital",
                NightModel::Kashiwa,
                wednesday_2am,
                vec![
                    (B, CalleeRole::Attending),
                    (DISCHARGING, CalleeRole::DischargingHospital),
                ],
            ),
        ];
        for (name, model, at, expected) in cases {
            assert_eq!(path(model, seeded, at), expected, "{name}");
        }
    }

    #[test]
    fn an_off_duty_doctor_is_never_on_an_izumo_path() {
        let seeded = jst(2026, 12, 2, 10, 0);
        let model = NightModel::Izumo;
        // Every hour of four weeks: only the doctor the schedule names, or
        // the hospital, is ever called.
        for hour in 0..(24 * 28) {
            let at = seeded + TimeDelta::hours(hour);
            let context = context(model, seeded);
            let on_duty = match on_duty_at(&context.schedule, &context.absences, at).party {
                DutyParty::Doctor(d) => Some(d),
                _ => None,
            };
            for step in resolve_path(&model.policy(), &context, at) {
                let id = step.callee.id;
                assert!(
                    id == HOSPITAL || Some(id) == on_duty,
                    "at {at}: {id} is called but {on_duty:?} is on duty"
                );
            }
        }
    }

    #[test]
    fn presets_start_at_the_hand_off_before_now() {
        let cases = [
            (
                jst(2026, 12, 2, 10, 0),
                jst(2026, 11, 30, 9, 0),
                jst(2026, 12, 2, 8, 30),
            ),
            (
                jst(2026, 11, 30, 8, 59),
                jst(2026, 11, 23, 9, 0),
                jst(2026, 11, 30, 8, 30),
            ),
            (
                jst(2026, 11, 30, 9, 0),
                jst(2026, 11, 30, 9, 0),
                jst(2026, 11, 30, 8, 30),
            ),
        ];
        for (now, weekly, daily) in cases {
            assert_eq!(last_weekly_handoff(now), weekly, "weekly at {now}");
            assert_eq!(last_daily_handoff(now), daily, "daily at {now}");
        }
        let kofu = NightModel::Kofu.schedule(TEAM, &[A], jst(2026, 12, 2, 10, 0));
        assert!(kofu.rotations.is_empty() && kofu.rules.is_empty());
        let izumo = NightModel::Izumo.schedule(TEAM, &[A, B], jst(2026, 12, 2, 10, 0));
        assert_eq!(izumo.rotations[0].participants, vec![A, B]);
        assert_ne!(izumo.id, izumo.rotations[0].id);
    }
    #[test]
    fn moving_in_the_calling_order() {
        let [a, b, c] = [1u128, 2, 3].map(Uuid::from_u128);
        let order = [a, b, c];
        let cases: &[(Uuid, OrderMove, Option<[Uuid; 3]>)] = &[
            (b, OrderMove::Up, Some([b, a, c])),
            (b, OrderMove::Down, Some([a, c, b])),
            (a, OrderMove::Up, Some([a, b, c])),
            (c, OrderMove::Down, Some([a, b, c])),
            (a, OrderMove::Down, Some([b, a, c])),
            (c, OrderMove::Up, Some([a, c, b])),
            (Uuid::from_u128(9), OrderMove::Up, None),
        ];
        for (who, step, expected) in cases {
            assert_eq!(
                move_in_order(&order, *who, *step),
                expected.map(|e| e.to_vec()),
                "{who} {step:?}"
            );
        }
        assert_eq!(move_in_order(&[], a, OrderMove::Up), None);
        assert_eq!(OrderMove::parse(" up "), Some(OrderMove::Up));
        assert_eq!(OrderMove::parse("sideways"), None);
        for m in [OrderMove::Up, OrderMove::Down] {
            assert_eq!(OrderMove::parse(m.code()), Some(m));
        }
    }
}
