//! The night card's edit forms, phone-sized: one form per record, each a
//! plain `ActionForm` that works before hydration and without JavaScript.
//!
//! Every form carries the version it was filled in from. When someone
//! else saved first the server answers 409 and writes nothing; the form
//! keeps the user's input (without JavaScript the server keeps it for this
//! session and shows it back; nothing travels in the URL), says who saved
//! last, and carries the latest version so the user can look and save
//! again. They are server components (no wasm): the page a post lands on
//! is rendered again by the server.

use crate::api::card_edit::{
    AddNote, EditableContact, RemoveContact, RenewOrder, SaveCareManager, SaveContact,
    SaveIdentity, SaveSuddenChange, SaveWayIn, SaveWishes,
};
use crate::components::card_bits::error_message;
use crate::domain::card::{
    CareManager, NursingOrder, Place, Resuscitation, Stamp, TransportWish, WayIn, Wishes,
};
use crate::domain::card_input::{
    longest_order_period, EditSection, SavedDraft, CONTACT_NAME_MAX, MAX_FAMILY_CONTACTS,
    NOTE_MAX_CHARS, RELATION_MAX, SUDDEN_CHANGE_MAX_CHARS,
};
use crate::domain::night_card::NightCard;
use crate::domain::patient::Sex;
use crate::domain::time::format_tokyo_minute;
use crate::error::AppError;
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use std::collections::HashMap;

/// What the user typed into one form before an error sent it back
/// (empty when the page was opened normally).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft(Option<HashMap<String, String>>);

impl Draft {
    /// The draft the server kept for this form after a refused save
    /// (`None`: the form shows the saved record). Never read from a URL.
    pub fn from_saved(saved: Option<&SavedDraft>) -> Self {
        Draft(saved.map(|d| d.fields.clone().into_iter().collect()))
    }

    /// The typed value of `name`, or `current` when there is no draft.
    pub fn text(&self, name: &str, current: impl Into<String>) -> String {
        match &self.0 {
            Some(fields) => fields.get(name).cloned().unwrap_or_default(),
            None => current.into(),
        }
    }

    /// The typed value of `name`, if there is a draft.
    pub fn get(&self, name: &str) -> Option<String> {
        self.0
            .as_ref()
            .map(|fields| fields.get(name).cloned().unwrap_or_default())
    }

    /// Whether checkbox `name` was ticked, or `current` without a draft.
    pub fn checked(&self, name: &str, current: bool) -> bool {
        match &self.0 {
            Some(fields) => fields.get(name).is_some_and(|v| !v.is_empty()),
            None => current,
        }
    }
}

/// The error of the last submission: the action's (hydrated) or the one
/// the server put in the query (without JavaScript).
#[component]
pub fn CardFormError<A>(action: ServerAction<A>, initial: Option<AppError>) -> impl IntoView
where
    A: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e),
        Some(Ok(_)) => None,
        None => initial.clone(),
    };
    view! {
        {move || error().map(|e| view! {
            <p class="form-error" role="alert" data-testid="form-error">{error_message(i18n, &e)}</p>
        })}
    }
}

#[component]
fn LatestSave(latest: RwSignal<Option<Stamp>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="stamp latest" data-testid="latest-save">
            {move || match latest.get() {
                Some(s) => format!(
                    "{}: {} {}",
                    i18n.t(Key::LatestSave),
                    format_tokyo_minute(s.at),
                    s.by
                ),
                None => i18n.t(Key::NoUpdateRecorded).to_owned(),
            }}
        </p>
    }
}

#[component]
fn TextField(
    label: Key,
    name: &'static str,
    value: String,
    #[prop(optional)] hint: Option<Key>,
    #[prop(optional)] maxlength: usize,
    #[prop(optional)] required: bool,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span class="field-label">{i18n.t(label)}</span>
            {hint.map(|h| view! { <span class="hint">{i18n.t(h)}</span> })}
            <input
                type=kind
                name=name
                value=value
                required=required
                maxlength=(maxlength > 0).then(|| maxlength.to_string())
                inputmode=inputmode
                autocomplete="off"
            />
        </label>
    }
}

#[component]
fn TextArea(
    label: Key,
    name: &'static str,
    value: String,
    maxlength: usize,
    #[prop(default = 3)] rows: u32,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span class="field-label">{i18n.t(label)}</span>
            <textarea name=name rows=rows maxlength=maxlength.to_string() required=required>
                {value}
            </textarea>
        </label>
    }
}

#[component]
fn Choices(
    legend: Key,
    name: &'static str,
    options: Vec<(&'static str, Key)>,
    selected: String,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="choices">
            <legend class="field-label">{i18n.t(legend)}</legend>
            {options
                .into_iter()
                .map(|(value, key)| view! {
                    <label class="choice">
                        <input type="radio" name=name value=value checked=selected == value required=true />
                        <span>{i18n.t(key)}</span>
                    </label>
                })
                .collect_view()}
        </fieldset>
    }
}

#[component]
fn CheckBox(label: Key, name: &'static str, checked: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="choice check">
            <input type="checkbox" name=name value="on" checked=checked />
            <span>{i18n.t(label)}</span>
        </label>
    }
}

fn places() -> Vec<(&'static str, Key)> {
    Place::ALL
        .iter()
        .map(|p| (p.as_str(), crate::components::card_bits::place_key(*p)))
        .collect()
}

/// Wishes and decisions (ACP).
#[component]
pub fn WishesForm(
    patient_id: String,
    wishes: Option<Wishes>,
    draft: Draft,
    error: Option<AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveWishes>::new();
    let version = RwSignal::new(wishes.as_ref().map_or(0, |w| w.version));
    let latest = RwSignal::new(wishes.as_ref().map(|w| w.updated.clone()));
    let w = wishes.as_ref();
    let current = |f: fn(&Wishes) -> &'static str| w.map(f).unwrap_or("").to_owned();
    let resuscitation = draft.text("resuscitation", current(|w| w.resuscitation.as_str()));
    let transport = draft.text("transport", current(|w| w.transport.as_str()));
    let place_of_care = draft.text("place_of_care", current(|w| w.place_of_care.as_str()));
    let place_of_death = draft.text("place_of_death", current(|w| w.place_of_death.as_str()));
    let home_death = draft.checked(
        "death_at_home_expected",
        w.is_some_and(|w| w.death_at_home_expected),
    );
    let decided_by = draft.text(
        "decided_by",
        w.map(|w| w.decided_by.clone()).unwrap_or_default(),
    );
    let decided_on = draft.text(
        "decided_on",
        w.map(|w| w.decided_on.to_string()).unwrap_or_default(),
    );
    let document_on_file = draft.checked("document_on_file", w.is_some_and(|w| w.document_on_file));
    let document_note = draft.text(
        "document_note",
        w.map(|w| w.document_note.clone()).unwrap_or_default(),
    );
    let notes = draft.text("notes", w.map(|w| w.notes.clone()).unwrap_or_default());
    view! {
        <section class="block edit" id=EditSection::Wishes.as_str() aria-labelledby="h-edit-wishes">
            <h2 id="h-edit-wishes">{i18n.t(Key::WishesTitle)}</h2>
            <LatestSave latest />
            <ActionForm action attr:class="stack" attr:data-testid="wishes-form">
                <input type="hidden" name="patient_id" value=patient_id />
                <input type="hidden" name="version" value=move || version.get().to_string() />
                <Choices
                    legend=Key::Resuscitation
                    name="resuscitation"
                    options=Resuscitation::ALL
                        .iter()
                        .map(|r| (r.as_str(), match r {
                            Resuscitation::Dnar => Key::Dnar,
                            Resuscitation::Full => Key::FullResuscitation,
                        }))
                        .collect()
                    selected=resuscitation
                />
                <Choices
                    legend=Key::Transport
                    name="transport"
                    options=TransportWish::ALL
                        .iter()
                        .map(|t| (t.as_str(), crate::components::card_bits::transport_key(*t)))
                        .collect()
                    selected=transport
                />
                <CheckBox
                    label=Key::DeathAtHomeExpected
                    name="death_at_home_expected"
                    checked=home_death
                />
                <Choices
                    legend=Key::PlaceOfCare
                    name="place_of_care"
                    options=places()
                    selected=place_of_care
                />
                <Choices
                    legend=Key::PlaceOfDeath
                    name="place_of_death"
                    options=places()
                    selected=place_of_death
                />
                <TextField
                    label=Key::DecidedBy
                    name="decided_by"
                    hint=Key::DecidedByHint
                    value=decided_by
                    maxlength=200
                    required=true
                />
                <TextField
                    label=Key::DecidedOn
                    name="decided_on"
                    kind="date"
                    value=decided_on
                    required=true
                />
                <CheckBox
                    label=Key::DocumentOnFile
                    name="document_on_file"
                    checked=document_on_file
                />
                <TextField
                    label=Key::DocumentNote
                    name="document_note"
                    value=document_note
                    maxlength=500
                />
                <TextArea
                    label=Key::WishesNotes
                    name="notes"
                    value=notes
                    maxlength=1000
                />
                <CardFormError action initial=error />
                <button type="submit" class="button primary">{i18n.t(Key::Save)}</button>
            </ActionForm>
        </section>
    }
}

/// The 「急変時の対応」 of the current nursing order.
#[component]
pub fn SuddenChangeForm(
    patient_id: String,
    order: NursingOrder,
    draft: Draft,
    error: Option<AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveSuddenChange>::new();
    let version = RwSignal::new(order.version);
    let latest = RwSignal::new(Some(order.updated.clone()));
    view! {
        <section class="block edit" id=EditSection::SuddenChange.as_str() aria-labelledby="h-edit-sudden">
            <h2 id="h-edit-sudden">{i18n.t(Key::OrdersTitle)}</h2>
            <p class="muted">
                {i18n.t(Key::OrderIssuedBy)}": "{order.issued_by.clone()}" · "
                {i18n.t(Key::OrderPeriod)}": "{order.valid_from.to_string()}" 〜 "{order.valid_to.to_string()}
            </p>
            <p class="stamp author" data-testid="sudden-change-author">
                {crate::components::card_bits::text_author_line(i18n, &order.updated, order.updated_by_role)}
            </p>
            <LatestSave latest />
            <ActionForm action attr:class="stack" attr:data-testid="sudden-change-form">
                <input type="hidden" name="patient_id" value=patient_id />
                <input type="hidden" name="order_id" value=order.id.to_string() />
                <input type="hidden" name="version" value=move || version.get().to_string() />
                <TextArea
                    label=Key::SuddenChange
                    name="on_sudden_change"
                    value=draft.text("on_sudden_change", order.on_sudden_change.clone())
                    maxlength=SUDDEN_CHANGE_MAX_CHARS
                    rows=6
                    required=true
                />
                <CardFormError action initial=error />
                <button type="submit" class="button primary">{i18n.t(Key::Save)}</button>
            </ActionForm>
        </section>
    }
}

/// A new nursing order (訪問看護指示書) by the physician: the renewal of
/// `order` (the one the card shows now), or the first one. Prefilled with
/// today as the day of issue, a period that follows the order in force (or
/// starts today) and lasts the six months allowed, and the current
/// 「急変時の対応」 to keep or change.
#[component]
pub fn RenewOrderForm(
    patient_id: String,
    order: Option<NursingOrder>,
    today: chrono::NaiveDate,
    draft: Draft,
    error: Option<AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RenewOrder>::new();
    let from = order
        .as_ref()
        .filter(|o| o.valid_from <= today && o.valid_to >= today)
        .and_then(|o| o.valid_to.succ_opt())
        .unwrap_or(today);
    let current = order.as_ref().map(|o| {
        view! {
            <p class="muted" data-testid="order-renewal-current">
                {i18n.t(Key::OrderRenewalCurrent)}": "
                {i18n.t(Key::OrderIssuedBy)}" "{o.issued_by.clone()}" · "
                {i18n.t(Key::OrderPeriod)}" "{o.valid_from.to_string()}" 〜 "{o.valid_to.to_string()}
            </p>
        }
    });
    let none = order
        .is_none()
        .then(|| view! { <p class="warning">{i18n.t(Key::OrderRenewalNone)}</p> });
    let text = order
        .as_ref()
        .map(|o| o.on_sudden_change.clone())
        .unwrap_or_default();
    view! {
        <section class="block edit" id=EditSection::OrderRenewal.as_str() aria-labelledby="h-edit-renewal">
            <h2 id="h-edit-renewal">{i18n.t(Key::OrderRenewalTitle)}</h2>
            {current}
            {none}
            <p class="hint">{i18n.t(Key::OrderRenewalHint)}</p>
            <ActionForm action attr:class="stack" attr:data-testid="order-renewal-form">
                <input type="hidden" name="patient_id" value=patient_id />
                <input type="hidden" name="order_id" value=order.as_ref().map(|o| o.id.to_string()).unwrap_or_default() />
                <input type="hidden" name="version" value=order.as_ref().map_or(0, |o| o.version).to_string() />
                <TextField
                    label=Key::OrderIssuedOn
                    name="issued_on"
                    kind="date"
                    value=draft.text("issued_on", today.to_string())
                    required=true
                />
                <TextField
                    label=Key::OrderValidFrom
                    name="valid_from"
                    kind="date"
                    value=draft.text("valid_from", from.to_string())
                    required=true
                />
                <TextField
                    label=Key::OrderValidTo
                    name="valid_to"
                    kind="date"
                    value=draft.text("valid_to", longest_order_period(from).to_string())
                    required=true
                />
                <TextArea
                    label=Key::SuddenChange
                    name="on_sudden_change"
                    value=draft.text("on_sudden_change", text)
                    maxlength=SUDDEN_CHANGE_MAX_CHARS
                    rows=6
                    required=true
                />
                <CardFormError action initial=error />
                <button type="submit" class="button primary">{i18n.t(Key::OrderRenewSubmit)}</button>
            </ActionForm>
        </section>
    }
}

/// The landmark and the way in.
#[component]
pub fn WayInForm(
    patient_id: String,
    landmark: String,
    way_in: WayIn,
    draft: Draft,
    error: Option<AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveWayIn>::new();
    let version = RwSignal::new(way_in.version);
    let latest = RwSignal::new(way_in.updated.clone());
    view! {
        <section class="block edit" id=EditSection::WayIn.as_str() aria-labelledby="h-edit-way-in">
            <h2 id="h-edit-way-in">{i18n.t(Key::WayInTitle)}</h2>
            <LatestSave latest />
            <ActionForm action attr:class="stack" attr:data-testid="way-in-form">
                <input type="hidden" name="patient_id" value=patient_id />
                <input type="hidden" name="version" value=move || version.get().to_string() />
                <TextArea label=Key::Landmark name="landmark" value=draft.text("landmark", landmark) maxlength=500 rows=2 />
                <TextArea label=Key::Entrance name="entrance" value=draft.text("entrance", way_in.entrance) maxlength=500 rows=2 />
                <TextArea label=Key::KeyBox name="key_box" value=draft.text("key_box", way_in.key_box) maxlength=500 rows=2 />
                <TextArea label=Key::Parking name="parking" value=draft.text("parking", way_in.parking) maxlength=500 rows=2 />
                <TextArea label=Key::Pets name="pets" value=draft.text("pets", way_in.pets) maxlength=500 rows=2 />
                <CardFormError action initial=error />
                <button type="submit" class="button primary">{i18n.t(Key::Save)}</button>
            </ActionForm>
        </section>
    }
}

/// The care manager.
#[component]
pub fn CareManagerForm(
    patient_id: String,
    manager: Option<CareManager>,
    draft: Draft,
    error: Option<AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveCareManager>::new();
    let version = RwSignal::new(manager.as_ref().map_or(0, |m| m.version));
    let latest = RwSignal::new(manager.as_ref().map(|m| m.updated.clone()));
    let m = manager.as_ref();
    let name = draft.text("name", m.map(|m| m.name.clone()).unwrap_or_default());
    let office = draft.text("office", m.map(|m| m.office.clone()).unwrap_or_default());
    let phone = draft.text("phone", m.map(|m| m.phone.clone()).unwrap_or_default());
    view! {
        <section class="block edit" id=EditSection::CareManager.as_str() aria-labelledby="h-edit-cm">
            <h2 id="h-edit-cm">{i18n.t(Key::CareManager)}</h2>
            <LatestSave latest />
            <ActionForm action attr:class="stack" attr:data-testid="care-manager-form">
                <input type="hidden" name="patient_id" value=patient_id />
                <input type="hidden" name="version" value=move || version.get().to_string() />
                <TextField label=Key::ContactName name="name" value=name maxlength=100 required=true />
                <TextField label=Key::CareManagerOffice name="office" value=office maxlength=100 />
                <TextField label=Key::Phone name="phone" kind="tel" inputmode="tel" value=phone maxlength=20 required=true />
                <CardFormError action initial=error />
                <button type="submit" class="button primary">{i18n.t(Key::Save)}</button>
            </ActionForm>
        </section>
    }
}

/// Name, kana, date of birth and sex.
#[component]
pub fn IdentityForm(card: NightCard, draft: Draft, error: Option<AppError>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveIdentity>::new();
    let version = RwSignal::new(card.version);
    let latest = RwSignal::new(card.updated_by.clone().map(|by| Stamp {
        at: card.updated_at,
        by,
    }));
    let patient_id = card.patient_id.to_string();
    let sex = match card.sex {
        Sex::Female => "female",
        Sex::Male => "male",
        Sex::Other => "other",
    };
    view! {
        <section class="block edit" id=EditSection::Identity.as_str() aria-labelledby="h-edit-identity">
            <h2 id="h-edit-identity">{i18n.t(Key::IdentityTitle)}</h2>
            <LatestSave latest />
            <ActionForm action attr:class="stack" attr:data-testid="identity-form">
                <input type="hidden" name="patient_id" value=patient_id />
                <input type="hidden" name="version" value=move || version.get().to_string() />
                <TextField label=Key::FamilyName name="family_name" value=draft.text("family_name", card.family_name.clone()) maxlength=50 required=true />
                <TextField label=Key::GivenName name="given_name" value=draft.text("given_name", card.given_name.clone()) maxlength=50 required=true />
                <TextField label=Key::FamilyNameKana name="family_name_kana" value=draft.text("family_name_kana", card.family_name_kana.clone()) maxlength=50 required=true />
                <TextField label=Key::GivenNameKana name="given_name_kana" value=draft.text("given_name_kana", card.given_name_kana.clone()) maxlength=50 required=true />
                <TextField label=Key::BirthDate name="birth_date" hint=Key::BirthDateHint value=draft.text("birth_date", card.birth_date.to_string()) maxlength=20 required=true />
                <Choices
                    legend=Key::Sex
                    name="sex"
                    options=vec![("female", Key::SexFemale), ("male", Key::SexMale), ("other", Key::SexOther)]
                    selected=draft.text("sex", sex)
                />
                <CardFormError action initial=error />
                <button type="submit" class="button primary">{i18n.t(Key::Save)}</button>
            </ActionForm>
        </section>
    }
}

/// A new timeline note.
#[component]
pub fn NoteForm(patient_id: String, draft: Draft, error: Option<AppError>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<AddNote>::new();
    view! {
        <section class="block edit" id=EditSection::Note.as_str() aria-labelledby="h-edit-note">
            <h2 id="h-edit-note">{i18n.t(Key::AddNote)}</h2>
            <ActionForm action attr:class="stack" attr:data-testid="note-form">
                <input type="hidden" name="patient_id" value=patient_id />
                <TextArea label=Key::Note name="note" value=draft.text("note", "") maxlength=NOTE_MAX_CHARS rows=5 required=true />
                <CardFormError action initial=error />
                <button type="submit" class="button primary">{i18n.t(Key::Save)}</button>
            </ActionForm>
        </section>
    }
}

/// The family contacts, each its own small form (change, or remove), in
/// calling order, and a form to add one. Their phones are what the
/// caller-number search finds. A refused save comes back in the form it
/// was typed into.
#[component]
pub fn ContactsForm(
    patient_id: String,
    contacts: Vec<EditableContact>,
    draft: Draft,
    error: Option<AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveContact>::new();
    let remove = ServerAction::<RemoveContact>::new();
    // Which form the kept draft belongs to: a contact's id, or "" (new).
    let draft_for = draft.get("contact_id");
    let count = contacts.len();
    let full = count >= usize::try_from(MAX_FAMILY_CONTACTS).unwrap_or(9);
    let rows = contacts
        .into_iter()
        .map(|c| {
            let mine = draft_for.as_deref() == Some(c.id.to_string().as_str());
            let (d, e) = if mine {
                (draft.clone(), error.clone())
            } else {
                (Draft::default(), None)
            };
            let (id, remove_id) = (c.id.to_string(), c.id.to_string());
            let (pid, remove_pid) = (patient_id.clone(), patient_id.clone());
            let (version, remove_version) = (c.version.to_string(), c.version.to_string());
            let heading = format!("{}. {} ({})", c.priority, c.name, c.relation);
            let fields = contact_fields(count, &d, Some(&c));
            view! {
                <li class="contact-edit" data-testid="contact-edit">
                    <h3>{heading}</h3>
                    <ActionForm action=save attr:class="stack">
                        <input type="hidden" name="patient_id" value=pid />
                        <input type="hidden" name="contact_id" value=id />
                        <input type="hidden" name="version" value=version />
                        {fields}
                        <CardFormError action=save initial=e />
                        <button type="submit" class="button primary">{i18n.t(Key::Save)}</button>
                    </ActionForm>
                    <ActionForm action=remove attr:class="inline">
                        <input type="hidden" name="patient_id" value=remove_pid />
                        <input type="hidden" name="contact_id" value=remove_id />
                        <input type="hidden" name="version" value=remove_version />
                        <button type="submit" class="button danger">{i18n.t(Key::ContactsRemove)}</button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    let (new_draft, new_error) = if draft_for.as_deref() == Some("") {
        (draft.clone(), error.clone())
    } else {
        (Draft::default(), None)
    };
    let new_fields = contact_fields(count + 1, &new_draft, None);
    view! {
        <section class="block edit" id=EditSection::Contacts.as_str() aria-labelledby="h-edit-contacts">
            <h2 id="h-edit-contacts">{i18n.t(Key::FamilyContacts)}</h2>
            <p class="hint">{i18n.t(Key::ContactsHelp)}</p>
            <ol class="contact-edits">{rows}</ol>
            {if full {
                view! { <p class="hint" data-testid="contacts-full">{i18n.t(Key::ContactsTooMany)}</p> }.into_any()
            } else {
                view! {
                    <h3>{i18n.t(Key::ContactsAdd)}</h3>
                    <ActionForm action=save attr:class="stack" attr:data-testid="contact-add-form">
                        <input type="hidden" name="patient_id" value=patient_id.clone() />
                        <input type="hidden" name="contact_id" value="" />
                        {new_fields}
                        <CardFormError action=save initial=new_error />
                        <button type="submit" class="button primary">{i18n.t(Key::ContactsAddSubmit)}</button>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}

/// A contact's fields: name, relation, phone, place in the calling order
/// (1 to `places`), key person.
fn contact_fields(places: usize, draft: &Draft, c: Option<&EditableContact>) -> impl IntoView {
    let i18n = use_i18n();
    let name = draft.text(
        "contact_name",
        c.map(|c| c.name.clone()).unwrap_or_default(),
    );
    let relation = draft.text(
        "relation",
        c.map(|c| c.relation.clone()).unwrap_or_default(),
    );
    let phone = draft.text("phone", c.map(|c| c.phone.clone()).unwrap_or_default());
    let priority = draft.text(
        "priority",
        c.map(|c| c.priority.to_string()).unwrap_or_default(),
    );
    let key_person = draft.checked("key_person", c.is_some_and(|c| c.is_key_person));
    view! {
        <TextField label=Key::ContactsName name="contact_name" value=name maxlength=CONTACT_NAME_MAX required=true />
        <TextField label=Key::ContactsRelation name="relation" value=relation maxlength=RELATION_MAX required=true />
        <TextField label=Key::Phone name="phone" kind="tel" inputmode="tel" value=phone maxlength=20 required=true />
        <label class="field">
            <span class="field-label">{i18n.t(Key::ContactsPriority)}</span>
            <select name="priority">
                {c.is_none().then(|| view! { <option value="" selected=priority.is_empty()>{i18n.t(Key::ContactsLast)}</option> })}
                {(1..=places).map(|p| {
                    let v = p.to_string();
                    view! { <option value=v.clone() selected=v == priority>{v.clone()}</option> }
                }).collect_view()}
            </select>
        </label>
        <CheckBox label=Key::KeyPerson name="key_person" checked=key_person />
    }
}
