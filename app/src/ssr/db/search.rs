//! The patients a user may open: the whole list, or those matching a
//! search by name, kana, address or a family member's phone number.
//!
//! One statement serves both, so the access rule (the SQL twin of
//! `domain::access::decide` for `ReadCard`) is written exactly once.
//! Candidates come from a `union all` of index scans — the bigram GIN index
//! on `patients.search_text` and the pg_trgm GIN index on the digits of
//! `family_contacts.phone` — and only then meet the access rule, so a
//! search touches only the rows that match.

use crate::domain::access::Actor;
use crate::domain::patient::PatientId;
use crate::domain::search::PatientQuery;
use crate::domain::time::tokyo_date;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

/// The longest list without a query (as before search existed).
pub const LIST_LIMIT: i64 = 500;

/// One readable patient, with what a result line shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadablePatient {
    pub id: PatientId,
    pub name: String,
    pub name_kana: String,
    pub birth_date: NaiveDate,
    pub city_street: String,
    pub address: String,
    pub station: Option<String>,
    /// For a phone match: whose number it is ("長女 高野 恵子").
    pub via_contact: Option<String>,
}

/// A search, in the caller's transaction.
///
/// The best plan of [`readable_patients`] depends on which of its arms the
/// parameters switch on (the whole list, names, phone numbers), so the
/// transaction asks PostgreSQL to plan each execution for its parameters.
/// Otherwise, after a few executions of the prepared statement, the plan
/// cache may settle on a generic plan that filters every patient through
/// the access rule: 0.7–0.9 s instead of 3–7 ms on 100 000 patients
/// (`bench/card-explain.sh`).
pub async fn search(
    tx: &mut PgConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    query: &PatientQuery,
    limit: i64,
) -> Result<Vec<ReadablePatient>, sqlx::Error> {
    sqlx::query!(r#"select set_config('plan_cache_mode', 'force_custom_plan', true) as "mode!""#)
        .fetch_one(&mut *tx)
        .await?;
    readable_patients(&mut *tx, actor, now, Some(query), limit).await
}

/// The patients `actor` may open on the Tokyo date of `now` that match
/// `query` (all of them when `None`), ordered by kana and birth date, at
/// most `limit`.
pub async fn readable_patients(
    db: impl PgExecutor<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
    query: Option<&PatientQuery>,
    limit: i64,
) -> Result<Vec<ReadablePatient>, sqlx::Error> {
    let today = tokyo_date(now);
    let (text, digits) = query.map_or(("", ""), |q| (q.text(), q.digits()));
    let rows = sqlx::query!(
        r#"
        -- nightcall:readable_patients
        with hits as (
            select p.id, null::text as via
              from patients p
             where $5::text = '' and $6::text = ''
            union all
            select p.id, null::text
              from patients p
             where $5::text <> ''
               and nc_bigrams(p.search_text) @> nc_bigrams($5::text)
               and strpos(p.search_text, $5::text) > 0
            union all
            select f.patient_id, f.relation || ' ' || f.name
              from family_contacts f
             where $6::text <> ''
               and nc_phone_digits(f.phone) like '%' || $6::text || '%'
        )
        select p.id, p.family_name, p.given_name, p.family_name_kana, p.given_name_kana,
               p.birth_date, p.prefecture, p.city, p.street, p.building, p.room,
               station.name as "station?",
               string_agg(distinct h.via, '、') as via
          from hits h
          join patients p on p.id = h.id
          left join organizations station on station.id = p.nurse_station_id
         -- The SQL twin of domain::access::decide for ReadCard (read_access):
         -- an active seat held as CareTeamMember::is_held_by reads it (a
         -- nurse through her station's seat; a physician in person or
         -- through his clinic in an attending or secondary seat; either in
         -- person as care manager), a covering physician with the consent
         -- in force for the patient's own team, or a physician's active
         -- break-glass grant. server/tests/it/list_access.rs compares the
         -- two for every demo user and patient.
         where $4 in ('nurse', 'physician')
           and (exists (select 1 from care_team_members m
                         where m.patient_id = p.id
                           and m.valid_from <= $3 and (m.valid_to is null or m.valid_to >= $3)
                           and ((m.role = 'nurse_station' and $4 = 'nurse'
                                 and m.organization_id = $2)
                                or (m.role in ('attending', 'secondary') and $4 = 'physician'
                                    and (m.staff_id = $1 or m.organization_id = $2))
                                or (m.role = 'care_manager' and m.staff_id = $1)))
                or ($4 = 'physician' and exists (
                        select 1 from group_care_consents c
                          join clinic_team_members t on t.team_id = c.clinic_team_id
                         where c.patient_id = p.id and c.clinic_team_id = p.clinic_team_id
                           and t.organization_id = $2
                           and c.consented_on <= $3
                           and (c.revoked_on is null or c.revoked_on > $3)))
                or ($4 = 'physician' and exists (
                        select 1 from break_glass_grants g
                         where g.staff_id = $1 and g.patient_id = p.id and g.expires_at > $8)))
         group by p.id, station.name
         order by p.family_name_kana, p.given_name_kana, p.birth_date, p.id
         limit $7
        "#,
        actor.staff_id,
        actor.organization_id,
        today,
        actor.role.as_str(),
        text,
        digits,
        limit,
        now,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut address = format!("{}{}{}", r.prefecture, r.city, r.street);
            for part in [&r.building, &r.room] {
                if !part.is_empty() {
                    address.push(' ');
                    address.push_str(part);
                }
            }
            ReadablePatient {
                id: PatientId(r.id),
                name: format!("{} {}", r.family_name, r.given_name),
                name_kana: format!("{} {}", r.family_name_kana, r.given_name_kana),
                birth_date: r.birth_date,
                city_street: format!("{}{}", r.city, r.street),
                address,
                station: r.station,
                via_contact: r.via,
            }
        })
        .collect())
}
