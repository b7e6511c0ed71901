//! The list of patients, each a link to the night card.

use crate::api::patients::list_patients;
use crate::components::error_panel::ErrorPanel;
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PatientsPage() -> impl IntoView {
    let i18n = use_i18n();
    let patients = Resource::new(|| (), |_| list_patients());
    view! {
        <Title text=i18n.t(Key::PatientsTitle) />
        <h1 class="page-title">{i18n.t(Key::PatientsTitle)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match patients.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p>{i18n.t(Key::PatientsEmpty)}</p> }.into_any()
                    }
                    Ok(list) => view! {
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
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
