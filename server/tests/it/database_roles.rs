//! The database defends the record itself: the server's runtime role can
//! add to the audit log and the history but never change or remove a row,
//! switch a trigger off or leave replication mode on; and the audit log's
//! hash chain shows a row the owner changed behind everyone's back.

use crate::common::spawn_app;
use server::audit_chain::{seal, verify, Sealed, Verdict};
use sqlx::PgPool;

/// The error PostgreSQL gives the runtime role for `sql`; panics if the
/// statement succeeds.
async fn refused(runtime: &PgPool, sql: &str) -> String {
    match sqlx::query(sql).execute(runtime).await {
        Ok(done) => panic!("{sql}: the runtime role was allowed ({done:?})"),
        Err(e) => e.to_string(),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_runtime_role_cannot_rewrite_the_audit_log_or_the_history(pool: PgPool) {
    server::demo::seed_demo(&pool).await.expect("seed");
    let runtime = server::as_runtime_role(&pool);
    let who: (String, bool) = sqlx::query_as(
        "select current_user::text, (select rolsuper from pg_roles where rolname = current_user)",
    )
    .fetch_one(&runtime)
    .await
    .unwrap();
    assert_eq!(who, ("nightcall_app".to_owned(), false));
    server::check_runtime_role(&runtime)
        .await
        .expect("the server accepts this role");

    // It may add and read.
    sqlx::query("insert into audit_log (action, outcome) values ('read_card', 'allowed')")
        .execute(&runtime)
        .await
        .expect("insert audit row");
    sqlx::query("select count(*) from audit_log")
        .execute(&runtime)
        .await
        .expect("read audit rows");

    for sql in [
        "update audit_log set outcome = 'denied'",
        "delete from audit_log",
        "truncate audit_log",
        "truncate audit_log cascade",
    ] {
        let error = refused(&runtime, sql).await;
        assert!(error.contains("permission denied"), "{sql}: {error}");
    }
    for sql in [
        "alter table audit_log disable trigger audit_log_no_update",
        "alter table audit_log disable trigger all",
        "drop trigger audit_log_no_update on audit_log",
        "alter table audit_chain disable trigger all",
    ] {
        let error = refused(&runtime, sql).await;
        assert!(error.contains("must be owner"), "{sql}: {error}");
    }
    let error = refused(&runtime, "set session_replication_role = replica").await;
    assert!(error.contains("permission denied"), "{error}");
    for sql in [
        "insert into audit_chain (seq, audit_id, row_hash) values (999999, 1, '\\x00')",
        "insert into audit_unsealed (audit_id) values (999999)",
        "delete from audit_unsealed",
    ] {
        let error = refused(&runtime, sql).await;
        assert!(error.contains("permission denied"), "{sql}: {error}");
    }
    let error = refused(
        &runtime,
        "alter table audit_log disable trigger audit_log_enqueue",
    )
    .await;
    assert!(error.contains("must be owner"), "{error}");
    // It may seal (the server's sealer runs on its login): that links the
    // rows with their true hashes, nothing else.
    assert!(matches!(seal(&runtime).await, Ok(Sealed::Linked(n)) if n >= 1));

    // The timeline and the card history: a correction is a new entry.
    for sql in [
        "delete from timeline_entries",
        "update timeline_entries set body = 'changed'",
        "truncate timeline_entries",
        "delete from card_history",
        "update card_history set operation = 'update'",
        "delete from incident_attempts",
        "delete from break_glass_grants",
    ] {
        let error = refused(&runtime, sql).await;
        assert!(error.contains("permission denied"), "{sql}: {error}");
    }
    // No DDL, and it owns nothing.
    let error = refused(&runtime, "create table intruder (x int)").await;
    assert!(error.contains("permission denied"), "{error}");
    let error = refused(&runtime, "alter table patients add column x int").await;
    assert!(error.contains("must be owner"), "{error}");
    let owned: i64 = sqlx::query_scalar(
        "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and pg_get_userbyid(c.relowner) = 'nightcall_app'",
    )
    .fetch_one(&runtime)
    .await
    .unwrap();
    assert_eq!(owned, 0);
    // Even the owner cannot delete a timeline entry (a trigger refuses).
    assert!(sqlx::query("delete from timeline_entries")
        .execute(&pool)
        .await
        .is_err());
}

#[sqlx::test(migrations = "../migrations")]
async fn the_server_refuses_to_run_as_a_superuser(pool: PgPool) {
    let error = server::check_runtime_role(&pool)
        .await
        .expect_err("the harness's superuser is refused");
    assert!(error.to_string().contains("superuser"), "{error}");
}

#[sqlx::test(migrations = "../migrations")]
async fn audit_verify_finds_the_row_the_owner_changed(pool: PgPool) {
    let mut app = spawn_app(pool.clone()).await;
    app.sign_in("nurse1").await;
    let (status, _) = app
        .get(&format!(
            "/patients/{}/night-card",
            server::demo::demo_patient_id(1)
        ))
        .await;
    assert_eq!(status, 200);
    let rows: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(rows >= 2, "sign-in and the read");
    // Nothing is linked at commit: the rows wait for the sealer.
    assert_eq!(
        verify(&pool).await.unwrap(),
        Verdict::Intact {
            rows: 0,
            head: String::new(),
            unsealed: rows
        }
    );
    assert_eq!(seal(&pool).await.unwrap(), Sealed::Linked(rows));
    match verify(&pool).await.unwrap() {
        Verdict::Intact {
            rows: n,
            head,
            unsealed,
        } => {
            assert_eq!((n, unsealed), (rows, 0));
            assert_eq!(head.len(), 64);
        }
        broken => panic!("an intact chain: {broken}"),
    }

    // 16 concurrent writers (as from several server processes), then one
    // seal: one chain, no gaps, every row linked once.
    let mut tasks = Vec::new();
    for i in 0..16 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            for j in 0..10 {
                let mut tx = pool.begin().await.unwrap();
                sqlx::query("insert into audit_log (action, outcome, detail) values ('read_card', 'allowed', $1)")
                    .bind(format!("{i}/{j}"))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(seal(&pool).await.unwrap(), Sealed::Linked(160));
    let Verdict::Intact {
        rows: n,
        unsealed: 0,
        ..
    } = verify(&pool).await.unwrap()
    else {
        panic!("concurrent inserts keep the chain intact")
    };
    assert_eq!(n, rows + 160);
    crate::audit_sealer::assert_every_row_linked_once(&pool).await;

    // The owner changes one row behind the triggers' back.
    let victim: i64 = sqlx::query_scalar(
        "select id from audit_log where action = 'read_card' order by id limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    for sql in [
        "alter table audit_log disable trigger audit_log_no_update",
        "update audit_log set detail = 'nothing to see' where id = $1",
        "alter table audit_log enable trigger audit_log_no_update",
    ] {
        sqlx::query(sql)
            .bind(victim)
            .execute(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    tx.commit().await.unwrap();
    match verify(&pool).await.unwrap() {
        Verdict::Broken {
            audit_id, at, why, ..
        } => {
            assert_eq!(audit_id, Some(victim));
            assert!(at.is_some());
            assert!(why.contains("changed"), "{why}");
        }
        intact => panic!("the change must be found: {intact}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn audit_verify_finds_a_row_kept_from_the_sealer(pool: PgPool) {
    // The owner writes a row with the queue's trigger switched off: the
    // sealer never sees it, verify does (over the whole log), first as
    // waiting, then — a minute on — as a problem.
    let mut tx = pool.begin().await.unwrap();
    for sql in [
        "alter table audit_log disable trigger audit_log_enqueue",
        "insert into audit_log (action, outcome) values ('read_card', 'allowed')",
        "alter table audit_log enable trigger audit_log_enqueue",
    ] {
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(seal(&pool).await.unwrap(), Sealed::Linked(0));
    let verdict = verify(&pool).await.unwrap();
    assert!(
        matches!(verdict, Verdict::Intact { unsealed: 1, .. }),
        "{verdict}"
    );
    let hidden: i64 = sqlx::query_scalar("select max(id) from audit_log")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    for sql in [
        "alter table audit_log disable trigger audit_log_no_update",
        "update audit_log set at = now() - interval '2 minutes'",
        "alter table audit_log enable trigger audit_log_no_update",
    ] {
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    let verdict = verify(&pool).await.unwrap();
    match &verdict {
        Verdict::Overdue {
            audit_id,
            unsealed: 1,
            ..
        } => assert_eq!(*audit_id, hidden),
        other => panic!("an overdue row: {other}"),
    }
    let line = verdict.to_string();
    assert!(line.contains("sealer") && !line.contains('\n'), "{line}");
}
