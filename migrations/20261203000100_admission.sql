-- Admission to home care from the coordinator's screen (/admin/patients/new).
--
-- * `patients.admitted_on`: the day home care began (null for rows made
--   before admissions were recorded).
-- * `patients.care_ended_on` / `care_end_reason`: the end of home care
--   (death at home, admission to a hospital, transfer to another clinic);
--   both or neither. An ended patient's record is kept, read-only.
-- * `group_care_consents.paper_on_file`: the signed consent form is kept
--   on paper at the clinic; `revoked_by`: who recorded a revocation.

alter table patients
    add column admitted_on date,
    add column care_ended_on date,
    add column care_end_reason text,
    add constraint patients_care_end_reason_check
        check (care_end_reason in ('death_at_home', 'hospital_admission', 'transfer', 'other')),
    add constraint patients_care_end_both_check
        check ((care_ended_on is null) = (care_end_reason is null)),
    add constraint patients_admitted_after_birth_check
        check (admitted_on is null or admitted_on >= birth_date),
    add constraint patients_care_end_after_admission_check
        check (care_ended_on is null or admitted_on is null or care_ended_on >= admitted_on);

alter table group_care_consents
    add column paper_on_file boolean not null default false,
    add column revoked_by uuid references staff (id),
    add constraint group_care_consents_revoked_after_check
        check (revoked_on is null or revoked_on >= consented_on),
    add constraint group_care_consents_names_check
        check (length(btrim(consented_by_name)) > 0 and length(btrim(consented_by_relation)) > 0);
