-- Foundation schema: the organisations of a regional home-care network, the
-- staff who work in them, and the home patients with the minimum a night card
-- needs (identity, address, attending physician, nurse station, family).
--
-- Conventions: uuid keys (ids appear in URLs and must not be guessable or
-- enumerable), explicit constraint names, timestamps in timestamptz,
-- `updated_at` maintained by one trigger function.

create or replace function set_updated_at() returns trigger
language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end;
$$;

-- A clinic, a visiting-nurse station, a backup hospital or the medical
-- association's secretariat.
create table organizations (
    id           uuid primary key,
    kind         text not null,
    name         text not null,
    name_kana    text not null default '',
    phone        text not null,
    address      text not null default '',
    latitude     double precision,
    longitude    double precision,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint organizations_kind_check
        check (kind in ('clinic', 'nurse_station', 'hospital', 'secretariat')),
    constraint organizations_name_not_blank check (length(btrim(name)) > 0)
);
create trigger organizations_updated_at before update on organizations
    for each row execute function set_updated_at();

-- A group of clinics that cover for each other at night (機能強化型在支診のチーム).
create table clinic_teams (
    id          uuid primary key,
    name        text not null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint clinic_teams_name_key unique (name)
);
create trigger clinic_teams_updated_at before update on clinic_teams
    for each row execute function set_updated_at();

create table clinic_team_members (
    team_id          uuid not null references clinic_teams (id) on delete cascade,
    organization_id  uuid not null references organizations (id) on delete restrict,
    primary key (team_id, organization_id)
);
create index clinic_team_members_organization_idx on clinic_team_members (organization_id);

create table staff (
    id               uuid primary key,
    organization_id  uuid not null references organizations (id) on delete restrict,
    role             text not null,
    family_name      text not null,
    given_name       text not null,
    family_name_kana text not null,
    given_name_kana  text not null,
    -- The direct number that reaches this person at night (mobile).
    phone            text not null,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    constraint staff_role_check
        check (role in ('physician', 'nurse', 'coordinator', 'admin'))
);
create index staff_organization_idx on staff (organization_id);
create trigger staff_updated_at before update on staff
    for each row execute function set_updated_at();

create table patients (
    id                    uuid primary key,
    family_name           text not null,
    given_name            text not null,
    family_name_kana      text not null,
    given_name_kana       text not null,
    birth_date            date not null,
    sex                   text not null,
    postal_code           text not null,
    prefecture            text not null,
    city                  text not null,
    street                text not null,
    building              text not null default '',
    room                  text not null default '',
    latitude              double precision,
    longitude             double precision,
    landmark              text not null default '',
    attending_physician_id uuid references staff (id) on delete restrict,
    nurse_station_id      uuid references organizations (id) on delete restrict,
    clinic_team_id        uuid references clinic_teams (id) on delete restrict,
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now(),
    constraint patients_sex_check check (sex in ('female', 'male', 'other')),
    constraint patients_birth_date_check check (birth_date >= date '1900-01-01'),
    constraint patients_postal_code_check check (postal_code ~ '^[0-9]{3}-?[0-9]{4}$')
);
create index patients_attending_idx on patients (attending_physician_id);
create index patients_nurse_station_idx on patients (nurse_station_id);
create index patients_clinic_team_idx on patients (clinic_team_id);
create trigger patients_updated_at before update on patients
    for each row execute function set_updated_at();

-- Family members and the key person (キーパーソン), called in priority order.
create table family_contacts (
    id            uuid primary key,
    patient_id    uuid not null references patients (id) on delete cascade,
    name          text not null,
    relation      text not null,
    phone         text not null,
    priority      smallint not null,
    is_key_person boolean not null default false,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint family_contacts_priority_check check (priority between 1 and 9),
    constraint family_contacts_patient_priority_key unique (patient_id, priority)
);
create index family_contacts_phone_idx on family_contacts (phone);
create trigger family_contacts_updated_at before update on family_contacts
    for each row execute function set_updated_at();
