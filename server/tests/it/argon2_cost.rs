//! Unknown and known login ids cost the same: one argon2 run each. Counted,
//! not timed. The counter is per process: the test binary runs one test at a
//! time (`scripts/test` passes `--test-threads=1`), so nothing else hashes
//! while it counts.

use crate::common::spawn_app;
use app::ssr::auth::argon2_runs;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn unknown_and_known_login_ids_each_cost_one_argon2_run(pool: PgPool) {
    let app = spawn_app(pool).await;
    let login = |login_id: &'static str| {
        let app = &app;
        async move {
            let r = app
                .post_form(
                    "/api/login",
                    &[("login_id", login_id), ("password", "wrong"), ("next", "/")],
                )
                .await;
            assert_eq!(r.status().as_u16(), 401, "{login_id}");
        }
    };
    // The first sign-in of the process may prepare the dummy hash.
    login("nobody-here").await;

    for (login_id, known) in [
        ("nurse1", true),
        ("no-such-nurse", false),
        ("doctor2", true),
        ("ghost", false),
    ] {
        let before = argon2_runs();
        login(login_id).await;
        assert_eq!(
            argon2_runs() - before,
            1,
            "{login_id} (known: {known}) costs exactly one argon2 run"
        );
    }
}
