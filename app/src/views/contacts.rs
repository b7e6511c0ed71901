//! What the card's family-contact editor is sent.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A family contact with what its edit form needs (id, version, place).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditableContact {
    pub id: Uuid,
    pub version: i32,
    pub name: String,
    pub relation: String,
    pub phone: String,
    /// The place in the calling order, 1 first.
    pub priority: i16,
    pub is_key_person: bool,
}
