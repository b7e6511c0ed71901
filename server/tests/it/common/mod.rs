//! `spawn_app`: the real application on port 0 against a fresh database,
//! and a small client that signs in like a browser would.
#![allow(dead_code)] // each test file uses a different part of this

use server::demo::DEMO_PASSWORD;
use server::{demo, routes, state_with};
use sqlx::PgPool;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    /// The session cookie (`nc_session=…`) once signed in. Kept by hand:
    /// the cookie is `Secure`, and the test server speaks plain HTTP.
    pub session: Option<String>,
}

impl TestApp {
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
        }
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
        self.session = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("nc_session=") && !v.starts_with("nc_session=;"))
            .and_then(|v| v.split(';').next())
            .map(str::to_owned);
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
    demo::seed_demo(&pool).await.expect("seed demo data");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let runtime = server::as_runtime_role(&pool);
    let app = routes::router(state_with(runtime, "target/site", addr, limits));
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A request that never answers fails the test with its URL
            // instead of stalling the whole run (a hang guard, not a
            // timing assertion).
            .timeout(std::time::Duration::from_secs(120))
            .build()
            .expect("client"),
        session: None,
    }
}
