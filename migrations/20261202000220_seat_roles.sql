-- A care-team seat only holds the kind of person or organisation that
-- `domain::access::decide` lets sit in it (`CareTeamMember::is_held_by`):
--
-- * attending / secondary: a physician in person, or a clinic (or
--   hospital) whose physicians share the seat;
-- * nurse_station: a nurse station, never a person (the whole station
--   takes the first call in turns);
-- * care_manager: a person, nurse or physician (care-support offices are
--   not part of the network).
--
-- A row the rule would never honour is refused when written, so the data
-- cannot say one thing while the access rule reads another.

alter table care_team_members
    add constraint care_team_members_station_seat_check
        check (role <> 'nurse_station' or (staff_id is null and organization_id is not null)),
    add constraint care_team_members_care_manager_seat_check
        check (role <> 'care_manager' or (staff_id is not null and organization_id is null));

create function care_team_members_seat_fits() returns trigger
language plpgsql as $$
declare
    staff_role text;
    org_kind text;
begin
    if new.staff_id is not null then
        select s.role into staff_role from staff s where s.id = new.staff_id;
        if (new.role in ('attending', 'secondary') and staff_role <> 'physician')
           or (new.role = 'care_manager' and staff_role not in ('nurse', 'physician')) then
            raise exception 'a % seat cannot be held by a % (care_team_members %)',
                new.role, staff_role, new.id
                using errcode = 'check_violation', constraint = 'care_team_members_seat_role_check';
        end if;
    end if;
    if new.organization_id is not null then
        select o.kind into org_kind from organizations o where o.id = new.organization_id;
        if (new.role in ('attending', 'secondary') and org_kind not in ('clinic', 'hospital'))
           or (new.role = 'nurse_station' and org_kind <> 'nurse_station') then
            raise exception 'a % seat cannot be held by a % (care_team_members %)',
                new.role, org_kind, new.id
                using errcode = 'check_violation', constraint = 'care_team_members_seat_role_check';
        end if;
    end if;
    return new;
end;
$$;
create trigger care_team_members_seat_fits
    before insert or update of role, staff_id, organization_id on care_team_members
    for each row execute function care_team_members_seat_fits();

-- The other side: a person keeps the role their seats need.
create function staff_role_fits_seats() returns trigger
language plpgsql as $$
begin
    if exists (select 1 from care_team_members m
                where m.staff_id = new.id
                  and ((m.role in ('attending', 'secondary') and new.role <> 'physician')
                       or (m.role = 'care_manager' and new.role not in ('nurse', 'physician')))) then
        raise exception 'staff % holds care-team seats that a % cannot hold', new.id, new.role
            using errcode = 'check_violation', constraint = 'care_team_members_seat_role_check';
    end if;
    return new;
end;
$$;
create trigger staff_role_fits_seats before update of role on staff
    for each row when (old.role is distinct from new.role)
    execute function staff_role_fits_seats();
