-- Issue 9, factors and sessions: fresh proofs and enrolment grants on the
-- session, a public id for listing sessions, "stay signed in", enrolment
-- codes, TOTP secrets sealed at rest and recovery codes under the server key.

alter table sessions
    -- When the user last proved himself (password with his factor, or a
    -- passkey); one credential change within five minutes uses it up.
    add column reauthenticated_at timestamptz,
    -- When an administrator's enrolment code was redeemed in this session:
    -- the door to the account's first factor.
    add column enrolment_granted_at timestamptz,
    -- The user asked to stay signed in on this device (a cookie with
    -- Max-Age); otherwise the cookie ends with the browser.
    add column stay_signed_in boolean not null default false,
    -- What the security page's "sign out this session" form names (never
    -- the token hash).
    add column public_id uuid not null default gen_random_uuid(),
    -- The pending TOTP secret, sealed with the server key (AES-256-GCM).
    add column pending_totp_sealed bytea,
    add constraint sessions_public_id_key unique (public_id);

-- Pending enrolments in plain text are abandoned (the user starts again;
-- they live a few minutes at most).
update sessions set pending_totp_secret = null where pending_totp_secret is not null;
alter table sessions add constraint sessions_no_plain_pending_totp check (pending_totp_secret is null);

-- The TOTP secret sealed with the server key (nonce || ciphertext || tag,
-- the staff id authenticated). Plain secrets still in `totp_secret` are
-- sealed by the server at start-up (it has the key; SQL does not) and the
-- plain column is then emptied (`server::seal_plain_totp_secrets`).
alter table staff add column totp_secret_sealed bytea;

-- Recovery codes were unsalted SHA-256 of 40-bit codes. They cannot be
-- converted (the codes themselves are not kept): they are deleted, and
-- accounts with an authenticator app take new ones (99 bits, HMAC-SHA256
-- with the server key) on /account/security. Pre-production: no real
-- accounts hold them yet.
delete from recovery_codes;

-- One-time enrolment codes issued by an administrator
-- (`nightcall staff enrolment-code LOGIN`): shown once, kept as an
-- HMAC-SHA256 under the server key, valid 72 hours, used once; a new code
-- revokes the earlier ones of the same account.
create table enrolment_codes (
    id          uuid primary key,
    staff_id    uuid not null references staff (id) on delete cascade,
    code_hash   bytea not null,
    created_at  timestamptz not null,
    expires_at  timestamptz not null,
    used_at     timestamptz,
    revoked_at  timestamptz,
    constraint enrolment_codes_code_hash_key unique (code_hash),
    constraint enrolment_codes_expiry check (expires_at > created_at)
);
create index enrolment_codes_open_idx on enrolment_codes (staff_id)
    where used_at is null and revoked_at is null;
