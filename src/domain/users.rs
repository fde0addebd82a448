//! Users and their passwords (argon2id). Admins create, change and disable users; start-up
//! creates the first admin.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use super::validation::{Problems, acceptable_text, required, trimmed_opt};
use super::{Actor, Page, PageParams, Role, alliances, audit, organizations, passwords};
use crate::error::{Error, Result};
use entity::{session, user};

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// 3–32 of letters, digits, `_`, `.`, `-`.
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(
        required(message = "请填写用户名"),
        length(min = 3, max = 32, message = "用户名须为3至32个字符"),
        custom(function = "username_chars")
    )]
    #[schema(required = true)]
    pub username: Option<String>,
    /// 8–128 characters, not easily guessed (see [`passwords::problem`]).
    #[validate(required(message = "请设置密码"), custom(function = "valid_password"))]
    #[schema(required = true)]
    pub password: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(
        required(message = "请填写姓名"),
        length(min = 1, max = 30, message = "姓名须为1至30个字"),
        custom(function = "acceptable_text")
    )]
    #[schema(required = true)]
    pub display_name: Option<String>,
    #[validate(required(message = "请选择角色"))]
    #[schema(required = true)]
    pub role: Option<Role>,
    /// Required for coordinators: the alliance they coordinate.
    pub alliance_id: Option<i64>,
    /// Required for members: the organization they speak for.
    pub organization_id: Option<i64>,
    /// `true`: an initial password, which the user must replace at the first login.
    #[serde(default)]
    pub must_change_password: bool,
}

/// What an admin may change about a user. A new password or disabling ends every session.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(
        length(min = 1, max = 30, message = "姓名须为1至30个字"),
        custom(function = "acceptable_text")
    )]
    pub display_name: Option<String>,
    /// A new password (8–128 characters, not easily guessed).
    #[validate(custom(function = "valid_password"))]
    pub password: Option<String>,
    /// `true` disables the account and logs it out everywhere; `false` enables it again.
    pub disabled: Option<bool>,
    /// With a new password: `true` makes it an initial password, which the user must replace
    /// at the next login (left out, the account keeps what it had).
    pub must_change_password: Option<bool>,
}

fn username_chars(s: &str) -> Result<(), ValidationError> {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        Ok(())
    } else {
        Err(ValidationError::new("username").with_message("用户名只能包含字母、数字、_ . -".into()))
    }
}

/// [`passwords::problem`] for what a request alone tells (so it is listed with the request's
/// other problems); the account's own words are checked where the account is known.
fn valid_password(p: &str) -> Result<(), ValidationError> {
    match passwords::problem(p, &[]) {
        Some(problem) => Err(ValidationError::new("password").with_message(problem.into())),
        None => Ok(()),
    }
}

pub fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(anyhow::anyhow!("password hashing failed: {e}")))
}

/// Hashes a password everyone knows (the demo city's, printed at start and in the README)
/// with its own salt but at a tenth of the memory and one pass: the cost of a hash protects a
/// secret, and this one has none, while the demo's ~700 accounts at full cost would add ten
/// seconds to a first start. Verification reads the parameters from the hash itself.
pub fn hash_public_password(password: &str) -> Result<String> {
    let params = argon2::Params::new(2048, 1, 1, None)
        .map_err(|e| Error::Internal(anyhow::anyhow!("argon2 parameters: {e}")))?;
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(anyhow::anyhow!("password hashing failed: {e}")))
}

/// At most this many Argon2 computations run at once (each takes about 19 MiB and a core for
/// tens of milliseconds); the rest wait their turn, so a burst of logins cannot exhaust memory.
static ARGON2_SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(4));

/// Runs Argon2 work on a blocking thread, within [`ARGON2_SLOTS`]. It must run neither on an
/// async worker nor inside a write transaction (on SQLite that would stall every other writer).
async fn argon2_off_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let failed =
        |e: &dyn std::fmt::Display| Error::Internal(anyhow::anyhow!("password work failed: {e}"));
    let _slot = ARGON2_SLOTS.acquire().await.map_err(|e| failed(&e))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| failed(&e))
}

pub async fn hash_password_off_thread(password: &str) -> Result<String> {
    let password = password.to_owned();
    argon2_off_thread(move || hash_password(&password)).await?
}

pub async fn verify_password_off_thread(password: &str, hash: String) -> Result<bool> {
    let password = password.to_owned();
    argon2_off_thread(move || verify_password(&password, &hash)).await
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

pub async fn by_username(db: &impl ConnectionTrait, username: &str) -> Result<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await?)
}

/// A password hash made before the write transaction (see [`hash_password_off_thread`]).
pub struct PasswordHash(pub String);

impl PasswordHash {
    /// Hashes the password of a request if it has one that could be valid; validation of the
    /// request reports a bad one (also one that only the account's own words make weak), so
    /// an empty hash is never stored.
    pub async fn of(password: Option<&str>) -> Result<Option<Self>> {
        match password {
            Some(p) if valid_password(p).is_ok() => {
                Ok(Some(Self(hash_password_off_thread(p).await?)))
            }
            _ => Ok(None),
        }
    }
}

/// Creates a user. `actor` is `None` only for the CLI and bootstrap, which act as the system.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    city_id: i64,
    input: NewUser,
    hash: Option<PasswordHash>,
) -> Result<user::Model> {
    if let Some(a) = actor {
        a.require_admin()?;
    }
    let mut problems = Problems::of(&input);
    if let Some(name) = &input.username
        && !problems.has("username")
        && by_username(db, name).await?.is_some()
    {
        problems.add("username", "用户名已被使用");
    }
    if let Some(password) = input
        .password
        .as_ref()
        .filter(|_| !problems.has("password"))
    {
        let own = [&input.username, &input.display_name];
        let own: Vec<&str> = own.iter().filter_map(|w| w.as_deref()).collect();
        if let Some(problem) = passwords::problem(password, &own) {
            problems.add("password", problem);
        }
    }
    // A coordinator speaks for exactly one alliance, a member for exactly one unit.
    match (input.role, input.alliance_id) {
        (Some(Role::Coordinator), None) => problems.add("alliance_id", "协调员必须指定所属联盟"),
        (Some(Role::Coordinator), Some(id)) => match alliances::get(db, city_id, id).await {
            Ok(_) => {}
            Err(Error::NotFound(_)) => problems.add("alliance_id", "联盟不存在"),
            Err(e) => return Err(e),
        },
        (_, None) => {}
        (_, Some(_)) => problems.add("alliance_id", "只有协调员可以指定所属联盟"),
    }
    match (input.role, input.organization_id) {
        (Some(Role::Member), None) => {
            problems.add("organization_id", "成员单位用户必须指定所属单位")
        }
        (Some(Role::Member), Some(id)) => match organizations::get(db, city_id, id).await {
            Ok(_) => {}
            Err(Error::NotFound(_)) => problems.add("organization_id", "成员单位不存在"),
            Err(e) => return Err(e),
        },
        (_, None) => {}
        (_, Some(_)) => problems.add("organization_id", "只有成员单位用户可以指定所属单位"),
    }
    problems.finish()?;
    let hash =
        hash.ok_or_else(|| Error::Internal(anyhow::anyhow!("valid password without a hash")))?;
    let now = chrono::Utc::now();
    let u = user::ActiveModel {
        city_id: Set(city_id),
        username: Set(required(input.username)),
        password_hash: Set(hash.0),
        display_name: Set(required(input.display_name)),
        role: Set(required(input.role)),
        alliance_id: Set(input.alliance_id),
        organization_id: Set(input.organization_id),
        must_change_password: Set(input.must_change_password),
        disabled_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::created(db, actor, "user", u.id, Some(city_id), &u).await?;
    Ok(u)
}

pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<user::Model> {
    actor.require_admin()?;
    user::Entity::find_by_id(id)
        .filter(user::Column::CityId.eq(actor.city_id))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("用户"))
}

/// Changes a user (admins). A new password or disabling revokes all of the user's sessions.
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    patch: UserPatch,
    hash: Option<PasswordHash>,
) -> Result<user::Model> {
    actor.require_admin()?;
    let before = user::Entity::find_by_id(id)
        .filter(user::Column::CityId.eq(actor.city_id))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("用户"))?;
    let mut problems = Problems::of(&patch);
    if let Some(password) = patch
        .password
        .as_ref()
        .filter(|_| !problems.has("password"))
    {
        let mut own = vec![before.username.as_str(), before.display_name.as_str()];
        own.extend(patch.display_name.as_deref());
        if let Some(problem) = passwords::problem(password, &own) {
            problems.add("password", problem);
        }
    }
    if patch.disabled == Some(true) && before.id == actor.user_id {
        problems.add("disabled", "不能停用自己的账号");
    }
    if patch.must_change_password == Some(true) && patch.password.is_none() {
        problems.add("must_change_password", "须同时设置新密码");
    }
    problems.finish()?;
    let now = chrono::Utc::now();
    let mut a: user::ActiveModel = before.clone().into();
    if let Some(v) = patch.display_name {
        a.display_name = Set(v);
    }
    let mut revoke = false;
    if patch.password.is_some() {
        let hash =
            hash.ok_or_else(|| Error::Internal(anyhow::anyhow!("valid password without a hash")))?;
        a.password_hash = Set(hash.0);
        if let Some(must) = patch.must_change_password {
            a.must_change_password = Set(must);
        }
        revoke = true;
    }
    match patch.disabled {
        Some(true) if before.disabled_at.is_none() => {
            a.disabled_at = Set(Some(now));
            revoke = true;
        }
        Some(false) => a.disabled_at = Set(None),
        _ => {}
    }
    a.updated_at = Set(now);
    let after = a.update(db).await?;
    if revoke {
        session::Entity::update_many()
            .col_expr(
                session::Column::RevokedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(session::Column::UserId.eq(id))
            .filter(session::Column::RevokedAt.is_null())
            .exec(db)
            .await?;
    }
    // The hash itself never enters the audit trail, so a reset is named by its action.
    let action = match (patch.password.is_some(), patch.disabled) {
        (true, _) => "reset-password",
        (false, Some(true)) => "disable",
        (false, Some(false)) => "enable",
        (false, None) => "update",
    };
    audit::changed(
        db,
        actor,
        action,
        ("user", id, Some(after.city_id)),
        &before,
        &after,
    )
    .await?;
    Ok(after)
}

/// A user replaces their own password, giving the current one: every other session of
/// theirs ends (the one in use is `keep`), and an initial password no longer has to be
/// changed. `hash` is the new password's, made before the transaction.
pub async fn change_own_password(
    db: &impl ConnectionTrait,
    actor: &Actor,
    current: &str,
    new: &str,
    hash: Option<PasswordHash>,
    keep: i64,
) -> Result<user::Model> {
    let before = user::Entity::find_by_id(actor.user_id)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("用户"))?;
    let mut problems = Problems::default();
    if !verify_password_off_thread(current, before.password_hash.clone()).await? {
        problems.add("current_password", "当前密码不正确");
    }
    let own = [before.username.as_str(), before.display_name.as_str()];
    if let Some(problem) = passwords::problem(new, &own) {
        problems.add("new_password", problem);
    } else if new == current {
        problems.add("new_password", "新密码不能与当前密码相同");
    }
    problems.finish()?;
    let hash =
        hash.ok_or_else(|| Error::Internal(anyhow::anyhow!("valid password without a hash")))?;
    let now = chrono::Utc::now();
    let mut a: user::ActiveModel = before.clone().into();
    a.password_hash = Set(hash.0);
    a.must_change_password = Set(false);
    a.updated_at = Set(now);
    let after = a.update(db).await?;
    session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(session::Column::UserId.eq(actor.user_id))
        .filter(session::Column::Id.ne(keep))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    audit::changed(
        db,
        actor,
        "change-password",
        ("user", after.id, Some(after.city_id)),
        &before,
        &after,
    )
    .await?;
    Ok(after)
}

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    params: PageParams,
) -> Result<Page<user::Model>> {
    actor.require_admin()?;
    let select = user::Entity::find()
        .filter(user::Column::CityId.eq(actor.city_id))
        .order_by_asc(user::Column::Id);
    super::page::fetch(db, select, params).await
}

/// Creates user `admin` when no admin exists yet and a password was configured.
pub async fn bootstrap_admin(
    db: &impl ConnectionTrait,
    city_id: i64,
    password: Option<&str>,
    hash: Option<PasswordHash>,
) -> Result<bool> {
    let has_admin = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin))
        .one(db)
        .await?
        .is_some();
    let Some(password) = password.filter(|_| !has_admin) else {
        return Ok(false);
    };
    let input = NewUser {
        username: Some("admin".into()),
        password: Some(password.into()),
        display_name: Some("系统管理员".into()),
        role: Some(Role::Admin),
        alliance_id: None,
        organization_id: None,
        must_change_password: false,
    };
    create(db, None, city_id, input, hash).await?;
    Ok(true)
}
