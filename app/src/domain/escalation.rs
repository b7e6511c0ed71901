//! Who the nurse calls, in what order: resolving an escalation policy into a
//! concrete list of people and numbers for one patient at one instant.
//!
//! The Kofu working group asked for few rules: the visiting nurse takes the
//! first call, tries the attending physician, and if they cannot be reached
//! or cannot come, calls the team's doctors "roughly by distance" until
//! *someone* answers. Other regions add a secondary physician (Kashiwa), a
//! duty rotation (Izumo), the backup hospital (Usuki) or the discharging
//! hospital. An [`EscalationPolicy`] is an ordered list of such targets with a
//! wait before moving on; a patient may have their own policy that replaces
//! the team's.
//!
//! [`resolve_path`] turns the policy into [`ResolvedStep`]s, honouring
//! planned absences (an absent doctor's substitute is called instead),
//! calling nobody twice, and falling back to the backup hospital when no
//! doctor or hospital is left. Every skip is explained as a [`Reason`] value
//! that the UI words in the user's language.
//!
//! [`is_clear_emergency`] encodes the minutes' other rule: a stroke, heart
//! attack or a patient who stopped breathing goes to the ambulance (119)
//! first, unless the patient declined resuscitation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::schedule::{self, DoctorId, DutyParty, DutyReason, DutySchedule, PlannedAbsence};

/// Whom a policy step calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StepTarget {
    /// The patient's attending physician (主治医).
    Attending,
    /// The patient's secondary physician (副主治医).
    Secondary,
    /// Whoever the team's duty schedule names for the instant (当番医).
    TeamDutyDoctor,
    /// Every team doctor, nearest clinic to the patient's home first (equal
    /// or unknown distances in the team's calling order).
    TeamDoctorsByDistance,
    /// Every team doctor in the calling order the coordinator set (the
    /// team's agreed order; doctors not placed come last).
    TeamDoctorsInOrder,
    /// The manager of the patient's visiting-nurse station.
    NurseStationManager,
    /// The team's backup hospital (後方支援病院).
    BackupHospital,
    /// The hospital that discharged the patient, which often takes them back
    /// on acute worsening (Kashiwa).
    DischargingHospital,
}

/// One step of a policy: call `target`, and if nobody answers within
/// `wait_minutes`, move on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyStep {
    pub target: StepTarget,
    pub wait_minutes: u32,
}

/// An ordered list of steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationPolicy {
    pub steps: Vec<PolicyStep>,
    /// How many more times the whole path is walked when its last wait
    /// passes with nobody answering, before the call is 応答なし (as
    /// GoAlert's "repeat"). Policies stored before this existed read as 0.
    #[serde(default)]
    pub repeat: u32,
}

/// The most a policy may repeat its path: more only delays the alarm.
pub const MAX_REPEAT: u32 = 3;

/// How long a step rings when its policy gave it no wait (the hospital at
/// the end used to have none, and a path that ends without a wait never
/// raises its alarm).
pub const DEFAULT_WAIT_MINUTES: u32 = 10;

/// The wait of a step: every step has one, the last one too.
pub fn wait_of(step: &ResolvedStep) -> u32 {
    if step.wait_minutes == 0 {
        DEFAULT_WAIT_MINUTES
    } else {
        step.wait_minutes
    }
}

/// What happens when the wait of step `index` of a path of `len` steps
/// passes with nobody answering, with `repeats_left` walks of the path
/// still owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterTimeout {
    /// Call the next step.
    Next(usize),
    /// Walk the path again from its first step (one repeat used).
    Repeat,
    /// Nobody left: the call becomes 応答なし, an alarm.
    RunOut,
}

pub fn after_timeout(index: usize, len: usize, repeats_left: u32) -> AfterTimeout {
    if index + 1 < len {
        AfterTimeout::Next(index + 1)
    } else if repeats_left > 0 && len > 0 {
        AfterTimeout::Repeat
    } else {
        AfterTimeout::RunOut
    }
}

/// The repeat a policy asks for, bounded by [`MAX_REPEAT`].
pub fn repeats_of(policy: &EscalationPolicy) -> u32 {
    policy.repeat.min(MAX_REPEAT)
}

impl EscalationPolicy {
    /// The order the Kofu minutes sketch: attending, then the team (duty
    /// doctor, then anyone by distance), then the backup hospital. A starting
    /// point for a team that has not written its own.
    pub fn suggested() -> Self {
        let step = |target, wait_minutes| PolicyStep {
            target,
            wait_minutes,
        };
        Self {
            steps: vec![
                step(StepTarget::Attending, 10),
                step(StepTarget::Secondary, 10),
                step(StepTarget::TeamDutyDoctor, 10),
                step(StepTarget::TeamDoctorsByDistance, 5),
                step(StepTarget::BackupHospital, DEFAULT_WAIT_MINUTES),
            ],
            repeat: 0,
        }
    }
}

/// The policy for a patient: their own if they have one, else the team's.
/// A patient policy replaces the team's entirely rather than merging, so
/// what the card shows is exactly what was written for that patient.
pub fn choose_policy<'a>(
    team: &'a EscalationPolicy,
    patient: Option<&'a EscalationPolicy>,
) -> &'a EscalationPolicy {
    patient.unwrap_or(team)
}

/// A point on the Earth in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

/// Great-circle distance in metres (haversine, mean Earth radius).
///
/// Road distance would be better but needs a map service; within a city
/// the straight line orders clinics well enough for "try the nearest
/// first".
pub fn distance_m(a: GeoPoint, b: GeoPoint) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_008.8;
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let d_lat = lat2 - lat1;
    let d_lon = (b.lon - a.lon).to_radians();
    let h = (d_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (d_lon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().clamp(0.0, 1.0).asin()
}

/// A doctor the path may name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoctorContact {
    pub id: DoctorId,
    pub name: String,
    pub phone: String,
    pub clinic_name: String,
    pub clinic_location: Option<GeoPoint>,
}

/// A place the path may call: a hospital or a nurse station's manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: Uuid,
    pub name: String,
    pub phone: String,
}

/// Everything [`resolve_path`] needs to know, loaded by the caller.
///
/// Owned and serializable so the browser can keep a copy and resolve the
/// path again offline when the phone loses signal in a patient's house.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalationContext {
    pub attending: Option<DoctorId>,
    pub secondary: Option<DoctorId>,
    /// The team's doctors, in the team's agreed calling order (used as is
    /// when distances are unknown, and to break ties).
    pub team: Vec<DoctorContact>,
    /// Doctors outside the team the path may name: an attending or
    /// secondary physician who is not a member, substitutes.
    pub other_doctors: Vec<DoctorContact>,
    pub patient_home: Option<GeoPoint>,
    pub schedule: DutySchedule,
    pub absences: Vec<PlannedAbsence>,
    pub nurse_station_manager: Option<Contact>,
    pub backup_hospital: Option<Contact>,
    pub discharging_hospital: Option<Contact>,
}

impl EscalationContext {
    fn doctor(&self, id: DoctorId) -> Option<&DoctorContact> {
        self.team
            .iter()
            .chain(&self.other_doctors)
            .find(|d| d.id == id)
    }
}

/// In what capacity someone is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CalleeRole {
    Attending,
    Secondary,
    /// Standing in for `for_doctor`, who is away and would have been called
    /// by a step of kind `instead_of`.
    Substitute {
        for_doctor: DoctorId,
        instead_of: StepTarget,
    },
    DutyDoctor,
    /// A team doctor; the clinic's distance from the patient's home, when
    /// both locations are known.
    TeamDoctor {
        distance_m: Option<u32>,
    },
    NurseStationManager,
    BackupHospital,
    DischargingHospital,
}

/// Someone to call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callee {
    /// The doctor's id, or the hospital's or nurse station's.
    pub id: Uuid,
    pub name: String,
    pub role: CalleeRole,
    pub phone: String,
}

/// Why the path looks the way it does, as data; the UI puts it into words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    NoAttendingRecorded,
    NoSecondaryRecorded,
    AttendingAbsent {
        reason_text: String,
        until: DateTime<Utc>,
        substitute: Option<DoctorId>,
    },
    SecondaryAbsent {
        reason_text: String,
        until: DateTime<Utc>,
        substitute: Option<DoctorId>,
    },
    TeamDoctorAbsent {
        doctor: DoctorId,
        reason_text: String,
        until: DateTime<Utc>,
        substitute: Option<DoctorId>,
    },
    /// A substitute named for an absence is away too.
    SubstituteAbsent {
        doctor: DoctorId,
        reason_text: String,
        until: DateTime<Utc>,
        substitute: Option<DoctorId>,
    },
    /// The duty schedule's explanation of who is on duty.
    OnDutyPerSchedule {
        chain: Vec<DutyReason>,
    },
    /// The schedule hands this time to the backup hospital.
    DutyCoveredByBackupHospital {
        chain: Vec<DutyReason>,
    },
    /// The schedule asks for a team doctor but has nobody.
    NobodyOnDuty {
        chain: Vec<DutyReason>,
    },
    /// The team schedule does not cover this time (office hours).
    DutyOutsideSchedule,
    /// This person was already called earlier in the path.
    AlreadyInPath {
        id: Uuid,
    },
    /// A doctor id with no contact details in the context.
    UnknownDoctor {
        id: DoctorId,
    },
    /// Team doctors are in the team's order because the patient's home has
    /// no coordinates.
    PatientLocationUnknown,
    /// This doctor's clinic has no coordinates, so it comes after those that
    /// do.
    ClinicLocationUnknown {
        doctor: DoctorId,
    },
    NoNurseStationManager,
    NoBackupHospital,
    NoDischargingHospital,
    /// No doctor or hospital was left, so the backup hospital was added.
    FellThroughToBackupHospital,
}

/// One call to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedStep {
    /// The policy step this came from; `None` for the backup-hospital
    /// fall-back.
    pub policy_step: Option<usize>,
    pub callee: Callee,
    /// How long to let it ring (and wait for a call back) before the next.
    pub wait_minutes: u32,
    /// What was skipped before this call and why, then anything that
    /// explains this call itself. Skips after the last call are reported on
    /// the last call.
    pub reasons: Vec<Reason>,
}

/// Who to call, in order, for the patient described by `context` at `t`.
///
/// Absent doctors are replaced by their substitutes or skipped; nobody is
/// called twice; when the path would hold no doctor and no hospital, the
/// backup hospital is added. An empty result means nobody at all can be
/// reached, not even the backup hospital: the UI should say so and point to
/// 119.
pub fn resolve_path(
    policy: &EscalationPolicy,
    context: &EscalationContext,
    t: DateTime<Utc>,
) -> Vec<ResolvedStep> {
    let mut path = PathBuilder::default();

    for (index, step) in policy.steps.iter().enumerate() {
        let at = Origin {
            index: Some(index),
            wait_minutes: step.wait_minutes,
        };
        match step.target {
            StepTarget::Attending => match context.attending {
                Some(doctor) => {
                    path.call_doctor(
                        context,
                        t,
                        at,
                        doctor,
                        StepTarget::Attending,
                        CalleeRole::Attending,
                    );
                }
                None => path.pending.push(Reason::NoAttendingRecorded),
            },
            StepTarget::Secondary => match context.secondary {
                Some(doctor) => {
                    path.call_doctor(
                        context,
                        t,
                        at,
                        doctor,
                        StepTarget::Secondary,
                        CalleeRole::Secondary,
                    );
                }
                None => path.pending.push(Reason::NoSecondaryRecorded),
            },
            StepTarget::TeamDutyDoctor => {
                let answer = schedule::on_duty_at(&context.schedule, &context.absences, t);
                match answer.party {
                    DutyParty::Doctor(doctor) => {
                        path.pending.push(Reason::OnDutyPerSchedule {
                            chain: answer.reasons,
                        });
                        path.call_known_doctor(context, at, doctor, CalleeRole::DutyDoctor);
                    }
                    DutyParty::BackupHospital => {
                        path.pending.push(Reason::DutyCoveredByBackupHospital {
                            chain: answer.reasons,
                        });
                        path.call_contact(
                            at,
                            context.backup_hospital.as_ref(),
                            CalleeRole::BackupHospital,
                            Reason::NoBackupHospital,
                        );
                    }
                    DutyParty::Hole => path.pending.push(Reason::NobodyOnDuty {
                        chain: answer.reasons,
                    }),
                    DutyParty::OutsideSchedule => path.pending.push(Reason::DutyOutsideSchedule),
                }
            }
            StepTarget::TeamDoctorsByDistance => {
                if context.patient_home.is_none() {
                    path.pending.push(Reason::PatientLocationUnknown);
                }
                for (doctor, distance) in team_by_distance(context) {
                    if context.patient_home.is_some() && distance.is_none() {
                        path.pending
                            .push(Reason::ClinicLocationUnknown { doctor: doctor.id });
                    }
                    path.call_doctor(
                        context,
                        t,
                        at,
                        doctor.id,
                        StepTarget::TeamDoctorsByDistance,
                        CalleeRole::TeamDoctor {
                            distance_m: distance,
                        },
                    );
                }
            }
            StepTarget::TeamDoctorsInOrder => {
                for doctor in &context.team {
                    path.call_doctor(
                        context,
                        t,
                        at,
                        doctor.id,
                        StepTarget::TeamDoctorsInOrder,
                        CalleeRole::TeamDoctor { distance_m: None },
                    );
                }
            }
            StepTarget::NurseStationManager => path.call_contact(
                at,
                context.nurse_station_manager.as_ref(),
                CalleeRole::NurseStationManager,
                Reason::NoNurseStationManager,
            ),
            StepTarget::BackupHospital => path.call_contact(
                at,
                context.backup_hospital.as_ref(),
                CalleeRole::BackupHospital,
                Reason::NoBackupHospital,
            ),
            // Kashiwa: back to the hospital that discharged the patient when
            // possible, otherwise a hospital takes them in for now (the
            // team's backup hospital).
            StepTarget::DischargingHospital => match context.discharging_hospital.as_ref() {
                Some(hospital) => {
                    path.call_contact(
                        at,
                        Some(hospital),
                        CalleeRole::DischargingHospital,
                        Reason::NoDischargingHospital,
                    );
                }
                None => {
                    path.pending.push(Reason::NoDischargingHospital);
                    path.call_contact(
                        at,
                        context.backup_hospital.as_ref(),
                        CalleeRole::BackupHospital,
                        Reason::NoBackupHospital,
                    );
                }
            },
        }
    }

    // A nurse station manager cannot make a house call or admit, so a path
    // of managers only is as bad as an empty one.
    let can_act = path
        .steps
        .iter()
        .any(|s| !matches!(s.callee.role, CalleeRole::NurseStationManager));
    if !can_act {
        path.pending.push(Reason::FellThroughToBackupHospital);
        path.call_contact(
            Origin {
                index: None,
                wait_minutes: DEFAULT_WAIT_MINUTES,
            },
            context.backup_hospital.as_ref(),
            CalleeRole::BackupHospital,
            Reason::NoBackupHospital,
        );
    }

    path.finish()
}

/// Where a call comes from in the policy.
#[derive(Debug, Clone, Copy)]
struct Origin {
    index: Option<usize>,
    wait_minutes: u32,
}

/// Accumulates the path; reasons wait in `pending` until the next call is
/// added, so each call carries the skips that led to it.
#[derive(Debug, Default)]
struct PathBuilder {
    steps: Vec<ResolvedStep>,
    pending: Vec<Reason>,
}

impl PathBuilder {
    fn already_called(&self, id: Uuid) -> bool {
        self.steps.iter().any(|s| s.callee.id == id)
    }

    fn push(&mut self, at: Origin, callee: Callee) {
        if self.already_called(callee.id) {
            self.pending.push(Reason::AlreadyInPath { id: callee.id });
            return;
        }
        self.steps.push(ResolvedStep {
            policy_step: at.index,
            callee,
            wait_minutes: at.wait_minutes,
            reasons: std::mem::take(&mut self.pending),
        });
    }

    /// Calls `doctor` as `role` for a step of kind `target`, or their
    /// stand-in if away (whose role then says whom they stand in for; a
    /// distance belongs to the absent doctor's clinic, not theirs).
    fn call_doctor(
        &mut self,
        context: &EscalationContext,
        t: DateTime<Utc>,
        at: Origin,
        doctor: DoctorId,
        target: StepTarget,
        role: CalleeRole,
    ) {
        let found = schedule::stand_in(&context.absences, doctor, t);
        for (position, hop) in found.hops.into_iter().enumerate() {
            let (reason_text, until, substitute) = (hop.reason_text, hop.until, hop.substitute);
            self.pending.push(if position > 0 {
                Reason::SubstituteAbsent {
                    doctor: hop.doctor,
                    reason_text,
                    until,
                    substitute,
                }
            } else {
                match target {
                    StepTarget::Attending => Reason::AttendingAbsent {
                        reason_text,
                        until,
                        substitute,
                    },
                    StepTarget::Secondary => Reason::SecondaryAbsent {
                        reason_text,
                        until,
                        substitute,
                    },
                    _ => Reason::TeamDoctorAbsent {
                        doctor: hop.doctor,
                        reason_text,
                        until,
                        substitute,
                    },
                }
            });
        }
        let Some(available) = found.available else {
            return;
        };
        let role = if available == doctor {
            role
        } else {
            CalleeRole::Substitute {
                for_doctor: doctor,
                instead_of: target,
            }
        };
        self.call_known_doctor(context, at, available, role);
    }

    /// Calls a doctor already known to be available.
    fn call_known_doctor(
        &mut self,
        context: &EscalationContext,
        at: Origin,
        doctor: DoctorId,
        role: CalleeRole,
    ) {
        if self.already_called(doctor) {
            self.pending.push(Reason::AlreadyInPath { id: doctor });
            return;
        }
        let Some(contact) = context.doctor(doctor) else {
            self.pending.push(Reason::UnknownDoctor { id: doctor });
            return;
        };
        self.push(
            at,
            Callee {
                id: contact.id,
                name: contact.name.clone(),
                role,
                phone: contact.phone.clone(),
            },
        );
    }

    fn call_contact(
        &mut self,
        at: Origin,
        contact: Option<&Contact>,
        role: CalleeRole,
        missing: Reason,
    ) {
        match contact {
            Some(contact) => self.push(
                at,
                Callee {
                    id: contact.id,
                    name: contact.name.clone(),
                    role,
                    phone: contact.phone.clone(),
                },
            ),
            None => self.pending.push(missing),
        }
    }

    fn finish(mut self) -> Vec<ResolvedStep> {
        if let Some(last) = self.steps.last_mut() {
            last.reasons.append(&mut self.pending);
        }
        self.steps
    }
}

/// Team doctors, nearest clinic first; those without coordinates (or all,
/// when the patient's home has none) keep the team's order after the rest.
fn team_by_distance(context: &EscalationContext) -> Vec<(&DoctorContact, Option<u32>)> {
    let mut ordered: Vec<(&DoctorContact, Option<f64>)> = context
        .team
        .iter()
        .map(|doctor| {
            let distance = context
                .patient_home
                .zip(doctor.clinic_location)
                .map(|(home, clinic)| distance_m(home, clinic));
            (doctor, distance)
        })
        .collect();
    // Stable sort: equal distances keep the team's agreed order.
    ordered.sort_by(|(_, a), (_, b)| match (a, b) {
        (Some(a), Some(b)) => a.total_cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    ordered
        .into_iter()
        // Whole metres are plenty for display; `as` saturates, and u32
        // metres reach far beyond any distance on Earth.
        .map(|(doctor, distance)| (doctor, distance.map(|m| m.round() as u32)))
        .collect()
}

/// What the family or nurse reports when calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CallReason {
    Fever,
    Pain,
    BreathingDifficulty,
    /// Not breathing / no pulse.
    NotBreathing,
    /// Sudden paralysis, speech trouble, facial droop.
    SuspectedStroke,
    /// Sudden chest pain.
    SuspectedHeartAttack,
    Fall,
    Bleeding,
    /// Trouble with a catheter, PEG, oxygen, pump, ventilator…
    DeviceTrouble,
    Other,
}

/// Whether the nurse should call 119 before anyone on the path.
///
/// The minutes: a clear stroke or heart attack goes to the ambulance; the
/// team is for what "cannot wait, but is not for an ambulance". A patient
/// with a DNAR order (and usually a wish to die at home) is the exception:
/// an ambulance crew is in most regions bound to attempt resuscitation, so
/// the doctor is called first to confirm the patient's wishes or the death.
pub fn is_clear_emergency(reason: CallReason, dnar: bool) -> bool {
    !dnar
        && matches!(
            reason,
            CallReason::NotBreathing
                | CallReason::SuspectedStroke
                | CallReason::SuspectedHeartAttack
        )
}

#[cfg(test)]
mod tests {
    use super::schedule::{
        from_tokyo, CoverageRule, DayKind, DutyTarget, Interval, Rotation, ShiftLength, TimeWindow,
    };
    use super::*;
    use chrono::{NaiveDate, NaiveTime, Weekday};

    const A: DoctorId = Uuid::from_u128(0xA);
    const B: DoctorId = Uuid::from_u128(0xB);
    const C: DoctorId = Uuid::from_u128(0xC);
    const D: DoctorId = Uuid::from_u128(0xD);
    /// The attending physician, a new home-care doctor outside the team.
    const X: DoctorId = Uuid::from_u128(0x1);
    /// The secondary physician, outside the team.
    const Y: DoctorId = Uuid::from_u128(0x2);
    const HOSPITAL: Uuid = Uuid::from_u128(0x4051);
    const DISCHARGING: Uuid = Uuid::from_u128(0xD15C);
    const MANAGER: Uuid = Uuid::from_u128(0x3A3A);
    const ROTATION: Uuid = Uuid::from_u128(0x100);

    fn jst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        let local = NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_opt(h, mi, 0))
            .expect("valid test time");
        from_tokyo(local)
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("valid test time of day")
    }

    /// Friday 2026-01-09 19:00 JST: A is on weekday-night duty.
    fn friday_evening() -> DateTime<Utc> {
        jst(2026, 1, 9, 19, 0)
    }

    /// Sunday 2026-01-11 10:00 JST: the backup hospital is on duty.
    fn sunday_morning() -> DateTime<Utc> {
        jst(2026, 1, 11, 10, 0)
    }

    /// Friday 2026-01-09 12:00 JST: office hours, no team duty.
    fn friday_noon() -> DateTime<Utc> {
        jst(2026, 1, 9, 12, 0)
    }

    fn doctor(id: DoctorId, name: &str, location: Option<(f64, f64)>) -> DoctorContact {
        DoctorContact {
            id,
            name: name.to_owned(),
            phone: format!("055-000-{:04}", id.as_u128() % 10_000),
            clinic_name: format!("{name}クリニック"),
            clinic_location: location.map(|(lat, lon)| GeoPoint { lat, lon }),
        }
    }

    fn contact(id: Uuid, name: &str) -> Contact {
        Contact {
            id,
            name: name.to_owned(),
            phone: "055-999-0000".to_owned(),
        }
    }

    /// A patient near Kofu station; clinic C is closest, then B, then A; D's
    /// clinic has no coordinates.
    fn context() -> EscalationContext {
        let schedule = DutySchedule {
            id: Uuid::from_u128(0x5C),
            name: "甲府チーム".to_owned(),
            rotations: vec![Rotation {
                id: ROTATION,
                name: "輪番".to_owned(),
                participants: vec![A, B],
                shift_length: ShiftLength::Weekly,
                handoff_time: hm(9, 0),
                handoff_weekday: Weekday::Mon,
                start: jst(2026, 1, 5, 9, 0),
            }],
            rules: vec![
                CoverageRule {
                    label: "平日夜間".to_owned(),
                    days: vec![DayKind::Weekday, DayKind::Saturday],
                    window: TimeWindow::new(hm(18, 0), hm(8, 30)),
                    target: DutyTarget::Rotation(ROTATION),
                },
                CoverageRule {
                    label: "日祝".to_owned(),
                    days: vec![DayKind::SundayOrHoliday],
                    window: TimeWindow::new(hm(8, 30), hm(8, 30)),
                    target: DutyTarget::BackupHospital,
                },
            ],
            overrides: Vec::new(),
            swaps: Vec::new(),
        };
        EscalationContext {
            attending: Some(X),
            secondary: Some(Y),
            team: vec![
                doctor(A, "A", Some((35.7090, 138.4460))),
                doctor(B, "B", Some((35.6900, 138.6000))),
                doctor(C, "C", Some((35.6650, 138.5700))),
                doctor(D, "D", None),
            ],
            other_doctors: vec![doctor(X, "X", None), doctor(Y, "Y", None)],
            patient_home: Some(GeoPoint {
                lat: 35.6620,
                lon: 138.5680,
            }),
            schedule,
            absences: Vec::new(),
            nurse_station_manager: Some(contact(MANAGER, "訪問看護ステーション管理者")),
            backup_hospital: Some(contact(HOSPITAL, "後方支援病院")),
            discharging_hospital: Some(contact(DISCHARGING, "退院元病院")),
        }
    }

    fn policy(targets: &[StepTarget]) -> EscalationPolicy {
        EscalationPolicy {
            steps: targets
                .iter()
                .map(|&target| PolicyStep {
                    target,
                    wait_minutes: 10,
                })
                .collect(),
            repeat: 0,
        }
    }

    fn away(doctor: DoctorId, substitute: Option<DoctorId>) -> PlannedAbsence {
        PlannedAbsence {
            id: Uuid::from_u128(0xAB5 + doctor.as_u128()),
            doctor,
            interval: Interval::new(jst(2026, 1, 9, 0, 0), jst(2026, 1, 12, 0, 0)),
            reason_text: "学会".to_owned(),
            substitute,
        }
    }

    fn until() -> DateTime<Utc> {
        jst(2026, 1, 12, 0, 0)
    }

    struct Case {
        name: &'static str,
        policy: EscalationPolicy,
        context: EscalationContext,
        at: DateTime<Utc>,
        /// Who is called, in order, and in what capacity.
        expected: Vec<(Uuid, CalleeRole)>,
        /// Reasons that must appear on the step with this position.
        expected_reasons: Vec<(usize, Reason)>,
    }

    #[test]
    fn resolve_path_orders_calls_and_explains_skips() {
        use StepTarget::*;
        let standard = policy(&[Attending, Secondary, TeamDutyDoctor, BackupHospital]);
        let by_distance_roles = vec![
            (
                C,
                CalleeRole::TeamDoctor {
                    distance_m: Some(379),
                },
            ),
            (
                B,
                CalleeRole::TeamDoctor {
                    distance_m: Some(4_248),
                },
            ),
            (
                A,
                CalleeRole::TeamDoctor {
                    distance_m: Some(12_195),
                },
            ),
            (D, CalleeRole::TeamDoctor { distance_m: None }),
        ];
        let hole_context = EscalationContext {
            absences: vec![away(X, None), away(A, None)],
            ..context()
        };
        let hole_chain = schedule::on_duty_at(
            &hole_context.schedule,
            &hole_context.absences,
            friday_evening(),
        )
        .reasons;

        let cases = vec![
            Case {
                name: "everyone present: attending, secondary, duty doctor, hospital",
                policy: standard.clone(),
                context: context(),
                at: friday_evening(),
                expected: vec![
                    (X, CalleeRole::Attending),
                    (Y, CalleeRole::Secondary),
                    (A, CalleeRole::DutyDoctor),
                    (HOSPITAL, CalleeRole::BackupHospital),
                ],
                expected_reasons: Vec::new(),
            },
            Case {
                name: "attending absent with a substitute: the substitute is called first",
                policy: standard.clone(),
                context: EscalationContext {
                    absences: vec![away(X, Some(B))],
                    ..context()
                },
                at: friday_evening(),
                expected: vec![
                    (
                        B,
                        CalleeRole::Substitute {
                            for_doctor: X,
                            instead_of: Attending,
                        },
                    ),
                    (Y, CalleeRole::Secondary),
                    (A, CalleeRole::DutyDoctor),
                    (HOSPITAL, CalleeRole::BackupHospital),
                ],
                expected_reasons: vec![(
                    0,
                    Reason::AttendingAbsent {
                        reason_text: "学会".to_owned(),
                        until: until(),
                        substitute: Some(B),
                    },
                )],
            },
            Case {
                name: "attending absent without a substitute is skipped",
                policy: standard.clone(),
                context: EscalationContext {
                    absences: vec![away(X, None)],
                    ..context()
                },
                at: friday_evening(),
                expected: vec![
                    (Y, CalleeRole::Secondary),
                    (A, CalleeRole::DutyDoctor),
                    (HOSPITAL, CalleeRole::BackupHospital),
                ],
                expected_reasons: vec![(
                    0,
                    Reason::AttendingAbsent {
                        reason_text: "学会".to_owned(),
                        until: until(),
                        substitute: None,
                    },
                )],
            },
            Case {
                name: "the duty doctor already called as substitute is not called twice",
                policy: standard.clone(),
                context: EscalationContext {
                    absences: vec![away(X, Some(A))],
                    ..context()
                },
                at: friday_evening(),
                expected: vec![
                    (
                        A,
                        CalleeRole::Substitute {
                            for_doctor: X,
                            instead_of: Attending,
                        },
                    ),
                    (Y, CalleeRole::Secondary),
                    (HOSPITAL, CalleeRole::BackupHospital),
                ],
                expected_reasons: vec![(2, Reason::AlreadyInPath { id: A })],
            },
            Case {
                name: "no secondary physician recorded",
                policy: standard.clone(),
                context: EscalationContext {
                    secondary: None,
                    ..context()
                },
                at: friday_evening(),
                expected: vec![
                    (X, CalleeRole::Attending),
                    (A, CalleeRole::DutyDoctor),
                    (HOSPITAL, CalleeRole::BackupHospital),
                ],
                expected_reasons: vec![(1, Reason::NoSecondaryRecorded)],
            },
            Case {
                name: "Sunday: the schedule gives the hospital, which is then not repeated",
                policy: standard.clone(),
                context: context(),
                at: sunday_morning(),
                expected: vec![
                    (X, CalleeRole::Attending),
                    (Y, CalleeRole::Secondary),
                    (HOSPITAL, CalleeRole::BackupHospital),
                ],
                expected_reasons: vec![(2, Reason::AlreadyInPath { id: HOSPITAL })],
            },
            Case {
                name: "nobody on duty and nobody else: falls through to the backup hospital",
                policy: policy(&[Attending, TeamDutyDoctor]),
                context: hole_context,
                at: friday_evening(),
                expected: vec![(HOSPITAL, CalleeRole::BackupHospital)],
                expected_reasons: vec![
                    (
                        0,
                        Reason::AttendingAbsent {
                            reason_text: "学会".to_owned(),
                            until: until(),
                            substitute: None,
                        },
                    ),
                    (0, Reason::NobodyOnDuty { chain: hole_chain }),
                    (0, Reason::FellThroughToBackupHospital),
                ],
            },
            Case {
                name: "office hours: the duty step is skipped",
                policy: policy(&[TeamDutyDoctor, BackupHospital]),
                context: context(),
                at: friday_noon(),
                expected: vec![(HOSPITAL, CalleeRole::BackupHospital)],
                expected_reasons: vec![(0, Reason::DutyOutsideSchedule)],
            },
            Case {
                name: "team doctors by distance from the patient's home",
                policy: policy(&[TeamDoctorsByDistance]),
                context: context(),
                at: friday_evening(),
                expected: by_distance_roles.clone(),
                expected_reasons: vec![(3, Reason::ClinicLocationUnknown { doctor: D })],
            },
            Case {
                name: "without the patient's location the team's order is kept",
                policy: policy(&[TeamDoctorsByDistance]),
                context: EscalationContext {
                    patient_home: None,
                    ..context()
                },
                at: friday_evening(),
                expected: [A, B, C, D]
                    .into_iter()
                    .map(|id| (id, CalleeRole::TeamDoctor { distance_m: None }))
                    .collect(),
                expected_reasons: vec![(0, Reason::PatientLocationUnknown)],
            },
            Case {
                name: "an absent team doctor's substitute takes their place in the order",
                policy: policy(&[TeamDoctorsByDistance]),
                context: EscalationContext {
                    absences: vec![away(B, Some(D))],
                    ..context()
                },
                at: friday_evening(),
                expected: vec![
                    (
                        C,
                        CalleeRole::TeamDoctor {
                            distance_m: Some(379),
                        },
                    ),
                    (
                        D,
                        CalleeRole::Substitute {
                            for_doctor: B,
                            instead_of: TeamDoctorsByDistance,
                        },
                    ),
                    (
                        A,
                        CalleeRole::TeamDoctor {
                            distance_m: Some(12_195),
                        },
                    ),
                ],
                expected_reasons: vec![
                    (2, Reason::ClinicLocationUnknown { doctor: D }),
                    (2, Reason::AlreadyInPath { id: D }),
                ],
            },
            Case {
                name: "an attending who is on the team is not called again by distance",
                policy: policy(&[Attending, TeamDoctorsByDistance]),
                context: EscalationContext {
                    attending: Some(C),
                    ..context()
                },
                at: friday_evening(),
                expected: vec![(C, CalleeRole::Attending)]
                    .into_iter()
                    .chain(by_distance_roles.iter().copied().skip(1))
                    .collect(),
                expected_reasons: vec![(1, Reason::AlreadyInPath { id: C })],
            },
            Case {
                name: "a manager alone cannot act: the backup hospital is added",
                policy: policy(&[NurseStationManager]),
                context: context(),
                at: friday_evening(),
                expected: vec![
                    (MANAGER, CalleeRole::NurseStationManager),
                    (HOSPITAL, CalleeRole::BackupHospital),
                ],
                expected_reasons: vec![(1, Reason::FellThroughToBackupHospital)],
            },
            Case {
                name: "no discharging hospital recorded: the backup hospital takes the patient in",
                policy: policy(&[NurseStationManager, DischargingHospital]),
                context: EscalationContext {
                    discharging_hospital: None,
                    ..context()
                },
                at: friday_evening(),
                expected: vec![
                    (MANAGER, CalleeRole::NurseStationManager),
                    (HOSPITAL, CalleeRole::BackupHospital),
                ],
                expected_reasons: vec![(1, Reason::NoDischargingHospital)],
            },
            Case {
                name: "team doctors in the calling order the coordinator set, not by distance",
                policy: policy(&[TeamDoctorsInOrder]),
                context: context(),
                at: friday_evening(),
                expected: vec![
                    (A, CalleeRole::TeamDoctor { distance_m: None }),
                    (B, CalleeRole::TeamDoctor { distance_m: None }),
                    (C, CalleeRole::TeamDoctor { distance_m: None }),
                    (D, CalleeRole::TeamDoctor { distance_m: None }),
                ],
                expected_reasons: Vec::new(),
            },
            Case {
                name: "the discharging hospital (Kashiwa model)",
                policy: policy(&[Attending, DischargingHospital]),
                context: context(),
                at: friday_evening(),
                expected: vec![
                    (X, CalleeRole::Attending),
                    (DISCHARGING, CalleeRole::DischargingHospital),
                ],
                expected_reasons: Vec::new(),
            },
            Case {
                name: "nobody reachable and no backup hospital: empty path",
                policy: policy(&[Attending]),
                context: EscalationContext {
                    absences: vec![away(X, None)],
                    backup_hospital: None,
                    ..context()
                },
                at: friday_evening(),
                expected: Vec::new(),
                expected_reasons: Vec::new(),
            },
            Case {
                name: "an empty policy still reaches the backup hospital",
                policy: policy(&[]),
                context: context(),
                at: friday_evening(),
                expected: vec![(HOSPITAL, CalleeRole::BackupHospital)],
                expected_reasons: vec![(0, Reason::FellThroughToBackupHospital)],
            },
        ];

        for case in cases {
            let path = resolve_path(&case.policy, &case.context, case.at);
            let got: Vec<(Uuid, CalleeRole)> = path
                .iter()
                .map(|step| (step.callee.id, step.callee.role))
                .collect();
            assert_eq!(got, case.expected, "case {:?}: path {:#?}", case.name, path);
            for (position, reason) in &case.expected_reasons {
                let reasons = path.get(*position).map(|s| &s.reasons);
                assert!(
                    reasons.is_some_and(|r| r.contains(reason)),
                    "case {:?}: step {} should carry {:?}, has {:#?}",
                    case.name,
                    position,
                    reason,
                    reasons
                );
            }
            let ids: Vec<Uuid> = path.iter().map(|s| s.callee.id).collect();
            let mut unique = ids.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(
                unique.len(),
                ids.len(),
                "case {:?}: someone is called twice",
                case.name
            );
        }
    }

    #[test]
    fn steps_carry_contact_details_and_waits() {
        let path = resolve_path(&EscalationPolicy::suggested(), &context(), friday_evening());
        let first = path.first().expect("a path");
        assert_eq!(
            (
                first.policy_step,
                first.callee.name.as_str(),
                first.callee.phone.as_str(),
                first.wait_minutes
            ),
            (Some(0), "X", "055-000-0001", 10),
            "the attending comes first with their phone"
        );
        let last = path.last().expect("a path");
        assert_eq!(
            (last.callee.id, last.policy_step, last.wait_minutes),
            (HOSPITAL, Some(4), DEFAULT_WAIT_MINUTES),
            "the hospital closes the suggested policy, and it too has a wait"
        );
    }

    #[test]
    fn every_step_has_a_wait_the_last_one_too() {
        let path = resolve_path(&EscalationPolicy::suggested(), &context(), friday_evening());
        assert!(path.iter().all(|s| wait_of(s) > 0), "{path:?}");
        let mut step = path[0].clone();
        step.wait_minutes = 0;
        assert_eq!(wait_of(&step), DEFAULT_WAIT_MINUTES);
        step.wait_minutes = 3;
        assert_eq!(wait_of(&step), 3);
    }

    #[test]
    fn a_path_that_runs_out_repeats_then_raises_the_alarm() {
        let cases = [
            // (step index, path length, repeats left, expected)
            (0, 3, 0, AfterTimeout::Next(1)),
            (1, 3, 0, AfterTimeout::Next(2)),
            (2, 3, 0, AfterTimeout::RunOut),
            (2, 3, 1, AfterTimeout::Repeat),
            (2, 3, 2, AfterTimeout::Repeat),
            (0, 3, 2, AfterTimeout::Next(1)),
            (0, 1, 0, AfterTimeout::RunOut),
            (0, 1, 1, AfterTimeout::Repeat),
            (0, 0, 1, AfterTimeout::RunOut),
        ];
        for (index, len, left, expected) in cases {
            assert_eq!(
                after_timeout(index, len, left),
                expected,
                "step {index} of {len}, {left} repeats left"
            );
        }
    }

    #[test]
    fn a_stored_policy_without_repeat_still_loads_and_repeat_is_bounded() {
        let old = r#"{"steps":[{"target":"Attending","wait_minutes":10}]}"#;
        let policy: EscalationPolicy = serde_json::from_str(old).expect("old JSON loads");
        assert_eq!(policy.repeat, 0);
        let cases = [(0, 0), (1, 1), (3, 3), (7, MAX_REPEAT)];
        for (asked, got) in cases {
            let p = EscalationPolicy {
                repeat: asked,
                ..policy.clone()
            };
            assert_eq!(repeats_of(&p), got, "repeat {asked}");
        }
    }

    struct PolicyCase {
        name: &'static str,
        patient: Option<EscalationPolicy>,
        expected_first: StepTarget,
    }

    #[test]
    fn a_patient_policy_replaces_the_team_policy() {
        let team = EscalationPolicy::suggested();
        let cases = [
            PolicyCase {
                name: "no patient policy: the team's",
                patient: None,
                expected_first: StepTarget::Attending,
            },
            PolicyCase {
                name: "patient policy: the discharging hospital first",
                patient: Some(policy(&[StepTarget::DischargingHospital])),
                expected_first: StepTarget::DischargingHospital,
            },
        ];
        for case in cases {
            let chosen = choose_policy(&team, case.patient.as_ref());
            assert_eq!(
                chosen.steps.first().map(|s| s.target),
                Some(case.expected_first),
                "case {:?}",
                case.name
            );
        }
    }

    struct DistanceCase {
        name: &'static str,
        a: GeoPoint,
        b: GeoPoint,
        expected_km: f64,
    }

    #[test]
    fn great_circle_distances_match_known_values() {
        let cases = [
            DistanceCase {
                name: "Tokyo station to Shin-Osaka station",
                a: GeoPoint {
                    lat: 35.6812,
                    lon: 139.7671,
                },
                b: GeoPoint {
                    lat: 34.7334,
                    lon: 135.5002,
                },
                expected_km: 402.0,
            },
            DistanceCase {
                name: "same point",
                a: GeoPoint {
                    lat: 35.6620,
                    lon: 138.5680,
                },
                b: GeoPoint {
                    lat: 35.6620,
                    lon: 138.5680,
                },
                expected_km: 0.0,
            },
            DistanceCase {
                name: "one degree of latitude",
                a: GeoPoint {
                    lat: 35.0,
                    lon: 138.0,
                },
                b: GeoPoint {
                    lat: 36.0,
                    lon: 138.0,
                },
                expected_km: 111.2,
            },
        ];
        for case in cases {
            let km = distance_m(case.a, case.b) / 1000.0;
            assert!(
                (km - case.expected_km).abs() < 2.0,
                "case {:?}: {km:.1} km, expected about {} km",
                case.name,
                case.expected_km
            );
        }
    }

    struct EmergencyCase {
        reason: CallReason,
        dnar: bool,
        expected: bool,
    }

    #[test]
    fn clear_emergencies_go_to_119_unless_resuscitation_was_declined() {
        let cases = [
            EmergencyCase {
                reason: CallReason::SuspectedStroke,
                dnar: false,
                expected: true,
            },
            EmergencyCase {
                reason: CallReason::SuspectedHeartAttack,
                dnar: false,
                expected: true,
            },
            EmergencyCase {
                reason: CallReason::NotBreathing,
                dnar: false,
                expected: true,
            },
            EmergencyCase {
                reason: CallReason::NotBreathing,
                dnar: true,
                expected: false,
            },
            EmergencyCase {
                reason: CallReason::SuspectedStroke,
                dnar: true,
                expected: false,
            },
            EmergencyCase {
                reason: CallReason::Fever,
                dnar: false,
                expected: false,
            },
            EmergencyCase {
                reason: CallReason::DeviceTrouble,
                dnar: false,
                expected: false,
            },
        ];
        for case in cases {
            assert_eq!(
                is_clear_emergency(case.reason, case.dnar),
                case.expected,
                "{:?} with DNAR={}",
                case.reason,
                case.dnar
            );
        }
    }
}
