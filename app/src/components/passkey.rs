//! Passkey buttons and the passkey list of the security page.
//!
//! The WebAuthn calls (`navigator.credentials`) live in a small ES module,
//! `/passkey.js`, loaded by the `<script type="module">` tag each button
//! carries (the browser loads it once however many tags there are; the CSP
//! allows scripts from this origin). The buttons are rendered hidden and the
//! module reveals them only where `window.PublicKeyCredential` exists, so a
//! browser without passkeys, or with JavaScript off, never shows a dead
//! button; password and TOTP stay the way in.

use crate::api::passkey::{my_passkeys, PasskeyRemove};
use crate::domain::time::format_tokyo_minute;
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;

/// Which ceremony a button starts (the `data-passkey` value `/passkey.js`
/// dispatches on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasskeyAction {
    /// `/login`: sign in with a passkey alone.
    SignIn,
    /// `/login/totp`: the passkey as the second factor.
    Verify,
    /// `/account/security`: add a passkey to the account.
    Register,
}

/// One passkey button, hidden until the browser proves it can use it.
/// `next` is where a successful sign-in goes.
#[component]
pub fn PasskeyButton(
    action: PasskeyAction,
    #[prop(into, optional)] next: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (ceremony, label) = match action {
        PasskeyAction::SignIn => ("sign-in", Key::PasskeySignIn),
        PasskeyAction::Verify => ("verify", Key::PasskeyVerify),
        PasskeyAction::Register => ("register", Key::PasskeyRegister),
    };
    view! {
        <div class="passkey stack" data-passkey=ceremony data-next=move || next.get()
            data-failed=i18n.t(Key::PasskeyFailed) hidden>
            {(action == PasskeyAction::Register).then(|| view! {
                <label>
                    <span>{i18n.t(Key::PasskeyName)}</span>
                    <input type="text" name="passkey_name" maxlength="64" autocomplete="off"
                        data-passkey-name />
                </label>
            })}
            <button type="button" class="button" data-passkey-start>{i18n.t(label)}</button>
            <p class="form-error" role="alert" data-passkey-error hidden></p>
        </div>
        <script type="module" src="/passkey.js"></script>
    }
}

/// The security page's passkey section: the user's passkeys, each with a
/// remove button (a plain form), and the register button. Shows nothing to
/// someone who may not manage passkeys yet (the page says why above).
#[component]
pub fn PasskeySection() -> impl IntoView {
    let i18n = use_i18n();
    let remove = ServerAction::<PasskeyRemove>::new();
    let passkeys = Resource::new(move || remove.version().get(), |_| my_passkeys());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = passkeys.await.ok()?;
                let items = if list.is_empty() {
                    view! { <p data-testid="no-passkeys">{i18n.t(Key::PasskeysNone)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="passkeys">
                            {list.into_iter().map(|p| {
                                let used = p.last_used_at
                                    .map(format_tokyo_minute)
                                    .unwrap_or_else(|| i18n.t(Key::PasskeyNeverUsed).to_owned());
                                view! {
                                    <li data-testid="passkey">
                                        <strong>{p.name}</strong>
                                        <span class="meta">
                                            {format!("{} {} / {} {}",
                                                i18n.t(Key::PasskeyAdded), format_tokyo_minute(p.created_at),
                                                i18n.t(Key::PasskeyLastUsed), used)}
                                        </span>
                                        <ActionForm action=remove>
                                            <input type="hidden" name="id" value=p.id />
                                            <button type="submit" class="button">{i18n.t(Key::PasskeyRemove)}</button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                };
                Some(view! {
                    <section class="block" data-testid="passkeys">
                        <h2>{i18n.t(Key::PasskeysTitle)}</h2>
                        <p>{i18n.t(Key::PasskeysHelp)}</p>
                        {items}
                        <p class="muted" data-passkey-unsupported hidden>{i18n.t(Key::PasskeyUnsupported)}</p>
                        <PasskeyButton action=PasskeyAction::Register />
                    </section>
                })
            })}
        </Suspense>
    }
}
