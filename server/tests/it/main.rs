//! The server's integration tests, in one binary: each module is one area
//! (they were one binary each, and every one of them linked the whole app).

mod common;

mod access_matrix;
mod admission;
mod argon2_cost;
mod audit_sealer;
mod bad_input;
mod card;
mod contacts;
mod database_roles;
mod duty;
mod escalation;
mod factors;
mod list_access;
mod night_card;
mod night_models;
mod order_renewal;
mod passkeys;
mod password_change;
mod private_pages;
mod second_factor;
mod sign_in;
mod staff_admin;
mod startup;
mod streams;
mod team_admin;
mod two_processes;
mod words;
