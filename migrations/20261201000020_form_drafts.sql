-- Issue 8 (card): no form is ever pre-filled from a URL, and identity
-- corrections show on the card.
--
-- * `form_drafts`: what an editor typed into a card form whose save was
--   refused (a conflict, a typo), kept on the server for that session and
--   that form only, with the real error, so the page can show it back.
--   Nothing of it travels in a URL. A draft lives at most 30 minutes, is
--   deleted when the same form is saved, and goes with its session (deleted
--   with it, or when it is signed out: see the trigger below).
-- * Timeline entries of kind `identity_change`: every correction of a
--   patient's name or birth date is written to the card's history.

create table form_drafts (
    session_hash  bytea not null references sessions (token_hash) on delete cascade,
    patient_id    uuid not null references patients (id) on delete cascade,
    -- The form (`EditSection::as_str`): wishes, sudden-change, way-in, care-manager,
    -- identity, note.
    section       text not null,
    -- Field name -> what was typed.
    fields        jsonb not null,
    -- The refusal (`AppError` as JSON).
    error         jsonb not null,
    created_at    timestamptz not null default now(),
    expires_at    timestamptz not null,
    constraint form_drafts_pkey primary key (session_hash, patient_id, section),
    constraint form_drafts_section_check check (section in (
        'wishes', 'sudden-change', 'way-in', 'care-manager', 'identity', 'note')),
    constraint form_drafts_expiry_check check (expires_at > created_at)
);
create index form_drafts_expires_idx on form_drafts (expires_at);

-- Signing out (or revoking a session for any reason) forgets its drafts at
-- once, whoever revokes it.
create function form_drafts_forget_revoked_session() returns trigger
language plpgsql as $$
begin
    delete from form_drafts where session_hash = new.token_hash;
    return new;
end;
$$;

create trigger sessions_forget_form_drafts
    after update of revoked_at on sessions
    for each row when (new.revoked_at is not null and old.revoked_at is null)
    execute function form_drafts_forget_revoked_session();

alter table timeline_entries drop constraint timeline_entries_kind_check;
alter table timeline_entries add constraint timeline_entries_kind_check
    check (kind in ('visit', 'house_call', 'call', 'note', 'identity_change'));
