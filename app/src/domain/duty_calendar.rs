//! The duty calendar as the coordinator and the nurse station read it: one
//! line per Japan calendar day and covering party, each saying which rule
//! applies and, when someone stands in, for whom and why.
//!
//! [`duty_timeline`] merges neighbouring stretches with the same party,
//! which is right for "who do I call" but hides why: the same doctor may
//! cover Friday night on the weekday rule and Saturday on the weekend rule,
//! or first as a substitute and then on their own turn. [`calendar_rows`]
//! cuts the timeline again wherever the explanation changes and at every
//! Tokyo midnight, so each row reads as one sentence of a day.
//!
//! Pure: the caller loads the schedule and absences.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};
use serde::{Deserialize, Serialize};

use super::holidays;
use super::schedule::{
    day_kind, duty_timeline, from_tokyo, on_duty_at, to_tokyo, DayKind, DoctorId, DutyParty,
    DutyReason, DutySchedule, Interval, PlannedAbsence,
};

/// A Japan calendar day as the calendar heads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub weekday: Weekday,
    /// The public holiday's name (including 振替休日 and 国民の休日).
    pub holiday: Option<String>,
    /// 12/29–1/3, when clinics close although only 1/1 is a holiday.
    pub year_end: bool,
    pub kind: DayKind,
}

/// `days` consecutive Japan calendar days from `first`.
pub fn calendar_days(first: NaiveDate, days: u32) -> Vec<CalendarDay> {
    first
        .iter_days()
        .take(usize::try_from(days).unwrap_or(0))
        .map(|date| CalendarDay {
            date,
            weekday: date.weekday(),
            holiday: holidays::holiday_name(date).map(str::to_owned),
            year_end: holidays::is_year_end_break(date),
            kind: day_kind(date),
        })
        .collect()
}

/// The doctor the rules named who is away, so the row's party is their
/// substitute (or nobody).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwayDoctor {
    pub doctor: DoctorId,
    pub reason_text: String,
}

/// One line of the calendar: a stretch within one Japan day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarRow {
    /// The Japan date the stretch lies in.
    pub date: NaiveDate,
    pub interval: Interval,
    pub party: DutyParty,
    /// The label of the coverage rule that applies ("平日夜間"), if any.
    pub rule_label: Option<String>,
    pub away: Option<AwayDoctor>,
}

/// The instant of midnight starting Japan date `date`.
pub fn tokyo_midnight(date: NaiveDate) -> DateTime<Utc> {
    from_tokyo(date.and_time(NaiveTime::MIN))
}

/// The first and last Japan dates a calendar may cover. Outside them the
/// rota means nothing, and near chrono's limits (year ±262143) adding days
/// would overflow.
pub fn calendar_date_range() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(2199, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

/// A calendar request outside [`calendar_date_range`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfCalendarRange;

/// The instants `[start, end)` of `days` Japan days from midnight of
/// `first`, when every one of those days lies in [`calendar_date_range`].
/// Checked arithmetic throughout: no date, however far, can panic here.
pub fn calendar_span(
    first: NaiveDate,
    days: u32,
) -> Result<(DateTime<Utc>, DateTime<Utc>), OutOfCalendarRange> {
    let (earliest, latest) = calendar_date_range();
    let last = first
        .checked_add_days(chrono::Days::new(u64::from(days.max(1)) - 1))
        .ok_or(OutOfCalendarRange)?;
    if first < earliest || last > latest {
        return Err(OutOfCalendarRange);
    }
    let start = tokyo_midnight(first);
    let end = TimeDelta::try_days(i64::from(days))
        .and_then(|span| start.checked_add_signed(span))
        .ok_or(OutOfCalendarRange)?;
    Ok((start, end))
}

/// The calendar of `[from, from + days × 24 h)`, cut at Tokyo midnights and
/// wherever the covering party or its explanation changes.
pub fn calendar_rows(
    schedule: &DutySchedule,
    absences: &[PlannedAbsence],
    from: DateTime<Utc>,
    days: u32,
) -> Vec<CalendarRow> {
    let to = TimeDelta::try_days(i64::from(days))
        .and_then(|span| from.checked_add_signed(span))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let mut cuts = explanation_changes(schedule, absences, from, to);
    cuts.retain(|&c| from < c && c < to);
    cuts.sort();
    cuts.dedup();

    let mut rows: Vec<CalendarRow> = Vec::new();
    for slot in duty_timeline(schedule, absences, from, days) {
        let inner = cuts
            .iter()
            .copied()
            .filter(|&c| slot.interval.start < c && c < slot.interval.end);
        let mut edges = vec![slot.interval.start];
        edges.extend(inner);
        edges.push(slot.interval.end);
        for pair in edges.windows(2) {
            let (start, end) = (pair[0], pair[1]);
            let reasons = on_duty_at(schedule, absences, start).reasons;
            let row = CalendarRow {
                date: to_tokyo(start).date(),
                interval: Interval::new(start, end),
                party: slot.party,
                rule_label: reasons.iter().find_map(|r| match r {
                    DutyReason::RuleApplies { label, .. } => Some(label.clone()),
                    _ => None,
                }),
                away: reasons.iter().find_map(|r| match r {
                    DutyReason::Absent {
                        doctor,
                        reason_text,
                        ..
                    } => Some(AwayDoctor {
                        doctor: *doctor,
                        reason_text: reason_text.clone(),
                    }),
                    _ => None,
                }),
            };
            match rows.last_mut() {
                Some(last)
                    if last.interval.end == start
                        && last.date == row.date
                        && last.party == row.party
                        && last.rule_label == row.rule_label
                        && last.away == row.away =>
                {
                    last.interval.end = end;
                }
                _ => rows.push(row),
            }
        }
    }
    rows
}

/// Instants at which the explanation of who is on duty may change although
/// the party does not: midnights (a new calendar row), rule windows,
/// hand-offs, and the edges of absences, overrides and swaps.
fn explanation_changes(
    schedule: &DutySchedule,
    absences: &[PlannedAbsence],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let mut cuts = Vec::new();
    let last_day = to_tokyo(to).date();
    let mut day = to_tokyo(from).date().pred_opt();
    while let Some(date) = day.filter(|d| *d <= last_day) {
        cuts.push(tokyo_midnight(date));
        for rule in &schedule.rules {
            cuts.push(from_tokyo(date.and_time(rule.window.start)));
            cuts.push(from_tokyo(date.and_time(rule.window.end)));
        }
        day = date.succ_opt();
    }
    for rotation in &schedule.rotations {
        if from < rotation.start && rotation.start < to {
            cuts.push(rotation.start);
        }
        let mut t = from.max(rotation.start);
        while let Some(shift) = rotation.shift_at(t) {
            let end = shift.interval.end;
            if end >= to || end <= t {
                break;
            }
            cuts.push(end);
            t = end;
        }
    }
    for duty_override in &schedule.overrides {
        cuts.extend([duty_override.interval.start, duty_override.interval.end]);
    }
    for swap in &schedule.swaps {
        cuts.extend([
            swap.requester_gives.start,
            swap.requester_gives.end,
            swap.other_gives.start,
            swap.other_gives.end,
        ]);
    }
    for absence in absences {
        cuts.extend([absence.interval.start, absence.interval.end]);
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::{CoverageRule, DutyTarget, Rotation, ShiftLength, TimeWindow};
    use uuid::Uuid;

    const A: DoctorId = Uuid::from_u128(0xA);
    const B: DoctorId = Uuid::from_u128(0xB);
    const C: DoctorId = Uuid::from_u128(0xC);
    const WEEKLY: Uuid = Uuid::from_u128(0x100);

    fn jst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        from_tokyo(
            NaiveDate::from_ymd_opt(y, mo, d)
                .and_then(|date| date.and_hms_opt(h, mi, 0))
                .expect("valid test time"),
        )
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
    }

    /// Izumo-like: weekday nights 18:00–08:30 and weekends/holidays all day
    /// by a weekly rotation A → B → C handing off Monday 09:00, from
    /// Monday 2026-01-05.
    fn izumo() -> DutySchedule {
        let rule = |label: &str, days, start, end| CoverageRule {
            label: label.to_owned(),
            days,
            window: TimeWindow::new(start, end),
            target: DutyTarget::Rotation(WEEKLY),
        };
        DutySchedule {
            id: Uuid::from_u128(0x5C),
            name: "北".to_owned(),
            rotations: vec![Rotation {
                id: WEEKLY,
                name: "週替わり".to_owned(),
                participants: vec![A, B, C],
                shift_length: ShiftLength::Weekly,
                handoff_time: hm(9, 0),
                handoff_weekday: Weekday::Mon,
                start: jst(2026, 1, 5, 9, 0),
            }],
            rules: vec![
                rule("平日夜間", vec![DayKind::Weekday], hm(18, 0), hm(8, 30)),
                rule(
                    "土日祝",
                    vec![DayKind::Saturday, DayKind::SundayOrHoliday],
                    hm(8, 30),
                    hm(8, 30),
                ),
            ],
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
            id: Uuid::from_u128(0xAB),
            doctor,
            interval: Interval::new(start, end),
            reason_text: "学会".to_owned(),
            substitute,
        }
    }

    type Row = (
        DateTime<Utc>,
        DateTime<Utc>,
        DutyParty,
        Option<String>,
        Option<DoctorId>,
    );

    fn label(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    struct Case {
        name: &'static str,
        absences: Vec<PlannedAbsence>,
        from: DateTime<Utc>,
        days: u32,
        expected: Vec<Row>,
    }

    #[test]
    fn rows_split_at_midnight_and_where_the_explanation_changes() {
        use DutyParty::{Doctor, Hole, OutsideSchedule};
        let cases = vec![
            Case {
                name: "Friday into Saturday: one doctor, two rules, two days",
                absences: Vec::new(),
                from: jst(2026, 1, 9, 12, 0),
                days: 1,
                expected: vec![
                    (
                        jst(2026, 1, 9, 12, 0),
                        jst(2026, 1, 9, 18, 0),
                        OutsideSchedule,
                        None,
                        None,
                    ),
                    (
                        jst(2026, 1, 9, 18, 0),
                        jst(2026, 1, 10, 0, 0),
                        Doctor(A),
                        label("平日夜間"),
                        None,
                    ),
                    (
                        jst(2026, 1, 10, 0, 0),
                        jst(2026, 1, 10, 8, 30),
                        Doctor(A),
                        label("平日夜間"),
                        None,
                    ),
                    (
                        jst(2026, 1, 10, 8, 30),
                        jst(2026, 1, 10, 12, 0),
                        Doctor(A),
                        label("土日祝"),
                        None,
                    ),
                ],
            },
            Case {
                name: "a substitute who is next on the rotation is told apart from their own turn",
                // A away over Sunday night into Monday; B stands in, and B's
                // own week starts Monday 09:00.
                absences: vec![away(
                    A,
                    jst(2026, 1, 11, 20, 0),
                    jst(2026, 1, 12, 12, 0),
                    Some(B),
                )],
                from: jst(2026, 1, 11, 18, 0),
                days: 1,
                expected: vec![
                    (
                        jst(2026, 1, 11, 18, 0),
                        jst(2026, 1, 11, 20, 0),
                        Doctor(A),
                        label("土日祝"),
                        None,
                    ),
                    (
                        jst(2026, 1, 11, 20, 0),
                        jst(2026, 1, 12, 0, 0),
                        Doctor(B),
                        label("土日祝"),
                        Some(A),
                    ),
                    // 2026-01-12 is 成人の日: the holiday rule runs on.
                    (
                        jst(2026, 1, 12, 0, 0),
                        jst(2026, 1, 12, 9, 0),
                        Doctor(B),
                        label("土日祝"),
                        Some(A),
                    ),
                    (
                        jst(2026, 1, 12, 9, 0),
                        jst(2026, 1, 12, 18, 0),
                        Doctor(B),
                        label("土日祝"),
                        None,
                    ),
                ],
            },
            Case {
                name: "a hole names who is away",
                absences: vec![away(
                    A,
                    jst(2026, 1, 6, 12, 0),
                    jst(2026, 1, 7, 12, 0),
                    None,
                )],
                from: jst(2026, 1, 6, 12, 0),
                days: 1,
                expected: vec![
                    (
                        jst(2026, 1, 6, 12, 0),
                        jst(2026, 1, 6, 18, 0),
                        OutsideSchedule,
                        None,
                        None,
                    ),
                    (
                        jst(2026, 1, 6, 18, 0),
                        jst(2026, 1, 7, 0, 0),
                        Hole,
                        label("平日夜間"),
                        Some(A),
                    ),
                    (
                        jst(2026, 1, 7, 0, 0),
                        jst(2026, 1, 7, 8, 30),
                        Hole,
                        label("平日夜間"),
                        Some(A),
                    ),
                    (
                        jst(2026, 1, 7, 8, 30),
                        jst(2026, 1, 7, 12, 0),
                        OutsideSchedule,
                        None,
                        None,
                    ),
                ],
            },
        ];
        for case in cases {
            let got: Vec<Row> = calendar_rows(&izumo(), &case.absences, case.from, case.days)
                .into_iter()
                .map(|r| {
                    (
                        r.interval.start,
                        r.interval.end,
                        r.party,
                        r.rule_label,
                        r.away.map(|a| a.doctor),
                    )
                })
                .collect();
            assert_eq!(got, case.expected, "{}", case.name);
        }
    }

    #[test]
    fn calendar_spans_are_checked_at_the_edges_of_time() {
        let ok = |y, m, d, days| calendar_span(date(y, m, d), days).is_ok();
        // (first day, days, accepted)
        let cases = [
            ((2026, 12, 1), 14, true),
            ((2000, 1, 1), 31, true),
            ((1999, 12, 31), 1, false),
            ((2199, 12, 1), 31, true),
            ((2199, 12, 2), 31, false),
            ((2199, 12, 31), 0, true),
            ((2199, 12, 31), u32::MAX, false),
            ((262142, 12, 25), 31, false),
        ];
        for ((y, m, d), days, accepted) in cases {
            assert_eq!(ok(y, m, d, days), accepted, "{y}-{m}-{d} + {days}");
        }
        for first in [NaiveDate::MAX, NaiveDate::MIN] {
            for days in [0, 1, 31, u32::MAX] {
                assert_eq!(calendar_span(first, days), Err(OutOfCalendarRange));
            }
        }
        let (start, end) = calendar_span(date(2026, 12, 1), 2).unwrap();
        assert_eq!(start, jst(2026, 12, 1, 0, 0));
        assert_eq!(end, jst(2026, 12, 3, 0, 0));
    }

    #[test]
    fn rows_carry_their_japan_date() {
        let rows = calendar_rows(&izumo(), &[], jst(2026, 1, 9, 12, 0), 1);
        let dates: Vec<NaiveDate> = rows.iter().map(|r| r.date).collect();
        assert_eq!(
            dates,
            vec![
                date(2026, 1, 9),
                date(2026, 1, 9),
                date(2026, 1, 10),
                date(2026, 1, 10)
            ]
        );
    }

    #[test]
    fn calendar_days_mark_holidays_and_the_year_end_break() {
        let days = calendar_days(date(2026, 12, 28), 8);
        let summary: Vec<(u32, Option<&str>, bool, DayKind)> = days
            .iter()
            .map(|d| (d.date.day(), d.holiday.as_deref(), d.year_end, d.kind))
            .collect();
        assert_eq!(
            summary,
            vec![
                (28, None, false, DayKind::Weekday),
                (29, None, true, DayKind::SundayOrHoliday),
                (30, None, true, DayKind::SundayOrHoliday),
                (31, None, true, DayKind::SundayOrHoliday),
                (1, Some("元日"), true, DayKind::SundayOrHoliday),
                (2, None, true, DayKind::SundayOrHoliday),
                (3, None, true, DayKind::SundayOrHoliday),
                (4, None, false, DayKind::Weekday),
            ]
        );
        assert_eq!(days[0].weekday, Weekday::Mon);
        assert_eq!(tokyo_midnight(date(2026, 1, 1)), jst(2026, 1, 1, 0, 0));
    }
}
