//! `/login/totp`: the code after the password. `/account/security`:
//! enrolling an authenticator app and receiving recovery codes, passkeys,
//! and changing the password.

use crate::api::auth::ChangePassword;
use crate::api::second_factor::{
    revealed_recovery_codes, totp_enrollment, ConfirmTotp, VerifySecondFactor,
};
use crate::components::error_panel::ErrorPanel;
use crate::components::form_error::FormError;
use crate::components::passkey::{PasskeyAction, PasskeyButton, PasskeySection};
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TotpPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".into());
    let verify = ServerAction::<VerifySecondFactor>::new();
    view! {
        <Title text=i18n.t(Key::TotpTitle) />
        <section class="auth">
            <h1 class="page-title">{i18n.t(Key::TotpTitle)}</h1>
            <p>{i18n.t(Key::TotpHelp)}</p>
            <ActionForm action=verify attr:class="stack">
                <input type="hidden" name="next" value=next />
                <label>
                    <span>{i18n.t(Key::TotpCode)}</span>
                    <input type="text" name="code" required autocomplete="one-time-code"
                        inputmode="numeric" maxlength="20" autofocus />
                </label>
                <FormError action=verify />
                <button type="submit" class="button primary">{i18n.t(Key::Verify)}</button>
            </ActionForm>
            <PasskeyButton action=PasskeyAction::Verify next=Signal::derive(next) />
        </section>
    }
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    let i18n = use_i18n();
    let enrollment = Resource::new(|| (), |_| totp_enrollment());
    let confirm = ServerAction::<ConfirmTotp>::new();
    // Right after enrolment (the form's post came back here), once.
    let revealed = revealed_recovery_codes();
    let shown = revealed.is_some();
    view! {
        <Title text=i18n.t(Key::SecurityTitle) />
        <h1 class="page-title">{i18n.t(Key::SecurityTitle)}</h1>
        {revealed.map(|codes| view! {
            <section class="block">
                <p class="ok" data-testid="totp-enabled">{i18n.t(Key::TotpEnabled)}</p>
                <p>{i18n.t(Key::RecoveryCodesHelp)}</p>
                <ul class="recovery-codes" data-testid="recovery-codes">
                    {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                </ul>
            </section>
        })}
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match enrollment.await {
                    Ok(e) if e.already_enabled => (!shown).then(|| view! {
                        <p class="ok" data-testid="totp-enabled">{i18n.t(Key::TotpEnabled)}</p>
                    }).into_any(),
                    Ok(e) => view! {
                        <section class="block">
                            <p>{i18n.t(Key::TotpEnrolHelp)}</p>
                            <div class="qr" inner_html=e.qr_svg></div>
                            <p class="secret">
                                <span class="label">{i18n.t(Key::TotpSecret)}</span>
                                <code data-testid="totp-secret">{e.secret}</code>
                            </p>
                            <ActionForm action=confirm attr:class="stack">
                                <label>
                                    <span>{i18n.t(Key::TotpCode)}</span>
                                    <input type="text" name="code" required
                                        autocomplete="one-time-code" inputmode="numeric" maxlength="10" />
                                </label>
                                <FormError action=confirm />
                                <button type="submit" class="button primary">{i18n.t(Key::Verify)}</button>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
        <PasskeySection />
        <PasswordChangeSection />
    }
}

/// The password change form: works as a plain form post without
/// JavaScript (the server sends the page back with `?password_changed=1`
/// or the error).
#[component]
fn PasswordChangeSection() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let change = ServerAction::<ChangePassword>::new();
    let changed = move || {
        matches!(change.value().get(), Some(Ok(())))
            || query.read().get("password_changed").is_some()
    };
    view! {
        <section class="block" id="password">
            <h2>{i18n.t(Key::PasswordChangeTitle)}</h2>
            <p>{i18n.t(Key::PasswordChangeHelp)}</p>
            <Show when=changed>
                <p class="ok" role="status" data-testid="password-changed">{i18n.t(Key::PasswordChanged)}</p>
            </Show>
            <ActionForm action=change attr:class="stack">
                <label>
                    <span>{i18n.t(Key::CurrentPassword)}</span>
                    <input type="password" name="current_password" required
                        autocomplete="current-password" maxlength="256" />
                </label>
                <label>
                    <span>{i18n.t(Key::NewPassword)}</span>
                    <input type="password" name="new_password" required
                        autocomplete="new-password" minlength="12" maxlength="256" />
                </label>
                <label>
                    <span>{i18n.t(Key::NewPasswordAgain)}</span>
                    <input type="password" name="new_password_again" required
                        autocomplete="new-password" minlength="12" maxlength="256" />
                </label>
                <FormError action=change />
                <button type="submit" class="button primary">{i18n.t(Key::PasswordChangeSubmit)}</button>
            </ActionForm>
        </section>
    }
}
