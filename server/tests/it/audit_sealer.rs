//! The audit sealer links committed rows after commit: every row exactly
//! once, whatever the order the rows commit in, however many sealers run
//! at once, and a batch that fails half-way leaves the chain as it was.

use server::audit_chain::{seal, verify, Sealed, Verdict};
use sqlx::PgPool;
use std::time::Duration;

/// Every audit row has exactly one link, the links are numbered 1..=n
/// without gaps, and nothing waits in the queue.
pub async fn assert_every_row_linked_once(pool: &PgPool) {
    let (rows, links, linked_rows, max_seq, queued): (i64, i64, i64, Option<i64>, i64) =
        sqlx::query_as(
            "select (select count(*) from audit_log),
                    (select count(*) from audit_chain),
                    (select count(distinct audit_id) from audit_chain),
                    (select max(seq) from audit_chain),
                    (select count(*) from audit_unsealed)",
        )
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(links, rows, "one link per row");
    assert_eq!(linked_rows, rows, "no row linked twice");
    assert_eq!(max_seq.unwrap_or(0), links, "no gap in the chain");
    assert_eq!(queued, 0, "nothing left in the queue");
    let Verdict::Intact {
        rows: n,
        unsealed: 0,
        ..
    } = verify(pool).await.unwrap()
    else {
        panic!("an intact, fully sealed chain")
    };
    assert_eq!(n, rows);
}

async fn insert(pool: &PgPool, detail: &str) {
    sqlx::query(
        "insert into audit_log (action, outcome, detail) values ('read_card', 'allowed', $1)",
    )
    .bind(detail)
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_row_that_commits_after_a_higher_id_was_sealed_is_linked_in_a_later_batch(pool: PgPool) {
    // The lower id is taken first but its transaction commits last.
    let mut late = pool.begin().await.unwrap();
    let low: i64 = sqlx::query_scalar(
        "insert into audit_log (action, outcome, detail) values ('read_card', 'allowed', 'late')
         returning id",
    )
    .fetch_one(&mut *late)
    .await
    .unwrap();
    insert(&pool, "early").await;
    assert_eq!(seal(&pool).await.unwrap(), Sealed::Linked(1));
    let high: i64 = sqlx::query_scalar("select audit_id from audit_chain where seq = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(high > low, "the early commit has the higher id");
    late.commit().await.unwrap();
    let verdict = verify(&pool).await.unwrap();
    assert!(
        matches!(
            verdict,
            Verdict::Intact {
                rows: 1,
                unsealed: 1,
                ..
            }
        ),
        "{verdict}"
    );
    assert_eq!(seal(&pool).await.unwrap(), Sealed::Linked(1));
    let seq: i64 = sqlx::query_scalar("select seq from audit_chain where audit_id = $1")
        .bind(low)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(seq, 2, "the chain follows the sealing order");
    assert_every_row_linked_once(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn sealers_running_at_once_never_link_a_row_twice(pool: PgPool) {
    let runtime = server::as_runtime_role(&pool);
    let writing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut sealers = Vec::new();
    for _ in 0..4 {
        let runtime = runtime.clone();
        let writing = writing.clone();
        sealers.push(tokio::spawn(async move {
            let (mut linked, mut busy) = (0_i64, 0_u32);
            while writing.load(std::sync::atomic::Ordering::Relaxed) {
                match seal(&runtime).await.unwrap() {
                    Sealed::Linked(n) => linked += n,
                    Sealed::Busy => busy += 1,
                }
                tokio::task::yield_now().await;
            }
            (linked, busy)
        }));
    }
    let mut writers = Vec::new();
    for i in 0..16 {
        let runtime = runtime.clone();
        writers.push(tokio::spawn(async move {
            for j in 0..20 {
                insert(&runtime, &format!("{i}/{j}")).await;
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    writing.store(false, std::sync::atomic::Ordering::Relaxed);
    let mut linked = 0;
    for s in sealers {
        linked += s.await.unwrap().0;
    }
    let Sealed::Linked(rest) = seal(&runtime).await.unwrap() else {
        panic!("no other sealer is left")
    };
    assert_eq!(linked + rest, 320);
    assert_every_row_linked_once(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_sealer_skips_while_another_holds_the_lock_and_a_failed_batch_links_nothing(
    pool: PgPool,
) {
    insert(&pool, "one").await;
    insert(&pool, "two").await;
    // Another process's sealer is in the middle of its batch.
    let mut other = pool.begin().await.unwrap();
    sqlx::query("select pg_advisory_xact_lock(20261202, 210)")
        .execute(&mut *other)
        .await
        .unwrap();
    assert_eq!(seal(&pool).await.unwrap(), Sealed::Busy);
    other.rollback().await.unwrap();

    // A batch that dies before its commit (a crash, a lost connection).
    let mut crashed = pool.begin().await.unwrap();
    let n: Option<i32> = sqlx::query_scalar("select audit_chain_seal(100)")
        .fetch_one(&mut *crashed)
        .await
        .unwrap();
    assert_eq!(n, Some(2));
    crashed.rollback().await.unwrap();
    let verdict = verify(&pool).await.unwrap();
    assert!(
        matches!(
            verdict,
            Verdict::Intact {
                rows: 0,
                unsealed: 2,
                ..
            }
        ),
        "{verdict}"
    );

    // A sealing transaction that could see an old snapshot is refused.
    let mut rr = pool.begin().await.unwrap();
    sqlx::query("set transaction isolation level repeatable read")
        .execute(&mut *rr)
        .await
        .unwrap();
    assert!(sqlx::query("select audit_chain_seal(100)")
        .execute(&mut *rr)
        .await
        .is_err());
    rr.rollback().await.unwrap();

    assert_eq!(seal(&pool).await.unwrap(), Sealed::Linked(2));
    assert_every_row_linked_once(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn the_servers_worker_seals_within_seconds_as_the_runtime_role(pool: PgPool) {
    let runtime = server::as_runtime_role(&pool);
    let worker = server::start_worker(&runtime);
    insert(&runtime, "sealed by the worker").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let verdict = verify(&pool).await.unwrap();
        if matches!(
            verdict,
            Verdict::Intact {
                rows: 1,
                unsealed: 0,
                ..
            }
        ) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not sealed: {verdict}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    worker.stop().await;
    assert_every_row_linked_once(&pool).await;
}
