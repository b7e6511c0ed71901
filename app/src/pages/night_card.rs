//! `/patients/:id/night-card`: everything needed about one patient at night,
//! on one phone screen. Rendered on the server (the page is complete before
//! the WebAssembly arrives) and hydrated.

use crate::api::break_glass::BreakGlass;
use crate::api::night_card::get_night_card;
use crate::components::error_panel::ErrorPanel;
use crate::components::form_error::FormError;
use crate::domain::night_card::{tel_href, CareContact, NightCard};
use crate::domain::patient::Sex;
use crate::domain::time::format_tokyo_minute;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn NightCardPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
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
                    Ok(card) => view! { <NightCardView card /> }.into_any(),
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

#[component]
fn NightCardView(card: NightCard) -> impl IntoView {
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
    let address = card.address.clone();
    let route = address.coordinates.map(|_| address.route_url());
    view! {
        <Title text=name.clone() />
        <article class="night-card" data-patient-id=card.patient_id.to_string()>
            {card.break_glass_until.map(|until| view! {
                <p class="break-glass-banner" role="status" data-testid="break-glass-banner">
                    {i18n.t(Key::BreakGlassActive)}" 〜 "{format_tokyo_minute(until)}
                </p>
            })}
            <header class="identity" aria-label=i18n.t(Key::NightCard)>
                <p class="kana" data-testid="patient-kana">{kana}</p>
                <h1 class="name" data-testid="patient-name">{name}</h1>
                <p class="facts">
                    <span class="age" data-testid="patient-age">
                        {card.age}{i18n.t(Key::AgeSuffix)}
                    </span>
                    <span class="sex">{i18n.t(sex)}</span>
                    <span class="born">{born}" "{i18n.t(Key::Born)}</span>
                </p>
            </header>

            <section class="block address" aria-labelledby="h-address">
                <h2 id="h-address">{i18n.t(Key::Address)}</h2>
                <p class="postal">"〒"{address.postal_code.clone()}</p>
                <p class="street" data-testid="patient-address">{address.one_line()}</p>
                {(!address.landmark.is_empty()).then(|| view! {
                    <p class="landmark">
                        <span class="label">{i18n.t(Key::Landmark)}</span>
                        {address.landmark.clone()}
                    </p>
                })}
                {match route {
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
            </section>

            <section class="block calls" aria-labelledby="h-calls">
                <h2 id="h-calls">{i18n.t(Key::CallList)}</h2>
                <ul class="call-list">
                    {contact_row(i18n, Key::AttendingPhysician, card.attending.clone(), "attending-call")}
                    {contact_row(i18n, Key::NurseStation, card.nurse_station.clone(), "nurse-station-call")}
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
            </section>

            <footer class="freshness">
                <p>{i18n.t(Key::LastUpdated)}": "{format_tokyo_minute(card.updated_at)}</p>
                <p>{i18n.t(Key::DataAsOf)}": "{format_tokyo_minute(card.read_at)}</p>
            </footer>
        </article>
    }
}

fn contact_row(
    i18n: I18n,
    role: Key,
    contact: Option<CareContact>,
    testid: &'static str,
) -> impl IntoView {
    match contact {
        Some(c) => view! {
            <li class="call-row">
                <div class="who">
                    <span class="role">{i18n.t(role)}</span>
                    <span class="person">{c.name.clone()}</span>
                    {(c.organization != c.name).then(|| view! {
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
