//! The team's edits to the card, each an optimistic-concurrency write:
//! the statement names the version the form was filled in from and changes
//! nothing when the row has moved on. The `card_keep_history` trigger keeps
//! the replaced version and bumps the version number; these functions only
//! say who writes.
//!
//! Version 0 means "there was no record yet": the first save inserts, and a
//! second first save (someone else inserted meanwhile) is a conflict too.

use crate::domain::card::TimelineKind;
use crate::domain::card_input::{
    place_in_order, CareManagerInput, FamilyContactInput, IdentityInput, OrderRenewal, WayInInput,
    WishesInput, MAX_FAMILY_CONTACTS,
};
use crate::domain::patient::PatientId;
use crate::views::contacts::EditableContact;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// Why a write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// Someone saved first: the version the form was filled in from is no
    /// longer the current one.
    #[error("edit conflict")]
    Conflict,
    /// The record does not belong to this patient (or does not exist).
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// `Ok(())` when exactly one row was written, else a conflict.
fn one_row(rows: u64) -> Result<(), EditError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(EditError::Conflict)
    }
}

/// Saves the wishes (ACP).
pub async fn save_wishes(
    tx: &mut PgConnection,
    patient: PatientId,
    staff: Uuid,
    version: i32,
    w: &WishesInput,
) -> Result<(), EditError> {
    let rows = if version == 0 {
        sqlx::query!(
            r#"insert into acp_wishes
                   (patient_id, resuscitation, place_of_care, place_of_death,
                    death_at_home_expected, transport, decided_by, decided_on,
                    document_on_file, document_note, notes, updated_by)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
               on conflict (patient_id) do nothing"#,
            patient.0,
            w.resuscitation.as_str(),
            w.place_of_care.as_str(),
            w.place_of_death.as_str(),
            w.death_at_home_expected,
            w.transport.as_str(),
            w.decided_by,
            w.decided_on,
            w.document_on_file,
            w.document_note,
            w.notes,
            staff,
        )
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query!(
            r#"update acp_wishes
                  set resuscitation = $3, place_of_care = $4, place_of_death = $5,
                      death_at_home_expected = $6, transport = $7, decided_by = $8,
                      decided_on = $9, document_on_file = $10, document_note = $11,
                      notes = $12, updated_by = $13
                where patient_id = $1 and version = $2"#,
            patient.0,
            version,
            w.resuscitation.as_str(),
            w.place_of_care.as_str(),
            w.place_of_death.as_str(),
            w.death_at_home_expected,
            w.transport.as_str(),
            w.decided_by,
            w.decided_on,
            w.document_on_file,
            w.document_note,
            w.notes,
            staff,
        )
        .execute(&mut *tx)
        .await?
    };
    one_row(rows.rows_affected())
}

/// Saves the 「急変時の対応」 of nursing order `order` of `patient`.
pub async fn save_sudden_change(
    tx: &mut PgConnection,
    patient: PatientId,
    order: Uuid,
    staff: Uuid,
    version: i32,
    text: &str,
) -> Result<(), EditError> {
    let rows = sqlx::query!(
        r#"update nursing_orders set on_sudden_change = $4, updated_by = $5
            where id = $1 and patient_id = $2 and version = $3"#,
        order,
        patient.0,
        version,
        text,
        staff,
    )
    .execute(&mut *tx)
    .await?;
    if rows.rows_affected() == 1 {
        return Ok(());
    }
    // Tell a stale form from a forged or foreign record id.
    let exists = sqlx::query_scalar!(
        r#"select exists (select 1 from nursing_orders where id = $1 and patient_id = $2) as "exists!""#,
        order,
        patient.0,
    )
    .fetch_one(&mut *tx)
    .await?;
    Err(if exists {
        EditError::Conflict
    } else {
        EditError::NotFound
    })
}

/// Issues a new nursing order for `patient` (a renewal, or the first one),
/// by physician `staff`; returns its id. The order it replaces stays as it
/// was. The form names the order that was current when it was filled in
/// (`based_on`, `None` when there was none) and that order's version: when
/// the current order is another one now, or its text changed, someone
/// renewed or edited first and nothing is written. Renewals of one patient
/// are serialised on the patient row.
pub async fn renew_nursing_order(
    tx: &mut PgConnection,
    patient: PatientId,
    staff: Uuid,
    based_on: Option<Uuid>,
    version: i32,
    today: chrono::NaiveDate,
    order: &OrderRenewal,
) -> Result<Uuid, EditError> {
    sqlx::query_scalar!(
        "select id from patients where id = $1 for no key update",
        patient.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(EditError::NotFound)?;
    if let Some(based_on) = based_on {
        let exists = sqlx::query_scalar!(
            r#"select exists (select 1 from nursing_orders where id = $1 and patient_id = $2) as "exists!""#,
            based_on,
            patient.0,
        )
        .fetch_one(&mut *tx)
        .await?;
        if !exists {
            return Err(EditError::NotFound);
        }
    }
    let current = sqlx::query!(
        "select id, version from nursing_orders where id = nc_current_nursing_order($1, $2)",
        patient.0,
        today,
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| (r.id, r.version));
    let unchanged = match (current, based_on) {
        (None, None) => version == 0,
        (Some((id, v)), Some(based_on)) => id == based_on && v == version,
        _ => false,
    };
    if !unchanged {
        return Err(EditError::Conflict);
    }
    let id = Uuid::new_v4();
    sqlx::query!(
        r#"insert into nursing_orders (id, patient_id, issued_by, issued_on, valid_from, valid_to,
                                       on_sudden_change, updated_by)
           values ($1, $2, $3, $4, $5, $6, $7, $3)"#,
        id,
        patient.0,
        staff,
        order.issued_on,
        order.valid_from,
        order.valid_to,
        order.on_sudden_change,
    )
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

/// Saves the landmark and the way in.
pub async fn save_way_in(
    tx: &mut PgConnection,
    patient: PatientId,
    staff: Uuid,
    version: i32,
    w: &WayInInput,
) -> Result<(), EditError> {
    let rows = if version == 0 {
        sqlx::query!(
            r#"insert into home_access
                   (patient_id, landmark, entrance, key_box, parking, pets, updated_by)
               values ($1, $2, $3, $4, $5, $6, $7)
               on conflict (patient_id) do nothing"#,
            patient.0,
            w.landmark,
            w.entrance,
            w.key_box,
            w.parking,
            w.pets,
            staff,
        )
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query!(
            r#"update home_access
                  set landmark = $3, entrance = $4, key_box = $5, parking = $6, pets = $7,
                      updated_by = $8
                where patient_id = $1 and version = $2"#,
            patient.0,
            version,
            w.landmark,
            w.entrance,
            w.key_box,
            w.parking,
            w.pets,
            staff,
        )
        .execute(&mut *tx)
        .await?
    };
    one_row(rows.rows_affected())
}

/// Saves the care manager.
pub async fn save_care_manager(
    tx: &mut PgConnection,
    patient: PatientId,
    staff: Uuid,
    version: i32,
    c: &CareManagerInput,
) -> Result<(), EditError> {
    let rows = if version == 0 {
        sqlx::query!(
            r#"insert into care_managers (patient_id, name, office, phone, updated_by)
               values ($1, $2, $3, $4, $5)
               on conflict (patient_id) do nothing"#,
            patient.0,
            c.name,
            c.office,
            c.phone,
            staff,
        )
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query!(
            r#"update care_managers set name = $3, office = $4, phone = $5, updated_by = $6
                where patient_id = $1 and version = $2"#,
            patient.0,
            version,
            c.name,
            c.office,
            c.phone,
            staff,
        )
        .execute(&mut *tx)
        .await?
    };
    one_row(rows.rows_affected())
}

/// Saves name, kana, date of birth and sex, and — when any of them
/// changed — writes the correction to the card's history (a timeline entry
/// of kind `identity_change`, old → new, by whoever saved).
pub async fn save_identity(
    tx: &mut PgConnection,
    patient: PatientId,
    staff: Uuid,
    version: i32,
    i: &IdentityInput,
) -> Result<(), EditError> {
    let old = sqlx::query!(
        r#"select family_name, given_name, family_name_kana, given_name_kana, birth_date, sex
             from patients where id = $1 and version = $2 for update"#,
        patient.0,
        version,
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(EditError::Conflict)?;
    let rows = sqlx::query!(
        r#"update patients
              set family_name = $3, given_name = $4, family_name_kana = $5,
                  given_name_kana = $6, birth_date = $7, sex = $8, updated_by = $9
            where id = $1 and version = $2"#,
        patient.0,
        version,
        i.family_name,
        i.given_name,
        i.family_name_kana,
        i.given_name_kana,
        i.birth_date,
        i.sex_str(),
        staff,
    )
    .execute(&mut *tx)
    .await?;
    one_row(rows.rows_affected())?;
    let before = IdentityRecord {
        family_name: old.family_name,
        given_name: old.given_name,
        family_name_kana: old.family_name_kana,
        given_name_kana: old.given_name_kana,
        birth_date: old.birth_date,
        sex: old.sex,
    };
    if let Some(body) = identity_change_text(&before, i) {
        sqlx::query!(
            r#"insert into timeline_entries (id, patient_id, kind, occurred_at, author_id, body)
               values ($1, $2, $3, now(), $4, $5)"#,
            Uuid::new_v4(),
            patient.0,
            TimelineKind::IdentityChange.as_str(),
            staff,
            body,
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// The identity as it was before a correction.
struct IdentityRecord {
    family_name: String,
    given_name: String,
    family_name_kana: String,
    given_name_kana: String,
    birth_date: chrono::NaiveDate,
    sex: String,
}

/// "山田 花子 (ヤマダ ハナコ) → 山田 華子 (ヤマダ ハナコ)" and
/// "1941-03-02 → 1941-03-03", one line per changed part; `None` when
/// nothing changed. Names and dates read the same in both languages.
fn identity_change_text(old: &IdentityRecord, new: &IdentityInput) -> Option<String> {
    let mut lines = Vec::new();
    let old_name = format!(
        "{} {} ({} {})",
        old.family_name, old.given_name, old.family_name_kana, old.given_name_kana
    );
    let new_name = format!(
        "{} {} ({} {})",
        new.family_name, new.given_name, new.family_name_kana, new.given_name_kana
    );
    if old_name != new_name {
        lines.push(format!("{old_name} → {new_name}"));
    }
    if old.birth_date != new.birth_date {
        lines.push(format!("{} → {}", old.birth_date, new.birth_date));
    }
    if old.sex != new.sex_str() {
        let word = |s: &str| match s {
            "female" => "女性 / F",
            "male" => "男性 / M",
            _ => "その他 / other",
        };
        lines.push(format!("{} → {}", word(&old.sex), word(new.sex_str())));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

// --- issue 8: card --- drafts of refused saves, kept on the server.

/// How long a refused form's text is kept for its editor.
pub const DRAFT_MINUTES: i32 = 30;

/// Keeps what `session` typed into form `section` of `patient` and why the
/// save was refused, replacing an earlier draft of the same form. Expired
/// drafts of every session go at the same time.
pub async fn keep_draft(
    db: &sqlx::PgPool,
    session: &[u8],
    patient: PatientId,
    section: &str,
    fields: &serde_json::Value,
    error: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query!("delete from form_drafts where expires_at <= now()")
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        r#"insert into form_drafts (session_hash, patient_id, section, fields, error, expires_at)
           select $1, $2, $3, $4, $5, now() + make_interval(mins => $6)
            where exists (select 1 from sessions s
                           where s.token_hash = $1 and s.revoked_at is null)
           on conflict (session_hash, patient_id, section)
           do update set fields = excluded.fields, error = excluded.error,
                         created_at = now(), expires_at = excluded.expires_at"#,
        session,
        patient.0,
        section,
        fields,
        error,
        DRAFT_MINUTES,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Forgets the draft of a form once it is saved.
pub async fn clear_draft(
    tx: &mut PgConnection,
    session: &[u8],
    patient: PatientId,
    section: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from form_drafts where session_hash = $1 and patient_id = $2 and section = $3",
        session,
        patient.0,
        section,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// One kept draft: the form, what was typed, the refusal (as JSON).
pub struct DraftRow {
    pub section: String,
    pub fields: serde_json::Value,
    pub error: serde_json::Value,
}

/// The unexpired drafts `session` left on `patient`'s forms.
pub async fn drafts(
    db: &sqlx::PgPool,
    session: &[u8],
    patient: PatientId,
) -> Result<Vec<DraftRow>, sqlx::Error> {
    sqlx::query_as!(
        DraftRow,
        r#"select d.section, d.fields, d.error from form_drafts d
             join sessions s on s.token_hash = d.session_hash
                             and s.revoked_at is null and s.expires_at > now()
            where d.session_hash = $1 and d.patient_id = $2 and d.expires_at > now()
            order by d.section"#,
        session,
        patient.0,
    )
    .fetch_all(db)
    .await
}

/// Appends a note to the timeline; returns its id.
pub async fn add_note(
    tx: &mut PgConnection,
    patient: PatientId,
    staff: Uuid,
    body: &str,
    at: DateTime<Utc>,
) -> Result<Uuid, EditError> {
    let id = Uuid::new_v4();
    sqlx::query!(
        r#"insert into timeline_entries (id, patient_id, kind, occurred_at, author_id, body)
           values ($1, $2, $3, $4, $5, $6)"#,
        id,
        patient.0,
        TimelineKind::Note.as_str(),
        at,
        staff,
        body,
    )
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

// --- family contacts ---

/// The patient's family contacts in calling order, for the editor.
pub async fn family_contacts(
    db: impl sqlx::PgExecutor<'_>,
    patient: PatientId,
) -> Result<Vec<EditableContact>, sqlx::Error> {
    sqlx::query_as!(
        EditableContact,
        "select id, version, name, relation, phone, priority, is_key_person
           from family_contacts where patient_id = $1 order by priority, id",
        patient.0,
    )
    .fetch_all(db)
    .await
}

/// Locks the patient's contacts for a change of the list (the patient's
/// row too, so two first contacts cannot race); their ids in calling order.
async fn lock_contacts(tx: &mut PgConnection, patient: PatientId) -> Result<Vec<Uuid>, EditError> {
    let found = sqlx::query_scalar!(
        "select id from patients where id = $1 for update",
        patient.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    if found.is_none() {
        return Err(EditError::NotFound);
    }
    sqlx::query!("set constraints family_contacts_patient_priority_key deferred")
        .execute(&mut *tx)
        .await?;
    Ok(sqlx::query_scalar!(
        "select id from family_contacts where patient_id = $1 order by priority, id for update",
        patient.0,
    )
    .fetch_all(&mut *tx)
    .await?)
}

/// Gives every contact of `order` but `except` its place (1, 2, …) where
/// it changed.
async fn renumber(
    tx: &mut PgConnection,
    patient: PatientId,
    staff: Uuid,
    order: &[Uuid],
    except: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update family_contacts f set priority = o.n, updated_by = $3
           from unnest($2::uuid[]) with ordinality as o(id, n)
          where f.patient_id = $1 and f.id = o.id and f.priority <> o.n
            and f.id is distinct from $4",
        patient.0,
        order,
        staff,
        except,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Adds a family contact at its place in the calling order; `Ok(None)`
/// when the list is full.
pub async fn add_contact(
    tx: &mut PgConnection,
    patient: PatientId,
    staff: Uuid,
    c: &FamilyContactInput,
) -> Result<Option<Uuid>, EditError> {
    let order = lock_contacts(tx, patient).await?;
    if order.len() >= usize::try_from(MAX_FAMILY_CONTACTS).unwrap_or(9) {
        return Ok(None);
    }
    let id = Uuid::new_v4();
    let order = place_in_order(&order, id, c.priority);
    renumber(tx, patient, staff, &order, Some(id)).await?;
    let place = order.iter().position(|o| *o == id).unwrap_or(0) + 1;
    sqlx::query!(
        "insert into family_contacts
             (id, patient_id, name, relation, phone, priority, is_key_person, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        id,
        patient.0,
        c.name,
        c.relation,
        c.phone,
        i16::try_from(place).unwrap_or(MAX_FAMILY_CONTACTS),
        c.is_key_person,
        staff,
    )
    .execute(&mut *tx)
    .await?;
    Ok(Some(id))
}

/// Changes family contact `contact` (filled in from `version`) and its
/// place; the others move to make room.
pub async fn save_contact(
    tx: &mut PgConnection,
    patient: PatientId,
    contact: Uuid,
    staff: Uuid,
    version: i32,
    c: &FamilyContactInput,
) -> Result<(), EditError> {
    let order = lock_contacts(tx, patient).await?;
    if !order.contains(&contact) {
        return Err(EditError::NotFound);
    }
    let order = place_in_order(&order, contact, c.priority);
    renumber(tx, patient, staff, &order, Some(contact)).await?;
    let place = order.iter().position(|o| *o == contact).unwrap_or(0) + 1;
    let rows = sqlx::query!(
        "update family_contacts
            set name = $4, relation = $5, phone = $6, priority = $7, is_key_person = $8,
                updated_by = $9
          where id = $1 and patient_id = $2 and version = $3",
        contact,
        patient.0,
        version,
        c.name,
        c.relation,
        c.phone,
        i16::try_from(place).unwrap_or(MAX_FAMILY_CONTACTS),
        c.is_key_person,
        staff,
    )
    .execute(&mut *tx)
    .await?;
    one_row(rows.rows_affected())
}

/// Removes family contact `contact` (as seen at `version`); the ones after
/// it move up.
pub async fn remove_contact(
    tx: &mut PgConnection,
    patient: PatientId,
    contact: Uuid,
    staff: Uuid,
    version: i32,
) -> Result<(), EditError> {
    let order = lock_contacts(tx, patient).await?;
    if !order.contains(&contact) {
        return Err(EditError::NotFound);
    }
    let rows = sqlx::query!(
        "delete from family_contacts where id = $1 and patient_id = $2 and version = $3",
        contact,
        patient.0,
        version,
    )
    .execute(&mut *tx)
    .await?;
    one_row(rows.rows_affected())?;
    let rest: Vec<Uuid> = order.into_iter().filter(|o| *o != contact).collect();
    renumber(tx, patient, staff, &rest, None).await?;
    Ok(())
}
