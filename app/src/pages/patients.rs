//! `/`: find a patient, or see the whole list, each a link to the night
//! card. The search box is a plain GET form (`/?q=…`), so it works before
//! hydration and with JavaScript off; the results are rendered on the
//! server.

use crate::api::patients::list_patients;
use crate::api::search::search_patients;
use crate::components::card_bits::error_message;
use crate::components::error_panel::ErrorPanel;
use crate::domain::patient::PatientSummary;
use crate::domain::search::{SearchResults, MAX_HITS, MAX_QUERY_CHARS};
use crate::error::AppError;
use crate::i18n::{use_i18n, Key, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// What the page shows: the list, or the answer to a search.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum Listing {
    All(Vec<PatientSummary>),
    Found(SearchResults),
}

#[component]
pub fn PatientsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let listing = Resource::new(q, |q| async move {
        if q.trim().is_empty() {
            list_patients().await.map(Listing::All)
        } else {
            search_patients(q).await.map(Listing::Found)
        }
    });
    view! {
        <Title text=i18n.t(Key::PatientsTitle) />
        <h1 class="page-title">{i18n.t(Key::PatientsTitle)}</h1>
        <form class="search" method="get" action="/" role="search">
            <label for="patient-search">{i18n.t(Key::SearchLabel)}</label>
            <div class="search-row">
                <input
                    id="patient-search"
                    type="search"
                    name="q"
                    value=q
                    placeholder=i18n.t(Key::SearchPlaceholder)
                    maxlength=MAX_QUERY_CHARS.to_string()
                    autocomplete="off"
                    enterkeyhint="search"
                />
                <button type="submit" class="button primary">{i18n.t(Key::SearchSubmit)}</button>
            </div>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(Listing::All(list)) => all_patients(list).into_any(),
                    Ok(Listing::Found(found)) => search_results(q(), found).into_any(),
                    Err(error @ AppError::Invalid(_)) => view! {
                        <p class="form-error" role="alert" data-testid="search-error">
                            {error_message(i18n, &error)}
                        </p>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn all_patients(list: Vec<PatientSummary>) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p>{i18n.t(Key::PatientsEmpty)}</p> }.into_any();
    }
    view! {
        <ul class="patient-list">
            {list
                .into_iter()
                .map(|p| view! {
                    <li>
                        <a href=format!("/patients/{}/night-card", p.id)>
                            <span class="name">{p.name}</span>
                            <span class="kana">{p.name_kana}</span>
                            <span class="meta">
                                {p.birth_date.format("%Y-%m-%d").to_string()}
                                " · "
                                {p.city_street}
                            </span>
                        </a>
                    </li>
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

fn search_results(q: String, found: SearchResults) -> impl IntoView {
    let i18n = use_i18n();
    let count = i18n
        .t(Key::SearchHits)
        .replace("{q}", q.trim())
        .replace("{n}", &found.hits.len().to_string());
    view! {
        <p class="search-count" role="status" data-testid="search-count">{count}</p>
        {found.truncated.then(|| view! {
            <p class="warning">{i18n.t(Key::SearchTruncated).replace("{n}", &MAX_HITS.to_string())}</p>
        })}
        {if found.hits.is_empty() {
            view! { <p data-testid="search-empty">{i18n.t(Key::SearchNoHits)}</p> }.into_any()
        } else {
            view! {
                <ul class="patient-list search-hits">
                    {found
                        .hits
                        .into_iter()
                        .map(|h| {
                            let era = h.birth_era.map(|e| match i18n.lang {
                                Lang::Ja => e.to_ja(),
                                Lang::En => e.to_en(),
                            });
                            let born = match era {
                                Some(era) => format!("{} ({era})", h.birth_date.format("%Y-%m-%d")),
                                None => h.birth_date.format("%Y-%m-%d").to_string(),
                            };
                            view! {
                                <li data-testid="search-hit" data-patient-id=h.id.to_string()>
                                    <a href=format!("/patients/{}/night-card", h.id)>
                                        <span class="name">{h.name}</span>
                                        <span class="kana">{h.name_kana}</span>
                                        <span class="meta born-age">
                                            {born}" · "{h.age}{i18n.t(Key::AgeSuffix)}
                                        </span>
                                        <span class="meta address">{h.address}</span>
                                        {h.station.map(|s| view! {
                                            <span class="meta station">{s}</span>
                                        })}
                                        {h.via_contact.map(|c| view! {
                                            <span class="meta via">{i18n.t(Key::SearchViaPhone)}": "{c}</span>
                                        })}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }}
        <p><a class="button" href="/">{i18n.t(Key::SearchShowAll)}</a></p>
    }
}
