//! A translated error with a way forward: back to the list, or to sign-in.

use crate::error::AppError;
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;

#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let (title, body) = error.message_keys();
    let sign_in = matches!(error, AppError::Unauthenticated);
    view! {
        <section class="error-panel" role="alert" data-status=error.status()>
            <h1>{i18n.t(title)}</h1>
            <p>{i18n.t(body)}</p>
            {if sign_in {
                view! { <a class="button primary" href="/login">{i18n.t(Key::SignIn)}</a> }.into_any()
            } else {
                view! { <a class="button" href="/">{i18n.t(Key::BackToPatients)}</a> }.into_any()
            }}
        </section>
    }
}
