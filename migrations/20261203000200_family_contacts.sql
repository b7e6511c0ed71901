-- The family contacts become editable from the card (/patients/:id/edit),
-- with the same history and conflict check as the other card records.
--
-- * `version`, `updated_by` and the history trigger: every change or
--   removal keeps the earlier row in `card_history`.
-- * The unique calling order per patient is checked at commit, so one
--   transaction can move a contact up and the one above it down.
-- * Lengths and the phone rule, as the forms check them.
-- * `form_drafts` keeps a refused contact form too.

alter table family_contacts
    add column version integer not null default 1,
    add column updated_by uuid references staff (id),
    drop constraint family_contacts_patient_priority_key,
    add constraint family_contacts_patient_priority_key
        unique (patient_id, priority) deferrable initially immediate,
    add constraint family_contacts_length_check
        check (char_length(name) between 1 and 50 and char_length(relation) between 1 and 20),
    add constraint family_contacts_phone_format
        check (phone ~ '^\+?[0-9][0-9 ()-]{8,19}$');
create trigger family_contacts_history before update or delete on family_contacts
    for each row execute function card_keep_history();

alter table form_drafts drop constraint form_drafts_section_check;
alter table form_drafts add constraint form_drafts_section_check check (section in (
    'wishes', 'sudden-change', 'way-in', 'care-manager', 'identity', 'note', 'order-renewal',
    'contacts'));
