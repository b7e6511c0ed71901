//! What one request has already learnt, so the parts of one page do not ask
//! the database twice: a night card is one page, but its header asks who is
//! signed in, the card asks again before reading, and the card's path
//! section asks for the same patient's escalation path.
//!
//! The scope lives in the Leptos context of one request (the router
//! provides a fresh one per request, for pages and server functions alike)
//! and dies with it; nothing here outlives a response or crosses from one
//! session to another. Without a scope (a caller outside a request) every
//! helper simply finds nothing and the caller asks the database.
//!
//! * the signed-in user, read once per GET request (a GET never changes a
//!   session; a POST, which may sign in, out or past the second factor,
//!   reads it fresh every time);
//! * the access facts of the patient the page's address names, read in the
//!   same statement as the session (`ssr::auth`), for `domain::access::decide`
//!   to judge — the decision itself is always made again, in Rust;
//! * the escalation paths already resolved, and audited, by an allowed card
//!   read in this request, so the card's path section shows the same path
//!   without a second read of the same data under the same audit row.

use crate::domain::access::PatientAccessFacts;
use crate::domain::escalation::ResolvedStep;
use crate::domain::patient::PatientId;
use crate::ssr::auth::CurrentUser;
use chrono::{DateTime, Utc};
use leptos::prelude::{provide_context, use_context};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// The per-request memory. Cheap to clone (one `Arc`).
#[derive(Clone, Default)]
pub struct RequestScope(Arc<Inner>);

#[derive(Default)]
struct Inner {
    user: tokio::sync::OnceCell<Option<CurrentUser>>,
    facts: Mutex<Vec<Prefetched>>,
    paths: Mutex<Vec<ReadPath>>,
}

/// Facts loaded for `staff_id` about `patient` at `at`; `None` when the
/// patient does not exist.
#[derive(Clone)]
struct Prefetched {
    staff_id: Uuid,
    patient: PatientId,
    at: DateTime<Utc>,
    facts: Option<PatientAccessFacts>,
}

/// A path resolved by an allowed, audited card read of this request.
#[derive(Clone)]
struct ReadPath {
    staff_id: Uuid,
    patient: PatientId,
    path: Vec<ResolvedStep>,
}

/// Gives the current request its own, empty scope (the router calls it for
/// every request).
pub fn provide_request_scope() {
    provide_context(RequestScope::default());
}

/// This request's scope, if the caller runs inside one.
pub fn current() -> Option<RequestScope> {
    use_context::<RequestScope>()
}

impl RequestScope {
    /// The signed-in user of this request, loaded by `load` the first time
    /// only; concurrent callers wait for that one load.
    pub async fn user<F, Fut, E>(&self, load: F) -> Result<Option<CurrentUser>, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Option<CurrentUser>, E>>,
    {
        self.0.user.get_or_try_init(load).await.cloned()
    }

    /// Keeps the facts read with the session for the patient of the page.
    pub fn keep_facts(
        &self,
        staff_id: Uuid,
        patient: PatientId,
        at: DateTime<Utc>,
        facts: Option<PatientAccessFacts>,
    ) {
        if let Ok(mut kept) = self.0.facts.lock() {
            kept.push(Prefetched {
                staff_id,
                patient,
                at,
                facts,
            });
        }
    }

    /// The facts this request already read for `staff_id` about `patient`,
    /// with the time they were read for: `Some(None)` when the patient does
    /// not exist, `None` when nothing was read.
    pub fn facts(
        &self,
        staff_id: Uuid,
        patient: PatientId,
    ) -> Option<(DateTime<Utc>, Option<PatientAccessFacts>)> {
        let kept = self.0.facts.lock().ok()?;
        kept.iter()
            .find(|p| p.staff_id == staff_id && p.patient == patient)
            .map(|p| (p.at, p.facts.clone()))
    }

    /// Remembers the path an allowed card read resolved (and audited).
    pub fn keep_read_path(&self, staff_id: Uuid, patient: PatientId, path: Vec<ResolvedStep>) {
        if let Ok(mut kept) = self.0.paths.lock() {
            kept.push(ReadPath {
                staff_id,
                patient,
                path,
            });
        }
    }

    /// The path an allowed card read of this request resolved for
    /// `staff_id` about `patient`, if there was one.
    pub fn read_path(&self, staff_id: Uuid, patient: PatientId) -> Option<Vec<ResolvedStep>> {
        let kept = self.0.paths.lock().ok()?;
        kept.iter()
            .find(|p| p.staff_id == staff_id && p.patient == patient)
            .map(|p| p.path.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_kept_is_found_only_for_the_same_staff_and_patient() {
        let scope = RequestScope::default();
        let (nurse, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let (patient, neighbour) = (
            PatientId(Uuid::from_u128(10)),
            PatientId(Uuid::from_u128(11)),
        );
        let at = DateTime::<Utc>::UNIX_EPOCH;
        scope.keep_facts(nurse, patient, at, Some(PatientAccessFacts::default()));
        scope.keep_facts(nurse, neighbour, at, None);
        scope.keep_read_path(nurse, patient, Vec::new());
        let cases = [
            (nurse, patient, Some(true), true),
            (nurse, neighbour, Some(false), false),
            (other, patient, None, false),
            (other, neighbour, None, false),
        ];
        for (staff, who, facts, path) in cases {
            assert_eq!(
                scope.facts(staff, who).map(|(_, f)| f.is_some()),
                facts,
                "facts {staff} {who:?}"
            );
            assert_eq!(
                scope.read_path(staff, who).is_some(),
                path,
                "path {staff} {who:?}"
            );
        }
        assert!(RequestScope::default().facts(nurse, patient).is_none());
    }
}
