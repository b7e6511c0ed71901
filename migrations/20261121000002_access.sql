-- Who may see what: staff sign-in, sessions, second factor, care teams,
-- group-care consent, break-glass access and the append-only audit log.
-- Anchor: MHLW guideline for medical information systems 6.0 (identify and
-- authenticate every user, restrict by role and duty, keep access logs,
-- two-factor authentication, passwords only as slow hashes).

alter table organizations
    add column require_second_factor boolean not null default false;

alter table staff
    add column login_id text,
    -- argon2id PHC string; never leaves the server.
    add column password_hash text,
    -- base32 TOTP secret once enrolment is confirmed; the pending secret
    -- lives on the session until the first code checks out.
    add column totp_secret text,
    add column totp_enabled_at timestamptz,
    add column disabled_at timestamptz,
    add constraint staff_login_id_key unique (login_id),
    add constraint staff_login_id_format check (login_id ~ '^[a-z0-9][a-z0-9._-]{2,63}$');

-- Sessions are stored here (not in memory) so several server processes can
-- share them. The cookie holds a random token; we keep only its SHA-256.
create table sessions (
    token_hash          bytea primary key,
    staff_id            uuid not null references staff (id) on delete cascade,
    created_at          timestamptz not null default now(),
    last_seen_at        timestamptz not null default now(),
    -- Absolute timeout: the session ends then whatever the activity.
    expires_at          timestamptz not null,
    -- False until the second factor is checked (when one is required).
    second_factor_done  boolean not null default false,
    pending_totp_secret text,
    revoked_at          timestamptz,
    ip                  text not null default '',
    user_agent          text not null default ''
);
create index sessions_staff_idx on sessions (staff_id) where revoked_at is null;

create table login_attempts (
    id          bigint generated always as identity primary key,
    login_id    text not null,
    ip          text not null,
    at          timestamptz not null default now(),
    succeeded   boolean not null
);
create index login_attempts_login_idx on login_attempts (login_id, at desc);
create index login_attempts_ip_idx on login_attempts (ip, at desc);

create table recovery_codes (
    staff_id    uuid not null references staff (id) on delete cascade,
    code_hash   bytea not null,
    used_at     timestamptz,
    primary key (staff_id, code_hash)
);

-- The patient's care team, each membership with its period.
create table care_team_members (
    id               uuid primary key,
    patient_id       uuid not null references patients (id) on delete cascade,
    role             text not null,
    staff_id         uuid references staff (id) on delete restrict,
    organization_id  uuid references organizations (id) on delete restrict,
    valid_from       date not null,
    valid_to         date,
    created_at       timestamptz not null default now(),
    created_by       uuid references staff (id),
    constraint care_team_members_role_check
        check (role in ('attending', 'secondary', 'nurse_station', 'care_manager')),
    constraint care_team_members_target_check
        check (staff_id is not null or organization_id is not null),
    constraint care_team_members_period_check
        check (valid_to is null or valid_to >= valid_from)
);
create index care_team_members_patient_idx on care_team_members (patient_id);
create index care_team_members_staff_idx on care_team_members (staff_id);
create index care_team_members_org_idx on care_team_members (organization_id);

-- Group care needs the patient's (family's) agreement: who agreed, when,
-- for which clinic team and to what.
create table group_care_consents (
    id                 uuid primary key,
    patient_id         uuid not null references patients (id) on delete cascade,
    clinic_team_id     uuid not null references clinic_teams (id) on delete restrict,
    consented_by_name  text not null,
    consented_by_relation text not null,
    consented_on       date not null,
    scope              text not null,
    revoked_on         date,
    recorded_by        uuid references staff (id),
    created_at         timestamptz not null default now(),
    constraint group_care_consents_scope_check
        check (scope in ('read_card', 'read_and_house_call'))
);
create index group_care_consents_patient_idx on group_care_consents (patient_id);

-- Break-glass: a physician outside the team opens a card after stating a
-- reason; time-limited and reported.
create table break_glass_grants (
    id            uuid primary key,
    staff_id      uuid not null references staff (id) on delete restrict,
    patient_id    uuid not null references patients (id) on delete cascade,
    reason        text not null,
    created_at    timestamptz not null default now(),
    expires_at    timestamptz not null,
    constraint break_glass_reason_not_blank check (length(btrim(reason)) >= 4)
);
create index break_glass_grants_lookup_idx on break_glass_grants (staff_id, patient_id, expires_at desc);
create index break_glass_grants_patient_idx on break_glass_grants (patient_id, created_at desc);

-- Every read of patient data and every change. Append-only: the trigger
-- below refuses updates and deletes, whoever asks.
create table audit_log (
    id           bigint generated always as identity primary key,
    at           timestamptz not null default now(),
    staff_id     uuid references staff (id),
    session_hash bytea,
    patient_id   uuid references patients (id) on delete restrict,
    action       text not null,
    outcome      text not null,
    detail       text not null default '',
    ip           text not null default '',
    constraint audit_log_outcome_check check (outcome in ('allowed', 'denied', 'done', 'failed'))
);
create index audit_log_patient_idx on audit_log (patient_id, at desc);
create index audit_log_staff_idx on audit_log (staff_id, at desc);
create index audit_log_at_idx on audit_log (at desc);

create or replace function audit_log_is_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_no_update before update or delete on audit_log
    for each row execute function audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_is_append_only();
