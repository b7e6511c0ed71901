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
}

impl CallState {
    pub fn as_str(self) -> &'static str {
        match self {
            CallState::Calling => "calling",
            CallState::Exhausted => "exhausted",
            CallState::Accepted => "accepted",
            CallState::Advised => "advised",
            CallState::Arrived => "arrived",
            CallState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            CallState::Calling,
            CallState::Exhausted,
            CallState::Accepted,
            CallState::Advised,
            CallState::Arrived,
            CallState::Closed,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
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
}

impl AttemptOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptOutcome::NoAnswer => "no_answer",
            AttemptOutcome::Declined => "declined",
            AttemptOutcome::Accepted => "accepted",
            AttemptOutcome::Advised => "advised",
            AttemptOutcome::TimedOut => "timed_out",
            AttemptOutcome::Arrived => "arrived",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            AttemptOutcome::NoAnswer,
            AttemptOutcome::Declined,
            AttemptOutcome::Accepted,
            AttemptOutcome::Advised,
            AttemptOutcome::TimedOut,
            AttemptOutcome::Arrived,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
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
}
