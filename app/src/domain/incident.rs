//! A night call (incident): why the nurse calls, the vital signs she
//! measured, who was tried and what they said, and how it ended. Input is
//! parsed here so impossible values never reach the engine or the database.

use serde::{Deserialize, Serialize};

/// Why the family called (the list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Fever,
    Pain,
    Breathing,
    Fall,
    Device,
    Death,
    Other,
}

impl Reason {
    pub const ALL: [Reason; 7] = [
        Reason::Fever,
        Reason::Pain,
        Reason::Breathing,
        Reason::Fall,
        Reason::Device,
        Reason::Death,
        Reason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Fever => "fever",
            Reason::Pain => "pain",
            Reason::Breathing => "breathing",
            Reason::Fall => "fall",
            Reason::Device => "device",
            Reason::Death => "death",
            Reason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Vital signs as measured at the bedside; every field optional (a nurse on
/// the phone may have only some), every present value within human range.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Vitals {
    pub temperature_c: Option<f64>,
    pub pulse_bpm: Option<u16>,
    pub systolic_mmhg: Option<u16>,
    pub diastolic_mmhg: Option<u16>,
    pub spo2_percent: Option<u8>,
    pub respiratory_rate: Option<u8>,
}

/// Which vital sign is out of range (the UI names the field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum VitalsError {
    #[error("temperature")]
    Temperature,
    #[error("pulse")]
    Pulse,
    #[error("blood pressure")]
    BloodPressure,
    #[error("SpO2")]
    Spo2,
    #[error("respiratory rate")]
    RespiratoryRate,
}

impl VitalsError {
    pub fn field(self) -> &'static str {
        match self {
            VitalsError::Temperature => "temperature",
            VitalsError::Pulse => "pulse",
            VitalsError::BloodPressure => "blood_pressure",
            VitalsError::Spo2 => "spo2",
            VitalsError::RespiratoryRate => "respiratory_rate",
        }
    }
}

/// Parses the form's text fields; empty means "not measured".
pub fn parse_vitals(
    temperature: &str,
    pulse: &str,
    systolic: &str,
    diastolic: &str,
    spo2: &str,
    respiratory_rate: &str,
) -> Result<Vitals, VitalsError> {
    fn num<T: std::str::FromStr>(s: &str, e: VitalsError) -> Result<Option<T>, VitalsError> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        // Full-width digits are common on Japanese phones.
        let ascii: String = s
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                '．' => '.',
                other => other,
            })
            .collect();
        ascii.parse::<T>().map(Some).map_err(|_| e)
    }
    fn within<T: PartialOrd + Copy>(
        v: Option<T>,
        lo: T,
        hi: T,
        e: VitalsError,
    ) -> Result<Option<T>, VitalsError> {
        match v {
            Some(x) if x < lo || x > hi => Err(e),
            other => Ok(other),
        }
    }
    let temperature_c = num::<f64>(temperature, VitalsError::Temperature)?;
    if temperature_c.is_some_and(|t| !t.is_finite()) {
        return Err(VitalsError::Temperature);
    }
    let vitals = Vitals {
        temperature_c: within(temperature_c, 25.0, 45.0, VitalsError::Temperature)?,
        pulse_bpm: within(num(pulse, VitalsError::Pulse)?, 10, 300, VitalsError::Pulse)?,
        systolic_mmhg: within(
            num(systolic, VitalsError::BloodPressure)?,
            30,
            300,
            VitalsError::BloodPressure,
        )?,
        diastolic_mmhg: within(
            num(diastolic, VitalsError::BloodPressure)?,
            10,
            200,
            VitalsError::BloodPressure,
        )?,
        spo2_percent: within(num(spo2, VitalsError::Spo2)?, 30, 100, VitalsError::Spo2)?,
        respiratory_rate: within(
            num(respiratory_rate, VitalsError::RespiratoryRate)?,
            2,
            80,
            VitalsError::RespiratoryRate,
        )?,
    };
    if let (Some(s), Some(d)) = (vitals.systolic_mmhg, vitals.diastolic_mmhg) {
        if d >= s {
            return Err(VitalsError::BloodPressure);
        }
    }
    Ok(vitals)
}

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallState {
    /// Working down the path.
    Calling,
    /// Every step tried without acceptance: the nurse decides (hospital, 119).
    Exhausted,
    /// A doctor is on the way.
    Accepted,
    /// A doctor advised by phone; no visit.
    Advised,
    Arrived,
    Closed,
    /// Ended by the opening nurse before anyone came (see [`CancelReason`]).
    Cancelled,
}

impl CallState {
    pub const ALL: [CallState; 7] = [
        CallState::Calling,
        CallState::Exhausted,
        CallState::Accepted,
        CallState::Advised,
        CallState::Arrived,
        CallState::Closed,
        CallState::Cancelled,
    ];

    /// Whether the call is over (closed with an outcome, or cancelled).
    pub fn is_finished(self) -> bool {
        matches!(self, CallState::Closed | CallState::Cancelled)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CallState::Calling => "calling",
            CallState::Exhausted => "exhausted",
            CallState::Accepted => "accepted",
            CallState::Advised => "advised",
            CallState::Arrived => "arrived",
            CallState::Closed => "closed",
            CallState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The outcome of one attempt to reach the current step's callee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    NoAnswer,
    Declined,
    Accepted,
    Advised,
    /// Written by the engine when a step's wait ran out.
    TimedOut,
    Arrived,
    /// The opening nurse walked the path again after it ran out.
    Restarted,
    /// The opening nurse cancelled the call.
    Cancelled,
}

impl AttemptOutcome {
    pub const ALL: [AttemptOutcome; 8] = [
        AttemptOutcome::NoAnswer,
        AttemptOutcome::Declined,
        AttemptOutcome::Accepted,
        AttemptOutcome::Advised,
        AttemptOutcome::TimedOut,
        AttemptOutcome::Arrived,
        AttemptOutcome::Restarted,
        AttemptOutcome::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttemptOutcome::NoAnswer => "no_answer",
            AttemptOutcome::Declined => "declined",
            AttemptOutcome::Accepted => "accepted",
            AttemptOutcome::Advised => "advised",
            AttemptOutcome::TimedOut => "timed_out",
            AttemptOutcome::Arrived => "arrived",
            AttemptOutcome::Restarted => "restarted",
            AttemptOutcome::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// What recording an outcome does to the call: pure, so the engine and the
/// server functions agree and the table below checks every case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Move to the next step (or exhaust the path).
    Advance,
    /// The call is answered: new state.
    Settle(CallState),
    /// Not allowed in this state.
    Refuse,
}

pub fn transition(state: CallState, outcome: AttemptOutcome) -> Transition {
    use AttemptOutcome as O;
    use CallState as S;
    match (state, outcome) {
        (S::Calling, O::NoAnswer | O::Declined | O::TimedOut) => Transition::Advance,
        (S::Calling | S::Exhausted, O::Accepted) => Transition::Settle(S::Accepted),
        (S::Calling | S::Exhausted, O::Advised) => Transition::Settle(S::Advised),
        (S::Accepted, O::Arrived) => Transition::Settle(S::Arrived),
        _ => Transition::Refuse,
    }
}

/// An arrival estimate in minutes: 0–600 (ten hours is already absurd at
/// night; a negative one is a typo).
pub fn parse_eta(s: &str) -> Option<u16> {
    s.trim().parse::<u16>().ok().filter(|m| *m <= 600)
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    ManagedAtHome,
    Admitted,
    Transported,
    DeathConfirmed,
}

impl CallOutcome {
    pub const ALL: [CallOutcome; 4] = [
        CallOutcome::ManagedAtHome,
        CallOutcome::Admitted,
        CallOutcome::Transported,
        CallOutcome::DeathConfirmed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::ManagedAtHome => "managed_at_home",
            CallOutcome::Admitted => "admitted",
            CallOutcome::Transported => "transported",
            CallOutcome::DeathConfirmed => "death_confirmed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            CallOutcome::ManagedAtHome,
            CallOutcome::Admitted,
            CallOutcome::Transported,
            CallOutcome::DeathConfirmed,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

/// Why the opening nurse cancels a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// The family is reassured; nobody needs to come.
    FamilySettled,
    /// The nurse called the ambulance (119).
    #[serde(rename = "called_119")]
    Called119,
    /// The patient was taken to hospital.
    PatientTransported,
}

impl CancelReason {
    pub const ALL: [CancelReason; 3] = [
        CancelReason::FamilySettled,
        CancelReason::Called119,
        CancelReason::PatientTransported,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CancelReason::FamilySettled => "family_settled",
            CancelReason::Called119 => "called_119",
            CancelReason::PatientTransported => "patient_transported",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A move someone makes on a call. Each has its own rule in [`may`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CallMove {
    /// The doctor being called answers on his own phone: accepts (ETA),
    /// advises by phone, or declines.
    AnswerOwn,
    /// The nurse who opened the call records the callee's answer given on
    /// the phone ("桜井先生が電話で受諾、25分"), or that nobody answered.
    RecordForCallee,
    /// Another doctor of the team or of the path takes the call himself
    /// ("私が行きます"): accepts or advises, and becomes the responder.
    TakeOver,
    /// The doctor on the way is at the house.
    Arrive,
    /// The outcome and the hand-off, once someone has answered.
    Close,
    /// The opening nurse ends the call with a [`CancelReason`].
    Cancel,
    /// The opening nurse walks the path again after it ran out.
    Restart,
}

impl CallMove {
    pub const ALL: [CallMove; 7] = [
        CallMove::AnswerOwn,
        CallMove::RecordForCallee,
        CallMove::TakeOver,
        CallMove::Arrive,
        CallMove::Close,
        CallMove::Cancel,
        CallMove::Restart,
    ];
}

/// Who the viewer is to this call, as loaded by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallRelation {
    /// The viewer opened the call.
    pub opened_call: bool,
    /// The viewer is the staff member the current step calls.
    pub current_callee: bool,
    /// The viewer is the doctor who answered (accepted or advised).
    pub responder: bool,
    /// The viewer is the patient's attending physician.
    pub attending: bool,
    /// The viewer is a physician of the patient's team or named on the
    /// path ([`may_respond`]), so may take the call himself.
    pub may_respond: bool,
}

/// Whether a physician may answer a call he is not being called for:
/// one named on the path, the attending or secondary physician, or a
/// covering doctor of the clinic team whose family agreed to house calls.
/// A covering doctor who may only read the card, or a break-glass reader,
/// may not: nobody would be on the way.
pub fn may_respond(
    role: crate::domain::access::Role,
    basis: &crate::domain::access::Basis,
    on_path: bool,
    house_calls_consented: bool,
) -> bool {
    use crate::domain::access::{Basis, CareRole, Role};
    role == Role::Physician
        && (on_path
            || matches!(
                basis,
                Basis::CareTeam(CareRole::Attending | CareRole::Secondary)
            )
            || (*basis == Basis::CoveringTeamWithConsent && house_calls_consented))
}

/// Whether `who` may make `mv` on a call at all (in some state).
fn may_ever(who: &CallRelation, mv: CallMove) -> bool {
    match mv {
        CallMove::AnswerOwn => who.current_callee,
        CallMove::RecordForCallee | CallMove::Cancel | CallMove::Restart => who.opened_call,
        CallMove::TakeOver => who.may_respond && !who.current_callee,
        CallMove::Arrive => who.responder || who.opened_call,
        CallMove::Close => who.responder || who.attending,
    }
}

/// Whether `mv` makes sense in `state`, whoever asks.
fn fits_state(state: CallState, mv: CallMove) -> bool {
    use CallState as S;
    match mv {
        CallMove::AnswerOwn | CallMove::RecordForCallee | CallMove::TakeOver => {
            matches!(state, S::Calling | S::Exhausted)
        }
        CallMove::Arrive => state == S::Accepted,
        // Only once someone has answered: never while calling.
        CallMove::Close => matches!(state, S::Accepted | S::Advised | S::Arrived),
        CallMove::Cancel => matches!(state, S::Calling | S::Exhausted | S::Accepted | S::Advised),
        CallMove::Restart => state == S::Exhausted,
    }
}

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveRefusal {
    /// This person never may (403).
    NotYours,
    /// Not in the call's present state: it has moved on (409).
    NotNow,
}

/// Whether `who` may make `mv` on a call in `state`.
pub fn may(who: &CallRelation, state: CallState, mv: CallMove) -> Result<(), MoveRefusal> {
    if !may_ever(who, mv) {
        Err(MoveRefusal::NotYours)
    } else if !fits_state(state, mv) {
        Err(MoveRefusal::NotNow)
    } else {
        Ok(())
    }
}

/// Which move a recorded outcome is, for this viewer: the opening nurse
/// records for the callee, the callee answers for himself, anyone else
/// takes the call over. `None` for an outcome nobody records by hand.
pub fn move_for(who: &CallRelation, outcome: AttemptOutcome) -> Option<CallMove> {
    use AttemptOutcome as O;
    match outcome {
        O::Arrived => Some(CallMove::Arrive),
        O::TimedOut | O::Restarted | O::Cancelled => None,
        O::NoAnswer => Some(CallMove::RecordForCallee),
        O::Declined if who.opened_call => Some(CallMove::RecordForCallee),
        O::Declined => Some(CallMove::AnswerOwn),
        O::Accepted | O::Advised if who.opened_call => Some(CallMove::RecordForCallee),
        O::Accepted | O::Advised if who.current_callee => Some(CallMove::AnswerOwn),
        O::Accepted | O::Advised => Some(CallMove::TakeOver),
    }
}

/// Who is credited with an answer: the taker when he took the call over,
/// otherwise the callee of the step.
pub fn responder_of(
    mv: CallMove,
    viewer: uuid::Uuid,
    callee: Option<uuid::Uuid>,
) -> Option<uuid::Uuid> {
    match mv {
        CallMove::TakeOver => Some(viewer),
        CallMove::AnswerOwn => Some(viewer),
        _ => callee,
    }
}

/// The forms the viewer sees: exactly the moves [`may`] allows now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ViewerMoves {
    pub answer_own: bool,
    pub record_for_callee: bool,
    pub take_over: bool,
    pub arrive: bool,
    pub close: bool,
    pub cancel: bool,
    pub restart: bool,
}

pub fn viewer_moves(who: &CallRelation, state: CallState) -> ViewerMoves {
    let ok = |mv| may(who, state, mv).is_ok();
    ViewerMoves {
        answer_own: ok(CallMove::AnswerOwn),
        record_for_callee: ok(CallMove::RecordForCallee),
        take_over: ok(CallMove::TakeOver),
        arrive: ok(CallMove::Arrive),
        close: ok(CallMove::Close),
        cancel: ok(CallMove::Cancel),
        restart: ok(CallMove::Restart),
    }
}

/// Which calls a person sees on the call board (`/calls`). The board shows
/// how calls are going — state, who is being called, ETA — and no patient
/// data, so it follows the person's place in the night work rather than the
/// care team: the coordinator watches every call, a nurse her station's
/// calls, a doctor the calls whose path names him.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardScope {
    Every,
    OpenedByStation(uuid::Uuid),
    OnPath(uuid::Uuid),
}

pub fn board_scope(actor: &crate::domain::access::Actor) -> BoardScope {
    use crate::domain::access::Role;
    match actor.role {
        Role::Coordinator | Role::Admin => BoardScope::Every,
        Role::Nurse => BoardScope::OpenedByStation(actor.organization_id),
        Role::Physician => BoardScope::OnPath(actor.staff_id),
    }
}

/// How long a closed call stays on the board: the rest of the night.
pub const BOARD_KEEPS_CLOSED_HOURS: i64 = 12;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vitals_outside_human_range_are_refused() {
        struct Case {
            name: &'static str,
            fields: [&'static str; 6],
            expected: Result<(), VitalsError>,
        }
        let cases = [
            Case {
                name: "all empty",
                fields: ["", "", "", "", "", ""],
                expected: Ok(()),
            },
            Case {
                name: "typical fever",
                fields: ["38.9", "110", "128", "70", "94", "22"],
                expected: Ok(()),
            },
            Case {
                name: "full-width digits",
                fields: ["３８．５", "", "", "", "", ""],
                expected: Ok(()),
            },
            Case {
                name: "temperature 60",
                fields: ["60", "", "", "", "", ""],
                expected: Err(VitalsError::Temperature),
            },
            Case {
                name: "temperature NaN",
                fields: ["NaN", "", "", "", "", ""],
                expected: Err(VitalsError::Temperature),
            },
            Case {
                name: "pulse negative",
                fields: ["", "-5", "", "", "", ""],
                expected: Err(VitalsError::Pulse),
            },
            Case {
                name: "pulse 400",
                fields: ["", "400", "", "", "", ""],
                expected: Err(VitalsError::Pulse),
            },
            Case {
                name: "diastolic above systolic",
                fields: ["", "", "80", "120", "", ""],
                expected: Err(VitalsError::BloodPressure),
            },
            Case {
                name: "SpO2 101",
                fields: ["", "", "", "", "101", ""],
                expected: Err(VitalsError::Spo2),
            },
            Case {
                name: "letters",
                fields: ["abc", "", "", "", "", ""],
                expected: Err(VitalsError::Temperature),
            },
            Case {
                name: "resp 0",
                fields: ["", "", "", "", "", "0"],
                expected: Err(VitalsError::RespiratoryRate),
            },
        ];
        for case in cases {
            let [t, p, s, d, o, r] = case.fields;
            assert_eq!(
                parse_vitals(t, p, s, d, o, r).map(|_| ()),
                case.expected,
                "{}",
                case.name
            );
        }
        assert_eq!(
            parse_vitals("３８．５", "", "", "", "", "")
                .unwrap()
                .temperature_c,
            Some(38.5)
        );
    }

    #[test]
    fn outcomes_move_the_call_only_where_it_makes_sense() {
        use AttemptOutcome as O;
        use CallState as S;
        let cases = [
            (S::Calling, O::NoAnswer, Transition::Advance),
            (S::Calling, O::Declined, Transition::Advance),
            (S::Calling, O::TimedOut, Transition::Advance),
            (S::Calling, O::Accepted, Transition::Settle(S::Accepted)),
            (S::Calling, O::Advised, Transition::Settle(S::Advised)),
            (S::Exhausted, O::Accepted, Transition::Settle(S::Accepted)),
            (S::Exhausted, O::TimedOut, Transition::Refuse),
            (S::Accepted, O::Arrived, Transition::Settle(S::Arrived)),
            (S::Accepted, O::TimedOut, Transition::Refuse),
            (S::Accepted, O::Accepted, Transition::Refuse),
            (S::Closed, O::Accepted, Transition::Refuse),
            (S::Calling, O::Arrived, Transition::Refuse),
        ];
        for (state, outcome, expected) in cases {
            assert_eq!(
                transition(state, outcome),
                expected,
                "{state:?} + {outcome:?}"
            );
        }
    }

    #[test]
    fn etas_are_minutes_from_0_to_600() {
        let cases = [
            ("25", Some(25)),
            ("0", Some(0)),
            ("-5", None),
            ("601", None),
            ("abc", None),
            (" 30 ", Some(30)),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_eta(input), expected, "{input:?}");
        }
    }

    #[test]
    fn names_round_trip() {
        for r in Reason::ALL {
            assert_eq!(Reason::parse(r.as_str()), Some(r));
        }
        for o in [
            "managed_at_home",
            "admitted",
            "transported",
            "death_confirmed",
        ] {
            assert_eq!(CallOutcome::parse(o).map(CallOutcome::as_str), Some(o));
        }
        assert_eq!(CallState::parse("calling"), Some(CallState::Calling));
        assert_eq!(
            AttemptOutcome::parse("timed_out"),
            Some(AttemptOutcome::TimedOut)
        );
    }

    #[test]
    fn the_board_follows_the_place_in_the_night_work() {
        use crate::domain::access::{Actor, Role};
        let staff = uuid::Uuid::from_u128(1);
        let org = uuid::Uuid::from_u128(2);
        let cases = [
            (Role::Coordinator, BoardScope::Every),
            (Role::Admin, BoardScope::Every),
            (Role::Nurse, BoardScope::OpenedByStation(org)),
            (Role::Physician, BoardScope::OnPath(staff)),
        ];
        for (role, expected) in cases {
            let actor = Actor {
                staff_id: staff,
                organization_id: org,
                role,
            };
            assert_eq!(board_scope(&actor), expected, "{role:?}");
        }
    }

    #[test]
    fn who_may_make_which_move_in_which_state() {
        use CallMove as M;
        use CallState as S;
        let nurse = CallRelation {
            opened_call: true,
            ..Default::default()
        };
        let callee = CallRelation {
            current_callee: true,
            may_respond: true,
            ..Default::default()
        };
        let team_doctor = CallRelation {
            may_respond: true,
            ..Default::default()
        };
        let responder = CallRelation {
            responder: true,
            may_respond: true,
            ..Default::default()
        };
        let attending = CallRelation {
            attending: true,
            may_respond: true,
            ..Default::default()
        };
        // A covering doctor who may only read the card, a break-glass
        // reader, another nurse of the station: nothing at all.
        let reader = CallRelation::default();
        let open = [S::Calling, S::Exhausted];
        let answered = [S::Accepted, S::Advised, S::Arrived];
        let cancellable = [S::Calling, S::Exhausted, S::Accepted, S::Advised];
        let none: [S; 0] = [];
        // (who, name, move, the states where it is allowed; elsewhere it is
        // NotNow if the person may ever make it, else NotYours)
        let cases: Vec<(CallRelation, &str, M, &[S])> = vec![
            (nurse, "opening nurse", M::RecordForCallee, &open),
            (nurse, "opening nurse", M::Cancel, &cancellable),
            (nurse, "opening nurse", M::Restart, &[S::Exhausted]),
            (nurse, "opening nurse", M::Arrive, &[S::Accepted]),
            (nurse, "opening nurse", M::Close, &none),
            (nurse, "opening nurse", M::AnswerOwn, &none),
            (nurse, "opening nurse", M::TakeOver, &none),
            (callee, "callee", M::AnswerOwn, &open),
            (callee, "callee", M::TakeOver, &none),
            (callee, "callee", M::Close, &none),
            (callee, "callee", M::Arrive, &none),
            (callee, "callee", M::Cancel, &none),
            (callee, "callee", M::RecordForCallee, &none),
            (team_doctor, "team doctor", M::TakeOver, &open),
            (team_doctor, "team doctor", M::AnswerOwn, &none),
            (team_doctor, "team doctor", M::Close, &none),
            (team_doctor, "team doctor", M::Arrive, &none),
            (team_doctor, "team doctor", M::Restart, &none),
            (responder, "responder", M::Arrive, &[S::Accepted]),
            (responder, "responder", M::Close, &answered),
            (responder, "responder", M::Cancel, &none),
            (attending, "attending", M::Close, &answered),
            (attending, "attending", M::TakeOver, &open),
            (attending, "attending", M::Arrive, &none),
        ];
        for (who, name, mv, allowed) in &cases {
            for state in S::ALL {
                let expected = if allowed.contains(&state) {
                    Ok(())
                } else if allowed.is_empty() {
                    Err(MoveRefusal::NotYours)
                } else {
                    Err(MoveRefusal::NotNow)
                };
                assert_eq!(may(who, state, *mv), expected, "{name} {mv:?} {state:?}");
            }
        }
        for mv in M::ALL {
            for state in S::ALL {
                assert_eq!(
                    may(&reader, state, mv),
                    Err(MoveRefusal::NotYours),
                    "reader {mv:?} {state:?}"
                );
            }
        }
        // Nobody closes while the call is still calling.
        for who in [nurse, callee, team_doctor, responder, attending, reader] {
            assert!(may(&who, S::Calling, M::Close).is_err(), "{who:?}");
        }
    }

    #[test]
    fn an_outcome_is_the_move_of_who_records_it() {
        use AttemptOutcome as O;
        use CallMove as M;
        let nurse = CallRelation {
            opened_call: true,
            ..Default::default()
        };
        let callee = CallRelation {
            current_callee: true,
            ..Default::default()
        };
        let other = CallRelation::default();
        let cases = [
            (nurse, O::Accepted, Some(M::RecordForCallee)),
            (nurse, O::Advised, Some(M::RecordForCallee)),
            (nurse, O::Declined, Some(M::RecordForCallee)),
            (nurse, O::NoAnswer, Some(M::RecordForCallee)),
            (nurse, O::Arrived, Some(M::Arrive)),
            (callee, O::Accepted, Some(M::AnswerOwn)),
            (callee, O::Declined, Some(M::AnswerOwn)),
            (callee, O::NoAnswer, Some(M::RecordForCallee)),
            (other, O::Accepted, Some(M::TakeOver)),
            (other, O::Advised, Some(M::TakeOver)),
            (other, O::Declined, Some(M::AnswerOwn)),
            (other, O::TimedOut, None),
            (nurse, O::Restarted, None),
            (nurse, O::Cancelled, None),
        ];
        for (who, outcome, expected) in cases {
            assert_eq!(move_for(&who, outcome), expected, "{who:?} {outcome:?}");
        }
        let me = uuid::Uuid::from_u128(7);
        let callee_id = uuid::Uuid::from_u128(8);
        assert_eq!(responder_of(M::TakeOver, me, Some(callee_id)), Some(me));
        assert_eq!(
            responder_of(M::RecordForCallee, me, Some(callee_id)),
            Some(callee_id)
        );
        assert_eq!(responder_of(M::RecordForCallee, me, None), None);
    }

    #[test]
    fn only_doctors_of_the_team_or_the_path_may_take_a_call() {
        use crate::domain::access::{Basis, CareRole, Role};
        let until = chrono::Utc::now();
        let cases = [
            (
                Role::Physician,
                Basis::CareTeam(CareRole::Attending),
                false,
                false,
                true,
            ),
            (
                Role::Physician,
                Basis::CareTeam(CareRole::Secondary),
                false,
                false,
                true,
            ),
            (
                Role::Physician,
                Basis::CoveringTeamWithConsent,
                false,
                true,
                true,
            ),
            (
                Role::Physician,
                Basis::CoveringTeamWithConsent,
                false,
                false,
                false,
            ),
            (
                Role::Physician,
                Basis::CoveringTeamWithConsent,
                true,
                false,
                true,
            ),
            (
                Role::Physician,
                Basis::BreakGlass { until },
                false,
                true,
                false,
            ),
            (
                Role::Physician,
                Basis::BreakGlass { until },
                true,
                true,
                true,
            ),
            (
                Role::Physician,
                Basis::CareTeam(CareRole::CareManager),
                false,
                true,
                false,
            ),
            (
                Role::Nurse,
                Basis::CareTeam(CareRole::NurseStation),
                true,
                true,
                false,
            ),
        ];
        for (role, basis, on_path, consent, expected) in cases {
            assert_eq!(
                may_respond(role, &basis, on_path, consent),
                expected,
                "{role:?} {basis:?} path {on_path} consent {consent}"
            );
        }
    }

    #[test]
    fn the_forms_shown_are_the_moves_allowed() {
        let nurse = CallRelation {
            opened_call: true,
            ..Default::default()
        };
        let calling = viewer_moves(&nurse, CallState::Calling);
        assert!(calling.record_for_callee && calling.cancel);
        assert!(!calling.close && !calling.restart && !calling.take_over);
        assert!(viewer_moves(&nurse, CallState::Exhausted).restart);
        assert_eq!(
            viewer_moves(&CallRelation::default(), CallState::Calling),
            ViewerMoves::default()
        );
    }

    #[test]
    fn cancel_reasons_round_trip() {
        for r in CancelReason::ALL {
            assert_eq!(CancelReason::parse(r.as_str()), Some(r));
            // The wire spelling is the database spelling.
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::Value::from(r.as_str())
            );
        }
        for o in AttemptOutcome::ALL {
            assert_eq!(
                serde_json::to_value(o).unwrap(),
                serde_json::Value::from(o.as_str())
            );
        }
        for o in AttemptOutcome::ALL {
            assert_eq!(AttemptOutcome::parse(o.as_str()), Some(o));
        }
        for s in CallState::ALL {
            assert_eq!(CallState::parse(s.as_str()), Some(s));
        }
        assert_eq!(CancelReason::parse("timed_out"), None);
    }
}
