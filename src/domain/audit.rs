//! The audit trail: every write records who did what, when, and the row before and after.

use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Serialize;

use super::Actor;
use crate::error::Result;

/// One audit row. `before`/`after` are JSON snapshots (see [`snapshot`]).
pub struct Entry<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: i64,
    pub city_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub fn snapshot<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

/// Appends one audit row; call it inside the write's transaction. `actor` is `None` for the
/// system itself (start-up bootstrap, demo seeding).
pub async fn record(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    entry: Entry<'_>,
) -> Result<()> {
    entity::audit_log::ActiveModel {
        city_id: Set(entry.city_id),
        actor_id: Set(actor.map(|a| a.user_id)),
        action: Set(entry.action.to_owned()),
        entity_type: Set(entry.entity_type.to_owned()),
        entity_id: Set(entry.entity_id),
        before: Set(entry.before),
        after: Set(entry.after),
        request_id: Set(actor.and_then(|a| a.request_id.clone())),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Shorthand for the common cases.
pub async fn created<T: Serialize>(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    entity_type: &str,
    id: i64,
    city_id: Option<i64>,
    after: &T,
) -> Result<()> {
    let entry = Entry {
        action: "create",
        entity_type,
        entity_id: id,
        city_id,
        before: None,
        after: snapshot(after),
    };
    record(db, actor, entry).await
}

pub async fn changed<B: Serialize, A: Serialize>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    (entity_type, id, city_id): (&str, i64, Option<i64>),
    before: &B,
    after: &A,
) -> Result<()> {
    let entry = Entry {
        action,
        entity_type,
        entity_id: id,
        city_id,
        before: snapshot(before),
        after: snapshot(after),
    };
    record(db, Some(actor), entry).await
}
