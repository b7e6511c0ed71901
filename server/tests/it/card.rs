//! The night card in full (issue #4), over HTTP against real PostgreSQL:
//! concurrent edits, flags for expired orders and stale sections, search,
//! bad input, rare characters, history, and the SQL helpers the search
//! relies on.

use crate::common::{spawn_app, TestApp};
use server::demo::{
    demo_patient_id, DEMO_EXPIRED_ORDER_PATIENT, DEMO_FAMILY_PHONE_OF_PATIENT_1,
    DEMO_NO_WISHES_PATIENTS, DEMO_PATIENT_1, DEMO_STALE_PATIENT,
};
use sqlx::PgPool;
use uuid::Uuid;

/// 山田 花子's attending physician (桜井 真理子, さくら町在宅クリニック).
const ATTENDING_OF_PATIENT_1: &str = "doctor3";
/// A visiting nurse of 山田 花子's station.
const NURSE_OF_PATIENT_1: &str = "nurse1";

/// A nurse of patient `n`'s station.
async fn nurse_of(pool: &PgPool, n: u32) -> String {
    sqlx::query_scalar(
        "select s.login_id from staff s join patients p on p.nurse_station_id = s.organization_id
          where p.id = $1 and s.role = 'nurse' order by s.login_id limit 1",
    )
    .bind(demo_patient_id(n))
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn signed_in(pool: &PgPool, login: &str) -> TestApp {
    spawn_app(pool.clone()).await.signed_in_as(login).await
}

async fn card_json(app: &TestApp, patient: Uuid) -> serde_json::Value {
    let response = app
        .post_form("/api/night_card", &[("patient_id", &patient.to_string())])
        .await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.unwrap()
}

fn wishes_form(patient: Uuid, version: i64, decided_by: &str) -> Vec<(&'static str, String)> {
    let decided_on = (chrono::Utc::now().date_naive() - chrono::Duration::days(3)).to_string();
    vec![
        ("patient_id", patient.to_string()),
        ("version", version.to_string()),
        ("resuscitation", "dnar".into()),
        ("place_of_care", "home".into()),
        ("place_of_death", "home".into()),
        ("death_at_home_expected", "on".into()),
        ("transport", "not_wanted".into()),
        ("decided_by", decided_by.into()),
        ("decided_on", decided_on),
        ("document_note", String::new()),
        ("notes", String::new()),
    ]
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Posts a form as a browser without JavaScript would (Accept: text/html).
async fn post_as_browser(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("cookie", app.session.clone().unwrap_or_default())
        .header("accept", "text/html")
        .form(form)
        .send()
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_second_save_of_the_same_version_is_a_conflict_and_nothing_is_lost(pool: PgPool) {
    let nurse = signed_in(&pool, NURSE_OF_PATIENT_1).await;
    let doctor = signed_in(&pool, ATTENDING_OF_PATIENT_1).await;
    let card = card_json(&doctor, DEMO_PATIENT_1).await;
    let version = card["wishes"]["version"].as_i64().unwrap();

    // Both opened the form at the same version; the nurse saves first.
    let first = nurse
        .post_form(
            "/api/card_save_wishes",
            &pairs(&wishes_form(
                DEMO_PATIENT_1,
                version,
                "本人・長女 (夜間に再確認)",
            )),
        )
        .await;
    assert_eq!(first.status().as_u16(), 200);
    let second = doctor
        .post_form(
            "/api/card_save_wishes",
            &pairs(&wishes_form(DEMO_PATIENT_1, version, "主治医 桜井の記載")),
        )
        .await;
    assert_eq!(second.status().as_u16(), 409);
    assert_eq!(second.text().await.unwrap(), "\"Conflict\"");

    // The first save stands; the replaced version is in the history.
    let (decided_by, now_version, by): (String, i32, String) = sqlx::query_as(
        "select w.decided_by, w.version, s.login_id from acp_wishes w
           join staff s on s.id = w.updated_by where w.patient_id = $1",
    )
    .bind(DEMO_PATIENT_1)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(decided_by, "本人・長女 (夜間に再確認)");
    assert_eq!(i64::from(now_version), version + 1);
    assert_eq!(by, NURSE_OF_PATIENT_1);
    let history: Vec<(i32, String)> = sqlx::query_as(
        "select version, row_data ->> 'decided_by' from card_history
          where table_name = 'acp_wishes' and row_id = $1 order by id",
    )
    .bind(DEMO_PATIENT_1)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        history.len(),
        1,
        "one superseded version, none for the refused save"
    );
    assert_eq!(i64::from(history[0].0), version);
    assert_ne!(history[0].1, "主治医 桜井の記載");

    // Without JavaScript the conflict goes back to the form with the input.
    let response = post_as_browser(
        &doctor,
        "/api/card_save_wishes",
        &pairs(&wishes_form(DEMO_PATIENT_1, version, "主治医 桜井の記載")),
    )
    .await;
    assert_eq!(response.status().as_u16(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    // Issue 8: the input is kept on the server, never in the URL.
    assert_eq!(
        location,
        format!("/patients/{DEMO_PATIENT_1}/edit#wishes"),
        "{location}"
    );
    let (status, html) = doctor.get(&location).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("ほかの人が先に保存しました"),
        "the conflict is explained"
    );
    assert!(html.contains("主治医 桜井の記載"), "the typed text is kept");
    assert!(
        html.contains(&format!("name=\"version\" value=\"{}\"", version + 1)),
        "the form now carries the latest version"
    );

    // Saving again on the latest version works.
    let third = doctor
        .post_form(
            "/api/card_save_wishes",
            &pairs(&wishes_form(
                DEMO_PATIENT_1,
                version + 1,
                "主治医 桜井の記載",
            )),
        )
        .await;
    assert_eq!(third.status().as_u16(), 200);
    let card = card_json(&doctor, DEMO_PATIENT_1).await;
    assert_eq!(card["wishes"]["decided_by"], "主治医 桜井の記載");
    assert_eq!(card["wishes"]["updated"]["by"], "桜井 真理子");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_sudden_change_orders_are_edited_with_history(pool: PgPool) {
    let doctor = signed_in(&pool, ATTENDING_OF_PATIENT_1).await;
    let card = card_json(&doctor, DEMO_PATIENT_1).await;
    let order = &card["nursing_order"];
    let old_text = order["on_sudden_change"].as_str().unwrap().to_owned();
    let version = order["version"].as_i64().unwrap().to_string();
    let order_id = order["id"].as_str().unwrap().to_owned();
    let id = DEMO_PATIENT_1.to_string();
    let text = "SpO2 90%未満が続くときは酸素3L/分まで増量し主治医へ連絡。\n心肺停止時は蘇生せず主治医へ連絡。";
    let saved = doctor
        .post_form(
            "/api/card_save_sudden_change",
            &[
                ("patient_id", &id),
                ("order_id", &order_id),
                ("version", &version),
                ("on_sudden_change", text),
            ],
        )
        .await;
    assert_eq!(saved.status().as_u16(), 200);
    assert_eq!(
        saved.headers()["location"].to_str().unwrap(),
        format!("/patients/{id}/night-card?saved=sudden-change")
    );
    let (_, html) = doctor.get(&format!("/patients/{id}/night-card")).await;
    assert!(html.contains("SpO2 90%未満が続くときは酸素3L/分まで増量し主治医へ連絡。"));
    let old: String = sqlx::query_scalar(
        "select row_data ->> 'on_sudden_change' from card_history
          where table_name = 'nursing_orders' and row_id = $1::uuid",
    )
    .bind(&order_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(old, old_text, "the old text is kept, not overwritten");

    // Someone else's order cannot be edited through this patient.
    let other_order: Uuid =
        sqlx::query_scalar("select id from nursing_orders where patient_id = $1")
            .bind(demo_patient_id(2))
            .fetch_one(&pool)
            .await
            .unwrap();
    let forged = doctor
        .post_form(
            "/api/card_save_sudden_change",
            &[
                ("patient_id", &id),
                ("order_id", &other_order.to_string()),
                ("version", "1"),
                ("on_sudden_change", "書き換え"),
            ],
        )
        .await;
    assert_eq!(forged.status().as_u16(), 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_expired_order_and_stale_sections_are_flagged(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    let cases = [
        // (patient, order expired, stale flags expected, wishes missing)
        (1, false, false, false),
        // Its as-needed orders are as old as the expired order: stale too.
        (DEMO_EXPIRED_ORDER_PATIENT, true, true, false),
        (DEMO_STALE_PATIENT, false, true, false),
        (DEMO_NO_WISHES_PATIENTS[0], false, false, true),
    ];
    for (n, expired, stale, no_wishes) in cases {
        let app = signed_in(&pool, &nurse_of(&pool, n).await).await;
        let (status, html) = app
            .get(&format!("/patients/{}/night-card", demo_patient_id(n)))
            .await;
        assert_eq!(status, 200, "patient {n}");
        assert_eq!(
            html.contains("data-status=\"expired\""),
            expired,
            "patient {n}"
        );
        assert_eq!(html.contains("指示書の期限切れ"), expired, "patient {n}");
        assert_eq!(
            html.contains("data-testid=\"stale-flag\""),
            stale,
            "patient {n}"
        );
        assert_eq!(html.contains("要確認"), stale, "patient {n}");
        assert_eq!(
            html.contains("data-testid=\"wishes-missing\""),
            no_wishes,
            "patient {n}"
        );
    }
    // The stale patient's wishes were decided 400 days ago, its medicines
    // last changed 120 days ago, its way in 500 days ago.
    let app = signed_in(&pool, &nurse_of(&pool, DEMO_STALE_PATIENT).await).await;
    let (_, html) = app
        .get(&format!(
            "/patients/{}/night-card",
            demo_patient_id(DEMO_STALE_PATIENT)
        ))
        .await;
    assert!(html.contains("要確認: 決定から400日"));
    assert!(html.contains("要確認: 120日間更新なし"));
    assert!(html.contains("要確認: 500日間更新なし"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_card_shows_every_section_on_the_server_rendered_page(pool: PgPool) {
    let app = signed_in(&pool, NURSE_OF_PATIENT_1).await;
    let (status, html) = app
        .get(&format!("/patients/{DEMO_PATIENT_1}/night-card"))
        .await;
    assert_eq!(status, 200);
    for expected in [
        "data-testid=\"banner-dnar\"",
        "DNAR 心肺蘇生を行わない",
        "在宅での看取り予定",
        "救急搬送を希望しない",
        "休日・夜間の急変時の対応",
        "38.5℃以上の発熱",
        "キーボックス",
        "ケアマネジャー",
        "ロキソプロフェン",
        "在宅酸素",
        "1.5 L/分",
        "頓用",
        "慢性心不全",
        "経過記録",
        "data:image/png;base64,",
        "href=\"tel:0552647720\"",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    // Sections in the order of the night: identity (with DNAR), actions,
    // the orders for a sudden change, wishes, way in, calls, clinical,
    // timeline.
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("{needle}"));
    let order = [
        at("data-testid=\"patient-name\""),
        at("data-testid=\"banner-dnar\""),
        at("data-testid=\"route-link\""),
        at("data-testid=\"attending-call\""),
        at("id=\"orders\""),
        at("id=\"wishes\""),
        at("id=\"way-in\""),
        at("id=\"calls\""),
        at("id=\"clinical\""),
        at("id=\"timeline\""),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // Editors get the edit links; the edit page holds the forms.
    assert!(html.contains(&format!("/patients/{DEMO_PATIENT_1}/edit#wishes")));
    let (status, edit) = app.get(&format!("/patients/{DEMO_PATIENT_1}/edit")).await;
    assert_eq!(status, 200);
    for form in [
        "wishes-form",
        "way-in-form",
        "care-manager-form",
        "note-form",
    ] {
        assert!(edit.contains(form), "{form}");
    }
    // The physician's orders and the identity are not the nurse's to
    // change (issue 8): those forms are not offered to her.
    for form in ["sudden-change-form", "identity-form"] {
        assert!(!edit.contains(form), "{form}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_covering_doctor_reads_the_card_but_gets_no_forms(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    // A physician of another clinic in 山田 花子's clinic team, with the
    // family's consent: reads, does not edit.
    let covering: String = sqlx::query_scalar(
        "select s.login_id from staff s
           join clinic_team_members t on t.organization_id = s.organization_id
           join patients p on p.clinic_team_id = t.team_id and p.id = $1
          where s.role = 'physician'
            and s.organization_id <> (select organization_id from staff where id = p.attending_physician_id)
            and not exists (select 1 from care_team_members m where m.patient_id = p.id and m.staff_id = s.id)
          order by s.login_id limit 1",
    )
    .bind(DEMO_PATIENT_1)
    .fetch_one(&pool)
    .await
    .unwrap();
    let app = signed_in(&pool, &covering).await;
    let (status, html) = app
        .get(&format!("/patients/{DEMO_PATIENT_1}/night-card"))
        .await;
    assert_eq!(status, 200);
    assert!(!html.contains("class=\"edit-link\""), "no edit links");
    let (status, html) = app.get(&format!("/patients/{DEMO_PATIENT_1}/edit")).await;
    assert_eq!(status, 403);
    assert!(html.contains("閲覧の権限がありません"));
}

#[sqlx::test(migrations = "../migrations")]
async fn search_tells_the_two_sato_hanako_apart(pool: PgPool) {
    // nurse1's station visits both 佐藤 花子 (patient 3 has two stations).
    let app = signed_in(&pool, NURSE_OF_PATIENT_1).await;
    for q in ["佐藤花子", "佐藤 花子", "さとう　はなこ", "サトウハナコ"] {
        let found: serde_json::Value = app
            .post_form("/api/search_patients", &[("q", q)])
            .await
            .json()
            .await
            .unwrap();
        let hits = found["hits"].as_array().unwrap();
        let ids: Vec<&str> = hits.iter().map(|h| h["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            [
                demo_patient_id(2).to_string(),
                demo_patient_id(3).to_string()
            ],
            "{q}"
        );
        // Same name and kana; told apart by birth date, address and station.
        assert_eq!(hits[0]["name"], hits[1]["name"]);
        assert_eq!(hits[0]["name_kana"], hits[1]["name_kana"]);
        for field in ["birth_date", "address", "station", "age"] {
            assert_ne!(hits[0][field], hits[1][field], "{q}: {field}");
        }
    }
    // The page, without JavaScript: a GET form, results rendered on the server.
    let (status, html) = app.get("/?q=%E4%BD%90%E8%97%A4%20%E8%8A%B1%E5%AD%90").await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("data-testid=\"search-hit\"").count(), 2);
    for expected in [
        "1931-08-03 (昭和6年)",
        "1942-11-20 (昭和17年)",
        "緑ヶ丘1丁目8-21",
        "東新町3丁目2-15 グリーンコート東新町 502",
        "訪問看護ステーションみどり",
        "訪問看護ステーションひまわり",
        "value=\"佐藤 花子\"",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn search_by_the_calling_number_ignores_how_it_is_written(pool: PgPool) {
    let app = signed_in(&pool, NURSE_OF_PATIENT_1).await;
    assert_eq!(DEMO_FAMILY_PHONE_OF_PATIENT_1, "080-4127-9035");
    for q in [
        "080-4127-9035",
        "08041279035",
        "080 4127 9035",
        "０８０－４１２７－９０３５",
        "+81 80-4127-9035",
        "4127-9035",
    ] {
        let found: serde_json::Value = app
            .post_form("/api/search_patients", &[("q", q)])
            .await
            .json()
            .await
            .unwrap();
        let hits = found["hits"].as_array().unwrap();
        assert_eq!(hits.len(), 1, "{q}: {found}");
        assert_eq!(hits[0]["id"], DEMO_PATIENT_1.to_string(), "{q}");
        assert_eq!(hits[0]["via_contact"], "長女 高野 恵子", "{q}");
    }
    // By address.
    let found: serde_json::Value = app
        .post_form("/api/search_patients", &[("q", "桜町2丁目14")])
        .await
        .json()
        .await
        .unwrap();
    assert!(found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["id"] == DEMO_PATIENT_1.to_string()));
    // Too short, and audited searches.
    let short = app.post_form("/api/search_patients", &[("q", "佐")]).await;
    assert_eq!(short.status().as_u16(), 400);
    assert_eq!(short.text().await.unwrap(), r#"{"Invalid":"q:too_short"}"#);
    let (status, html) = app.get("/?q=%E4%BD%90").await;
    assert_eq!(status, 400);
    assert!(html.contains("2文字以上"));
    let audited: Vec<String> = sqlx::query_scalar(
        "select detail from audit_log where action = 'search_patients' order by id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audited.len(), 7);
    assert!(audited[1].contains("digits=\"08041279035\""), "{audited:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn search_never_shows_patients_the_user_may_not_open(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    let outsider: String = sqlx::query_scalar(
        "select s.login_id from staff s join patients p on p.id = $1
          where s.role = 'nurse' and s.organization_id <> p.nurse_station_id
          order by s.login_id limit 1",
    )
    .bind(DEMO_PATIENT_1)
    .fetch_one(&pool)
    .await
    .unwrap();
    for login in [outsider.as_str(), "coordinator", "admin"] {
        let app = signed_in(&pool, login).await;
        for q in ["山田花子", DEMO_FAMILY_PHONE_OF_PATIENT_1] {
            let found: serde_json::Value = app
                .post_form("/api/search_patients", &[("q", q)])
                .await
                .json()
                .await
                .unwrap();
            assert!(
                found["hits"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|h| h["id"] != DEMO_PATIENT_1.to_string()),
                "{login} must not find 山田 花子 by {q}"
            );
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_is_refused_with_a_reason_and_nothing_is_written(pool: PgPool) {
    // The attending physician: she may use every form, identity included
    // (issue 8), so only the input can be refused here.
    let app = signed_in(&pool, ATTENDING_OF_PATIENT_1).await;
    let card = card_json(&app, DEMO_PATIENT_1).await;
    let id = DEMO_PATIENT_1.to_string();
    let patient_version = card["version"].as_i64().unwrap().to_string();
    let way_in_version = card["way_in"]["version"].as_i64().unwrap().to_string();
    let cm_version = card["care_manager"]["version"]
        .as_i64()
        .unwrap()
        .to_string();
    let long_note = "あ".repeat(10_000);
    let identity = |birth: &'static str, kana: &'static str| {
        vec![
            ("patient_id", id.clone()),
            ("version", patient_version.clone()),
            ("family_name", "山田".to_owned()),
            ("given_name", "花子".to_owned()),
            ("family_name_kana", kana.to_owned()),
            ("given_name_kana", "ハナコ".to_owned()),
            ("birth_date", birth.to_owned()),
            ("sex", "female".to_owned()),
        ]
    };
    let care_manager = |phone: &'static str| {
        vec![
            ("patient_id", id.clone()),
            ("version", cm_version.clone()),
            ("name", "小池 由美".to_owned()),
            ("office", String::new()),
            ("phone", phone.to_owned()),
        ]
    };
    let note = |text: &str| vec![("patient_id", id.clone()), ("note", text.to_owned())];
    let way_in = |landmark: &str| {
        vec![
            ("patient_id", id.clone()),
            ("version", way_in_version.clone()),
            ("landmark", landmark.to_owned()),
            ("entrance", String::new()),
            ("key_box", String::new()),
            ("parking", String::new()),
            ("pets", String::new()),
        ]
    };
    let mut bad_wishes = wishes_form(
        DEMO_PATIENT_1,
        card["wishes"]["version"].as_i64().unwrap(),
        "本人",
    );
    bad_wishes[2].1 = "CPR".into();
    let cases = [
        (
            "/api/card_save_identity",
            identity("1937-02-30", "ヤマダ"),
            "birth_date:impossible_date",
        ),
        (
            "/api/card_save_identity",
            identity("2999-01-01", "ヤマダ"),
            "birth_date:future_date",
        ),
        (
            "/api/card_save_identity",
            identity("1937-04-12", "山田"),
            "family_name_kana:not_kana",
        ),
        (
            "/api/card_save_care_manager",
            care_manager("090-12ab-5678"),
            "phone:letters",
        ),
        (
            "/api/card_save_care_manager",
            care_manager("090-1234"),
            "phone:bad_phone",
        ),
        ("/api/card_add_note", note(&long_note), "note:too_long:2000"),
        (
            "/api/card_add_note",
            note("鍵は\u{7}ポストの中"),
            "note:control_characters",
        ),
        ("/api/card_add_note", note("   "), "note:empty"),
        (
            "/api/card_save_way_in",
            way_in("郵便局\u{0}の向かい"),
            "landmark:control_characters",
        ),
        (
            "/api/card_save_wishes",
            bad_wishes,
            "resuscitation:not_a_choice",
        ),
    ];
    let snapshot = |pool: PgPool| async move {
        sqlx::query_as::<_, (i64, i64, i32, String)>(
            "select (select count(*) from timeline_entries), (select count(*) from card_history),
                    (select version from patients where id = $1),
                    (select phone from care_managers where patient_id = $1)",
        )
        .bind(DEMO_PATIENT_1)
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let before = snapshot(pool.clone()).await;
    for (path, form, code) in &cases {
        let response = app.post_form(path, &pairs(form)).await;
        assert_eq!(response.status().as_u16(), 400, "{path} {code}");
        assert_eq!(
            response.text().await.unwrap(),
            format!("{{\"Invalid\":\"{code}\"}}"),
            "{path}"
        );
    }
    assert_eq!(snapshot(pool.clone()).await, before, "nothing written");

    // Without JavaScript: back to the form, with the reason in Japanese and
    // the input kept.
    let response = post_as_browser(
        &app,
        "/api/card_save_identity",
        &pairs(&identity("1937-02-30", "ヤマダ")),
    )
    .await;
    assert_eq!(response.status().as_u16(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = app.get(&location).await;
    assert!(
        html.contains("生年月日: 存在しない日付です。"),
        "translated reason"
    );
    assert!(html.contains("value=\"1937-02-30\""), "input kept");
    let response = post_as_browser(
        &app,
        "/api/card_save_care_manager",
        &pairs(&care_manager("090-12ab-5678")),
    )
    .await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = app.get(&location).await;
    assert!(html.contains("電話番号: 電話番号に文字が含まれています。"));
}

#[sqlx::test(migrations = "../migrations")]
async fn rare_kanji_and_emoji_are_stored_and_shown_exactly(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    let n = 12;
    let patient = demo_patient_id(n);
    let app = signed_in(&pool, &nurse_of(&pool, n).await).await;
    let card = card_json(&app, patient).await;
    let id = patient.to_string();
    // Identity is the attending clinic's to correct (issue 8).
    let attending: String = sqlx::query_scalar(
        "select s.login_id from staff s join patients p on p.attending_physician_id = s.id
          where p.id = $1",
    )
    .bind(patient)
    .fetch_one(&pool)
    .await
    .unwrap();
    let doctor = signed_in(&pool, &attending).await;
    let saved = doctor
        .post_form(
            "/api/card_save_identity",
            &[
                ("patient_id", &id),
                ("version", &card["version"].to_string()),
                ("family_name", "𠮷野"),
                ("given_name", "𠀋子"),
                ("family_name_kana", "よしの"),
                ("given_name_kana", "ジョウコ"),
                ("birth_date", "昭和15年3月3日"),
                ("sex", "female"),
            ],
        )
        .await;
    assert_eq!(
        saved.status().as_u16(),
        200,
        "{}",
        saved.text().await.unwrap()
    );
    let note = "𠮷野さん宅の裏口 🏠🔑 インターホン故障中 👉 ノック";
    let key_box = "🔑 物置の左 ‼ 番号は鍵台帳";
    assert_eq!(
        app.post_form("/api/card_add_note", &[("patient_id", &id), ("note", note)])
            .await
            .status()
            .as_u16(),
        200
    );
    let way_in = &card["way_in"];
    assert_eq!(
        app.post_form(
            "/api/card_save_way_in",
            &[
                ("patient_id", &id),
                ("version", &way_in["version"].to_string()),
                ("landmark", card["address"]["landmark"].as_str().unwrap()),
                ("entrance", ""),
                ("key_box", key_box),
                ("parking", ""),
                ("pets", ""),
            ],
        )
        .await
        .status()
        .as_u16(),
        200
    );
    let (family, kana, born, stored_note, stored_key_box): (
        String,
        String,
        chrono::NaiveDate,
        String,
        String,
    ) = sqlx::query_as(
        "select p.family_name, p.family_name_kana, p.birth_date,
                    (select body from timeline_entries where patient_id = p.id
                      order by occurred_at desc limit 1),
                    (select key_box from home_access where patient_id = p.id)
               from patients p where p.id = $1",
    )
    .bind(patient)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(family, "𠮷野");
    assert_eq!(kana, "ヨシノ", "hiragana kana is stored as katakana");
    assert_eq!(born, chrono::NaiveDate::from_ymd_opt(1940, 3, 3).unwrap());
    assert_eq!(stored_note.as_bytes(), note.as_bytes());
    assert_eq!(stored_key_box.as_bytes(), key_box.as_bytes());
    let (_, html) = app.get(&format!("/patients/{id}/night-card")).await;
    for exact in ["𠮷野 𠀋子", note, key_box, "昭和15年"] {
        assert!(html.contains(exact), "{exact}");
    }
    // And the search finds the new name, the kana and the kanji.
    for q in ["𠮷野", "よしの"] {
        let found: serde_json::Value = app
            .post_form("/api/search_patients", &[("q", q)])
            .await
            .json()
            .await
            .unwrap();
        assert!(
            found["hits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["id"] == id),
            "{q}: {found}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn every_version_is_kept_with_who_and_when(pool: PgPool) {
    let nurse = signed_in(&pool, NURSE_OF_PATIENT_1).await;
    let doctor = signed_in(&pool, ATTENDING_OF_PATIENT_1).await;
    let id = DEMO_PATIENT_1.to_string();
    for (app, key_box) in [(&nurse, "物置の左"), (&doctor, "門扉の内側")] {
        let card = card_json(app, DEMO_PATIENT_1).await;
        let response = app
            .post_form(
                "/api/card_save_way_in",
                &[
                    ("patient_id", &id),
                    ("version", &card["way_in"]["version"].to_string()),
                    ("landmark", "郵便局の向かい"),
                    ("entrance", ""),
                    ("key_box", key_box),
                    ("parking", ""),
                    ("pets", ""),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 200);
    }
    let history: Vec<(i32, String, Option<String>)> = sqlx::query_as(
        "select h.version, h.row_data ->> 'key_box', s.login_id
           from card_history h left join staff s on s.id = h.superseded_by
          where h.table_name = 'home_access' and h.row_id = $1 order by h.id",
    )
    .bind(DEMO_PATIENT_1)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].0 + 1, history[1].0, "consecutive versions");
    assert_eq!(history[1].1, "物置の左");
    assert_eq!(history[0].2.as_deref(), Some(NURSE_OF_PATIENT_1));
    assert_eq!(history[1].2.as_deref(), Some(ATTENDING_OF_PATIENT_1));
    // History is append-only, and timeline notes are never rewritten.
    assert!(sqlx::query("delete from card_history")
        .execute(&pool)
        .await
        .is_err());
    assert!(sqlx::query("update timeline_entries set body = 'x'")
        .execute(&pool)
        .await
        .is_err());
}

#[sqlx::test(migrations = "../migrations")]
async fn the_database_folds_text_and_phone_numbers_like_the_rust_side(pool: PgPool) {
    use app::domain::search::{normalize, phone_digits};
    for s in [
        "佐藤 花子",
        "さとう　はなこ",
        "ヴィクトリア",
        "ＡＢＣ１２３－ｘｙｚ",
        "ぁゖゔ",
        "𠮷野🏠",
        "桜町2丁目14-3 サンハイツ桜町",
    ] {
        let db: String = sqlx::query_scalar("select nc_search_norm($1)")
            .bind(s)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(db, normalize(s), "{s}");
    }
    for s in [
        "090-1234-5678",
        "０９０ １２３４ ５６７８",
        "+81 90-1234-5678",
        "(055) 222-1111",
    ] {
        let db: String = sqlx::query_scalar("select nc_phone_digits($1)")
            .bind(s)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(db, phone_digits(s), "{s}");
    }
    let bigrams: Vec<String> =
        sqlx::query_scalar("select unnest(nc_bigrams('佐藤花子')) order by 1")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(bigrams, ["佐藤", "花子", "藤花"]);
}

// --- issue 8: card ---

/// The current nursing order of patient 1: id, version, text.
async fn order_of_patient_1(pool: &PgPool) -> (Uuid, i32, String) {
    sqlx::query_as(
        "select id, version, on_sudden_change from nursing_orders where patient_id = $1
          order by valid_from desc limit 1",
    )
    .bind(DEMO_PATIENT_1)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_nurse_cannot_change_the_sudden_change_orders(pool: PgPool) {
    let nurse = signed_in(&pool, NURSE_OF_PATIENT_1).await;
    let (order, version, text) = order_of_patient_1(&pool).await;
    let history_before: i64 = sqlx::query_scalar("select count(*) from card_history")
        .fetch_one(&pool)
        .await
        .unwrap();
    let id = DEMO_PATIENT_1.to_string();
    let response = nurse
        .post_form(
            "/api/card_save_sudden_change",
            &[
                ("patient_id", id.as_str()),
                ("order_id", &order.to_string()),
                ("version", &version.to_string()),
                ("on_sudden_change", "急変時は様子を見る。"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(response.text().await.unwrap(), "\"Forbidden\"");
    assert_eq!(
        order_of_patient_1(&pool).await,
        (order, version, text),
        "nothing changed"
    );
    let history_after: i64 = sqlx::query_scalar("select count(*) from card_history")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(history_after, history_before);
    // The form is not offered to her, and the card has no edit link for it.
    let (status, html) = nurse.get(&format!("/patients/{id}/edit")).await;
    assert_eq!(status, 200);
    assert!(!html.contains("data-testid=\"sudden-change-form\""));
    assert!(html.contains("急変時の対応は主治医・副主治医の医師だけが変更できます。"));
    let (_, card) = nurse.get(&format!("/patients/{id}/night-card")).await;
    assert!(!card.contains(&format!("/patients/{id}/edit#sudden-change")));
    // Without JavaScript the refusal is a translated sentence.
    let response = post_as_browser(
        &nurse,
        "/api/card_save_sudden_change",
        &[
            ("patient_id", id.as_str()),
            ("order_id", &order.to_string()),
            ("version", &version.to_string()),
            ("on_sudden_change", "急変時は様子を見る。"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(!location.contains('?'), "{location}");
    assert_eq!(order_of_patient_1(&pool).await.1, version);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_physician_of_the_seat_changes_the_orders_and_the_card_names_him(pool: PgPool) {
    let doctor = signed_in(&pool, ATTENDING_OF_PATIENT_1).await;
    let (order, version, _) = order_of_patient_1(&pool).await;
    let id = DEMO_PATIENT_1.to_string();
    // Make the text in force someone else's: a nurse wrote it (as the old
    // code allowed), so the card must name her, not the issuing physician.
    sqlx::query(
        "update nursing_orders set on_sudden_change = '看護師が書いた文面',
                updated_by = (select id from staff where login_id = $2)
          where id = $1",
    )
    .bind(order)
    .bind(NURSE_OF_PATIENT_1)
    .execute(&pool)
    .await
    .unwrap();
    let nurse_name: String = sqlx::query_scalar(
        "select family_name || ' ' || given_name from staff where login_id = $1",
    )
    .bind(NURSE_OF_PATIENT_1)
    .fetch_one(&pool)
    .await
    .unwrap();
    let (_, html) = doctor.get(&format!("/patients/{id}/night-card")).await;
    assert!(
        html.contains(&format!("この文面の最終変更: {nurse_name} (看護師)")),
        "the card names who wrote the text"
    );

    let response = doctor
        .post_form(
            "/api/card_save_sudden_change",
            &[
                ("patient_id", id.as_str()),
                ("order_id", &order.to_string()),
                ("version", &(version + 1).to_string()),
                (
                    "on_sudden_change",
                    "呼吸苦時は酸素2L/分へ増量し主治医へ連絡。",
                ),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let (_, html) = doctor.get(&format!("/patients/{id}/night-card")).await;
    assert!(html.contains("呼吸苦時は酸素2L/分へ増量し主治医へ連絡。"));
    assert!(
        html.contains("この文面の最終変更: 桜井 真理子 (医師)"),
        "the card names him"
    );
    let (_, edit) = doctor.get(&format!("/patients/{id}/edit")).await;
    assert!(edit.contains("data-testid=\"sudden-change-form\""));
    let audit: Vec<String> = sqlx::query_scalar(
        "select a.outcome from audit_log a join staff s on s.id = a.staff_id
          where s.login_id = $1 and a.action = 'edit_orders' order by a.id",
    )
    .bind(ATTENDING_OF_PATIENT_1)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audit, ["allowed", "done"]);
}

fn identity_form(
    patient: Uuid,
    version: i32,
    given: &str,
    born: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("patient_id", patient.to_string()),
        ("version", version.to_string()),
        ("family_name", "山田".into()),
        ("given_name", given.into()),
        ("family_name_kana", "ヤマダ".into()),
        ("given_name_kana", "ハナコ".into()),
        ("birth_date", born.into()),
        ("sex", "female".into()),
    ]
}

async fn patient_1_identity(pool: &PgPool) -> (String, chrono::NaiveDate, i32) {
    sqlx::query_as("select given_name, birth_date, version from patients where id = $1")
        .bind(DEMO_PATIENT_1)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn identity_is_corrected_only_by_the_attending_clinic_and_the_coordinator(pool: PgPool) {
    let nurse = signed_in(&pool, NURSE_OF_PATIENT_1).await;
    let (given, born, version) = patient_1_identity(&pool).await;
    let entries = || async {
        sqlx::query_scalar::<_, String>(
            "select body from timeline_entries where patient_id = $1 and kind = 'identity_change'
              order by created_at, id",
        )
        .bind(DEMO_PATIENT_1)
        .fetch_all(&pool)
        .await
        .unwrap()
    };

    // The nurse station: refused, nothing written, no form.
    let response = nurse
        .post_form(
            "/api/card_save_identity",
            &pairs(&identity_form(
                DEMO_PATIENT_1,
                version,
                "華子",
                "1937-05-04",
            )),
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(
        patient_1_identity(&pool).await,
        (given.clone(), born, version)
    );
    assert!(entries().await.is_empty());
    let (_, html) = nurse.get(&format!("/patients/{DEMO_PATIENT_1}/edit")).await;
    assert!(!html.contains("data-testid=\"identity-form\""));

    // The attending physician: saved, and the card's history says so.
    let doctor = signed_in(&pool, ATTENDING_OF_PATIENT_1).await;
    let (_, html) = doctor
        .get(&format!("/patients/{DEMO_PATIENT_1}/edit"))
        .await;
    assert!(html.contains("data-testid=\"identity-form\""));
    let response = doctor
        .post_form(
            "/api/card_save_identity",
            &pairs(&identity_form(
                DEMO_PATIENT_1,
                version,
                "華子",
                &born.to_string(),
            )),
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        entries().await,
        [format!(
            "山田 {given} (ヤマダ ハナコ) → 山田 華子 (ヤマダ ハナコ)"
        )]
    );
    let (_, card) = doctor
        .get(&format!("/patients/{DEMO_PATIENT_1}/night-card"))
        .await;
    assert!(
        card.contains("本人情報の修正"),
        "shown in the card's history"
    );
    assert!(card.contains(&format!("山田 {given} (ヤマダ ハナコ) → 山田 華子")));

    // The coordinator (who cannot read the card) may correct it too.
    let coordinator = signed_in(&pool, "coordinator").await;
    let response = coordinator
        .post_form(
            "/api/card_save_identity",
            &pairs(&identity_form(
                DEMO_PATIENT_1,
                version + 1,
                "華子",
                "1937-05-04",
            )),
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(entries().await.len(), 2);
    assert_eq!(
        entries().await[1],
        format!("{born} → 1937-05-04"),
        "the birth date change is recorded"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_crafted_wishes_link_opens_an_empty_honest_form(pool: PgPool) {
    let nurse = signed_in(&pool, NURSE_OF_PATIENT_1).await;
    let draft = r#"{"resuscitation":"full","transport":"wanted","place_of_care":"hospital","place_of_death":"hospital","decided_by":"INJECTED","decided_on":"2026-01-01","notes":"INJECTED"}"#;
    let crafted = format!(
        "/patients/{DEMO_PATIENT_1}/edit?section=wishes&draft={}&error=%22Conflict%22",
        urlencode(draft)
    );
    let (status, html) = nurse.get(&crafted).await;
    assert_eq!(status, 200);
    assert!(!html.contains("INJECTED"), "no injected values");
    assert!(
        !html.contains("ほかの人が先に保存しました"),
        "no fake conflict banner"
    );
    assert!(!html.contains("data-testid=\"draft-notice\""));
    // The form shows what is on record: DNAR, transport not wanted.
    let wishes = &html[html.find("data-testid=\"wishes-form\"").unwrap()..];
    assert!(
        checked(wishes, "resuscitation", "dnar"),
        "the recorded DNAR is selected"
    );
    assert!(!checked(wishes, "resuscitation", "full"));
    assert!(!checked(wishes, "transport", "wanted"));
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether radio `name` = `value` is checked in the server-rendered form.
fn checked(html: &str, name: &str, value: &str) -> bool {
    let needle = format!("name=\"{name}\" value=\"{value}\"");
    let Some(at) = html.find(&needle) else {
        return false;
    };
    let end = at + html[at..].find('>').unwrap();
    html[at..end].contains("checked")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refused_save_shows_the_text_back_without_any_url_parameter(pool: PgPool) {
    let mut nurse = signed_in(&pool, NURSE_OF_PATIENT_1).await;
    let card = card_json(&nurse, DEMO_PATIENT_1).await;
    let version = card["wishes"]["version"].as_i64().unwrap();
    // A stale version: a conflict, posted without JavaScript.
    let response = post_as_browser(
        &nurse,
        "/api/card_save_wishes",
        &pairs(&wishes_form(
            DEMO_PATIENT_1,
            version - 1,
            "長女と電話で再確認した",
        )),
    )
    .await;
    assert_eq!(response.status().as_u16(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("/patients/{DEMO_PATIENT_1}/edit#wishes"));
    let (status, html) = nurse.get(&location).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("長女と電話で再確認した"),
        "the typed text is back"
    );
    assert!(
        html.contains("ほかの人が先に保存しました"),
        "the real error"
    );
    assert!(html.contains("data-testid=\"draft-notice\""));

    // Another session of the same person does not see it.
    let other = signed_in(&pool, NURSE_OF_PATIENT_1).await;
    let (_, html) = other.get(&format!("/patients/{DEMO_PATIENT_1}/edit")).await;
    assert!(!html.contains("長女と電話で再確認した"));

    // A successful save clears it.
    let saved = nurse
        .post_form(
            "/api/card_save_wishes",
            &pairs(&wishes_form(
                DEMO_PATIENT_1,
                version,
                "長女と電話で再確認した",
            )),
        )
        .await;
    assert_eq!(saved.status().as_u16(), 200);
    let drafts: i64 = sqlx::query_scalar("select count(*) from form_drafts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(drafts, 0, "cleared on a successful save");

    // A refused save's draft goes at sign-out.
    let response = post_as_browser(
        &nurse,
        "/api/card_save_wishes",
        &pairs(&wishes_form(DEMO_PATIENT_1, version, "古い版からの保存")),
    )
    .await;
    assert_eq!(response.status().as_u16(), 302);
    let drafts: i64 = sqlx::query_scalar("select count(*) from form_drafts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(drafts, 1);
    let out = nurse
        .post_form("/api/logout", &[("everywhere", "false")])
        .await;
    assert!(out.status().is_success() || out.status().is_redirection());
    let drafts: i64 = sqlx::query_scalar("select count(*) from form_drafts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(drafts, 0, "cleared at sign-out");
    nurse.session = None;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refused_plain_form_keeps_its_error_off_the_url(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    // A wrong password, posted without JavaScript.
    let response = app
        .client
        .post(app.url("/api/login"))
        .header("accept", "text/html")
        .form(&[("login_id", "nurse1"), ("password", "wrong"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(!location.contains("error="), "{location}");
    let flash = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("nc_flash="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .expect("a flash cookie");
    let page = app
        .client
        .get(app.url(&location))
        .header("cookie", &flash)
        .send()
        .await
        .unwrap();
    let cleared = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("nc_flash=;"));
    let html = page.text().await.unwrap();
    assert!(
        html.contains("ログインIDまたはパスワードが違います。"),
        "the real error"
    );
    assert!(cleared, "read once");
    // A crafted `?error=` shows nothing.
    let (_, html) = app.get("/login?error=%22BadCredentials%22").await;
    assert!(!html.contains("ログインIDまたはパスワードが違います。"));
}
