//! The page for addresses that match no route: a real 404.

use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=i18n.t(Key::PageNotFoundTitle) />
        <section class="error-panel" role="alert" data-status="404">
            <h1>{i18n.t(Key::PageNotFoundTitle)}</h1>
            <p>{i18n.t(Key::PageNotFoundBody)}</p>
            <a class="button" href="/">{i18n.t(Key::BackToPatients)}</a>
        </section>
    }
}
