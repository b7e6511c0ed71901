-- The server runs as a role that holds only the rights it needs; the
-- migrations run as the role that owns the tables (whoever runs them: the
-- embedded cluster's `nightcall_owner`, an operator's owner role, or the
-- superuser of the test harness).
--
-- `nightcall_app` is a group role (NOLOGIN here): the embedded default gives
-- it a login and a password; an operator either does the same or grants it
-- to the login the server uses (see docs/security-database.md). It owns
-- nothing, so it cannot ALTER, DROP, DISABLE TRIGGER or TRUNCATE anything,
-- and, not being a superuser, cannot set `session_replication_role`.
--
-- Roles are cluster-wide while migrations run per database: many test
-- databases apply this at the same time. Advisory locks are per database and
-- would not serialise them, so a concurrent CREATE ROLE is caught instead
-- (duplicate_object, or unique_violation on pg_authid when both inserted at
-- once).

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'nightcall_app') then
        begin
            create role nightcall_app nologin;
        exception when duplicate_object or unique_violation then
            null; -- another database's migration created it just now
        end;
    end if;
end;
$$;

-- Whoever runs the migrations may act as the runtime role (the server's
-- fallback when it is given only one URL: `SET ROLE` on every connection).
-- A superuser already may; granting would write the shared catalog, which
-- concurrent test databases would race on.
-- Without the right to grant roles this is left to the operator.
do $$
begin
    if not pg_has_role(current_user, 'nightcall_app', 'member') then
        execute format('grant nightcall_app to %I', current_user);
    end if;
exception when insufficient_privilege then
    raise notice 'grant nightcall_app to % yourself to serve with one URL', current_user;
end;
$$;

grant usage on schema public to nightcall_app;

-- Working tables: read and write rows, nothing else (no TRUNCATE, no
-- REFERENCES, no TRIGGER).
grant select, insert, update, delete on all tables in schema public to nightcall_app;
grant usage, select on all sequences in schema public to nightcall_app;

-- History: what was read, written and tried is kept. Rows are added and
-- read, never changed or removed (a correction is a new row).
revoke update, delete on audit_log, card_history, timeline_entries,
    incident_attempts, break_glass_grants from nightcall_app;

-- The migration bookkeeping is the owner's (absent when the migrations
-- are applied by hand, as scripts/sqlx-prepare does).
do $$
begin
    if to_regclass('_sqlx_migrations') is not null then
        revoke all on _sqlx_migrations from nightcall_app;
    end if;
end;
$$;

-- Tables that later migrations create (as this same owner) are working
-- tables by default; a new history table must revoke UPDATE and DELETE
-- from nightcall_app itself, as above.
alter default privileges in schema public
    grant select, insert, update, delete on tables to nightcall_app;
alter default privileges in schema public
    grant usage, select on sequences to nightcall_app;

-- The timeline refused updates; it now refuses deletes and truncation too,
-- whoever asks (the runtime role cannot even try: no privilege).
create trigger timeline_entries_no_delete before delete on timeline_entries
    for each row execute function card_history_is_append_only();
create trigger timeline_entries_no_truncate before truncate on timeline_entries
    for each statement execute function card_history_is_append_only();
create trigger card_history_no_truncate before truncate on card_history
    for each statement execute function card_history_is_append_only();
