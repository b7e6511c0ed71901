//! Admission to home care (`/admin/patients/new`): the coordinator (or
//! administrator, `Action::ManageRoster`) registers a patient with her
//! address, her care team's seats, the family's group-care consent and a
//! first family phone, in one transaction with its audit row. From that
//! moment the team's doctors and the station's nurses find her, by name or
//! by the family's number, and open her night card.
//!
//! A plain form post: a refusal goes back to the form with the error in
//! the one-view flash and what was typed in the query; nothing is written.
//!
//! A server function takes one argument per form field, as the plain HTML
//! form posts them; hence `clippy::too_many_arguments` is allowed here.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;

pub use crate::views::admission::{
    AdmissionOptions, Admitted, CareRecord, ConsentRow, SeatOption, SeatRow,
};

/// The form's address, where a refusal goes back to.
pub const ADMIT_PAGE: &str = "/admin/patients/new";

#[cfg(feature = "ssr")]
mod ssr {
    use crate::domain::access::{decide_staff_action, Action};
    use crate::error::AppError;
    use crate::ssr::auth::{self, CurrentUser};
    use crate::ssr::{audit, request};
    use sqlx::PgPool;

    /// The signed-in coordinator or administrator; anyone else is refused
    /// and the refusal audited. `back`: where a refused plain form goes.
    pub async fn registrar(pool: &PgPool, back: Option<&str>) -> Result<CurrentUser, AppError> {
        registrar_for(pool, back, "patient_admit").await
    }

    /// [`registrar`], the refusal audited under `action`.
    pub async fn registrar_for(
        pool: &PgPool,
        back: Option<&str>,
        action: &str,
    ) -> Result<CurrentUser, AppError> {
        let refuse = |e: AppError| match back {
            Some(back) => request::fail_form(e, back),
            None => request::fail(e),
        };
        let user = auth::require_user(pool).await.map_err(refuse)?;
        if !decide_staff_action(&user.actor, Action::ManageRoster).is_allowed() {
            audit::record(pool, &user, None, action, "denied", "not a roster manager").await?;
            return Err(refuse(AppError::Forbidden));
        }
        Ok(user)
    }
}

/// The choices of the admission form.
#[server(prefix = "/api", endpoint = "admission_choices")]
pub async fn admission_choices() -> Result<AdmissionOptions, AppError> {
    use crate::ssr::{db, request};
    let pool = request::pool()?;
    ssr::registrar(&pool, None).await?;
    let mut conn = pool.acquire().await.map_err(request::internal("acquire"))?;
    db::admission::choices(&mut conn)
        .await
        .map_err(request::internal("reading the admission choices"))
}

/// Admits a patient to home care: the patient, her care team from the
/// admission day, the consent, a family contact; one transaction.
#[server(prefix = "/api", endpoint = "admit_patient")]
pub async fn admit_patient(
    family_name: String,
    given_name: String,
    family_name_kana: String,
    given_name_kana: String,
    birth_date: String,
    #[server(default)] sex: String,
    postal_code: String,
    prefecture: String,
    city: String,
    street: String,
    #[server(default)] building: String,
    #[server(default)] room: String,
    #[server(default)] landmark: String,
    #[server(default)] coordinates: String,
    admitted_on: String,
    #[server(default)] clinic_team_id: String,
    #[server(default)] attending_id: String,
    #[server(default)] secondary_id: String,
    #[server(default)] nurse_station_id: String,
    #[server(default)] care_manager_id: String,
    #[server(default)] discharging_hospital_id: String,
    consent_by: String,
    consent_relation: String,
    consent_on: String,
    #[server(default)] consent_scope: String,
    #[server(default)] consent_paper: Option<String>,
    #[server(default)] contact_name: String,
    #[server(default)] contact_relation: String,
    #[server(default)] contact_phone: String,
    #[server(default)] contact_key_person: Option<String>,
) -> Result<Admitted, AppError> {
    use crate::domain::admission::{Admission, AdmissionForm};
    use crate::domain::time::tokyo_date;
    use crate::ssr::{audit, db, request};

    let form = AdmissionForm {
        family_name: &family_name,
        given_name: &given_name,
        family_name_kana: &family_name_kana,
        given_name_kana: &given_name_kana,
        birth_date: &birth_date,
        sex: &sex,
        postal_code: &postal_code,
        prefecture: &prefecture,
        city: &city,
        street: &street,
        building: &building,
        room: &room,
        landmark: &landmark,
        coordinates: &coordinates,
        admitted_on: &admitted_on,
        clinic_team_id: &clinic_team_id,
        attending_id: &attending_id,
        secondary_id: &secondary_id,
        nurse_station_id: &nurse_station_id,
        care_manager_id: &care_manager_id,
        discharging_hospital_id: &discharging_hospital_id,
        consent_by: &consent_by,
        consent_relation: &consent_relation,
        consent_on: &consent_on,
        consent_scope: &consent_scope,
        consent_paper: consent_paper.as_deref(),
        contact_name: &contact_name,
        contact_relation: &contact_relation,
        contact_phone: &contact_phone,
        contact_key_person: contact_key_person.as_deref(),
    };
    let back = request::with_typed(ADMIT_PAGE, &form.typed());
    let pool = request::pool()?;
    let user = ssr::registrar(&pool, Some(&back)).await?;
    let now = chrono::Utc::now();
    let invalid = |e: crate::domain::admission::AdmitError| {
        request::fail_form(AppError::Invalid(e.code()), &back)
    };
    let admission = Admission::parse(&form, tokyo_date(now)).map_err(invalid)?;

    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    if let Some(e) = db::admission::check_seats(&mut tx, &admission)
        .await
        .map_err(request::internal("checking the care team"))?
    {
        return Err(invalid(e));
    }
    let id = uuid::Uuid::new_v4();
    db::admission::insert(&mut tx, id, &admission, user.actor.staff_id)
        .await
        .map_err(request::internal("writing an admission"))?;
    audit::record(
        &mut *tx,
        &user,
        Some(id),
        "patient_admit",
        "done",
        &format!(
            "team {} attending {} station {}",
            admission.clinic_team_id, admission.attending_id, admission.nurse_station_id
        ),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;

    if request::is_plain_form_post() {
        leptos_axum::redirect(&format!("{ADMIT_PAGE}?admitted={id}"));
    }
    Ok(Admitted { patient_id: id })
}

/// The care page of a patient: `/admin/patients/<id>/care`.
pub fn care_page(patient_id: &str) -> String {
    match uuid::Uuid::parse_str(patient_id.trim()) {
        Ok(id) => format!("/admin/patients/{id}/care"),
        Err(_) => ADMIT_PAGE.to_owned(),
    }
}

/// A patient's care team and group-care consents, for the coordinator
/// (audited as a read of the patient).
#[server(prefix = "/api", endpoint = "patient_care")]
pub async fn patient_care(patient_id: String) -> Result<CareRecord, AppError> {
    use crate::ssr::{audit, db, request};
    let pool = request::pool()?;
    let user = ssr::registrar_for(&pool, None, "read_patient_care").await?;
    let id =
        uuid::Uuid::parse_str(patient_id.trim()).map_err(|_| request::fail(AppError::NotFound))?;
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let care = db::admission::care(&mut tx, id)
        .await
        .map_err(request::internal("reading a care team"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    audit::record_read(
        &mut *tx,
        &user,
        "read_patient_care",
        &[id],
        "care team and consents",
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    Ok(care)
}

/// Records that the family revoked a group-care consent on `revoked_on`:
/// from that day the team's covering doctors no longer open the card
/// through it. The consent stays on file, with who recorded the revocation.
#[server(prefix = "/api", endpoint = "consent_revoke")]
pub async fn consent_revoke(
    patient_id: String,
    consent_id: String,
    revoked_on: String,
) -> Result<(), AppError> {
    use crate::domain::admission::parse_revocation;
    use crate::domain::time::tokyo_date;
    use crate::ssr::{audit, db, request};

    let back = care_page(&patient_id);
    let pool = request::pool()?;
    let user = ssr::registrar_for(&pool, Some(&back), "consent_revoke").await?;
    let patient = uuid::Uuid::parse_str(patient_id.trim())
        .map_err(|_| request::fail_form(AppError::NotFound, ADMIT_PAGE))?;
    let consent = uuid::Uuid::parse_str(consent_id.trim())
        .map_err(|_| request::fail_form(AppError::NotFound, &back))?;
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let consented_on = db::admission::lock_open_consent(&mut tx, patient, consent)
        .await
        .map_err(request::internal("reading a consent"))?
        .ok_or_else(|| request::fail_form(AppError::NotFound, &back))?;
    let on = parse_revocation(&revoked_on, consented_on, tokyo_date(chrono::Utc::now()))
        .map_err(|e| request::fail_form(AppError::Invalid(e.code()), &back))?;
    db::admission::revoke_consent(&mut tx, consent, on, user.actor.staff_id)
        .await
        .map_err(request::internal("revoking a consent"))?;
    audit::record(
        &mut *tx,
        &user,
        Some(patient),
        "consent_revoke",
        "done",
        &format!("consent {consent} revoked on {on}"),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    if request::is_plain_form_post() {
        leptos_axum::redirect(&format!("{back}?revoked=1"));
    }
    Ok(())
}
