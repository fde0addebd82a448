//! Users and their passwords (argon2id). Admins create users; start-up creates the first admin.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use super::validation::{Problems, not_blank};
use super::{Actor, Page, PageParams, Role, alliances, audit, organizations};
use crate::error::{Error, Result};
use entity::user;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// 3–32 of letters, digits, `_`, `.`, `-`.
    #[validate(
        length(min = 3, max = 32, message = "用户名须为3至32个字符"),
        custom(function = "username_chars")
    )]
    pub username: String,
    /// At least 8 characters.
    #[validate(length(min = 8, max = 128, message = "密码须为8至128个字符"))]
    pub password: String,
    #[validate(
        length(min = 1, max = 30, message = "姓名须为1至30个字"),
        custom(function = "not_blank")
    )]
    pub display_name: String,
    pub role: Role,
    /// Required for coordinators: the alliance they coordinate.
    pub alliance_id: Option<i64>,
    /// Required for members: the organization they speak for.
    pub organization_id: Option<i64>,
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

pub fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(anyhow::anyhow!("password hashing failed: {e}")))
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

/// Creates a user. `actor` is `None` only for the CLI and bootstrap, which act as the system.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    city_id: i64,
    input: NewUser,
) -> Result<user::Model> {
    if let Some(a) = actor {
        a.require_admin()?;
    }
    let mut problems = Problems::of(&input);
    if !problems.has("username") && by_username(db, &input.username).await?.is_some() {
        problems.add("username", "用户名已被使用");
    }
    // A coordinator speaks for exactly one alliance, a member for exactly one unit.
    match (input.role, input.alliance_id) {
        (Role::Coordinator, None) => problems.add("alliance_id", "协调员必须指定所属联盟"),
        (Role::Coordinator, Some(id)) if alliances::get(db, id).await.is_err() => {
            problems.add("alliance_id", "联盟不存在")
        }
        (Role::Coordinator, Some(_)) | (_, None) => {}
        (_, Some(_)) => problems.add("alliance_id", "只有协调员可以指定所属联盟"),
    }
    match (input.role, input.organization_id) {
        (Role::Member, None) => problems.add("organization_id", "成员单位用户必须指定所属单位"),
        (Role::Member, Some(id)) if organizations::get(db, id).await.is_err() => {
            problems.add("organization_id", "成员单位不存在")
        }
        (Role::Member, Some(_)) | (_, None) => {}
        (_, Some(_)) => problems.add("organization_id", "只有成员单位用户可以指定所属单位"),
    }
    problems.finish()?;
    let now = chrono::Utc::now();
    let u = user::ActiveModel {
        city_id: Set(city_id),
        username: Set(input.username),
        password_hash: Set(hash_password(&input.password)?),
        display_name: Set(input.display_name.trim().into()),
        role: Set(input.role.as_str().into()),
        alliance_id: Set(input.alliance_id),
        organization_id: Set(input.organization_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::created(db, actor, "user", u.id, Some(city_id), &u).await?;
    Ok(u)
}

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    params: PageParams,
) -> Result<Page<user::Model>> {
    actor.require_admin()?;
    let select = user::Entity::find().order_by_asc(user::Column::Id);
    super::page::fetch(db, select, params).await
}

/// Creates user `admin` when no admin exists yet and a password was configured.
pub async fn bootstrap_admin(
    db: &impl ConnectionTrait,
    city_id: i64,
    password: Option<&str>,
) -> Result<bool> {
    let has_admin = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .one(db)
        .await?
        .is_some();
    let Some(password) = password.filter(|_| !has_admin) else {
        return Ok(false);
    };
    let input = NewUser {
        username: "admin".into(),
        password: password.into(),
        display_name: "系统管理员".into(),
        role: Role::Admin,
        alliance_id: None,
        organization_id: None,
    };
    create(db, None, city_id, input).await?;
    Ok(true)
}
