//! What the duty and absence pages are sent, and their limits.

use crate::domain::access::Role;
use crate::domain::duty_calendar::CalendarDay;
use crate::domain::schedule::Interval;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The calendar the duty page shows unless asked for another length.
pub const DEFAULT_CALENDAR_DAYS: u32 = 14;
/// The longest calendar one request may ask for.
pub const MAX_CALENDAR_DAYS: u32 = 31;
/// The most holes a warning lists; the total is always given.
pub const MAX_LISTED_HOLES: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamOption {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhysicianOption {
    pub id: Uuid,
    pub name: String,
    pub clinic_name: String,
    pub team_ids: Vec<Uuid>,
}

/// Who is looking, and what the page may offer them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub staff_id: Uuid,
    pub role: Role,
    /// May register and cancel absences of any physician.
    pub manages_roster: bool,
}

/// What the duty and absence pages need before anything else: the teams
/// to pick from, the viewer's own team, and the physicians an absence may
/// name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyDirectory {
    pub teams: Vec<TeamOption>,
    /// The team of the viewer's clinic, else the first team.
    pub default_team: Option<Uuid>,
    pub physicians: Vec<PhysicianOption>,
    pub viewer: Viewer,
}

/// A place or person with a number to call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub address: String,
}

/// A doctor away right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwayNote {
    pub reason: String,
    pub until: DateTime<Utc>,
    pub substitute: Option<String>,
}

/// One line of the team's contact list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterDoctor {
    pub id: Uuid,
    /// 1 for the first to call.
    pub order: u32,
    pub name: String,
    pub name_kana: String,
    pub phone: String,
    pub clinic_name: String,
    pub away: Option<AwayNote>,
}

/// Who covers, with what is needed to call them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OnDuty {
    Doctor {
        id: Uuid,
        name: String,
        phone: String,
        clinic_name: String,
    },
    BackupHospital {
        contact: Option<Contact>,
    },
    /// A rule asks for a team doctor and nobody can come.
    Hole,
    /// No rule: office hours, calls go to the attending clinic.
    OutsideSchedule,
}

/// The doctor the rules named who is away, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwayName {
    pub name: String,
    pub reason: String,
}

/// Who covers now, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyNow {
    pub on_duty: OnDuty,
    pub until: Option<DateTime<Utc>>,
    pub rule_label: Option<String>,
    pub away: Option<AwayName>,
}

/// The contact list the secretariat publishes to every nurse station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    pub team: TeamOption,
    pub has_schedule: bool,
    pub now: DutyNow,
    /// The team's doctors in the agreed calling order.
    pub calling_order: Vec<RosterDoctor>,
    pub clinics: Vec<Contact>,
    pub backup_hospital: Option<Contact>,
    pub secretariat: Option<Contact>,
}

/// One line of the calendar, within one Japan day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarEntry {
    pub date: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub on_duty: OnDuty,
    pub rule_label: Option<String>,
    pub away: Option<AwayName>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    pub team: TeamOption,
    pub has_schedule: bool,
    /// Midnight (Tokyo) of the first day.
    pub from: DateTime<Utc>,
    pub days: Vec<CalendarDay>,
    pub entries: Vec<CalendarEntry>,
    /// Stretches with nobody on duty, for the summary at the top.
    pub holes: Vec<Interval>,
}

/// A planned absence as the team and the nurse stations see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsenceRow {
    pub id: Uuid,
    pub doctor_id: Uuid,
    pub doctor_name: String,
    pub clinic_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub reason: String,
    pub substitute_name: Option<String>,
    pub registered_by: Option<String>,
    /// Whether it has begun (decided on the server, so the hydrated page
    /// agrees with the one the server drew).
    pub in_progress: bool,
    /// Whether the viewer may cancel it.
    pub may_cancel: bool,
}

/// A stretch an absence would leave with nobody on duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoleWarning {
    pub team_name: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AbsenceOutcome {
    Saved {
        id: Uuid,
        /// Holes the doctor confirmed; 0 when none.
        holes_accepted: usize,
    },
    /// Not saved: these holes would open. Send again with `confirm_hole`
    /// (or name a substitute).
    HolesWarning {
        /// The first [`MAX_LISTED_HOLES`].
        holes: Vec<HoleWarning>,
        total: usize,
    },
}
