-- What changed in a clinic team's night set-up, for the team page: who
-- changed the night model, the calling order or the backup hospital, when,
-- and to what (the names as they were then). The audit log has the same
-- changes with the session and address; this is the team's own story,
-- kept like the card's history: rows are added, never changed or removed.
create table team_history (
    id        bigint generated always as identity primary key,
    team_id   uuid not null references clinic_teams (id) on delete restrict,
    at        timestamptz not null default now(),
    staff_id  uuid not null references staff (id) on delete restrict,
    -- 'night_model' | 'calling_order' | 'backup_hospital' | 'cover' | 'cover_removed'
    change    text not null,
    -- What it became, in the words of the moment: the model's code, the
    -- doctors' names in order, the hospital's name, the cover's doctor and
    -- hours.
    value     text not null default '',
    constraint team_history_change_check
        check (change in ('night_model', 'calling_order', 'backup_hospital', 'cover',
                          'cover_removed')),
    constraint team_history_value_length check (char_length(value) <= 4000)
);
create index team_history_team_idx on team_history (team_id, at desc);

revoke update, delete, truncate on team_history from nightcall_app;
