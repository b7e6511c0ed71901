//! The one door to patient data. Every server function that reads or
//! changes a patient calls [`authorize_patient`] (or [`permit_patient`],
//! for the night card, which writes the audit row in its reading
//! statement): it loads the facts in one query (or takes those the session
//! statement read, `ssr::scope`), lets the pure rules in `domain::access`
//! decide, and has the audit row written — for refusals too — before
//! anything is returned.

use crate::domain::access::{
    decide, Action, Basis, CareRole, CareTeamMember, ConsentScope, Decision, GroupConsent,
    PatientAccessFacts,
};
use crate::domain::patient::PatientId;
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::{audit, request};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use sqlx::types::Json;
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
struct MemberRow {
    role: String,
    staff_id: Option<Uuid>,
    organization_id: Option<Uuid>,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
}

#[derive(Debug, Deserialize)]
struct ConsentRow {
    clinic_team_id: Uuid,
    consented_on: NaiveDate,
    revoked_on: Option<NaiveDate>,
    scope: String,
}

/// What the SQL function `nc_access_facts` returns (migration `read_path`).
#[derive(Debug, Deserialize)]
pub struct FactsRow {
    clinic_team_id: Option<Uuid>,
    care_team: Vec<MemberRow>,
    team_clinics: Vec<Uuid>,
    consents: Vec<ConsentRow>,
    break_glass_until: Option<DateTime<Utc>>,
}

/// The facts for `decide` from what `nc_access_facts` returned. Rows with a
/// role or scope this build does not know are left out (they grant nothing).
pub fn facts_from_row(row: FactsRow) -> PatientAccessFacts {
    PatientAccessFacts {
        care_team: row
            .care_team
            .into_iter()
            .filter_map(|m| {
                Some(CareTeamMember {
                    role: CareRole::from_db(&m.role)?,
                    staff_id: m.staff_id,
                    organization_id: m.organization_id,
                    valid_from: m.valid_from,
                    valid_to: m.valid_to,
                })
            })
            .collect(),
        clinic_team_id: row.clinic_team_id,
        clinic_team_clinics: row.team_clinics,
        consents: row
            .consents
            .into_iter()
            .filter_map(|c| {
                Some(GroupConsent {
                    clinic_team_id: c.clinic_team_id,
                    consented_on: c.consented_on,
                    revoked_on: c.revoked_on,
                    scope: ConsentScope::from_db(&c.scope)?,
                })
            })
            .collect(),
        break_glass_until: row.break_glass_until,
    }
}

/// Loads what the rules need about `patient` for `staff_id`, in one round
/// trip — or none, when this request already read them with the session
/// (`ssr::scope`). `None` when the patient does not exist.
pub async fn access_facts(
    pool: &PgPool,
    staff_id: Uuid,
    patient: PatientId,
    now: DateTime<Utc>,
) -> Result<Option<PatientAccessFacts>, AppError> {
    if let Some((_, facts)) =
        crate::ssr::scope::current().and_then(|scope| scope.facts(staff_id, patient))
    {
        return Ok(facts);
    }
    let row = sqlx::query_scalar!(
        r#"select nc_access_facts($1, $2, $3) as "facts?: Json<FactsRow>""#,
        patient.0,
        staff_id,
        now,
    )
    .fetch_one(pool)
    .await
    .map_err(request::internal("loading access facts"))?;
    Ok(row.map(|Json(row)| facts_from_row(row)))
}

/// A permission `decide` gave and nobody has audited yet. Whoever holds one
/// must write its audit row before returning anything about the patient:
/// [`authorize_patient`] does it with [`audit::record`]; the night-card read
/// does it in the very statement that reads the card (`ssr::db::card::night_card`).
#[must_use = "an allowed access must be audited before anything is returned"]
#[derive(Debug)]
pub struct Permit {
    pub patient: PatientId,
    pub action: Action,
    pub basis: Basis,
    /// The audit row's detail (the basis, or the break-glass end).
    pub detail: String,
    /// The facts the decision was made on, for asking `decide` about other
    /// actions (which forms to offer) without reading them again.
    pub facts: PatientAccessFacts,
    /// The time the decision was made for.
    pub now: DateTime<Utc>,
}

/// Decides whether `user` may do `action` on `patient`. A refusal is
/// audited here and answered 404 / 403; a permission comes back as a
/// [`Permit`] whose audit row the caller writes.
pub async fn permit_patient(
    pool: &PgPool,
    user: &CurrentUser,
    action: Action,
    patient: PatientId,
) -> Result<Permit, AppError> {
    let now = Utc::now();
    let name = action.as_str();
    let Some(facts) = access_facts(pool, user.actor.staff_id, patient, now).await? else {
        audit::record(
            pool,
            user,
            None,
            name,
            "denied",
            &format!("unknown patient {patient}"),
        )
        .await?;
        return Err(request::fail(AppError::NotFound));
    };
    match decide(&user.actor, action, &facts, now) {
        Decision::Allow(basis) => {
            let detail = match &basis {
                Basis::BreakGlass { until } => format!("break-glass until {until}"),
                other => format!("{other:?}"),
            };
            Ok(Permit {
                patient,
                action,
                basis,
                detail,
                facts,
                now,
            })
        }
        Decision::Deny(reason) => {
            audit::record(
                pool,
                user,
                Some(patient.0),
                name,
                "denied",
                &format!("{reason:?}"),
            )
            .await?;
            Err(request::fail(AppError::Forbidden))
        }
    }
}

/// Decides whether `user` may do `action` on `patient`, audits the answer
/// and returns the basis of the permission, or 404 / 403.
pub async fn authorize_patient(
    pool: &PgPool,
    user: &CurrentUser,
    action: Action,
    patient: PatientId,
) -> Result<Basis, AppError> {
    let permit = permit_patient(pool, user, action, patient).await?;
    audit::record(
        pool,
        user,
        Some(patient.0),
        permit.action.as_str(),
        "allowed",
        &permit.detail,
    )
    .await?;
    Ok(permit.basis)
}
