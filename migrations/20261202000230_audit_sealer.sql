-- The audit chain, linked after commit instead of during it.
--
-- Until now (migration 20261202000210) every audited commit took one
-- advisory lock for the whole database and held it through its own WAL
-- flush: concurrent writers lost group commit, and every card read is an
-- audited commit (pgbench, 8 writers: ~1 040 tps without the chain, ~190
-- with it). Now an insert takes no lock and writes no link: it only puts
-- its id in `audit_unsealed`. A sealer (a task in every server process,
-- once a second) calls `audit_chain_seal`, which links the committed rows
-- still waiting, in one transaction:
--
-- * One sealer at a time, whatever the number of server processes: the
--   function takes `pg_try_advisory_xact_lock(20261202, 210)` and returns
--   null at once when another sealer holds it. The lock is released at the
--   sealing transaction's end, after its links became visible, so the next
--   sealer starts from the new head. `audit_chain.seq` (primary key) and
--   `audit_id` (unique) make a second link for a row, or a fork of the
--   chain, impossible even if that reasoning were wrong: the batch would
--   fail and be retried.
-- * A crash mid-batch rolls the whole batch back: the chain stays as it
--   was and the rows stay queued.
-- * The chain's order is the sealing order (`seq`), not the id order: a
--   row whose lower id committed after a higher one was sealed is simply
--   linked in a later batch. Waiting rows are found through the queue, not
--   by "id greater than the last sealed id", so none can be skipped.
-- * `nightcall audit verify` still walks every link in Rust, and finds
--   every audit row without a link by an anti-join over the whole log (it
--   does not trust the queue either); a row waiting for more than a minute
--   means no sealer runs.
--
-- The runtime role can neither write the chain nor the queue: the enqueue
-- trigger and the sealing function run as the owner (SECURITY DEFINER).
-- It may call `audit_chain_seal`, which only ever links existing rows with
-- their true hashes, so the server's sealer runs on its ordinary login.

drop trigger audit_log_chain on audit_log;
drop function audit_log_link();

-- The audit rows written but not linked yet: at most about a second's
-- worth while a sealer runs. No foreign key: the queue must cost an insert
-- as little as possible, and verify does not rely on it.
create table audit_unsealed (
    audit_id bigint primary key
);
revoke all on audit_unsealed from nightcall_app;
grant select on audit_unsealed to nightcall_app;

create function audit_log_enqueue() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
    insert into audit_unsealed (audit_id) values (new.id);
    return null;
end;
$$;
revoke all on function audit_log_enqueue() from public;

create trigger audit_log_enqueue after insert on audit_log
    for each row execute function audit_log_enqueue();

-- Links up to `max_rows` waiting rows (lowest ids first) after the chain's
-- head and returns how many; null when another sealer is at work.
create function audit_chain_seal(max_rows integer) returns integer
language plpgsql security definer set search_path = public, pg_temp as $$
declare
    head audit_chain;
    r audit_log;
    s bigint;
    prev bytea;
    h bytea;
    n integer := 0;
begin
    -- Each statement below must see what the previous sealer committed.
    if current_setting('transaction_isolation') <> 'read committed' then
        raise exception 'audit_chain_seal runs in read committed transactions only';
    end if;
    if not pg_try_advisory_xact_lock(20261202, 210) then
        return null;
    end if;
    -- Queue entries of rows already linked (or removed): drop them.
    delete from audit_unsealed u
     where exists (select 1 from audit_chain c where c.audit_id = u.audit_id)
        or not exists (select 1 from audit_log a where a.id = u.audit_id);
    select * into head from audit_chain order by seq desc limit 1;
    s := coalesce(head.seq, 0);
    prev := head.row_hash;
    for r in select a.* from audit_unsealed u join audit_log a on a.id = u.audit_id
              order by u.audit_id limit max_rows loop
        s := s + 1;
        h := sha256(coalesce(prev, ''::bytea) || nc_audit_canonical(s, r));
        insert into audit_chain (seq, audit_id, prev_hash, row_hash) values (s, r.id, prev, h);
        delete from audit_unsealed where audit_id = r.id;
        prev := h;
        n := n + 1;
    end loop;
    return n;
end;
$$;
revoke all on function audit_chain_seal(integer) from public;
grant execute on function audit_chain_seal(integer) to nightcall_app;

-- Rows without a link now (none, unless the old trigger was switched off):
-- the first sealer links them.
insert into audit_unsealed (audit_id)
select a.id from audit_log a
 where not exists (select 1 from audit_chain c where c.audit_id = a.id);
