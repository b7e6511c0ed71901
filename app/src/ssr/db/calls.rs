//! Queries behind the call screens.

use crate::domain::access::Actor;
use crate::domain::escalation::ResolvedStep;
use crate::domain::incident::{BoardScope, CallOutcome, CallState, CancelReason, Vitals};
use crate::domain::night_card::{Address, Coordinates};
use crate::domain::patient::age_on;
use crate::domain::time::tokyo_date;
use crate::views::calls::{AttemptView, BoardRow, CallView, HandoffView};
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

pub async fn patient_of(db: impl PgExecutor<'_>, call: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("select patient_id from incidents where id = $1", call)
        .fetch_optional(db)
        .await
}

/// The whole call screen in one round trip.
pub async fn view(
    db: impl PgExecutor<'_>,
    call: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<CallView>, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        select i.id, i.patient_id, i.reason, i.note, i.opened_at, i.state, i.current_step,
               i.step_deadline, i.eta_minutes, i.accepted_at, i.arrived_at, i.outcome, i.version,
               i.opened_by as opened_by_id, i.accepted_by as accepted_by_id, i.round,
               i.cancel_reason, p.attending_physician_id,
               (w.resuscitation = 'dnar') as "dnar?", w.death_at_home_expected as "home_death?",
               case when i.answer_recorded_by is distinct from i.accepted_by
                    then rec.family_name || ' ' || rec.given_name end as "answer_recorded_by?",
               i.vitals as "vitals!: Json<Vitals>",
               i.path as "path!: Json<Vec<ResolvedStep>>",
               p.family_name || ' ' || p.given_name as "patient_name!",
               p.family_name_kana || ' ' || p.given_name_kana as "patient_kana!",
               p.birth_date, p.postal_code, p.prefecture, p.city, p.street, p.building, p.room,
               p.latitude, p.longitude,
               nurse.family_name || ' ' || nurse.given_name as "opened_by!",
               nurse.phone as nurse_phone,
               doc.family_name || ' ' || doc.given_name as "accepted_by?",
               (select h.acknowledged_at is not null from handoffs h where h.incident_id = i.id)
                 as "handoff_acknowledged?",
               coalesce((select json_agg(json_build_object(
                          'at', a.at, 'step_index', a.step_index, 'callee_name', a.callee_name,
                          'outcome', a.outcome, 'eta_minutes', a.eta_minutes, 'note', a.note,
                          'round', a.round, 'responder_name', a.responder_name,
                          'taken_over', a.responder_id is not null
                                        and a.responder_id is distinct from a.callee_id,
                          'recorded_by_name',
                            case when a.recorded_by is distinct from coalesce(a.responder_id, a.callee_id)
                                 then (select r.family_name || ' ' || r.given_name
                                         from staff r where r.id = a.recorded_by) end)
                          order by a.at, a.id)
                           from incident_attempts a where a.incident_id = i.id),
                        '[]'::json) as "attempts!: Json<Vec<AttemptView>>"
          from incidents i
          join patients p on p.id = i.patient_id
          join staff nurse on nurse.id = i.opened_by
          left join staff doc on doc.id = i.accepted_by
          left join staff rec on rec.id = i.answer_recorded_by
          left join acp_wishes w on w.patient_id = i.patient_id
         where i.id = $1
        "#,
        call
    )
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let address = Address {
        postal_code: r.postal_code,
        prefecture: r.prefecture,
        city: r.city,
        street: r.street,
        building: r.building,
        room: r.room,
        landmark: String::new(),
        coordinates: r
            .latitude
            .zip(r.longitude)
            .map(|(latitude, longitude)| Coordinates {
                latitude,
                longitude,
            }),
    };
    Ok(Some(CallView {
        id: r.id,
        patient_id: r.patient_id,
        patient_name: r.patient_name,
        patient_kana: r.patient_kana,
        age: age_on(r.birth_date, tokyo_date(now)),
        route_url: address.coordinates.map(|_| address.route_url()),
        address: address.one_line(),
        dnar: r.dnar.unwrap_or(false),
        home_death: r.home_death.unwrap_or(false),
        reason: r.reason,
        vitals: r.vitals.0,
        note: r.note,
        opened_at: r.opened_at,
        opened_by: r.opened_by,
        nurse_phone: r.nurse_phone,
        state: CallState::parse(&r.state).unwrap_or(CallState::Closed),
        path: r.path.0,
        current_step: usize::try_from(r.current_step).unwrap_or(0),
        step_deadline: r.step_deadline,
        accepted_by: r.accepted_by,
        answer_recorded_by: r.answer_recorded_by,
        eta_minutes: r.eta_minutes,
        accepted_at: r.accepted_at,
        arrived_at: r.arrived_at,
        outcome: r.outcome.as_deref().and_then(CallOutcome::parse),
        cancel_reason: r.cancel_reason.as_deref().and_then(CancelReason::parse),
        round: r.round,
        attempts: r.attempts.0,
        version: r.version,
        opened_by_id: r.opened_by_id,
        accepted_by_id: r.accepted_by_id,
        attending_id: r.attending_physician_id,
        moves: Default::default(),
        backup_hospital: None,
        handoff_acknowledged: r.handoff_acknowledged,
    }))
}

/// The call is answered (accepted, advised) or the doctor arrived.
/// `responder` is the doctor who really answered; `recorded_by` who
/// recorded it (he himself, or the opening nurse on his behalf).
pub async fn settle(
    conn: &mut PgConnection,
    call: Uuid,
    state: CallState,
    responder: Option<Uuid>,
    recorded_by: Uuid,
    eta_minutes: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    match state {
        CallState::Arrived => {
            sqlx::query!(
                "update incidents set state = 'arrived', arrived_at = $2, version = version + 1
                  where id = $1",
                call,
                now
            )
            .execute(&mut *conn)
            .await?;
        }
        other => {
            // A hospital or a nurse-station manager is not a staff member:
            // only doctors go into `accepted_by`.
            sqlx::query!(
                "update incidents
                    set state = $2, step_deadline = null,
                        accepted_by = (select id from staff where id = $3),
                        answer_recorded_by = $6,
                        accepted_at = $4, eta_minutes = $5, version = version + 1
                  where id = $1",
                call,
                other.as_str(),
                responder,
                now,
                eta_minutes,
                recorded_by,
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Closes the call and writes the hand-off for the attending physician
/// (unless the attending closed it himself).
#[allow(clippy::too_many_arguments)]
pub async fn close(
    conn: &mut PgConnection,
    call: Uuid,
    patient: Uuid,
    closed_by: Uuid,
    outcome: &str,
    detail: &serde_json::Value,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update incidents
            set state = 'closed', step_deadline = null, closed_at = $2, closed_by = $3,
                outcome = $4, outcome_detail = $5, version = version + 1
          where id = $1",
        call,
        now,
        closed_by,
        outcome,
        detail
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into handoffs (id, incident_id, patient_id, attending_id, written_by, summary, created_at)
         select $1, $2, p.id, p.attending_physician_id, $3, $4, $5
           from patients p where p.id = $6 and p.attending_physician_id is distinct from $3",
        Uuid::new_v4(),
        call,
        closed_by,
        summary,
        now,
        patient
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The opening nurse ends the call with a reason.
pub async fn cancel(
    conn: &mut PgConnection,
    call: Uuid,
    by: Uuid,
    reason: CancelReason,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update incidents
            set state = 'cancelled', step_deadline = null, closed_at = $2, closed_by = $3,
                cancel_reason = $4, version = version + 1
          where id = $1",
        call,
        now,
        by,
        reason.as_str(),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The hand-offs waiting for `actor` as the patient's attending physician
/// *today*: whoever holds the attending seat now (in person or through the
/// clinic named in it, as `domain::access` reads a seat), not whoever held
/// it when the call closed. A former attending receives nothing more.
pub async fn open_handoffs(
    db: impl PgExecutor<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<HandoffView>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select h.id, h.incident_id, h.patient_id, h.created_at, h.summary,
                  coalesce(i.outcome, '') as "outcome!",
                  p.family_name || ' ' || p.given_name as "patient_name!",
                  w.family_name || ' ' || w.given_name as "written_by!"
             from handoffs h
             join incidents i on i.id = h.incident_id
             join patients p on p.id = h.patient_id
             join staff w on w.id = h.written_by
            where h.acknowledged_at is null
              and $3 = 'physician'
              and exists (select 1 from care_team_members m
                           where m.patient_id = h.patient_id and m.role = 'attending'
                             and m.valid_from <= $4 and (m.valid_to is null or m.valid_to >= $4)
                             and (m.staff_id = $1 or m.organization_id = $2))
            order by h.created_at"#,
        actor.staff_id,
        actor.organization_id,
        actor.role.as_str(),
        tokyo_date(now),
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| HandoffView {
            id: r.id,
            call_id: r.incident_id,
            patient_id: r.patient_id,
            patient_name: r.patient_name,
            written_by: r.written_by,
            created_at: r.created_at,
            outcome: CallOutcome::parse(&r.outcome),
            summary: r.summary,
        })
        .collect())
}

/// Marks a hand-off read by the patient's attending physician of today
/// (the rule of [`open_handoffs`]); returns the patient.
pub async fn acknowledge(
    db: impl PgExecutor<'_>,
    handoff: Uuid,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "update handoffs h set acknowledged_at = $3, acknowledged_by = $2
          where h.id = $1 and h.acknowledged_at is null
            and $5 = 'physician'
            and exists (select 1 from care_team_members m
                         where m.patient_id = h.patient_id and m.role = 'attending'
                           and m.valid_from <= $6 and (m.valid_to is null or m.valid_to >= $6)
                           and (m.staff_id = $2 or m.organization_id = $4))
          returning h.patient_id",
        handoff,
        actor.staff_id,
        now,
        actor.organization_id,
        actor.role.as_str(),
        tokyo_date(now),
    )
    .fetch_optional(db)
    .await
}

/// The call board for `scope`: open calls, and those closed since `since`,
/// newest first. Operational data only (no patient name, reason or vitals).
pub async fn board(
    db: impl PgExecutor<'_>,
    scope: BoardScope,
    since: DateTime<Utc>,
) -> Result<Vec<BoardRow>, sqlx::Error> {
    let (every, station, on_path) = match scope {
        BoardScope::Every => (true, None, None),
        BoardScope::OpenedByStation(org) => (false, Some(org), None),
        BoardScope::OnPath(staff) => (false, None, Some(staff)),
    };
    let rows = sqlx::query!(
        r#"
        select i.id, i.patient_id, i.opened_at, i.state, i.current_step, i.step_deadline, i.eta_minutes,
               i.accepted_at, i.arrived_at, i.closed_at, i.cancel_reason, i.exhausted_at,
               i.path as "path!: Json<Vec<ResolvedStep>>",
               t.name as "team?",
               o.name as station,
               doc.family_name || ' ' || doc.given_name as "accepted_by?"
          from incidents i
          join patients p on p.id = i.patient_id
          left join clinic_teams t on t.id = p.clinic_team_id
          join staff nurse on nurse.id = i.opened_by
          join organizations o on o.id = nurse.organization_id
          left join staff doc on doc.id = i.accepted_by
         where (i.state not in ('closed', 'cancelled') or i.closed_at >= $1)
           and ($2::boolean
                or nurse.organization_id = $3
                or i.path @> jsonb_build_array(jsonb_build_object(
                     'callee', jsonb_build_object('id', $4::uuid))))
         order by i.state = 'exhausted' desc, i.state in ('closed', 'cancelled'), i.opened_at desc
         limit 100
        "#,
        since,
        every,
        station,
        on_path,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let current_step = usize::try_from(r.current_step).unwrap_or(0);
            let now_calling = r.path.0.get(current_step).cloned();
            BoardRow {
                id: r.id,
                opened_at: r.opened_at,
                state: CallState::parse(&r.state).unwrap_or(CallState::Closed),
                team: r.team,
                station: r.station,
                step: current_step + 1,
                steps: r.path.0.len(),
                now_calling,
                step_deadline: r.step_deadline,
                accepted_by: r.accepted_by,
                eta_minutes: r.eta_minutes,
                accepted_at: r.accepted_at,
                arrived_at: r.arrived_at,
                closed_at: r.closed_at,
                cancel_reason: r.cancel_reason.as_deref().and_then(CancelReason::parse),
                exhausted_at: r.exhausted_at,
                patient_id: r.patient_id,
            }
        })
        .collect())
}
