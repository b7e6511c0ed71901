//! `/audit`: the coordinator's search of the access log, and
//! `/notices`: break-glass openings for the attending physician and the
//! coordinator. Both are plain GET forms and links: no JavaScript needed.

use crate::api::audit::{break_glass_notices, search_audit};
use crate::components::error_panel::ErrorPanel;
use crate::domain::time::format_tokyo_minute;
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        (
            q.get("patient").unwrap_or_default(),
            q.get("staff").unwrap_or_default(),
        )
    };
    let rows = Resource::new(filters, |(patient, staff)| search_audit(patient, staff));
    view! {
        <Title text=i18n.t(Key::AuditTitle) />
        <h1 class="page-title">{i18n.t(Key::AuditTitle)}</h1>
        <form method="get" action="/audit" class="stack filters">
            <label>
                <span>{i18n.t(Key::AuditPatient)}</span>
                <input type="search" name="patient" value=move || filters().0 maxlength="100" />
            </label>
            <label>
                <span>{i18n.t(Key::AuditWho)}</span>
                <input type="search" name="staff" value=move || filters().1 maxlength="100" />
            </label>
            <button type="submit" class="button">{i18n.t(Key::AuditSearch)}</button>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) => view! {
                        <table class="audit">
                            <thead>
                                <tr>
                                    <th>{i18n.t(Key::AuditWhen)}</th>
                                    <th>{i18n.t(Key::AuditWho)}</th>
                                    <th>{i18n.t(Key::AuditPatient)}</th>
                                    <th>{i18n.t(Key::AuditAction)}</th>
                                    <th>{i18n.t(Key::AuditOutcome)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|r| {
                                    let class = format!("outcome-{}", r.outcome);
                                    view! {
                                    <tr class=class>
                                        <td>{format_tokyo_minute(r.at)}</td>
                                        <td>{r.staff}</td>
                                        <td>{r.patient}</td>
                                        <td>{r.action}<br /><small>{r.detail}</small></td>
                                        <td>{r.outcome}</td>
                                    </tr>
                                }}).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn NoticesPage() -> impl IntoView {
    let i18n = use_i18n();
    let notices = Resource::new(|| (), |_| break_glass_notices());
    view! {
        <Title text=i18n.t(Key::NoticesTitle) />
        <h1 class="page-title">{i18n.t(Key::NoticesTitle)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match notices.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p>{i18n.t(Key::NoticesEmpty)}</p> }.into_any()
                    }
                    Ok(list) => view! {
                        <ul class="notices">
                            {list.into_iter().map(|n| view! {
                                <li class="notice break-glass" data-testid="break-glass-notice">
                                    <strong>{i18n.t(Key::BreakGlassActive)}</strong>
                                    " "{format_tokyo_minute(n.at)}" "
                                    <a href=format!("/patients/{}/night-card", n.patient_id)>{n.patient}</a>
                                    " ← "{n.staff}
                                    <p class="reason">{n.reason}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
