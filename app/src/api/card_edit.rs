//! The team's edits to the night card: the wishes (ACP), the 「急変時の対応」
//! of the current nursing order and its renewal, the landmark and way in,
//! the care manager, identity, and timeline notes.
//!
//! Each server function is thin: who asks → parse the form into domain
//! types → `ssr::access` (`Action::EditCard`) → one transaction with the
//! write and its audit row → back to the card. Every form names the version
//! it was filled in from; a stale one is a 409 and nothing is written.
//!
//! The forms work without JavaScript: the browser posts them, and on an
//! error the server keeps the user's input and the error in `form_drafts`
//! (for this session and this form, 30 minutes at most) and sends the
//! browser back to the edit page, which shows both, so a conflict or a typo
//! never loses what was typed. Nothing of it is ever put in a URL, so no
//! link can pre-fill a form (issue 8).
//!
//! Who may save: `Action::EditCard` for the team's sections;
//! `Action::EditOrders` (a physician of the attending or secondary seat)
//! for the 「急変時の対応」 and for a new nursing order (renewal); `Action::EditIdentity` (the attending clinic, the
//! coordinator) for identity.
//!
//! The arguments are the form's fields, flat, because that is how a plain
//! HTML form posts them; hence `clippy::too_many_arguments` is allowed on
//! the longer forms (module-wide, because the `#[server]` macro generates
//! the browser's twin of each function too).
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::domain::access::Action;
    use crate::domain::card_input::{EditSection, FieldError};
    use crate::domain::patient::PatientId;
    use crate::error::AppError;
    use crate::ssr::auth::CurrentUser;
    use crate::ssr::db::edit::{self as edit_db, EditError};
    use crate::ssr::{access, audit, auth, request};
    use sqlx::{PgPool, Postgres, Transaction};
    use std::collections::BTreeMap;

    /// One edit in progress.
    pub struct Edit {
        pub pool: PgPool,
        pub user: CurrentUser,
        pub id: PatientId,
        section: EditSection,
        /// The rule the save needs (`EditCard`, or `EditOrders` for the
        /// physician's orders, `EditIdentity` for identity).
        action: Action,
        /// The form as posted, to keep (server-side) on a refusal.
        draft: BTreeMap<&'static str, String>,
    }

    impl Edit {
        /// Who asks and about which patient.
        pub async fn start(
            patient_id: &str,
            section: EditSection,
            action: Action,
            draft: BTreeMap<&'static str, String>,
        ) -> Result<Self, AppError> {
            let pool = request::pool()?;
            let user = auth::require_user(&pool).await?;
            let id = PatientId::parse(patient_id)
                .map_err(|_| request::fail(AppError::Invalid("patient_id".into())))?;
            Ok(Edit {
                pool,
                user,
                id,
                section,
                action,
                draft,
            })
        }

        /// Sets the HTTP status of a refusal; [`Edit::settle`] keeps the
        /// input and sends a plain form back.
        pub fn reject(&self, error: AppError) -> AppError {
            request::fail(error)
        }

        pub fn invalid(&self, e: FieldError) -> AppError {
            self.reject(AppError::Invalid(e.code()))
        }

        /// `self.action` on this patient, audited either way.
        pub async fn authorize(&self) -> Result<(), AppError> {
            access::authorize_patient(&self.pool, &self.user, self.action, self.id)
                .await
                .map(|_| ())
                .map_err(|e| self.reject(e))
        }

        pub async fn begin(&self) -> Result<Transaction<'static, Postgres>, AppError> {
            self.pool
                .begin()
                .await
                .map_err(|e| self.reject(request::internal("begin")(e)))
        }

        pub fn failed(&self, e: EditError) -> AppError {
            match e {
                EditError::Conflict => self.reject(AppError::Conflict),
                EditError::NotFound => self.reject(AppError::NotFound),
                EditError::Db(e) => self.reject(request::internal("saving the card")(e)),
            }
        }

        /// Audits the write in the same transaction, forgets any draft of
        /// this form, commits, and goes back to the card at the section.
        pub async fn finish(
            &self,
            mut tx: Transaction<'static, Postgres>,
            detail: &str,
        ) -> Result<(), AppError> {
            audit::record(
                &mut *tx,
                &self.user,
                Some(self.id.0),
                self.action.as_str(),
                "done",
                &format!("{}: {detail}", self.section.as_str()),
            )
            .await
            .map_err(|e| self.reject(e))?;
            edit_db::clear_draft(
                &mut tx,
                &self.user.session_hash,
                self.id,
                self.section.as_str(),
            )
            .await
            .map_err(|e| self.reject(request::internal("clearing a draft")(e)))?;
            tx.commit()
                .await
                .map_err(|e| self.reject(request::internal("commit")(e)))?;
            leptos_axum::redirect(&format!(
                "/patients/{}/night-card?saved={}",
                self.id,
                self.section.as_str()
            ));
            Ok(())
        }

        /// After the save: on a refusal, keeps what was typed and the
        /// error on the server for this session and form (never in the
        /// URL), and sends a plain form post back to the edit page, which
        /// shows both. A refusal for lack of rights keeps nothing: the form
        /// is not offered to that user.
        pub async fn settle(&self, result: Result<(), AppError>) -> Result<(), AppError> {
            let Err(error) = result else {
                return Ok(());
            };
            let back = format!("/patients/{}/edit#{}", self.id, self.section.as_str());
            if matches!(error, AppError::Forbidden | AppError::Unauthenticated) {
                return Err(request::fail_form(error, &back));
            }
            let fields = serde_json::to_value(&self.draft).unwrap_or_default();
            let error_json = serde_json::to_value(&error).unwrap_or_default();
            if let Err(e) = edit_db::keep_draft(
                &self.pool,
                &self.user.session_hash,
                self.id,
                self.section.as_str(),
                &fields,
                &error_json,
            )
            .await
            {
                tracing::error!(error = %e, "keeping a refused form's draft");
            }
            if request::is_plain_form_post() {
                leptos_axum::redirect(&back);
            }
            Err(error)
        }
    }

    /// The draft of a form: field name → what was typed.
    pub fn draft<const N: usize>(
        fields: [(&'static str, &str); N],
    ) -> BTreeMap<&'static str, String> {
        fields.into_iter().map(|(k, v)| (k, v.to_owned())).collect()
    }

    /// Today in Tokyo, for dates that must not lie in the future.
    pub fn today() -> chrono::NaiveDate {
        crate::domain::time::tokyo_date(chrono::Utc::now())
    }
}

/// Saves the wishes and decisions (ACP).
#[server(prefix = "/api", endpoint = "card_save_wishes")]
pub async fn save_wishes(
    patient_id: String,
    version: String,
    resuscitation: String,
    place_of_care: String,
    place_of_death: String,
    death_at_home_expected: Option<String>,
    transport: String,
    decided_by: String,
    decided_on: String,
    document_on_file: Option<String>,
    document_note: String,
    notes: String,
) -> Result<(), AppError> {
    use self::ssr::{draft, today, Edit};
    use crate::domain::access::Action;
    use crate::domain::card_input::{parse_version, EditSection, WishesForm, WishesInput};
    use crate::ssr::db::edit;

    let edit = Edit::start(
        &patient_id,
        EditSection::Wishes,
        Action::EditCard,
        draft([
            ("resuscitation", &resuscitation),
            ("place_of_care", &place_of_care),
            ("place_of_death", &place_of_death),
            (
                "death_at_home_expected",
                death_at_home_expected.as_deref().unwrap_or(""),
            ),
            ("transport", &transport),
            ("decided_by", &decided_by),
            ("decided_on", &decided_on),
            (
                "document_on_file",
                document_on_file.as_deref().unwrap_or(""),
            ),
            ("document_note", &document_note),
            ("notes", &notes),
        ]),
    )
    .await?;
    let result = async {
        // Who may use this form first: a refusal says 403 whatever was
        // typed, and keeps nothing.
        edit.authorize().await?;
        let form = WishesForm {
            resuscitation: &resuscitation,
            place_of_care: &place_of_care,
            place_of_death: &place_of_death,
            death_at_home_expected: death_at_home_expected.as_deref(),
            transport: &transport,
            decided_by: &decided_by,
            decided_on: &decided_on,
            document_on_file: document_on_file.as_deref(),
            document_note: &document_note,
            notes: &notes,
        };
        let wishes = WishesInput::parse(&form, today()).map_err(|e| edit.invalid(e))?;
        let version = parse_version(&version).map_err(|e| edit.invalid(e))?;
        let mut tx = edit.begin().await?;
        edit::save_wishes(&mut tx, edit.id, edit.user.actor.staff_id, version, &wishes)
            .await
            .map_err(|e| edit.failed(e))?;
        let detail = format!(
            "from v{version}: {} {}",
            wishes.resuscitation.as_str(),
            wishes.transport.as_str()
        );
        edit.finish(tx, &detail).await?;
        Ok::<(), AppError>(())
    }
    .await;
    edit.settle(result).await
}

/// Saves the 「休日・夜間の急変時の対応」 of the current nursing order.
#[server(prefix = "/api", endpoint = "card_save_sudden_change")]
pub async fn save_sudden_change(
    patient_id: String,
    order_id: String,
    version: String,
    on_sudden_change: String,
) -> Result<(), AppError> {
    use self::ssr::{draft, Edit};
    use crate::domain::access::Action;
    use crate::domain::card_input::{
        parse_version, required_text, EditSection, Field, FieldError, Problem,
        SUDDEN_CHANGE_MAX_CHARS,
    };
    use crate::ssr::db::edit;

    let edit = Edit::start(
        &patient_id,
        EditSection::SuddenChange,
        Action::EditOrders,
        draft([("on_sudden_change", &on_sudden_change)]),
    )
    .await?;
    let result = async {
        // Who may use this form first: a refusal says 403 whatever was
        // typed, and keeps nothing.
        edit.authorize().await?;
        let text = required_text(
            Field::SuddenChange,
            &on_sudden_change,
            SUDDEN_CHANGE_MAX_CHARS,
        )
        .map_err(|e| edit.invalid(e))?;
        let order = uuid::Uuid::parse_str(order_id.trim())
            .map_err(|_| edit.invalid(FieldError::new(Field::Record, Problem::Malformed)))?;
        let version = parse_version(&version).map_err(|e| edit.invalid(e))?;
        let mut tx = edit.begin().await?;
        edit::save_sudden_change(
            &mut tx,
            edit.id,
            order,
            edit.user.actor.staff_id,
            version,
            &text,
        )
        .await
        .map_err(|e| edit.failed(e))?;
        edit.finish(tx, &format!("order {order} from v{version}"))
            .await?;
        Ok::<(), AppError>(())
    }
    .await;
    edit.settle(result).await
}

/// Issues a new nursing order (訪問看護指示書): a renewal of the current
/// one, or the first. Only a physician of the attending or secondary seat
/// (`Action::EditOrders`); the order it replaces stays on file, and the
/// card shows the order in force today.
#[server(prefix = "/api", endpoint = "card_renew_order")]
pub async fn renew_order(
    patient_id: String,
    order_id: String,
    version: String,
    issued_on: String,
    valid_from: String,
    valid_to: String,
    on_sudden_change: String,
) -> Result<(), AppError> {
    use self::ssr::{draft, today, Edit};
    use crate::domain::access::Action;
    use crate::domain::card_input::{
        parse_version, EditSection, Field, FieldError, OrderRenewal, OrderRenewalForm, Problem,
    };
    use crate::ssr::db::edit;

    let edit = Edit::start(
        &patient_id,
        EditSection::OrderRenewal,
        Action::EditOrders,
        draft([
            ("issued_on", &issued_on),
            ("valid_from", &valid_from),
            ("valid_to", &valid_to),
            ("on_sudden_change", &on_sudden_change),
        ]),
    )
    .await?;
    let result = async {
        // Who may use this form first: a refusal says 403 whatever was
        // typed, and keeps nothing.
        edit.authorize().await?;
        let today = today();
        let form = OrderRenewalForm {
            issued_on: &issued_on,
            valid_from: &valid_from,
            valid_to: &valid_to,
            on_sudden_change: &on_sudden_change,
        };
        let order = OrderRenewal::parse(&form, today).map_err(|e| edit.invalid(e))?;
        // The order the form was filled in from; blank when there was none.
        let based_on =
            match order_id.trim() {
                "" => None,
                id => Some(uuid::Uuid::parse_str(id).map_err(|_| {
                    edit.invalid(FieldError::new(Field::Record, Problem::Malformed))
                })?),
            };
        let version = parse_version(&version).map_err(|e| edit.invalid(e))?;
        let mut tx = edit.begin().await?;
        let id = edit::renew_nursing_order(
            &mut tx,
            edit.id,
            edit.user.actor.staff_id,
            based_on,
            version,
            today,
            &order,
        )
        .await
        .map_err(|e| edit.failed(e))?;
        let replaces = based_on.map_or("none".to_owned(), |o| format!("{o} v{version}"));
        edit.finish(
            tx,
            &format!(
                "order {id} {}..{} issued {} replaces {replaces}",
                order.valid_from, order.valid_to, order.issued_on
            ),
        )
        .await?;
        Ok::<(), AppError>(())
    }
    .await;
    edit.settle(result).await
}

/// Saves the landmark and how to get in.
#[server(prefix = "/api", endpoint = "card_save_way_in")]
pub async fn save_way_in(
    patient_id: String,
    version: String,
    landmark: String,
    entrance: String,
    key_box: String,
    parking: String,
    pets: String,
) -> Result<(), AppError> {
    use self::ssr::{draft, Edit};
    use crate::domain::access::Action;
    use crate::domain::card_input::{parse_version, EditSection, WayInInput};
    use crate::ssr::db::edit;

    let edit = Edit::start(
        &patient_id,
        EditSection::WayIn,
        Action::EditCard,
        draft([
            ("landmark", &landmark),
            ("entrance", &entrance),
            ("key_box", &key_box),
            ("parking", &parking),
            ("pets", &pets),
        ]),
    )
    .await?;
    let result = async {
        // Who may use this form first: a refusal says 403 whatever was
        // typed, and keeps nothing.
        edit.authorize().await?;
        let way_in = WayInInput::parse(&landmark, &entrance, &key_box, &parking, &pets)
            .map_err(|e| edit.invalid(e))?;
        let version = parse_version(&version).map_err(|e| edit.invalid(e))?;
        let mut tx = edit.begin().await?;
        edit::save_way_in(&mut tx, edit.id, edit.user.actor.staff_id, version, &way_in)
            .await
            .map_err(|e| edit.failed(e))?;
        edit.finish(tx, &format!("from v{version}")).await?;
        Ok::<(), AppError>(())
    }
    .await;
    edit.settle(result).await
}

/// Saves the care manager.
#[server(prefix = "/api", endpoint = "card_save_care_manager")]
pub async fn save_care_manager(
    patient_id: String,
    version: String,
    name: String,
    office: String,
    phone: String,
) -> Result<(), AppError> {
    use self::ssr::{draft, Edit};
    use crate::domain::access::Action;
    use crate::domain::card_input::{parse_version, CareManagerInput, EditSection};
    use crate::ssr::db::edit;

    let edit = Edit::start(
        &patient_id,
        EditSection::CareManager,
        Action::EditCard,
        draft([("name", &name), ("office", &office), ("phone", &phone)]),
    )
    .await?;
    let result = async {
        // Who may use this form first: a refusal says 403 whatever was
        // typed, and keeps nothing.
        edit.authorize().await?;
        let manager =
            CareManagerInput::parse(&name, &office, &phone).map_err(|e| edit.invalid(e))?;
        let version = parse_version(&version).map_err(|e| edit.invalid(e))?;
        let mut tx = edit.begin().await?;
        edit::save_care_manager(
            &mut tx,
            edit.id,
            edit.user.actor.staff_id,
            version,
            &manager,
        )
        .await
        .map_err(|e| edit.failed(e))?;
        edit.finish(tx, &format!("from v{version}")).await?;
        Ok::<(), AppError>(())
    }
    .await;
    edit.settle(result).await
}

/// Corrects name, kana, date of birth and sex.
#[server(prefix = "/api", endpoint = "card_save_identity")]
pub async fn save_identity(
    patient_id: String,
    version: String,
    family_name: String,
    given_name: String,
    family_name_kana: String,
    given_name_kana: String,
    birth_date: String,
    sex: String,
) -> Result<(), AppError> {
    use self::ssr::{draft, today, Edit};
    use crate::domain::access::Action;
    use crate::domain::card_input::{parse_version, EditSection, IdentityForm, IdentityInput};
    use crate::ssr::db::edit;

    let edit = Edit::start(
        &patient_id,
        EditSection::Identity,
        Action::EditIdentity,
        draft([
            ("family_name", &family_name),
            ("given_name", &given_name),
            ("family_name_kana", &family_name_kana),
            ("given_name_kana", &given_name_kana),
            ("birth_date", &birth_date),
            ("sex", &sex),
        ]),
    )
    .await?;
    let result = async {
        // Who may use this form first: a refusal says 403 whatever was
        // typed, and keeps nothing.
        edit.authorize().await?;
        let form = IdentityForm {
            family_name: &family_name,
            given_name: &given_name,
            family_name_kana: &family_name_kana,
            given_name_kana: &given_name_kana,
            birth_date: &birth_date,
            sex: &sex,
        };
        let identity = IdentityInput::parse(&form, today()).map_err(|e| edit.invalid(e))?;
        let version = parse_version(&version).map_err(|e| edit.invalid(e))?;
        let mut tx = edit.begin().await?;
        edit::save_identity(
            &mut tx,
            edit.id,
            edit.user.actor.staff_id,
            version,
            &identity,
        )
        .await
        .map_err(|e| edit.failed(e))?;
        edit.finish(tx, &format!("from v{version}")).await?;
        Ok::<(), AppError>(())
    }
    .await;
    edit.settle(result).await
}

/// Adds a note to the timeline. Notes are never edited: a correction is a
/// new note, so there is no version to check.
#[server(prefix = "/api", endpoint = "card_add_note")]
pub async fn add_note(patient_id: String, note: String) -> Result<(), AppError> {
    use self::ssr::{draft, Edit};
    use crate::domain::access::Action;
    use crate::domain::card_input::{required_text, EditSection, Field, NOTE_MAX_CHARS};
    use crate::ssr::db::edit;

    let edit = Edit::start(
        &patient_id,
        EditSection::Note,
        Action::EditCard,
        draft([("note", &note)]),
    )
    .await?;
    let result = async {
        // Who may use this form first: a refusal says 403 whatever was
        // typed, and keeps nothing.
        edit.authorize().await?;
        let body =
            required_text(Field::Note, &note, NOTE_MAX_CHARS).map_err(|e| edit.invalid(e))?;
        let mut tx = edit.begin().await?;
        let id = edit::add_note(
            &mut tx,
            edit.id,
            edit.user.actor.staff_id,
            &body,
            chrono::Utc::now(),
        )
        .await
        .map_err(|e| edit.failed(e))?;
        edit.finish(tx, &format!("note {id}")).await?;
        Ok::<(), AppError>(())
    }
    .await;
    edit.settle(result).await
}

// --- issue 8: card ---

/// What this session typed into this patient's forms before a save was
/// refused, with the refusal, by form. Kept on the server only (never in a
/// URL), so the edit page can give it back; only the session that typed it
/// ever reads it.
#[server(prefix = "/api", endpoint = "card_drafts")]
pub async fn card_drafts(
    patient_id: String,
) -> Result<
    Vec<(
        crate::domain::card_input::EditSection,
        crate::domain::card_input::SavedDraft,
        AppError,
    )>,
    AppError,
> {
    use crate::domain::access::Action;
    use crate::domain::card_input::{EditSection, SavedDraft};
    use crate::domain::patient::PatientId;
    use crate::ssr::{access, auth, db::edit, request};

    let id = PatientId::parse(&patient_id)
        .map_err(|_| request::fail(AppError::Invalid("patient_id".into())))?;
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    access::authorize_patient(&pool, &user, Action::ReadCard, id).await?;
    let rows = edit::drafts(&pool, &user.session_hash, id)
        .await
        .map_err(request::internal("reading form drafts"))?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let section = EditSection::parse(&row.section)?;
            let fields = serde_json::from_value(row.fields).ok()?;
            let error = serde_json::from_value(row.error).ok()?;
            Some((section, SavedDraft { fields }, error))
        })
        .collect())
}

// --- family contacts ---

pub use crate::views::contacts::EditableContact;

/// The patient's family contacts with their ids and versions, for the
/// edit page (`Action::EditCard`, audited).
#[server(prefix = "/api", endpoint = "card_contacts")]
pub async fn card_contacts(patient_id: String) -> Result<Vec<EditableContact>, AppError> {
    use crate::domain::access::Action;
    use crate::domain::patient::PatientId;
    use crate::ssr::{access, auth, db::edit, request};

    let id = PatientId::parse(&patient_id)
        .map_err(|_| request::fail(AppError::Invalid("patient_id".into())))?;
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    access::authorize_patient(&pool, &user, Action::EditCard, id).await?;
    edit::family_contacts(&pool, id)
        .await
        .map_err(request::internal("reading family contacts"))
}

/// Adds a family contact (`contact_id` blank) or changes one (filled in
/// from `version`), at its place in the calling order; the others move
/// to make room. The phone feeds the caller-number search at once.
#[server(prefix = "/api", endpoint = "card_save_contact")]
pub async fn save_contact(
    patient_id: String,
    #[server(default)] contact_id: String,
    #[server(default)] version: String,
    contact_name: String,
    relation: String,
    phone: String,
    #[server(default)] priority: String,
    #[server(default)] key_person: Option<String>,
) -> Result<(), AppError> {
    use self::ssr::{draft, Edit};
    use crate::domain::access::Action;
    use crate::domain::card_input::{
        parse_version, EditSection, FamilyContactInput, Field, FieldError, Problem,
    };
    use crate::ssr::db::edit;

    let edit = Edit::start(
        &patient_id,
        EditSection::Contacts,
        Action::EditCard,
        draft([
            ("contact_id", &contact_id),
            ("contact_name", &contact_name),
            ("relation", &relation),
            ("phone", &phone),
            ("priority", &priority),
            ("key_person", key_person.as_deref().unwrap_or("")),
        ]),
    )
    .await?;
    let result = async {
        edit.authorize().await?;
        let input = FamilyContactInput::parse(
            &contact_name,
            &relation,
            &phone,
            &priority,
            key_person.as_deref(),
        )
        .map_err(|e| edit.invalid(e))?;
        let malformed = || edit.invalid(FieldError::new(Field::Record, Problem::Malformed));
        let by = edit.user.actor.staff_id;
        let mut tx = edit.begin().await?;
        let detail = match contact_id.trim() {
            "" => {
                let id = edit::add_contact(&mut tx, edit.id, by, &input)
                    .await
                    .map_err(|e| edit.failed(e))?
                    .ok_or_else(|| {
                        edit.invalid(FieldError::new(Field::Priority, Problem::TooMany))
                    })?;
                format!("contact {id} added")
            }
            raw => {
                let contact = uuid::Uuid::parse_str(raw).map_err(|_| malformed())?;
                let version = parse_version(&version).map_err(|e| edit.invalid(e))?;
                edit::save_contact(&mut tx, edit.id, contact, by, version, &input)
                    .await
                    .map_err(|e| edit.failed(e))?;
                format!("contact {contact} from v{version}")
            }
        };
        edit.finish(tx, &detail).await?;
        Ok::<(), AppError>(())
    }
    .await;
    edit.settle(result).await
}

/// Removes a family contact (as seen at `version`); the ones after it move
/// up the calling order.
#[server(prefix = "/api", endpoint = "card_remove_contact")]
pub async fn remove_contact(
    patient_id: String,
    contact_id: String,
    version: String,
) -> Result<(), AppError> {
    use self::ssr::{draft, Edit};
    use crate::domain::access::Action;
    use crate::domain::card_input::{parse_version, EditSection, Field, FieldError, Problem};
    use crate::ssr::db::edit;

    let edit = Edit::start(
        &patient_id,
        EditSection::Contacts,
        Action::EditCard,
        draft([("contact_id", &contact_id)]),
    )
    .await?;
    let result = async {
        edit.authorize().await?;
        let contact = uuid::Uuid::parse_str(contact_id.trim())
            .map_err(|_| edit.invalid(FieldError::new(Field::Record, Problem::Malformed)))?;
        let version = parse_version(&version).map_err(|e| edit.invalid(e))?;
        let mut tx = edit.begin().await?;
        edit::remove_contact(&mut tx, edit.id, contact, edit.user.actor.staff_id, version)
            .await
            .map_err(|e| edit.failed(e))?;
        edit.finish(tx, &format!("contact {contact} v{version} removed"))
            .await?;
        Ok::<(), AppError>(())
    }
    .await;
    edit.settle(result).await
}
