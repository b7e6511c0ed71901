//! Every database query, by subject. Each is compile-checked against the
//! migrations (`sqlx::query!`, offline data in `.sqlx/`). Queries return
//! domain types or the view types of `crate::views`, never types of the
//! layers above.
//!
//! * [`card`]: the whole night card in one round trip, the patient list;
//! * [`search`]: the patients a user may open by a search query (one SQL
//!   statement holds the access rule);
//! * [`edit`]: the team's card edits, each checked against the version the
//!   form was filled in from;
//! * [`calls`]: a call as its screen and the board show it, hand-offs;
//! * [`incident`]: opening calls and moving them (the worker's due steps);
//! * [`escalation`]: what the escalation path of now is computed from;
//! * [`duty`]: teams, rotations, absences;
//! * [`teams`]: a team's night model, calling order and backup hospital;
//! * [`admission`]: a patient's admission to home care, whole;
//! * [`streams`]: the open event streams and their caps.

pub mod admission;
pub mod calls;
pub mod card;
pub mod duty;
pub mod edit;
pub mod escalation;
pub mod incident;
pub mod search;
pub mod staff;
pub mod streams;
pub mod teams;
