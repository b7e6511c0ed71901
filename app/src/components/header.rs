//! The top bar: the product name, who is signed in, the language and theme
//! switches and sign-out. Every control is a plain link or form handled by
//! the server, so it works before hydration and without JavaScript.

use crate::api::auth::{whoami, Logout};
use crate::domain::access::Role;
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let other = i18n.lang.other();
    // Asked again on every navigation: signing in, the second factor and
    // signing out all end in a navigation, and the bar must follow.
    let location = leptos_router::hooks::use_location();
    let me = Resource::new(move || location.pathname.get(), |_| whoami());
    let logout_url = <Logout as leptos::server_fn::ServerFn>::url();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"☾"</span>
                {i18n.t(Key::AppName)}
            </a>
            <nav class="prefs">
                <a href=format!("/settings/lang/{}", other.code()) hreflang=other.code() rel="external nofollow">
                    {i18n.t(Key::LanguageSwitch)}
                </a>
                <a href="/settings/theme/dark" rel="external nofollow" class="theme-dark">{i18n.t(Key::ThemeDark)}</a>
                <a href="/settings/theme/light" rel="external nofollow" class="theme-light">{i18n.t(Key::ThemeLight)}</a>
            </nav>
        </header>
        <Suspense>
            {move || Suspend::new(async move {
                me.await.ok().flatten().map(|me| view! {
                    <div class="userbar">
                        <span class="me" data-testid="signed-in-as">
                            {i18n.t(Key::SignedInAs)}": "{me.name.clone()}
                        </span>
                        <a href="/calls">{i18n.t(Key::CallBoardTitle)}</a>
                        <a href="/notices">{i18n.t(Key::NoticesTitle)}</a>
                        {(me.role == Role::Physician).then(|| view! {
                            <a href="/handoffs">{i18n.t(Key::HandoffsTitle)}</a>
                        })}
                        {matches!(me.role, Role::Coordinator | Role::Admin).then(|| view! {
                            <a href="/audit">{i18n.t(Key::AuditTitle)}</a>
                        })}
                        // A plain form, even when hydrated: signing out loads a
                        // new document, so Back cannot bring the card back from
                        // the page's memory (the server then answers with
                        // sign-in, and the phone keeps nothing: no-store,
                        // Clear-Site-Data).
                        <form method="post" action=logout_url class="inline">
                            <input type="hidden" name="everywhere" value="false" />
                            <button type="submit" class="linklike">{i18n.t(Key::SignOut)}</button>
                        </form>
                    </div>
                })
            })}
        </Suspense>
    }
}
