//! `spawn_app`: the real application on port 0 against a fresh database,
//! and a small client that signs in like a browser would.
#![allow(dead_code)] // each test file uses a different part of this

use server::demo::DEMO_PASSWORD;
use server::{demo, routes, state_with};
use sqlx::PgPool;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    /// The session cookie (`__Host-nc_session=…`) once signed in. Kept by hand:
    /// the cookie is `Secure`, and the test server speaks plain HTTP.
    pub session: Option<String>,
    /// Closes the app's runtime pool when the last client of this app is
    /// gone (see [`ServerGuard`]).
    _server: Option<std::sync::Arc<ServerGuard>>,
}

/// Ends a test's in-process server with the test: its runtime pool (and so
/// the live hub, which stops when that pool closes) is closed when the last
/// [`TestApp`] of the server is dropped. Without it, the harness's `drop
/// database` found the app's connections still open, waited PostgreSQL's
/// five seconds for them and gave up: five idle seconds and a left-behind
/// database per test.
struct ServerGuard {
    runtime: PgPool,
    serve: tokio::task::JoinHandle<()>,
}

impl Drop for ServerGuard {
    fn drop(&mut self) {
        self.serve.abort();
        let runtime = self.runtime.clone();
        // Marks the pool closed at once; the spawned half closes the idle
        // connections while the harness tears the test down.
        let closing = async move { runtime.close().await };
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(closing);
        }
    }
}

impl TestApp {
    /// A signed-out client of a server at `base` that this test does not
    /// own (a spawned binary).
    pub fn at(base: String) -> TestApp {
        TestApp {
            base,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // A request that never answers fails the test with its URL
                // instead of stalling the whole run (a hang guard, not a
                // timing assertion).
                .timeout(std::time::Duration::from_secs(120))
                .build()
                .expect("client"),
            session: None,
            _server: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    fn with_session(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.session {
            Some(cookie) => request.header("cookie", cookie),
            None => request,
        }
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self
            .with_session(self.client.get(self.url(path)))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// POSTs a form to a server function as the signed-in user.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.with_session(self.client.post(self.url(path)))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Another client of the same server, signed out.
    pub fn clone_base(&self) -> TestApp {
        TestApp {
            base: self.base.clone(),
            client: self.client.clone(),
            session: None,
            _server: self._server.clone(),
        }
    }

    /// Takes the new session cookie a response sets (the token changes
    /// when the second factor completes); `true` if there was one.
    pub fn adopt_session(&mut self, response: &reqwest::Response) -> bool {
        match session_from(response) {
            Some(cookie) => {
                self.session = Some(cookie);
                true
            }
            None => false,
        }
    }

    /// Issues an enrolment code for `login` (as `nightcall staff
    /// enrolment-code` does) and redeems it in this session with the demo
    /// password: the session may then enrol a first factor, and holds a
    /// fresh proof.
    pub async fn redeem_enrolment_code(&self, pool: &PgPool, login: &str) {
        let code = issue_enrolment_code(pool, login).await;
        let r = self
            .post_form(
                "/api/enrolment_code",
                &[("code", &code), ("password", DEMO_PASSWORD)],
            )
            .await;
        assert!(
            r.status().is_success() || r.status().is_redirection(),
            "redeeming an enrolment code for {login}: {}",
            r.status()
        );
    }

    /// Signs in with the demo password and keeps the session cookie.
    pub async fn sign_in(&mut self, login_id: &str) -> reqwest::Response {
        self.session = None;
        let response = self
            .post_form(
                "/api/login",
                &[
                    ("login_id", login_id),
                    ("password", DEMO_PASSWORD),
                    ("next", "/"),
                ],
            )
            .await;
        self.session = session_from(&response);
        response
    }

    /// Signs in and panics if that fails.
    pub async fn signed_in_as(mut self, login_id: &str) -> Self {
        let response = self.sign_in(login_id).await;
        assert!(
            self.session.is_some(),
            "sign-in as {login_id}: {}",
            response.status()
        );
        self
    }
}

/// The session cookie (`name=value`) a response sets, if any.
pub fn session_from(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-nc_session=") && !v.starts_with("__Host-nc_session=;"))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// The fixed server key of the tests (never used outside them).
pub const TEST_SECRET_KEY: [u8; 32] = [0x42; 32];
/// The same key as `NIGHTCALL_SECRET_KEY` for a spawned binary.
pub const TEST_SECRET_KEY_HEX: &str =
    "4242424242424242424242424242424242424242424242424242424242424242";

/// A fresh enrolment code for `login`, as an administrator issues it.
pub async fn issue_enrolment_code(pool: &PgPool, login: &str) -> String {
    app::ssr::secrets::install(TEST_SECRET_KEY);
    app::ssr::enrolment::issue(pool, login, chrono::Utc::now())
        .await
        .expect("issue")
        .expect("an active account")
        .0
}

/// Seeds the demo data into `pool` (a fresh database from `#[sqlx::test]`)
/// and serves the app on a free port. `pool` is the harness's superuser,
/// who owns the tables and seeds; the app serves as the runtime role
/// (`nightcall_app`), as in production, so every test proves that the
/// runtime role's grants are enough.
pub async fn spawn_app(pool: PgPool) -> TestApp {
    spawn_app_with(pool, app::ssr::state::StreamLimits::default()).await
}

/// [`spawn_app`] with other live-stream caps and re-check interval.
pub async fn spawn_app_with(pool: PgPool, limits: app::ssr::state::StreamLimits) -> TestApp {
    assert!(app::ssr::secrets::install(TEST_SECRET_KEY), "one key");
    demo::seed_demo(&pool).await.expect("seed demo data");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let runtime = server::as_runtime_role(&pool);
    let app = routes::router(state_with(runtime.clone(), "target/site", addr, limits));
    let serve = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    TestApp {
        _server: Some(std::sync::Arc::new(ServerGuard { runtime, serve })),
        ..TestApp::at(format!("http://{addr}"))
    }
}

/// The id of the demo team called `name`.
pub async fn team_id(pool: &PgPool, name: &str) -> uuid::Uuid {
    sqlx::query_scalar("select id from clinic_teams where name = $1")
        .bind(name)
        .fetch_one(pool)
        .await
        .expect("a demo team of that name")
}

/// A new hospital called `name` (address and phone are placeholders).
pub async fn add_hospital(pool: &PgPool, name: &str) -> uuid::Uuid {
    let id = uuid::Uuid::new_v4();
    sqlx::query(
        "insert into organizations (id, kind, name, name_kana, phone, address)
         values ($1, 'hospital', $2, 'びょういん', '0263-00-0000', '長野県')",
    )
    .bind(id)
    .bind(name)
    .execute(pool)
    .await
    .expect("insert a hospital");
    id
}
