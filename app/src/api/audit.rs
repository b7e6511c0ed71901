//! The access log for coordinators, and the break-glass notices for the
//! attending physician and the coordinator.

use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub staff: String,
    pub patient: String,
    pub patient_id: Option<uuid::Uuid>,
    pub action: String,
    pub outcome: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakGlassNotice {
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub staff: String,
    pub patient: String,
    pub patient_id: uuid::Uuid,
    pub reason: String,
}

/// Searches the audit log by patient name or id and by staff name or login
/// id (both optional, partial match). Coordinators and administrators only.
#[server(prefix = "/api", endpoint = "audit_search")]
pub async fn search_audit(patient: String, staff: String) -> Result<Vec<AuditRow>, AppError> {
    use crate::domain::access::{decide_staff_action, Action};
    use crate::ssr::{audit, auth, request};

    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    if !decide_staff_action(&user.actor, Action::ReadAudit).is_allowed() {
        audit::record(&pool, &user, None, "read_audit", "denied", "").await?;
        return Err(request::fail(AppError::Forbidden));
    }
    // A NUL is no text PostgreSQL takes (the query would fail as a 500),
    // and no name or id holds a control character.
    if patient.chars().chain(staff.chars()).any(char::is_control) {
        return Err(request::fail(AppError::Invalid(
            "audit_search:control_characters".into(),
        )));
    }
    let patient = patient.trim().chars().take(100).collect::<String>();
    let staff = staff.trim().chars().take(100).collect::<String>();
    // A patient is found in the rows about them alone and in the reads
    // that showed them among others (lists, searches, hand-offs, notices,
    // the board): those name every patient in `patient_ids`.
    let rows = sqlx::query!(
        r#"
        with wanted as (
            select array_agg(w.id) as ids from patients w
             where $1 <> ''
               and (w.id::text = $1
                    or (w.family_name || w.given_name) like '%' || replace($1, ' ', '') || '%'
                    or (w.family_name_kana || w.given_name_kana) like '%' || replace($1, ' ', '') || '%')
        )
        select a.at, a.action, a.outcome, a.detail, a.patient_id,
               coalesce(s.family_name || ' ' || s.given_name || ' (' || coalesce(s.login_id, '') || ')', '') as "staff!",
               coalesce(p.family_name || ' ' || p.given_name,
                        (select string_agg(q.family_name || ' ' || q.given_name, '、')
                           from patients q
                          where q.id = any(a.patient_ids) and q.id = any(wanted.ids)),
                        '') as "patient!"
          from audit_log a
          cross join wanted
          left join staff s on s.id = a.staff_id
          left join patients p on p.id = a.patient_id
         where ($1 = '' or a.patient_id = any(wanted.ids) or a.patient_ids && wanted.ids)
           and ($2 = '' or s.login_id = lower($2)
                or (s.family_name || s.given_name) like '%' || replace($2, ' ', '') || '%')
         order by a.at desc, a.id desc
         limit 200
        "#,
        patient,
        staff,
    )
    .fetch_all(&pool)
    .await
    .map_err(request::internal("searching the audit log"))?;
    audit::record(
        &pool,
        &user,
        None,
        "read_audit",
        "allowed",
        &format!("patient={patient:?} staff={staff:?}"),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditRow {
            at: r.at,
            staff: r.staff,
            patient: r.patient,
            patient_id: r.patient_id,
            action: r.action,
            outcome: r.outcome,
            detail: r.detail,
        })
        .collect())
}

/// Break-glass openings of the last 30 days: of the physician's own
/// patients (as attending), or of every patient for a coordinator.
#[server(prefix = "/api", endpoint = "break_glass_notices")]
pub async fn break_glass_notices() -> Result<Vec<BreakGlassNotice>, AppError> {
    use crate::domain::access::Role;
    use crate::domain::time::tokyo_date;
    use crate::ssr::{audit, auth, request};

    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let everyone = matches!(user.actor.role, Role::Coordinator | Role::Admin);
    let today = tokyo_date(chrono::Utc::now());
    let rows = sqlx::query!(
        r#"
        select g.created_at, g.expires_at, g.reason, g.patient_id,
               s.family_name || ' ' || s.given_name as "staff!",
               p.family_name || ' ' || p.given_name as "patient!"
          from break_glass_grants g
          join staff s on s.id = g.staff_id
          join patients p on p.id = g.patient_id
         where g.created_at > now() - interval '30 days'
           -- The attending physician of today (the seat as domain::access
           -- reads it), not whoever held the seat once.
           and ($2 or ($4 = 'physician' and exists (
                   select 1 from care_team_members m
                    where m.patient_id = g.patient_id and m.role = 'attending'
                      and m.valid_from <= $5 and (m.valid_to is null or m.valid_to >= $5)
                      and (m.staff_id = $1 or m.organization_id = $3))))
         order by g.created_at desc
         limit 100
        "#,
        user.actor.staff_id,
        everyone,
        user.actor.organization_id,
        user.actor.role.as_str(),
        today,
    )
    .fetch_all(&pool)
    .await
    .map_err(request::internal("reading break-glass notices"))?;
    let mut ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.patient_id).collect();
    ids.sort_unstable();
    ids.dedup();
    audit::record_read(
        &pool,
        &user,
        "read_notices",
        &ids,
        &format!("{} rows", rows.len()),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| BreakGlassNotice {
            at: r.created_at,
            expires_at: r.expires_at,
            staff: r.staff,
            patient: r.patient,
            patient_id: r.patient_id,
            reason: r.reason,
        })
        .collect())
}
