-- A team's night model, its calling order and its backup hospital; the
-- patient's discharging hospital; and the escalation context without the
-- network's every physician.
--
-- * `clinic_teams.night_model`: the preset the team's policy and schedule
--   were made from (`domain::night_model`), NULL for one written by hand.
-- * `clinic_teams.backup_hospital_id`: the team's 後方支援病院. Before, the
--   path called the alphabetically first hospital of the whole network;
--   existing teams keep that hospital, now written down and changeable.
-- * `team_calling_order`: the team's agreed calling order of its doctors
--   (before: UUID order). Doctors not placed come after, as before.
-- * `patients.discharging_hospital_id`: the hospital that discharged the
--   patient to home care (Kashiwa: acute worsening goes back there).
-- * `nc_escalation_context` listed, besides the team's doctors, every
--   physician of the network outside the team ("others": 48 in the demo,
--   9 KB of JSON built and parsed on every night-card read). The path only
--   ever names a doctor outside the team who has a seat in the patient's
--   care team, is the attending, stands in for an absence around the call,
--   or is named by the team's duty schedule (`domain::escalation`,
--   `call_known_doctor`): the list is now exactly those.

alter table clinic_teams
    add column night_model text,
    add column backup_hospital_id uuid references organizations (id) on delete restrict,
    add constraint clinic_teams_night_model_check
        check (night_model in ('kofu', 'izumo', 'usuki', 'kashiwa'));

alter table patients
    add column discharging_hospital_id uuid references organizations (id) on delete restrict;
create index patients_discharging_hospital_idx on patients (discharging_hospital_id)
    where discharging_hospital_id is not null;

-- Only a hospital may be a backup or a discharging hospital.
create function nc_require_hospital() returns trigger
language plpgsql as $$
declare
    -- The column is the trigger's argument.
    target uuid := (to_jsonb(new) ->> tg_argv[0])::uuid;
begin
    if target is not null and not exists (
        select 1 from organizations where id = target and kind = 'hospital'
    ) then
        raise exception 'organization % is not a hospital', target
            using errcode = 'check_violation', constraint = 'hospital_kind_check';
    end if;
    return new;
end;
$$;
create trigger clinic_teams_backup_hospital_kind
    before insert or update of backup_hospital_id on clinic_teams
    for each row execute function nc_require_hospital('backup_hospital_id');
create trigger patients_discharging_hospital_kind
    before insert or update of discharging_hospital_id on patients
    for each row execute function nc_require_hospital('discharging_hospital_id');

create table team_calling_order (
    team_id   uuid not null references clinic_teams (id) on delete cascade,
    staff_id  uuid not null references staff (id) on delete cascade,
    position  integer not null,
    constraint team_calling_order_pkey primary key (team_id, staff_id),
    constraint team_calling_order_position_key unique (team_id, position)
        deferrable initially deferred,
    constraint team_calling_order_position_check check (position >= 1)
);

update clinic_teams
   set backup_hospital_id = (select id from organizations where kind = 'hospital'
                              order by name limit 1)
 where backup_hospital_id is null;

create or replace function nc_escalation_context(p_patient uuid, p_window_start timestamptz,
                                      p_window_end timestamptz, p_today date)
returns json
language plpgsql stable
as $$
begin
    return (
        select json_build_object(
            'latitude', p.latitude, 'longitude', p.longitude,
            'clinic_team_id', p.clinic_team_id,
            'attending_physician_id', p.attending_physician_id,
            'secondary_id', (select m.staff_id from care_team_members m
                              where m.patient_id = p.id and m.role = 'secondary'
                                and m.staff_id is not null
                                and m.valid_from <= p_today
                                and (m.valid_to is null or m.valid_to >= p_today)
                              order by m.valid_from desc limit 1),
            'team', coalesce((select json_agg(json_build_object(
                            'id', s.id, 'name', s.family_name || ' ' || s.given_name,
                            'phone', s.phone, 'clinic_name', o.name,
                            'lat', o.latitude, 'lon', o.longitude)
                            order by c.position nulls last, o.id, s.id)
                               from staff s
                               join organizations o on o.id = s.organization_id
                               join clinic_team_members t on t.organization_id = o.id
                               left join team_calling_order c
                                      on c.team_id = t.team_id and c.staff_id = s.id
                              where t.team_id = p.clinic_team_id and s.role = 'physician'
                                and s.disabled_at is null),
                            '[]'::json),
            'others', coalesce((select json_agg(json_build_object(
                            'id', s.id, 'name', s.family_name || ' ' || s.given_name,
                            'phone', s.phone, 'clinic_name', o.name,
                            'lat', o.latitude, 'lon', o.longitude) order by s.id)
                               from staff s join organizations o on o.id = s.organization_id
                              where s.role = 'physician' and s.disabled_at is null
                                and o.id not in (select organization_id from clinic_team_members
                                                  where team_id = p.clinic_team_id)
                                and (s.id = p.attending_physician_id
                                     or s.id in (select m.staff_id from care_team_members m
                                                  where m.patient_id = p.id
                                                    and m.staff_id is not null)
                                     or s.id in (select a.substitute_id from planned_absences a
                                                  where a.cancelled_at is null
                                                    and a.substitute_id is not null
                                                    and a.ends_at > p_window_start
                                                    and a.starts_at < p_window_end)
                                     or strpos(ds.definition::text, s.id::text) > 0)),
                            '[]'::json),
            'absences', coalesce((select json_agg(json_build_object(
                            'id', a.id, 'staff_id', a.staff_id, 'starts_at', a.starts_at,
                            'ends_at', a.ends_at, 'reason', a.reason,
                            'substitute_id', a.substitute_id))
                               from planned_absences a
                              where a.cancelled_at is null and a.ends_at > p_window_start
                                and a.starts_at < p_window_end),
                            '[]'::json),
            'schedule', ds.definition,
            'policy', coalesce(pp.policy, ep.policy),
            'station_id', station.id, 'station_name', station.name,
            'station_phone', station.phone,
            'hospital', (select json_build_object('id', o.id, 'name', o.name, 'phone', o.phone)
                           from clinic_teams team join organizations o
                             on o.id = team.backup_hospital_id
                          where team.id = p.clinic_team_id),
            'discharging_hospital', (select json_build_object('id', o.id, 'name', o.name,
                                                              'phone', o.phone)
                                       from organizations o
                                      where o.id = p.discharging_hospital_id))
          from patients p
          left join duty_schedules ds on ds.clinic_team_id = p.clinic_team_id
          left join escalation_policies ep on ep.clinic_team_id = p.clinic_team_id
          left join patient_escalation_policies pp on pp.patient_id = p.id
          left join organizations station on station.id = p.nurse_station_id
         where p.id = p_patient
    );
end;
$$;
