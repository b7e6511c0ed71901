//! Database queries. Every query is compile-checked against the migrations
//! (`sqlx::query!`, offline data in `.sqlx/`).

use crate::domain::access::Actor;
use crate::domain::night_card::{Address, CareContact, Coordinates, FamilyContact, NightCard};
use crate::domain::patient::{age_on, era_of, PatientId, PatientSummary, Sex};
use crate::domain::time::tokyo_date;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use sqlx::PgExecutor;

#[derive(Debug, Deserialize, Serialize)]
struct FamilyRow {
    name: String,
    relation: String,
    phone: String,
    is_key_person: bool,
}

/// Reads the whole night card in one round trip: the patient row, its
/// attending physician and nurse station by join, and the family contacts
/// aggregated as JSON in priority order.
pub async fn night_card(
    db: impl PgExecutor<'_>,
    id: PatientId,
    now: DateTime<Utc>,
) -> Result<Option<NightCard>, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        select p.id, p.family_name, p.given_name, p.family_name_kana, p.given_name_kana,
               p.birth_date, p.sex, p.postal_code, p.prefecture, p.city, p.street,
               p.building, p.room, p.latitude, p.longitude, p.landmark, p.updated_at,
               doc.family_name || ' ' || doc.given_name as "attending_name?",
               doc.phone as "attending_phone?",
               clinic.name as "attending_clinic?",
               station.name as "station_name?",
               station.phone as "station_phone?",
               coalesce(
                 (select json_agg(json_build_object(
                          'name', f.name, 'relation', f.relation, 'phone', f.phone,
                          'is_key_person', f.is_key_person) order by f.priority)
                    from family_contacts f where f.patient_id = p.id),
                 '[]'::json) as "family!: Json<Vec<FamilyRow>>"
          from patients p
          left join staff doc on doc.id = p.attending_physician_id
          left join organizations clinic on clinic.id = doc.organization_id
          left join organizations station on station.id = p.nurse_station_id
         where p.id = $1
        "#,
        id.0
    )
    .fetch_optional(db)
    .await?;

    let Some(row) = row else { return Ok(None) };
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
    Ok(Some(NightCard {
        patient_id: PatientId(row.id),
        family_name: row.family_name,
        given_name: row.given_name,
        family_name_kana: row.family_name_kana,
        given_name_kana: row.given_name_kana,
        birth_date: row.birth_date,
        age: age_on(row.birth_date, tokyo_date(now)),
        birth_era: era_of(row.birth_date),
        sex,
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
        attending,
        nurse_station,
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
        updated_at: row.updated_at,
        read_at: now,
        break_glass_until: None,
    }))
}

/// The patients `actor` may open, by the same rules as
/// `domain::access::decide` for `ReadCard` (care-team membership active
/// today, or a physician of a clinic in the patient's clinic team with an
/// active group-care consent). The access-matrix test checks that this list
/// and `decide` agree for every demo user.
pub async fn patient_list_for(
    db: impl PgExecutor<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<PatientSummary>, sqlx::Error> {
    let today = tokyo_date(now);
    let rows = sqlx::query!(
        r#"
        select p.id, p.family_name, p.given_name, p.family_name_kana, p.given_name_kana,
               p.birth_date, p.city, p.street
          from patients p
         where $4 in ('nurse', 'physician')
           and (exists (select 1 from care_team_members m
                         where m.patient_id = p.id
                           and m.valid_from <= $3 and (m.valid_to is null or m.valid_to >= $3)
                           and ((m.staff_id = $1)
                                or (m.organization_id = $2
                                    and ((m.role = 'nurse_station' and $4 = 'nurse')
                                         or (m.role in ('attending', 'secondary') and $4 = 'physician')))))
                or ($4 = 'physician' and exists (
                        select 1 from group_care_consents c
                          join clinic_team_members t on t.team_id = c.clinic_team_id
                         where c.patient_id = p.id and c.clinic_team_id = p.clinic_team_id
                           and t.organization_id = $2
                           and c.consented_on <= $3
                           and (c.revoked_on is null or c.revoked_on > $3))))
         order by p.family_name_kana, p.given_name_kana, p.birth_date
         limit 500
        "#,
        actor.staff_id,
        actor.organization_id,
        today,
        actor.role.as_str(),
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PatientSummary {
            id: PatientId(r.id),
            name: format!("{} {}", r.family_name, r.given_name),
            name_kana: format!("{} {}", r.family_name_kana, r.given_name_kana),
            birth_date: r.birth_date,
            city_street: format!("{}{}", r.city, r.street),
        })
        .collect())
}
