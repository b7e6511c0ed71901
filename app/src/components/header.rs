//! The top bar: the product name, the language switch and the theme switch.
//! Both switches are plain links handled by the server (they set a cookie and
//! come back), so they work before hydration and without JavaScript.

use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let other = i18n.lang.other();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"☾"</span>
                {i18n.t(Key::AppName)}
            </a>
            <nav class="prefs">
                <a href=format!("/settings/lang/{}", other.code()) hreflang=other.code() rel="nofollow">
                    {i18n.t(Key::LanguageSwitch)}
                </a>
                <a href="/settings/theme/dark" rel="nofollow" class="theme-dark">{i18n.t(Key::ThemeDark)}</a>
                <a href="/settings/theme/light" rel="nofollow" class="theme-light">{i18n.t(Key::ThemeLight)}</a>
            </nav>
        </header>
    }
}
