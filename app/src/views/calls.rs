//! What the call screen, the board and the hand-off list are sent.

use crate::domain::escalation::ResolvedStep;
use crate::domain::incident::{
    AttemptOutcome, CallOutcome, CallState, CancelReason, ViewerMoves, Vitals,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Everything the call screen shows, for the nurse and the doctors alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallView {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub patient_name: String,
    pub patient_kana: String,
    pub age: u32,
    pub address: String,
    pub route_url: Option<String>,
    /// The patient declined resuscitation (the card's banner).
    pub dnar: bool,
    /// Death at home is expected (在宅看取り予定).
    pub home_death: bool,
    pub reason: String,
    pub vitals: Vitals,
    pub note: String,
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    pub nurse_phone: String,
    pub state: CallState,
    pub path: Vec<ResolvedStep>,
    pub current_step: usize,
    pub step_deadline: Option<DateTime<Utc>>,
    /// The doctor who really answered.
    pub accepted_by: Option<String>,
    /// Who recorded the answer, when not the responder himself (the
    /// opening nurse who took it on the phone).
    pub answer_recorded_by: Option<String>,
    pub eta_minutes: Option<i32>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub outcome: Option<CallOutcome>,
    pub cancel_reason: Option<CancelReason>,
    /// How many times the path was walked again (0 on the first walk).
    pub round: i32,
    pub attempts: Vec<AttemptView>,
    pub version: i32,
    pub opened_by_id: Uuid,
    pub accepted_by_id: Option<Uuid>,
    pub attending_id: Option<Uuid>,
    /// The forms this viewer may use now (`domain::incident::may`).
    pub moves: ViewerMoves,
    /// Name and number of the backup hospital, shown when the path ran out.
    pub backup_hospital: Option<(String, String)>,
    pub handoff_acknowledged: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptView {
    pub at: DateTime<Utc>,
    pub step_index: i32,
    pub callee_name: String,
    pub outcome: AttemptOutcome,
    pub eta_minutes: Option<i32>,
    pub note: String,
    #[serde(default)]
    pub round: i32,
    /// The doctor who answered, when the attempt is an answer.
    #[serde(default)]
    pub responder_name: Option<String>,
    /// He was not the one being called: he took the call over.
    #[serde(default)]
    pub taken_over: bool,
    /// Who recorded it, when not the responder or callee himself.
    #[serde(default)]
    pub recorded_by_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoffView {
    pub id: Uuid,
    pub call_id: Uuid,
    pub patient_id: Uuid,
    pub patient_name: String,
    pub written_by: String,
    pub created_at: DateTime<Utc>,
    pub outcome: Option<CallOutcome>,
    pub summary: String,
}

/// One line of the call board: how a call is going, without patient data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardRow {
    pub id: Uuid,
    pub opened_at: DateTime<Utc>,
    pub state: CallState,
    pub team: Option<String>,
    /// The nurse station that opened the call.
    pub station: String,
    /// The step being called, counted from 1, of `steps`.
    pub step: usize,
    pub steps: usize,
    pub now_calling: Option<ResolvedStep>,
    pub step_deadline: Option<DateTime<Utc>>,
    pub accepted_by: Option<String>,
    pub eta_minutes: Option<i32>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<CancelReason>,
    /// When the path ran out (応答なし), for the alarm.
    pub exhausted_at: Option<DateTime<Utc>>,
    /// The call's patient, for the audit row of the board's read only:
    /// never sent to the browser (the board shows no patient data).
    #[serde(skip)]
    pub patient_id: Uuid,
}
