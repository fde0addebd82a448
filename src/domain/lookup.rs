//! Batch look-ups for list views: one query per kind, never one per row.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::Result;
use entity::{alliance, need, organization, project_feedback, region, resource, user};

/// The rows of `E` whose `column` is one of `ids` (deduplicated; no query for none).
async fn by_ids<E: EntityTrait>(
    db: &impl ConnectionTrait,
    column: E::Column,
    ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<E::Model>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    // In chunks: SQLite takes at most 32,766 parameters per statement.
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        rows.extend(
            E::find()
                .filter(column.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}

pub async fn regions(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, region::Model>> {
    let rows = by_ids::<region::Entity>(db, region::Column::Id, ids).await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

pub async fn alliances(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, alliance::Model>> {
    let rows = by_ids::<alliance::Entity>(db, alliance::Column::Id, ids).await?;
    Ok(rows.into_iter().map(|a| (a.id, a)).collect())
}

/// Alliance ids keyed by their region, for region views.
pub async fn alliances_of_regions(
    db: &impl ConnectionTrait,
    region_ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, i64>> {
    let rows = by_ids::<alliance::Entity>(db, alliance::Column::RegionId, region_ids).await?;
    Ok(rows.into_iter().map(|a| (a.region_id, a.id)).collect())
}

pub async fn needs(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, need::Model>> {
    let rows = by_ids::<need::Entity>(db, need::Column::Id, ids).await?;
    Ok(rows.into_iter().map(|n| (n.id, n)).collect())
}

pub async fn need_titles(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>> {
    let rows = by_ids::<need::Entity>(db, need::Column::Id, ids).await?;
    Ok(rows.into_iter().map(|n| (n.id, n.title)).collect())
}

pub async fn organization_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>> {
    let rows = by_ids::<organization::Entity>(db, organization::Column::Id, ids).await?;
    Ok(rows.into_iter().map(|o| (o.id, o.name)).collect())
}

/// Organizations by id, in id order (the units of a project, say).
pub async fn organizations(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<organization::Model>> {
    let mut rows = by_ids::<organization::Entity>(db, organization::Column::Id, ids).await?;
    rows.sort_by_key(|o| o.id);
    Ok(rows)
}

pub async fn resources(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, resource::Model>> {
    let rows = by_ids::<resource::Entity>(db, resource::Column::Id, ids).await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

pub async fn user_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>> {
    let rows = by_ids::<user::Entity>(db, user::Column::Id, ids).await?;
    Ok(rows.into_iter().map(|u| (u.id, u.display_name)).collect())
}

/// Projects' ratings, by project id.
pub async fn ratings(
    db: &impl ConnectionTrait,
    project_ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, i32>> {
    let rows =
        by_ids::<project_feedback::Entity>(db, project_feedback::Column::ProjectId, project_ids)
            .await?;
    Ok(rows.into_iter().map(|f| (f.project_id, f.rating)).collect())
}

/// The users (of any role, disabled too) scoped to these alliances.
pub async fn users_of_alliances(
    db: &impl ConnectionTrait,
    alliance_ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<user::Model>> {
    by_ids::<user::Entity>(db, user::Column::AllianceId, alliance_ids).await
}

/// The users (of any role, disabled too) scoped to these organizations.
pub async fn users_of_organizations(
    db: &impl ConnectionTrait,
    organization_ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<user::Model>> {
    by_ids::<user::Entity>(db, user::Column::OrganizationId, organization_ids).await
}
