//! The top bar, phone first: one compact row (the product name, who is
//! signed in, and a menu). The menu is a `<details>`: it opens and closes
//! without JavaScript, and holds the pages the viewer's role uses, the
//! language and theme switches and sign-out. Every control is a plain link
//! or form handled by the server.

use crate::api::auth::{whoami, Logout, Me};
use crate::domain::access::Role;
use crate::i18n::{use_i18n, I18n, Key};
use leptos::prelude::*;

/// The pages a role reaches from the menu, in the order of a night.
fn menu_pages(role: Role) -> Vec<(&'static str, Key)> {
    let mut pages = vec![("/", Key::PatientsTitle), ("/calls", Key::CallBoardTitle)];
    if role == Role::Physician {
        pages.push(("/handoffs", Key::HandoffsTitle));
    }
    pages.push(("/duty", Key::DutyTitle));
    if role != Role::Nurse {
        pages.push(("/absences", Key::AbsencesTitle));
    }
    if matches!(role, Role::Coordinator | Role::Admin) {
        pages.push(("/audit", Key::AuditTitle));
        pages.push(("/admin/teams", Key::NavTeams));
        pages.push(("/admin/patients/new", Key::AdmitNav));
    }
    if role == Role::Admin {
        pages.push(("/admin/staff", Key::StaffMenu));
    }
    pages.push(("/notices", Key::NoticesTitle));
    pages.push(("/account/security", Key::AccountSecurity));
    pages
}

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"☾"</span>
                {i18n.t(Key::AppName)}
            </a>
            <Suspense fallback=move || view! { <Menu i18n me=None /> }>
                {move || Suspend::new(async move {
                    let me = me.await.ok().flatten();
                    view! { <Menu i18n me /> }
                })}
            </Suspense>
        </header>
    }
}

/// The menu: closed, it shows who is signed in; open, where to go.
#[component]
fn Menu(i18n: I18n, me: Option<Me>) -> impl IntoView {
    let other = i18n.lang.other();
    let logout_url = <Logout as leptos::server_fn::ServerFn>::url();
    let pages = me.as_ref().map(|m| menu_pages(m.role)).unwrap_or_default();
    view! {
        <details class="menu">
            <summary>
                {me.as_ref().map(|me| view! {
                    <span class="me" data-testid="signed-in-as" title=i18n.t(Key::SignedInAs)>
                        {me.name.clone()}
                    </span>
                })}
                <span class="menu-label">{i18n.t(Key::Menu)}</span>
            </summary>
            <nav class="menu-body" aria-label=i18n.t(Key::Menu)>
                {(!pages.is_empty()).then(|| view! {
                    <ul class="menu-pages">
                        {pages.into_iter().map(|(href, key)| view! {
                            <li><a href=href>{i18n.t(key)}</a></li>
                        }).collect_view()}
                    </ul>
                })}
                <p class="prefs">
                    <a href=format!("/settings/lang/{}", other.code()) hreflang=other.code() rel="external nofollow">
                        {i18n.t(Key::LanguageSwitch)}
                    </a>
                    <a href="/settings/theme/dark" rel="external nofollow" class="theme-dark">{i18n.t(Key::ThemeDark)}</a>
                    <a href="/settings/theme/light" rel="external nofollow" class="theme-light">{i18n.t(Key::ThemeLight)}</a>
                </p>
                // A plain form: signing out loads a new document, so Back
                // cannot bring the card back from the page's memory (the
                // server then answers with sign-in, and the phone keeps
                // nothing: no-store, Clear-Site-Data).
                {me.is_some().then(|| view! {
                    <form method="post" action=logout_url class="inline">
                        <input type="hidden" name="everywhere" value="false" />
                        <button type="submit" class="button">{i18n.t(Key::SignOut)}</button>
                    </form>
                })}
            </nav>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_reaches_its_pages_from_the_menu() {
        let hrefs = |role| {
            menu_pages(role)
                .into_iter()
                .map(|(h, _)| h)
                .collect::<Vec<_>>()
        };
        let everyone = ["/", "/calls", "/duty", "/notices", "/account/security"];
        let cases: [(Role, &[&str], &[&str]); 4] = [
            (
                Role::Nurse,
                &[],
                &[
                    "/handoffs",
                    "/absences",
                    "/audit",
                    "/admin/teams",
                    "/admin/staff",
                ],
            ),
            (
                Role::Physician,
                &["/handoffs", "/absences"],
                &["/audit", "/admin/teams", "/admin/staff"],
            ),
            (
                Role::Coordinator,
                &["/absences", "/audit", "/admin/teams"],
                &["/handoffs", "/admin/staff"],
            ),
            (
                Role::Admin,
                &["/absences", "/audit", "/admin/teams", "/admin/staff"],
                &["/handoffs"],
            ),
        ];
        for (role, has, lacks) in cases {
            let got = hrefs(role);
            for h in everyone.iter().chain(has) {
                assert!(got.contains(h), "{role:?} should reach {h}");
            }
            for h in lacks {
                assert!(!got.contains(h), "{role:?} should not see {h}");
            }
        }
    }
}
