//! The night card and its read's audit row in one statement
//! ([`night_card`]), and the list of the patients a user may open
//! ([`patient_list_for`]).

use crate::domain::access::{Actor, Role};
use crate::domain::card::{
    Allergy, CareManager, Clinical, Device, DeviceKind, Diagnosis, Medication, NursingOrder, Photo,
    Place, PrnOrder, Resuscitation, Stamp, TimelineEntry, TimelineKind, TransportWish, WayIn,
    Wishes,
};
use crate::domain::night_card::{Address, CareContact, Coordinates, FamilyContact, NightCard};
use crate::domain::patient::{age_on, era_of, PatientId, PatientSummary, Sex};
use crate::domain::time::tokyo_date;
use crate::ssr::db::escalation::EscalationRow;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use sqlx::types::Json;
use sqlx::PgExecutor;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
struct FamilyRow {
    name: String,
    relation: String,
    phone: String,
    is_key_person: bool,
}

#[derive(Debug, Deserialize)]
struct ContactRow {
    name: String,
    organization: Option<String>,
    phone: String,
}

/// Who wrote a row and when, as every section row carries it.
#[derive(Debug, Deserialize)]
struct StampRow {
    updated_at: DateTime<Utc>,
    updated_by: String,
}

impl From<StampRow> for Stamp {
    fn from(s: StampRow) -> Self {
        Stamp {
            at: s.updated_at,
            by: s.updated_by,
        }
    }
}

#[derive(Debug, Deserialize)]
struct WayInRow {
    entrance: String,
    key_box: String,
    parking: String,
    pets: String,
    version: i32,
    #[serde(flatten)]
    stamp: StampRow,
}

#[derive(Debug, Deserialize)]
struct CareManagerRow {
    name: String,
    office: String,
    phone: String,
    version: i32,
    #[serde(flatten)]
    stamp: StampRow,
}

#[derive(Debug, Deserialize)]
struct WishesRow {
    resuscitation: String,
    place_of_care: String,
    place_of_death: String,
    death_at_home_expected: bool,
    transport: String,
    decided_by: String,
    decided_on: NaiveDate,
    document_on_file: bool,
    document_note: String,
    notes: String,
    version: i32,
    #[serde(flatten)]
    stamp: StampRow,
}

#[derive(Debug, Deserialize)]
struct OrderRow {
    id: Uuid,
    issued_by: String,
    clinic: Option<String>,
    issued_on: NaiveDate,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
    on_sudden_change: String,
    version: i32,
    #[serde(flatten)]
    stamp: StampRow,
    #[serde(default)]
    updated_by_role: String,
}

#[derive(Debug, Deserialize)]
struct PrnRow {
    condition: String,
    action: String,
    #[serde(flatten)]
    stamp: StampRow,
    #[serde(default)]
    updated_by_role: String,
}

#[derive(Debug, Deserialize)]
struct SummaryRow {
    no_known_allergies: bool,
    infection_precautions: String,
    #[serde(flatten)]
    stamp: StampRow,
}

#[derive(Debug, Deserialize)]
struct DiagnosisRow {
    name: String,
    noted_on: Option<NaiveDate>,
    is_primary: bool,
    #[serde(flatten)]
    stamp: StampRow,
}

#[derive(Debug, Deserialize)]
struct MedicationRow {
    name: String,
    dose: String,
    schedule: String,
    as_needed: bool,
    #[serde(flatten)]
    stamp: StampRow,
}

#[derive(Debug, Deserialize)]
struct AllergyRow {
    substance: String,
    reaction: String,
    #[serde(flatten)]
    stamp: StampRow,
}

#[derive(Debug, Deserialize)]
struct DeviceRow {
    kind: String,
    detail: String,
    oxygen_flow_l_min: Option<f64>,
    since: Option<NaiveDate>,
    next_change_on: Option<NaiveDate>,
    #[serde(flatten)]
    stamp: StampRow,
}

#[derive(Debug, Deserialize)]
struct TimelineRow {
    kind: String,
    occurred_at: DateTime<Utc>,
    author: String,
    body: String,
}

#[derive(Debug, Deserialize)]
struct PhotoRow {
    content_type: String,
    base64: String,
}

/// How many timeline entries the card shows.
pub const TIMELINE_ENTRIES: i64 = 20;

/// The audit row of an allowed card read, written by the statement that
/// reads the card.
pub struct CardReadAudit<'a> {
    pub staff_id: Uuid,
    pub session_hash: &'a [u8],
    pub action: &'a str,
    pub detail: &'a str,
    pub ip: &'a str,
}

/// Reads the whole night card in one round trip, and writes the read's
/// audit row in the same statement (a data-modifying `with`, which runs
/// whether or not the card is found, and commits with the read): the
/// patient row with its attending physician, nurse station and way in by
/// join; every list and every one-per-patient section as a JSON subquery,
/// each on an index that starts with `patient_id`; and what the escalation
/// engine needs for the card's first call (`nc_escalation_context`, the
/// same function `db::escalation::load` reads). `now` decides the Tokyo date
/// for the care team and the nursing order in force.
///
/// Called only with the permit `decide` gave (`ssr::access::permit_patient`).
pub async fn night_card(
    db: impl PgExecutor<'_>,
    id: PatientId,
    now: DateTime<Utc>,
    audit: &CardReadAudit<'_>,
) -> Result<Option<(NightCard, EscalationRow)>, sqlx::Error> {
    let today = tokyo_date(now);
    let (window_start, window_end, _) = crate::ssr::db::escalation::window(now);
    let row = sqlx::query!(
        r#"
        -- nightcall:night_card
        with audited as (
            insert into audit_log (staff_id, session_hash, patient_id, action, outcome, detail, ip)
            values ($4, $5, $1, $6, 'allowed', $7, $8)
        )
        select p.id, p.family_name, p.given_name, p.family_name_kana, p.given_name_kana,
               p.birth_date, p.sex, p.postal_code, p.prefecture, p.city, p.street,
               p.building, p.room, p.latitude, p.longitude, p.updated_at, p.version,
               coalesce(h.landmark, p.landmark) as "landmark!",
               (select s.family_name || ' ' || s.given_name from staff s where s.id = p.updated_by)
                 as "updated_by?",
               doc.family_name || ' ' || doc.given_name as "attending_name?",
               doc.phone as "attending_phone?",
               clinic.name as "attending_clinic?",
               station.name as "station_name?",
               station.phone as "station_phone?",
               case when h.patient_id is null then null else json_build_object(
                   'entrance', h.entrance, 'key_box', h.key_box, 'parking', h.parking,
                   'pets', h.pets, 'version', h.version, 'updated_at', h.updated_at,
                   'updated_by', (select s.family_name || ' ' || s.given_name
                                    from staff s where s.id = h.updated_by))
               end as "way_in?: Json<WayInRow>",
               coalesce(
                 (select json_agg(json_build_object(
                          'name', f.name, 'relation', f.relation, 'phone', f.phone,
                          'is_key_person', f.is_key_person) order by f.priority)
                    from family_contacts f where f.patient_id = p.id),
                 '[]'::json) as "family!: Json<Vec<FamilyRow>>",
               (select max(f.updated_at) from family_contacts f where f.patient_id = p.id)
                 as family_updated_at,
               coalesce(
                 (select json_agg(json_build_object(
                          'name', s.family_name || ' ' || s.given_name,
                          'organization', o.name, 'phone', s.phone) order by m.valid_from, s.id)
                    from care_team_members m
                    join staff s on s.id = m.staff_id
                    left join organizations o on o.id = s.organization_id
                   where m.patient_id = p.id and m.role = 'secondary'
                     and m.valid_from <= $2 and (m.valid_to is null or m.valid_to >= $2)),
                 '[]'::json) as "secondary!: Json<Vec<ContactRow>>",
               (select json_build_object(
                          'name', c.name, 'office', c.office, 'phone', c.phone,
                          'version', c.version, 'updated_at', c.updated_at,
                          'updated_by', s.family_name || ' ' || s.given_name)
                  from care_managers c join staff s on s.id = c.updated_by
                 where c.patient_id = p.id) as "care_manager?: Json<CareManagerRow>",
               (select json_build_object(
                          'resuscitation', w.resuscitation, 'place_of_care', w.place_of_care,
                          'place_of_death', w.place_of_death,
                          'death_at_home_expected', w.death_at_home_expected,
                          'transport', w.transport, 'decided_by', w.decided_by,
                          'decided_on', w.decided_on, 'document_on_file', w.document_on_file,
                          'document_note', w.document_note, 'notes', w.notes,
                          'version', w.version, 'updated_at', w.updated_at,
                          'updated_by', s.family_name || ' ' || s.given_name)
                  from acp_wishes w join staff s on s.id = w.updated_by
                 where w.patient_id = p.id) as "wishes?: Json<WishesRow>",
               (select json_build_object(
                          'id', o.id, 'issued_by', d.family_name || ' ' || d.given_name,
                          'clinic', c.name, 'issued_on', o.issued_on,
                          'valid_from', o.valid_from, 'valid_to', o.valid_to,
                          'on_sudden_change', o.on_sudden_change, 'version', o.version,
                          'updated_at', o.updated_at,
                          'updated_by', u.family_name || ' ' || u.given_name,
                          'updated_by_role', u.role)
                  from nursing_orders o
                  join staff d on d.id = o.issued_by
                  left join organizations c on c.id = d.organization_id
                  join staff u on u.id = o.updated_by
                 where o.id = nc_current_nursing_order(p.id, $2)) as "nursing_order?: Json<OrderRow>",
               coalesce(
                 (select json_agg(json_build_object(
                          'condition', r.condition, 'action', r.action,
                          'updated_at', r.updated_at,
                          'updated_by', s.family_name || ' ' || s.given_name,
                          'updated_by_role', s.role)
                          order by r.position, r.id)
                    from prn_orders r join staff s on s.id = r.updated_by
                   where r.patient_id = p.id),
                 '[]'::json) as "prn!: Json<Vec<PrnRow>>",
               (select json_build_object(
                          'no_known_allergies', c.no_known_allergies,
                          'infection_precautions', c.infection_precautions,
                          'updated_at', c.updated_at,
                          'updated_by', s.family_name || ' ' || s.given_name)
                  from patient_clinical c join staff s on s.id = c.updated_by
                 where c.patient_id = p.id) as "summary?: Json<SummaryRow>",
               coalesce(
                 (select json_agg(json_build_object(
                          'name', x.name, 'noted_on', x.noted_on, 'is_primary', x.is_primary,
                          'updated_at', x.updated_at,
                          'updated_by', s.family_name || ' ' || s.given_name)
                          order by x.is_primary desc, x.noted_on, x.id)
                    from diagnoses x join staff s on s.id = x.updated_by
                   where x.patient_id = p.id),
                 '[]'::json) as "diagnoses!: Json<Vec<DiagnosisRow>>",
               coalesce(
                 (select json_agg(json_build_object(
                          'name', x.name, 'dose', x.dose, 'schedule', x.schedule,
                          'as_needed', x.as_needed, 'updated_at', x.updated_at,
                          'updated_by', s.family_name || ' ' || s.given_name)
                          order by x.as_needed desc, x.position, x.id)
                    from medications x join staff s on s.id = x.updated_by
                   where x.patient_id = p.id),
                 '[]'::json) as "medications!: Json<Vec<MedicationRow>>",
               coalesce(
                 (select json_agg(json_build_object(
                          'substance', x.substance, 'reaction', x.reaction,
                          'updated_at', x.updated_at,
                          'updated_by', s.family_name || ' ' || s.given_name) order by x.id)
                    from allergies x join staff s on s.id = x.updated_by
                   where x.patient_id = p.id),
                 '[]'::json) as "allergies!: Json<Vec<AllergyRow>>",
               coalesce(
                 (select json_agg(json_build_object(
                          'kind', x.kind, 'detail', x.detail,
                          'oxygen_flow_l_min', x.oxygen_flow_l_min, 'since', x.since,
                          'next_change_on', x.next_change_on, 'updated_at', x.updated_at,
                          'updated_by', s.family_name || ' ' || s.given_name) order by x.kind, x.id)
                    from devices x join staff s on s.id = x.updated_by
                   where x.patient_id = p.id),
                 '[]'::json) as "devices!: Json<Vec<DeviceRow>>",
               coalesce(
                 (select json_agg(json_build_object(
                          'kind', t.kind, 'occurred_at', t.occurred_at, 'author', t.author,
                          'body', t.body) order by t.occurred_at desc)
                    from (select e.kind, e.occurred_at, e.body,
                                 s.family_name || ' ' || s.given_name as author
                            from timeline_entries e join staff s on s.id = e.author_id
                           where e.patient_id = p.id
                           order by e.occurred_at desc
                           limit $3) t),
                 '[]'::json) as "timeline!: Json<Vec<TimelineRow>>",
               (select json_build_object(
                          'content_type', ph.content_type,
                          'base64', translate(encode(ph.data, 'base64'), E'\n', ''))
                  from patient_photos ph where ph.patient_id = p.id) as "photo?: Json<PhotoRow>",
               nc_escalation_context(p.id, $9, $10, $2) as "escalation!: Json<EscalationRow>"
          from patients p
          left join home_access h on h.patient_id = p.id
          left join staff doc on doc.id = p.attending_physician_id
          left join organizations clinic on clinic.id = doc.organization_id
          left join organizations station on station.id = p.nurse_station_id
         where p.id = $1
        "#,
        id.0,
        today,
        TIMELINE_ENTRIES,
        audit.staff_id,
        audit.session_hash,
        audit.action,
        audit.detail,
        audit.ip,
        window_start,
        window_end,
    )
    .fetch_optional(db)
    .await?;

    let Some(row) = row else { return Ok(None) };
    let escalation = row.escalation.0;
    let sex = Sex::from_db(&row.sex).unwrap_or(Sex::Other);
    let coordinates = match (row.latitude, row.longitude) {
        (Some(latitude), Some(longitude)) => Some(Coordinates {
            latitude,
            longitude,
        }),
        _ => None,
    };
    let attending = match (row.attending_name, row.attending_phone) {
        (Some(name), Some(phone)) => Some(CareContact {
            name,
            organization: row.attending_clinic.unwrap_or_default(),
            phone,
        }),
        _ => None,
    };
    let nurse_station = match (row.station_name, row.station_phone) {
        (Some(name), Some(phone)) => Some(CareContact {
            organization: name.clone(),
            name,
            phone,
        }),
        _ => None,
    };
    let way_in = row
        .way_in
        .map(|Json(w)| WayIn {
            entrance: w.entrance,
            key_box: w.key_box,
            parking: w.parking,
            pets: w.pets,
            version: w.version,
            updated: Some(w.stamp.into()),
        })
        .unwrap_or_default();
    let (no_known_allergies, infection_precautions, summary_updated) = match row.summary {
        Some(Json(s)) => (
            s.no_known_allergies,
            s.infection_precautions,
            Some(s.stamp.into()),
        ),
        None => (false, String::new(), None),
    };
    let card = NightCard {
        patient_id: PatientId(row.id),
        family_name: row.family_name,
        given_name: row.given_name,
        family_name_kana: row.family_name_kana,
        given_name_kana: row.given_name_kana,
        birth_date: row.birth_date,
        age: age_on(row.birth_date, today),
        birth_era: era_of(row.birth_date),
        sex,
        photo: row.photo.map(|Json(p)| Photo {
            content_type: p.content_type,
            base64: p.base64,
        }),
        version: row.version,
        updated_by: row.updated_by,
        address: Address {
            postal_code: row.postal_code,
            prefecture: row.prefecture,
            city: row.city,
            street: row.street,
            building: row.building,
            room: row.room,
            landmark: row.landmark,
            coordinates,
        },
        way_in,
        attending,
        secondary: row
            .secondary
            .0
            .into_iter()
            .map(|c| CareContact {
                name: c.name,
                organization: c.organization.unwrap_or_default(),
                phone: c.phone,
            })
            .collect(),
        nurse_station,
        care_manager: row.care_manager.map(|Json(c)| CareManager {
            name: c.name,
            office: c.office,
            phone: c.phone,
            version: c.version,
            updated: c.stamp.into(),
        }),
        family: row
            .family
            .0
            .into_iter()
            .map(|f| FamilyContact {
                name: f.name,
                relation: f.relation,
                phone: f.phone,
                is_key_person: f.is_key_person,
            })
            .collect(),
        family_updated_at: row.family_updated_at,
        wishes: row.wishes.and_then(|Json(w)| {
            Some(Wishes {
                resuscitation: Resuscitation::from_db(&w.resuscitation)?,
                place_of_care: Place::from_db(&w.place_of_care)?,
                place_of_death: Place::from_db(&w.place_of_death)?,
                death_at_home_expected: w.death_at_home_expected,
                transport: TransportWish::from_db(&w.transport)?,
                decided_by: w.decided_by,
                decided_on: w.decided_on,
                document_on_file: w.document_on_file,
                document_note: w.document_note,
                notes: w.notes,
                version: w.version,
                updated: w.stamp.into(),
            })
        }),
        nursing_order: row.nursing_order.map(|Json(o)| NursingOrder {
            id: o.id,
            issued_by: o.issued_by,
            clinic: o.clinic.unwrap_or_default(),
            issued_on: o.issued_on,
            valid_from: o.valid_from,
            valid_to: o.valid_to,
            on_sudden_change: o.on_sudden_change,
            version: o.version,
            updated: o.stamp.into(),
            updated_by_role: Role::from_db(&o.updated_by_role),
        }),
        prn_orders: row
            .prn
            .0
            .into_iter()
            .map(|r| PrnOrder {
                condition: r.condition,
                action: r.action,
                updated: r.stamp.into(),
                updated_by_role: Role::from_db(&r.updated_by_role),
            })
            .collect(),
        clinical: Clinical {
            diagnoses: row
                .diagnoses
                .0
                .into_iter()
                .map(|d| Diagnosis {
                    name: d.name,
                    noted_on: d.noted_on,
                    is_primary: d.is_primary,
                    updated: d.stamp.into(),
                })
                .collect(),
            medications: row
                .medications
                .0
                .into_iter()
                .map(|m| Medication {
                    name: m.name,
                    dose: m.dose,
                    schedule: m.schedule,
                    as_needed: m.as_needed,
                    updated: m.stamp.into(),
                })
                .collect(),
            allergies: row
                .allergies
                .0
                .into_iter()
                .map(|a| Allergy {
                    substance: a.substance,
                    reaction: a.reaction,
                    updated: a.stamp.into(),
                })
                .collect(),
            devices: row
                .devices
                .0
                .into_iter()
                .filter_map(|d| {
                    Some(Device {
                        kind: DeviceKind::from_db(&d.kind)?,
                        detail: d.detail,
                        oxygen_flow_l_min: d.oxygen_flow_l_min,
                        since: d.since,
                        next_change_on: d.next_change_on,
                        updated: d.stamp.into(),
                    })
                })
                .collect(),
            no_known_allergies,
            infection_precautions,
            summary_updated,
        },
        timeline: row
            .timeline
            .0
            .into_iter()
            .filter_map(|t| {
                Some(TimelineEntry {
                    kind: TimelineKind::from_db(&t.kind)?,
                    occurred_at: t.occurred_at,
                    author: t.author,
                    body: t.body,
                })
            })
            .collect(),
        can_edit: false,
        updated_at: row.updated_at,
        read_at: now,
        break_glass_until: None,
        first_call: None,
        can_edit_orders: false,
        can_edit_identity: false,
    };
    Ok(Some((card, escalation)))
}

/// The patients `actor` may open, by the same rules as
/// `domain::access::decide` for `ReadCard` (care-team membership active
/// today, or a physician of a clinic in the patient's clinic team with an
/// active group-care consent). The rule lives once, in
/// [`search::readable_patients`]; this is that query without a search
/// term. The access-matrix test checks that this list and `decide` agree
/// for every demo user.
pub async fn patient_list_for(
    db: impl PgExecutor<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<PatientSummary>, sqlx::Error> {
    let rows =
        super::search::readable_patients(db, actor, now, None, super::search::LIST_LIMIT).await?;
    Ok(rows
        .into_iter()
        .map(|r| PatientSummary {
            id: r.id,
            name: r.name,
            name_kana: r.name_kana,
            birth_date: r.birth_date,
            city_street: r.city_street,
        })
        .collect())
}
