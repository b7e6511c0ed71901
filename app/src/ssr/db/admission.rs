//! The queries behind admission (`api::admission`): the choices for the
//! care team's seats, the checks that need the database, and the write of
//! a whole admission in the caller's transaction.

use crate::domain::admission::{Admission, AdmitError, AdmitField, AdmitProblem};
use crate::views::admission::{AdmissionOptions, CareRecord, ConsentRow, SeatOption, SeatRow};
use sqlx::PgConnection;
use uuid::Uuid;

fn options(rows: Vec<(Uuid, String)>) -> Vec<SeatOption> {
    rows.into_iter()
        .map(|(id, label)| SeatOption { id, label })
        .collect()
}

/// Every choice of the admission form: teams, physicians and nurses who
/// can sign in (with their organisation), stations, hospitals.
pub async fn choices(db: &mut PgConnection) -> Result<AdmissionOptions, sqlx::Error> {
    let teams = sqlx::query!(r#"select id, name from clinic_teams order by name, id"#)
        .fetch_all(&mut *db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let people = sqlx::query!(
        r#"select s.id, s.role, s.family_name || ' ' || s.given_name || '（' || o.name || '）' as "label!"
             from staff s join organizations o on o.id = s.organization_id
            where s.role in ('physician', 'nurse') and s.disabled_at is null
            order by s.family_name_kana, s.given_name_kana, s.id"#
    )
    .fetch_all(&mut *db)
    .await?;
    let physicians = people
        .iter()
        .filter(|p| p.role == "physician")
        .map(|p| (p.id, p.label.clone()))
        .collect();
    let care_managers = people
        .iter()
        .filter(|p| p.role == "nurse")
        .map(|p| (p.id, p.label.clone()))
        .collect();
    let orgs = sqlx::query!(
        r#"select id, kind, name from organizations
            where kind in ('nurse_station', 'hospital') order by name_kana, name, id"#
    )
    .fetch_all(&mut *db)
    .await?;
    let of_kind = |kind: &str| {
        orgs.iter()
            .filter(|o| o.kind == kind)
            .map(|o| (o.id, o.name.clone()))
            .collect::<Vec<_>>()
    };
    Ok(AdmissionOptions {
        teams: options(teams),
        physicians: options(physicians),
        stations: options(of_kind("nurse_station")),
        care_managers: options(care_managers),
        hospitals: options(of_kind("hospital")),
    })
}

/// What only the database can tell about the chosen seats: the team
/// exists; the attending physician works at one of its clinics; the
/// secondary is a physician; the station is a nurse station; the care
/// manager a nurse or physician; the hospital a hospital. Every person
/// must be able to sign in. The first refusal, in the form's order.
pub async fn check_seats(
    db: &mut PgConnection,
    a: &Admission,
) -> Result<Option<AdmitError>, sqlx::Error> {
    let r = sqlx::query!(
        r#"select
             exists (select 1 from clinic_teams where id = $1) as "team!",
             exists (select 1 from staff s
                       join clinic_team_members m on m.organization_id = s.organization_id
                      where s.id = $2 and m.team_id = $1
                        and s.role = 'physician' and s.disabled_at is null) as "attending!",
             ($3::uuid is null or exists (select 1 from staff s where s.id = $3
                        and s.role = 'physician' and s.disabled_at is null)) as "secondary!",
             exists (select 1 from organizations where id = $4 and kind = 'nurse_station') as "station!",
             ($5::uuid is null or exists (select 1 from staff s where s.id = $5
                        and s.role in ('nurse', 'physician') and s.disabled_at is null)) as "care_manager!",
             ($6::uuid is null or exists (select 1 from organizations
                        where id = $6 and kind = 'hospital')) as "hospital!""#,
        a.clinic_team_id,
        a.attending_id,
        a.secondary_id,
        a.nurse_station_id,
        a.care_manager_id,
        a.discharging_hospital_id,
    )
    .fetch_one(db)
    .await?;
    let failed = [
        (r.team, AdmitField::ClinicTeam),
        (r.attending, AdmitField::Attending),
        (r.secondary, AdmitField::Secondary),
        (r.station, AdmitField::NurseStation),
        (r.care_manager, AdmitField::CareManager),
        (r.hospital, AdmitField::DischargingHospital),
    ]
    .into_iter()
    .find(|(ok, _)| !ok);
    Ok(failed.map(|(_, field)| {
        let problem = if field == AdmitField::Attending && r.team {
            AdmitProblem::NotInTeam
        } else {
            AdmitProblem::NotAChoice
        };
        AdmitError::new(field, problem)
    }))
}

/// Writes the admission `a` as patient `id`: the patient, the care team's
/// seats from the admission day, the group-care consent for the team, the
/// first family contact, and the care manager on the card. `by` records
/// who wrote it.
pub async fn insert(
    db: &mut PgConnection,
    id: Uuid,
    a: &Admission,
    by: Uuid,
) -> Result<(), sqlx::Error> {
    let (latitude, longitude) = match a.coordinates {
        Some((lat, lng)) => (Some(lat), Some(lng)),
        None => (None, None),
    };
    sqlx::query!(
        "insert into patients
             (id, family_name, given_name, family_name_kana, given_name_kana, birth_date, sex,
              postal_code, prefecture, city, street, building, room, latitude, longitude, landmark,
              attending_physician_id, nurse_station_id, clinic_team_id, discharging_hospital_id,
              admitted_on, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                 $17, $18, $19, $20, $21, $22)",
        id,
        a.family_name,
        a.given_name,
        a.family_name_kana,
        a.given_name_kana,
        a.birth_date,
        a.sex_str(),
        a.postal_code,
        a.prefecture,
        a.city,
        a.street,
        a.building,
        a.room,
        latitude,
        longitude,
        a.landmark,
        a.attending_id,
        a.nurse_station_id,
        a.clinic_team_id,
        a.discharging_hospital_id,
        a.admitted_on,
        by,
    )
    .execute(&mut *db)
    .await?;

    // One row per seat given; a blank optional seat makes none.
    sqlx::query!(
        "insert into care_team_members
             (id, patient_id, role, staff_id, organization_id, valid_from, created_by)
         select gen_random_uuid(), $1, s.role, s.staff_id, s.organization_id, $2, $3
           from (values ('attending', $4::uuid, null::uuid),
                        ('secondary', $5::uuid, null::uuid),
                        ('nurse_station', null::uuid, $6::uuid),
                        ('care_manager', $7::uuid, null::uuid))
                as s(role, staff_id, organization_id)
          where s.staff_id is not null or s.organization_id is not null",
        id,
        a.admitted_on,
        by,
        a.attending_id,
        a.secondary_id,
        a.nurse_station_id,
        a.care_manager_id,
    )
    .execute(&mut *db)
    .await?;

    sqlx::query!(
        "insert into group_care_consents
             (id, patient_id, clinic_team_id, consented_by_name, consented_by_relation,
              consented_on, scope, paper_on_file, recorded_by)
         values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8)",
        id,
        a.clinic_team_id,
        a.consent.by_name,
        a.consent.relation,
        a.consent.on,
        a.consent.scope.as_db(),
        a.consent.paper,
        by,
    )
    .execute(&mut *db)
    .await?;

    if let Some(c) = &a.contact {
        sqlx::query!(
            "insert into family_contacts
                 (id, patient_id, name, relation, phone, priority, is_key_person)
             values (gen_random_uuid(), $1, $2, $3, $4, 1, $5)",
            id,
            c.name,
            c.relation,
            c.phone,
            c.is_key_person,
        )
        .execute(&mut *db)
        .await?;
    }

    // The card's care-manager section names the person and their office,
    // where the staff phone fits the card's phone rule.
    if let Some(cm) = a.care_manager_id {
        sqlx::query!(
            r"insert into care_managers (patient_id, name, office, phone, updated_by)
              select $1, s.family_name || ' ' || s.given_name, o.name, s.phone, $3
                from staff s join organizations o on o.id = s.organization_id
               where s.id = $2 and s.phone ~ '^\+?[0-9][0-9 ()-]{8,19}$'",
            id,
            cm,
            by,
        )
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

/// Patient `id`'s care team (current seats first) and consents (newest
/// first); `None` when there is no such patient.
pub async fn care(db: &mut PgConnection, id: Uuid) -> Result<Option<CareRecord>, sqlx::Error> {
    let Some(p) = sqlx::query!(
        r#"select family_name || ' ' || given_name as "name!", admitted_on
             from patients where id = $1"#,
        id
    )
    .fetch_optional(&mut *db)
    .await?
    else {
        return Ok(None);
    };
    let seats = sqlx::query_as!(
        SeatRow,
        r#"select m.role,
                  coalesce(s.family_name || ' ' || s.given_name || '（' || so.name || '）', o.name, '')
                      as "holder!",
                  m.valid_from, m.valid_to
             from care_team_members m
             left join staff s on s.id = m.staff_id
             left join organizations so on so.id = s.organization_id
             left join organizations o on o.id = m.organization_id
            where m.patient_id = $1
            order by m.valid_to is not null, m.valid_to desc,
                     array_position(array['attending', 'secondary', 'nurse_station', 'care_manager'], m.role),
                     m.valid_from, m.id"#,
        id
    )
    .fetch_all(&mut *db)
    .await?;
    let consents = sqlx::query_as!(
        ConsentRow,
        r#"select c.id, t.name as team, c.consented_by_name as by_name,
                  c.consented_by_relation as relation, c.consented_on, c.scope,
                  c.paper_on_file, c.revoked_on
             from group_care_consents c join clinic_teams t on t.id = c.clinic_team_id
            where c.patient_id = $1
            order by c.revoked_on is not null, c.consented_on desc, c.id"#,
        id
    )
    .fetch_all(&mut *db)
    .await?;
    Ok(Some(CareRecord {
        patient_id: id,
        name: p.name,
        admitted_on: p.admitted_on,
        seats,
        consents,
    }))
}

/// The day consent `consent` of `patient` was given, locked, if it exists
/// and is not revoked yet.
pub async fn lock_open_consent(
    db: &mut PgConnection,
    patient: Uuid,
    consent: Uuid,
) -> Result<Option<chrono::NaiveDate>, sqlx::Error> {
    sqlx::query_scalar!(
        "select consented_on from group_care_consents
          where id = $1 and patient_id = $2 and revoked_on is null for update",
        consent,
        patient,
    )
    .fetch_optional(db)
    .await
}

/// Records the revocation of consent `consent` on `on`, by `by`.
pub async fn revoke_consent(
    db: &mut PgConnection,
    consent: Uuid,
    on: chrono::NaiveDate,
    by: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update group_care_consents set revoked_on = $2, revoked_by = $3 where id = $1",
        consent,
        on,
        by,
    )
    .execute(db)
    .await?;
    Ok(())
}
