//! Translations: Japanese first, English second.
//!
//! Every user-visible string is a [`Key`]; [`text`] maps each key to both
//! languages in one `match`, so a key without a translation does not compile.
//! The language comes from the `nc_lang` cookie (set by `/settings/lang/…`),
//! read on the server; the browser reads it back from `<html lang>` so the
//! hydrated page speaks the same language as the server-rendered one.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language, for the switch in the header.
    pub fn other(self) -> Self {
        match self {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        }
    }
}

/// The name of the cookie that keeps the chosen language.
pub const LANG_COOKIE: &str = "nc_lang";
/// The name of the cookie that keeps the chosen colour theme.
pub const THEME_COOKIE: &str = "nc_theme";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    AppName,
    Tagline,
    SkipToContent,
    LanguageSwitch,
    ThemeDark,
    ThemeLight,
    Loading,
    BackToPatients,
    PatientsTitle,
    PatientsEmpty,
    NightCard,
    Age,
    AgeSuffix,
    Born,
    SexFemale,
    SexMale,
    SexOther,
    Address,
    Landmark,
    RouteToHouse,
    RouteUnavailable,
    CallList,
    AttendingPhysician,
    NurseStation,
    FamilyContacts,
    KeyPerson,
    NotRegistered,
    Call,
    LastUpdated,
    DataAsOf,
    ErrorNotFoundTitle,
    ErrorNotFoundBody,
    ErrorBadRequestTitle,
    ErrorBadRequestBody,
    ErrorForbiddenTitle,
    ErrorForbiddenBody,
    ErrorUnauthenticatedTitle,
    ErrorUnauthenticatedBody,
    ErrorConflictTitle,
    ErrorConflictBody,
    ErrorInternalTitle,
    ErrorInternalBody,
    ErrorNetworkTitle,
    ErrorNetworkBody,
    PageNotFoundTitle,
    PageNotFoundBody,
    ErrorBadCredentials,
    ErrorThrottled,
    SignInTitle,
    LoginId,
    Password,
    SignIn,
    SignOut,
    SignOutEverywhere,
    SignedInAs,
    TotpTitle,
    TotpCode,
    TotpHelp,
    Verify,
    BreakGlassTitle,
    BreakGlassBody,
    BreakGlassReason,
    BreakGlassSubmit,
    BreakGlassActive,
    AuditTitle,
    AuditWhen,
    AuditWho,
    AuditPatient,
    AuditAction,
    AuditOutcome,
    AuditSearch,
    NoticesTitle,
    NoticesEmpty,
    SecurityTitle,
    TotpEnabled,
    TotpEnrolHelp,
    TotpSecret,
    RecoveryCodesHelp,
}

/// The text of `key` in `lang`.
pub fn text(lang: Lang, key: Key) -> &'static str {
    let (ja, en) = match key {
        Key::AppName => ("ナイトコール", "Nightcall"),
        Key::Tagline => ("在宅医療の夜間対応", "Night calls for home medical care"),
        Key::SkipToContent => ("本文へ移動", "Skip to content"),
        Key::LanguageSwitch => ("English", "日本語"),
        Key::ThemeDark => ("暗い表示", "Dark"),
        Key::ThemeLight => ("明るい表示", "Light"),
        Key::Loading => ("読み込み中…", "Loading…"),
        Key::BackToPatients => ("患者一覧へ戻る", "Back to patients"),
        Key::PatientsTitle => ("患者一覧", "Patients"),
        Key::PatientsEmpty => ("表示できる患者はいません。", "No patients to show."),
        Key::NightCard => ("夜間カード", "Night card"),
        Key::Age => ("年齢", "Age"),
        Key::AgeSuffix => ("歳", " y"),
        Key::Born => ("生", "born"),
        Key::SexFemale => ("女性", "female"),
        Key::SexMale => ("男性", "male"),
        Key::SexOther => ("その他", "other"),
        Key::Address => ("住所", "Address"),
        Key::Landmark => ("目印", "Landmark"),
        Key::RouteToHouse => ("地図アプリで経路を開く", "Open route in maps"),
        Key::RouteUnavailable => (
            "位置情報が未登録のため経路を開けません",
            "No coordinates on file: route unavailable",
        ),
        Key::CallList => ("連絡先", "Who to call"),
        Key::AttendingPhysician => ("主治医", "Attending physician"),
        Key::NurseStation => ("訪問看護ステーション", "Visiting-nurse station"),
        Key::FamilyContacts => ("家族・キーパーソン", "Family and key person"),
        Key::KeyPerson => ("キーパーソン", "key person"),
        Key::NotRegistered => ("未登録", "Not registered"),
        Key::Call => ("電話", "Call"),
        Key::LastUpdated => ("最終更新", "Last updated"),
        Key::DataAsOf => ("表示時点", "Shown as of"),
        Key::ErrorNotFoundTitle => ("患者が見つかりません", "Patient not found"),
        Key::ErrorNotFoundBody => (
            "この患者IDは登録されていません。URLを確認するか、患者一覧から選び直してください。",
            "No patient has this id. Check the address or choose the patient from the list.",
        ),
        Key::ErrorBadRequestTitle => ("URLが正しくありません", "Malformed address"),
        Key::ErrorBadRequestBody => (
            "患者IDの形式が正しくありません。リンクをそのまま開き直してください。",
            "The patient id in this address is malformed. Open the link again as it was sent.",
        ),
        Key::ErrorForbiddenTitle => ("閲覧の権限がありません", "Not allowed"),
        Key::ErrorForbiddenBody => (
            "この患者のケアチームに属していないため表示できません。",
            "You are not on this patient's care team.",
        ),
        Key::ErrorUnauthenticatedTitle => ("ログインが必要です", "Please sign in"),
        Key::ErrorUnauthenticatedBody => {
            ("続けるにはログインしてください。", "Sign in to continue.")
        }
        Key::ErrorConflictTitle => ("ほかの人が先に更新しました", "Someone else saved first"),
        Key::ErrorConflictBody => (
            "最新の内容を読み込み直してから、もう一度保存してください。入力内容は残っています。",
            "Reload the latest version and save again. Your input has been kept.",
        ),
        Key::ErrorInternalTitle => ("サーバーでエラーが発生しました", "Server error"),
        Key::ErrorInternalBody => (
            "しばらくしてからもう一度お試しください。急ぎの場合は電話で連絡してください。",
            "Please try again shortly. If it is urgent, use the phone.",
        ),
        Key::ErrorNetworkTitle => ("通信できません", "Cannot reach the server"),
        Key::ErrorNetworkBody => (
            "電波の状態を確認して、もう一度お試しください。",
            "Check the signal and try again.",
        ),
        Key::PageNotFoundTitle => ("ページが見つかりません", "Page not found"),
        Key::PageNotFoundBody => (
            "お探しのページはありません。",
            "There is no page at this address.",
        ),
        Key::ErrorBadCredentials => (
            "ログインIDまたはパスワードが違います。",
            "Wrong login id or password.",
        ),
        Key::ErrorThrottled => (
            "ログインの失敗が続いたため一時的に停止しています。{time} 以降にもう一度お試しください。",
            "Too many failed sign-ins. Try again after {time}.",
        ),
        Key::SignInTitle => ("ログイン", "Sign in"),
        Key::LoginId => ("ログインID", "Login id"),
        Key::Password => ("パスワード", "Password"),
        Key::SignIn => ("ログイン", "Sign in"),
        Key::SignOut => ("ログアウト", "Sign out"),
        Key::SignOutEverywhere => ("すべての端末からログアウト", "Sign out everywhere"),
        Key::SignedInAs => ("ログイン中", "Signed in"),
        Key::TotpTitle => ("確認コード", "Verification code"),
        Key::TotpCode => ("6桁のコード(または回復コード)", "6-digit code (or a recovery code)"),
        Key::TotpHelp => (
            "認証アプリに表示されている6桁のコードを入力してください。",
            "Enter the 6-digit code shown in your authenticator app.",
        ),
        Key::Verify => ("確認", "Verify"),
        Key::BreakGlassTitle => ("緊急閲覧(ブレークグラス)", "Emergency access (break-glass)"),
        Key::BreakGlassBody => (
            "この患者のケアチーム外です。診療上必要な場合に限り、理由を記録して2時間だけ閲覧できます。閲覧は主治医とコーディネーターに報告されます。",
            "You are not on this patient's care team. If you need the card to treat the patient, state the reason: access lasts 2 hours and is reported to the attending physician and the coordinator.",
        ),
        Key::BreakGlassReason => ("理由(例: 訪問看護師から夜間の往診依頼)", "Reason (e.g. night house call requested by the nurse)"),
        Key::BreakGlassSubmit => ("理由を記録して閲覧する", "Record the reason and open"),
        Key::BreakGlassActive => ("緊急閲覧中", "Emergency access"),
        Key::AuditTitle => ("アクセス記録", "Access log"),
        Key::AuditWhen => ("日時", "When"),
        Key::AuditWho => ("職員", "Staff"),
        Key::AuditPatient => ("患者", "Patient"),
        Key::AuditAction => ("操作", "Action"),
        Key::AuditOutcome => ("結果", "Outcome"),
        Key::AuditSearch => ("検索", "Search"),
        Key::NoticesTitle => ("お知らせ", "Notices"),
        Key::NoticesEmpty => ("新しいお知らせはありません。", "Nothing new."),
        Key::SecurityTitle => ("2段階認証", "Two-step sign-in"),
        Key::TotpEnabled => (
            "認証アプリによる2段階認証が有効です。",
            "Two-step sign-in with an authenticator app is on.",
        ),
        Key::TotpEnrolHelp => (
            "認証アプリ(Google Authenticator、Microsoft Authenticator など)でQRコードを読み取り、表示された6桁のコードを入力してください。",
            "Scan the QR code with an authenticator app (Google Authenticator, Microsoft Authenticator…) and enter the 6-digit code it shows.",
        ),
        Key::TotpSecret => ("手入力用のキー", "Key for manual entry"),
        Key::RecoveryCodesHelp => (
            "回復コードです。スマートフォンをなくしたときに1回ずつ使えます。今だけ表示されるので、安全な場所に控えてください。",
            "Your recovery codes: each works once if you lose your phone. They are shown only now; keep them somewhere safe.",
        ),
    };
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// The language of this page, provided once by the `App`.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    pub lang: Lang,
}

impl I18n {
    pub fn t(self, key: Key) -> &'static str {
        text(self.lang, key)
    }
}

/// Decides the page language and provides it as context.
pub fn provide_i18n_context() -> I18n {
    let i18n = I18n {
        lang: detect_lang(),
    };
    provide_context(i18n);
    i18n
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or(I18n { lang: Lang::Ja })
}

#[cfg(feature = "ssr")]
fn detect_lang() -> Lang {
    crate::ssr::request::cookie(LANG_COOKIE)
        .and_then(|v| Lang::from_code(&v))
        .unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
fn detect_lang() -> Lang {
    #[cfg(feature = "hydrate")]
    {
        let lang = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"));
        if let Some(lang) = lang.as_deref().and_then(Lang::from_code) {
            return lang;
        }
    }
    Lang::Ja
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_code_round_trips() {
        for lang in [Lang::Ja, Lang::En] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(lang.other().other(), lang);
        }
        assert_eq!(Lang::from_code("fr"), None);
    }

    #[test]
    fn japanese_is_the_default() {
        assert_eq!(Lang::default(), Lang::Ja);
        assert_eq!(text(Lang::Ja, Key::NightCard), "夜間カード");
    }
}
