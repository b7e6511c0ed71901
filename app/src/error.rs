//! One application error, shared by server and browser.
//!
//! Server functions return `Result<T, AppError>`; the variant crosses the
//! wire as JSON, the browser shows its translated message, and the server
//! sets the matching HTTP status. Causes of internal errors are logged on the
//! server and never sent to the client.

use crate::domain::time::format_tokyo_minute;
use crate::i18n::{text, Key, Lang};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Input that does not parse; the string names the field.
    #[error("invalid input: {0}")]
    Invalid(String),
    #[error("edit conflict")]
    Conflict,
    /// Wrong login id or password (deliberately not saying which).
    #[error("bad credentials")]
    BadCredentials,
    /// Too many failed sign-ins; try again after this instant.
    #[error("throttled until {0}")]
    Throttled(chrono::DateTime<chrono::Utc>),
    #[error("internal error")]
    Internal,
    /// The request never reached our code, or its answer could not be read.
    #[error("transport: {0}")]
    Transport(String),
    // --- issue 8: calls ---
    /// A move on a night call that is not the viewer's to make (answering
    /// for another, closing or cancelling someone else's call).
    #[error("not your move on this call")]
    NotYourCallMove,
    // --- issue 9: sign-in door ---
    /// Too many password checks waiting; try again in a moment.
    #[error("server busy")]
    ServerBusy,
    // --- issue 9: factors and sessions ---
    /// A credential change without a fresh proof (password with the
    /// current factor, or a passkey, within five minutes).
    #[error("re-authentication required")]
    ReauthenticationRequired,
    /// A first factor without an administrator's enrolment code.
    #[error("enrolment code required")]
    EnrolmentCodeRequired,
}

impl AppError {
    /// The HTTP status this error is served with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid(_) => 400,
            AppError::Conflict => 409,
            AppError::BadCredentials => 401,
            AppError::Throttled(_) => 429,
            AppError::Internal | AppError::Transport(_) => 500,
            // --- issue 8: calls ---
            AppError::NotYourCallMove => 403,
            // --- issue 9: sign-in door ---
            AppError::ServerBusy => 503,
            // --- issue 9: factors and sessions ---
            AppError::ReauthenticationRequired | AppError::EnrolmentCodeRequired => 403,
        }
    }

    /// The translated title and explanation shown to the user.
    pub fn message_keys(&self) -> (Key, Key) {
        match self {
            AppError::Unauthenticated => (
                Key::ErrorUnauthenticatedTitle,
                Key::ErrorUnauthenticatedBody,
            ),
            AppError::Forbidden => (Key::ErrorForbiddenTitle, Key::ErrorForbiddenBody),
            AppError::NotFound => (Key::ErrorNotFoundTitle, Key::ErrorNotFoundBody),
            AppError::Invalid(_) => (Key::ErrorBadRequestTitle, Key::ErrorBadRequestBody),
            AppError::Conflict => (Key::ErrorConflictTitle, Key::ErrorConflictBody),
            AppError::BadCredentials => (Key::ErrorBadCredentials, Key::ErrorBadCredentials),
            AppError::Throttled(_) => (Key::ErrorThrottled, Key::ErrorThrottled),
            AppError::Internal => (Key::ErrorInternalTitle, Key::ErrorInternalBody),
            AppError::Transport(_) => (Key::ErrorNetworkTitle, Key::ErrorNetworkBody),
            // --- issue 8: calls ---
            AppError::NotYourCallMove => (Key::ErrorCallMoveTitle, Key::ErrorCallMoveBody),
            // --- issue 9: sign-in door ---
            AppError::ServerBusy => (Key::ErrorServerBusy, Key::ErrorServerBusy),
            // --- issue 9: factors and sessions ---
            AppError::ReauthenticationRequired => {
                (Key::ErrorReauthRequired, Key::ErrorReauthRequired)
            }
            AppError::EnrolmentCodeRequired => (
                Key::ErrorEnrolmentCodeRequired,
                Key::ErrorEnrolmentCodeRequired,
            ),
        }
    }
}

/// What to tell about a refused form field, by the field's name.
fn invalid_field_key(field: &str) -> Key {
    match field {
        "temperature" => Key::InvalidTemperature,
        "pulse" => Key::InvalidPulse,
        "blood_pressure" => Key::InvalidBloodPressure,
        "spo2" => Key::InvalidSpo2,
        "respiratory_rate" => Key::InvalidRespiratoryRate,
        "eta_minutes" => Key::InvalidEta,
        "call_reason" => Key::InvalidCallReason,
        "break_glass_reason" => Key::InvalidBreakGlassReason,
        "outcome" => Key::InvalidOutcome,
        "note" => Key::InvalidCallNote,
        "summary" => Key::InvalidSummary,
        "died_at" => Key::InvalidDiedAt,
        "admitted_to" => Key::InvalidAdmittedTo,
        // --- issue 8: calls ---
        "cancel_reason" => Key::InvalidCancelReason,
        // --- issue 9: sign-in door ---
        "calendar_from" => Key::InvalidCalendarFrom,
        "current_password" => Key::InvalidCurrentPassword,
        "new_password_too_short" => Key::InvalidNewPasswordTooShort,
        "new_password_too_long" => Key::InvalidNewPasswordTooLong,
        "new_password_contains_login_id" => Key::InvalidNewPasswordLoginId,
        "new_password_common" => Key::InvalidNewPasswordCommon,
        "new_password_control" => Key::InvalidNewPasswordControl,
        "new_password_same" => Key::InvalidNewPasswordSame,
        "new_password_mismatch" => Key::InvalidNewPasswordMismatch,
        // --- issue 9: factors and sessions ---
        "enrolment_code" => Key::InvalidEnrolmentCode,
        "reauthentication" => Key::InvalidReauthentication,
        "session" => Key::InvalidSession,
        // --- issue 11: team administration ---
        "night_model" => Key::InvalidNightModel,
        "team_doctor" => Key::InvalidTeamDoctor,
        "order_move" => Key::InvalidOrderMove,
        "backup_hospital" => Key::InvalidBackupHospital,
        "team_id" => Key::InvalidTeamId,
        "cover_date" => Key::InvalidCoverDate,
        "cover_time" => Key::InvalidCoverTime,
        "cover_past" => Key::InvalidCoverPast,
        "cover" => Key::InvalidCover,
        // --- staff administration ---
        "first_sign_in" => Key::InvalidFirstSignIn,
        _ => Key::InvalidInput,
    }
}

/// "ログインID: このログインIDはすでに使われています。…": the field of
/// the staff forms and what is wrong with it.
fn staff_field_message(lang: Lang, e: &crate::domain::staff::StaffFieldError) -> String {
    use crate::domain::staff::{StaffField as F, StaffProblem as P};
    let field = match e.field {
        F::FamilyName => Key::FamilyName,
        F::GivenName => Key::GivenName,
        F::FamilyNameKana => Key::FamilyNameKana,
        F::GivenNameKana => Key::GivenNameKana,
        F::Role => Key::StaffRole,
        F::Organization => Key::StaffOrganization,
        F::LoginId => Key::LoginId,
        F::Phone => Key::StaffPhone,
        F::Account => Key::StaffAccountTitle,
    };
    let problem = match e.problem {
        P::Empty => text(lang, Key::ProblemEmpty).to_owned(),
        P::TooLong { max } => text(lang, Key::ProblemTooLong).replace("{max}", &max.to_string()),
        P::ControlCharacters => text(lang, Key::ProblemControl).to_owned(),
        P::Emoji => text(lang, Key::StaffProblemEmoji).to_owned(),
        P::NotKana => text(lang, Key::ProblemNotKana).to_owned(),
        P::Letters => text(lang, Key::ProblemLetters).to_owned(),
        P::BadPhone => text(lang, Key::ProblemBadPhone).to_owned(),
        P::BadLoginId => text(lang, Key::StaffProblemBadLoginId).to_owned(),
        P::Taken => text(lang, Key::StaffProblemTaken).to_owned(),
        P::NotAChoice => text(lang, Key::ProblemNotAChoice).to_owned(),
        P::HoldsSeats => text(lang, Key::StaffProblemHoldsSeats).to_owned(),
        P::Yourself => text(lang, Key::StaffProblemYourself).to_owned(),
    };
    format!("{}: {problem}", text(lang, field))
}

/// "郵便番号: 7桁の数字で入力してください …": the field of the admission
/// form and what is wrong with it.
fn admit_field_message(lang: Lang, e: &crate::domain::admission::AdmitError) -> String {
    use crate::domain::admission::{AdmitField as F, AdmitProblem as P};
    let field = match e.field {
        F::FamilyName => Key::FamilyName,
        F::GivenName => Key::GivenName,
        F::FamilyNameKana => Key::FamilyNameKana,
        F::GivenNameKana => Key::GivenNameKana,
        F::BirthDate => Key::BirthDate,
        F::Sex => Key::Sex,
        F::PostalCode => Key::AdmitPostalCode,
        F::Prefecture => Key::AdmitPrefecture,
        F::City => Key::AdmitCity,
        F::Street => Key::AdmitStreet,
        F::Building => Key::AdmitBuilding,
        F::Room => Key::AdmitRoom,
        F::Landmark => Key::Landmark,
        F::Coordinates => Key::AdmitCoordinates,
        F::AdmittedOn => Key::AdmitAdmittedOn,
        F::ClinicTeam => Key::AdmitClinicTeam,
        F::Attending => Key::AdmitAttending,
        F::Secondary => Key::AdmitSecondary,
        F::NurseStation => Key::AdmitNurseStation,
        F::CareManager => Key::AdmitCareManager,
        F::DischargingHospital => Key::AdmitDischargingHospital,
        F::ConsentBy => Key::AdmitConsentBy,
        F::ConsentRelation => Key::AdmitConsentRelation,
        F::ConsentOn => Key::AdmitConsentOn,
        F::ConsentScope => Key::AdmitConsentScope,
        F::ContactName => Key::AdmitContactName,
        F::ContactRelation => Key::AdmitContactRelation,
        F::ContactPhone => Key::AdmitContactPhone,
        F::RevokedOn => Key::CareRevokedOn,
    };
    let problem = match e.problem {
        P::Empty => text(lang, Key::ProblemEmpty).to_owned(),
        P::TooLong { max } => text(lang, Key::ProblemTooLong).replace("{max}", &max.to_string()),
        P::ControlCharacters => text(lang, Key::ProblemControl).to_owned(),
        P::Emoji => text(lang, Key::StaffProblemEmoji).to_owned(),
        P::NotKana => text(lang, Key::ProblemNotKana).to_owned(),
        P::BadDate => text(lang, Key::ProblemBadDate).to_owned(),
        P::ImpossibleDate => text(lang, Key::ProblemImpossibleDate).to_owned(),
        P::FutureDate => text(lang, Key::ProblemFutureDate).to_owned(),
        P::TooOld => text(lang, Key::ProblemTooOld).to_owned(),
        P::BadPostalCode => text(lang, Key::AdmitProblemBadPostalCode).to_owned(),
        P::BadCoordinates => text(lang, Key::AdmitProblemBadCoordinates).to_owned(),
        P::OutOfRange => text(lang, Key::AdmitProblemOutOfRange).to_owned(),
        P::Letters => text(lang, Key::ProblemLetters).to_owned(),
        P::BadPhone => text(lang, Key::ProblemBadPhone).to_owned(),
        P::NotAChoice => text(lang, Key::ProblemNotAChoice).to_owned(),
        P::SameAsAttending => text(lang, Key::AdmitProblemSameAsAttending).to_owned(),
        P::BeforeBirth => text(lang, Key::AdmitProblemBeforeBirth).to_owned(),
        P::NotInTeam => text(lang, Key::AdmitProblemNotInTeam).to_owned(),
        P::BeforeConsent => text(lang, Key::CareProblemBeforeConsent).to_owned(),
    };
    format!("{}: {problem}", text(lang, field))
}

impl AppError {
    /// One sentence for a form: what went wrong and what to do.
    pub fn user_message(&self, lang: Lang) -> String {
        match self {
            AppError::Throttled(until) => {
                text(lang, Key::ErrorThrottled).replace("{time}", &format_tokyo_minute(*until))
            }
            AppError::Invalid(field) => {
                if let Some(e) = crate::domain::admission::AdmitError::from_code(field) {
                    return admit_field_message(lang, &e);
                }
                match crate::domain::staff::StaffFieldError::from_code(field) {
                    Some(e) => staff_field_message(lang, &e),
                    None => text(lang, invalid_field_key(field)).to_owned(),
                }
            }
            other => {
                let (title, body) = other.message_keys();
                if title == body {
                    text(lang, title).to_owned()
                } else {
                    format!("{} {}", text(lang, title), text(lang, body))
                }
            }
        }
    }

    /// The error as a query parameter value, for forms posted without
    /// JavaScript that come back to their page (`?error=…`).
    pub fn to_query_value(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_query_value(value: &str) -> Option<Self> {
        serde_json::from_str(value).ok()
    }
}

/// The field a deserializer's message names (`` missing field `call_id` ``,
/// or a bare field name), else `input`: never the message itself.
fn field_of_parse_error(detail: &str) -> String {
    let is_code = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    if is_code(detail) {
        return detail.to_owned();
    }
    detail
        .split_once("field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(name, _)| name)
        .filter(|name| is_code(name))
        .unwrap_or("input")
        .to_owned()
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that fail to deserialize are the client's fault.
            // The parser's own words ("missing field `x`", "number too
            // large to fit in target type") would reach the client: keep
            // the field it names, if any, as the code.
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                AppError::Invalid(field_of_parse_error(&detail))
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_admission_refusal_is_worded_with_its_field_in_both_languages() {
        let e = AppError::Invalid("admit_postal_code:bad_postal_code".into());
        assert_eq!(
            e.user_message(Lang::Ja),
            "郵便番号: 7桁の数字で入力してください (例: 400-0031)。"
        );
        assert_eq!(
            e.user_message(Lang::En),
            "Postal code: enter seven digits (e.g. 400-0031)."
        );
        let e = AppError::Invalid("admit_birth_date:impossible_date".into());
        assert_eq!(e.user_message(Lang::Ja), "生年月日: 存在しない日付です。");
        let e = AppError::Invalid("admit_family_name:too_long:50".into());
        assert!(
            e.user_message(Lang::Ja).contains("50"),
            "{}",
            e.user_message(Lang::Ja)
        );
        // No code reaches the screen.
        for code in [
            "admit_coordinates:out_of_range",
            "admit_secondary_id:same_as_attending",
            "admit_attending_id:not_in_team",
        ] {
            let m = AppError::Invalid(code.into()).user_message(Lang::Ja);
            assert!(!m.contains("admit_"), "{m}");
        }
    }

    #[test]
    fn every_error_has_a_status_and_a_message() {
        let cases = [
            (AppError::Unauthenticated, 401),
            (AppError::Forbidden, 403),
            (AppError::NotFound, 404),
            (AppError::Invalid("id".into()), 400),
            (AppError::Conflict, 409),
            (AppError::BadCredentials, 401),
            (AppError::Throttled(chrono::Utc::now()), 429),
            (AppError::Internal, 500),
            (AppError::Transport("x".into()), 500),
            // --- issue 8: calls ---
            (AppError::NotYourCallMove, 403),
            // --- issue 9: sign-in door ---
            (AppError::ServerBusy, 503),
            // --- issue 9: factors and sessions ---
            (AppError::ReauthenticationRequired, 403),
            (AppError::EnrolmentCodeRequired, 403),
        ];
        for (error, status) in cases {
            assert_eq!(error.status(), status, "{error:?}");
            assert!(!error.user_message(Lang::Ja).is_empty(), "{error:?}");
            assert_eq!(
                AppError::from_query_value(&error.to_query_value()),
                Some(error.clone())
            );
        }
    }

    #[test]
    fn a_parse_error_reaches_the_client_as_a_field_code_only() {
        let cases = [
            ("missing field `call_id`", "call_id"),
            ("call_id", "call_id"),
            ("number too large to fit in target type", "input"),
            ("provided string was not `true` or `false`", "input"),
            (
                "UUID parsing failed: invalid character: found `x` at 0",
                "input",
            ),
            ("unknown field `Evil Name`", "input"),
        ];
        for (detail, code) in cases {
            let error = AppError::from_server_fn_error(ServerFnErrorErr::Args(detail.into()));
            assert_eq!(error, AppError::Invalid(code.into()), "{detail}");
        }
    }

    #[test]
    fn refused_fields_are_explained_in_both_languages() {
        let cases = [
            ("temperature", "体温は 25〜45 ℃", "Temperature"),
            ("eta_minutes", "0〜600 分", "0 to 600"),
            ("break_glass_reason", "理由", "reason"),
            ("died_at", "HH:MM", "HH:MM"),
            ("something_new", "入力内容を確認", "check what you entered"),
            // --- issue 9: sign-in door ---
            ("calendar_from", "2000年1月1日", "1 January 2000"),
            ("new_password_too_short", "12 文字", "12 characters"),
            ("new_password_contains_login_id", "ログインID", "login ID"),
            ("new_password_common", "よく使われる", "commonly used"),
            ("current_password", "現在のパスワード", "current password"),
            // --- issue 9: factors and sessions ---
            ("enrolment_code", "登録コード", "enrolment code"),
            ("reauthentication", "パスワード", "password"),
        ];
        for (field, ja, en) in cases {
            let error = AppError::Invalid(field.into());
            let (got_ja, got_en) = (error.user_message(Lang::Ja), error.user_message(Lang::En));
            assert!(got_ja.contains(ja), "{field}: {got_ja}");
            assert!(got_en.contains(en), "{field}: {got_en}");
        }
    }

    // --- issue 8: calls ---
    #[test]
    fn a_refused_call_move_is_explained_in_both_languages() {
        let ja = AppError::NotYourCallMove.user_message(Lang::Ja);
        let en = AppError::NotYourCallMove.user_message(Lang::En);
        assert!(ja.contains("この操作はできません"), "{ja}");
        assert!(en.contains("not yours"), "{en}");
        assert!(!ja.contains('_') && !en.contains('_'), "{ja} / {en}");
        let cancel = AppError::Invalid("cancel_reason".into());
        assert!(cancel.user_message(Lang::Ja).contains("取り消す理由"));
        assert!(cancel.user_message(Lang::En).contains("reason"));
    }

    #[test]
    fn errors_survive_the_wire() {
        let error = AppError::Invalid("patient_id".into());
        let bytes = error.ser();
        assert_eq!(AppError::de(bytes), error);
    }
}

#[cfg(test)]
mod factor_tests {
    use super::*;

    // --- issue 9: factors and sessions ---
    #[test]
    fn refused_credential_changes_are_explained_in_both_languages() {
        let cases = [
            (
                AppError::ReauthenticationRequired,
                "本人確認",
                "confirm it is you",
            ),
            (
                AppError::EnrolmentCodeRequired,
                "登録コード",
                "enrolment code",
            ),
        ];
        for (error, ja, en) in cases {
            let (got_ja, got_en) = (error.user_message(Lang::Ja), error.user_message(Lang::En));
            assert!(got_ja.contains(ja), "{got_ja}");
            assert!(got_en.contains(en), "{got_en}");
            assert!(!got_ja.contains('_') && !got_en.contains('_'));
        }
    }
}
