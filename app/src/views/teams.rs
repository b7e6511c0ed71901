//! What the team administration pages are sent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One line of the team list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamSummary {
    pub id: Uuid,
    pub name: String,
    /// The member clinics' names, in the team's order.
    pub clinics: Vec<String>,
    /// The night model's code (`NightModel::code`), when one was applied.
    pub night_model: Option<String>,
    pub backup_hospital: Option<String>,
    pub doctors: i64,
    pub patients: i64,
}

/// A doctor of the team, in calling order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamDoctor {
    pub id: Uuid,
    pub name: String,
    pub clinic_name: String,
    /// Placed by the coordinator (else after them, clinic by clinic).
    pub placed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HospitalOption {
    pub id: Uuid,
    pub name: String,
}

/// One change of the team's night set-up, for its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamChange {
    pub at: DateTime<Utc>,
    pub by: String,
    /// `night_model`, `calling_order` or `backup_hospital`.
    pub change: String,
    /// What it became: a model's code, names in order, a hospital's name.
    pub value: String,
}

/// The team page: its night model, calling order, backup hospital and
/// the history of their changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamAdmin {
    pub summary: TeamSummary,
    pub backup_hospital_id: Option<Uuid>,
    pub doctors: Vec<TeamDoctor>,
    pub hospitals: Vec<HospitalOption>,
    /// One-off covers not over yet, soonest first.
    pub covers: Vec<TeamCover>,
    pub history: Vec<TeamChange>,
}

/// A one-off cover: `doctor` is on duty from `start` to `end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamCover {
    pub id: Uuid,
    pub doctor: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The most history lines the team page shows.
pub const TEAM_HISTORY_LINES: i64 = 50;
