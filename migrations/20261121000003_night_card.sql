-- The night card in full (issue #4): everything a nurse or a covering doctor
-- needs about one patient, and the search that finds the patient.
--
-- * Every card record the team edits carries `version` (optimistic
--   concurrency: an update names the version it read and changes nothing
--   when another save came first), `updated_at` and `updated_by`.
-- * History, not overwrite: the trigger `card_keep_history` copies the old
--   row into `card_history` before every update or delete of those records,
--   and bumps `version`. So every earlier version, who wrote it and when,
--   stays readable. Timeline entries are append-only.
-- * Each lookup of the card has an index on `patient_id`; the card is read
--   in one statement (`ssr::db::night_card`).
-- * Search: the cluster runs with the C locale (`initdb --no-locale`), where
--   pg_trgm extracts no trigrams from Japanese text (`show_trgm('佐藤花子')`
--   is `{}`). Names, kana and addresses are therefore searched through a
--   GIN index on the character bigrams of a normalised search text (the
--   approach of pg_bigm, in plain SQL); phone numbers, which are ASCII
--   digits, through a pg_trgm GIN index on their digits.

create extension if not exists pg_trgm;

-- ---------------------------------------------------------------------------
-- Search helpers (immutable, so they can back generated columns and indexes)
-- ---------------------------------------------------------------------------

-- Folds what people type differently for the same thing: hiragana to
-- katakana (kana are stored in katakana), full-width letters and digits to
-- ASCII, ASCII to lower case; drops spaces (full-width too). The Rust side
-- (`domain::search::normalize`) applies the same mapping to the query; a
-- database test checks that the two agree.
create function nc_search_norm(s text) returns text
language sql immutable strict parallel safe
return lower(translate(s,
    'ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔゕゖ'
    || '０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ－'
    || '　 ' || chr(9) || chr(10) || chr(13),
    'ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶ'
    || '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-'));

-- The distinct two-character substrings of `s`. A text containing a query
-- contains all of the query's bigrams, so `bigrams(text) @> bigrams(query)`
-- narrows the candidates through the GIN index; a substring test then
-- keeps only real matches.
create function nc_bigrams(s text) returns text[]
language sql immutable strict parallel safe
begin atomic
    select coalesce(array_agg(distinct substr(s, g.i, 2)), '{}'::text[])
      from generate_series(1, char_length(s) - 1) as g(i);
end;

-- The digits of a phone number as dialled in Japan: `090-1234-5678`,
-- `090 1234 5678` and `０９０１２３４５６７８` all give `09012345678`, and
-- `+81 90 1234 5678` gives the same domestic form.
create function nc_phone_digits(s text) returns text
language sql immutable strict parallel safe
return case
    when s ~ '^\s*\+81'
        then '0' || substr(regexp_replace(translate(s, '０１２３４５６７８９', '0123456789'), '[^0-9]', '', 'g'), 3)
    else regexp_replace(translate(s, '０１２３４５６７８９', '0123456789'), '[^0-9]', '', 'g')
end;

-- ---------------------------------------------------------------------------
-- History
-- ---------------------------------------------------------------------------

-- Earlier versions of every card record. Append-only, like the audit log.
create table card_history (
    id             bigint generated always as identity primary key,
    table_name     text not null,
    -- The record: its `id`, or the patient id for one-per-patient records.
    row_id         uuid not null,
    patient_id     uuid not null,
    -- The version the copied row had; the row as it was, whole.
    version        integer not null,
    row_data       jsonb not null,
    operation      text not null,
    superseded_at  timestamptz not null default now(),
    -- Who wrote the version that replaced it (null for a delete).
    superseded_by  uuid,
    constraint card_history_operation_check check (operation in ('update', 'delete'))
);
create index card_history_row_idx on card_history (table_name, row_id, version desc);
create index card_history_patient_idx on card_history (patient_id, superseded_at desc);

create function card_keep_history() returns trigger
language plpgsql as $$
declare
    old_row jsonb := to_jsonb(old);
begin
    insert into card_history (table_name, row_id, patient_id, version, row_data,
                              operation, superseded_by)
    values (tg_table_name,
            coalesce((old_row ->> 'id')::uuid, (old_row ->> 'patient_id')::uuid),
            coalesce((old_row ->> 'patient_id')::uuid, (old_row ->> 'id')::uuid),
            (old_row ->> 'version')::integer,
            old_row,
            lower(tg_op),
            case when tg_op = 'UPDATE' then (to_jsonb(new) ->> 'updated_by')::uuid end);
    if tg_op = 'UPDATE' then
        -- The version moves on whoever updates, so no writer can forget it.
        new.version := old.version + 1;
        new.updated_at := now();
        return new;
    end if;
    return old;
end;
$$;

create function card_history_is_append_only() returns trigger
language plpgsql as $$
begin
    raise exception '% is append-only', tg_table_name;
end;
$$;
create trigger card_history_no_update before update or delete on card_history
    for each row execute function card_history_is_append_only();

-- ---------------------------------------------------------------------------
-- The patient: identity is edited by the team too; search text
-- ---------------------------------------------------------------------------

alter table patients
    add column version integer not null default 1,
    add column updated_by uuid references staff (id),
    add column search_text text generated always as (
        nc_search_norm(family_name || given_name) || '|'
        || nc_search_norm(family_name_kana || given_name_kana) || '|'
        || nc_search_norm(prefecture || city || street || building)
    ) stored,
    add constraint patients_names_not_blank
        check (length(btrim(family_name)) > 0 and length(btrim(family_name_kana)) > 0);
create trigger patients_history before update or delete on patients
    for each row execute function card_keep_history();
create index patients_search_bigrams_idx on patients using gin (nc_bigrams(search_text));

-- A photo helps the covering doctor who has never met the patient. Small
-- raster images only; shown inline (the CSP allows data: images).
create table patient_photos (
    patient_id    uuid primary key references patients (id) on delete cascade,
    content_type  text not null,
    data          bytea not null,
    taken_on      date,
    version       integer not null default 1,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    updated_by    uuid not null references staff (id),
    constraint patient_photos_type_check
        check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
    constraint patient_photos_size_check check (octet_length(data) between 1 and 262144)
);
create trigger patient_photos_history before update or delete on patient_photos
    for each row execute function card_keep_history();

-- The way in. Once a row exists its landmark is the one shown (the
-- landmark on `patients` is the one given at registration).
create table home_access (
    patient_id   uuid primary key references patients (id) on delete cascade,
    landmark     text not null default '',
    -- Which door, intercom, stairs or lift.
    entrance     text not null default '',
    -- Where the key box is and how to open it.
    key_box      text not null default '',
    parking      text not null default '',
    -- Dogs, cats: whether to shut them in before the doctor arrives.
    pets         text not null default '',
    version      integer not null default 1,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    updated_by   uuid not null references staff (id),
    constraint home_access_length_check check (
        char_length(landmark) <= 500 and char_length(entrance) <= 500
        and char_length(key_box) <= 500 and char_length(parking) <= 500
        and char_length(pets) <= 500)
);
create trigger home_access_history before update or delete on home_access
    for each row execute function card_keep_history();

-- The care manager (ケアマネジャー) usually works for a care-planning office
-- outside the medical network, so is kept by name and number.
create table care_managers (
    patient_id   uuid primary key references patients (id) on delete cascade,
    name         text not null,
    office       text not null default '',
    phone        text not null,
    version      integer not null default 1,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    updated_by   uuid not null references staff (id),
    constraint care_managers_name_not_blank check (length(btrim(name)) > 0),
    constraint care_managers_phone_format check (phone ~ '^\+?[0-9][0-9 ()-]{8,19}$')
);
create trigger care_managers_history before update or delete on care_managers
    for each row execute function card_keep_history();

-- ---------------------------------------------------------------------------
-- Orders
-- ---------------------------------------------------------------------------

-- The physician's instruction to the nurse station (訪問看護指示書), valid
-- for at most six months, with its 「休日・夜間の急変時の対応」.
create table nursing_orders (
    id                uuid primary key,
    patient_id        uuid not null references patients (id) on delete cascade,
    issued_by         uuid not null references staff (id),
    issued_on         date not null,
    valid_from        date not null,
    valid_to          date not null,
    on_sudden_change  text not null default '',
    version           integer not null default 1,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    updated_by        uuid not null references staff (id),
    constraint nursing_orders_period_check check (
        valid_to >= valid_from and valid_to < (valid_from + interval '6 months')::date),
    constraint nursing_orders_text_length check (char_length(on_sudden_change) <= 2000)
);
create index nursing_orders_patient_idx on nursing_orders (patient_id, valid_from desc);
create trigger nursing_orders_history before update or delete on nursing_orders
    for each row execute function card_keep_history();

-- Standing as-needed orders (頓用指示): on this condition, do this.
create table prn_orders (
    id          uuid primary key,
    patient_id  uuid not null references patients (id) on delete cascade,
    condition   text not null,
    action      text not null,
    position    smallint not null default 1,
    ordered_by  uuid references staff (id),
    version     integer not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    updated_by  uuid not null references staff (id),
    constraint prn_orders_not_blank check (length(btrim(condition)) > 0 and length(btrim(action)) > 0)
);
create index prn_orders_patient_idx on prn_orders (patient_id, position);
create trigger prn_orders_history before update or delete on prn_orders
    for each row execute function card_keep_history();

-- ---------------------------------------------------------------------------
-- Wishes and decisions (ACP, 人生会議)
-- ---------------------------------------------------------------------------

create table acp_wishes (
    patient_id              uuid primary key references patients (id) on delete cascade,
    resuscitation           text not null,
    place_of_care           text not null,
    place_of_death          text not null,
    death_at_home_expected  boolean not null,
    transport               text not null,
    -- Who took part in the decision (本人、家族、主治医…), and when.
    decided_by              text not null,
    decided_on              date not null,
    document_on_file        boolean not null default false,
    document_note           text not null default '',
    notes                   text not null default '',
    version                 integer not null default 1,
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now(),
    updated_by              uuid not null references staff (id),
    constraint acp_wishes_resuscitation_check check (resuscitation in ('full', 'dnar')),
    constraint acp_wishes_place_of_care_check
        check (place_of_care in ('home', 'hospital', 'facility', 'undecided')),
    constraint acp_wishes_place_of_death_check
        check (place_of_death in ('home', 'hospital', 'facility', 'undecided')),
    constraint acp_wishes_transport_check check (transport in ('wanted', 'not_wanted', 'discuss')),
    constraint acp_wishes_decided_by_not_blank check (length(btrim(decided_by)) > 0),
    constraint acp_wishes_length_check check (
        char_length(decided_by) <= 200 and char_length(document_note) <= 500
        and char_length(notes) <= 1000)
);
create trigger acp_wishes_history before update or delete on acp_wishes
    for each row execute function card_keep_history();

-- ---------------------------------------------------------------------------
-- Clinical summary
-- ---------------------------------------------------------------------------

-- One per patient: what is not a list.
create table patient_clinical (
    patient_id             uuid primary key references patients (id) on delete cascade,
    -- True once someone checked and found no allergy; an empty allergy list
    -- without it means "not asked yet".
    no_known_allergies     boolean not null default false,
    infection_precautions  text not null default '',
    version                integer not null default 1,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    updated_by             uuid not null references staff (id),
    constraint patient_clinical_length_check check (char_length(infection_precautions) <= 500)
);
create trigger patient_clinical_history before update or delete on patient_clinical
    for each row execute function card_keep_history();

create table diagnoses (
    id          uuid primary key,
    patient_id  uuid not null references patients (id) on delete cascade,
    name        text not null,
    noted_on    date,
    is_primary  boolean not null default false,
    version     integer not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    updated_by  uuid not null references staff (id),
    constraint diagnoses_name_not_blank check (length(btrim(name)) > 0)
);
create index diagnoses_patient_idx on diagnoses (patient_id);
create trigger diagnoses_history before update or delete on diagnoses
    for each row execute function card_keep_history();

create table medications (
    id          uuid primary key,
    patient_id  uuid not null references patients (id) on delete cascade,
    name        text not null,
    dose        text not null default '',
    -- 朝夕食後, 就寝前…; for an as-needed medicine, when to give it.
    schedule    text not null default '',
    as_needed   boolean not null default false,
    position    smallint not null default 1,
    version     integer not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    updated_by  uuid not null references staff (id),
    constraint medications_name_not_blank check (length(btrim(name)) > 0)
);
create index medications_patient_idx on medications (patient_id, position);
create trigger medications_history before update or delete on medications
    for each row execute function card_keep_history();

create table allergies (
    id          uuid primary key,
    patient_id  uuid not null references patients (id) on delete cascade,
    substance   text not null,
    reaction    text not null default '',
    version     integer not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    updated_by  uuid not null references staff (id),
    constraint allergies_substance_not_blank check (length(btrim(substance)) > 0)
);
create index allergies_patient_idx on allergies (patient_id);
create trigger allergies_history before update or delete on allergies
    for each row execute function card_keep_history();

create table devices (
    id                 uuid primary key,
    patient_id         uuid not null references patients (id) on delete cascade,
    kind               text not null,
    detail             text not null default '',
    -- Litres per minute, for home oxygen (required) or a ventilator's
    -- added oxygen.
    oxygen_flow_l_min  numeric(4, 2),
    since              date,
    next_change_on     date,
    version            integer not null default 1,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    updated_by         uuid not null references staff (id),
    constraint devices_kind_check check (kind in (
        'home_oxygen', 'urinary_catheter', 'peg', 'central_line', 'ventilator',
        'tracheostomy', 'stoma', 'pump', 'other')),
    constraint devices_flow_check check (
        oxygen_flow_l_min is null or (oxygen_flow_l_min > 0 and oxygen_flow_l_min <= 15)),
    constraint devices_flow_kind_check check (
        oxygen_flow_l_min is null or kind in ('home_oxygen', 'ventilator')),
    constraint devices_oxygen_needs_flow check (kind <> 'home_oxygen' or oxygen_flow_l_min is not null)
);
create index devices_patient_idx on devices (patient_id);
create trigger devices_history before update or delete on devices
    for each row execute function card_keep_history();

-- ---------------------------------------------------------------------------
-- Timeline: visits, notes, night calls. Append-only: a correction is a new
-- entry, so what the night team read stays on record.
-- ---------------------------------------------------------------------------

create table timeline_entries (
    id           uuid primary key,
    patient_id   uuid not null references patients (id) on delete cascade,
    kind         text not null,
    occurred_at  timestamptz not null,
    author_id    uuid not null references staff (id),
    body         text not null,
    created_at   timestamptz not null default now(),
    constraint timeline_entries_kind_check check (kind in ('visit', 'house_call', 'call', 'note')),
    constraint timeline_entries_body_check check (
        length(btrim(body)) > 0 and char_length(body) <= 2000)
);
create index timeline_entries_patient_idx on timeline_entries (patient_id, occurred_at desc);
create trigger timeline_entries_no_update before update on timeline_entries
    for each row execute function card_history_is_append_only();

-- ---------------------------------------------------------------------------
-- Search by the number that is calling
-- ---------------------------------------------------------------------------

create index family_contacts_phone_digits_trgm_idx
    on family_contacts using gin (nc_phone_digits(phone) gin_trgm_ops);
