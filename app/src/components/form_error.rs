//! The translated error of the last submission of a form, if any: the
//! action's value when hydrated, or — for a form posted without JavaScript
//! and sent back here — the one-view flash the server kept for this page
//! (`ssr::request::fail_form`). Nothing is read from the URL: a crafted
//! `?error=` shows nothing.

use crate::api::form_flash::take_form_flash;
use crate::error::AppError;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The error the server left for the current page after a refused plain
/// form post (`None` on a page opened normally).
pub fn use_form_flash() -> Resource<Option<AppError>> {
    let location = use_location();
    let path = location.pathname.get_untracked();
    Resource::new(
        move || path.clone(),
        |path| async move { take_form_flash(path).await.ok().flatten() },
    )
}

#[component]
pub fn FormError<A>(action: ServerAction<A>) -> impl IntoView
where
    A: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let flash = use_form_flash();
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e),
        Some(Ok(_)) => None,
        None => flash.get().flatten(),
    };
    view! {
        <Suspense fallback=|| ()>
            {move || error().map(|e| view! {
                <p class="form-error" role="alert">{e.user_message(i18n.lang)}</p>
            })}
        </Suspense>
    }
}
