//! Planned absences as a physician or the coordinator types them: parsing
//! the form, who may register or cancel one, and which stretches of duty an
//! absence would leave with nobody on call.
//!
//! The Kofu minutes ask that an attending physician announce a conference or
//! summer holidays in advance, that the nurse stations and the team learn of
//! it, and that the secretariat keep the days each team doctor cannot cover.
//! A doctor who registers an absence without a substitute may leave a night
//! with nobody on duty; [`new_holes`] finds those nights so the doctor is
//! warned before saving, not the nurse at 2 a.m.
//!
//! Times are typed as Japan wall-clock time (`<input type="datetime-local">`
//! sends `2026-12-01T08:00`), and stored as instants.
//!
//! Pure: nothing here reads a clock or a database.

use chrono::{DateTime, Months, NaiveDateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::access::{decide_staff_action, Action, Actor, Basis, Decision, DenyReason, Role};
use super::schedule::{
    coverage_holes, from_tokyo, to_tokyo, DoctorId, DutySchedule, Interval, PlannedAbsence,
};

/// The longest reason accepted, in characters.
pub const REASON_MAX_CHARS: usize = 200;

/// Why an absence form was refused. [`AbsenceProblem::code`] travels in
/// `AppError::Invalid`, and the page turns it back into a translated
/// sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AbsenceProblem {
    /// The start is not a date and time.
    BadStart,
    /// The end is not a date and time.
    BadEnd,
    EndNotAfterStart,
    /// Longer than one calendar year: almost certainly a typo in the year,
    /// and a leave that long is a change of the roster, not an absence.
    LongerThanAYear,
    /// The whole absence lies in the past; nobody needs to be warned.
    AlreadyOver,
    ReasonEmpty,
    ReasonTooLong,
    /// A reason with control characters (a pasted tab, a NUL): the reason
    /// is shown on one line to nurses and must print as typed.
    ReasonControlCharacters,
    /// The `staff_id` or `substitute_id` field is not an id: a stale or
    /// tampered form.
    Malformed,
    /// The absent person is not an active physician.
    NotAPhysician,
    /// The substitute is not an active physician.
    SubstituteNotAPhysician,
    SubstituteIsTheAbsentDoctor,
}

impl AbsenceProblem {
    pub const ALL: [AbsenceProblem; 12] = [
        AbsenceProblem::BadStart,
        AbsenceProblem::BadEnd,
        AbsenceProblem::EndNotAfterStart,
        AbsenceProblem::LongerThanAYear,
        AbsenceProblem::AlreadyOver,
        AbsenceProblem::ReasonEmpty,
        AbsenceProblem::ReasonTooLong,
        AbsenceProblem::ReasonControlCharacters,
        AbsenceProblem::Malformed,
        AbsenceProblem::NotAPhysician,
        AbsenceProblem::SubstituteNotAPhysician,
        AbsenceProblem::SubstituteIsTheAbsentDoctor,
    ];

    /// The code carried by `AppError::Invalid`, prefixed so it cannot be
    /// mistaken for another form's codes.
    pub fn code(self) -> &'static str {
        match self {
            AbsenceProblem::BadStart => "absence:starts_at:bad",
            AbsenceProblem::BadEnd => "absence:ends_at:bad",
            AbsenceProblem::EndNotAfterStart => "absence:end_not_after_start",
            AbsenceProblem::LongerThanAYear => "absence:longer_than_a_year",
            AbsenceProblem::AlreadyOver => "absence:already_over",
            AbsenceProblem::ReasonEmpty => "absence:reason:empty",
            AbsenceProblem::ReasonTooLong => "absence:reason:too_long",
            AbsenceProblem::ReasonControlCharacters => "absence:reason:control_characters",
            AbsenceProblem::Malformed => "absence:malformed",
            AbsenceProblem::NotAPhysician => "absence:staff_id:not_a_physician",
            AbsenceProblem::SubstituteNotAPhysician => "absence:substitute_id:not_a_physician",
            AbsenceProblem::SubstituteIsTheAbsentDoctor => "absence:substitute_id:same_doctor",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// The absence form as posted: every field a string, as browsers send them.
#[derive(Debug, Clone, Copy)]
pub struct AbsenceForm<'a> {
    /// The absent physician; empty for "myself".
    pub staff_id: &'a str,
    pub starts_at: &'a str,
    pub ends_at: &'a str,
    pub reason: &'a str,
    /// Empty for "no substitute".
    pub substitute_id: &'a str,
}

/// An absence that has passed every check that needs no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsenceInput {
    /// `None`: the signed-in user registers their own absence.
    pub doctor: Option<DoctorId>,
    pub interval: Interval,
    pub reason: String,
    pub substitute: Option<DoctorId>,
}

impl AbsenceInput {
    /// Parses the form; `now` decides whether the absence is already over.
    pub fn parse(form: &AbsenceForm<'_>, now: DateTime<Utc>) -> Result<Self, AbsenceProblem> {
        let doctor = optional_id(form.staff_id)?;
        let substitute = optional_id(form.substitute_id)?;
        let start = parse_tokyo_datetime(form.starts_at).ok_or(AbsenceProblem::BadStart)?;
        let end = parse_tokyo_datetime(form.ends_at).ok_or(AbsenceProblem::BadEnd)?;
        if end <= start {
            return Err(AbsenceProblem::EndNotAfterStart);
        }
        // "One year" on the calendar (2026-03-01 08:00 → 2027-03-01 08:00),
        // so a leap day never makes the limit a day shorter.
        let year_later = to_tokyo(start)
            .checked_add_months(Months::new(12))
            .map(from_tokyo)
            .ok_or(AbsenceProblem::BadStart)?;
        if end > year_later {
            return Err(AbsenceProblem::LongerThanAYear);
        }
        if end <= now {
            return Err(AbsenceProblem::AlreadyOver);
        }
        let reason = parse_reason(form.reason)?;
        if let (Some(doctor), Some(substitute)) = (doctor, substitute) {
            if doctor == substitute {
                return Err(AbsenceProblem::SubstituteIsTheAbsentDoctor);
            }
        }
        Ok(AbsenceInput {
            doctor,
            interval: Interval::new(start, end),
            reason,
            substitute,
        })
    }
}

fn optional_id(s: &str) -> Result<Option<Uuid>, AbsenceProblem> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(s)
        .map(Some)
        .map_err(|_| AbsenceProblem::Malformed)
}

/// The reason: trimmed, 1 to [`REASON_MAX_CHARS`] characters, no control
/// characters at all (not even line breaks: it is shown on one line).
pub fn parse_reason(s: &str) -> Result<String, AbsenceProblem> {
    let s = s.trim();
    if s.is_empty() {
        return Err(AbsenceProblem::ReasonEmpty);
    }
    if s.chars().count() > REASON_MAX_CHARS {
        return Err(AbsenceProblem::ReasonTooLong);
    }
    if s.chars().any(char::is_control) {
        return Err(AbsenceProblem::ReasonControlCharacters);
    }
    Ok(s.to_owned())
}

/// A Japan wall-clock time as a browser's `datetime-local` field sends it
/// (`2026-12-01T08:00`, seconds optional), or as typed with a space.
pub fn parse_tokyo_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(s, format).ok())
        .map(from_tokyo)
}

/// The value for a `datetime-local` field showing `t` in Japan time.
pub fn to_datetime_local(t: DateTime<Utc>) -> String {
    to_tokyo(t).format("%Y-%m-%dT%H:%M").to_string()
}

/// Whether `actor` may register or cancel an absence of physician `doctor`:
/// a physician for themselves, the coordinator or an admin for anyone (the
/// secretariat keeps the days each team doctor cannot cover). Nurses read
/// absences but never write them.
pub fn may_manage_absence(actor: &Actor, doctor: DoctorId) -> Decision {
    if actor.role == Role::Physician && actor.staff_id == doctor {
        return Decision::Allow(Basis::Role(Role::Physician));
    }
    match decide_staff_action(actor, Action::ManageRoster) {
        Decision::Allow(basis) => Decision::Allow(basis),
        Decision::Deny(_) => Decision::Deny(DenyReason::RoleMayNotDoThis),
    }
}

/// Whether `actor` may read rosters, duty calendars and absences. Every
/// role may: the nurse station needs the contact list and who covers
/// tonight, the team needs to see who is away, the coordinator keeps it.
/// None of it is patient data. The match makes a future role decide.
pub fn may_read_duty(actor: &Actor) -> bool {
    match actor.role {
        Role::Nurse | Role::Physician | Role::Coordinator | Role::Admin => true,
    }
}

/// A stretch with nobody on duty that an absence would open in one
/// schedule (its index in the slice given to [`new_holes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewHole {
    pub schedule: usize,
    pub interval: Interval,
}

/// The stretches inside `candidate` where some schedule would have nobody
/// on duty with the absence, but has someone without it.
///
/// Every schedule is checked, not only those naming the doctor: a doctor
/// may be another absent doctor's substitute, and their absence then breaks
/// that chain in a team they are not part of. Holes that exist anyway are
/// not reported: they are the coordinator's to fill, not this doctor's
/// doing.
pub fn new_holes(
    schedules: &[DutySchedule],
    existing: &[PlannedAbsence],
    candidate: &PlannedAbsence,
) -> Vec<NewHole> {
    let span = candidate.interval;
    if span.is_empty() {
        return Vec::new();
    }
    // Whole days from the start cover the absence; the holes are clipped
    // back to it below.
    let seconds = (span.end - span.start).num_seconds();
    let days = u32::try_from((seconds + 86_399) / 86_400).unwrap_or(u32::MAX);
    let mut with_candidate = existing.to_vec();
    with_candidate.push(candidate.clone());

    let mut found = Vec::new();
    for (index, schedule) in schedules.iter().enumerate() {
        let before = coverage_holes(schedule, existing, span.start, days);
        let after = coverage_holes(schedule, &with_candidate, span.start, days);
        for interval in subtract(&after, &before) {
            let clipped = Interval::new(interval.start.max(span.start), interval.end.min(span.end));
            if !clipped.is_empty() {
                found.push(NewHole {
                    schedule: index,
                    interval: clipped,
                });
            }
        }
    }
    found
}

/// `a` minus `b`, both sorted lists of disjoint intervals.
pub fn subtract(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    for interval in a {
        let mut rest = Some(*interval);
        for cut in b {
            let Some(current) = rest else { break };
            if cut.end <= current.start || current.end <= cut.start {
                continue;
            }
            if current.start < cut.start {
                out.push(Interval::new(current.start, cut.start));
            }
            rest = (cut.end < current.end).then(|| Interval::new(cut.end, current.end));
        }
        if let Some(current) = rest.filter(|r| !r.is_empty()) {
            out.push(current);
        }
    }
    out
}

/// The total length of `intervals`, for "3 holes, 41 h in all".
pub fn total_length(intervals: impl IntoIterator<Item = Interval>) -> TimeDelta {
    intervals
        .into_iter()
        .filter(|i| !i.is_empty())
        .fold(TimeDelta::zero(), |sum, i| sum + (i.end - i.start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::{
        CoverageRule, DayKind, DutyTarget, Rotation, ShiftLength, TimeWindow,
    };
    use chrono::{NaiveDate, NaiveTime, Weekday};

    const A: DoctorId = Uuid::from_u128(0xA);
    const B: DoctorId = Uuid::from_u128(0xB);
    const C: DoctorId = Uuid::from_u128(0xC);
    const NURSE: Uuid = Uuid::from_u128(0x11);
    const ROTATION: Uuid = Uuid::from_u128(0x100);

    fn jst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        from_tokyo(
            NaiveDate::from_ymd_opt(y, mo, d)
                .and_then(|date| date.and_hms_opt(h, mi, 0))
                .expect("valid test time"),
        )
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
    }

    /// Weekday nights 18:00–08:30 by a weekly rotation A → B, from Monday
    /// 2026-01-05 09:00.
    fn nights(participants: Vec<DoctorId>) -> DutySchedule {
        DutySchedule {
            id: Uuid::from_u128(0x5C),
            name: "夜間".to_owned(),
            rotations: vec![Rotation {
                id: ROTATION,
                name: "輪番".to_owned(),
                participants,
                shift_length: ShiftLength::Weekly,
                handoff_time: hm(9, 0),
                handoff_weekday: Weekday::Mon,
                start: jst(2026, 1, 5, 9, 0),
            }],
            rules: vec![CoverageRule {
                label: "平日夜間".to_owned(),
                days: vec![DayKind::Weekday],
                window: TimeWindow::new(hm(18, 0), hm(8, 30)),
                target: DutyTarget::Rotation(ROTATION),
            }],
            overrides: Vec::new(),
            swaps: Vec::new(),
        }
    }

    fn away(
        doctor: DoctorId,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        substitute: Option<DoctorId>,
    ) -> PlannedAbsence {
        PlannedAbsence {
            id: Uuid::from_u128(doctor.as_u128() << 8 | 1),
            doctor,
            interval: Interval::new(start, end),
            reason_text: "学会".to_owned(),
            substitute,
        }
    }

    fn form<'a>(starts_at: &'a str, ends_at: &'a str, reason: &'a str) -> AbsenceForm<'a> {
        AbsenceForm {
            staff_id: "",
            starts_at,
            ends_at,
            reason,
            substitute_id: "",
        }
    }

    #[test]
    fn the_form_is_parsed_as_japan_time_and_checked() {
        let now = jst(2026, 11, 21, 12, 0);
        let long = "あ".repeat(REASON_MAX_CHARS + 1);
        let longest = "あ".repeat(REASON_MAX_CHARS);
        let a = A.to_string();
        let b = B.to_string();
        type Period = Result<(DateTime<Utc>, DateTime<Utc>), AbsenceProblem>;
        let cases: Vec<(&str, AbsenceForm<'_>, Period)> = vec![
            (
                "a conference over three days",
                form("2026-11-22T08:00", "2026-11-25T08:00", " 学会 "),
                Ok((jst(2026, 11, 22, 8, 0), jst(2026, 11, 25, 8, 0))),
            ),
            (
                "seconds and a space are accepted",
                form("2026-11-22T08:00:00", "2026-11-22 20:00", "学会"),
                Ok((jst(2026, 11, 22, 8, 0), jst(2026, 11, 22, 20, 0))),
            ),
            (
                "an absence already under way is fine",
                form("2026-11-20T08:00", "2026-11-22T08:00", "体調不良"),
                Ok((jst(2026, 11, 20, 8, 0), jst(2026, 11, 22, 8, 0))),
            ),
            (
                "exactly one calendar year",
                form("2026-11-22T08:00", "2027-11-22T08:00", "留学"),
                Ok((jst(2026, 11, 22, 8, 0), jst(2027, 11, 22, 8, 0))),
            ),
            (
                "the longest reason",
                form("2026-11-22T08:00", "2026-11-23T08:00", &longest),
                Ok((jst(2026, 11, 22, 8, 0), jst(2026, 11, 23, 8, 0))),
            ),
            (
                "a date without a time",
                form("2026-11-22", "2026-11-23T08:00", "学会"),
                Err(AbsenceProblem::BadStart),
            ),
            (
                "an impossible date",
                form("2026-11-22T08:00", "2026-11-31T08:00", "学会"),
                Err(AbsenceProblem::BadEnd),
            ),
            (
                "the end before the start",
                form("2026-11-25T08:00", "2026-11-22T08:00", "学会"),
                Err(AbsenceProblem::EndNotAfterStart),
            ),
            (
                "the end at the start",
                form("2026-11-25T08:00", "2026-11-25T08:00", "学会"),
                Err(AbsenceProblem::EndNotAfterStart),
            ),
            (
                "a minute over a year",
                form("2026-11-22T08:00", "2027-11-22T08:01", "留学"),
                Err(AbsenceProblem::LongerThanAYear),
            ),
            (
                "over before now",
                form("2026-11-19T08:00", "2026-11-21T12:00", "学会"),
                Err(AbsenceProblem::AlreadyOver),
            ),
            (
                "an empty reason",
                form("2026-11-22T08:00", "2026-11-23T08:00", "   "),
                Err(AbsenceProblem::ReasonEmpty),
            ),
            (
                "a reason too long",
                form("2026-11-22T08:00", "2026-11-23T08:00", &long),
                Err(AbsenceProblem::ReasonTooLong),
            ),
            (
                "a line break in the reason",
                form("2026-11-22T08:00", "2026-11-23T08:00", "学会\n京都"),
                Err(AbsenceProblem::ReasonControlCharacters),
            ),
            (
                "a NUL in the reason",
                form("2026-11-22T08:00", "2026-11-23T08:00", "学会\u{0}"),
                Err(AbsenceProblem::ReasonControlCharacters),
            ),
            (
                "a malformed substitute",
                AbsenceForm {
                    substitute_id: "doctor1",
                    ..form("2026-11-22T08:00", "2026-11-23T08:00", "学会")
                },
                Err(AbsenceProblem::Malformed),
            ),
            (
                "the substitute is the absent doctor",
                AbsenceForm {
                    staff_id: &a,
                    substitute_id: &a,
                    ..form("2026-11-22T08:00", "2026-11-23T08:00", "学会")
                },
                Err(AbsenceProblem::SubstituteIsTheAbsentDoctor),
            ),
            (
                "another doctor substitutes",
                AbsenceForm {
                    staff_id: &a,
                    substitute_id: &b,
                    ..form("2026-11-22T08:00", "2026-11-23T08:00", "学会")
                },
                Ok((jst(2026, 11, 22, 8, 0), jst(2026, 11, 23, 8, 0))),
            ),
        ];
        for (name, form, expected) in cases {
            let got = AbsenceInput::parse(&form, now).map(|a| (a.interval.start, a.interval.end));
            assert_eq!(got, expected, "{name}");
        }
        let parsed = AbsenceInput::parse(
            &AbsenceForm {
                staff_id: &a,
                substitute_id: &b,
                ..form("2026-11-22T08:00", "2026-11-23T08:00", " 学会 ")
            },
            now,
        )
        .expect("valid");
        assert_eq!(parsed.doctor, Some(A));
        assert_eq!(parsed.substitute, Some(B));
        assert_eq!(parsed.reason, "学会");
    }

    #[test]
    fn problems_round_trip_through_their_codes() {
        for problem in AbsenceProblem::ALL {
            assert_eq!(AbsenceProblem::from_code(problem.code()), Some(problem));
        }
        assert_eq!(AbsenceProblem::from_code("q:empty"), None);
    }

    #[test]
    fn datetime_local_values_are_japan_time() {
        let t = jst(2026, 12, 31, 23, 30);
        assert_eq!(to_datetime_local(t), "2026-12-31T23:30");
        assert_eq!(parse_tokyo_datetime(&to_datetime_local(t)), Some(t));
    }

    #[test]
    fn physicians_manage_their_own_absences_and_the_coordinator_everyones() {
        let actor = |role, staff_id| Actor {
            staff_id,
            organization_id: Uuid::from_u128(0x0),
            role,
        };
        let cases = [
            (actor(Role::Physician, A), A, true),
            (actor(Role::Physician, A), B, false),
            (actor(Role::Nurse, NURSE), A, false),
            (actor(Role::Nurse, NURSE), NURSE, false),
            (actor(Role::Coordinator, C), A, true),
            (actor(Role::Admin, C), B, true),
        ];
        for (who, doctor, allowed) in cases {
            assert_eq!(
                may_manage_absence(&who, doctor).is_allowed(),
                allowed,
                "{:?} for {doctor}",
                who.role
            );
            assert!(may_read_duty(&who), "{:?} reads duty", who.role);
        }
    }

    struct HoleCase {
        name: &'static str,
        schedules: Vec<DutySchedule>,
        existing: Vec<PlannedAbsence>,
        candidate: PlannedAbsence,
        expected: Vec<(usize, DateTime<Utc>, DateTime<Utc>)>,
    }

    #[test]
    fn new_holes_are_those_the_absence_opens() {
        // Week of 2026-01-05 is A's, the week of 2026-01-12 B's (a Monday
        // holiday, so that night is not a weekday night at all).
        let cases = vec![
            HoleCase {
                name: "on duty without a substitute: Tuesday night is a hole",
                schedules: vec![nights(vec![A, B])],
                existing: Vec::new(),
                candidate: away(A, jst(2026, 1, 6, 12, 0), jst(2026, 1, 7, 12, 0), None),
                expected: vec![(0, jst(2026, 1, 6, 18, 0), jst(2026, 1, 7, 8, 30))],
            },
            HoleCase {
                name: "a substitute leaves no hole",
                schedules: vec![nights(vec![A, B])],
                existing: Vec::new(),
                candidate: away(A, jst(2026, 1, 6, 12, 0), jst(2026, 1, 7, 12, 0), Some(C)),
                expected: Vec::new(),
            },
            HoleCase {
                name: "off duty: no hole",
                schedules: vec![nights(vec![A, B])],
                existing: Vec::new(),
                candidate: away(B, jst(2026, 1, 6, 12, 0), jst(2026, 1, 7, 12, 0), None),
                expected: Vec::new(),
            },
            HoleCase {
                name: "clipped to the absence",
                schedules: vec![nights(vec![A, B])],
                existing: Vec::new(),
                candidate: away(A, jst(2026, 1, 6, 20, 0), jst(2026, 1, 6, 23, 0), None),
                expected: vec![(0, jst(2026, 1, 6, 20, 0), jst(2026, 1, 6, 23, 0))],
            },
            HoleCase {
                name: "an existing hole is not this absence's doing",
                schedules: vec![nights(vec![A, B])],
                existing: vec![away(A, jst(2026, 1, 6, 12, 0), jst(2026, 1, 7, 0, 0), None)],
                candidate: away(A, jst(2026, 1, 6, 12, 0), jst(2026, 1, 7, 12, 0), None),
                expected: vec![(0, jst(2026, 1, 7, 0, 0), jst(2026, 1, 7, 8, 30))],
            },
            HoleCase {
                name: "the substitute of someone else's absence goes away too",
                schedules: vec![nights(vec![A, B])],
                existing: vec![away(
                    A,
                    jst(2026, 1, 6, 12, 0),
                    jst(2026, 1, 7, 12, 0),
                    Some(C),
                )],
                candidate: away(C, jst(2026, 1, 6, 12, 0), jst(2026, 1, 7, 12, 0), None),
                expected: vec![(0, jst(2026, 1, 6, 18, 0), jst(2026, 1, 7, 8, 30))],
            },
            HoleCase {
                name: "every schedule is checked, each hole names its schedule",
                schedules: vec![nights(vec![B]), nights(vec![A, B])],
                existing: Vec::new(),
                candidate: away(A, jst(2026, 1, 6, 12, 0), jst(2026, 1, 7, 12, 0), None),
                expected: vec![(1, jst(2026, 1, 6, 18, 0), jst(2026, 1, 7, 8, 30))],
            },
        ];
        for case in cases {
            let got: Vec<_> = new_holes(&case.schedules, &case.existing, &case.candidate)
                .into_iter()
                .map(|h| (h.schedule, h.interval.start, h.interval.end))
                .collect();
            assert_eq!(got, case.expected, "{}", case.name);
        }
    }

    #[test]
    fn subtracting_intervals() {
        let t = |h| jst(2026, 1, 6, h, 0);
        let i = |a, b| Interval::new(t(a), t(b));
        let cases = [
            (vec![i(1, 5)], vec![], vec![i(1, 5)]),
            (vec![i(1, 5)], vec![i(2, 3)], vec![i(1, 2), i(3, 5)]),
            (vec![i(1, 5)], vec![i(0, 6)], vec![]),
            (
                vec![i(1, 5), i(7, 9)],
                vec![i(4, 8)],
                vec![i(1, 4), i(8, 9)],
            ),
            (vec![i(1, 5)], vec![i(5, 6)], vec![i(1, 5)]),
        ];
        for (a, b, expected) in cases {
            assert_eq!(subtract(&a, &b), expected, "{a:?} - {b:?}");
        }
        assert_eq!(total_length([i(1, 2), i(3, 5)]), TimeDelta::hours(3));
    }
}
