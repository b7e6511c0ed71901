-- The physician renews (or first issues) the nursing order (訪問看護指示書)
-- from the card editor. A renewal is a new `nursing_orders` row; the old
-- order stays as it was, as the record of what was in force before.
--
-- * `nc_current_nursing_order`: which order the card shows on a Tokyo
--   date, in one place for the card and for the renewal's conflict check.
--   The one in force that day first; otherwise the latest that has
--   started (an expired one, flagged on the card); otherwise the next to
--   start. Among equals the latest start, then the latest issued, so a
--   renewal with the same start as the order it replaces wins.
-- * `form_drafts` keeps a refused renewal form too.

create function nc_current_nursing_order(p_patient uuid, p_today date) returns uuid
language sql stable strict parallel safe
return (
    select o.id from nursing_orders o
     where o.patient_id = p_patient
     order by (o.valid_from <= p_today and o.valid_to >= p_today) desc,
              o.valid_from <= p_today desc,
              o.valid_from desc, o.created_at desc, o.id desc
     limit 1);

alter table form_drafts drop constraint form_drafts_section_check;
alter table form_drafts add constraint form_drafts_section_check check (section in (
    'wishes', 'sudden-change', 'way-in', 'care-manager', 'identity', 'note', 'order-renewal'));
