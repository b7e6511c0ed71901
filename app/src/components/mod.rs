//! Reusable pieces of UI.

pub mod error_panel;
pub mod form_error;
pub mod header;
