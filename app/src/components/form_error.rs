//! The translated error of the last submission of a form, if any: the
//! action's value when hydrated, or the `error` query parameter that the
//! server adds when a form was posted without JavaScript.

use crate::error::AppError;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FormError<A>(action: ServerAction<A>) -> impl IntoView
where
    A: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let query = use_query_map();
    let error = move || {
        action.value().get().and_then(|r| r.err()).or_else(|| {
            query
                .read()
                .get("error")
                .and_then(|e| AppError::from_query_value(&e))
        })
    };
    view! {
        {move || error().map(|e| view! {
            <p class="form-error" role="alert">{e.user_message(i18n.lang)}</p>
        })}
    }
}
