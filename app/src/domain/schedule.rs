//! Who covers the team's nights, weekends and holidays: duty rotations, the
//! rules that pick a rotation for each hour, overrides, swaps and planned
//! absences.
//!
//! The model follows the one on-call tools such as GoAlert settled on, cut
//! down to what a team of clinics needs:
//!
//! * a [`Rotation`] hands duty from one doctor to the next at a fixed
//!   wall-clock time, every day or every week (Izumo's weekly 輪番制 hands
//!   over on Monday at 09:00);
//! * [`CoverageRule`]s say which rotation, doctor or the backup hospital
//!   covers a time window on a kind of day (Usuki: clinics on weekday
//!   evenings, the hospital late at night and on holidays). The first rule
//!   that matches wins, so the order is the priority;
//! * [`DutyOverride`]s and agreed [`ShiftSwap`]s change the result for a
//!   stretch of time;
//! * [`PlannedAbsence`]s (a conference, summer holidays) come last: an absent
//!   doctor is never on duty, whatever the rules, overrides or swaps say.
//!
//! All wall-clock reasoning is in Japan time (UTC+09:00, no daylight saving),
//! so a fixed offset is exact and no time-zone database is needed. A window
//! that crosses midnight belongs to the day it started on: Friday 22:00 to
//! Saturday 08:30 is a weekday night, and the night after a Monday holiday is
//! a holiday night even though Tuesday is a weekday.
//!
//! Everything here is pure: the caller loads the schedule and absences and
//! asks; nothing is read from a clock or a database.

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc, Weekday,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::holidays;

/// A doctor's id, as stored in the database.
pub type DoctorId = Uuid;

/// Japan Standard Time, UTC+09:00. Japan has had no daylight saving time
/// since 1951, so a fixed offset is exact.
pub const TOKYO: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    // Evaluated at compile time: a wrong constant fails the build, not a
    // night call.
    None => panic!("+09:00 is a valid offset"),
};

/// The Japan wall-clock time of an instant.
pub fn to_tokyo(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&TOKYO).naive_local()
}

/// The instant of a Japan wall-clock time.
///
/// Saturates at chrono's earliest instant instead of panicking; no real
/// schedule comes near it.
pub fn from_tokyo(local: NaiveDateTime) -> DateTime<Utc> {
    local
        .and_utc()
        .checked_sub_signed(TimeDelta::seconds(i64::from(TOKYO.local_minus_utc())))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A half-open stretch of time, `[start, end)`. Empty when `end <= start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Interval {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Self { start, end }
    }

    /// Whether `t` lies in the interval (the start counts, the end does not,
    /// so back-to-back intervals never both claim the hand-off instant).
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start <= t && t < self.end
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// How long one participant of a rotation stays on duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShiftLength {
    /// Hand over every day at the hand-off time.
    Daily,
    /// Hand over once a week, on the hand-off weekday at the hand-off time.
    Weekly,
}

impl ShiftLength {
    fn period(self) -> TimeDelta {
        match self {
            ShiftLength::Daily => TimeDelta::days(1),
            ShiftLength::Weekly => TimeDelta::days(7),
        }
    }
}

/// Doctors taking duty in turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rotation {
    pub id: Uuid,
    pub name: String,
    /// In order of turn; the first takes the shift that contains `start`.
    pub participants: Vec<DoctorId>,
    pub shift_length: ShiftLength,
    /// Japan wall-clock time at which duty passes to the next participant.
    pub handoff_time: NaiveTime,
    /// Weekday of the hand-off; ignored for daily rotations.
    pub handoff_weekday: Weekday,
    /// When the rotation comes into force. It need not be a hand-off
    /// instant: the first participant then covers until the next hand-off.
    pub start: DateTime<Utc>,
}

/// One participant's turn in a rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub doctor: DoctorId,
    /// 0 for the shift containing the rotation's start, then 1, 2, …
    pub index: u64,
    pub interval: Interval,
}

impl Rotation {
    /// The shift covering `t`, or `None` before the rotation starts or when
    /// it has no participants.
    pub fn shift_at(&self, t: DateTime<Utc>) -> Option<Shift> {
        if self.participants.is_empty() || t < self.start {
            return None;
        }
        let first = self.first_handoff();
        let local = to_tokyo(t);
        let (index, start, end) = if local < first {
            (0, self.start, from_tokyo(first))
        } else {
            let period = self.shift_length.period();
            let completed = (local - first).num_seconds() / period.num_seconds();
            let begin =
                first.checked_add_signed(period.checked_mul(i32::try_from(completed).ok()?)?)?;
            let finish = begin.checked_add_signed(period)?;
            (
                u64::try_from(completed).ok()? + 1,
                from_tokyo(begin),
                from_tokyo(finish),
            )
        };
        let turn = usize::try_from(index % u64::try_from(self.participants.len()).ok()?).ok()?;
        Some(Shift {
            doctor: *self.participants.get(turn)?,
            index,
            interval: Interval::new(start, end),
        })
    }

    /// The first hand-off strictly after the start, in Japan wall-clock time.
    fn first_handoff(&self) -> NaiveDateTime {
        let start = to_tokyo(self.start);
        let period = self.shift_length.period();
        let days_ahead = match self.shift_length {
            ShiftLength::Daily => 0,
            ShiftLength::Weekly => {
                (7 + i64::from(self.handoff_weekday.num_days_from_monday())
                    - i64::from(start.weekday().num_days_from_monday()))
                    % 7
            }
        };
        let candidate = start.date().and_time(self.handoff_time) + TimeDelta::days(days_ahead);
        if candidate <= start {
            candidate + period
        } else {
            candidate
        }
    }

    /// The instants in `[from, to]` at which the person on duty may change:
    /// the start and every hand-off.
    fn changes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let mut changes = Vec::new();
        if to < self.start {
            return changes;
        }
        if from <= self.start {
            changes.push(self.start);
        }
        let first = self.first_handoff();
        let period = self.shift_length.period();
        let from_local = to_tokyo(from);
        let skipped = if from_local <= first {
            0
        } else {
            // Jump straight to the first hand-off at or after `from` instead
            // of walking from a start that may lie years back.
            let seconds = (from_local - first).num_seconds();
            (seconds + period.num_seconds() - 1) / period.num_seconds()
        };
        let to_local = to_tokyo(to);
        let mut handoff = i32::try_from(skipped)
            .ok()
            .and_then(|n| period.checked_mul(n))
            .and_then(|offset| first.checked_add_signed(offset));
        while let Some(at) = handoff.filter(|at| *at <= to_local) {
            changes.push(from_tokyo(at));
            handoff = at.checked_add_signed(period);
        }
        changes
    }
}

/// The kinds of day duty rules distinguish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DayKind {
    /// Monday to Friday, not a holiday, not in the year-end break.
    Weekday,
    /// A Saturday that is not a holiday and not in the year-end break.
    Saturday,
    /// A Sunday, a public holiday, or a day of the year-end break
    /// (12/29–1/3): clinics are closed all day.
    SundayOrHoliday,
}

/// The kind of `date` for duty purposes.
pub fn day_kind(date: NaiveDate) -> DayKind {
    if holidays::is_sunday_or_holiday(date) {
        DayKind::SundayOrHoliday
    } else if date.weekday() == Weekday::Sat {
        DayKind::Saturday
    } else {
        DayKind::Weekday
    }
}

/// A daily window of Japan wall-clock time.
///
/// `start < end` is a window within one day (18:00–22:00); `end < start`
/// crosses midnight (22:00–08:30); `start == end` is a whole day starting at
/// `start` (08:30–08:30).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeWindow {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl TimeWindow {
    pub fn new(start: NaiveTime, end: NaiveTime) -> Self {
        Self { start, end }
    }

    /// If `local` falls in an occurrence of this window, the date that
    /// occurrence started on; its day kind decides whether a rule applies.
    pub fn started_on(&self, local: NaiveDateTime) -> Option<NaiveDate> {
        let time = local.time();
        let date = local.date();
        if self.start < self.end {
            (self.start <= time && time < self.end).then_some(date)
        } else if time >= self.start {
            Some(date)
        } else if time < self.end {
            date.pred_opt()
        } else {
            None
        }
    }
}

/// Who a rule puts on duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DutyTarget {
    /// Whoever's turn it is in the rotation with this id.
    Rotation(Uuid),
    /// Always this doctor.
    Doctor(DoctorId),
    /// The backup hospital (後方支援病院) takes the calls.
    BackupHospital,
}

/// "On these kinds of day, in this window, this target covers."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageRule {
    /// Shown to the coordinator, e.g. "平日準夜".
    pub label: String,
    /// Kinds of the day the window *starts* on.
    pub days: Vec<DayKind>,
    pub window: TimeWindow,
    pub target: DutyTarget,
}

/// A coordinator's change to who is on duty for a stretch of time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DutyOverride {
    pub id: Uuid,
    pub interval: Interval,
    pub change: OverrideChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OverrideChange {
    /// `substitute` takes every turn `replaced` would have had.
    Replace {
        replaced: DoctorId,
        substitute: DoctorId,
    },
    /// `doctor` is on duty for the whole interval, whoever the rules name
    /// and even where the rules name nobody.
    Cover { doctor: DoctorId },
}

/// Two doctors trade turns: the requester's duty in `requester_gives` goes
/// to the other, the other's duty in `other_gives` to the requester.
///
/// Until the other doctor agrees it changes nothing, so a request nobody
/// answered cannot leave a night uncovered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftSwap {
    pub id: Uuid,
    pub requester: DoctorId,
    pub requester_gives: Interval,
    pub other: DoctorId,
    pub other_gives: Interval,
    pub agreed_by_other: bool,
}

/// A doctor's announced absence (学会, 夏休み), with an optional stand-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedAbsence {
    pub id: Uuid,
    pub doctor: DoctorId,
    pub interval: Interval,
    /// Free text the doctor gave, shown as is ("学会", "夏季休暇").
    pub reason_text: String,
    pub substitute: Option<DoctorId>,
}

/// The team's duty schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DutySchedule {
    pub id: Uuid,
    pub name: String,
    pub rotations: Vec<Rotation>,
    /// In priority order: the first rule matching an instant decides.
    pub rules: Vec<CoverageRule>,
    /// Applied in order after swaps, so a later override wins.
    pub overrides: Vec<DutyOverride>,
    pub swaps: Vec<ShiftSwap>,
}

impl DutySchedule {
    pub fn rotation(&self, id: Uuid) -> Option<&Rotation> {
        self.rotations.iter().find(|r| r.id == id)
    }
}

/// Who covers an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DutyParty {
    Doctor(DoctorId),
    BackupHospital,
    /// A rule says the team covers, but nobody can: a gap the coordinator
    /// must fill.
    Hole,
    /// No rule covers this time (weekday office hours, typically): calls go
    /// to the attending clinic, not the team.
    OutsideSchedule,
}

/// One link in the explanation of a [`DutyAnswer`], as data for the UI to
/// put into words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DutyReason {
    /// The day that decided the rule is a public holiday.
    Holiday {
        date: NaiveDate,
        name: String,
    },
    /// The day that decided the rule is in the year-end break.
    YearEndBreak {
        date: NaiveDate,
    },
    RuleApplies {
        rule_index: usize,
        label: String,
        day_kind: DayKind,
        window_started_on: NaiveDate,
    },
    NoRuleApplies {
        date: NaiveDate,
        day_kind: DayKind,
    },
    RotationShift {
        rotation_id: Uuid,
        doctor: DoctorId,
        shift: Interval,
    },
    RotationNotStarted {
        rotation_id: Uuid,
        starts: DateTime<Utc>,
    },
    RotationEmpty {
        rotation_id: Uuid,
    },
    /// A rule names a rotation the schedule does not have.
    RotationMissing {
        rotation_id: Uuid,
    },
    FixedDoctor {
        doctor: DoctorId,
    },
    BackupHospitalCovers,
    SwapApplied {
        swap_id: Uuid,
        from: DoctorId,
        to: DoctorId,
    },
    /// A swap would apply but the other doctor has not agreed.
    SwapNotAgreed {
        swap_id: Uuid,
        requester: DoctorId,
        other: DoctorId,
    },
    OverrideReplaces {
        override_id: Uuid,
        replaced: DoctorId,
        substitute: DoctorId,
    },
    OverrideCovers {
        override_id: Uuid,
        doctor: DoctorId,
    },
    /// `doctor` is away; `substitute` was named for the absence.
    Absent {
        doctor: DoctorId,
        reason_text: String,
        until: DateTime<Utc>,
        substitute: Option<DoctorId>,
    },
}

/// The answer to "who is on duty at this instant, and why".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyAnswer {
    pub party: DutyParty,
    pub reasons: Vec<DutyReason>,
}

/// A stretch of time with one covering party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutySlot {
    pub interval: Interval,
    pub party: DutyParty,
}

/// One absence met while looking for someone who is available.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsenceHop {
    pub doctor: DoctorId,
    pub reason_text: String,
    pub until: DateTime<Utc>,
    pub substitute: Option<DoctorId>,
}

/// Who actually answers for a doctor at an instant, after following
/// substitutes of absent doctors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandIn {
    /// Empty when the doctor asked about is available.
    pub hops: Vec<AbsenceHop>,
    /// The doctor asked about, a substitute, or `None` when the chain ends
    /// at an absence without a substitute (or loops back on itself).
    pub available: Option<DoctorId>,
}

/// The absence of `doctor` covering `t`, if any (the first listed wins
/// where absences overlap).
pub fn absence_at(
    absences: &[PlannedAbsence],
    doctor: DoctorId,
    t: DateTime<Utc>,
) -> Option<&PlannedAbsence> {
    absences
        .iter()
        .find(|a| a.doctor == doctor && a.interval.contains(t))
}

/// Follows substitutes from `doctor` until someone available is found.
///
/// A substitute who is away too hands on to their own substitute; a chain
/// that comes back to a doctor already visited ends with nobody, because
/// those doctors have all said they are away.
pub fn stand_in(absences: &[PlannedAbsence], doctor: DoctorId, t: DateTime<Utc>) -> StandIn {
    let mut hops = Vec::new();
    let mut visited = vec![doctor];
    let mut current = doctor;
    let available = loop {
        let Some(absence) = absence_at(absences, current, t) else {
            break Some(current);
        };
        hops.push(AbsenceHop {
            doctor: current,
            reason_text: absence.reason_text.clone(),
            until: absence.interval.end,
            substitute: absence.substitute,
        });
        match absence.substitute {
            Some(next) if !visited.contains(&next) => {
                visited.push(next);
                current = next;
            }
            _ => break None,
        }
    };
    StandIn { hops, available }
}

/// Who is on duty at `t`, with the chain of reasons.
///
/// Order of precedence: coverage rules (first match), then agreed swaps,
/// then overrides, then absences.
pub fn on_duty_at(
    schedule: &DutySchedule,
    absences: &[PlannedAbsence],
    t: DateTime<Utc>,
) -> DutyAnswer {
    let mut reasons = Vec::new();
    let mut party = party_by_rules(schedule, t, &mut reasons);

    for swap in &schedule.swaps {
        let DutyParty::Doctor(doctor) = party else {
            break;
        };
        let counterpart = if doctor == swap.requester && swap.requester_gives.contains(t) {
            Some(swap.other)
        } else if doctor == swap.other && swap.other_gives.contains(t) {
            Some(swap.requester)
        } else {
            None
        };
        let Some(counterpart) = counterpart else {
            continue;
        };
        if swap.agreed_by_other {
            reasons.push(DutyReason::SwapApplied {
                swap_id: swap.id,
                from: doctor,
                to: counterpart,
            });
            party = DutyParty::Doctor(counterpart);
        } else {
            reasons.push(DutyReason::SwapNotAgreed {
                swap_id: swap.id,
                requester: swap.requester,
                other: swap.other,
            });
        }
    }

    for duty_override in schedule.overrides.iter().filter(|o| o.interval.contains(t)) {
        match duty_override.change {
            OverrideChange::Replace {
                replaced,
                substitute,
            } if party == DutyParty::Doctor(replaced) => {
                reasons.push(DutyReason::OverrideReplaces {
                    override_id: duty_override.id,
                    replaced,
                    substitute,
                });
                party = DutyParty::Doctor(substitute);
            }
            OverrideChange::Replace { .. } => {}
            OverrideChange::Cover { doctor } => {
                reasons.push(DutyReason::OverrideCovers {
                    override_id: duty_override.id,
                    doctor,
                });
                party = DutyParty::Doctor(doctor);
            }
        }
    }

    if let DutyParty::Doctor(doctor) = party {
        let found = stand_in(absences, doctor, t);
        reasons.extend(found.hops.into_iter().map(|hop| DutyReason::Absent {
            doctor: hop.doctor,
            reason_text: hop.reason_text,
            until: hop.until,
            substitute: hop.substitute,
        }));
        party = found.available.map_or(DutyParty::Hole, DutyParty::Doctor);
    }

    DutyAnswer { party, reasons }
}

/// The party named by the first matching coverage rule.
fn party_by_rules(
    schedule: &DutySchedule,
    t: DateTime<Utc>,
    reasons: &mut Vec<DutyReason>,
) -> DutyParty {
    let local = to_tokyo(t);
    let matched = schedule.rules.iter().enumerate().find_map(|(index, rule)| {
        let started_on = rule.window.started_on(local)?;
        let kind = day_kind(started_on);
        rule.days
            .contains(&kind)
            .then_some((index, rule, started_on, kind))
    });

    let Some((rule_index, rule, started_on, kind)) = matched else {
        let date = local.date();
        push_day_notes(date, reasons);
        reasons.push(DutyReason::NoRuleApplies {
            date,
            day_kind: day_kind(date),
        });
        return DutyParty::OutsideSchedule;
    };

    push_day_notes(started_on, reasons);
    reasons.push(DutyReason::RuleApplies {
        rule_index,
        label: rule.label.clone(),
        day_kind: kind,
        window_started_on: started_on,
    });

    match rule.target {
        DutyTarget::BackupHospital => {
            reasons.push(DutyReason::BackupHospitalCovers);
            DutyParty::BackupHospital
        }
        DutyTarget::Doctor(doctor) => {
            reasons.push(DutyReason::FixedDoctor { doctor });
            DutyParty::Doctor(doctor)
        }
        DutyTarget::Rotation(rotation_id) => {
            let Some(rotation) = schedule.rotation(rotation_id) else {
                reasons.push(DutyReason::RotationMissing { rotation_id });
                return DutyParty::Hole;
            };
            match rotation.shift_at(t) {
                Some(shift) => {
                    reasons.push(DutyReason::RotationShift {
                        rotation_id,
                        doctor: shift.doctor,
                        shift: shift.interval,
                    });
                    DutyParty::Doctor(shift.doctor)
                }
                None if rotation.participants.is_empty() => {
                    reasons.push(DutyReason::RotationEmpty { rotation_id });
                    DutyParty::Hole
                }
                None => {
                    reasons.push(DutyReason::RotationNotStarted {
                        rotation_id,
                        starts: rotation.start,
                    });
                    DutyParty::Hole
                }
            }
        }
    }
}

/// Why a day counts as Sunday-or-holiday when it is not simply a Sunday.
fn push_day_notes(date: NaiveDate, reasons: &mut Vec<DutyReason>) {
    if let Some(name) = holidays::holiday_name(date) {
        reasons.push(DutyReason::Holiday {
            date,
            name: name.to_owned(),
        });
    }
    if holidays::is_year_end_break(date) {
        reasons.push(DutyReason::YearEndBreak { date });
    }
}

/// Consecutive slots covering `[from, from + days × 24 h)`, each with the
/// party on duty; neighbouring stretches with the same party are merged.
///
/// Ask [`on_duty_at`] at a slot's start for the reasons.
pub fn duty_timeline(
    schedule: &DutySchedule,
    absences: &[PlannedAbsence],
    from: DateTime<Utc>,
    days: u32,
) -> Vec<DutySlot> {
    let to = TimeDelta::try_days(i64::from(days))
        .and_then(|span| from.checked_add_signed(span))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let mut cuts = change_instants(schedule, absences, from, to);
    cuts.retain(|&c| from <= c && c <= to);
    cuts.sort();
    cuts.dedup();

    let mut slots: Vec<DutySlot> = Vec::new();
    for pair in cuts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        let party = on_duty_at(schedule, absences, start).party;
        match slots.last_mut() {
            Some(last) if last.party == party && last.interval.end == start => {
                last.interval.end = end;
            }
            _ => slots.push(DutySlot {
                interval: Interval::new(start, end),
                party,
            }),
        }
    }
    slots
}

/// The stretches in `[from, from + days × 24 h)` where a rule asks for cover
/// and nobody can give it.
pub fn coverage_holes(
    schedule: &DutySchedule,
    absences: &[PlannedAbsence],
    from: DateTime<Utc>,
    days: u32,
) -> Vec<Interval> {
    duty_timeline(schedule, absences, from, days)
        .into_iter()
        .filter(|slot| slot.party == DutyParty::Hole)
        .map(|slot| slot.interval)
        .collect()
}

/// Every instant in `[from, to]` at which the answer of [`on_duty_at`] can
/// change. Between two neighbouring instants the answer is constant, so the
/// timeline needs to ask only once per stretch.
fn change_instants(
    schedule: &DutySchedule,
    absences: &[PlannedAbsence],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let mut cuts = vec![from, to];

    // A rule can only start or stop matching at its window's edges; the day
    // kind is fixed for a whole occurrence, so midnight is no edge. Start a
    // day early for windows that began the evening before `from`.
    let last_day = to_tokyo(to).date();
    let mut day = to_tokyo(from).date().pred_opt();
    while let Some(date) = day.filter(|d| *d <= last_day) {
        for rule in &schedule.rules {
            cuts.push(from_tokyo(date.and_time(rule.window.start)));
            cuts.push(from_tokyo(date.and_time(rule.window.end)));
        }
        day = date.succ_opt();
    }

    for rotation in &schedule.rotations {
        cuts.extend(rotation.changes_between(from, to));
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

    const A: DoctorId = Uuid::from_u128(0xA);
    const B: DoctorId = Uuid::from_u128(0xB);
    const C: DoctorId = Uuid::from_u128(0xC);
    const D: DoctorId = Uuid::from_u128(0xD);
    const E: DoctorId = Uuid::from_u128(0xE);
    const EVENING: Uuid = Uuid::from_u128(0x100);
    const NIGHT: Uuid = Uuid::from_u128(0x200);
    const HOLIDAY: Uuid = Uuid::from_u128(0x300);

    /// An instant given as Japan wall-clock time.
    fn jst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        let local = NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_opt(h, mi, 0))
            .expect("valid test time");
        from_tokyo(local)
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("valid test time of day")
    }

    fn between(start: DateTime<Utc>, end: DateTime<Utc>) -> Interval {
        Interval::new(start, end)
    }

    /// A team in the shape the seeds describe, starting Monday 2026-01-05:
    ///
    /// * weekday evenings 18:00–22:00: weekly rotation A → B → C, hand-off
    ///   Monday 09:00 (Izumo);
    /// * weekday late nights 22:00–08:30: daily rotation C → D, hand-off
    ///   08:30;
    /// * Saturday 13:00 to Sunday 08:30: the backup hospital (Usuki);
    /// * Sundays, holidays and the year-end break, 08:30 to 08:30: daily
    ///   rotation D → E.
    ///
    /// 2026-01-12 is 成人の日.
    fn team_schedule() -> DutySchedule {
        let rotation = |id, name: &str, participants, shift_length, handoff_time| Rotation {
            id,
            name: name.to_owned(),
            participants,
            shift_length,
            handoff_time,
            handoff_weekday: Weekday::Mon,
            start: from_tokyo(
                NaiveDate::from_ymd_opt(2026, 1, 5)
                    .expect("valid date")
                    .and_time(handoff_time),
            ),
        };
        let rule = |label: &str, days, start, end, target| CoverageRule {
            label: label.to_owned(),
            days,
            window: TimeWindow::new(start, end),
            target,
        };
        DutySchedule {
            id: Uuid::from_u128(0x5C),
            name: "甲府チーム".to_owned(),
            rotations: vec![
                rotation(
                    EVENING,
                    "準夜",
                    vec![A, B, C],
                    ShiftLength::Weekly,
                    hm(9, 0),
                ),
                rotation(NIGHT, "深夜", vec![C, D], ShiftLength::Daily, hm(8, 30)),
                rotation(HOLIDAY, "休日", vec![D, E], ShiftLength::Daily, hm(8, 30)),
            ],
            rules: vec![
                rule(
                    "平日準夜",
                    vec![DayKind::Weekday],
                    hm(18, 0),
                    hm(22, 0),
                    DutyTarget::Rotation(EVENING),
                ),
                rule(
                    "平日深夜",
                    vec![DayKind::Weekday],
                    hm(22, 0),
                    hm(8, 30),
                    DutyTarget::Rotation(NIGHT),
                ),
                rule(
                    "土曜",
                    vec![DayKind::Saturday],
                    hm(13, 0),
                    hm(8, 30),
                    DutyTarget::BackupHospital,
                ),
                rule(
                    "日祝・年末年始",
                    vec![DayKind::SundayOrHoliday],
                    hm(8, 30),
                    hm(8, 30),
                    DutyTarget::Rotation(HOLIDAY),
                ),
            ],
            overrides: Vec::new(),
            swaps: Vec::new(),
        }
    }

    fn absence(
        doctor: DoctorId,
        interval: Interval,
        substitute: Option<DoctorId>,
    ) -> PlannedAbsence {
        PlannedAbsence {
            id: Uuid::from_u128(0xAB5 + doctor.as_u128()),
            doctor,
            interval,
            reason_text: "学会".to_owned(),
            substitute,
        }
    }

    fn swap_friday_for_tuesday(agreed_by_other: bool) -> ShiftSwap {
        ShiftSwap {
            id: Uuid::from_u128(0x5A),
            requester: A,
            requester_gives: between(jst(2026, 1, 9, 18, 0), jst(2026, 1, 9, 22, 0)),
            other: B,
            other_gives: between(jst(2026, 1, 13, 18, 0), jst(2026, 1, 13, 22, 0)),
            agreed_by_other,
        }
    }

    struct Case {
        name: &'static str,
        schedule: DutySchedule,
        absences: Vec<PlannedAbsence>,
        at: DateTime<Utc>,
        expected: DutyParty,
    }

    fn case(name: &'static str, at: DateTime<Utc>, expected: DutyParty) -> Case {
        Case {
            name,
            schedule: team_schedule(),
            absences: Vec::new(),
            at,
            expected,
        }
    }

    #[test]
    fn on_duty_at_follows_rules_rotations_overrides_swaps_and_absences() {
        use DutyParty::{BackupHospital, Doctor, Hole, OutsideSchedule};

        let with_overrides = |overrides| DutySchedule {
            overrides,
            ..team_schedule()
        };
        let with_swap = |swap| DutySchedule {
            swaps: vec![swap],
            ..team_schedule()
        };
        let friday = between(jst(2026, 1, 9, 0, 0), jst(2026, 1, 10, 0, 0));

        let cases = vec![
            case(
                "weekday office hours are outside the schedule",
                jst(2026, 1, 9, 12, 0),
                OutsideSchedule,
            ),
            case(
                "weekday evening, first week of the rotation",
                jst(2026, 1, 9, 19, 0),
                Doctor(A),
            ),
            case(
                "holiday Monday 08:00 is still Sunday's 24-hour shift",
                jst(2026, 1, 12, 8, 0),
                Doctor(D),
            ),
            case(
                "second week after the Monday hand-off",
                jst(2026, 1, 13, 19, 0),
                Doctor(B),
            ),
            case("third week", jst(2026, 1, 19, 19, 0), Doctor(C)),
            case(
                "fourth week wraps around to the first doctor",
                jst(2026, 1, 26, 19, 0),
                Doctor(A),
            ),
            case(
                "weekday late night 23:00 Monday",
                jst(2026, 1, 5, 23, 0),
                Doctor(C),
            ),
            case(
                "after midnight the late night still belongs to Monday's shift",
                jst(2026, 1, 6, 2, 0),
                Doctor(C),
            ),
            case(
                "the daily hand-off at 08:30 does not reopen the night window",
                jst(2026, 1, 6, 8, 30),
                OutsideSchedule,
            ),
            case(
                "Tuesday late night is the next doctor's",
                jst(2026, 1, 6, 23, 0),
                Doctor(D),
            ),
            case(
                "Friday night crossing into Saturday is a weekday night",
                jst(2026, 1, 10, 2, 0),
                Doctor(C),
            ),
            case(
                "Saturday morning before the Saturday window",
                jst(2026, 1, 10, 10, 0),
                OutsideSchedule,
            ),
            case(
                "Saturday afternoon goes to the backup hospital",
                jst(2026, 1, 10, 14, 0),
                BackupHospital,
            ),
            case(
                "Saturday's window runs past midnight into Sunday",
                jst(2026, 1, 11, 3, 0),
                BackupHospital,
            ),
            case(
                "Sunday daytime by the holiday rotation",
                jst(2026, 1, 11, 10, 0),
                Doctor(D),
            ),
            case(
                "Sunday night after midnight still Sunday's shift",
                jst(2026, 1, 12, 2, 0),
                Doctor(D),
            ),
            case(
                "a Monday holiday (成人の日) evening is a holiday, not a weekday",
                jst(2026, 1, 12, 19, 0),
                Doctor(E),
            ),
            case(
                "the night after a Monday holiday belongs to the holiday",
                jst(2026, 1, 13, 3, 0),
                Doctor(E),
            ),
            case(
                "year-end break 12/29 evening is a holiday",
                jst(2026, 12, 29, 19, 0),
                Doctor(D),
            ),
            case(
                "the night 12/28 → 12/29 started on a weekday",
                jst(2026, 12, 29, 2, 0),
                Doctor(D),
            ),
            case(
                "12/28 evening is an ordinary weekday",
                jst(2026, 12, 28, 19, 0),
                Doctor(A),
            ),
            case(
                "1/4 evening after the break is a weekday again",
                jst(2027, 1, 4, 19, 0),
                Doctor(B),
            ),
            Case {
                name: "override: E replaces A for Friday",
                schedule: with_overrides(vec![DutyOverride {
                    id: Uuid::from_u128(0x0F),
                    interval: friday,
                    change: OverrideChange::Replace {
                        replaced: A,
                        substitute: E,
                    },
                }]),
                ..case("", jst(2026, 1, 9, 19, 0), Doctor(E))
            },
            Case {
                name: "override replacing A does not touch C's night",
                schedule: with_overrides(vec![DutyOverride {
                    id: Uuid::from_u128(0x0F),
                    interval: friday,
                    change: OverrideChange::Replace {
                        replaced: A,
                        substitute: E,
                    },
                }]),
                ..case("", jst(2026, 1, 9, 23, 0), Doctor(C))
            },
            Case {
                name: "override: B covers a Saturday the hospital would have had",
                schedule: with_overrides(vec![DutyOverride {
                    id: Uuid::from_u128(0x0F),
                    interval: between(jst(2026, 1, 10, 12, 0), jst(2026, 1, 11, 12, 0)),
                    change: OverrideChange::Cover { doctor: B },
                }]),
                ..case("", jst(2026, 1, 10, 14, 0), Doctor(B))
            },
            Case {
                name: "agreed swap: B takes A's Friday evening",
                schedule: with_swap(swap_friday_for_tuesday(true)),
                ..case("", jst(2026, 1, 9, 19, 0), Doctor(B))
            },
            Case {
                name: "agreed swap: A takes B's Tuesday evening",
                schedule: with_swap(swap_friday_for_tuesday(true)),
                ..case("", jst(2026, 1, 13, 19, 0), Doctor(A))
            },
            Case {
                name: "swap not agreed by the other doctor changes nothing",
                schedule: with_swap(swap_friday_for_tuesday(false)),
                ..case("", jst(2026, 1, 9, 19, 0), Doctor(A))
            },
            Case {
                name: "absence with a substitute: the substitute takes the slot",
                absences: vec![absence(A, friday, Some(E))],
                ..case("", jst(2026, 1, 9, 19, 0), Doctor(E))
            },
            Case {
                name: "absence without a substitute leaves a hole",
                absences: vec![absence(A, friday, None)],
                ..case("", jst(2026, 1, 9, 19, 0), Hole)
            },
            Case {
                name: "substitute away too: follow their own substitute",
                absences: vec![absence(A, friday, Some(E)), absence(E, friday, Some(D))],
                ..case("", jst(2026, 1, 9, 19, 0), Doctor(D))
            },
            Case {
                name: "substitutes pointing at each other leave a hole",
                absences: vec![absence(A, friday, Some(E)), absence(E, friday, Some(A))],
                ..case("", jst(2026, 1, 9, 19, 0), Hole)
            },
            Case {
                name: "an absent doctor is never on duty, even by override",
                schedule: with_overrides(vec![DutyOverride {
                    id: Uuid::from_u128(0x0F),
                    interval: friday,
                    change: OverrideChange::Cover { doctor: B },
                }]),
                absences: vec![absence(B, friday, None)],
                ..case("", jst(2026, 1, 9, 19, 0), Hole)
            },
            Case {
                name: "absence does not affect the backup hospital",
                absences: vec![absence(
                    A,
                    between(jst(2026, 1, 10, 0, 0), jst(2026, 1, 11, 0, 0)),
                    None,
                )],
                ..case("", jst(2026, 1, 10, 14, 0), BackupHospital)
            },
            Case {
                name: "a rotation with nobody in it is a hole",
                schedule: DutySchedule {
                    rotations: team_schedule()
                        .rotations
                        .into_iter()
                        .map(|r| Rotation {
                            participants: Vec::new(),
                            ..r
                        })
                        .collect(),
                    ..team_schedule()
                },
                ..case("", jst(2026, 1, 9, 19, 0), Hole)
            },
            Case {
                name: "1/2 (year-end break) before the rotations start: nobody",
                ..case("", jst(2026, 1, 2, 19, 0), Hole)
            },
        ];

        for case in cases {
            let answer = on_duty_at(&case.schedule, &case.absences, case.at);
            assert_eq!(
                answer.party,
                case.expected,
                "case {:?} at {} JST; reasons: {:#?}",
                case.name,
                to_tokyo(case.at),
                answer.reasons
            );
        }
    }

    struct ReasonCase {
        name: &'static str,
        schedule: DutySchedule,
        absences: Vec<PlannedAbsence>,
        at: DateTime<Utc>,
        expected: Vec<DutyReason>,
    }

    #[test]
    fn reasons_explain_the_answer_step_by_step() {
        let friday = between(jst(2026, 1, 9, 0, 0), jst(2026, 1, 10, 0, 0));
        let holiday_shift = between(jst(2026, 1, 12, 8, 30), jst(2026, 1, 13, 8, 30));
        let first_week = between(jst(2026, 1, 5, 9, 0), jst(2026, 1, 12, 9, 0));
        let evening_rule = DutyReason::RuleApplies {
            rule_index: 0,
            label: "平日準夜".to_owned(),
            day_kind: DayKind::Weekday,
            window_started_on: NaiveDate::from_ymd_opt(2026, 1, 9).expect("valid date"),
        };
        let cases = vec![
            ReasonCase {
                name: "holiday night started on 成人の日",
                schedule: team_schedule(),
                absences: Vec::new(),
                at: jst(2026, 1, 13, 3, 0),
                expected: vec![
                    DutyReason::Holiday {
                        date: NaiveDate::from_ymd_opt(2026, 1, 12).expect("valid date"),
                        name: "成人の日".to_owned(),
                    },
                    DutyReason::RuleApplies {
                        rule_index: 3,
                        label: "日祝・年末年始".to_owned(),
                        day_kind: DayKind::SundayOrHoliday,
                        window_started_on: NaiveDate::from_ymd_opt(2026, 1, 12)
                            .expect("valid date"),
                    },
                    DutyReason::RotationShift {
                        rotation_id: HOLIDAY,
                        doctor: E,
                        shift: holiday_shift,
                    },
                ],
            },
            ReasonCase {
                name: "year-end break on a Tuesday",
                schedule: team_schedule(),
                absences: Vec::new(),
                at: jst(2026, 12, 29, 12, 0),
                expected: vec![
                    DutyReason::YearEndBreak {
                        date: NaiveDate::from_ymd_opt(2026, 12, 29).expect("valid date"),
                    },
                    DutyReason::RuleApplies {
                        rule_index: 3,
                        label: "日祝・年末年始".to_owned(),
                        day_kind: DayKind::SundayOrHoliday,
                        window_started_on: NaiveDate::from_ymd_opt(2026, 12, 29)
                            .expect("valid date"),
                    },
                    DutyReason::RotationShift {
                        rotation_id: HOLIDAY,
                        doctor: D,
                        shift: between(jst(2026, 12, 29, 8, 30), jst(2026, 12, 30, 8, 30)),
                    },
                ],
            },
            ReasonCase {
                name: "unagreed swap is reported but not applied",
                schedule: DutySchedule {
                    swaps: vec![swap_friday_for_tuesday(false)],
                    ..team_schedule()
                },
                absences: Vec::new(),
                at: jst(2026, 1, 9, 19, 0),
                expected: vec![
                    evening_rule.clone(),
                    DutyReason::RotationShift {
                        rotation_id: EVENING,
                        doctor: A,
                        shift: first_week,
                    },
                    DutyReason::SwapNotAgreed {
                        swap_id: Uuid::from_u128(0x5A),
                        requester: A,
                        other: B,
                    },
                ],
            },
            ReasonCase {
                name: "absence with substitute names both",
                schedule: team_schedule(),
                absences: vec![absence(A, friday, Some(E))],
                at: jst(2026, 1, 9, 19, 0),
                expected: vec![
                    evening_rule,
                    DutyReason::RotationShift {
                        rotation_id: EVENING,
                        doctor: A,
                        shift: first_week,
                    },
                    DutyReason::Absent {
                        doctor: A,
                        reason_text: "学会".to_owned(),
                        until: friday.end,
                        substitute: Some(E),
                    },
                ],
            },
            ReasonCase {
                name: "no rule on a weekday morning",
                schedule: team_schedule(),
                absences: Vec::new(),
                at: jst(2026, 1, 9, 10, 0),
                expected: vec![DutyReason::NoRuleApplies {
                    date: NaiveDate::from_ymd_opt(2026, 1, 9).expect("valid date"),
                    day_kind: DayKind::Weekday,
                }],
            },
        ];
        for case in cases {
            assert_eq!(
                on_duty_at(&case.schedule, &case.absences, case.at).reasons,
                case.expected,
                "case {:?}",
                case.name
            );
        }
    }

    struct ShiftCase {
        name: &'static str,
        rotation: Rotation,
        at: DateTime<Utc>,
        expected: Option<(DoctorId, u64, Interval)>,
    }

    #[test]
    fn rotation_shifts_hand_over_at_the_hand_off_time() {
        let weekly = Rotation {
            id: EVENING,
            name: "輪番".to_owned(),
            participants: vec![A, B, C],
            shift_length: ShiftLength::Weekly,
            handoff_time: hm(9, 0),
            handoff_weekday: Weekday::Mon,
            // A Wednesday: A covers until the first Monday hand-off.
            start: jst(2026, 1, 7, 12, 0),
        };
        let daily = Rotation {
            shift_length: ShiftLength::Daily,
            handoff_time: hm(8, 30),
            participants: vec![C, D],
            start: jst(2026, 1, 5, 8, 30),
            ..weekly.clone()
        };
        let cases = [
            ShiftCase {
                name: "before the start nobody",
                rotation: weekly.clone(),
                at: jst(2026, 1, 7, 11, 59),
                expected: None,
            },
            ShiftCase {
                name: "a mid-week start gives a short first shift",
                rotation: weekly.clone(),
                at: jst(2026, 1, 7, 12, 0),
                expected: Some((
                    A,
                    0,
                    between(jst(2026, 1, 7, 12, 0), jst(2026, 1, 12, 9, 0)),
                )),
            },
            ShiftCase {
                name: "Monday 08:59 is still the old week",
                rotation: weekly.clone(),
                at: jst(2026, 1, 12, 8, 59),
                expected: Some((
                    A,
                    0,
                    between(jst(2026, 1, 7, 12, 0), jst(2026, 1, 12, 9, 0)),
                )),
            },
            ShiftCase {
                name: "Monday 09:00 hands over across the week boundary",
                rotation: weekly.clone(),
                at: jst(2026, 1, 12, 9, 0),
                expected: Some((
                    B,
                    1,
                    between(jst(2026, 1, 12, 9, 0), jst(2026, 1, 19, 9, 0)),
                )),
            },
            ShiftCase {
                name: "Sunday night is the end of the same week",
                rotation: weekly.clone(),
                at: jst(2026, 1, 18, 23, 0),
                expected: Some((
                    B,
                    1,
                    between(jst(2026, 1, 12, 9, 0), jst(2026, 1, 19, 9, 0)),
                )),
            },
            ShiftCase {
                name: "a year later the turn keeps counting",
                rotation: weekly.clone(),
                // The short first shift, then 52 weeks from 2026-01-12:
                // index 53, 53 % 3 = 2 → C.
                at: jst(2027, 1, 11, 10, 0),
                expected: Some((
                    C,
                    53,
                    between(jst(2027, 1, 11, 9, 0), jst(2027, 1, 18, 9, 0)),
                )),
            },
            ShiftCase {
                name: "daily rotation just before the 08:30 hand-off",
                rotation: daily.clone(),
                at: jst(2026, 1, 6, 8, 29),
                expected: Some((
                    C,
                    0,
                    between(jst(2026, 1, 5, 8, 30), jst(2026, 1, 6, 8, 30)),
                )),
            },
            ShiftCase {
                name: "daily rotation at the hand-off",
                rotation: daily,
                at: jst(2026, 1, 6, 8, 30),
                expected: Some((
                    D,
                    1,
                    between(jst(2026, 1, 6, 8, 30), jst(2026, 1, 7, 8, 30)),
                )),
            },
        ];
        for case in cases {
            let got = case
                .rotation
                .shift_at(case.at)
                .map(|s| (s.doctor, s.index, s.interval));
            assert_eq!(got, case.expected, "case {:?}", case.name);
        }
    }

    struct WindowCase {
        name: &'static str,
        window: TimeWindow,
        at: NaiveDateTime,
        expected: Option<NaiveDate>,
    }

    #[test]
    fn windows_crossing_midnight_belong_to_the_day_they_started() {
        let date = |d| NaiveDate::from_ymd_opt(2026, 1, d).expect("valid date");
        let at = |d, h, m| date(d).and_time(hm(h, m));
        let evening = TimeWindow::new(hm(18, 0), hm(22, 0));
        let night = TimeWindow::new(hm(22, 0), hm(8, 30));
        let whole_day = TimeWindow::new(hm(8, 30), hm(8, 30));
        let cases = [
            WindowCase {
                name: "evening start is inside",
                window: evening,
                at: at(9, 18, 0),
                expected: Some(date(9)),
            },
            WindowCase {
                name: "evening end is outside",
                window: evening,
                at: at(9, 22, 0),
                expected: None,
            },
            WindowCase {
                name: "night before midnight",
                window: night,
                at: at(9, 23, 59),
                expected: Some(date(9)),
            },
            WindowCase {
                name: "night at midnight belongs to the previous day",
                window: night,
                at: at(10, 0, 0),
                expected: Some(date(9)),
            },
            WindowCase {
                name: "night just before its end",
                window: night,
                at: at(10, 8, 29),
                expected: Some(date(9)),
            },
            WindowCase {
                name: "night end is outside",
                window: night,
                at: at(10, 8, 30),
                expected: None,
            },
            WindowCase {
                name: "a whole-day window after its start",
                window: whole_day,
                at: at(11, 12, 0),
                expected: Some(date(11)),
            },
            WindowCase {
                name: "a whole-day window before its start is yesterday's",
                window: whole_day,
                at: at(11, 7, 0),
                expected: Some(date(10)),
            },
        ];
        for case in cases {
            assert_eq!(
                case.window.started_on(case.at),
                case.expected,
                "case {:?}",
                case.name
            );
        }
    }

    struct DayKindCase {
        date: NaiveDate,
        expected: DayKind,
    }

    #[test]
    fn day_kinds_fold_holidays_and_the_year_end_break_into_sundays() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
        let cases = [
            DayKindCase {
                date: date(2026, 1, 9),
                expected: DayKind::Weekday,
            },
            DayKindCase {
                date: date(2026, 1, 10),
                expected: DayKind::Saturday,
            },
            DayKindCase {
                date: date(2026, 1, 11),
                expected: DayKind::SundayOrHoliday,
            },
            DayKindCase {
                date: date(2026, 1, 12),
                expected: DayKind::SundayOrHoliday,
            },
            DayKindCase {
                date: date(2026, 12, 29),
                expected: DayKind::SundayOrHoliday,
            },
            DayKindCase {
                // A Saturday that is in the year-end break.
                date: date(2027, 1, 2),
                expected: DayKind::SundayOrHoliday,
            },
            DayKindCase {
                // 文化の日 on a Saturday: a holiday beats the Saturday.
                date: date(2029, 11, 3),
                expected: DayKind::SundayOrHoliday,
            },
        ];
        for case in cases {
            assert_eq!(
                day_kind(case.date),
                case.expected,
                "day kind of {}",
                case.date
            );
        }
    }

    struct TimelineCase {
        name: &'static str,
        schedule: DutySchedule,
        absences: Vec<PlannedAbsence>,
        from: DateTime<Utc>,
        days: u32,
        expected: Vec<(DateTime<Utc>, DateTime<Utc>, DutyParty)>,
    }

    #[test]
    fn timeline_lists_consecutive_slots_and_holes() {
        use DutyParty::{BackupHospital, Doctor, Hole, OutsideSchedule};
        let friday_evening = between(jst(2026, 1, 9, 18, 0), jst(2026, 1, 10, 0, 0));
        let cases = vec![
            TimelineCase {
                name: "Friday noon to Saturday noon",
                schedule: team_schedule(),
                absences: Vec::new(),
                from: jst(2026, 1, 9, 12, 0),
                days: 1,
                expected: vec![
                    (
                        jst(2026, 1, 9, 12, 0),
                        jst(2026, 1, 9, 18, 0),
                        OutsideSchedule,
                    ),
                    (jst(2026, 1, 9, 18, 0), jst(2026, 1, 9, 22, 0), Doctor(A)),
                    (jst(2026, 1, 9, 22, 0), jst(2026, 1, 10, 8, 30), Doctor(C)),
                    (
                        jst(2026, 1, 10, 8, 30),
                        jst(2026, 1, 10, 12, 0),
                        OutsideSchedule,
                    ),
                ],
            },
            TimelineCase {
                name: "absence without substitute shows as a hole, C's night unaffected",
                schedule: team_schedule(),
                absences: vec![absence(A, friday_evening, None)],
                from: jst(2026, 1, 9, 12, 0),
                days: 1,
                expected: vec![
                    (
                        jst(2026, 1, 9, 12, 0),
                        jst(2026, 1, 9, 18, 0),
                        OutsideSchedule,
                    ),
                    (jst(2026, 1, 9, 18, 0), jst(2026, 1, 9, 22, 0), Hole),
                    (jst(2026, 1, 9, 22, 0), jst(2026, 1, 10, 8, 30), Doctor(C)),
                    (
                        jst(2026, 1, 10, 8, 30),
                        jst(2026, 1, 10, 12, 0),
                        OutsideSchedule,
                    ),
                ],
            },
            TimelineCase {
                name: "weekend into the Monday holiday, hand-offs at 08:30",
                schedule: team_schedule(),
                absences: Vec::new(),
                from: jst(2026, 1, 10, 12, 0),
                days: 3,
                expected: vec![
                    (
                        jst(2026, 1, 10, 12, 0),
                        jst(2026, 1, 10, 13, 0),
                        OutsideSchedule,
                    ),
                    (
                        jst(2026, 1, 10, 13, 0),
                        jst(2026, 1, 11, 8, 30),
                        BackupHospital,
                    ),
                    (jst(2026, 1, 11, 8, 30), jst(2026, 1, 12, 8, 30), Doctor(D)),
                    (jst(2026, 1, 12, 8, 30), jst(2026, 1, 13, 8, 30), Doctor(E)),
                    (
                        jst(2026, 1, 13, 8, 30),
                        jst(2026, 1, 13, 12, 0),
                        OutsideSchedule,
                    ),
                ],
            },
        ];
        for case in cases {
            let got: Vec<_> = duty_timeline(&case.schedule, &case.absences, case.from, case.days)
                .into_iter()
                .map(|slot| (slot.interval.start, slot.interval.end, slot.party))
                .collect();
            assert_eq!(got, case.expected, "case {:?}", case.name);
        }
    }

    #[test]
    fn coverage_holes_reports_only_the_uncovered_stretch() {
        let absences = vec![absence(
            A,
            between(jst(2026, 1, 9, 18, 0), jst(2026, 1, 10, 0, 0)),
            None,
        )];
        assert_eq!(
            // From the rotations' start: before it, Sunday night 1/4 would
            // be a hole of its own.
            coverage_holes(&team_schedule(), &absences, jst(2026, 1, 5, 8, 30), 14),
            vec![between(jst(2026, 1, 9, 18, 0), jst(2026, 1, 9, 22, 0))],
            "only Friday's evening lacks a doctor"
        );
        let nobody = DutySchedule {
            rotations: Vec::new(),
            ..team_schedule()
        };
        let holes = coverage_holes(&nobody, &[], jst(2026, 1, 9, 12, 0), 1);
        assert_eq!(
            holes,
            vec![between(jst(2026, 1, 9, 18, 0), jst(2026, 1, 10, 8, 30))],
            "a team whose rotations are missing has a hole all night"
        );
    }
}
