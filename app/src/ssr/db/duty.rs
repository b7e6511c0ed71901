//! The queries behind the team roster, the duty calendar and planned
//! absences. Compile-checked; each answers one question in one round trip,
//! and the server functions in `api::duty` put the answers together.
//!
//! The roster lists a team's doctors in its calling order
//! (`db::teams::doctors_in_calling_order`: the coordinator's order, then
//! clinic by clinic), the order `db::escalation` gives the escalation
//! engine, so the contact list the nurse station reads is the order the
//! engine calls in when distances are unknown.

use crate::domain::schedule::{DutySchedule, Interval, PlannedAbsence};
use crate::views::duty::{Contact, PhysicianOption, TeamOption};
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// Every clinic team, by name.
pub async fn teams(db: impl PgExecutor<'_>) -> Result<Vec<TeamOption>, sqlx::Error> {
    let rows = sqlx::query!("select id, name from clinic_teams order by name, id")
        .fetch_all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| TeamOption {
            id: r.id,
            name: r.name,
        })
        .collect())
}

/// One clinic team.
pub async fn team(db: impl PgExecutor<'_>, id: Uuid) -> Result<Option<TeamOption>, sqlx::Error> {
    let row = sqlx::query!("select id, name from clinic_teams where id = $1", id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| TeamOption {
        id: r.id,
        name: r.name,
    }))
}

/// The team of the staff member's clinic, if it belongs to one.
pub async fn team_of_staff(
    db: impl PgExecutor<'_>,
    staff_id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "select t.team_id from clinic_team_members t
           join staff s on s.organization_id = t.organization_id
          where s.id = $1
          order by t.team_id limit 1",
        staff_id
    )
    .fetch_optional(db)
    .await
}

/// A physician with what the roster shows about them.
#[derive(Debug, Clone)]
pub struct PhysicianRow {
    pub id: Uuid,
    pub name: String,
    pub name_kana: String,
    pub phone: String,
    pub clinic_id: Uuid,
    pub clinic_name: String,
    /// The clinic teams of the physician's clinic.
    pub team_ids: Vec<Uuid>,
}

impl PhysicianRow {
    pub fn option(&self) -> PhysicianOption {
        PhysicianOption {
            id: self.id,
            name: self.name.clone(),
            clinic_name: self.clinic_name.clone(),
            team_ids: self.team_ids.clone(),
        }
    }
}

/// Every active physician, in the teams' calling order (clinic, then
/// doctor). The network is a few dozen doctors, so the callers look names
/// up in this list rather than query once per name.
pub async fn physicians(db: impl PgExecutor<'_>) -> Result<Vec<PhysicianRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"
        select s.id, s.family_name || ' ' || s.given_name as "name!",
               s.family_name_kana || ' ' || s.given_name_kana as "name_kana!",
               s.phone, o.id as clinic_id, o.name as clinic_name,
               array(select t.team_id from clinic_team_members t
                      where t.organization_id = o.id order by t.team_id) as "team_ids!"
          from staff s
          join organizations o on o.id = s.organization_id
         where s.role = 'physician' and s.disabled_at is null
         order by o.id, s.id
        "#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PhysicianRow {
            id: r.id,
            name: r.name,
            name_kana: r.name_kana,
            phone: r.phone,
            clinic_id: r.clinic_id,
            clinic_name: r.clinic_name,
            team_ids: r.team_ids,
        })
        .collect())
}

/// The clinics of a team, in calling order.
pub async fn team_clinics(
    db: impl PgExecutor<'_>,
    team_id: Uuid,
) -> Result<Vec<(Uuid, Contact)>, sqlx::Error> {
    let rows = sqlx::query!(
        "select o.id, o.name, o.phone, o.address
           from organizations o
           join clinic_team_members t on t.organization_id = o.id
          where t.team_id = $1
          order by o.id",
        team_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.id,
                Contact {
                    name: r.name,
                    phone: r.phone,
                    address: r.address,
                },
            )
        })
        .collect())
}

/// The team's backup hospital and the medical association's secretariat.
/// The hospital is the one `db::escalation` calls (the team's
/// `backup_hospital_id`), so the roster and the call path name the same one.
pub async fn network_contacts(
    db: impl PgExecutor<'_>,
    team: Uuid,
) -> Result<(Option<Contact>, Option<Contact>), sqlx::Error> {
    let row = sqlx::query!(
        r#"
        select h.name as "hospital_name?", h.phone as "hospital_phone?",
               h.address as "hospital_address?",
               s.name as "secretariat_name?", s.phone as "secretariat_phone?",
               s.address as "secretariat_address?"
          from (select 1) as one
          left join lateral (select o.name, o.phone, o.address
                               from clinic_teams t join organizations o on o.id = t.backup_hospital_id
                              where t.id = $1) h on true
          left join lateral (select name, phone, address from organizations
                              where kind = 'secretariat' order by name limit 1) s on true
        "#,
        team
    )
    .fetch_one(db)
    .await?;
    let contact = |name: Option<String>, phone: Option<String>, address: Option<String>| {
        Some(Contact {
            name: name?,
            phone: phone?,
            address: address.unwrap_or_default(),
        })
    };
    Ok((
        contact(row.hospital_name, row.hospital_phone, row.hospital_address),
        contact(
            row.secretariat_name,
            row.secretariat_phone,
            row.secretariat_address,
        ),
    ))
}

/// The team's duty schedule, if one is stored.
pub async fn schedule(
    db: impl PgExecutor<'_>,
    team_id: Uuid,
) -> Result<Option<DutySchedule>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select definition as "definition: Json<DutySchedule>"
             from duty_schedules where clinic_team_id = $1"#,
        team_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.definition.0))
}

/// Every team's schedule with the team's name, for the hole check.
pub async fn all_schedules(
    db: impl PgExecutor<'_>,
) -> Result<Vec<(TeamOption, DutySchedule)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select t.id, t.name, d.definition as "definition: Json<DutySchedule>"
             from duty_schedules d join clinic_teams t on t.id = d.clinic_team_id
            order by t.name, t.id"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                TeamOption {
                    id: r.id,
                    name: r.name,
                },
                r.definition.0,
            )
        })
        .collect())
}

/// Every absence in force at some instant of `[from, to)`, whoever's. All
/// doctors, not only one team's: a substitute may belong to another team.
pub async fn absences_overlapping(
    db: impl PgExecutor<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<PlannedAbsence>, sqlx::Error> {
    let rows = sqlx::query!(
        "select id, staff_id, starts_at, ends_at, reason, substitute_id
           from planned_absences
          where cancelled_at is null and ends_at > $1 and starts_at < $2
          order by starts_at, id",
        from,
        to
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PlannedAbsence {
            id: r.id,
            doctor: r.staff_id,
            interval: Interval::new(r.starts_at, r.ends_at),
            reason_text: r.reason,
            substitute: r.substitute_id,
        })
        .collect())
}

/// A planned absence as listed to the team.
#[derive(Debug, Clone)]
pub struct AbsenceListRow {
    pub id: Uuid,
    pub staff_id: Uuid,
    pub doctor_name: String,
    pub clinic_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub reason: String,
    pub substitute_name: Option<String>,
    pub created_by_name: Option<String>,
}

/// Absences not yet over, of the doctors of `team` (of every doctor when
/// `None`), soonest first.
pub async fn current_absences(
    db: impl PgExecutor<'_>,
    team: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Vec<AbsenceListRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"
        select a.id, a.staff_id, a.starts_at, a.ends_at, a.reason,
               s.family_name || ' ' || s.given_name as "doctor_name!",
               o.name as clinic_name,
               sub.family_name || ' ' || sub.given_name as "substitute_name?",
               cb.family_name || ' ' || cb.given_name as "created_by_name?"
          from planned_absences a
          join staff s on s.id = a.staff_id
          join organizations o on o.id = s.organization_id
          left join staff sub on sub.id = a.substitute_id
          left join staff cb on cb.id = a.created_by
         where a.cancelled_at is null and a.ends_at > $1
           and ($2::uuid is null
                or s.organization_id in (select organization_id from clinic_team_members
                                          where team_id = $2))
         order by a.starts_at, a.id
         limit 200
        "#,
        now,
        team,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AbsenceListRow {
            id: r.id,
            staff_id: r.staff_id,
            doctor_name: r.doctor_name,
            clinic_name: r.clinic_name,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            reason: r.reason,
            substitute_name: r.substitute_name,
            created_by_name: r.created_by_name,
        })
        .collect())
}

/// Whether `id` is an active physician.
pub async fn is_active_physician(db: impl PgExecutor<'_>, id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from staff
                           where id = $1 and role = 'physician' and disabled_at is null)
             as "exists!""#,
        id
    )
    .fetch_one(db)
    .await
}

/// Serialises absence changes until the transaction ends. Two doctors of a
/// team registering absences at the same moment could each leave the other
/// alone on a night and together leave it empty; taken one after the other,
/// the second sees the first and is warned.
pub async fn lock_absences(db: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"select 1 as "locked!" from pg_advisory_xact_lock($1)"#,
        ABSENCES_LOCK_KEY
    )
    .fetch_one(db)
    .await?;
    Ok(())
}

/// "absences" in ASCII.
const ABSENCES_LOCK_KEY: i64 = 0x0061_6273_656e_6365;

pub async fn insert_absence(
    db: impl PgExecutor<'_>,
    absence: &PlannedAbsence,
    created_by: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into planned_absences
             (id, staff_id, starts_at, ends_at, reason, substitute_id, created_by)
         values ($1, $2, $3, $4, $5, $6, $7)",
        absence.id,
        absence.doctor,
        absence.interval.start,
        absence.interval.end,
        absence.reason_text,
        absence.substitute,
        created_by,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The absent doctor of a live (not cancelled) absence, locking its row
/// until the transaction ends.
pub async fn live_absence_owner(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "select staff_id from planned_absences
          where id = $1 and cancelled_at is null
          for update",
        id
    )
    .fetch_optional(db)
    .await
}

/// Marks an absence cancelled. Rows are kept, not deleted: the morning
/// report and the audit may need to know who was announced away.
pub async fn cancel_absence(
    db: impl PgExecutor<'_>,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update planned_absences set cancelled_at = $2 where id = $1 and cancelled_at is null",
        id,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}
