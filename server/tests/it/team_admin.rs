//! Team administration over HTTP against real PostgreSQL: a coordinator
//! applies a night model, reorders the calling order and sets the backup
//! hospital; each change is audited and in the team's history, the duty
//! roster follows it; anyone else is refused and nothing is written; bad
//! input is a translated 400 and nothing is half-written.

use crate::common::{add_hospital, spawn_app, team_id, TestApp};
use app::ssr::db::teams;
use server::demo_duty::{NORTH_TEAM, SOUTH_TEAM};
use sqlx::PgPool;
use uuid::Uuid;

async fn history_lines(pool: &PgPool, team: Uuid) -> i64 {
    sqlx::query_scalar("select count(*) from team_history where team_id = $1")
        .bind(team)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn audit_rows(pool: &PgPool, action: &str, outcome: &str) -> i64 {
    sqlx::query_scalar("select count(*) from audit_log where action = $1 and outcome = $2")
        .bind(action)
        .bind(outcome)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The team's set-up as one comparable value: model, hospital, order,
/// policy and schedule versions.
async fn setup_of(
    pool: &PgPool,
    team: Uuid,
) -> (Option<String>, Option<Uuid>, Vec<Uuid>, i32, i32) {
    let (model, hospital): (Option<String>, Option<Uuid>) =
        sqlx::query_as("select night_model, backup_hospital_id from clinic_teams where id = $1")
            .bind(team)
            .fetch_one(pool)
            .await
            .unwrap();
    let order: Vec<Uuid> = sqlx::query_scalar(
        "select staff_id from team_calling_order where team_id = $1 order by position",
    )
    .bind(team)
    .fetch_all(pool)
    .await
    .unwrap();
    let policy: i32 = sqlx::query_scalar(
        "select coalesce((select version from escalation_policies where clinic_team_id = $1), 0)",
    )
    .bind(team)
    .fetch_one(pool)
    .await
    .unwrap();
    let schedule: i32 = sqlx::query_scalar(
        "select coalesce((select version from duty_schedules where clinic_team_id = $1), 0)",
    )
    .bind(team)
    .fetch_one(pool)
    .await
    .unwrap();
    (model, hospital, order, policy, schedule)
}

async fn order_of(pool: &PgPool, team: Uuid) -> Vec<Uuid> {
    let mut conn = pool.acquire().await.unwrap();
    teams::doctors_in_calling_order(&mut conn, team)
        .await
        .unwrap()
}

async fn name_of(pool: &PgPool, staff: Uuid) -> String {
    sqlx::query_scalar("select family_name || ' ' || given_name from staff where id = $1")
        .bind(staff)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Posts as a browser without JavaScript (Accept: text/html).
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
async fn a_coordinator_sets_up_a_team_and_it_is_in_its_history(pool: PgPool) {
    let app = spawn_app(pool.clone())
        .await
        .signed_in_as("coordinator")
        .await;
    let north = team_id(&pool, NORTH_TEAM).await;
    let team = north.to_string();

    // The list and the page, in words.
    let (status, list) = app.get("/admin/teams").await;
    assert_eq!(status, 200);
    assert!(
        list.contains(NORTH_TEAM) && list.contains(SOUTH_TEAM),
        "{list}"
    );

    // The Kofu preset, as a plain form: back to the team page.
    let r = post_as_browser(
        &app,
        "/api/team_night_model",
        &[("team_id", &team), ("model", "kofu")],
    )
    .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/admin/teams/{north}")
    );
    let (model, _, _, _, schedule_version) = setup_of(&pool, north).await;
    assert_eq!(model.as_deref(), Some("kofu"));
    assert!(schedule_version >= 1);
    // Kofu has no rotation: the schedule is empty.
    let rotations: i32 = sqlx::query_scalar(
        "select jsonb_array_length(definition::jsonb -> 'rotations') from duty_schedules
          where clinic_team_id = $1",
    )
    .bind(north)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(rotations, 0);

    // The last doctor moves up one place, twice.
    let before = order_of(&pool, north).await;
    assert!(
        before.len() >= 3,
        "the north team has three doctors or more"
    );
    let last = *before.last().unwrap();
    for _ in 0..2 {
        let r = app
            .post_form(
                "/api/team_calling_order",
                &[
                    ("team_id", &team),
                    ("staff_id", &last.to_string()),
                    ("direction", "up"),
                ],
            )
            .await;
        assert!(r.status().is_success(), "{}", r.status());
    }
    let after = order_of(&pool, north).await;
    let n = before.len();
    let mut expected = before.clone();
    expected.remove(n - 1);
    expected.insert(n - 3, last);
    assert_eq!(after, expected);

    // The duty roster lists the doctors in that order.
    let (status, roster) = app.get(&format!("/duty?team={north}")).await;
    assert_eq!(status, 200);
    let mut at = 0;
    for doctor in &after {
        let name = name_of(&pool, *doctor).await;
        let found = roster[at..]
            .find(&name)
            .unwrap_or_else(|| panic!("{name} after byte {at} of the roster"));
        at += found + name.len();
    }

    // The backup hospital: a new one, then on the roster.
    let hospital = add_hospital(&pool, "安曇野総合病院").await;
    let r = app
        .post_form(
            "/api/team_backup_hospital",
            &[("team_id", &team), ("hospital_id", &hospital.to_string())],
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    let (_, now_hospital, _, _, _) = setup_of(&pool, north).await;
    assert_eq!(now_hospital, Some(hospital));
    let (_, roster) = app.get(&format!("/duty?team={north}")).await;
    assert!(
        roster.contains("安曇野総合病院"),
        "the roster names the team's hospital"
    );

    // Four changes: in the history (names in words) and the audit log.
    assert_eq!(history_lines(&pool, north).await, 4);
    let (status, page) = app.get(&format!("/admin/teams/{north}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("甲府型"), "the model in words");
    assert!(page.contains("安曇野総合病院"));
    assert!(page.contains(&name_of(&pool, last).await));
    // The code is only a form value, never text on the screen.
    assert!(
        !page.contains(">kofu") && !page.contains(": kofu"),
        "no code on the screen"
    );
    assert_eq!(audit_rows(&pool, "team_night_model", "done").await, 1);
    assert_eq!(audit_rows(&pool, "team_calling_order", "done").await, 2);
    assert_eq!(audit_rows(&pool, "team_backup_hospital", "done").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn nurses_and_doctors_may_not_change_a_team(pool: PgPool) {
    let base = spawn_app(pool.clone()).await;
    let north = team_id(&pool, NORTH_TEAM).await;
    let team = north.to_string();
    let doctor = order_of(&pool, north).await[1].to_string();
    let hospital = add_hospital(&pool, "別の病院").await.to_string();
    let before = setup_of(&pool, north).await;
    for login in ["nurse1", "doctor1"] {
        let app = base.clone_base().signed_in_as(login).await;
        let attempts: [(&str, Vec<(&str, &str)>); 5] = [
            ("/api/admin_teams", vec![]),
            ("/api/admin_team", vec![("team_id", &team)]),
            (
                "/api/team_night_model",
                vec![("team_id", &team), ("model", "izumo")],
            ),
            (
                "/api/team_calling_order",
                vec![
                    ("team_id", &team),
                    ("staff_id", &doctor),
                    ("direction", "up"),
                ],
            ),
            (
                "/api/team_backup_hospital",
                vec![("team_id", &team), ("hospital_id", &hospital)],
            ),
        ];
        for (path, form) in attempts {
            let r = app.post_form(path, &form).await;
            assert_eq!(r.status().as_u16(), 403, "{login} {path}");
        }
        // As a browser asks for a page (Accept: text/html): a 403 in words,
        // not a redirect.
        for path in ["/admin/teams".to_owned(), format!("/admin/teams/{north}")] {
            let page = app
                .client
                .get(app.url(&path))
                .header("cookie", app.session.clone().unwrap_or_default())
                .header("accept", "text/html")
                .send()
                .await
                .unwrap();
            assert_eq!(page.status().as_u16(), 403, "{login} opens {path}");
            assert!(
                page.text().await.unwrap().contains("権限"),
                "{login} {path}: in words"
            );
        }
    }
    assert_eq!(setup_of(&pool, north).await, before, "nothing was written");
    assert_eq!(history_lines(&pool, north).await, 0);
    assert_eq!(audit_rows(&pool, "team_night_model", "denied").await, 2);
    assert_eq!(audit_rows(&pool, "team_calling_order", "denied").await, 2);
    assert_eq!(audit_rows(&pool, "team_backup_hospital", "denied").await, 2);

    // Signed out: sign in first.
    let r = base
        .post_form(
            "/api/team_night_model",
            &[("team_id", &team), ("model", "izumo")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_is_refused_in_words_and_nothing_is_written(pool: PgPool) {
    let app = spawn_app(pool.clone()).await.signed_in_as("admin").await;
    let north = team_id(&pool, NORTH_TEAM).await;
    let south = team_id(&pool, SOUTH_TEAM).await;
    let team = north.to_string();
    let a_north_doctor = order_of(&pool, north).await[0].to_string();
    let a_south_doctor = order_of(&pool, south)
        .await
        .into_iter()
        .find(|d| d.to_string() != a_north_doctor)
        .unwrap()
        .to_string();
    let clinic: Uuid = sqlx::query_scalar(
        "select id from organizations where kind = 'clinic' order by id limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let clinic = clinic.to_string();
    let unknown = Uuid::new_v4().to_string();
    let long = "あ".repeat(10_000);
    let before = setup_of(&pool, north).await;

    // (server function, form, status, words said)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, u16, &'a str);
    let cases: Vec<Case> = vec![
        (
            "/api/team_night_model",
            vec![("team_id", &team), ("model", "tokyo")],
            400,
            "夜間モデルを選んでください",
        ),
        (
            "/api/team_night_model",
            vec![("team_id", &team), ("model", &long)],
            400,
            "夜間モデルを選んでください",
        ),
        (
            "/api/team_night_model",
            vec![("team_id", "𠮷"), ("model", "izumo")],
            400,
            "チームの指定が正しくありません",
        ),
        (
            "/api/team_night_model",
            vec![("team_id", &unknown), ("model", "izumo")],
            404,
            "",
        ),
        (
            "/api/team_calling_order",
            vec![
                ("team_id", &team),
                ("staff_id", &a_south_doctor),
                ("direction", "up"),
            ],
            400,
            "その医師はこのチームにいません",
        ),
        (
            "/api/team_calling_order",
            vec![
                ("team_id", &team),
                ("staff_id", &a_north_doctor),
                ("direction", "left"),
            ],
            400,
            "並べ替えの指定が正しくありません",
        ),
        (
            "/api/team_calling_order",
            vec![("team_id", &team), ("staff_id", "1"), ("direction", "up")],
            400,
            "その医師はこのチームにいません",
        ),
        (
            "/api/team_backup_hospital",
            vec![("team_id", &team), ("hospital_id", &clinic)],
            400,
            "後方支援病院を一覧から選んでください",
        ),
        (
            "/api/team_backup_hospital",
            vec![("team_id", &team), ("hospital_id", "")],
            400,
            "後方支援病院を一覧から選んでください",
        ),
        (
            "/api/team_backup_hospital",
            vec![("team_id", &team)],
            400,
            "後方支援病院を一覧から選んでください",
        ),
    ];
    for (path, form, status, words) in cases {
        let r = app.post_form(path, &form).await;
        assert_eq!(r.status().as_u16(), status, "{path} {form:?}");
        let body = r.text().await.unwrap();
        let error: app::error::AppError = serde_json::from_str(&body).expect("an AppError");
        let said = error.user_message(app::i18n::Lang::Ja);
        assert!(said.contains(words), "{path}: {said}");
    }
    assert_eq!(setup_of(&pool, north).await, before, "nothing was written");
    assert_eq!(history_lines(&pool, north).await, 0);

    // Without JavaScript the refusal goes back to the team page, where it
    // is said once.
    let r = post_as_browser(
        &app,
        "/api/team_night_model",
        &[("team_id", &team), ("model", "tokyo")],
    )
    .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/admin/teams/{north}")
    );
    let flash = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("nc_flash="))
        .and_then(|v| v.split(';').next())
        .expect("a flash cookie")
        .to_owned();
    let page = app
        .client
        .get(app.url(&format!("/admin/teams/{north}")))
        .header(
            "cookie",
            format!("{}; {flash}", app.session.clone().unwrap_or_default()),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("夜間モデルを選んでください"), "{page}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_izumo_preset_from_the_page_never_calls_an_off_duty_doctor(pool: PgPool) {
    use app::domain::escalation::resolve_path;
    use app::domain::patient::PatientId;
    use app::domain::schedule::{on_duty_at, DutyParty};
    use app::ssr::db::escalation;
    let app = spawn_app(pool.clone())
        .await
        .signed_in_as("coordinator")
        .await;
    let north = team_id(&pool, NORTH_TEAM).await;
    let r = app
        .post_form(
            "/api/team_night_model",
            &[("team_id", &north.to_string()), ("model", "izumo")],
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    let hospital = setup_of(&pool, north).await.1.expect("a backup hospital");
    let patient: Uuid =
        sqlx::query_scalar("select id from patients where clinic_team_id = $1 order by id limit 1")
            .bind(north)
            .fetch_one(&pool)
            .await
            .unwrap();
    // Every 5 hours over a fortnight: only the doctor on duty (or his
    // stand-in) and the hospital are on the path.
    let start = chrono::Utc::now();
    for step in 0..(14 * 24 / 5) {
        let t = start + chrono::Duration::hours(step * 5);
        let (policy, context) = escalation::load(&pool, PatientId(patient), t)
            .await
            .unwrap()
            .expect("the patient");
        let on_duty = match on_duty_at(&context.schedule, &context.absences, t).party {
            DutyParty::Doctor(d) => Some(d),
            _ => None,
        };
        for step in resolve_path(&policy, &context, t) {
            let callee = step.callee.id;
            assert!(
                callee == hospital || Some(callee) == on_duty,
                "at {t}: {callee} is called but {on_duty:?} is on duty"
            );
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_one_off_cover_puts_the_doctor_on_duty_and_can_be_taken_back(pool: PgPool) {
    use app::domain::patient::PatientId;
    use app::domain::schedule::{from_tokyo, on_duty_at, to_tokyo, DutyParty};
    use app::ssr::db::escalation;
    let app = spawn_app(pool.clone())
        .await
        .signed_in_as("coordinator")
        .await;
    let north = team_id(&pool, NORTH_TEAM).await;
    let south = team_id(&pool, SOUTH_TEAM).await;
    let team = north.to_string();
    // Ten days ahead, 18:00 to 08:30 Tokyo, by a doctor with no absence then.
    let day = to_tokyo(chrono::Utc::now()).date() + chrono::Duration::days(10);
    let night = from_tokyo(day.and_hms_opt(23, 0, 0).unwrap());
    let mut covering = None;
    for doctor in order_of(&pool, north).await {
        let away: bool = sqlx::query_scalar(
            "select exists (select 1 from planned_absences where staff_id = $1
                and cancelled_at is null and starts_at < $2 + interval '1 day'
                and ends_at > $2 - interval '1 day')",
        )
        .bind(doctor)
        .bind(night)
        .fetch_one(&pool)
        .await
        .unwrap();
        if !away {
            covering = Some(doctor);
        }
    }
    let covering = covering.expect("a doctor free that night");
    let date = day.to_string();
    let r = app
        .post_form(
            "/api/team_add_cover",
            &[
                ("team_id", &team),
                ("staff_id", &covering.to_string()),
                ("date", &date),
                ("from", "18:00"),
                ("to", "08:30"),
            ],
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());

    let patient: Uuid =
        sqlx::query_scalar("select id from patients where clinic_team_id = $1 order by id limit 1")
            .bind(north)
            .fetch_one(&pool)
            .await
            .unwrap();
    let (_, context) = escalation::load(&pool, PatientId(patient), night)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        on_duty_at(&context.schedule, &context.absences, night).party,
        DutyParty::Doctor(covering),
        "the covering doctor is on duty that night"
    );
    let name = name_of(&pool, covering).await;
    let (_, page) = app.get(&format!("/admin/teams/{north}")).await;
    assert!(
        page.contains("data-testid=\"cover\""),
        "the cover is listed"
    );
    assert!(page.contains(&name));

    // Bad covers: in words, nothing written.
    let a_south_only = order_of(&pool, south)
        .await
        .into_iter()
        .find(|d| d != &covering)
        .unwrap()
        .to_string();
    let before: i32 =
        sqlx::query_scalar("select version from duty_schedules where clinic_team_id = $1")
            .bind(north)
            .fetch_one(&pool)
            .await
            .unwrap();
    let c = covering.to_string();
    let bad: [(&str, &str, &str, &str, &str); 5] = [
        (&c, "2026-02-30", "18:00", "08:30", "日付が正しくありません"),
        (&c, &date, "25:00", "08:30", "時刻は"),
        (&c, "2020-01-01", "18:00", "08:30", "もう過ぎています"),
        (
            &a_south_only,
            &date,
            "18:00",
            "08:30",
            "その医師はこのチームにいません",
        ),
        (&c, "𠮷", "18:00", "08:30", "日付が正しくありません"),
    ];
    for (doctor, date, from, to, words) in bad {
        let r = app
            .post_form(
                "/api/team_add_cover",
                &[
                    ("team_id", &team),
                    ("staff_id", doctor),
                    ("date", date),
                    ("from", from),
                    ("to", to),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 400, "{date} {from} {to}");
        let error: app::error::AppError = r.json().await.unwrap();
        assert!(
            error.user_message(app::i18n::Lang::Ja).contains(words),
            "{error:?}"
        );
    }
    let after: i32 =
        sqlx::query_scalar("select version from duty_schedules where clinic_team_id = $1")
            .bind(north)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(before, after, "a refused cover writes nothing");

    // Taken back: the rotation decides again; both are in the history.
    let cover_id: String = sqlx::query_scalar(
        "select o ->> 'id' from duty_schedules, jsonb_array_elements(definition -> 'overrides') o
          where clinic_team_id = $1 and o -> 'change' -> 'Cover' ->> 'doctor' = $2",
    )
    .bind(north)
    .bind(covering.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    let r = app
        .post_form(
            "/api/team_remove_cover",
            &[("team_id", &team), ("cover_id", &cover_id)],
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    let r = app
        .post_form(
            "/api/team_remove_cover",
            &[("team_id", &team), ("cover_id", &cover_id)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400, "a cover is taken back once");
    let changes: Vec<String> =
        sqlx::query_scalar("select change from team_history where team_id = $1 order by id")
            .bind(north)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(changes, ["cover", "cover_removed"]);
    assert_eq!(audit_rows(&pool, "team_cover", "done").await, 1);
    assert_eq!(audit_rows(&pool, "team_cover_remove", "done").await, 1);
}
