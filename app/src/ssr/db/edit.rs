//! The team's edits to the card, each an optimistic-concurrency write:
//! the statement names the version the form was filled in from and changes
//! nothing when the row has moved on. The `card_keep_history` trigger keeps
//! the replaced version and bumps the version number; these functions only
//! say who writes.
//!
//! Version 0 means "there was no record yet": the first save inserts, and a
//! second first save (someone else inserted meanwhile) is a conflict too.

use crate::domain::card::TimelineKind;
use crate::domain::card_input::{CareManagerInput, IdentityInput, WayInInput, WishesInput};
use crate::domain::patient::PatientId;
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

/// Saves name, kana, date of birth and sex.
pub async fn save_identity(
    tx: &mut PgConnection,
    patient: PatientId,
    staff: Uuid,
    version: i32,
    i: &IdentityInput,
) -> Result<(), EditError> {
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
    one_row(rows.rows_affected())
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
