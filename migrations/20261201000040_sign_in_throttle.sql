-- Throttled sign-in attempts, counted instead of logged one by one.
--
-- A throttled attempt costs the server almost nothing, so an outsider can
-- send them at will; writing an audit_log row for each would let anyone
-- grow the append-only log without bound. The first throttled attempt of a
-- 15-minute window writes one audit row; this table counts the rest. The
-- key follows the limit that held the attempt back: (login id, address)
-- for the per-pair delay, the login id alone (ip '') for the per-account
-- ceiling, the address alone (login_id '') for the per-address ceiling, so
-- many addresses or many invented login ids still make one row each.
create table sign_in_throttled (
    scope         text not null,
    login_id      text not null,
    ip            text not null,
    window_start  timestamptz not null,
    attempts      integer not null,
    last_at       timestamptz not null,
    constraint sign_in_throttled_pkey primary key (scope, login_id, ip, window_start),
    constraint sign_in_throttled_scope_check
        check (scope in ('account_at_address', 'account', 'address')),
    constraint sign_in_throttled_attempts_check check (attempts > 0)
);

-- The per-(account, address) delay reads the failures of one pair.
create index login_attempts_login_ip_idx on login_attempts (login_id, ip, at desc);
