//! A clinic team's night set-up: its night model (the preset its policy
//! and schedule were made from), its calling order and its backup hospital.
//! Each write takes the caller's transaction, so a change and its audit
//! row commit together.

use crate::domain::night_model::NightModel;
use crate::domain::schedule::DoctorId;
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
    let schedule = serde_json::to_value(model.schedule(team, &doctors, now))
        .map_err(|e| sqlx::Error::Protocol(format!("night model schedule: {e}")))?;
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
    sqlx::query!(
        "insert into duty_schedules (clinic_team_id, definition, updated_by) values ($1, $2, $3)
         on conflict (clinic_team_id) do update
            set definition = excluded.definition, version = duty_schedules.version + 1,
                updated_at = now(), updated_by = excluded.updated_by",
        team,
        Json(schedule) as _,
        by,
    )
    .execute(&mut *db)
    .await?;
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
