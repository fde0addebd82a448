//! The audit trail: every write records who did what, when, and the row before and after.

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use super::{Actor, Page, PageParams};
use crate::error::Result;
use entity::audit_log;

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
    audit_log::ActiveModel {
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

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// resource, need, project, feedback, organization, user, alliance, region, session …
    pub entity_type: Option<String>,
    pub entity_id: Option<i64>,
    /// Who wrote it.
    pub actor_id: Option<i64>,
    /// create, update, status, delete, transition, login …
    pub action: Option<String>,
    /// From this day (Asia/Shanghai), inclusive.
    pub from: Option<NaiveDate>,
    /// Up to this day (Asia/Shanghai), inclusive.
    pub to: Option<NaiveDate>,
}

/// The audit trail of the caller's city, newest first. Admins only.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &AuditFilter,
    params: PageParams,
) -> Result<Page<audit_log::Model>> {
    actor.require_admin()?;
    let period = super::validation::period(filter.from, filter.to)?;
    let mut select = audit_log::Entity::find().filter(audit_log::Column::CityId.eq(actor.city_id));
    if let Some(t) = filter.entity_type.as_deref().filter(|t| !t.is_empty()) {
        select = select.filter(audit_log::Column::EntityType.eq(t));
    }
    if let Some(id) = filter.entity_id {
        select = select.filter(audit_log::Column::EntityId.eq(id));
    }
    if let Some(id) = filter.actor_id {
        select = select.filter(audit_log::Column::ActorId.eq(id));
    }
    if let Some(a) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        select = select.filter(audit_log::Column::Action.eq(a));
    }
    select = super::validation::in_period(select, audit_log::Column::CreatedAt, period);
    super::page::fetch(db, select.order_by_desc(audit_log::Column::Id), params).await
}
