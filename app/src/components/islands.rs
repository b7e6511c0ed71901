//! The islands: the only parts of a page that ship WebAssembly.
//!
//! Every page is a server component, rendered on the server and sent as
//! HTML that works without JavaScript (links, plain form posts). An island
//! is what must react in the browser after that. There is one today:
//! [`LiveUpdates`], which keeps the call screen and the board current.
//!
//! A page that has an island also renders [`IslandScripts`], the loader of
//! the wasm; a page without one ships no wasm at all.
//!
//! Island props are plain serialisable values (a URL, words already in the
//! page's language): an island never needs the whole `i18n` table.

use leptos::prelude::*;

/// Leptos' island loader (`<link rel=modulepreload>`, the wasm preload and
/// the module script carrying this response's CSP nonce). Render it once on
/// a page that has an island. The shell provides the `LeptosOptions`.
#[component]
pub fn IslandScripts() -> impl IntoView {
    use_context::<LeptosOptions>()
        .map(|options| view! { <HydrationScripts options islands=true /> })
}

/// Keeps the server-rendered parts of a page current: it listens to an
/// event stream (`/events/...`) and, on every change and every
/// (re)connection, fetches the page again and swaps in each element marked
/// `data-live-part` (by its `id`). What the nurse sees is then always what
/// the server renders, in the same words, with or without JavaScript.
///
/// A part the user is typing in (focus in a field, or a field changed) is
/// not swapped: a notice offers to show the update instead, so nothing she
/// typed is lost. Once hydrated it marks the document `data-hydrated`
/// (for the browser tests).
#[island]
pub fn LiveUpdates(
    /// The event stream, e.g. `/events/calls/<id>`.
    stream: String,
    /// Shown while the stream is open (「ライブ更新中」).
    live_label: String,
    /// Shown when an update waits because the user is typing.
    pending_label: String,
    /// The link that shows the waiting update (reloads the page).
    pending_action: String,
) -> impl IntoView {
    let (live, set_live) = signal(false);
    let (pending, set_pending) = signal(false);
    #[cfg(feature = "hydrate")]
    browser::connect(stream, set_live, set_pending);
    #[cfg(not(feature = "hydrate"))]
    let _ = (stream, set_live, set_pending);
    view! {
        // The words are always there and only shown once live, so the line
        // takes the same room before and after: nothing below it moves.
        <p class="live" data-testid="live" data-live=move || live.get().to_string()>
            {live_label}
        </p>
        <Show when=move || pending.get()>
            <p class="live-pending" role="status" data-testid="live-pending">
                {pending_label.clone()}" "
                <a href="" class="button">{pending_action.clone()}</a>
            </p>
        </Show>
    }
}

const CLOCK_ID: &str = "live-clock";
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const CLOCK_ATTR: &str = "data-rendered-at";
/// Clocks of two server processes may differ by this much (ms).
const CLOCK_SLACK_MS: i64 = 2_000;

/// When the server rendered this page (Unix ms), outside every live part
/// so a refresh can update it without repainting a part. Render it on a
/// page with [`LiveUpdates`].
#[component]
pub fn LiveClock() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let at = chrono::Utc::now().timestamp_millis();
    #[cfg(not(feature = "ssr"))]
    let at = 0_i64;
    view! { <div id=CLOCK_ID hidden data-rendered-at=at.to_string()></div> }
}

/// Whether a stream's greeting (`last_change`: when its server last heard
/// of a change) says nothing changed since the parts on screen were
/// rendered (`rendered_at`). Unknown either way: something may have.
pub fn nothing_since(last_change: Option<i64>, rendered_at: Option<i64>) -> bool {
    match (last_change, rendered_at) {
        (Some(change), Some(rendered)) => change.saturating_add(CLOCK_SLACK_MS) < rendered,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::nothing_since;

    #[test]
    fn a_page_rendered_after_the_last_change_need_not_be_fetched_again() {
        let cases = [
            (
                Some(1_000),
                Some(10_000),
                true,
                "changed long before the render",
            ),
            (Some(9_000), Some(10_000), false, "within the clocks' slack"),
            (
                Some(12_000),
                Some(10_000),
                false,
                "changed after the render",
            ),
            (None, Some(10_000), false, "the hub does not know yet"),
            (Some(1_000), None, false, "the page carries no render time"),
            (Some(i64::MAX), Some(10_000), false, "no overflow"),
        ];
        for (change, rendered, expected, name) in cases {
            assert_eq!(nothing_since(change, rendered), expected, "{name}");
        }
    }
}

/// The browser half of [`LiveUpdates`]: web-sys only, no view code.
#[cfg(feature = "hydrate")]
mod browser {
    use super::{nothing_since, CLOCK_ATTR, CLOCK_ID};
    use leptos::prelude::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Document, Element, Event, EventSource};

    /// Where a refresh stands: at most one fetch runs; a change arriving
    /// meanwhile asks for one more after it.
    #[derive(Clone, Copy, PartialEq)]
    enum Refresh {
        Idle,
        Running,
        Again,
    }

    pub fn connect(url: String, set_live: WriteSignal<bool>, set_pending: WriteSignal<bool>) {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
        mark_dirty_parts();
        let Ok(source) = EventSource::new(&url) else {
            return;
        };
        let state = Rc::new(Cell::new(Refresh::Idle));
        let changed = {
            let state = state.clone();
            move || request_refresh(state.clone(), set_pending)
        };
        let on_change = Closure::<dyn FnMut(Event)>::new({
            let changed = changed.clone();
            move |_: Event| changed()
        });
        // "hello" comes on every (re)connection: whatever changed while the
        // stream was down (sleep, a dead zone, a server restart) is fetched,
        // unless the server heard of no change since this page's parts were
        // rendered (the page just loaded): fetching then would only repaint
        // the same call, moving it on a slow phone for nothing.
        let on_hello = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
            set_live.set(true);
            let last_change = e
                .dyn_into::<web_sys::MessageEvent>()
                .ok()
                .and_then(|m| m.data().as_string())
                .and_then(|data| data.rsplit(' ').next().and_then(|t| t.parse::<i64>().ok()));
            if !nothing_since(last_change, rendered_at()) {
                changed();
            }
        });
        let on_error = Closure::<dyn FnMut(Event)>::new(move |_: Event| set_live.set(false));
        let _ =
            source.add_event_listener_with_callback("changed", on_change.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback("hello", on_hello.as_ref().unchecked_ref());
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_change.forget();
        on_hello.forget();
        on_error.forget();
        on_cleanup(move || source.close());
    }

    /// Typing in a field of a live part marks the part, so a refresh leaves
    /// it alone until the page is reloaded or the form is sent.
    fn mark_dirty_parts() {
        let on_input = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
            let part = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|el| el.closest("[data-live-part]").ok().flatten());
            if let Some(part) = part {
                let _ = part.set_attribute("data-dirty", "true");
            }
        });
        let doc = document();
        let _ = doc.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref());
        let _ = doc.add_event_listener_with_callback("change", on_input.as_ref().unchecked_ref());
        on_input.forget();
    }

    fn request_refresh(state: Rc<Cell<Refresh>>, set_pending: WriteSignal<bool>) {
        match state.get() {
            Refresh::Running | Refresh::Again => state.set(Refresh::Again),
            Refresh::Idle => {
                state.set(Refresh::Running);
                leptos::task::spawn_local(async move {
                    loop {
                        if let Err(e) = refresh(set_pending).await {
                            web_sys::console::warn_1(&e);
                        }
                        if state.get() == Refresh::Again {
                            state.set(Refresh::Running);
                        } else {
                            state.set(Refresh::Idle);
                            break;
                        }
                    }
                });
            }
        }
    }

    /// Fetches this page again and swaps in its live parts.
    async fn refresh(set_pending: WriteSignal<bool>) -> Result<(), JsValue> {
        let window = window();
        let href = window.location().href()?;
        let init = web_sys::RequestInit::new();
        init.set_cache(web_sys::RequestCache::NoStore);
        init.set_credentials(web_sys::RequestCredentials::SameOrigin);
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_str_and_init(&href, &init))
                .await?
                .dyn_into()?;
        // Signed out, expired, access ended: the server answers with the
        // sign-in page (or an error page); show that, not a stale card.
        if response.redirected() || !response.ok() {
            window.location().reload()?;
            return Ok(());
        }
        let html = JsFuture::from(response.text()?)
            .await?
            .as_string()
            .unwrap_or_default();
        let fresh: Document = web_sys::DomParser::new()?
            .parse_from_string(&html, web_sys::SupportedType::TextHtml)?;
        let current = document();
        if let (Some(now), Some(new)) = (
            current.get_element_by_id(CLOCK_ID),
            fresh.get_element_by_id(CLOCK_ID),
        ) {
            if let Some(at) = new.get_attribute(CLOCK_ATTR) {
                now.set_attribute(CLOCK_ATTR, &at)?;
            }
        }
        let parts = current.query_selector_all("[data-live-part]")?;
        let mut held = false;
        for i in 0..parts.length() {
            let Some(part) = parts.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let Some(new) = fresh.get_element_by_id(&part.id()) else {
                // The page changed shape (e.g. the call was closed and
                // another section took its place): load it whole.
                window.location().reload()?;
                return Ok(());
            };
            if busy(&current, &part) {
                held = true;
            } else if part.outer_html() != new.outer_html() {
                part.set_outer_html(&new.outer_html());
            }
        }
        set_pending.set(held);
        Ok(())
    }

    /// When the server rendered the live parts now on screen (Unix ms, its
    /// clock), from the page's [`LiveClock`](super::LiveClock).
    fn rendered_at() -> Option<i64> {
        document()
            .get_element_by_id(CLOCK_ID)?
            .get_attribute(CLOCK_ATTR)?
            .parse()
            .ok()
    }

    /// Someone is typing in this part: a field has focus in it or was
    /// changed since the page loaded.
    fn busy(doc: &Document, part: &Element) -> bool {
        if part.has_attribute("data-dirty") {
            return true;
        }
        doc.active_element().is_some_and(|el| {
            part.contains(Some(&el))
                && matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        })
    }
}
