//! The one door to patient data. Every server function that reads or
//! changes a patient calls [`authorize_patient`]: it loads the facts in one
//! query, lets the pure rules in `domain::access` decide, and writes the
//! audit row — for refusals too — before anything is returned.

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

/// Loads what the rules need about `patient` for `staff_id`, in one round
/// trip. `None` when the patient does not exist.
pub async fn access_facts(
    pool: &PgPool,
    staff_id: Uuid,
    patient: PatientId,
    now: DateTime<Utc>,
) -> Result<Option<PatientAccessFacts>, AppError> {
    let row = sqlx::query!(
        r#"
        select p.clinic_team_id,
               coalesce((select json_agg(json_build_object(
                          'role', m.role, 'staff_id', m.staff_id,
                          'organization_id', m.organization_id,
                          'valid_from', m.valid_from, 'valid_to', m.valid_to))
                           from care_team_members m where m.patient_id = p.id),
                        '[]'::json) as "care_team!: Json<Vec<MemberRow>>",
               coalesce((select array_agg(t.organization_id)
                           from clinic_team_members t where t.team_id = p.clinic_team_id),
                        '{}'::uuid[]) as "team_clinics!: Vec<Uuid>",
               coalesce((select json_agg(json_build_object(
                          'clinic_team_id', c.clinic_team_id,
                          'consented_on', c.consented_on,
                          'revoked_on', c.revoked_on, 'scope', c.scope))
                           from group_care_consents c where c.patient_id = p.id),
                        '[]'::json) as "consents!: Json<Vec<ConsentRow>>",
               (select max(g.expires_at) from break_glass_grants g
                 where g.patient_id = p.id and g.staff_id = $2 and g.expires_at > $3)
                 as break_glass_until
          from patients p
         where p.id = $1
        "#,
        patient.0,
        staff_id,
        now,
    )
    .fetch_optional(pool)
    .await
    .map_err(request::internal("loading access facts"))?;
    Ok(row.map(|row| PatientAccessFacts {
        care_team: row
            .care_team
            .0
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
            .0
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
    }))
}

/// Decides whether `user` may do `action` on `patient`, audits the answer
/// and returns the basis of the permission, or 404 / 403.
pub async fn authorize_patient(
    pool: &PgPool,
    user: &CurrentUser,
    action: Action,
    patient: PatientId,
) -> Result<Basis, AppError> {
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
            audit::record(pool, user, Some(patient.0), name, "allowed", &detail).await?;
            Ok(basis)
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
