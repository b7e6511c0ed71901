//! The night card over HTTP, against real PostgreSQL.

use crate::common::spawn_app;
use server::demo::DEMO_PATIENT_1;
use sqlx::PgPool;

/// A visiting nurse of 山田 花子's station (訪問看護ステーションみどり).
const NURSE_OF_PATIENT_1: &str = "nurse1";

#[sqlx::test(migrations = "../migrations")]
async fn a_signed_out_visitor_is_sent_to_sign_in_and_comes_back(pool: PgPool) {
    let app = spawn_app(pool).await;
    let card = format!("/patients/{DEMO_PATIENT_1}/night-card");
    let response = app
        .client
        .get(app.url(&card))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    assert_eq!(location, format!("/login?next={card}"));
    let (status, html) = app.get(location).await;
    assert_eq!(status, 200);
    assert!(html.contains("ログインID"));
    assert!(!html.contains("山田"), "no patient data before sign-in");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_night_card_html_already_holds_the_name_and_address(pool: PgPool) {
    let app = spawn_app(pool).await.signed_in_as(NURSE_OF_PATIENT_1).await;
    let (status, html) = app
        .get(&format!("/patients/{DEMO_PATIENT_1}/night-card"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"ja\""), "Japanese document");
    assert!(html.contains("山田 花子"), "name rendered on the server");
    assert!(
        html.contains("ヤマダ ハナコ"),
        "kana rendered on the server"
    );
    assert!(
        html.contains("みどり野市"),
        "address rendered on the server"
    );
    assert!(html.contains("昭和12年"), "birth era");
    assert!(html.contains("https://www.google.com/maps/dir/?api=1&amp;destination=35."));
    assert!(html.contains("href=\"tel:0"), "tap-to-call links");
    // Islands: the card has none, so it carries no wasm loader and no
    // hydration data; the stylesheet is its only asset.
    assert!(!html.contains("leptos-island"), "no island on the card");
    assert!(!html.contains(".wasm"), "no wasm on the card");
    assert!(!html.contains("__RESOLVED_RESOURCES["), "no hydration data");
    assert!(html.contains("/pkg/nightcall"), "the stylesheet");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_patient_is_a_404_page_in_japanese_with_a_way_back(pool: PgPool) {
    let app = spawn_app(pool).await.signed_in_as(NURSE_OF_PATIENT_1).await;
    let (status, html) = app
        .get("/patients/00000000-0000-4000-8000-0000deadbeef/night-card")
        .await;
    assert_eq!(status, 404);
    assert!(html.contains("患者が見つかりません"));
    assert!(html.contains("href=\"/\""));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_malformed_patient_id_is_a_400_page_in_japanese(pool: PgPool) {
    let app = spawn_app(pool).await.signed_in_as(NURSE_OF_PATIENT_1).await;
    for bad in ["not-an-id", "1", "00000000-0000-4000-8000-00010000000Z"] {
        let (status, html) = app.get(&format!("/patients/{bad}/night-card")).await;
        assert_eq!(status, 400, "{bad}");
        assert!(html.contains("URLが正しくありません"), "{bad}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_page_is_a_404(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (status, html) = app.get("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(html.contains("ページが見つかりません"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_server_function_answers_json_and_errors_with_their_status(pool: PgPool) {
    let app = spawn_app(pool).await.signed_in_as(NURSE_OF_PATIENT_1).await;
    let ok = app
        .post_form(
            "/api/night_card",
            &[("patient_id", &DEMO_PATIENT_1.to_string())],
        )
        .await;
    assert_eq!(ok.status().as_u16(), 200);
    let card: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(card["family_name"], "山田");
    assert_eq!(card["patient_id"], DEMO_PATIENT_1.to_string());

    let missing = app
        .post_form(
            "/api/night_card",
            &[("patient_id", "00000000-0000-4000-8000-0000deadbeef")],
        )
        .await;
    assert_eq!(missing.status().as_u16(), 404);
    assert_eq!(missing.text().await.unwrap(), "\"NotFound\"");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_language_switch_sets_a_cookie_and_goes_back(pool: PgPool) {
    let app = spawn_app(pool).await.signed_in_as(NURSE_OF_PATIENT_1).await;
    let card = format!("/patients/{DEMO_PATIENT_1}/night-card");
    let response = app
        .client
        .get(app.url("/settings/lang/en"))
        .header("referer", app.url(&card))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], card.as_str());
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("nc_lang=en;") && cookie.contains("HttpOnly"),
        "{cookie}"
    );

    let html = app
        .client
        .get(app.url(&card))
        .header(
            "cookie",
            format!("nc_lang=en; {}", app.session.as_deref().unwrap()),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("Open route in maps"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_demo_network_has_what_the_issue_asks_for(pool: PgPool) {
    server::demo::seed_demo(&pool)
        .await
        .unwrap()
        .expect("first seed");
    assert!(
        server::demo::seed_demo(&pool).await.unwrap().is_none(),
        "seeding twice is a no-op"
    );
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("select count(*) from clinic_teams").await, 2);
    assert_eq!(
        count("select count(*) from organizations where kind = 'clinic'").await,
        6
    );
    assert_eq!(
        count("select count(*) from staff where role = 'physician'").await,
        8
    );
    assert_eq!(
        count("select count(*) from organizations where kind = 'nurse_station'").await,
        4
    );
    assert_eq!(
        count("select count(*) from organizations where kind = 'hospital'").await,
        1
    );
    assert_eq!(count("select count(*) from patients").await, 40);
    assert_eq!(
        count("select count(*) from patients where latitude is null or attending_physician_id is null or nurse_station_id is null").await,
        0
    );
    assert!(count("select count(*) from family_contacts").await >= 40);
}

// --- issue 8: card ---

/// A physician other than the attending, to stand in for her.
async fn stand_in(pool: &PgPool) -> (uuid::Uuid, String, String) {
    sqlx::query_as(
        "select s.id, s.family_name || ' ' || s.given_name, s.phone from staff s
          where s.role = 'physician' and s.disabled_at is null
            and s.id <> (select attending_physician_id from patients where id = $1)
          order by s.login_id limit 1",
    )
    .bind(DEMO_PATIENT_1)
    .fetch_one(pool)
    .await
    .unwrap()
}

fn tel(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("href=\"tel:{digits}\"")
}

/// The `<a data-testid="attending-call" …>` element of the card.
fn first_call_link(html: &str) -> &str {
    let start = html
        .find("data-testid=\"attending-call\"")
        .expect("a first-call button");
    let tag_start = html[..start].rfind('<').unwrap();
    let end = start + html[start..].find('>').unwrap();
    &html[tag_start..=end]
}

#[sqlx::test(migrations = "../migrations")]
async fn the_first_call_button_dials_the_stand_in_while_the_attending_is_away(pool: PgPool) {
    let app = spawn_app(pool.clone())
        .await
        .signed_in_as(NURSE_OF_PATIENT_1)
        .await;
    let card = format!("/patients/{DEMO_PATIENT_1}/night-card");
    let (attending_id, attending_name, attending_phone): (uuid::Uuid, String, String) =
        sqlx::query_as(
            "select s.id, s.family_name || ' ' || s.given_name, s.phone
               from staff s join patients p on p.attending_physician_id = s.id where p.id = $1",
        )
        .bind(DEMO_PATIENT_1)
        .fetch_one(&pool)
        .await
        .unwrap();

    // At work: the button dials her.
    let (status, html) = app.get(&card).await;
    assert_eq!(status, 200);
    assert!(
        first_call_link(&html).contains(&tel(&attending_phone)),
        "{}",
        first_call_link(&html)
    );

    // A conference absence covering now, with a stand-in.
    let (sub_id, sub_name, sub_phone) = stand_in(&pool).await;
    sqlx::query(
        "insert into planned_absences (id, staff_id, starts_at, ends_at, reason, substitute_id)
         values ($1, $2, now() - interval '2 hours', now() + interval '10 hours', '学会', $3)",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(attending_id)
    .bind(sub_id)
    .execute(&pool)
    .await
    .unwrap();
    let (status, html) = app.get(&card).await;
    assert_eq!(status, 200);
    let link = first_call_link(&html);
    assert!(
        link.contains(&tel(&sub_phone)),
        "dials the stand-in: {link}"
    );
    assert!(
        !link.contains(&tel(&attending_phone)),
        "not the absent attending: {link}"
    );
    assert!(
        html.contains(&format!("主治医 {attending_name}は学会のため不在")),
        "says why"
    );
    assert!(html.contains(&format!("→ 代理医 {sub_name}")), "says who");
    // The rest of the call list stays, the attending's row included.
    assert!(
        html.contains(&tel(&attending_phone)),
        "the call list keeps her"
    );
}

/// The `read_card` audit rows about `patient`: (login, outcome, has a
/// session hash), oldest first.
async fn card_reads(pool: &PgPool, patient: uuid::Uuid) -> Vec<(String, String, bool)> {
    sqlx::query_as::<_, (String, String, bool)>(
        "select s.login_id, a.outcome, a.session_hash is not null
           from audit_log a join staff s on s.id = a.staff_id
          where a.patient_id = $1 and a.action = 'read_card' order by a.id",
    )
    .bind(patient)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn each_card_page_view_is_one_audited_read_of_that_patient(pool: PgPool) {
    // The page asks for the card and, in its path section, for the
    // escalation path: one request, one read, one audit row.
    let app = spawn_app(pool.clone())
        .await
        .signed_in_as(NURSE_OF_PATIENT_1)
        .await;
    for views in 1..=2 {
        let (status, html) = app
            .get(&format!("/patients/{DEMO_PATIENT_1}/night-card"))
            .await;
        assert_eq!(status, 200);
        assert!(html.contains("山田 花子"), "the card of the address");
        assert!(html.contains("data-testid=\"start-call\""), "path section");
        let rows = card_reads(&pool, DEMO_PATIENT_1).await;
        assert_eq!(
            rows,
            vec![(NURSE_OF_PATIENT_1.to_owned(), "allowed".to_owned(), true); views],
            "after {views} views"
        );
    }
    // The server function alone (a hydrated navigation) is audited too.
    let response = app
        .post_form(
            "/api/night_card",
            &[("patient_id", &DEMO_PATIENT_1.to_string())],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(card_reads(&pool, DEMO_PATIENT_1).await.len(), 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_card_page_shows_only_the_patient_of_its_address(pool: PgPool) {
    // Two patients of the same station read one after the other by the
    // same session: each page holds its own patient's name only, and each
    // read is audited against its own patient.
    let app = spawn_app(pool.clone())
        .await
        .signed_in_as(NURSE_OF_PATIENT_1)
        .await;
    let names: Vec<(uuid::Uuid, String)> = sqlx::query_as(
        "select p.id, p.family_name || ' ' || p.given_name
           from patients p join staff s on s.organization_id = p.nurse_station_id
          where s.login_id = $1 order by p.id limit 3",
    )
    .bind(NURSE_OF_PATIENT_1)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(names.len() >= 2, "the demo station has several patients");
    for (id, name) in &names {
        let (status, html) = app.get(&format!("/patients/{id}/night-card")).await;
        assert_eq!(status, 200, "{name}");
        assert!(html.contains(name.as_str()), "{name}'s own card");
        for (other, other_name) in &names {
            if other != id && other_name != name {
                assert!(
                    !html.contains(other_name.as_str()),
                    "{name}: no {other_name}"
                );
            }
        }
        assert_eq!(card_reads(&pool, *id).await.len(), 1, "{name}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refused_card_page_is_one_denied_audit_row(pool: PgPool) {
    // nurse3 works at another station: the page is a 403, audited once.
    let app = spawn_app(pool.clone()).await.signed_in_as("nurse3").await;
    let (status, html) = app
        .get(&format!("/patients/{DEMO_PATIENT_1}/night-card"))
        .await;
    assert_eq!(status, 403);
    assert!(!html.contains("山田 花子"), "no data of the refused card");
    assert_eq!(
        card_reads(&pool, DEMO_PATIENT_1).await,
        vec![("nurse3".to_owned(), "denied".to_owned(), true)]
    );
}
