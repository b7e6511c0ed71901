//! Reusable pieces of UI.

pub mod card_bits;
pub mod card_forms;
pub mod error_panel;
pub mod form_error;
pub mod header;
pub mod islands;
pub mod passkey;
