//! Loading what the escalation engine needs about one patient, in one
//! round trip: the policy (the patient's own or the team's), the team's
//! doctors with their clinics' coordinates, the duty schedule, the absences
//! around now, the nurse station and the backup hospital.

use crate::domain::escalation::{
    Contact, DoctorContact, EscalationContext, EscalationPolicy, GeoPoint,
};
use crate::domain::patient::PatientId;
use crate::domain::schedule::{DutySchedule, Interval, PlannedAbsence};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use sqlx::types::Json;
use sqlx::PgExecutor;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
struct DoctorRow {
    id: Uuid,
    name: String,
    phone: String,
    clinic_name: String,
    lat: Option<f64>,
    lon: Option<f64>,
}

impl From<DoctorRow> for DoctorContact {
    fn from(d: DoctorRow) -> Self {
        DoctorContact {
            id: d.id,
            name: d.name,
            phone: d.phone,
            clinic_name: d.clinic_name,
            clinic_location: d.lat.zip(d.lon).map(|(lat, lon)| GeoPoint { lat, lon }),
        }
    }
}

#[derive(Debug, Deserialize)]
struct AbsenceRow {
    id: Uuid,
    staff_id: Uuid,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    reason: String,
    substitute_id: Option<Uuid>,
}

/// The policy and context for `patient` around `now`, or `None` when the
/// patient does not exist. A team without a stored schedule or policy gets
/// an empty schedule and the suggested policy, so a call can always be made.
pub async fn load(
    db: impl PgExecutor<'_>,
    patient: PatientId,
    now: DateTime<Utc>,
) -> Result<Option<(EscalationPolicy, EscalationContext)>, sqlx::Error> {
    let window_start = now - Duration::days(1);
    let window_end = now + Duration::days(2);
    let today = crate::domain::time::tokyo_date(now);
    let row = sqlx::query!(
        r#"
        select p.latitude, p.longitude, p.clinic_team_id, p.attending_physician_id,
               (select m.staff_id from care_team_members m
                 where m.patient_id = p.id and m.role = 'secondary' and m.staff_id is not null
                   and m.valid_from <= $4 and (m.valid_to is null or m.valid_to >= $4)
                 order by m.valid_from desc limit 1) as secondary_id,
               coalesce((select json_agg(json_build_object(
                          'id', s.id, 'name', s.family_name || ' ' || s.given_name,
                          'phone', s.phone, 'clinic_name', o.name,
                          'lat', o.latitude, 'lon', o.longitude) order by o.id, s.id)
                           from staff s
                           join organizations o on o.id = s.organization_id
                           join clinic_team_members t on t.organization_id = o.id
                          where t.team_id = p.clinic_team_id and s.role = 'physician'
                            and s.disabled_at is null),
                        '[]'::json) as "team!: Json<Vec<DoctorRow>>",
               coalesce((select json_agg(json_build_object(
                          'id', s.id, 'name', s.family_name || ' ' || s.given_name,
                          'phone', s.phone, 'clinic_name', o.name,
                          'lat', o.latitude, 'lon', o.longitude) order by s.id)
                           from staff s join organizations o on o.id = s.organization_id
                          where s.role = 'physician' and s.disabled_at is null
                            and o.id not in (select organization_id from clinic_team_members
                                              where team_id = p.clinic_team_id)),
                        '[]'::json) as "others!: Json<Vec<DoctorRow>>",
               coalesce((select json_agg(json_build_object(
                          'id', a.id, 'staff_id', a.staff_id, 'starts_at', a.starts_at,
                          'ends_at', a.ends_at, 'reason', a.reason,
                          'substitute_id', a.substitute_id))
                           from planned_absences a
                          where a.cancelled_at is null and a.ends_at > $2 and a.starts_at < $3),
                        '[]'::json) as "absences!: Json<Vec<AbsenceRow>>",
               ds.definition as "schedule?: Json<DutySchedule>",
               coalesce(pp.policy, ep.policy) as "policy?: Json<EscalationPolicy>",
               station.id as "station_id?", station.name as "station_name?",
               station.phone as "station_phone?",
               (select o.id from organizations o where o.kind = 'hospital' order by o.name limit 1)
                 as hospital_id,
               (select o.name from organizations o where o.kind = 'hospital' order by o.name limit 1)
                 as hospital_name,
               (select o.phone from organizations o where o.kind = 'hospital' order by o.name limit 1)
                 as hospital_phone
          from patients p
          left join duty_schedules ds on ds.clinic_team_id = p.clinic_team_id
          left join escalation_policies ep on ep.clinic_team_id = p.clinic_team_id
          left join patient_escalation_policies pp on pp.patient_id = p.id
          left join organizations station on station.id = p.nurse_station_id
         where p.id = $1
        "#,
        patient.0,
        window_start,
        window_end,
        today,
    )
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };

    let schedule = row.schedule.map(|s| s.0).unwrap_or_else(|| DutySchedule {
        id: row.clinic_team_id.unwrap_or_default(),
        name: String::new(),
        rotations: Vec::new(),
        rules: Vec::new(),
        overrides: Vec::new(),
        swaps: Vec::new(),
    });
    let policy = row
        .policy
        .map(|p| p.0)
        .unwrap_or_else(EscalationPolicy::suggested);
    let contact = |id: Option<Uuid>, name: Option<String>, phone: Option<String>| {
        Some(Contact {
            id: id?,
            name: name?,
            phone: phone?,
        })
    };
    let context = EscalationContext {
        attending: row.attending_physician_id,
        secondary: row.secondary_id,
        team: row.team.0.into_iter().map(DoctorContact::from).collect(),
        other_doctors: row.others.0.into_iter().map(DoctorContact::from).collect(),
        patient_home: row
            .latitude
            .zip(row.longitude)
            .map(|(lat, lon)| GeoPoint { lat, lon }),
        schedule,
        absences: row
            .absences
            .0
            .into_iter()
            .map(|a| PlannedAbsence {
                id: a.id,
                doctor: a.staff_id,
                interval: Interval {
                    start: a.starts_at,
                    end: a.ends_at,
                },
                reason_text: a.reason,
                substitute: a.substitute_id,
            })
            .collect(),
        nurse_station_manager: contact(row.station_id, row.station_name, row.station_phone),
        backup_hospital: contact(row.hospital_id, row.hospital_name, row.hospital_phone),
        discharging_hospital: None,
    };
    Ok(Some((policy, context)))
}
