//! The family contacts edited from the card, over HTTP against real
//! PostgreSQL: the station's nurse adds the daughter's number at the top of
//! the calling order and the caller-number search finds the patient by it
//! at once; a change from a stale form is a conflict and writes nothing; a
//! removal moves the others up and the number no longer finds her; every
//! change keeps the earlier row in the card's history. Bad input is refused
//! in words, a tenth contact is refused, and nobody outside the care team
//! edits the list.

use crate::common::{spawn_app, TestApp};
use server::demo::{demo_patient_id, DEMO_PATIENT_1};
use sqlx::PgPool;
use uuid::Uuid;

const PATIENT: &str = "00000000-0000-4000-8000-000100000001";

async fn nurse_of_patient_1(pool: &PgPool) -> String {
    sqlx::query_scalar(
        "select s.login_id from staff s join patients p on p.nurse_station_id = s.organization_id
          where p.id = $1 and s.role = 'nurse' order by s.login_id limit 1",
    )
    .bind(DEMO_PATIENT_1)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// The contacts in calling order: (id, version, name, phone, priority).
async fn contacts(app: &TestApp) -> Vec<(String, i64, String, String, i64)> {
    let r = app
        .post_form("/api/card_contacts", &[("patient_id", PATIENT)])
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let list: serde_json::Value = r.json().await.unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["version"].as_i64().unwrap(),
                c["name"].as_str().unwrap().to_owned(),
                c["phone"].as_str().unwrap().to_owned(),
                c["priority"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn save(app: &TestApp, form: &[(&str, &str)]) -> (u16, String) {
    let mut full = vec![("patient_id", PATIENT)];
    full.extend_from_slice(form);
    let r = app.post_form("/api/card_save_contact", &full).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn found_by(app: &TestApp, q: &str) -> Vec<String> {
    let found: serde_json::Value = app
        .post_form("/api/search_patients", &[("q", q)])
        .await
        .json()
        .await
        .unwrap();
    found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_number_finds_the_patient_at_once_and_the_calling_order_follows(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let login = nurse_of_patient_1(&pool).await;
    let nurse = app.clone_base().signed_in_as(&login).await;
    let before = contacts(&nurse).await;
    assert!(!before.is_empty(), "the demo patient has family contacts");
    assert!(found_by(&nurse, "09031415926").await.is_empty());

    let (status, body) = save(
        &nurse,
        &[
            ("contact_name", "𠮷田 美香"),
            ("relation", "長女"),
            ("phone", "０９０-３１４１-５９２６"),
            ("priority", "1"),
            ("key_person", "on"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let after = contacts(&nurse).await;
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(
        (after[0].2.as_str(), after[0].3.as_str()),
        ("𠮷田 美香", "090-3141-5926")
    );
    let places: Vec<i64> = after.iter().map(|c| c.4).collect();
    assert_eq!(
        places,
        (1..=after.len() as i64).collect::<Vec<_>>(),
        "1, 2, …"
    );
    // The others kept their order, one place down.
    let ids = |l: &[(String, i64, String, String, i64)]| {
        l.iter().map(|c| c.0.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&after[1..]), ids(&before));
    assert_eq!(
        found_by(&nurse, "09031415926").await,
        vec![PATIENT.to_owned()]
    );
    let (_, html) = nurse.get(&format!("/patients/{PATIENT}/night-card")).await;
    assert!(html.contains("090-3141-5926") && html.contains("𠮷田 美香"));

    // A change from a stale form: 409, nothing written.
    let (id, version) = (after[0].0.clone(), after[0].1);
    let stale = (version - 1).to_string();
    let history_before: i64 = sqlx::query_scalar("select count(*) from card_history")
        .fetch_one(&pool)
        .await
        .unwrap();
    let fields = |version: &str| {
        vec![
            ("contact_id", id.clone()),
            ("version", version.to_owned()),
            ("contact_name", "𠮷田 美香".to_owned()),
            ("relation", "長女".to_owned()),
            ("phone", "090-3141-0000".to_owned()),
            ("priority", "2".to_owned()),
        ]
    };
    let refs = |f: &[(&'static str, String)]| -> Vec<(&'static str, String)> { f.to_vec() };
    let stale_form = refs(&fields(&stale));
    let pairs: Vec<(&str, &str)> = stale_form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _) = save(&nurse, &pairs).await;
    assert_eq!(status, 409);
    assert_eq!(contacts(&nurse).await, after, "nothing changed");
    let history_now: i64 = sqlx::query_scalar("select count(*) from card_history")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(history_now, history_before);

    // The same change from the current version: the new number, second place.
    let current_form = refs(&fields(&version.to_string()));
    let pairs: Vec<(&str, &str)> = current_form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = save(&nurse, &pairs).await;
    assert_eq!(status, 200, "{body}");
    let changed = contacts(&nurse).await;
    assert_eq!(changed[1].0, id);
    assert_eq!(changed[1].3, "090-3141-0000");
    assert!(
        found_by(&nurse, "09031415926").await.is_empty(),
        "the old number finds nobody"
    );
    let kept: i64 = sqlx::query_scalar(
        "select count(*) from card_history where table_name = 'family_contacts'
            and row_id = $1::uuid and row_data ->> 'phone' = '090-3141-5926'",
    )
    .bind(&id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(kept, 1, "the earlier row is kept");

    // Removed: the others move up.
    let r = nurse
        .post_form(
            "/api/card_remove_contact",
            &[
                ("patient_id", PATIENT),
                ("contact_id", &id),
                ("version", &changed[1].1.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let removed = contacts(&nurse).await;
    assert_eq!(ids(&removed), ids(&before));
    assert_eq!(
        removed.iter().map(|c| c.4).collect::<Vec<_>>(),
        (1..=before.len() as i64).collect::<Vec<_>>()
    );
    assert!(found_by(&nurse, "09031410000").await.is_empty());
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where patient_id = $1 and action = 'edit_card'
            and outcome = 'done' and detail like 'contacts:%'",
    )
    .bind(DEMO_PATIENT_1)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 3, "added, changed, removed");
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_a_tenth_contact_and_strangers_are_refused_and_nothing_is_written(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let login = nurse_of_patient_1(&pool).await;
    let nurse = app.clone_base().signed_in_as(&login).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from family_contacts where patient_id = $1")
            .bind(DEMO_PATIENT_1)
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let before = count().await;
    let long = "あ".repeat(10_000);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![
                ("contact_name", "美香😀"),
                ("relation", "長女"),
                ("phone", "090-1111-2222"),
            ],
            "contact_name:emoji",
        ),
        (
            vec![
                ("contact_name", &long),
                ("relation", "長女"),
                ("phone", "090-1111-2222"),
            ],
            "contact_name:too_long:50",
        ),
        (
            vec![
                ("contact_name", "美香"),
                ("relation", "長女"),
                ("phone", "090-abcd-2222"),
            ],
            "phone:letters",
        ),
        (
            vec![
                ("contact_name", "美香"),
                ("relation", ""),
                ("phone", "090-1111-2222"),
            ],
            "relation:empty",
        ),
        (
            vec![
                ("contact_name", "美香"),
                ("relation", "長女"),
                ("phone", "090-1111-2222"),
                ("priority", "10"),
            ],
            "priority:not_a_choice",
        ),
        (
            vec![
                ("contact_id", "nonsense"),
                ("version", "1"),
                ("contact_name", "美香"),
                ("relation", "長女"),
                ("phone", "090-1111-2222"),
            ],
            "record_id:malformed",
        ),
    ];
    for (form, code) in &cases {
        let (status, body) = save(&nurse, form).await;
        assert_eq!(status, 400, "{code}");
        assert_eq!(body, format!("{{\"Invalid\":\"{code}\"}}"));
    }
    assert_eq!(count().await, before);

    // Nine at most.
    for n in before..9 {
        let phone = format!("090-2000-{:04}", n);
        let (status, body) = save(
            &nurse,
            &[
                ("contact_name", "親戚"),
                ("relation", "甥"),
                ("phone", &phone),
            ],
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(count().await, 9);
    let (status, body) = save(
        &nurse,
        &[
            ("contact_name", "十人目"),
            ("relation", "甥"),
            ("phone", "090-2999-0000"),
        ],
    )
    .await;
    assert_eq!(
        (status, body.as_str()),
        (400, "{\"Invalid\":\"priority:too_many\"}")
    );
    assert_eq!(count().await, 9);

    // A nurse of another station, a contact of another patient.
    let stranger: String = sqlx::query_scalar(
        "select s.login_id from staff s
          where s.role = 'nurse' and s.login_id is not null
            and s.organization_id <> (select nurse_station_id from patients where id = $1)
          order by s.login_id limit 1",
    )
    .bind(DEMO_PATIENT_1)
    .fetch_one(&pool)
    .await
    .unwrap();
    let other = app.clone_base().signed_in_as(&stranger).await;
    let (status, _) = save(
        &other,
        &[
            ("contact_name", "美香"),
            ("relation", "長女"),
            ("phone", "090-1111-2222"),
        ],
    )
    .await;
    assert_eq!(status, 403, "{stranger}");
    let r = other
        .post_form("/api/card_contacts", &[("patient_id", PATIENT)])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let elsewhere: Uuid = sqlx::query_scalar(
        "select id from family_contacts where patient_id = $1 order by priority limit 1",
    )
    .bind(demo_patient_id(2))
    .fetch_one(&pool)
    .await
    .unwrap();
    let (status, _) = save(
        &nurse,
        &[
            ("contact_id", &elsewhere.to_string()),
            ("version", "1"),
            ("contact_name", "美香"),
            ("relation", "長女"),
            ("phone", "090-1111-2222"),
        ],
    )
    .await;
    assert_eq!(
        status, 404,
        "a contact of another patient is not found on this card"
    );
    assert_eq!(count().await, 9);
}
