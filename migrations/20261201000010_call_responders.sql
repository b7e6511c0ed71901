-- Who answered a night call, recorded truthfully; a path that runs out is an
-- alarm; a call the opening nurse cancels says why.
--
-- * `incidents.accepted_by` is the doctor who really answered (the callee,
--   or another doctor who took the call himself); `answer_recorded_by` is
--   who pressed the button (the doctor himself, or the opening nurse who
--   took his answer on the phone).
-- * A path may be walked again (`repeats_left` rounds of the policy's
--   `repeat`, or the nurse's restart): `round` counts the walks, and the
--   engine's once-per-step guard is per round.
-- * `cancelled` ends a call that nobody needs any more (family settled, 119
--   called, patient transported), with its reason.

alter table incidents
    add column answer_recorded_by  uuid references staff (id),
    add column round               integer not null default 0,
    add column repeats_left        integer not null default 0,
    add column path_repeats        integer not null default 0,
    add column cancel_reason       text,
    add column exhausted_at        timestamptz;

alter table incidents drop constraint incidents_state_check;
alter table incidents add constraint incidents_state_check
    check (state in ('calling', 'exhausted', 'accepted', 'advised', 'arrived', 'closed', 'cancelled'));
alter table incidents add constraint incidents_cancel_reason_check
    check (cancel_reason is null
           or cancel_reason in ('family_settled', 'called_119', 'patient_transported'));
alter table incidents add constraint incidents_cancelled_has_reason_check
    check ((state = 'cancelled') = (cancel_reason is not null));
alter table incidents add constraint incidents_rounds_check
    check (round >= 0 and repeats_left >= 0 and path_repeats between 0 and 10);

-- The open-calls index counted only 'closed' as finished.
drop index incidents_open_idx;
create index incidents_open_idx on incidents (opened_at desc)
    where state not in ('closed', 'cancelled');

alter table incident_attempts
    add column round           integer not null default 0,
    add column responder_id    uuid references staff (id),
    add column responder_name  text;

alter table incident_attempts drop constraint incident_attempts_outcome_check;
alter table incident_attempts add constraint incident_attempts_outcome_check
    check (outcome in ('no_answer', 'declined', 'accepted', 'advised', 'timed_out', 'arrived',
                       'restarted', 'cancelled'));

-- Once per step *and round*: a repeated or restarted path times the same
-- step out again.
drop index incident_attempts_timeout_once;
create unique index incident_attempts_timeout_once on incident_attempts (incident_id, round, step_index)
    where outcome = 'timed_out';
