//! Batch look-ups of names for list views: one query per kind, never one per row.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::Result;
use entity::{alliance, need, region};

fn unique(ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let mut v: Vec<i64> = ids.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    v
}

pub async fn regions(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, region::Model>> {
    let ids = unique(ids);
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(region::Entity::find()
        .filter(region::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}

pub async fn alliances(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, alliance::Model>> {
    let ids = unique(ids);
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(alliance::Entity::find()
        .filter(alliance::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

/// Alliances keyed by their region, for region views.
pub async fn alliances_of_regions(
    db: &impl ConnectionTrait,
    region_ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, i64>> {
    let ids = unique(region_ids);
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(alliance::Entity::find()
        .filter(alliance::Column::RegionId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.region_id, a.id))
        .collect())
}

pub async fn need_titles(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>> {
    let ids = unique(ids);
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(need::Entity::find()
        .filter(need::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n.title))
        .collect())
}
