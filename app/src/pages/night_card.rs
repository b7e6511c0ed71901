//! `/patients/:id/night-card`: everything needed about one patient at night,
//! on one phone screen, and `/patients/:id/edit`, where the care team keeps
//! it current. Rendered on the server (the page is complete before the
//! WebAssembly arrives) and hydrated.
//!
//! The card is ordered for the night: the identity banner (sticky, so the
//! wrong patient is never treated); the two one-tap actions (route, call
//! the attending physician) so they stay on the first screen of a small
//! phone; the wishes (DNAR, death at home expected, transport); the
//! sudden-change orders; the way in; every number to call; allergies,
//! devices, medicines; the recent timeline. Each section says when it was
//! last updated and by whom, and flags itself when stale (rules in
//! `domain::freshness`); an expired nursing order is flagged in red.

use crate::api::break_glass::BreakGlass;
use crate::api::card_edit::{card_contacts, card_drafts, EditableContact};
use crate::api::night_card::get_night_card;
use crate::components::card_bits::{
    device_key, first_call_button_key, first_call_why, place_key, text_author_line, timeline_key,
    transport_key, SectionStamp,
};
use crate::components::card_forms::{
    CareManagerForm, ContactsForm, Draft, IdentityForm, NoteForm, RenewOrderForm, SuddenChangeForm,
    WayInForm, WishesForm,
};
use crate::components::error_panel::ErrorPanel;
use crate::components::form_error::FormError;
use crate::domain::card::{Resuscitation, Stamp, Wishes};
use crate::domain::card_input::{EditSection, SavedDraft};
use crate::domain::freshness::{freshness, order_status, OrderStatus, Section};
use crate::domain::night_card::{tel_href, CareContact, NightCard};
use crate::domain::patient::Sex;
use crate::domain::time::{format_tokyo_minute, tokyo_date};
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n, Key, Lang};
use crate::pages::call::CardCallSection;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn NightCardPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    // A granted break-glass ends in a navigation to this same page; the
    // action's version makes the card load again.
    let break_glass = ServerAction::<BreakGlass>::new();
    let card = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                break_glass.version().get(),
            )
        },
        |(id, _)| get_night_card(id),
    );
    view! {
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match card.await {
                    Ok(card) => {
                        let saved = query
                            .read_untracked()
                            .get("saved")
                            .and_then(|s| EditSection::parse(&s));
                        view! { <NightCardView card saved /> }.into_any()
                    }
                    Err(AppError::Unauthenticated) => {
                        let id = params.read_untracked().get("id").unwrap_or_default();
                        redirect_to_login(&format!("/patients/{id}/night-card"));
                        view! { <ErrorPanel error=AppError::Unauthenticated /> }.into_any()
                    }
                    Err(AppError::Forbidden) => {
                        let id = params.read_untracked().get("id").unwrap_or_default();
                        view! {
                            <Title text=i18n.t(Key::ErrorForbiddenTitle) />
                            <ErrorPanel error=AppError::Forbidden />
                            <BreakGlassForm patient_id=id action=break_glass />
                        }
                        .into_any()
                    }
                    Err(error) => view! {
                        <Title text=i18n.t(error.message_keys().0) />
                        <ErrorPanel error />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// The identity banner: kana, name, age, sex, birth date with its era;
/// DNAR and an expected death at home are repeated here, so they are on
/// the first screen and stay in sight while scrolling.
#[component]
fn IdentityBanner(card: NightCard) -> impl IntoView {
    let i18n = use_i18n();
    let name = format!("{} {}", card.family_name, card.given_name);
    let kana = format!("{} {}", card.family_name_kana, card.given_name_kana);
    let sex = match card.sex {
        Sex::Female => Key::SexFemale,
        Sex::Male => Key::SexMale,
        Sex::Other => Key::SexOther,
    };
    let era = card.birth_era.map(|e| match i18n.lang {
        Lang::Ja => e.to_ja(),
        Lang::En => e.to_en(),
    });
    let born = match era {
        Some(era) => format!("{} ({era})", card.birth_date.format("%Y-%m-%d")),
        None => card.birth_date.format("%Y-%m-%d").to_string(),
    };
    let dnar = card
        .wishes
        .as_ref()
        .is_some_and(|w| w.resuscitation == Resuscitation::Dnar);
    let home_death = card
        .wishes
        .as_ref()
        .is_some_and(|w| w.death_at_home_expected);
    let photo_alt = i18n.t(Key::PhotoOf).replace("{name}", &name);
    view! {
        <header class="identity" aria-label=i18n.t(Key::NightCard)>
            {card.photo.as_ref().map(|p| view! {
                <img class="photo" src=p.data_url() alt=photo_alt.clone() width="56" height="56" />
            })}
            <div class="who">
                <p class="kana" data-testid="patient-kana">{kana}</p>
                <h1 class="name" data-testid="patient-name">{name}</h1>
                <p class="facts">
                    <span class="age" data-testid="patient-age">
                        {card.age}{i18n.t(Key::AgeSuffix)}
                    </span>
                    <span class="sex">{i18n.t(sex)}</span>
                    <span class="born">{born}" "{i18n.t(Key::Born)}</span>
                    {dnar.then(|| view! { <span class="chip danger" data-testid="banner-dnar">"DNAR"</span> })}
                    {home_death.then(|| view! {
                        <span class="chip calm" data-testid="banner-home-death">{i18n.t(Key::DeathAtHomeExpected)}</span>
                    })}
                </p>
            </div>
        </header>
    }
}

fn edit_link(i18n: I18n, card: &NightCard, section: EditSection) -> impl IntoView {
    card.can_edit.then(|| {
        view! {
            <a class="edit-link" href=format!("/patients/{}/edit#{}", card.patient_id, section.as_str())>
                {i18n.t(Key::Edit)}
            </a>
        }
    })
}

fn tokyo_day(t: Option<DateTime<Utc>>) -> Option<chrono::NaiveDate> {
    t.map(tokyo_date)
}

#[component]
fn NightCardView(card: NightCard, saved: Option<EditSection>) -> impl IntoView {
    let i18n = use_i18n();
    let today = tokyo_date(card.read_at);
    let name = format!("{} {}", card.family_name, card.given_name);
    let address = card.address.clone();
    let route = address.coordinates.map(|_| address.route_url());
    let id = card.patient_id;
    let clinical = card.clinical.clone();
    view! {
        <Title text=name.clone() />
        <article class="night-card" data-patient-id=id.to_string()>
            {card.break_glass_until.map(|until| view! {
                <p class="break-glass-banner" role="status" data-testid="break-glass-banner">
                    {i18n.t(Key::BreakGlassActive)}" 〜 "{format_tokyo_minute(until)}
                </p>
            })}
            <IdentityBanner card=card.clone() />
            {saved.map(|_| view! { <p class="saved-notice" role="status">{i18n.t(Key::Saved)}</p> })}

            <nav class="quick-actions" aria-label=i18n.t(Key::CallList)>
                {match route.clone() {
                    Some(href) => view! {
                        <a class="button primary route" data-testid="route-link" href=href
                            target="_blank" rel="noopener noreferrer">
                            {i18n.t(Key::RouteToHouse)}
                        </a>
                    }
                    .into_any(),
                    None => view! {
                        <p class="warning">{i18n.t(Key::RouteUnavailable)}</p>
                    }
                    .into_any(),
                }}
                // Issue 8: the first call is the first call of the path for
                // now (absences, the rota, time-of-day rules), said with why.
                {match card.first_call.clone() {
                    Some(c) => {
                        let label = i18n.t(first_call_button_key(c.role));
                        let why = first_call_why(i18n, &c);
                        view! {
                            <a class="call first-call" data-testid="attending-call" href=tel_href(&c.phone)
                                data-role=format!("{:?}", c.role)
                                aria-label=format!("{label} {}", c.name)>
                                <span>{label}</span>
                                <small>{c.name.clone()}</small>
                            </a>
                            {why.map(|why| view! {
                                <p class="first-call-why" data-testid="first-call-why">{why}</p>
                            })}
                        }
                        .into_any()
                    }
                    None => view! {
                        <p class="warning" data-testid="first-call-nobody">
                            {i18n.t(Key::FirstCallNobody)}" "
                            <a class="call" href="tel:119">"119"</a>
                        </p>
                    }
                    .into_any(),
                }}
            </nav>

            // What to do on a sudden change first: the wishes' decisive
            // parts (DNAR, death at home) are already in the banner.
            <OrdersSection card=card.clone() today />
            <WishesSection card=card.clone() today />

            <section class="block address" id="way-in" aria-labelledby="h-address">
                <div class="block-head">
                    <h2 id="h-address">{i18n.t(Key::WayInTitle)}</h2>
                    {edit_link(i18n, &card, EditSection::WayIn)}
                </div>
                <p class="postal">"〒"{address.postal_code.clone()}</p>
                <p class="street" data-testid="patient-address">{address.one_line()}</p>
                {(!address.landmark.is_empty()).then(|| view! {
                    <p class="landmark">
                        <span class="label">{i18n.t(Key::Landmark)}</span>
                        {address.landmark.clone()}
                    </p>
                })}
                <dl class="facts-list" data-testid="way-in">
                    {[
                        (Key::Entrance, card.way_in.entrance.clone()),
                        (Key::KeyBox, card.way_in.key_box.clone()),
                        (Key::Parking, card.way_in.parking.clone()),
                        (Key::Pets, card.way_in.pets.clone()),
                    ]
                        .into_iter()
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(k, v)| view! { <dt>{i18n.t(k)}</dt><dd>{v}</dd> })
                        .collect_view()}
                </dl>
                <SectionStamp
                    stamp=card.way_in.updated.clone()
                    freshness=freshness(
                        Section::WayIn,
                        tokyo_day(card.way_in.updated.as_ref().map(|s| s.at)).or(Some(tokyo_date(card.updated_at))),
                        today,
                    )
                />
            </section>

            <CardCallSection patient_id=id.to_string() />
            <section class="block calls" id="calls" aria-labelledby="h-calls">
                <div class="block-head">
                    <h2 id="h-calls">{i18n.t(Key::CallList)}</h2>
                    {edit_link(i18n, &card, EditSection::CareManager)}
                </div>
                <ul class="call-list">
                    {contact_row(i18n, Key::AttendingPhysician, card.attending.clone(), None)}
                    {card
                        .secondary
                        .iter()
                        .map(|c| contact_row(i18n, Key::SecondaryPhysician, Some(c.clone()), None))
                        .collect_view()}
                    {contact_row(i18n, Key::NurseStation, card.nurse_station.clone(), Some("nurse-station-call"))}
                    {contact_row(
                        i18n,
                        Key::CareManager,
                        card.care_manager.as_ref().map(|m| CareContact {
                            name: m.name.clone(),
                            organization: m.office.clone(),
                            phone: m.phone.clone(),
                        }),
                        Some("care-manager-call"),
                    )}
                </ul>
            </section>

            <section class="block family" aria-labelledby="h-family">
                <h2 id="h-family">{i18n.t(Key::FamilyContacts)}</h2>
                <ul class="call-list">
                    {card
                        .family
                        .iter()
                        .map(|f| view! {
                            <li class="call-row">
                                <div class="who">
                                    <span class="role">
                                        {f.relation.clone()}
                                        {f.is_key_person.then(|| view! {
                                            <span class="badge">{i18n.t(Key::KeyPerson)}</span>
                                        })}
                                    </span>
                                    <span class="person">{f.name.clone()}</span>
                                    <span class="number">{f.phone.clone()}</span>
                                </div>
                                <a class="call" href=tel_href(&f.phone)
                                    aria-label=format!("{} {}", i18n.t(Key::Call), f.name)>
                                    {i18n.t(Key::Call)}
                                </a>
                            </li>
                        })
                        .collect_view()}
                </ul>
                // Family rows record when, not who.
                <SectionStamp
                    stamp=card.contacts_updated_at().map(|at| Stamp { at, by: String::new() })
                    freshness=freshness(Section::Contacts, tokyo_day(card.contacts_updated_at()), today)
                />
            </section>

            <ClinicalSection clinical today />
            <TimelineSection card=card.clone() />

            <footer class="freshness">
                <p>{i18n.t(Key::LastUpdated)}": "{format_tokyo_minute(card.updated_at)}</p>
                <p>{i18n.t(Key::DataAsOf)}": "{format_tokyo_minute(card.read_at)}</p>
            </footer>
        </article>
    }
}

#[component]
fn WishesSection(card: NightCard, today: chrono::NaiveDate) -> impl IntoView {
    let i18n = use_i18n();
    let head = view! {
        <div class="block-head">
            <h2 id="h-wishes">{i18n.t(Key::WishesTitle)}</h2>
            {edit_link(i18n, &card, EditSection::Wishes)}
        </div>
    };
    let body = match card.wishes.clone() {
        Some(w) => wishes_body(i18n, &w, today).into_any(),
        None => view! {
            <p class="warning" data-testid="wishes-missing">{i18n.t(Key::WishesMissing)}</p>
        }
        .into_any(),
    };
    view! {
        <section class="block wishes" id="wishes" aria-labelledby="h-wishes">
            {head}
            {body}
        </section>
    }
}

fn wishes_body(i18n: I18n, w: &Wishes, today: chrono::NaiveDate) -> impl IntoView {
    let resuscitation = match w.resuscitation {
        Resuscitation::Dnar => {
            view! { <li class="chip danger" data-testid="wish-dnar">{i18n.t(Key::Dnar)}</li> }
                .into_any()
        }
        Resuscitation::Full => {
            view! { <li class="chip">{i18n.t(Key::FullResuscitation)}</li> }.into_any()
        }
    };
    let document = if w.document_on_file {
        let note = if w.document_note.is_empty() {
            String::new()
        } else {
            format!(" ({})", w.document_note)
        };
        format!("{}{note}", i18n.t(Key::DocumentOnFile))
    } else {
        i18n.t(Key::NoDocument).to_owned()
    };
    view! {
        <ul class="chips">
            {resuscitation}
            {w.death_at_home_expected.then(|| view! {
                <li class="chip calm" data-testid="wish-home-death">{i18n.t(Key::DeathAtHomeExpected)}</li>
            })}
            <li class="chip" data-testid="wish-transport">{i18n.t(transport_key(w.transport))}</li>
        </ul>
        <dl class="facts-list">
            <dt>{i18n.t(Key::PlaceOfCare)}</dt>
            <dd>{i18n.t(place_key(w.place_of_care))}</dd>
            <dt>{i18n.t(Key::PlaceOfDeath)}</dt>
            <dd>{i18n.t(place_key(w.place_of_death))}</dd>
            <dt>{i18n.t(Key::DecidedBy)}</dt>
            <dd>{w.decided_by.clone()}" ("{w.decided_on.to_string()}")"</dd>
            <dt>{i18n.t(Key::DocumentOnFile)}</dt>
            <dd>{document}</dd>
        </dl>
        {(!w.notes.is_empty()).then(|| view! { <p class="prewrap">{w.notes.clone()}</p> })}
        <SectionStamp
            stamp=Some(w.updated.clone())
            freshness=freshness(Section::Wishes, Some(w.decided_on), today)
            decision=true
        />
    }
}

#[component]
fn OrdersSection(card: NightCard, today: chrono::NaiveDate) -> impl IntoView {
    let i18n = use_i18n();
    let order = card.nursing_order.clone().map(|o| {
        let status = order_status(o.valid_from, o.valid_to, today);
        let (class, text) = match status {
            OrderStatus::Expired { days_ago } => (
                "flag expired",
                i18n.t(Key::OrderExpired).replace("{n}", &days_ago.to_string()),
            ),
            OrderStatus::Expiring { days_left } => (
                "flag expiring",
                i18n.t(Key::OrderExpiring).replace("{n}", &days_left.to_string()),
            ),
            OrderStatus::NotYetValid { days } => (
                "flag expiring",
                i18n.t(Key::OrderNotYetValid).replace("{n}", &days.to_string()),
            ),
            OrderStatus::Valid { .. } => ("flag valid", i18n.t(Key::OrderValid).to_owned()),
        };
        view! {
            <div class="order" data-status=if status.is_expired() { "expired" } else { "in-force" }>
                <p class=class data-testid="order-status">{text}</p>
                // A run-out or running-out order: its physician renews it here.
                {(card.can_edit && card.can_edit_orders
                    && matches!(status, OrderStatus::Expired { .. } | OrderStatus::Expiring { .. }))
                    .then(|| view! {
                        <p>
                            <a class="button" data-testid="order-renew-link"
                                href=format!("/patients/{}/edit#{}", card.patient_id, EditSection::OrderRenewal.as_str())>
                                {i18n.t(Key::OrderRenewalTitle)}
                            </a>
                        </p>
                    })}
                <h3>{i18n.t(Key::SuddenChange)}</h3>
                <p class="sudden-change prewrap" data-testid="sudden-change">{o.on_sudden_change.clone()}</p>
                <p class="muted">
                    {i18n.t(Key::OrderIssuedBy)}": "{o.issued_by.clone()}
                    {(!o.clinic.is_empty()).then(|| format!(" ({})", o.clinic))}
                    <br />
                    {i18n.t(Key::OrderPeriod)}": "{o.valid_from.to_string()}" 〜 "{o.valid_to.to_string()}
                    " · "{i18n.t(Key::OrderIssuedOn)}": "{o.issued_on.to_string()}
                </p>
                // Who wrote the text in force (issue 8), not only who issued it.
                <p class="stamp author" data-testid="sudden-change-author">
                    {text_author_line(i18n, &o.updated, o.updated_by_role)}
                </p>
            </div>
        }
    });
    let prn_stamp = card.prn_updated().cloned();
    view! {
        <section class="block orders" id="orders" aria-labelledby="h-orders">
            <div class="block-head">
                <h2 id="h-orders">{i18n.t(Key::OrdersTitle)}</h2>
                // The physician edits the order's text, renews it, or
                // issues the first one.
                {card.can_edit_orders.then(|| edit_link(
                    i18n,
                    &card,
                    if card.nursing_order.is_some() { EditSection::SuddenChange } else { EditSection::OrderRenewal },
                ))}
            </div>
            {match order {
                Some(view) => view.into_any(),
                None => view! { <p class="warning" data-testid="order-missing">{i18n.t(Key::OrderMissing)}</p> }.into_any(),
            }}
            <h3>{i18n.t(Key::PrnTitle)}</h3>
            {if card.prn_orders.is_empty() {
                view! { <p class="muted">{i18n.t(Key::PrnEmpty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="prn-list">
                        {card.prn_orders.iter().map(|p| view! {
                            <li>
                                <span class="condition">{p.condition.clone()}</span>
                                <span class="arrow" aria-hidden="true">" → "</span>
                                <span class="action">{p.action.clone()}</span>
                                <span class="stamp author">{text_author_line(i18n, &p.updated, p.updated_by_role)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                    <SectionStamp
                        stamp=prn_stamp.clone()
                        freshness=freshness(Section::PrnOrders, prn_stamp.as_ref().map(|s| tokyo_date(s.at)), today)
                    />
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn ClinicalSection(
    clinical: crate::domain::card::Clinical,
    today: chrono::NaiveDate,
) -> impl IntoView {
    let i18n = use_i18n();
    let fresh = |section, stamp: Option<&crate::domain::card::Stamp>| {
        freshness(section, stamp.map(|s| tokyo_date(s.at)), today)
    };
    let allergies_stamp = clinical.allergies_updated().cloned();
    let devices_stamp = clinical.devices_updated().cloned();
    let meds_stamp = clinical.medications_updated().cloned();
    let diagnoses_stamp = clinical.diagnoses_updated().cloned();
    let summary_stamp = clinical.summary_updated.clone();
    let allergies = if !clinical.allergies.is_empty() {
        view! {
            <ul class="chips">
                {clinical.allergies.iter().map(|a| view! {
                    <li class="chip danger">
                        {a.substance.clone()}
                        {(!a.reaction.is_empty()).then(|| format!(" ({})", a.reaction))}
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    } else if clinical.no_known_allergies {
        view! { <p>{i18n.t(Key::NoKnownAllergies)}</p> }.into_any()
    } else {
        view! { <p class="warning">{i18n.t(Key::NotRegistered)}</p> }.into_any()
    };
    view! {
        <section class="block clinical" id="clinical" aria-labelledby="h-clinical">
            <h2 id="h-clinical">{i18n.t(Key::ClinicalTitle)}</h2>

            <h3>{i18n.t(Key::Allergies)}</h3>
            {allergies}
            <SectionStamp stamp=allergies_stamp.clone() freshness=fresh(Section::Allergies, allergies_stamp.as_ref()) />

            <h3>{i18n.t(Key::Devices)}</h3>
            {if clinical.devices.is_empty() {
                view! { <p class="muted">{i18n.t(Key::NoneRecorded)}</p> }.into_any()
            } else {
                view! {
                    <ul class="item-list" data-testid="devices">
                        {clinical.devices.iter().map(|d| view! {
                            <li>
                                <strong>{i18n.t(device_key(d.kind))}</strong>
                                {d.oxygen_flow_l_min.map(|f| view! {
                                    " "<span class="flow" data-testid="oxygen-flow">
                                        {i18n.t(Key::OxygenFlow).replace("{n}", &format_flow(f))}
                                    </span>
                                })}
                                {(!d.detail.is_empty()).then(|| view! { <span class="detail">{d.detail.clone()}</span> })}
                                {d.next_change_on.map(|n| view! {
                                    <span class="detail">{i18n.t(Key::NextChange)}": "{n.to_string()}</span>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <SectionStamp stamp=devices_stamp.clone() freshness=fresh(Section::Devices, devices_stamp.as_ref()) />

            <h3>{i18n.t(Key::Medications)}</h3>
            {if clinical.medications.is_empty() {
                view! { <p class="muted">{i18n.t(Key::NoneRecorded)}</p> }.into_any()
            } else {
                view! {
                    <ul class="item-list" data-testid="medications">
                        {clinical.medications.iter().map(|m| view! {
                            <li class:prn=m.as_needed>
                                {m.as_needed.then(|| view! { <span class="chip prn">{i18n.t(Key::AsNeeded)}</span>" " })}
                                <strong>{m.name.clone()}</strong>
                                {(!m.dose.is_empty()).then(|| format!(" {}", m.dose))}
                                {(!m.schedule.is_empty()).then(|| view! { <span class="detail">{m.schedule.clone()}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <SectionStamp stamp=meds_stamp.clone() freshness=fresh(Section::Medications, meds_stamp.as_ref()) />

            <h3>{i18n.t(Key::Diagnoses)}</h3>
            {if clinical.diagnoses.is_empty() {
                view! { <p class="muted">{i18n.t(Key::NoneRecorded)}</p> }.into_any()
            } else {
                view! {
                    <ul class="item-list">
                        {clinical.diagnoses.iter().map(|d| view! {
                            <li>
                                {d.name.clone()}
                                {d.is_primary.then(|| view! { " "<span class="badge">{i18n.t(Key::PrimaryDiagnosis)}</span> })}
                                {d.noted_on.map(|n| view! { <span class="detail">{n.to_string()}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <SectionStamp stamp=diagnoses_stamp.clone() freshness=fresh(Section::Diagnoses, diagnoses_stamp.as_ref()) />

            <h3>{i18n.t(Key::InfectionPrecautions)}</h3>
            <p class="prewrap">
                {if clinical.infection_precautions.is_empty() {
                    i18n.t(Key::NoneRecorded).to_owned()
                } else {
                    clinical.infection_precautions.clone()
                }}
            </p>
            <SectionStamp stamp=summary_stamp.clone() freshness=fresh(Section::InfectionPrecautions, summary_stamp.as_ref()) />
        </section>
    }
}

/// `1.5`, `2`, `0.25`: as written on an oxygen concentrator.
fn format_flow(f: f64) -> String {
    let s = format!("{f:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[component]
fn TimelineSection(card: NightCard) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="block timeline" id="timeline" aria-labelledby="h-timeline">
            <div class="block-head">
                <h2 id="h-timeline">{i18n.t(Key::TimelineTitle)}</h2>
                {card.can_edit.then(|| view! {
                    <a class="edit-link" href=format!("/patients/{}/edit#{}", card.patient_id, EditSection::Note.as_str())>
                        {i18n.t(Key::AddNote)}
                    </a>
                })}
            </div>
            {if card.timeline.is_empty() {
                view! { <p class="muted">{i18n.t(Key::TimelineEmpty)}</p> }.into_any()
            } else {
                view! {
                    <ol class="timeline-list" data-testid="timeline">
                        {card.timeline.iter().map(|t| view! {
                            <li>
                                <p class="meta">
                                    <span class="chip">{i18n.t(timeline_key(t.kind))}</span>
                                    " "{format_tokyo_minute(t.occurred_at)}" · "{t.author.clone()}
                                </p>
                                <p class="prewrap">{t.body.clone()}</p>
                            </li>
                        }).collect_view()}
                    </ol>
                }
                .into_any()
            }}
        </section>
    }
}

fn contact_row(
    i18n: I18n,
    role: Key,
    contact: Option<CareContact>,
    testid: Option<&'static str>,
) -> impl IntoView {
    match contact {
        Some(c) => view! {
            <li class="call-row">
                <div class="who">
                    <span class="role">{i18n.t(role)}</span>
                    <span class="person">{c.name.clone()}</span>
                    {(!c.organization.is_empty() && c.organization != c.name).then(|| view! {
                        <span class="org">{c.organization.clone()}</span>
                    })}
                    <span class="number">{c.phone.clone()}</span>
                </div>
                <a class="call" data-testid=testid href=tel_href(&c.phone)
                    aria-label=format!("{} {}", i18n.t(Key::Call), c.name)>
                    {i18n.t(Key::Call)}
                </a>
            </li>
        }
        .into_any(),
        None => view! {
            <li class="call-row missing">
                <div class="who">
                    <span class="role">{i18n.t(role)}</span>
                    <span class="person">{i18n.t(Key::NotRegistered)}</span>
                </div>
            </li>
        }
        .into_any(),
    }
}

/// Sends a signed-out visitor to the sign-in page, coming back here after.
fn redirect_to_login(back: &str) {
    let target = format!("/login?next={}", crate::domain::text::encode_query(back));
    #[cfg(feature = "ssr")]
    leptos_axum::redirect(&target);
    #[cfg(not(feature = "ssr"))]
    {
        let navigate = leptos_router::hooks::use_navigate();
        navigate(&target, Default::default());
    }
}

/// The break-glass request: a reason, then the card for two hours.
#[component]
fn BreakGlassForm(patient_id: String, action: ServerAction<BreakGlass>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="block break-glass" aria-labelledby="h-break-glass">
            <h2 id="h-break-glass">{i18n.t(Key::BreakGlassTitle)}</h2>
            <p>{i18n.t(Key::BreakGlassBody)}</p>
            <ActionForm action attr:class="stack">
                <input type="hidden" name="patient_id" value=patient_id />
                <label>
                    <span>{i18n.t(Key::BreakGlassReason)}</span>
                    <textarea name="reason" required minlength="4" maxlength="500" rows="3"></textarea>
                </label>
                <FormError action />
                <button type="submit" class="button danger">{i18n.t(Key::BreakGlassSubmit)}</button>
            </ActionForm>
        </section>
    }
}

// ---------------------------------------------------------------------------
// The edit page
// ---------------------------------------------------------------------------

/// `/patients/:id/edit`: the care team's forms. Readers who may not edit
/// (covering doctors, break-glass) get a 403 panel; the server checks again
/// on every save.
#[component]
pub fn CardEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let card = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_night_card,
    );
    // What this session typed before a refused save, kept on the server
    // (issue 8: never read from the URL).
    let drafts = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        card_drafts,
    );
    let contacts = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        card_contacts,
    );
    view! {
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match card.await {
                    Ok(card) if card.can_edit => {
                        let drafts = drafts.await.unwrap_or_default();
                        let contacts = contacts.await.unwrap_or_default();
                        view! { <CardEditView card drafts contacts /> }.into_any()
                    }
                    Ok(_) => {
                        let error = with_status(AppError::Forbidden);
                        view! {
                            <Title text=i18n.t(Key::ErrorForbiddenTitle) />
                            <ErrorPanel error />
                        }
                        .into_any()
                    }
                    Err(AppError::Unauthenticated) => {
                        let id = params.read_untracked().get("id").unwrap_or_default();
                        redirect_to_login(&format!("/patients/{id}/edit"));
                        view! { <ErrorPanel error=AppError::Unauthenticated /> }.into_any()
                    }
                    Err(error) => view! {
                        <Title text=i18n.t(error.message_keys().0) />
                        <ErrorPanel error />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// Sets the HTTP status of a page rendered on the server.
#[cfg(feature = "ssr")]
fn with_status(error: AppError) -> AppError {
    crate::ssr::request::fail(error)
}

#[cfg(not(feature = "ssr"))]
fn with_status(error: AppError) -> AppError {
    error
}

#[component]
fn CardEditView(
    card: NightCard,
    drafts: Vec<(EditSection, SavedDraft, AppError)>,
    contacts: Vec<EditableContact>,
) -> impl IntoView {
    let i18n = use_i18n();
    let for_section = |s: EditSection| {
        let kept = drafts.iter().find(|(section, _, _)| *section == s);
        (
            Draft::from_saved(kept.map(|(_, d, _)| d)),
            kept.map(|(_, _, e)| e.clone()),
        )
    };
    let any_draft = !drafts.is_empty();
    let id = card.patient_id.to_string();
    let (wishes_draft, wishes_error) = for_section(EditSection::Wishes);
    let (sudden_draft, sudden_error) = for_section(EditSection::SuddenChange);
    let (way_draft, way_error) = for_section(EditSection::WayIn);
    let (cm_draft, cm_error) = for_section(EditSection::CareManager);
    let (id_draft, id_error) = for_section(EditSection::Identity);
    let (note_draft, note_error) = for_section(EditSection::Note);
    let (renewal_draft, renewal_error) = for_section(EditSection::OrderRenewal);
    let (contacts_draft, contacts_error) = for_section(EditSection::Contacts);
    let today = tokyo_date(card.read_at);
    view! {
        <Title text=format!("{} | {} {}", i18n.t(Key::EditTitle), card.family_name, card.given_name) />
        <article class="night-card edit-page" data-patient-id=id.clone()>
            <IdentityBanner card=card.clone() />
            <p class="back">
                <a class="button" href=format!("/patients/{id}/night-card")>{i18n.t(Key::BackToCard)}</a>
            </p>
            <h1 class="page-title">{i18n.t(Key::EditTitle)}</h1>
            {any_draft.then(|| view! {
                <p class="draft-notice" role="status" data-testid="draft-notice">{i18n.t(Key::DraftKeptNotice)}</p>
            })}
            <WishesForm patient_id=id.clone() wishes=card.wishes.clone() draft=wishes_draft error=wishes_error />
            // The physician's orders: only his seat may change them (issue 8);
            // others see who wrote them on the card.
            {match (card.nursing_order.clone(), card.can_edit_orders) {
                (Some(order), true) => view! {
                    <SuddenChangeForm patient_id=id.clone() order=order.clone() draft=sudden_draft error=sudden_error />
                    <RenewOrderForm patient_id=id.clone() order=Some(order) today draft=renewal_draft error=renewal_error />
                }
                .into_any(),
                (None, true) => view! {
                    <RenewOrderForm patient_id=id.clone() order=None today draft=renewal_draft error=renewal_error />
                }
                .into_any(),
                (Some(_), false) => view! {
                    <p class="muted" data-testid="orders-physicians-only">{i18n.t(Key::OrdersOnlyPhysicians)}</p>
                }
                .into_any(),
                (None, false) => ().into_any(),
            }}
            <WayInForm
                patient_id=id.clone()
                landmark=card.address.landmark.clone()
                way_in=card.way_in.clone()
                draft=way_draft
                error=way_error
            />
            <ContactsForm patient_id=id.clone() contacts draft=contacts_draft error=contacts_error />
            <CareManagerForm patient_id=id.clone() manager=card.care_manager.clone() draft=cm_draft error=cm_error />
            <NoteForm patient_id=id.clone() draft=note_draft error=note_error />
            {card.can_edit_identity.then(|| view! {
                <IdentityForm card=card.clone() draft=id_draft error=id_error />
            })}
        </article>
    }
}
