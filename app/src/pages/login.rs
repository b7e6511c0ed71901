//! `/login`: password sign-in. A plain form posting to the server function,
//! so it works before the WebAssembly arrives and with JavaScript off.

use crate::api::auth::{FirstSignIn, Login};
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
            <p><a href="/login/first" data-testid="first-sign-in-link">{i18n.t(Key::FirstSignInLink)}</a></p>
        </section>
    }
}

/// `/login/first`: the first sign-in of a new account (or after a reset),
/// with the administrator's one-time enrolment code and a new password.
/// A plain form.
#[component]
pub fn FirstSignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let first = ServerAction::<FirstSignIn>::new();
    let max = crate::domain::password::MAX_LENGTH.to_string();
    let min = crate::domain::password::MIN_LENGTH.to_string();
    view! {
        <Title text=i18n.t(Key::FirstSignInTitle) />
        <section class="auth">
            <h1 class="page-title">{i18n.t(Key::FirstSignInTitle)}</h1>
            <p>{i18n.t(Key::FirstSignInHelp)}</p>
            <ActionForm action=first attr:class="stack">
                <label>
                    <span>{i18n.t(Key::LoginId)}</span>
                    <input type="text" name="login_id" required autocomplete="username"
                        autocapitalize="none" spellcheck="false" maxlength="64" />
                </label>
                <label>
                    <span>{i18n.t(Key::EnrolmentCode)}</span>
                    <input type="text" name="code" required autocomplete="one-time-code"
                        autocapitalize="none" spellcheck="false" maxlength="64" />
                </label>
                <label>
                    <span>{i18n.t(Key::NewPassword)}</span>
                    <input type="password" name="new_password" required autocomplete="new-password"
                        minlength=min.clone() maxlength=max.clone() />
                </label>
                <label>
                    <span>{i18n.t(Key::NewPasswordAgain)}</span>
                    <input type="password" name="new_password_again" required autocomplete="new-password"
                        minlength=min maxlength=max />
                </label>
                <FormError action=first />
                <button type="submit" class="button primary">{i18n.t(Key::FirstSignInSubmit)}</button>
            </ActionForm>
            <p><a href="/login">{i18n.t(Key::SignIn)}</a></p>
        </section>
    }
}
