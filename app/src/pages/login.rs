//! `/login`: password sign-in. A plain form posting to the server function,
//! so it works before the WebAssembly arrives and with JavaScript off.

use crate::api::auth::Login;
use crate::components::form_error::FormError;
use crate::components::passkey::{PasskeyAction, PasskeyButton};
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".into());
    let login = ServerAction::<Login>::new();
    view! {
        <Title text=i18n.t(Key::SignInTitle) />
        <section class="auth">
            <h1 class="page-title">{i18n.t(Key::SignInTitle)}</h1>
            <ActionForm action=login attr:class="stack">
                <input type="hidden" name="next" value=next />
                <label>
                    <span>{i18n.t(Key::LoginId)}</span>
                    <input type="text" name="login_id" required autocomplete="username"
                        autocapitalize="none" spellcheck="false" maxlength="64" />
                </label>
                <label>
                    <span>{i18n.t(Key::Password)}</span>
                    <input type="password" name="password" required
                        autocomplete="current-password" maxlength="256" />
                </label>
                <label class="check">
                    <input type="checkbox" name="remember" value="1" />
                    <span>{i18n.t(Key::StaySignedIn)}</span>
                </label>
                <FormError action=login />
                <button type="submit" class="button primary">{i18n.t(Key::SignIn)}</button>
            </ActionForm>
            <PasskeyButton action=PasskeyAction::SignIn next=Signal::derive(next) />
        </section>
    }
}
