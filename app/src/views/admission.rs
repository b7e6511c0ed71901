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
