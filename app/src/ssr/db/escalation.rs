//! Loading what the escalation engine needs about one patient, in one
//! round trip (SQL function `nc_escalation_context`, which the night-card
//! statement also reads): the policy (the patient's own or the team's), the team's
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

#[derive(Debug, Deserialize)]
struct ContactRow {
    id: Uuid,
    name: String,
    phone: String,
}

impl From<ContactRow> for Contact {
    fn from(h: ContactRow) -> Self {
        Contact {
            id: h.id,
            name: h.name,
            phone: h.phone,
        }
    }
}

/// What `nc_escalation_context` (migrations `read_path`, `night_models`) returns: the
/// patient's home, the team's doctors and the others, the absences around
/// now, the schedule, the policy, the nurse station and the backup hospital.
#[derive(Debug, Deserialize)]
pub struct EscalationRow {
    latitude: Option<f64>,
    longitude: Option<f64>,
    clinic_team_id: Option<Uuid>,
    attending_physician_id: Option<Uuid>,
    secondary_id: Option<Uuid>,
    team: Vec<DoctorRow>,
    others: Vec<DoctorRow>,
    absences: Vec<AbsenceRow>,
    schedule: Option<DutySchedule>,
    policy: Option<EscalationPolicy>,
    station_id: Option<Uuid>,
    station_name: Option<String>,
    station_phone: Option<String>,
    hospital: Option<ContactRow>,
    #[serde(default)]
    discharging_hospital: Option<ContactRow>,
}

/// The window of absences the engine looks at around `now`, and the Tokyo
/// date: the arguments of `nc_escalation_context`.
pub fn window(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>, chrono::NaiveDate) {
    (
        now - Duration::days(1),
        now + Duration::days(2),
        crate::domain::time::tokyo_date(now),
    )
}

/// The policy and context for `patient` around `now`, or `None` when the
/// patient does not exist. A team without a stored schedule or policy gets
/// an empty schedule and the suggested policy, so a call can always be made.
pub async fn load(
    db: impl PgExecutor<'_>,
    patient: PatientId,
    now: DateTime<Utc>,
) -> Result<Option<(EscalationPolicy, EscalationContext)>, sqlx::Error> {
    let (window_start, window_end, today) = window(now);
    let row = sqlx::query_scalar!(
        r#"select nc_escalation_context($1, $2, $3, $4) as "context?: Json<EscalationRow>""#,
        patient.0,
        window_start,
        window_end,
        today,
    )
    .fetch_one(db)
    .await?;
    Ok(row.map(|Json(row)| from_row(row)))
}

/// The policy and context from what `nc_escalation_context` returned.
pub fn from_row(row: EscalationRow) -> (EscalationPolicy, EscalationContext) {
    let schedule = row.schedule.unwrap_or_else(|| DutySchedule {
        id: row.clinic_team_id.unwrap_or_default(),
        name: String::new(),
        rotations: Vec::new(),
        rules: Vec::new(),
        overrides: Vec::new(),
        swaps: Vec::new(),
    });
    let policy = row.policy.unwrap_or_else(EscalationPolicy::suggested);
    let station = match (row.station_id, row.station_name, row.station_phone) {
        (Some(id), Some(name), Some(phone)) => Some(Contact { id, name, phone }),
        _ => None,
    };
    let context = EscalationContext {
        attending: row.attending_physician_id,
        secondary: row.secondary_id,
        team: row.team.into_iter().map(DoctorContact::from).collect(),
        other_doctors: row.others.into_iter().map(DoctorContact::from).collect(),
        patient_home: row
            .latitude
            .zip(row.longitude)
            .map(|(lat, lon)| GeoPoint { lat, lon }),
        schedule,
        absences: row
            .absences
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
        nurse_station_manager: station,
        backup_hospital: row.hospital.map(Contact::from),
        discharging_hospital: row.discharging_hospital.map(Contact::from),
    };
    (policy, context)
}
