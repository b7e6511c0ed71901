//! `/login/totp`: the code after the password. `/account/security`:
//! enrolling an authenticator app and receiving recovery codes, passkeys,
//! and changing the password.

use crate::api::auth::ChangePassword;
use crate::api::second_factor::{
    revealed_recovery_codes, security_state, taken_notice, totp_enrollment, ConfirmTotp,
    Reauthenticate, RedeemEnrolmentCode, RenewRecoveryCodes, SecurityStanding, StartTotpReset,
    VerifySecondFactor,
};
use crate::api::sessions::{my_sessions, EndOtherSessions, EndSession};
use crate::components::error_panel::ErrorPanel;
use crate::components::form_error::use_form_flash;
use crate::components::form_error::FormError;
use crate::components::passkey::{PasskeyAction, PasskeyButton, PasskeySection};
use crate::domain::factors::SecurityNotice;
use crate::domain::time::format_tokyo_minute;
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
    let state = Resource::new(|| (), |_| security_state());
    // Right after a change (the form's post came back here), once.
    let revealed = revealed_recovery_codes();
    let notice = taken_notice();
    let flash = use_form_flash();
    view! {
        <Title text=i18n.t(Key::SecurityTitle) />
        <h1 class="page-title">{i18n.t(Key::SecurityTitle)}</h1>
        {notice.map(|n| view! {
            <p class="ok" role="status" data-testid="security-notice">{i18n.t(notice_key(n))}</p>
        })}
        <Suspense fallback=|| ()>
            {move || flash.get().flatten().map(|e| view! {
                <p class="form-error" role="alert" data-testid="security-error">{e.user_message(i18n.lang)}</p>
            })}
        </Suspense>
        {revealed.map(|codes| view! {
            <section class="block">
                <p>{i18n.t(Key::RecoveryCodesHelp)}</p>
                <ul class="recovery-codes" data-testid="recovery-codes">
                    {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                </ul>
            </section>
        })}
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(state) => view! { <SecuritySections state /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn notice_key(notice: SecurityNotice) -> Key {
    match notice {
        SecurityNotice::PasskeyAdded => Key::NoticePasskeyAdded,
        SecurityNotice::PasskeyRemoved => Key::NoticePasskeyRemoved,
        SecurityNotice::TotpEnrolled => Key::NoticeTotpEnrolled,
        SecurityNotice::TotpReset => Key::NoticeTotpReset,
        SecurityNotice::RecoveryCodesRenewed => Key::NoticeRecoveryCodesRenewed,
        SecurityNotice::PasswordChanged => Key::PasswordChanged,
        SecurityNotice::Reauthenticated => Key::NoticeReauthenticated,
        SecurityNotice::EnrolmentCodeAccepted => Key::NoticeEnrolmentCodeAccepted,
        SecurityNotice::SessionEnded => Key::NoticeSessionEnded,
        SecurityNotice::OtherSessionsEnded => Key::NoticeOtherSessionsEnded,
    }
}

/// The page's sections for where the user stands: an account without a
/// factor first needs an enrolment code (and, where the organisation
/// requires two factors, sees nothing else); then the proof form, the app,
/// passkeys, the password and the sessions.
#[component]
fn SecuritySections(state: SecurityStanding) -> impl IntoView {
    let full = state.fully_signed_in;
    view! {
        {state.needs_enrolment_code.then(|| view! { <EnrolmentCodeSection org_requires=state.org_requires /> })}
        {(!state.needs_enrolment_code).then(|| view! {
            <ReauthSection state=state.clone() />
            <TotpSection />
            <PasskeySection />
        })}
        {full.then(|| view! {
            <PasswordChangeSection />
            <SessionsSection />
        })}
    }
}

/// The administrator's enrolment code, with the password: the door to the
/// first factor.
#[component]
fn EnrolmentCodeSection(org_requires: bool) -> impl IntoView {
    let i18n = use_i18n();
    let redeem = ServerAction::<RedeemEnrolmentCode>::new();
    view! {
        <section class="block" id="enrolment" data-testid="enrolment-code">
            <h2>{i18n.t(Key::EnrolmentTitle)}</h2>
            {org_requires.then(|| view! { <p>{i18n.t(Key::EnrolmentRequiredHelp)}</p> })}
            <p>{i18n.t(Key::EnrolmentHelp)}</p>
            <ActionForm action=redeem attr:class="stack">
                <label>
                    <span>{i18n.t(Key::EnrolmentCode)}</span>
                    <input type="text" name="code" required autocomplete="off"
                        autocapitalize="none" spellcheck="false" maxlength="64" />
                </label>
                <label>
                    <span>{i18n.t(Key::Password)}</span>
                    <input type="password" name="password" required
                        autocomplete="current-password" maxlength="256" />
                </label>
                <button type="submit" class="button primary">{i18n.t(Key::EnrolmentSubmit)}</button>
            </ActionForm>
        </section>
    }
}

/// A fresh proof: password and code (a plain form), or the passkey.
#[component]
fn ReauthSection(state: SecurityStanding) -> impl IntoView {
    let i18n = use_i18n();
    let reauth = ServerAction::<Reauthenticate>::new();
    let next = Signal::derive(|| "/account/security".to_owned());
    view! {
        <section class="block" id="reauth" data-testid="reauth">
            <h2>{i18n.t(Key::ReauthTitle)}</h2>
            {if state.proof_fresh {
                view! { <p class="ok" data-testid="reauth-fresh">{i18n.t(Key::ReauthFresh)}</p> }.into_any()
            } else {
                view! {
                    <p>{i18n.t(Key::ReauthHelp)}</p>
                    {if state.proof_passkey_only {
                        view! { <p>{i18n.t(Key::ReauthPasskeyOnly)}</p> }.into_any()
                    } else {
                        view! {
                            <ActionForm action=reauth attr:class="stack">
                                <label>
                                    <span>{i18n.t(Key::Password)}</span>
                                    <input type="password" name="password" required
                                        autocomplete="current-password" maxlength="256" />
                                </label>
                                {state.proof_needs_code.then(|| view! {
                                    <label>
                                        <span>{i18n.t(Key::TotpCode)}</span>
                                        <input type="text" name="code" required autocomplete="one-time-code"
                                            inputmode="numeric" maxlength="30" />
                                    </label>
                                })}
                                <button type="submit" class="button primary">{i18n.t(Key::ReauthSubmit)}</button>
                            </ActionForm>
                        }.into_any()
                    }}
                    {state.has_passkey.then(|| view! {
                        <PasskeyButton action=PasskeyAction::Verify next=next />
                    })}
                }.into_any()
            }}
        </section>
    }
}

/// The authenticator app: enrolment (QR and first code), or, once set up,
/// reset and new recovery codes.
#[component]
fn TotpSection() -> impl IntoView {
    let i18n = use_i18n();
    let enrollment = Resource::new(|| (), |_| totp_enrollment());
    let confirm = ServerAction::<ConfirmTotp>::new();
    let reset = ServerAction::<StartTotpReset>::new();
    let renew = ServerAction::<RenewRecoveryCodes>::new();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match enrollment.await {
                    Ok(e) if e.already_enabled && e.secret.is_empty() => view! {
                        <section class="block" data-testid="totp">
                            <p class="ok" data-testid="totp-enabled">{i18n.t(Key::TotpEnabled)}</p>
                            <p>{i18n.t(Key::TotpResetHelp)}</p>
                            <ActionForm action=reset>
                                <button type="submit" class="button">{i18n.t(Key::TotpResetSubmit)}</button>
                            </ActionForm>
                            <ActionForm action=renew>
                                <button type="submit" class="button">{i18n.t(Key::RecoveryCodesRenew)}</button>
                            </ActionForm>
                        </section>
                    }.into_any(),
                    Ok(e) => view! {
                        <section class="block" data-testid="totp">
                            <p>{i18n.t(if e.already_enabled { Key::TotpResetHelp } else { Key::TotpEnrolHelp })}</p>
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
                                <button type="submit" class="button primary">{i18n.t(Key::Verify)}</button>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    Err(_) => ().into_any(),
                }
            })}
        </Suspense>
    }
}

/// The account's signed-in devices, each with its own sign-out, and
/// "sign out everywhere else". Plain forms.
#[component]
fn SessionsSection() -> impl IntoView {
    let i18n = use_i18n();
    let sessions = Resource::new(|| (), |_| my_sessions());
    let end = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = sessions.await.ok()?;
                let others = list.iter().any(|s| !s.this_device);
                Some(view! {
                    <section class="block" id="sessions" data-testid="sessions">
                        <h2>{i18n.t(Key::SessionsTitle)}</h2>
                        <p>{i18n.t(Key::SessionsHelp)}</p>
                        <ul class="sessions">
                            {list.into_iter().map(|s| {
                                let device = match (s.browser, s.system) {
                                    (Some(b), Some(o)) => format!("{b} / {o}"),
                                    (Some(x), None) | (None, Some(x)) => x,
                                    (None, None) => i18n.t(Key::SessionDeviceUnknown).to_owned(),
                                };
                                view! {
                                    <li data-testid="session" data-this-device=s.this_device.to_string()>
                                        <strong>{device}</strong>
                                        {s.this_device.then(|| view! {
                                            <span class="badge" data-testid="this-device">{i18n.t(Key::SessionThisDevice)}</span>
                                        })}
                                        <span class="meta">
                                            {format!("{} {} / {} {} / {} {}",
                                                i18n.t(Key::SessionAddress), s.address,
                                                i18n.t(Key::SessionSignedIn), format_tokyo_minute(s.signed_in_at),
                                                i18n.t(Key::SessionLastSeen), format_tokyo_minute(s.last_seen_at))}
                                        </span>
                                        <ActionForm action=end>
                                            <input type="hidden" name="id" value=s.id.to_string() />
                                            <button type="submit" class="button">{i18n.t(Key::SessionEnd)}</button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {others.then(|| view! {
                            <ActionForm action=end_others>
                                <button type="submit" class="button">{i18n.t(Key::SessionsEndOthers)}</button>
                            </ActionForm>
                        })}
                    </section>
                })
            })}
        </Suspense>
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
                <button type="submit" class="button primary">{i18n.t(Key::PasswordChangeSubmit)}</button>
            </ActionForm>
        </section>
    }
}
