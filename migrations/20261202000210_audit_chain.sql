-- The audit log, hash-chained, and every read with the patients it showed.
--
-- 1. `patient_ids`: a read that returns several patients (a list, a search,
--    the hand-offs, the break-glass notices) names all of them, so "who
--    looked at this patient" finds it.
--
-- 2. The chain: every audit row gets a link in `audit_chain`: its place
--    (`seq`, 1, 2, 3 … without gaps), the previous link's hash, and
--    sha256(previous hash || canonical bytes of the row). A row changed or
--    removed afterwards (by the owner: the runtime role cannot) breaks the
--    link at that row; `nightcall audit verify` walks the chain and
--    recomputes every hash in Rust, trusting no function in the database.
--
--    The canonical bytes: for each field in order — seq, audit id, `at` as
--    microseconds since 1970 UTC, staff_id, session_hash (lowercase hex),
--    patient_id, patient_ids (comma-joined), action, outcome, detail, ip —
--    `N` for null, else `S<bytes>:<utf-8 text>`.
--
--    The link is written by a DEFERRED constraint trigger, i.e. at commit,
--    under one advisory lock for the whole database: links are taken in
--    commit order, also with several server processes, and the lock is held
--    only for the commit itself. Taken at insert time it would be held for
--    the rest of the transaction, and a transaction that writes its audit
--    row before locking a call would deadlock with one that locks the call
--    first. The function runs as the owner (SECURITY DEFINER): the runtime
--    role cannot write links itself.

alter table audit_log add column patient_ids uuid[] not null default '{}';
create index audit_log_patient_ids_idx on audit_log using gin (patient_ids);

create table audit_chain (
    seq        bigint primary key,
    audit_id   bigint not null references audit_log (id),
    prev_hash  bytea,
    row_hash   bytea not null,
    constraint audit_chain_audit_key unique (audit_id),
    constraint audit_chain_first_check check ((seq = 1) = (prev_hash is null))
);
create trigger audit_chain_no_update before update or delete on audit_chain
    for each row execute function audit_log_is_append_only();
create trigger audit_chain_no_truncate before truncate on audit_chain
    for each statement execute function audit_log_is_append_only();
revoke all on audit_chain from nightcall_app;
grant select on audit_chain to nightcall_app;

create function nc_audit_field(v text) returns bytea
language sql immutable parallel safe as $$
    select case when v is null then '\x4e'::bytea
                else convert_to('S' || octet_length(v) || ':' || v, 'UTF8') end
$$;

create function nc_audit_canonical(seq bigint, a audit_log) returns bytea
language sql stable parallel safe as $$
    select nc_audit_field(seq::text)
        || nc_audit_field(a.id::text)
        || nc_audit_field(((extract(epoch from a.at) * 1000000)::bigint)::text)
        || nc_audit_field(a.staff_id::text)
        || nc_audit_field(encode(a.session_hash, 'hex'))
        || nc_audit_field(a.patient_id::text)
        || nc_audit_field(array_to_string(a.patient_ids, ','))
        || nc_audit_field(a.action)
        || nc_audit_field(a.outcome)
        || nc_audit_field(a.detail)
        || nc_audit_field(a.ip)
$$;

create function audit_log_link() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
    last audit_chain;
begin
    perform pg_advisory_xact_lock(20261202, 210);
    select * into last from audit_chain order by seq desc limit 1;
    insert into audit_chain (seq, audit_id, prev_hash, row_hash)
    values (coalesce(last.seq, 0) + 1, new.id, last.row_hash,
            sha256(coalesce(last.row_hash, ''::bytea)
                   || nc_audit_canonical(coalesce(last.seq, 0) + 1, new)));
    return null;
end;
$$;
revoke all on function audit_log_link() from public;

-- The rows written before the chain existed, linked in id order.
do $$
declare
    r audit_log;
    n bigint := 0;
    prev bytea := null;
    h bytea;
begin
    for r in select * from audit_log order by id loop
        n := n + 1;
        h := sha256(coalesce(prev, ''::bytea) || nc_audit_canonical(n, r));
        insert into audit_chain (seq, audit_id, prev_hash, row_hash) values (n, r.id, prev, h);
        prev := h;
    end loop;
end;
$$;

create constraint trigger audit_log_chain after insert on audit_log
    deferrable initially deferred
    for each row execute function audit_log_link();
