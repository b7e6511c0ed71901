//! Staff administration (`/admin/staff`): the administrator lists the
//! accounts, creates one (no password: the person sets it at the first
//! sign-in with the one-time enrolment code shown here once), edits its
//! details, disables or enables it, and issues a new code to reset it.
//!
//! Administrators only (`Action::ManageStaff`); a refusal is audited and
//! writes nothing else. Each change is one transaction with its audit row.
//! The forms are plain posts: the answer is a redirect back to the page,
//! a refusal's error travels in the one-view flash (`request::fail_form`),
//! what was typed in the query, and a new code in a one-view cookie
//! (`request::reveal_code_once`), never in the address.
//!
//! A server function takes one argument per form field, as the plain HTML
//! form posts them; hence `clippy::too_many_arguments` is allowed here.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;

pub use crate::views::staff::*;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::domain::access::{decide_staff_action, Action};
    use crate::domain::staff::{StaffField, StaffFieldError, StaffForm, StaffInput, StaffProblem};
    use crate::error::AppError;
    use crate::ssr::auth::CurrentUser;
    use crate::ssr::{audit, auth, request};
    use sqlx::PgPool;
    use uuid::Uuid;

    /// The signed-in administrator, or a translated refusal (audited).
    /// `back`: where a refused plain form goes.
    pub async fn require_admin(pool: &PgPool, back: Option<&str>) -> Result<CurrentUser, AppError> {
        let user = auth::require_user(pool).await?;
        let decision = decide_staff_action(&user.actor, Action::ManageStaff);
        if decision.is_allowed() {
            return Ok(user);
        }
        let reason = decision.deny_reason().map(|r| r.as_str()).unwrap_or("");
        audit::record(pool, &user, None, "manage_staff", "denied", reason).await?;
        Err(match back {
            Some(back) => request::fail_form(AppError::Forbidden, back),
            None => request::fail(AppError::Forbidden),
        })
    }

    /// [`require_admin`] for a form about the account `staff_id`: the
    /// administrator, the account's id and its page (where a refusal goes
    /// back to). Who asks is checked before the id is read, so a signed-out
    /// request is a 401 whatever it carries.
    pub async fn require_admin_for(
        pool: &PgPool,
        staff_id: &str,
    ) -> Result<(CurrentUser, Uuid, String), AppError> {
        let id = Uuid::parse_str(staff_id.trim()).ok();
        let back = id
            .map(|id| format!("/admin/staff/{id}"))
            .unwrap_or_else(|| "/admin/staff".to_owned());
        let admin = require_admin(pool, Some(&back)).await?;
        let id = id.ok_or_else(|| request::fail_form(AppError::NotFound, "/admin/staff"))?;
        Ok((admin, id, back))
    }

    pub fn invalid(e: StaffFieldError, back: &str) -> AppError {
        request::fail_form(AppError::Invalid(e.code()), back)
    }

    pub fn parse_id(s: &str) -> Result<Uuid, AppError> {
        Uuid::parse_str(s.trim()).map_err(|_| request::fail(AppError::NotFound))
    }

    /// The typed details, parsed; the organisation must exist.
    pub async fn parse_details(
        pool: &PgPool,
        form: &StaffForm<'_>,
        back: &str,
    ) -> Result<StaffInput, AppError> {
        let input = StaffInput::parse(form).map_err(|e| invalid(e, back))?;
        let exists = crate::ssr::db::staff::organization_exists(pool, input.organization_id)
            .await
            .map_err(request::internal("reading an organisation"))?;
        if !exists {
            return Err(invalid(
                StaffFieldError::new(StaffField::Organization, StaffProblem::NotAChoice),
                back,
            ));
        }
        Ok(input)
    }

    /// The name of the constraint a database error broke, if any.
    pub fn broken_constraint(e: &sqlx::Error) -> Option<String> {
        e.as_database_error()
            .and_then(|d| d.constraint().map(str::to_owned))
    }

    /// Whether the error is the refusal of `staff_role_fits_seats` (a role
    /// change that would leave care-team seats with a role that cannot
    /// hold them; raised under the seats' constraint name).
    pub fn is_seat_refusal(e: &sqlx::Error) -> bool {
        broken_constraint(e).as_deref() == Some("care_team_members_seat_role_check")
    }
}

/// The accounts, of one organisation or all, with the organisations.
#[server(prefix = "/api", endpoint = "staff_list")]
pub async fn staff_list(
    #[server(default)] organization_id: String,
) -> Result<StaffDirectory, AppError> {
    use crate::ssr::{db, request};
    let pool = request::pool()?;
    ssr::require_admin(&pool, None).await?;
    let organizations = db::staff::organizations(&pool)
        .await
        .map_err(request::internal("reading organisations"))?;
    // An unknown or malformed filter shows everyone rather than nothing.
    let organization = uuid::Uuid::parse_str(organization_id.trim())
        .ok()
        .filter(|id| organizations.iter().any(|o| o.id == *id));
    let staff = db::staff::accounts(&pool, organization, None)
        .await
        .map_err(request::internal("reading staff"))?;
    Ok(StaffDirectory {
        staff,
        organizations,
        organization,
    })
}

/// One account, with the organisations (for the edit form).
#[server(prefix = "/api", endpoint = "staff_account")]
pub async fn staff_account(staff_id: String) -> Result<StaffDirectory, AppError> {
    use crate::ssr::{db, request};
    let pool = request::pool()?;
    ssr::require_admin(&pool, None).await?;
    let id = ssr::parse_id(&staff_id)?;
    let staff = db::staff::accounts(&pool, None, Some(id))
        .await
        .map_err(request::internal("reading staff"))?;
    if staff.is_empty() {
        return Err(request::fail(AppError::NotFound));
    }
    let organizations = db::staff::organizations(&pool)
        .await
        .map_err(request::internal("reading organisations"))?;
    Ok(StaffDirectory {
        staff,
        organizations,
        organization: None,
    })
}

/// Creates an account without a password and issues its first enrolment
/// code, shown once: the person signs in with it at `/login/first` and
/// sets a password there.
#[server(prefix = "/api", endpoint = "staff_create")]
pub async fn staff_create(
    family_name: String,
    given_name: String,
    family_name_kana: String,
    given_name_kana: String,
    role: String,
    #[server(default)] organization_id: String,
    login_id: String,
    phone: String,
) -> Result<IssuedCode, AppError> {
    use crate::domain::staff::{
        parse_login_id, StaffField, StaffFieldError, StaffForm, StaffProblem,
    };
    use crate::ssr::{audit, db, enrolment, request};

    let typed = [
        ("family_name", family_name.as_str()),
        ("given_name", given_name.as_str()),
        ("family_name_kana", family_name_kana.as_str()),
        ("given_name_kana", given_name_kana.as_str()),
        ("role", role.as_str()),
        ("organization_id", organization_id.as_str()),
        ("login_id", login_id.as_str()),
        ("phone", phone.as_str()),
    ];
    let back = crate::ssr::request::with_typed("/admin/staff/new", &typed);
    let pool = request::pool()?;
    let admin = ssr::require_admin(&pool, Some(&back)).await?;
    let form = StaffForm {
        family_name: &family_name,
        given_name: &given_name,
        family_name_kana: &family_name_kana,
        given_name_kana: &given_name_kana,
        role: &role,
        organization_id: &organization_id,
        phone: &phone,
    };
    let input = ssr::parse_details(&pool, &form, &back).await?;
    let login = parse_login_id(&login_id).map_err(|e| ssr::invalid(e, &back))?;
    let now = chrono::Utc::now();
    let id = uuid::Uuid::new_v4();

    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    if let Err(e) = db::staff::insert(&mut tx, id, &input, login.as_str()).await {
        if ssr::broken_constraint(&e).as_deref() == Some("staff_login_id_key") {
            return Err(ssr::invalid(
                StaffFieldError::new(StaffField::LoginId, StaffProblem::Taken),
                &back,
            ));
        }
        return Err(request::internal("creating an account")(e));
    }
    let (code, expires_at) = enrolment::issue_for(&mut tx, id, now).await?;
    audit::record(
        &mut *tx,
        &admin,
        None,
        "staff_create",
        "done",
        &format!("{id} {} {}", login.as_str(), input.role.as_str()),
    )
    .await?;
    audit::record(
        &mut *tx,
        &admin,
        None,
        "enrolment_code_issue",
        "done",
        &format!("{id} expires {}", expires_at.to_rfc3339()),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;

    let issued = IssuedCode {
        staff_id: id,
        login_id: login.as_str().to_owned(),
        code,
        expires_at,
    };
    if request::is_plain_form_post() {
        request::reveal_code_once(&issued);
        leptos_axum::redirect(&format!("/admin/staff/{id}"));
    }
    Ok(issued)
}

/// Changes an account's names, role, organisation and phone. An
/// administrator cannot take the administrator role from himself.
#[server(prefix = "/api", endpoint = "staff_update")]
pub async fn staff_update(
    staff_id: String,
    family_name: String,
    given_name: String,
    family_name_kana: String,
    given_name_kana: String,
    role: String,
    #[server(default)] organization_id: String,
    phone: String,
) -> Result<(), AppError> {
    use crate::domain::access::Role;
    use crate::domain::staff::{StaffField, StaffFieldError, StaffForm, StaffProblem};
    use crate::ssr::{audit, db, request};

    let pool = request::pool()?;
    let (admin, id, back) = ssr::require_admin_for(&pool, &staff_id).await?;
    let form = StaffForm {
        family_name: &family_name,
        given_name: &given_name,
        family_name_kana: &family_name_kana,
        given_name_kana: &given_name_kana,
        role: &role,
        organization_id: &organization_id,
        phone: &phone,
    };
    let input = ssr::parse_details(&pool, &form, &back).await?;
    if id == admin.actor.staff_id && input.role != Role::Admin {
        return Err(ssr::invalid(
            StaffFieldError::new(StaffField::Role, StaffProblem::Yourself),
            &back,
        ));
    }
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let Some(old_role) = db::staff::lock_role(&mut tx, id)
        .await
        .map_err(request::internal("reading an account"))?
    else {
        return Err(request::fail_form(AppError::NotFound, "/admin/staff"));
    };
    if let Err(e) = db::staff::update(&mut tx, id, &input).await {
        if ssr::is_seat_refusal(&e) {
            return Err(ssr::invalid(
                StaffFieldError::new(StaffField::Role, StaffProblem::HoldsSeats),
                &back,
            ));
        }
        return Err(request::internal("changing an account")(e));
    }
    audit::record(
        &mut *tx,
        &admin,
        None,
        "staff_update",
        "done",
        &format!("{id} role {old_role} -> {}", input.role.as_str()),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    if request::is_plain_form_post() {
        leptos_axum::redirect(&format!("{back}?saved=1"));
    }
    Ok(())
}

/// Disables an account (it signs in nowhere and its sessions end at once)
/// or enables it again. Not one's own.
#[server(prefix = "/api", endpoint = "staff_set_disabled")]
pub async fn staff_set_disabled(staff_id: String, disabled: bool) -> Result<(), AppError> {
    use crate::domain::staff::{StaffField, StaffFieldError, StaffProblem};
    use crate::ssr::{audit, db, request};

    let pool = request::pool()?;
    let (admin, id, back) = ssr::require_admin_for(&pool, &staff_id).await?;
    if id == admin.actor.staff_id {
        return Err(ssr::invalid(
            StaffFieldError::new(StaffField::Account, StaffProblem::Yourself),
            &back,
        ));
    }
    let now = chrono::Utc::now();
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    if db::staff::lock_role(&mut tx, id)
        .await
        .map_err(request::internal("reading an account"))?
        .is_none()
    {
        return Err(request::fail_form(AppError::NotFound, "/admin/staff"));
    }
    let ended = db::staff::set_disabled(&mut tx, id, disabled, now)
        .await
        .map_err(request::internal("disabling an account"))?;
    audit::record(
        &mut *tx,
        &admin,
        None,
        if disabled {
            "staff_disable"
        } else {
            "staff_enable"
        },
        "done",
        &format!("{id} sessions ended: {ended}"),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    if request::is_plain_form_post() {
        leptos_axum::redirect(&format!("{back}?saved=1"));
    }
    Ok(())
}

/// Issues a new enrolment code for an enabled account (earlier ones are
/// revoked), shown once: the reset of an account whose person lost the
/// password. The person signs in with it at `/login/first`.
#[server(prefix = "/api", endpoint = "staff_new_code")]
pub async fn staff_new_code(staff_id: String) -> Result<IssuedCode, AppError> {
    use crate::ssr::{audit, db, enrolment, request};

    let pool = request::pool()?;
    let (admin, id, back) = ssr::require_admin_for(&pool, &staff_id).await?;
    let now = chrono::Utc::now();
    let account = db::staff::accounts(&pool, None, Some(id))
        .await
        .map_err(request::internal("reading an account"))?
        .pop()
        .ok_or_else(|| request::fail_form(AppError::NotFound, "/admin/staff"))?;
    // A disabled account signs in nowhere: enable it first.
    if account.disabled || account.login_id.is_empty() {
        return Err(request::fail_form(AppError::Conflict, &back));
    }
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let (code, expires_at) = enrolment::issue_for(&mut tx, id, now).await?;
    audit::record(
        &mut *tx,
        &admin,
        None,
        "enrolment_code_issue",
        "done",
        &format!("{id} expires {}", expires_at.to_rfc3339()),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    let issued = IssuedCode {
        staff_id: id,
        login_id: account.login_id,
        code,
        expires_at,
    };
    if request::is_plain_form_post() {
        request::reveal_code_once(&issued);
        leptos_axum::redirect(&back);
    }
    Ok(issued)
}

/// The code [`staff_create`] or [`staff_new_code`] just issued, for the
/// staff page to show once after the redirect (read on the server as the
/// page renders).
pub fn revealed_code() -> Option<IssuedCode> {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::request::take_revealed_code()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}
