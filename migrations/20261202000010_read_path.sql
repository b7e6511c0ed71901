-- The card read path (issue 10): what the night card needs is loaded in as
-- few statements as possible, and the same SQL serves every caller.
--
-- Two functions hold SQL that two statements each need:
--
-- * nc_access_facts: what `domain::access::decide` needs about one patient
--   for one staff member. Read alone (`ssr::access::access_facts`) or with
--   the session, in the statement that recognises the signed-in user of a
--   page that names a patient (`ssr::auth`), so a card read asks once.
--   The decision itself stays in Rust: this only gathers facts.
-- * nc_escalation_context: what the escalation engine needs to resolve a
--   patient's path now (`ssr::escalation_db::load`), also read inside the
--   night-card statement for the card's first call.
--
-- Both are PL/pgSQL so that each connection plans their queries once and
-- keeps the plan (an SQL-language function would be planned on every call).
-- Both return NULL for a patient that does not exist.

create function nc_access_facts(p_patient uuid, p_staff uuid, p_now timestamptz)
returns json
language plpgsql stable
as $$
begin
    return (
        select json_build_object(
            'clinic_team_id', p.clinic_team_id,
            'care_team', coalesce((select json_agg(json_build_object(
                                'role', m.role, 'staff_id', m.staff_id,
                                'organization_id', m.organization_id,
                                'valid_from', m.valid_from, 'valid_to', m.valid_to))
                              from care_team_members m where m.patient_id = p.id),
                            '[]'::json),
            'team_clinics', coalesce((select json_agg(t.organization_id)
                                from clinic_team_members t where t.team_id = p.clinic_team_id),
                            '[]'::json),
            'consents', coalesce((select json_agg(json_build_object(
                                'clinic_team_id', c.clinic_team_id,
                                'consented_on', c.consented_on,
                                'revoked_on', c.revoked_on, 'scope', c.scope))
                              from group_care_consents c where c.patient_id = p.id),
                            '[]'::json),
            'break_glass_until', (select max(g.expires_at) from break_glass_grants g
                                   where g.patient_id = p.id and g.staff_id = p_staff
                                     and g.expires_at > p_now))
          from patients p
         where p.id = p_patient
    );
end;
$$;

create function nc_escalation_context(p_patient uuid, p_window_start timestamptz,
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
                            'lat', o.latitude, 'lon', o.longitude) order by o.id, s.id)
                               from staff s
                               join organizations o on o.id = s.organization_id
                               join clinic_team_members t on t.organization_id = o.id
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
                                                  where team_id = p.clinic_team_id)),
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
                           from organizations o where o.kind = 'hospital'
                          order by o.name limit 1))
          from patients p
          left join duty_schedules ds on ds.clinic_team_id = p.clinic_team_id
          left join escalation_policies ep on ep.clinic_team_id = p.clinic_team_id
          left join patient_escalation_policies pp on pp.patient_id = p.id
          left join organizations station on station.id = p.nurse_station_id
         where p.id = p_patient
    );
end;
$$;
