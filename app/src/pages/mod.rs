//! One component per route.

pub mod night_card;
pub mod not_found;
pub mod patients;
