//! One component per route.

pub mod absences;
pub mod admission;
pub mod audit;
pub mod call;
pub mod duty;
pub mod login;
pub mod night_card;
pub mod not_found;
pub mod patients;
pub mod second_factor;
// --- issue 11: administration ---
pub mod teams;
// --- staff administration ---
pub mod staff;
