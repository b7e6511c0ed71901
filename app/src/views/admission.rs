//! What the admission page (`/admin/patients/new`) is sent: the choices
//! for each seat of the care team.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One choice of a select: its id and its words (a person with their
/// organisation, or an organisation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatOption {
    pub id: Uuid,
    pub label: String,
}

/// The choices of the admission form, each list in the order shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmissionOptions {
    pub teams: Vec<SeatOption>,
    /// Every physician who may hold the attending or secondary seat.
    pub physicians: Vec<SeatOption>,
    pub stations: Vec<SeatOption>,
    /// Nurses and physicians who may hold the care-manager seat.
    pub care_managers: Vec<SeatOption>,
    pub hospitals: Vec<SeatOption>,
}

/// An admission written: the new patient's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Admitted {
    pub patient_id: Uuid,
}

/// One seat of a patient's care team, as the care page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatRow {
    /// `attending`, `secondary`, `nurse_station`, `care_manager` (worded by the page).
    pub role: String,
    /// The person (with their organisation) or the organisation.
    pub holder: String,
    pub valid_from: chrono::NaiveDate,
    pub valid_to: Option<chrono::NaiveDate>,
}

/// One group-care consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRow {
    pub id: Uuid,
    pub team: String,
    pub by_name: String,
    pub relation: String,
    pub consented_on: chrono::NaiveDate,
    /// `read_card` or `read_and_house_call` (worded by the page).
    pub scope: String,
    pub paper_on_file: bool,
    pub revoked_on: Option<chrono::NaiveDate>,
}

/// A patient's care team and consents (`/admin/patients/:id/care`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareRecord {
    pub patient_id: Uuid,
    pub name: String,
    pub admitted_on: Option<chrono::NaiveDate>,
    pub seats: Vec<SeatRow>,
    pub consents: Vec<ConsentRow>,
}
