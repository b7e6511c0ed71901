//! A translated error with a way back.

use crate::error::AppError;
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;

#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let (title, body) = error.message_keys();
    view! {
        <section class="error-panel" role="alert" data-status=error.status()>
            <h1>{i18n.t(title)}</h1>
            <p>{i18n.t(body)}</p>
            <a class="button" href="/">{i18n.t(Key::BackToPatients)}</a>
        </section>
    }
}
