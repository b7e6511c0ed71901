//! `/admin/patients/new`: the coordinator admits a patient to home care.
//! One form in five sections (the person, the address and how to find the
//! house, the care team, the family's group-care consent, a first family
//! phone); on a tablet the sections sit in two columns.
//!
//! A server component and a plain form: it works the same with JavaScript
//! off. A refused form comes back with its error in the one-view flash and
//! what was typed in the query; an admission comes back here with
//! `?admitted=<id>` and a link to the new night card.

use crate::api::admission::{
    admission_choices, patient_care, AdmissionOptions, AdmitPatient, CareRecord, ConsentRevoke,
    ConsentRow, SeatOption, SeatRow,
};
use crate::components::error_panel::ErrorPanel;
use crate::components::form_error::FormError;
use crate::domain::admission::{ADDRESS_MAX, LANDMARK_MAX, NAME_MAX};
use crate::i18n::{use_i18n, I18n, Key};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

#[component]
pub fn AdmissionPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let admitted = query
        .read_untracked()
        .get("admitted")
        .and_then(|id| Uuid::parse_str(&id).ok());
    let choices = Resource::new(|| (), |_| admission_choices());
    let admit = ServerAction::<AdmitPatient>::new();
    view! {
        <Title text=i18n.t(Key::AdmitTitle) />
        <h1 class="page-title">{i18n.t(Key::AdmitTitle)}</h1>
        {admitted.map(|id| view! {
            <section class="block" role="status" data-testid="admitted">
                <p><strong>{i18n.t(Key::AdmitDone)}</strong></p>
                <p><a class="button primary" href=format!("/patients/{id}/night-card")>{i18n.t(Key::AdmitOpenCard)}</a></p>
                <p><a href=format!("/admin/patients/{id}/care")>{i18n.t(Key::CareLink)}</a></p>
            </section>
        })}
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match choices.await {
                    Ok(c) => {
                        let typed = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
                        admission_form(i18n, admit, c, typed).into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn text_field(
    i18n: I18n,
    key: Key,
    name: &'static str,
    max: usize,
    required: bool,
    value: String,
) -> impl IntoView {
    view! {
        <label>
            <span>{i18n.t(key)}</span>
            <input type="text" name=name required=required maxlength=max.to_string() value=value />
        </label>
    }
}

fn date_field(i18n: I18n, key: Key, name: &'static str, value: String) -> impl IntoView {
    view! {
        <label>
            <span>{i18n.t(key)}</span>
            <input type="date" name=name required value=value />
        </label>
    }
}

/// A select of `options`; `blank` is the words of the empty choice (a
/// required select says "choose", an optional one "none").
fn seat_select(
    i18n: I18n,
    key: Key,
    name: &'static str,
    options: &[SeatOption],
    required: bool,
    value: String,
) -> impl IntoView {
    let blank = if required {
        Key::AdmitChoose
    } else {
        Key::AdmitNone
    };
    view! {
        <label>
            <span>{i18n.t(key)}</span>
            <select name=name required=required>
                <option value="">{i18n.t(blank)}</option>
                {options.iter().map(|o| view! {
                    <option value=o.id.to_string() selected=o.id.to_string() == value>{o.label.clone()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

fn admission_form(
    i18n: I18n,
    admit: ServerAction<AdmitPatient>,
    c: AdmissionOptions,
    typed: impl Fn(&str) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let sex = typed("sex");
    let scope = typed("consent_scope");
    let ticked = move |name: &str| !typed(name).is_empty();
    let sexes = [
        ("female", Key::SexFemale),
        ("male", Key::SexMale),
        ("other", Key::SexOther),
    ];
    let scopes = [
        ("read_and_house_call", Key::AdmitScopeReadAndHouseCall),
        ("read_card", Key::AdmitScopeReadCard),
    ];
    view! {
        <p>{i18n.t(Key::AdmitHelp)}</p>
        <ActionForm action=admit attr:class="admit-form" attr:data-testid="admit-form">
            <section class="block stack" data-testid="admit-person">
                <h2>{i18n.t(Key::AdmitSectionPerson)}</h2>
                {text_field(i18n, Key::FamilyName, "family_name", NAME_MAX, true, typed("family_name"))}
                {text_field(i18n, Key::GivenName, "given_name", NAME_MAX, true, typed("given_name"))}
                {text_field(i18n, Key::FamilyNameKana, "family_name_kana", NAME_MAX, true, typed("family_name_kana"))}
                {text_field(i18n, Key::GivenNameKana, "given_name_kana", NAME_MAX, true, typed("given_name_kana"))}
                {date_field(i18n, Key::BirthDate, "birth_date", typed("birth_date"))}
                <fieldset class="choices">
                    <legend>{i18n.t(Key::Sex)}</legend>
                    {sexes.into_iter().map(|(value, key)| view! {
                        <label class="choice">
                            <input type="radio" name="sex" value=value required checked=sex == value />
                            {i18n.t(key)}
                        </label>
                    }).collect_view()}
                </fieldset>
            </section>
            <section class="block stack" data-testid="admit-address">
                <h2>{i18n.t(Key::AdmitSectionAddress)}</h2>
                <label>
                    <span>{i18n.t(Key::AdmitPostalCode)}</span>
                    <input type="text" name="postal_code" required maxlength="10" inputmode="numeric"
                        autocomplete="postal-code" value=typed("postal_code") />
                </label>
                {text_field(i18n, Key::AdmitPrefecture, "prefecture", 10, true, typed("prefecture"))}
                {text_field(i18n, Key::AdmitCity, "city", ADDRESS_MAX, true, typed("city"))}
                {text_field(i18n, Key::AdmitStreet, "street", ADDRESS_MAX, true, typed("street"))}
                {text_field(i18n, Key::AdmitBuilding, "building", ADDRESS_MAX, false, typed("building"))}
                {text_field(i18n, Key::AdmitRoom, "room", 20, false, typed("room"))}
                <label>
                    <span>{i18n.t(Key::Landmark)}</span>
                    <textarea name="landmark" rows="2" maxlength=LANDMARK_MAX.to_string()>{typed("landmark")}</textarea>
                </label>
                <label>
                    <span>{i18n.t(Key::AdmitCoordinates)}</span>
                    <input type="text" name="coordinates" maxlength="2000" inputmode="url"
                        autocapitalize="none" spellcheck="false" value=typed("coordinates") />
                    <small class="duty-muted">{i18n.t(Key::AdmitCoordinatesHelp)}</small>
                </label>
            </section>
            <section class="block stack" data-testid="admit-team">
                <h2>{i18n.t(Key::AdmitSectionTeam)}</h2>
                {date_field(i18n, Key::AdmitAdmittedOn, "admitted_on", typed("admitted_on"))}
                {seat_select(i18n, Key::AdmitClinicTeam, "clinic_team_id", &c.teams, true, typed("clinic_team_id"))}
                {seat_select(i18n, Key::AdmitAttending, "attending_id", &c.physicians, true, typed("attending_id"))}
                {seat_select(i18n, Key::AdmitSecondary, "secondary_id", &c.physicians, false, typed("secondary_id"))}
                {seat_select(i18n, Key::AdmitNurseStation, "nurse_station_id", &c.stations, true, typed("nurse_station_id"))}
                {seat_select(i18n, Key::AdmitCareManager, "care_manager_id", &c.care_managers, false, typed("care_manager_id"))}
                {seat_select(i18n, Key::AdmitDischargingHospital, "discharging_hospital_id", &c.hospitals, false, typed("discharging_hospital_id"))}
            </section>
            <section class="block stack" data-testid="admit-consent">
                <h2>{i18n.t(Key::AdmitSectionConsent)}</h2>
                <p class="duty-muted">{i18n.t(Key::AdmitConsentHelp)}</p>
                {text_field(i18n, Key::AdmitConsentBy, "consent_by", NAME_MAX, true, typed("consent_by"))}
                {text_field(i18n, Key::AdmitConsentRelation, "consent_relation", 20, true, typed("consent_relation"))}
                {date_field(i18n, Key::AdmitConsentOn, "consent_on", typed("consent_on"))}
                <fieldset class="choices">
                    <legend>{i18n.t(Key::AdmitConsentScope)}</legend>
                    {scopes.into_iter().map(|(value, key)| view! {
                        <label class="choice">
                            <input type="radio" name="consent_scope" value=value required
                                checked=scope == value || (scope.is_empty() && value == "read_and_house_call") />
                            {i18n.t(key)}
                        </label>
                    }).collect_view()}
                </fieldset>
                <label class="choice">
                    <input type="checkbox" name="consent_paper" checked=ticked("consent_paper") />
                    {i18n.t(Key::AdmitConsentPaper)}
                </label>
            </section>
            <section class="block stack" data-testid="admit-contact">
                <h2>{i18n.t(Key::AdmitSectionContact)}</h2>
                <p class="duty-muted">{i18n.t(Key::AdmitContactHelp)}</p>
                {text_field(i18n, Key::AdmitContactName, "contact_name", NAME_MAX, false, typed("contact_name"))}
                {text_field(i18n, Key::AdmitContactRelation, "contact_relation", 20, false, typed("contact_relation"))}
                <label>
                    <span>{i18n.t(Key::AdmitContactPhone)}</span>
                    <input type="tel" name="contact_phone" maxlength="30" inputmode="tel" value=typed("contact_phone") />
                </label>
                <label class="choice">
                    <input type="checkbox" name="contact_key_person" checked=ticked("contact_key_person") />
                    {i18n.t(Key::KeyPerson)}
                </label>
            </section>
            <div class="block stack admit-submit">
                <FormError action=admit />
                <button type="submit" class="button primary" data-testid="admit-submit">{i18n.t(Key::AdmitSubmit)}</button>
            </div>
        </ActionForm>
    }
}

/// `/admin/patients/:id/care`: the patient's care-team seats with their
/// periods and the group-care consents, each with the form to record its
/// revocation. A server component with plain forms.
#[component]
pub fn PatientCarePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    let revoked = use_query_map().read_untracked().get("revoked").is_some();
    let care = Resource::new(move || id.clone(), patient_care);
    let revoke = ServerAction::<ConsentRevoke>::new();
    view! {
        <Title text=i18n.t(Key::CareTitle) />
        <h1 class="page-title">{i18n.t(Key::CareTitle)}</h1>
        {revoked.then(|| view! { <p class="duty-notice" role="status" data-testid="consent-revoked">{i18n.t(Key::CareRevoked)}</p> })}
        <FormError action=revoke />
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match care.await {
                    Ok(c) => care_view(i18n, c, revoke).into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn seat_key(role: &str) -> Option<Key> {
    match role {
        "attending" => Some(Key::CareSeatAttending),
        "secondary" => Some(Key::CareSeatSecondary),
        "nurse_station" => Some(Key::CareSeatStation),
        "care_manager" => Some(Key::CareSeatCareManager),
        _ => None,
    }
}

fn period(i18n: I18n, from: chrono::NaiveDate, to: Option<chrono::NaiveDate>) -> String {
    match to {
        Some(to) => i18n
            .t(Key::CarePeriod)
            .replace("{from}", &from.to_string())
            .replace("{to}", &to.to_string()),
        None => i18n
            .t(Key::CarePeriodFrom)
            .replace("{from}", &from.to_string()),
    }
}

fn seat_item(i18n: I18n, s: SeatRow) -> impl IntoView {
    let role = seat_key(&s.role).map(|k| i18n.t(k)).unwrap_or_default();
    view! {
        <li class="absence" data-testid="care-seat" data-role=s.role.clone()>
            <p class="who"><strong>{role}</strong>" "{s.holder}</p>
            <p class="duty-muted">{period(i18n, s.valid_from, s.valid_to)}</p>
        </li>
    }
}

fn consent_item(
    i18n: I18n,
    patient_id: String,
    c: ConsentRow,
    revoke: ServerAction<ConsentRevoke>,
) -> impl IntoView {
    let scope = match c.scope.as_str() {
        "read_card" => i18n.t(Key::AdmitScopeReadCard),
        _ => i18n.t(Key::AdmitScopeReadAndHouseCall),
    };
    let by = i18n
        .t(Key::CareConsentBy)
        .replace("{name}", &c.by_name)
        .replace("{relation}", &c.relation)
        .replace("{date}", &c.consented_on.to_string());
    let paper = i18n.t(if c.paper_on_file {
        Key::CarePaperOnFile
    } else {
        Key::CareNoPaper
    });
    let today = crate::domain::time::tokyo_date(chrono::Utc::now()).to_string();
    view! {
        <li class="absence" data-testid="consent">
            <p class="who"><strong>{c.team.clone()}</strong>" · "{scope}</p>
            <p>{by}</p>
            <p class="duty-muted">{paper}</p>
            {match c.revoked_on {
                Some(on) => view! {
                    <p><span class="duty-badge away" data-testid="consent-revoked-on">
                        {i18n.t(Key::CareRevokedBadge).replace("{date}", &on.to_string())}
                    </span></p>
                }.into_any(),
                None => view! {
                    <ActionForm action=revoke attr:class="stack">
                        <input type="hidden" name="patient_id" value=patient_id />
                        <input type="hidden" name="consent_id" value=c.id.to_string() />
                        <label>
                            <span>{i18n.t(Key::CareRevokedOn)}</span>
                            <input type="date" name="revoked_on" required value=today />
                        </label>
                        <small class="duty-muted">{i18n.t(Key::CareRevokeHelp)}</small>
                        <button type="submit" class="button danger">{i18n.t(Key::CareRevoke)}</button>
                    </ActionForm>
                }.into_any(),
            }}
        </li>
    }
}

fn care_view(i18n: I18n, c: CareRecord, revoke: ServerAction<ConsentRevoke>) -> impl IntoView {
    let id = c.patient_id.to_string();
    let in_force = c.consents.iter().any(|c| c.revoked_on.is_none());
    view! {
        <section class="block" data-testid="care-patient">
            <h2 data-testid="care-name">{c.name.clone()}</h2>
            {c.admitted_on.map(|on| view! {
                <p><span class="label">{i18n.t(Key::CareAdmittedOn)}</span>" "{on.to_string()}</p>
            })}
            <p><a href=format!("/patients/{id}/night-card")>{i18n.t(Key::AdmitOpenCard)}</a></p>
        </section>
        <section class="block" data-testid="care-seats">
            <h2>{i18n.t(Key::CareSeats)}</h2>
            <ul class="absence-list">
                {c.seats.into_iter().map(|s| seat_item(i18n, s)).collect_view()}
            </ul>
        </section>
        <section class="block" data-testid="care-consents">
            <h2>{i18n.t(Key::CareConsents)}</h2>
            {(!in_force).then(|| view! { <p class="form-error">{i18n.t(Key::CareNoConsent)}</p> })}
            <ul class="absence-list">
                {c.consents.into_iter().map(|k| consent_item(i18n, id.clone(), k, revoke)).collect_view()}
            </ul>
        </section>
    }
}
