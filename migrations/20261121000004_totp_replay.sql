-- A TOTP code is good for one sign-in only: remember the last time step
-- accepted per account, and refuse that step or an earlier one again.
alter table staff add column totp_last_step bigint;
