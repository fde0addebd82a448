//! Login sessions: opaque random bearer tokens, stored only as SHA-256 hashes, with expiry.

use base64::Engine;
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{Actor, audit, users};
use crate::error::{Error, Result};
use entity::{session, user};

#[derive(Debug, Deserialize, ToSchema, validator::Validate)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub username: String,
    pub password: String,
}

pub struct NewSession {
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub user: user::Model,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fixed hash to verify against when the username is unknown, so that a wrong username
/// takes as long as a wrong password and does not reveal which usernames exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Fv9Ew4cJqYTSGx4cwcpRlHDQIKrCRT2FxQDOTnXFlK8";

/// Checks a username and password. Runs Argon2 off the async workers, and against a dummy
/// hash for unknown users so both failures take as long and read the same.
pub async fn verify(db: &impl ConnectionTrait, input: &Login) -> Result<user::Model> {
    let wrong = || Error::Unauthorized("用户名或密码错误".into());
    if input.username.chars().count() > 64 || input.password.chars().count() > 128 {
        return Err(wrong());
    }
    let user = users::by_username(db, &input.username).await?;
    let hash = user
        .as_ref()
        .map_or(DUMMY_HASH.to_owned(), |u| u.password_hash.clone());
    let ok = users::verify_password_off_thread(&input.password, hash).await?;
    let user = user.filter(|_| ok).ok_or_else(wrong)?;
    if user.disabled_at.is_some() {
        return Err(Error::Forbidden("账号已停用，请联系管理员".into()));
    }
    Ok(user)
}

/// Opens a session for a verified user (inside a write transaction, with its audit row).
pub async fn open_session(
    db: &impl ConnectionTrait,
    user: user::Model,
    ttl: std::time::Duration,
    request_id: Option<String>,
) -> Result<NewSession> {
    // The password was checked outside this transaction; make sure it has not been reset,
    // nor the account disabled, since. The row lock makes a concurrent reset wait for this
    // session to exist, so its "log out everywhere" includes it.
    let current = user::Entity::find_by_id(user.id)
        .lock_exclusive()
        .one(db)
        .await?;
    if !current.is_some_and(|u| u.password_hash == user.password_hash && u.disabled_at.is_none()) {
        return Err(Error::Unauthorized("用户名或密码错误".into()));
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let now = chrono::Utc::now();
    let expires_at = now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(12));
    let session = session::ActiveModel {
        user_id: Set(user.id),
        token_hash: Set(token_hash(&token)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let actor = actor_of(&user, request_id)?;
    let entry = audit::Entry {
        action: "login",
        entity_type: "session",
        entity_id: session.id,
        city_id: Some(user.city_id),
        before: None,
        after: audit::snapshot(&session),
    };
    audit::record(db, Some(&actor), entry).await?;
    Ok(NewSession {
        token,
        expires_at,
        user,
    })
}

/// The user behind a bearer token, if the token is known, unexpired and not revoked.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<(session::Model, user::Model)> {
    let invalid = || Error::Unauthorized("登录已失效，请重新登录".into());
    if token.is_empty() || token.len() > 128 {
        return Err(invalid());
    }
    let s = session::Entity::find()
        .filter(session::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    if s.revoked_at.is_some() || s.expires_at <= chrono::Utc::now() {
        return Err(invalid());
    }
    let u = user::Entity::find_by_id(s.user_id)
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    if u.disabled_at.is_some() {
        return Err(invalid());
    }
    Ok((s, u))
}

pub fn actor_of(u: &user::Model, request_id: Option<String>) -> Result<Actor> {
    let role = Some(u.role).ok_or_else(|| {
        Error::Internal(anyhow::anyhow!(
            "user {} has unknown role {:?}",
            u.id,
            u.role
        ))
    })?;
    Ok(Actor {
        user_id: u.id,
        city_id: u.city_id,
        role,
        alliance_id: u.alliance_id,
        organization_id: u.organization_id,
        request_id,
    })
}

pub async fn logout(
    db: &impl ConnectionTrait,
    actor: &Actor,
    session: session::Model,
) -> Result<()> {
    let before = session.clone();
    let mut a: session::ActiveModel = session.into();
    a.revoked_at = Set(Some(chrono::Utc::now()));
    let after = a.update(db).await?;
    audit::changed(
        db,
        actor,
        "logout",
        ("session", after.id, Some(actor.city_id)),
        &before,
        &after,
    )
    .await
}

/// Keeps a page session alive while it is used: its expiry moves to `idle` from now, never
/// past `absolute` after login. Written at most once a minute per session, so reading pages
/// does not turn into a write each.
pub async fn touch(
    db: &impl ConnectionTrait,
    session: &session::Model,
    idle: std::time::Duration,
    absolute: std::time::Duration,
) -> Result<()> {
    let span = |d: std::time::Duration| chrono::Duration::from_std(d).unwrap_or_default();
    let now = chrono::Utc::now();
    let until = (now + span(idle)).min(session.created_at + span(absolute));
    if until - session.expires_at < chrono::Duration::minutes(1) {
        return Ok(());
    }
    session::Entity::update_many()
        .col_expr(
            session::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(until),
        )
        .filter(session::Column::Id.eq(session.id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
