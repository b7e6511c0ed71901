//! A clinic team's night set-up: its night model (the preset its policy
//! and schedule were made from), its calling order and its backup hospital.
//! Each write takes the caller's transaction, so a change and its audit
//! row commit together.

use crate::domain::night_model::NightModel;
use crate::domain::schedule::DoctorId;
use crate::views::teams::{HospitalOption, TeamChange, TeamDoctor, TeamSummary};
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::PgConnection;
use uuid::Uuid;

/// The team's doctors in its calling order: the doctors the coordinator
/// placed first, in her order; then the others clinic by clinic, as the
/// escalation context lists them (`nc_escalation_context`).
pub async fn doctors_in_calling_order(
    db: &mut PgConnection,
    team: Uuid,
) -> Result<Vec<DoctorId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select s.id
             from staff s
             join organizations o on o.id = s.organization_id
             join clinic_team_members t on t.organization_id = o.id
             left join team_calling_order c on c.team_id = t.team_id and c.staff_id = s.id
            where t.team_id = $1 and s.role = 'physician' and s.disabled_at is null
            order by c.position nulls last, o.id, s.id"#,
        team
    )
    .fetch_all(db)
    .await
}

/// Sets the team's calling order: `doctors` first, in this order (doctors
/// of the team only; anyone else is refused with `Ok(false)` and nothing is
/// written).
pub async fn set_calling_order(
    db: &mut PgConnection,
    team: Uuid,
    doctors: &[DoctorId],
) -> Result<bool, sqlx::Error> {
    let members = doctors_in_calling_order(&mut *db, team).await?;
    if doctors.iter().any(|d| !members.contains(d)) {
        return Ok(false);
    }
    sqlx::query!("delete from team_calling_order where team_id = $1", team)
        .execute(&mut *db)
        .await?;
    let positions: Vec<i32> = (1..).take(doctors.len()).collect();
    sqlx::query!(
        "insert into team_calling_order (team_id, staff_id, position)
         select $1, * from unnest($2::uuid[], $3::int[])",
        team,
        doctors,
        &positions,
    )
    .execute(&mut *db)
    .await?;
    Ok(true)
}

/// Sets the team's backup hospital (an organisation of kind `hospital`:
/// the database refuses any other).
pub async fn set_backup_hospital(
    db: &mut PgConnection,
    team: Uuid,
    hospital: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update clinic_teams set backup_hospital_id = $2 where id = $1",
        team,
        hospital
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Gives the team the policy and the duty schedule of `model`, made from
/// its doctors in calling order and starting at the hand-off before `now`;
/// the team's night model is then `model`. Replaces what the team had.
pub async fn apply_night_model(
    db: &mut PgConnection,
    team: Uuid,
    model: NightModel,
    now: DateTime<Utc>,
    by: Uuid,
) -> Result<(), sqlx::Error> {
    let doctors = doctors_in_calling_order(&mut *db, team).await?;
    let policy = serde_json::to_value(model.policy())
        .map_err(|e| sqlx::Error::Protocol(format!("night model policy: {e}")))?;
    sqlx::query!(
        "insert into escalation_policies (clinic_team_id, policy) values ($1, $2)
         on conflict (clinic_team_id) do update
            set policy = excluded.policy, version = escalation_policies.version + 1,
                updated_at = now()",
        team,
        Json(policy) as _,
    )
    .execute(&mut *db)
    .await?;
    save_schedule(&mut *db, team, &model.schedule(team, &doctors, now), by).await?;
    sqlx::query!(
        "update clinic_teams set night_model = $2 where id = $1",
        team,
        model.code()
    )
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Records the hospital that discharged the patient to home care.
pub async fn set_discharging_hospital(
    db: &mut PgConnection,
    patient: Uuid,
    hospital: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update patients set discharging_hospital_id = $2 where id = $1",
        patient,
        hospital
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The teams with what their list line shows, by name; one team when
/// `only` is given.
pub async fn summaries(
    db: impl sqlx::PgExecutor<'_>,
    only: Option<Uuid>,
) -> Result<Vec<TeamSummary>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select t.id, t.name, t.night_model,
                  h.name as "backup_hospital?",
                  array(select o.name from clinic_team_members m
                          join organizations o on o.id = m.organization_id
                         where m.team_id = t.id order by o.id) as "clinics!",
                  (select count(*) from staff s
                     join clinic_team_members m on m.organization_id = s.organization_id
                    where m.team_id = t.id and s.role = 'physician'
                      and s.disabled_at is null) as "doctors!",
                  (select count(*) from patients p where p.clinic_team_id = t.id) as "patients!"
             from clinic_teams t
             left join organizations h on h.id = t.backup_hospital_id
            where $1::uuid is null or t.id = $1
            order by t.name, t.id"#,
        only
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TeamSummary {
            id: r.id,
            name: r.name,
            clinics: r.clinics,
            night_model: r.night_model,
            backup_hospital: r.backup_hospital,
            doctors: r.doctors,
            patients: r.patients,
        })
        .collect())
}

/// The team's doctors in calling order, with their names and clinics (the
/// order of [`doctors_in_calling_order`]).
pub async fn doctors(db: &mut PgConnection, team: Uuid) -> Result<Vec<TeamDoctor>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select s.id, s.family_name || ' ' || s.given_name as "name!",
                  o.name as clinic_name, c.position is not null as "placed!"
             from staff s
             join organizations o on o.id = s.organization_id
             join clinic_team_members t on t.organization_id = o.id
             left join team_calling_order c on c.team_id = t.team_id and c.staff_id = s.id
            where t.team_id = $1 and s.role = 'physician' and s.disabled_at is null
            order by c.position nulls last, o.id, s.id"#,
        team
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TeamDoctor {
            id: r.id,
            name: r.name,
            clinic_name: r.clinic_name,
            placed: r.placed,
        })
        .collect())
}

/// Every hospital of the network, by name.
pub async fn hospitals(db: impl sqlx::PgExecutor<'_>) -> Result<Vec<HospitalOption>, sqlx::Error> {
    let rows = sqlx::query!(
        "select id, name from organizations where kind = 'hospital' order by name, id"
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| HospitalOption {
            id: r.id,
            name: r.name,
        })
        .collect())
}

/// The team's backup hospital, if one is set.
pub async fn backup_hospital_id(
    db: impl sqlx::PgExecutor<'_>,
    team: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    let id = sqlx::query_scalar!(
        "select backup_hospital_id from clinic_teams where id = $1",
        team
    )
    .fetch_optional(db)
    .await?;
    Ok(id.flatten())
}

/// Locks the team's row for a change of its night set-up, so two
/// coordinators' changes follow each other; `false` when there is no
/// such team.
pub async fn lock_team(db: &mut PgConnection, team: Uuid) -> Result<bool, sqlx::Error> {
    let found = sqlx::query_scalar!(
        r#"select true as "found!" from clinic_teams where id = $1 for update"#,
        team
    )
    .fetch_optional(db)
    .await?;
    Ok(found.is_some())
}

/// Adds a line to the team's history.
pub async fn record_change(
    db: &mut PgConnection,
    team: Uuid,
    by: Uuid,
    change: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into team_history (team_id, staff_id, change, value) values ($1, $2, $3, $4)",
        team,
        by,
        change,
        value
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The team's latest changes, newest first.
pub async fn history(
    db: impl sqlx::PgExecutor<'_>,
    team: Uuid,
    limit: i64,
) -> Result<Vec<TeamChange>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select h.at, s.family_name || ' ' || s.given_name as "by!", h.change, h.value
             from team_history h join staff s on s.id = h.staff_id
            where h.team_id = $1
            order by h.at desc, h.id desc
            limit $2"#,
        team,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TeamChange {
            at: r.at,
            by: r.by,
            change: r.change,
            value: r.value,
        })
        .collect())
}

/// Stores the team's duty schedule (a new version), as the coordinator
/// changed it.
pub async fn save_schedule(
    db: &mut PgConnection,
    team: Uuid,
    schedule: &crate::domain::schedule::DutySchedule,
    by: Uuid,
) -> Result<(), sqlx::Error> {
    let definition = serde_json::to_value(schedule)
        .map_err(|e| sqlx::Error::Protocol(format!("duty schedule: {e}")))?;
    sqlx::query!(
        "insert into duty_schedules (clinic_team_id, definition, updated_by) values ($1, $2, $3)
         on conflict (clinic_team_id) do update
            set definition = excluded.definition, version = duty_schedules.version + 1,
                updated_at = now(), updated_by = excluded.updated_by",
        team,
        Json(definition) as _,
        by,
    )
    .execute(db)
    .await?;
    Ok(())
}
