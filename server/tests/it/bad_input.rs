//! Bad input never gives a 500 or a partial write (issue 9): every server
//! function, signed in as a real demo user who may use it, gets random
//! strings, huge numbers, control characters, invalid UTF-8 and invalid
//! UTF-16 surrogates (`"\ud800"` in JSON), wrong field types, missing and
//! extra fields, form-encoded and as JSON. Every answer is a success or a
//! 4xx that the user sees in words (an `AppError` whose message is
//! translated and whose field code carries no parser text), never a 5xx;
//! after each case the database holds no half-written rows: a refused
//! request changed no table but the ones a refusal itself writes (the audit
//! log, sign-in attempts, a refused form's draft), and every card history
//! row has the change it records.
//!
//! The inputs come from `proptest` strategies, sampled with a fixed seed
//! (`TestRunner::deterministic`) so a failure repeats; each case runs
//! against the live server (async), so there is no shrinking: the failing
//! input is printed as it was sent.

use crate::common::{spawn_app, TestApp};
use app::error::AppError;
use app::i18n::Lang;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use server::demo::DEMO_PATIENT_1;
use sqlx::PgPool;

/// Every server function with its fields, the demo user who may use it,
/// and how many cases it gets (the argon2 ones fewer: each costs a hash).
struct Endpoint {
    name: &'static str,
    fields: &'static [&'static str],
    json_args: bool,
    user: &'static str,
    cases: u32,
}

const fn ep(name: &'static str, fields: &'static [&'static str], user: &'static str) -> Endpoint {
    Endpoint {
        name,
        fields,
        json_args: false,
        user,
        cases: 24,
    }
}

const NURSE: &str = "nurse1";
const COORDINATOR: &str = "coordinator";
const ADMIN: &str = "admin";

const ENDPOINTS: &[Endpoint] = &[
    ep("audit_search", &["patient", "staff"], COORDINATOR),
    ep("break_glass_notices", &[], NURSE),
    ep("me", &[], NURSE),
    ep("break_glass", &["patient_id", "reason"], "doctor1"),
    ep("call_board", &[], NURSE),
    ep(
        "call_open",
        &[
            "patient_id",
            "reason",
            "temperature",
            "pulse",
            "systolic",
            "diastolic",
            "spo2",
            "respiratory_rate",
            "note",
        ],
        NURSE,
    ),
    ep("call_get", &["call_id"], NURSE),
    ep(
        "call_attempt",
        &["call_id", "step", "outcome", "eta_minutes", "note"],
        NURSE,
    ),
    ep(
        "call_close",
        &["call_id", "outcome", "died_at", "admitted_to", "summary"],
        NURSE,
    ),
    ep("call_cancel", &["call_id", "reason"], NURSE),
    ep("call_restart", &["call_id"], NURSE),
    ep("handoffs", &[], NURSE),
    ep("handoff_ack", &["handoff_id"], NURSE),
    ep("call_path_now", &["patient_id"], NURSE),
    ep(
        "card_save_wishes",
        &[
            "patient_id",
            "version",
            "resuscitation",
            "place_of_care",
            "place_of_death",
            "death_at_home_expected",
            "transport",
            "decided_by",
            "decided_on",
            "document_on_file",
            "document_note",
            "notes",
        ],
        NURSE,
    ),
    ep(
        "card_save_sudden_change",
        &["patient_id", "order_id", "version", "on_sudden_change"],
        NURSE,
    ),
    ep(
        "card_save_way_in",
        &[
            "patient_id",
            "version",
            "landmark",
            "entrance",
            "key_box",
            "parking",
            "pets",
        ],
        NURSE,
    ),
    ep(
        "card_save_care_manager",
        &["patient_id", "version", "name", "office", "phone"],
        NURSE,
    ),
    ep(
        "card_save_identity",
        &[
            "patient_id",
            "version",
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "birth_date",
            "sex",
        ],
        NURSE,
    ),
    ep("card_add_note", &["patient_id", "note"], NURSE),
    // The physician's own form: 山田 花子's attending.
    ep(
        "card_renew_order",
        &[
            "patient_id",
            "order_id",
            "version",
            "issued_on",
            "valid_from",
            "valid_to",
            "on_sudden_change",
        ],
        "doctor3",
    ),
    ep("card_drafts", &["patient_id"], NURSE),
    ep("duty_teams", &[], COORDINATOR),
    ep("team_roster", &["team_id"], COORDINATOR),
    ep("duty_calendar", &["team_id", "from", "days"], COORDINATOR),
    ep("list_absences", &["team_id"], COORDINATOR),
    ep(
        "register_absence",
        &[
            "staff_id",
            "starts_at",
            "ends_at",
            "reason",
            "substitute_id",
            "confirm_hole",
        ],
        COORDINATOR,
    ),
    ep("cancel_absence", &["id"], COORDINATOR),
    // --- issue 11: team administration ---
    ep("admin_teams", &[], COORDINATOR),
    ep("admin_team", &["team_id"], COORDINATOR),
    ep("team_night_model", &["team_id", "model"], COORDINATOR),
    ep(
        "team_calling_order",
        &["team_id", "staff_id", "direction"],
        COORDINATOR,
    ),
    ep(
        "team_backup_hospital",
        &["team_id", "hospital_id"],
        COORDINATOR,
    ),
    ep(
        "team_add_cover",
        &["team_id", "staff_id", "date", "from", "to"],
        COORDINATOR,
    ),
    ep("team_remove_cover", &["team_id", "cover_id"], COORDINATOR),
    ep("form_flash", &["path"], NURSE),
    ep("night_card", &["patient_id"], NURSE),
    ep("passkeys", &[], NURSE),
    Endpoint {
        json_args: true,
        ..ep("passkey_register_start", &[], NURSE)
    },
    Endpoint {
        json_args: true,
        ..ep("passkey_register_finish", &["credential", "name"], NURSE)
    },
    ep("passkey_remove", &["id"], NURSE),
    Endpoint {
        json_args: true,
        ..ep("passkey_verify_start", &[], NURSE)
    },
    Endpoint {
        json_args: true,
        ..ep("passkey_verify_finish", &["credential", "next"], NURSE)
    },
    Endpoint {
        json_args: true,
        ..ep("passkey_sign_in_start", &[], NURSE)
    },
    Endpoint {
        json_args: true,
        ..ep(
            "passkey_sign_in_finish",
            &["ceremony", "credential", "next"],
            NURSE,
        )
    },
    ep("patients", &[], NURSE),
    ep("search_patients", &["q"], NURSE),
    ep("totp_enrollment", &[], NURSE),
    ep("totp_confirm", &["code"], NURSE),
    ep("totp_verify", &["code", "next"], NURSE),
    Endpoint {
        cases: 6,
        ..ep(
            "change_password",
            &["current_password", "new_password", "new_password_again"],
            "nurse2",
        )
    },
    // --- issue 9: factors and sessions (the account's own) ---
    ep("security_state", &[], "nurse4"),
    Endpoint {
        cases: 6,
        ..ep("reauthenticate", &["password", "code"], "nurse4")
    },
    Endpoint {
        cases: 6,
        ..ep("enrolment_code", &["code", "password"], "nurse4")
    },
    ep("totp_reset", &[], "nurse4"),
    ep("recovery_codes_renew", &[], "nurse4"),
    ep("sessions", &[], "nurse4"),
    ep("session_end", &["id"], "nurse4"),
    ep("sessions_end_others", &[], "nurse4"),
    // --- staff administration ---
    ep("staff_list", &["organization_id"], ADMIN),
    ep("staff_account", &["staff_id"], ADMIN),
    ep("card_contacts", &["patient_id"], NURSE),
    ep(
        "card_save_contact",
        &[
            "patient_id",
            "contact_id",
            "version",
            "contact_name",
            "relation",
            "phone",
            "priority",
            "key_person",
        ],
        NURSE,
    ),
    ep(
        "card_remove_contact",
        &["patient_id", "contact_id", "version"],
        NURSE,
    ),
    ep("admission_choices", &[], COORDINATOR),
    ep("patient_care", &["patient_id"], COORDINATOR),
    ep(
        "consent_revoke",
        &["patient_id", "consent_id", "revoked_on"],
        COORDINATOR,
    ),
    ep(
        "admit_patient",
        &[
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "birth_date",
            "sex",
            "postal_code",
            "prefecture",
            "city",
            "street",
            "building",
            "room",
            "landmark",
            "coordinates",
            "admitted_on",
            "clinic_team_id",
            "attending_id",
            "secondary_id",
            "nurse_station_id",
            "care_manager_id",
            "discharging_hospital_id",
            "consent_by",
            "consent_relation",
            "consent_on",
            "consent_scope",
            "consent_paper",
            "contact_name",
            "contact_relation",
            "contact_phone",
            "contact_key_person",
        ],
        COORDINATOR,
    ),
    ep(
        "staff_create",
        &[
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "role",
            "organization_id",
            "login_id",
            "phone",
        ],
        ADMIN,
    ),
    ep(
        "staff_update",
        &[
            "staff_id",
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "role",
            "organization_id",
            "phone",
        ],
        ADMIN,
    ),
    ep("staff_set_disabled", &["staff_id", "disabled"], ADMIN),
    ep("staff_new_code", &["staff_id"], ADMIN),
    // Last: a successful sign-out ends the session (it is signed in again),
    // and failed sign-ins count against this address.
    ep("logout", &["everywhere"], "nurse3"),
    Endpoint {
        cases: 6,
        ..ep("login", &["login_id", "password", "next"], NURSE)
    },
    // Last of all: its failures count against this address like failed
    // sign-ins, and nobody signs in after it.
    Endpoint {
        cases: 6,
        ..ep(
            "first_sign_in",
            &["login_id", "code", "new_password", "new_password_again"],
            NURSE,
        )
    },
];

/// A string meant to break a parser: random text, control characters,
/// numbers past every integer type, dates past chrono's range, very long
/// text, and now and then a value that parses (so the deeper code runs).
fn nasty() -> BoxedStrategy<String> {
    let fixed: Vec<String> = [
        "",
        "   ",
        "0",
        "-1",
        "1",
        "36.5",
        "99999999999999999999999999999",
        "-9223372036854775809",
        "4294967296",
        "1e400",
        "NaN",
        "inf",
        "true",
        "on",
        "maybe",
        "2026-12-02",
        "2026-12-02T23:59",
        "+262142-12-25",
        "-262143-01-01",
        "25:61",
        "00000000-0000-0000-0000-000000000000",
        "' or 1=1 --",
        "<script>alert(1)</script>",
        "\u{202e}\u{feff}\u{200b}",
        "%00",
        "/",
        "//evil.example/",
        "allowed",
        "accepted",
        "dnar",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    prop_oneof![
        3 => any::<String>(),
        2 => proptest::sample::select(fixed),
        1 => prop::collection::vec(0u8..32, 1..8)
            .prop_map(|b| b.into_iter().map(char::from).collect::<String>()),
        1 => prop::collection::vec(any::<char>(), 2000..5000)
            .prop_map(|c| c.into_iter().collect::<String>()),
        1 => any::<u128>().prop_map(|n| uuid::Uuid::from_u128(n).to_string()),
        1 => Just(DEMO_PATIENT_1.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|n| n.to_string()),
    ]
    .boxed()
}

/// A JSON value of any type, for wrong-type fields.
fn json_value() -> BoxedStrategy<serde_json::Value> {
    prop_oneof![
        3 => nasty().prop_map(serde_json::Value::from),
        1 => any::<i64>().prop_map(serde_json::Value::from),
        1 => Just(serde_json::json!(1e308)),
        1 => Just(serde_json::json!(u64::MAX)),
        1 => Just(serde_json::Value::Null),
        1 => any::<bool>().prop_map(serde_json::Value::from),
        1 => Just(serde_json::json!([1, "a", null])),
        1 => Just(serde_json::json!({"a": {"b": []}})),
    ]
    .boxed()
}

/// One request body.
#[derive(Debug, Clone)]
enum Body {
    /// Form fields, some missing, maybe an extra one.
    Form(Vec<(String, String)>),
    /// A raw url-encoded body (invalid UTF-8, broken escapes).
    RawForm(String),
    /// JSON text (may hold a lone surrogate escape).
    Json(String),
}

fn body_for(fields: &'static [&'static str], json_args: bool) -> BoxedStrategy<Body> {
    let n = fields.len();
    let form = (
        prop::collection::vec((nasty(), prop::bool::weighted(0.8)), n),
        prop::option::weighted(0.2, (nasty(), nasty())),
    )
        .prop_map(move |(values, extra)| {
            let mut pairs: Vec<(String, String)> = fields
                .iter()
                .zip(values)
                .filter(|(_, (_, present))| *present)
                .map(|(f, (v, _))| (f.to_string(), v))
                .collect();
            if let Some(extra) = extra {
                pairs.push(extra);
            }
            Body::Form(pairs)
        });
    let raw = prop::collection::vec(
        proptest::sample::select(vec![
            "%ff%fe",
            "%",
            "%zz",
            "%C0%80",
            "%ED%A0%80",
            "a=b=c",
            "&&&",
        ]),
        1..4,
    )
    .prop_map(move |bits| {
        let first = fields.first().copied().unwrap_or("x");
        Body::RawForm(format!("{first}={}", bits.concat()))
    });
    let json = (
        prop::collection::vec((json_value(), prop::bool::weighted(0.8)), n),
        any::<prop::sample::Index>(),
        prop::bool::weighted(0.3),
    )
        .prop_map(move |(values, which, surrogate)| {
            let mut object = serde_json::Map::new();
            for (f, (v, present)) in fields.iter().zip(values) {
                if present {
                    object.insert(f.to_string(), v);
                }
            }
            let mut text = serde_json::Value::Object(object).to_string();
            if surrogate && n > 0 {
                // A lone surrogate escape: valid JSON syntax, invalid text.
                let f = fields[which.index(n)];
                text = format!(r#"{{"{f}":"\ud800","x":"\udfff\ud800"}}"#);
            }
            Body::Json(text)
        });
    if json_args {
        prop_oneof![4 => json, 1 => form].boxed()
    } else {
        prop_oneof![4 => form, 1 => raw, 2 => json].boxed()
    }
}

/// The tables a refused request may write: the audit log (and its chain
/// queue), sign-in bookkeeping, sessions, a refused form's draft, this
/// process's stream bookkeeping.
const MAY_CHANGE_ON_REFUSAL: &[&str] = &[
    "_sqlx_migrations",
    "audit_log",
    "audit_chain",
    "audit_unsealed",
    "login_attempts",
    "sign_in_throttled",
    "sessions",
    "form_drafts",
    "server_processes",
    "event_streams",
    "passkey_ceremonies",
];

/// The row count of every table a refusal must leave alone, and the
/// invariants that hold after any request.
async fn snapshot(pool: &PgPool) -> Vec<(String, i64)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "select tablename::text from pg_tables where schemaname = 'public'
          and tablename <> all($1) order by 1",
    )
    .bind(MAY_CHANGE_ON_REFUSAL)
    .fetch_all(pool)
    .await
    .unwrap();
    let sql = tables
        .iter()
        .map(|t| format!("select '{t}'::text, count(*) from {t}"))
        .collect::<Vec<_>>()
        .join(" union all ");
    sqlx::query_as(&sql).fetch_all(pool).await.unwrap()
}

/// No half-written rows, whatever the answer was: every card history row
/// records a change that happened (its row moved on to a later version).
async fn assert_consistent(pool: &PgPool, context: &str) {
    let tables: Vec<String> = sqlx::query_scalar(
        "select distinct table_name from card_history where operation = 'update'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for t in tables {
        let orphans: i64 = sqlx::query_scalar(&format!(
            "select count(*) from card_history h
              where h.table_name = '{t}' and h.operation = 'update'
                and not exists (
                    select 1 from {t} x
                     where coalesce((to_jsonb(x) ->> 'id')::uuid,
                                    (to_jsonb(x) ->> 'patient_id')::uuid) = h.row_id
                       and (to_jsonb(x) ->> 'version')::int > h.version)"
        ))
        .fetch_one(pool)
        .await
        .unwrap();
        assert_eq!(orphans, 0, "{t}: history without its change: {context}");
    }
}

/// The `snake_case` words in `text`.
fn codes_in(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| {
            w.split('_').filter(|p| !p.is_empty()).count() >= 2
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .collect()
}

/// What is wrong with a refusal's body, if anything: it must be an
/// `AppError` the client shows in words, carrying no parser text.
fn refusal_problem(status: u16, body: &str) -> Option<String> {
    let Ok(error) = serde_json::from_str::<AppError>(body) else {
        // Not an AppError (a refusal before the server function, e.g. a
        // body over the size limit): plain words only.
        let rust = ["`", "Error", "error:", "panicked", "line ", "column "];
        if !codes_in(body).is_empty() || rust.iter().any(|r| body.contains(r)) {
            return Some(format!("not an AppError and not plain words: {body:.300}"));
        }
        return None;
    };
    if error.status() != status {
        return Some(format!("status {status} for {error:?}"));
    }
    if let AppError::Invalid(field) = &error {
        let code_only = field
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == ':');
        if !code_only {
            return Some(format!("the field code carries parser text: {field:?}"));
        }
    }
    for lang in [Lang::Ja, Lang::En] {
        let words = error.user_message(lang);
        if words.is_empty() || !codes_in(&words).is_empty() {
            return Some(format!("{error:?} is not words in {lang:?}: {words}"));
        }
    }
    None
}

async fn send(app: &TestApp, name: &str, body: &Body) -> (u16, String) {
    let request = app.client.post(app.url(&format!("/api/{name}")));
    let request = match &app.session {
        Some(cookie) => request.header("cookie", cookie),
        None => request,
    };
    let request = match body {
        Body::Form(pairs) => request.form(pairs),
        Body::RawForm(raw) => request
            .header("content-type", "application/x-www-form-urlencoded")
            .body(raw.clone()),
        Body::Json(text) => request
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(text.clone()),
    };
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_never_gives_a_server_error_or_a_partial_write(pool: PgPool) {
    let base = spawn_app(pool.clone()).await;
    // The server functions actually registered are the ones listed here.
    let registered: std::collections::BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    let listed: std::collections::BTreeSet<String> =
        ENDPOINTS.iter().map(|e| e.name.to_owned()).collect();
    assert_eq!(
        registered, listed,
        "add the new server function to ENDPOINTS"
    );

    let mut sessions: std::collections::HashMap<&str, TestApp> = Default::default();
    let mut runner = TestRunner::deterministic();
    let mut problems = Vec::new();
    let mut answered = std::collections::BTreeMap::<u16, u32>::new();
    for endpoint in ENDPOINTS {
        let strategy = body_for(endpoint.fields, endpoint.json_args);
        for case in 0..endpoint.cases {
            if !sessions.contains_key(endpoint.user) {
                let app = base.clone_base().signed_in_as(endpoint.user).await;
                sessions.insert(endpoint.user, app);
            }
            let app = &sessions[endpoint.user];
            let body = strategy.new_tree(&mut runner).unwrap().current();
            let before = snapshot(&pool).await;
            let (status, text) = send(app, endpoint.name, &body).await;
            *answered.entry(status).or_default() += 1;
            let context = format!("{} case {case}: {body:?}", endpoint.name);
            let context: String = context.chars().take(600).collect();
            if status >= 500 {
                problems.push(format!("{status} {text:.300} ← {context}"));
            } else if (400..500).contains(&status) {
                if let Some(problem) = refusal_problem(status, &text) {
                    problems.push(format!("{status} {problem} ← {context}"));
                }
                let after = snapshot(&pool).await;
                if before != after {
                    let changed: Vec<_> = before
                        .iter()
                        .zip(&after)
                        .filter(|(b, a)| b != a)
                        .map(|(b, a)| format!("{} {}→{}", b.0, b.1, a.1))
                        .collect();
                    problems.push(format!(
                        "refused ({status}) but wrote {changed:?} ← {context}"
                    ));
                }
            }
            assert_consistent(&pool, &context).await;
            if endpoint.name == "logout" && status < 400 {
                // Signed out: sign in again for the next case.
                sessions.remove(endpoint.user);
            }
        }
    }
    eprintln!("bad input: answers by status {answered:?}");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
