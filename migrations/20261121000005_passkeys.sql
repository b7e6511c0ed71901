-- Passkeys (WebAuthn): a second factor after the password, or a sign-in of
-- their own with a discoverable credential (the authenticator checks the
-- user's fingerprint, face or PIN, so one gesture is two factors).
-- Anchor: MHLW guideline for medical information systems 6.0, two-factor
-- authentication; TOTP (migration 2) stays as the alternative.

-- One row per registered authenticator credential. The private key never
-- leaves the authenticator; we keep its public key, algorithm, signature
-- counter and backup flags as webauthn-rs serialises them (`Passkey`).
create table passkeys (
    -- The credential id the authenticator chose; unique across all staff
    -- (WebAuthn requires refusing an id already registered to anyone).
    credential_id  bytea primary key,
    staff_id       uuid not null references staff (id) on delete cascade,
    passkey        jsonb not null,
    -- What the staff member calls it ("iPhone", "事務所のPC"), to tell
    -- several apart and remove a lost one.
    name           text not null,
    created_at     timestamptz not null default now(),
    last_used_at   timestamptz,
    constraint passkeys_name_length check (char_length(name) between 1 and 64)
);
create index passkeys_staff_idx on passkeys (staff_id, created_at);

-- A ceremony is two requests (options out, signed answer back) that may
-- reach different server processes, so its state waits here, never in a
-- cookie (a client-held state could be replayed). Taking a state deletes
-- it: every challenge is good for one answer only.
create table passkey_ceremonies (
    id            uuid primary key,
    kind          text not null,
    -- Registration and the second factor belong to a session (the state is
    -- found by its token hash); a passwordless sign-in has no session yet
    -- and is found by the random `id` handed to the browser.
    session_hash  bytea references sessions (token_hash) on delete cascade,
    -- webauthn-rs `PasskeyRegistration`, `PasskeyAuthentication` or
    -- `DiscoverableAuthentication`: the challenge and what it allows.
    state         jsonb not null,
    -- For the cap on pending sign-ins per address (anyone may start one).
    ip            text not null default '',
    created_at    timestamptz not null default now(),
    expires_at    timestamptz not null,
    constraint passkey_ceremonies_kind_check
        check (kind in ('register', 'second_factor', 'sign_in')),
    constraint passkey_ceremonies_owner_check
        check ((kind = 'sign_in') = (session_hash is null))
);
-- At most one pending ceremony of each kind per session: starting again
-- replaces it.
create unique index passkey_ceremonies_session_idx
    on passkey_ceremonies (session_hash, kind) where session_hash is not null;
create index passkey_ceremonies_expiry_idx on passkey_ceremonies (expires_at);
create index passkey_ceremonies_ip_idx on passkey_ceremonies (ip, expires_at)
    where kind = 'sign_in';
