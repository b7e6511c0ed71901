//! Words, never codes: every page that shows states, outcomes, reasons and
//! audit actions (the call screen, the board, hand-offs, the audit log,
//! notices) is rendered in Japanese and in English after a night with a
//! path that ran out, a call answered and closed, and a break-glass
//! opening; the visible text must hold no `snake_case` code.

use crate::common::{spawn_app, TestApp};
use server::demo::DEMO_PATIENT_1;
use sqlx::PgPool;
use uuid::Uuid;

/// The text a person sees: the HTML without scripts, styles, comments,
/// tags and attributes.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        out.push(' ');
        let tail = &rest[start..];
        let lower: String = tail
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        let end = if tail.starts_with("<!--") {
            tail.find("-->").map(|i| i + 3)
        } else if lower.starts_with("<script") {
            tail.find("</script>").map(|i| i + 9)
        } else if lower.starts_with("<style") {
            tail.find("</style>").map(|i| i + 8)
        } else {
            tail.find('>').map(|i| i + 1)
        };
        match end {
            Some(end) => rest = &tail[end..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
}

/// The `snake_case` words in `text` (two or more lower-case parts).
fn codes_in(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| {
            w.contains('_')
                && w.split('_').filter(|p| !p.is_empty()).count() >= 2
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_code_finder_finds_codes_and_only_codes() {
    let html = r#"<html><head><script>var x = "timed_out";</script><style>.a_b{}</style></head>
        <body><!--hk=0_1--><p class="outcome-timed_out" data-x="managed_at_home">応答なし</p>
        <li>08:00 桜井 — timed_out</li><td>nurse1</td></body></html>"#;
    let text = visible_text(html);
    assert_eq!(codes_in(&text), vec!["timed_out".to_owned()], "{text}");
    assert!(codes_in("在宅で対応 Managed at home").is_empty());
}

async fn open_call(app: &TestApp) -> Uuid {
    let response = app
        .post_form(
            "/api/call_open",
            &[
                ("patient_id", &DEMO_PATIENT_1.to_string()),
                ("reason", "fever"),
                ("temperature", "38.9"),
                ("pulse", ""),
                ("systolic", ""),
                ("diastolic", ""),
                ("spo2", ""),
                ("respiratory_rate", ""),
                ("note", "発熱"),
            ],
        )
        .await;
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let id = location
        .strip_prefix("/calls/")
        .expect("redirect to the call");
    Uuid::parse_str(id).expect("call id")
}

async fn login_of_attending(pool: &PgPool) -> String {
    sqlx::query_scalar(
        "select s.login_id from staff s join patients p on p.attending_physician_id = s.id
          where p.id = $1",
    )
    .bind(DEMO_PATIENT_1)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Posts and insists on success.
async fn ok(app: &TestApp, path: &str, form: &[(&str, &str)]) {
    let r = app.post_form(path, form).await;
    let status = r.status();
    assert!(
        status.is_success() || status.is_redirection(),
        "{path}: {status} {}",
        r.text().await.unwrap_or_default()
    );
}

/// Renders `path` as `app` in both languages and returns the codes seen;
/// `shows` is a piece of the page's HTML that proves the content under test
/// was rendered (a page with nothing on it has no codes either).
async fn codes_on(app: &TestApp, path: &str, shows: &str) -> Vec<String> {
    let mut found = Vec::new();
    for lang in ["ja", "en"] {
        let cookie = format!(
            "{}; nc_lang={lang}",
            app.session.as_deref().expect("signed in")
        );
        let response = app
            .client
            .get(app.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 200, "{path} ({lang})");
        let html = response.text().await.expect("body");
        assert!(
            html.contains(&format!("lang=\"{lang}\"")),
            "{path} rendered in {lang}"
        );
        assert!(html.contains(shows), "{path} ({lang}) shows {shows}");
        for code in codes_in(&visible_text(&html)) {
            found.push(format!("{path} ({lang}): {code}"));
        }
    }
    found
}

#[sqlx::test(migrations = "../migrations")]
async fn no_page_of_the_night_shows_a_code_in_either_language(pool: PgPool) {
    let nurse = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;

    // A call whose path runs out: every step's wait passes.
    let ran_out = open_call(&nurse).await;
    let mut later = chrono::Utc::now();
    for _ in 0..20 {
        later += chrono::Duration::hours(2);
        app::ssr::db::incident::advance_due_steps(&pool, later)
            .await
            .expect("worker pass");
    }

    // A call a team doctor takes (私が行きます), visits and closes: the
    // hand-off goes to the attending (none is written to oneself).
    let answered = open_call(&nurse).await;
    let attending_login = login_of_attending(&pool).await;
    let attending = nurse.clone_base().signed_in_as(&attending_login).await;
    let responder = nurse.clone_base().signed_in_as("doctor1").await;
    let id = answered.to_string();
    ok(
        &responder,
        "/api/call_attempt",
        &[
            ("call_id", &id),
            ("step", "0"),
            ("outcome", "accepted"),
            ("eta_minutes", "20"),
            ("note", ""),
        ],
    )
    .await;
    ok(
        &responder,
        "/api/call_attempt",
        &[
            ("call_id", &id),
            ("step", "0"),
            ("outcome", "arrived"),
            ("eta_minutes", ""),
            ("note", ""),
        ],
    )
    .await;
    ok(
        &responder,
        "/api/call_close",
        &[
            ("call_id", &id),
            ("outcome", "managed_at_home"),
            ("died_at", ""),
            ("admitted_to", ""),
            ("summary", "坐薬で解熱。明朝の往診をお願いします。"),
        ],
    )
    .await;

    // A doctor of the other team opens the card with break-glass.
    let outsider = nurse.clone_base().signed_in_as("doctor5").await;
    ok(
        &outsider,
        "/api/break_glass",
        &[
            ("patient_id", &DEMO_PATIENT_1.to_string()),
            ("reason", "訪問看護師から夜間の往診依頼"),
        ],
    )
    .await;
    let (status, _) = outsider
        .get(&format!("/patients/{DEMO_PATIENT_1}/night-card"))
        .await;
    assert_eq!(status, 200);
    // Refused reads and a sign-out leave their own audit rows.
    let stranger = nurse.clone_base().signed_in_as("nurse3").await;
    let (status, _) = stranger
        .get(&format!("/patients/{DEMO_PATIENT_1}/night-card"))
        .await;
    assert!(status == 403 || status == 200, "{status}");
    ok(&stranger, "/api/logout", &[("everywhere", "false")]).await;

    let coordinator = nurse.clone_base().signed_in_as("coordinator").await;
    let mut codes = Vec::new();
    let pages: [(&TestApp, String, &str); 10] = [
        (
            &nurse,
            format!("/calls/{ran_out}"),
            "data-testid=\"run-out\"",
        ),
        (
            &nurse,
            format!("/calls/{answered}"),
            "data-testid=\"call-outcome\"",
        ),
        (
            &attending,
            format!("/calls/{answered}"),
            "data-testid=\"attempts\"",
        ),
        (&nurse, "/calls".into(), "data-testid=\"board-alarm\""),
        (&coordinator, "/calls".into(), "data-testid=\"board-line\""),
        (&attending, "/handoffs".into(), "坐薬で解熱"),
        (&coordinator, "/audit".into(), "class=\"outcome-"),
        (
            &coordinator,
            format!("/audit?patient={DEMO_PATIENT_1}"),
            "class=\"outcome-",
        ),
        (
            &attending,
            "/notices".into(),
            "data-testid=\"break-glass-notice\"",
        ),
        (
            &coordinator,
            "/notices".into(),
            "data-testid=\"break-glass-notice\"",
        ),
    ];
    for (app, path, shows) in pages {
        codes.extend(codes_on(app, &path, shows).await);
    }
    assert!(codes.is_empty(), "codes on screen:\n{}", codes.join("\n"));
}
