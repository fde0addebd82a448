//! Keeping the search outbox short: rows every reader has applied are removed.
//!
//! The outbox has several readers: the index of each instance, and the match announcer (one
//! cursor shared by all instances). Each instance records where its index stands in
//! `worker_cursors` (`index:<instance>`), as the outbox row its commit is anchored to; rows
//! below the lowest anchor of the instances seen lately, and already announced, are deleted.
//! An instance that was away longer than [`LIVE`] is no longer waited for: if rows it had not
//! applied were deleted meanwhile, it finds itself behind `outbox_pruned_below` and rebuilds.

use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::db::Db;
use crate::error::Result;
use entity::{search_outbox, worker_cursor};

/// How often an instance records its position and prunes.
pub(super) const EVERY: Duration = Duration::from_secs(30);
/// An instance whose position is older than this is taken as gone.
const LIVE: Duration = Duration::from_secs(600);
/// Rows deleted per statement (a short write lock each).
const BATCH: i64 = 10_000;
/// Cursor rows: the outbox below this sequence has been deleted; the match announcer.
const PRUNED: &str = "outbox_pruned_below";
const ANNOUNCER: &str = "match_alerts";
const PREFIX: &str = "index:";

/// Records that this instance's index is anchored at outbox row `anchor`.
pub(super) async fn record_position(db: &Db, instance: &str, anchor: i64) -> Result<()> {
    worker_cursor::Entity::insert(worker_cursor::ActiveModel {
        name: Set(format!("{PREFIX}{instance}")),
        position: Set(anchor),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(worker_cursor::Column::Name)
            .update_columns([
                worker_cursor::Column::Position,
                worker_cursor::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(&db.write)
    .await?;
    Ok(())
}

/// Below this sequence the outbox has been deleted (0: never pruned).
pub async fn pruned_below(db: &Db) -> Result<i64> {
    Ok(worker_cursor::Entity::find_by_id(PRUNED)
        .one(&db.read)
        .await?
        .map_or(0, |c| c.position))
}

/// Deletes the outbox rows every live reader is past, given where the outbox was pruned to
/// already; returns how many.
pub async fn prune(db: &Db, pruned: i64) -> Result<u64> {
    let live_since = Utc::now() - chrono::Duration::from_std(LIVE).expect("small duration");
    let cursors = worker_cursor::Entity::find().all(&db.read).await?;
    let Some(lowest_index) = cursors
        .iter()
        .filter(|c| c.name.starts_with(PREFIX) && c.updated_at >= live_since)
        .map(|c| c.position)
        .min()
    else {
        return Ok(0);
    };
    // The announcer has read every row up to its position; without one, nothing is pruned.
    let announced = cursors
        .iter()
        .find(|c| c.name == ANNOUNCER)
        .map_or(0, |c| c.position + 1);
    // Each index keeps its anchor row (the newest it has applied), so the floor is at it.
    let floor = lowest_index.min(announced);
    if floor <= pruned {
        return Ok(0);
    }
    let mut deleted = 0;
    loop {
        // In slices from the oldest, so each delete holds the write lock briefly.
        let upto = search_outbox::Entity::find()
            .select_only()
            .column(search_outbox::Column::Seq)
            .filter(search_outbox::Column::Seq.lt(floor))
            .order_by_asc(search_outbox::Column::Seq)
            .offset((BATCH - 1) as u64)
            .limit(1)
            .into_tuple::<i64>()
            .one(&db.read)
            .await?
            .map_or(floor, |s| s + 1);
        let n = search_outbox::Entity::delete_many()
            .filter(search_outbox::Column::Seq.lt(upto))
            .exec(&db.write)
            .await?
            .rows_affected;
        deleted += n;
        if upto >= floor {
            break;
        }
    }
    // Only ever raised: two instances pruning at once must not lower it.
    worker_cursor::Entity::insert(worker_cursor::ActiveModel {
        name: Set(PRUNED.into()),
        position: Set(0),
        updated_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing()
    .exec(&db.write)
    .await?;
    worker_cursor::Entity::update_many()
        .col_expr(worker_cursor::Column::Position, Expr::value(floor))
        .col_expr(worker_cursor::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(worker_cursor::Column::Name.eq(PRUNED))
        .filter(worker_cursor::Column::Position.lt(floor))
        .exec(&db.write)
        .await?;
    // Positions of instances long gone are only noise.
    worker_cursor::Entity::delete_many()
        .filter(worker_cursor::Column::Name.starts_with(PREFIX))
        .filter(worker_cursor::Column::UpdatedAt.lt(live_since - chrono::Duration::days(1)))
        .exec(&db.write)
        .await?;
    if deleted > 0 {
        tracing::info!(deleted, below = floor, "search outbox pruned");
    }
    Ok(deleted)
}
