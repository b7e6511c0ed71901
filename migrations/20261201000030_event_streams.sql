-- Live-update streams, counted in the database so the caps per session and
-- per account hold across several server processes (issue 8).

-- Each running server process, with a heartbeat every few seconds. A
-- process killed without a goodbye stops beating, and its streams stop
-- counting within seconds.
create table server_processes (
    id            uuid primary key,
    pid           integer not null,
    started_at    timestamptz not null default now(),
    heartbeat_at  timestamptz not null default now()
);

-- Each open event stream (`/events/calls`, `/events/calls/{id}`).
create table event_streams (
    id            uuid primary key,
    process_id    uuid not null references server_processes (id) on delete cascade,
    session_hash  bytea not null,
    staff_id      uuid not null references staff (id) on delete cascade,
    -- The call of a call screen; null for the call board.
    call_id       uuid references incidents (id) on delete cascade,
    client_addr   text not null default '',
    opened_at     timestamptz not null default now(),
    -- Renewed at every session re-check (once a minute).
    heartbeat_at  timestamptz not null default now()
);
create index event_streams_staff_idx on event_streams (staff_id);
create index event_streams_process_idx on event_streams (process_id);
