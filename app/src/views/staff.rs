//! What the staff administration pages (`/admin/staff`) are sent.

use crate::domain::access::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An organisation to choose from (the filter, the form's select).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationOption {
    pub id: Uuid,
    pub name: String,
    /// `clinic`, `nurse_station`, `hospital`, `secretariat` (worded by the page).
    pub kind: String,
}

/// One account as the list and the edit page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: Uuid,
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub role: Role,
    pub organization_id: Uuid,
    pub organization_name: String,
    pub login_id: String,
    pub phone: String,
    pub disabled: bool,
    /// The person has signed in at least once.
    pub has_signed_in: bool,
    /// An authenticator app or a passkey is enrolled.
    pub factor_enrolled: bool,
}

/// The list page: the accounts (of one organisation, or all) and the
/// organisations to filter by and to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffDirectory {
    pub staff: Vec<StaffRow>,
    pub organizations: Vec<OrganizationOption>,
    pub organization: Option<Uuid>,
}

/// A code just issued, to show once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCode {
    pub staff_id: Uuid,
    pub login_id: String,
    pub code: String,
    pub expires_at: DateTime<Utc>,
}
