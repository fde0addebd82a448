//! What the two lists — 资源清单 and 需求清单 — share: reading an entry of the caller's city,
//! locking it to change it after checking who may and which version they saw, saving it (a
//! new version, its audit row and its outbox row in the same transaction), confirming it (复核)
//! and removing it (a soft delete, kept for the audit trail).
//!
//! What differs between the lists is stated once, in each list's [`Entry`] impl
//! (`domain/needs.rs`, `domain/resources.rs`): its columns, its name, and who may change it.
//! Each list keeps its own rules for creating, editing and moving an entry's status.
//!
//! A field both lists get: a migration and the two entities; `NewNeed`/`NeedPatch` and
//! `NewResource`/`ResourcePatch` with their `create_unindexed`/`update`; `EntryFields` and
//! `entry_fields!` in `api/views.rs`; the spreadsheet columns in `domain/spreadsheets.rs`;
//! and, if matching reads it, `search/documents.rs` (ARCHITECTURE.md has the list). The input
//! types stay one per list: `deny_unknown_fields`, which refuses a misspelt field, does not
//! work on flattened structs.

use chrono::NaiveDate;
use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::Serialize;

use super::validation::check_version;
use super::{Actor, Page, PageParams, audit, outbox};
use crate::error::{Error, Result};

/// The columns of a list's table that [`Entry`] names.
pub type Column<E> = <<E as Entry>::Entity as EntityTrait>::Column;

/// A row of one of the two lists.
pub trait Entry: Sized + Clone + Serialize + Send + Sync + IntoActiveModel<Self::Active> {
    type Entity: EntityTrait<Model = Self>;
    type Active: ActiveModelTrait<Entity = Self::Entity> + ActiveModelBehavior + Send;
    /// Where an entry is in its life (`NeedStatus`, `ResourceStatus`).
    type Status: Into<sea_orm::Value> + Copy + Send + Sync;
    /// As the audit trail and the search outbox name it.
    const KIND: &'static str;
    /// As a coordinator reads it, in "not found" answers.
    const NOUN: &'static str;
    /// Why an entry in a project cannot be deleted, and what to do instead.
    const IN_A_PROJECT: &'static str;
    const ID: Column<Self>;
    const CITY_ID: Column<Self>;
    const DELETED_AT: Column<Self>;
    const VERSION: Column<Self>;
    const UPDATED_AT: Column<Self>;
    const UPDATED_BY: Column<Self>;
    const REVIEW_BY: Column<Self>;
    const STATUS: Column<Self>;
    const CATEGORY: Column<Self>;

    fn id(&self) -> i64;
    fn city_id(&self) -> i64;
    fn version(&self) -> i32;
    /// Refuses (403) an actor who may not change this entry.
    fn check_editor(&self, actor: &Actor) -> Result<()>;
    /// A query finding a project that holds entry `id`, if any.
    fn holding_project(id: i64) -> SelectStatement;
}

/// The part of an [`Entry`] impl that only names the table and its columns, which have the
/// same names in both lists' tables.
macro_rules! entry_columns {
    ($table:ident) => {
        type Entity = $table::Entity;
        type Active = $table::ActiveModel;
        const ID: $table::Column = $table::Column::Id;
        const CITY_ID: $table::Column = $table::Column::CityId;
        const DELETED_AT: $table::Column = $table::Column::DeletedAt;
        const VERSION: $table::Column = $table::Column::Version;
        const UPDATED_AT: $table::Column = $table::Column::UpdatedAt;
        const UPDATED_BY: $table::Column = $table::Column::UpdatedBy;
        const REVIEW_BY: $table::Column = $table::Column::ReviewBy;
        const STATUS: $table::Column = $table::Column::Status;
        const CATEGORY: $table::Column = $table::Column::Category;

        fn id(&self) -> i64 {
            self.id
        }
        fn city_id(&self) -> i64 {
            self.city_id
        }
        fn version(&self) -> i32 {
            self.version
        }
    };
}
pub(crate) use entry_columns;

/// An entry of the caller's city. Rows of other cities, and deleted rows, do not exist for
/// the caller (404).
pub async fn get<E: Entry>(db: &impl ConnectionTrait, city_id: i64, id: i64) -> Result<E> {
    find(db, city_id, id, false).await
}

/// Reads a row to change it: on PostgreSQL it stays locked (`FOR UPDATE`) until the
/// transaction ends, so two concurrent edits cannot both start from the same version and lose
/// one of them. SQLite needs no lock: its write transactions already run one at a time.
pub(crate) async fn get_for_update<E: Entry>(
    db: &impl ConnectionTrait,
    city_id: i64,
    id: i64,
) -> Result<E> {
    find(db, city_id, id, true).await
}

async fn find<E: Entry>(db: &impl ConnectionTrait, city_id: i64, id: i64, lock: bool) -> Result<E> {
    let mut q = E::Entity::find()
        .filter(E::ID.eq(id))
        .filter(E::CITY_ID.eq(city_id))
        .filter(E::DELETED_AT.is_null());
    if lock {
        q = q.lock_exclusive();
    }
    q.one(db).await?.ok_or_else(|| Error::not_found(E::NOUN))
}

/// The entry locked for a change by `actor`, who must be allowed to make it (403) and must
/// have seen its current version when they sent one (412).
pub(crate) async fn for_edit<E: Entry>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    expected_version: Option<i32>,
) -> Result<E> {
    let before = get_for_update::<E>(db, actor.city_id, id).await?;
    before.check_editor(actor)?;
    check_version(expected_version, before.version())?;
    Ok(before)
}

/// Writes a changed entry with a new version, its audit row and its outbox row.
pub(crate) async fn save<E: Entry>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    before: E,
    mut a: E::Active,
    action: &str,
) -> Result<E> {
    a.set(E::VERSION, (before.version() + 1).into());
    a.set(E::UPDATED_AT, chrono::Utc::now().into());
    a.set(E::UPDATED_BY, actor.user_id.into());
    let after = a.update(db).await?;
    audit::changed(
        db,
        actor,
        action,
        (E::KIND, after.id(), Some(after.city_id())),
        &before,
        &after,
    )
    .await?;
    outbox::push(db, after.city_id(), E::KIND, after.id()).await?;
    Ok(after)
}

/// The live entries of a city with the filters both lists offer (category, status, due for
/// review by a day); each list adds its own before [`page`].
pub fn filtered<E: Entry>(
    city_id: i64,
    category: Option<&str>,
    status: Option<E::Status>,
    review_before: Option<NaiveDate>,
) -> Select<E::Entity> {
    let mut select = E::Entity::find()
        .filter(E::CITY_ID.eq(city_id))
        .filter(E::DELETED_AT.is_null());
    if let Some(c) = category.filter(|c| !c.is_empty()) {
        select = select.filter(E::CATEGORY.eq(c));
    }
    if let Some(s) = status {
        select = select.filter(E::STATUS.eq(s));
    }
    if let Some(d) = review_before {
        select = select.filter(E::REVIEW_BY.lte(d));
    }
    select
}

/// A page of entries, newest first.
pub async fn page<E: Entry>(
    db: &impl ConnectionTrait,
    select: Select<E::Entity>,
    params: PageParams,
) -> Result<Page<E>> {
    super::page::fetch(db, select.order_by_desc(E::ID), params).await
}

/// Moves an entry (taken with [`for_edit`]) to a status its list's rules allow. Changing the
/// status is a confirmation too.
pub(crate) async fn move_to<E: Entry>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    before: E,
    to: E::Status,
) -> Result<E> {
    let mut a = before.clone().into_active_model();
    a.set(E::STATUS, to.into());
    a.set(
        E::REVIEW_BY,
        Some(crate::time::review_by_from_today()).into(),
    );
    save(db, actor, before, a, "status").await
}

/// Its editor confirms the entry still stands (复核): it stays matchable for another
/// [`crate::time::REVIEW_DAYS`] days.
pub async fn confirm<E: Entry>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    expected_version: Option<i32>,
) -> Result<E> {
    let before = for_edit::<E>(db, actor, id, expected_version).await?;
    let mut a = before.clone().into_active_model();
    a.set(
        E::REVIEW_BY,
        Some(crate::time::review_by_from_today()).into(),
    );
    save(db, actor, before, a, "confirm").await
}

/// Removes an entry from its list: a soft delete, the row staying for the audit trail. One
/// in a project cannot be removed, only closed or withdrawn (409).
pub async fn delete<E: Entry>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    expected_version: Option<i32>,
) -> Result<()> {
    let before = for_edit::<E>(db, actor, id, expected_version).await?;
    if db.query_one(&E::holding_project(id)).await?.is_some() {
        return Err(Error::Conflict(E::IN_A_PROJECT.into()));
    }
    let mut a = before.clone().into_active_model();
    a.set(E::DELETED_AT, Some(chrono::Utc::now()).into());
    save(db, actor, before, a, "delete").await?;
    Ok(())
}
