//! Reusable pieces of UI.

pub mod error_panel;
pub mod header;
