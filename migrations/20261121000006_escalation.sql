-- Night-call escalation: duty schedules, planned absences, escalation
-- policies, and the durable record of each night call (incident) with its
-- attempts and the morning hand-off.
--
-- The schedule and the policies are stored as the JSON of the pure domain
-- types (app/src/domain/{schedule,escalation}.rs): they are read whole,
-- resolved in Rust, and edited by the coordinator as a unit, with a version
-- for optimistic concurrency. What must be queried on its own (absences,
-- incidents, attempts, deadlines) has its own columns and indexes.

create table duty_schedules (
    clinic_team_id  uuid primary key references clinic_teams (id) on delete cascade,
    definition      jsonb not null,
    version         integer not null default 1,
    updated_at      timestamptz not null default now(),
    updated_by      uuid references staff (id)
);

create table planned_absences (
    id             uuid primary key,
    staff_id       uuid not null references staff (id) on delete cascade,
    starts_at      timestamptz not null,
    ends_at        timestamptz not null,
    reason         text not null,
    substitute_id  uuid references staff (id),
    created_at     timestamptz not null default now(),
    created_by     uuid references staff (id),
    cancelled_at   timestamptz,
    constraint planned_absences_period_check check (ends_at > starts_at),
    constraint planned_absences_substitute_check check (substitute_id is null or substitute_id <> staff_id)
);
create index planned_absences_staff_idx on planned_absences (staff_id, ends_at) where cancelled_at is null;
create index planned_absences_period_idx on planned_absences (starts_at, ends_at) where cancelled_at is null;

create table escalation_policies (
    clinic_team_id  uuid primary key references clinic_teams (id) on delete cascade,
    policy          jsonb not null,
    version         integer not null default 1,
    updated_at      timestamptz not null default now()
);

create table patient_escalation_policies (
    patient_id  uuid primary key references patients (id) on delete cascade,
    policy      jsonb not null,
    version     integer not null default 1,
    updated_at  timestamptz not null default now()
);

-- One night call. The resolved path is snapshotted when the call opens, so
-- what the nurse saw is what the engine follows; `current_step` and
-- `step_deadline` are the engine's durable state.
create table incidents (
    id              uuid primary key,
    patient_id      uuid not null references patients (id) on delete restrict,
    opened_by       uuid not null references staff (id),
    opened_at       timestamptz not null default now(),
    reason          text not null,
    vitals          jsonb not null default '{}'::jsonb,
    note            text not null default '',
    path            jsonb not null,
    current_step    integer not null default 0,
    step_deadline   timestamptz,
    state           text not null default 'calling',
    accepted_by     uuid references staff (id),
    accepted_at     timestamptz,
    eta_minutes     integer,
    arrived_at      timestamptz,
    closed_at       timestamptz,
    closed_by       uuid references staff (id),
    outcome         text,
    outcome_detail  jsonb,
    version         integer not null default 1,
    constraint incidents_state_check
        check (state in ('calling', 'exhausted', 'accepted', 'advised', 'arrived', 'closed')),
    constraint incidents_reason_check
        check (reason in ('fever', 'pain', 'breathing', 'fall', 'device', 'death', 'other')),
    constraint incidents_eta_check check (eta_minutes is null or eta_minutes between 0 and 600)
);
create index incidents_due_idx on incidents (step_deadline) where state = 'calling';
create index incidents_patient_idx on incidents (patient_id, opened_at desc);
create index incidents_open_idx on incidents (opened_at desc) where state <> 'closed';

create table incident_attempts (
    id            bigint generated always as identity primary key,
    incident_id   uuid not null references incidents (id) on delete cascade,
    step_index    integer not null,
    callee_id     uuid,
    callee_name   text not null,
    phone         text not null default '',
    at            timestamptz not null default now(),
    outcome       text not null,
    eta_minutes   integer,
    note          text not null default '',
    recorded_by   uuid references staff (id),
    constraint incident_attempts_outcome_check
        check (outcome in ('no_answer', 'declined', 'accepted', 'advised', 'timed_out', 'arrived'))
);
create index incident_attempts_incident_idx on incident_attempts (incident_id, at);
-- The engine times a step out at most once, whatever the number of workers
-- (a second line of defence behind FOR UPDATE SKIP LOCKED).
create unique index incident_attempts_timeout_once on incident_attempts (incident_id, step_index)
    where outcome = 'timed_out';

-- The covering doctor's report to the attending physician, on the morning
-- list until acknowledged.
create table handoffs (
    id               uuid primary key,
    incident_id      uuid not null references incidents (id) on delete cascade,
    patient_id       uuid not null references patients (id) on delete restrict,
    attending_id     uuid references staff (id),
    written_by       uuid not null references staff (id),
    summary          text not null,
    created_at       timestamptz not null default now(),
    acknowledged_at  timestamptz,
    acknowledged_by  uuid references staff (id),
    constraint handoffs_incident_key unique (incident_id)
);
create index handoffs_attending_idx on handoffs (attending_id, created_at desc) where acknowledged_at is null;
