//! Duplicate warnings: posting a resource or need nearly the same as an open one of the same
//! unit (resources) or alliance (needs) answers 409 with the likely duplicates, until the user
//! confirms with `allow_duplicate: true`.
//!
//! Similarity is computed here from the database rows, not from the search index: the index
//! trails writes by tens of milliseconds, so a double submit would slip past it, and a unit's
//! or alliance's open entries are few enough (tens to hundreds) to compare one by one.

use std::collections::HashSet;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;

use super::{fold, needs, resources};
use crate::error::Result;
use entity::{need, resource};

/// At or above this similarity (0–1) an entry is a likely duplicate.
pub const THRESHOLD: f64 = 0.8;

/// A likely duplicate of what is being posted.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Duplicate {
    pub id: i64,
    pub title: String,
    /// 0–1: how alike the two are (titles weigh 0.7, descriptions 0.3).
    pub similarity: f64,
}

/// The distinct character pairs of a text, ignoring case, spaces and punctuation.
fn pairs(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = fold(text).chars().filter(|c| c.is_alphanumeric()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Dice coefficient of two texts' character pairs (a text of one character compares whole).
fn dice(a: &str, b: &str) -> f64 {
    let (pa, pb) = (pairs(a), pairs(b));
    if pa.is_empty() || pb.is_empty() {
        let norm = |s: &str| {
            fold(s)
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        };
        return f64::from(u8::from(!norm(a).is_empty() && norm(a) == norm(b)));
    }
    2.0 * pa.intersection(&pb).count() as f64 / (pa.len() + pb.len()) as f64
}

/// How alike two entries are: titles weigh 0.7 and descriptions 0.3 when both have one,
/// titles alone otherwise.
pub fn similarity(a: (&str, &str), b: (&str, &str)) -> f64 {
    let title = dice(a.0, b.0);
    let s = if a.1.trim().is_empty() || b.1.trim().is_empty() {
        title
    } else {
        0.7 * title + 0.3 * dice(a.1, b.1)
    };
    (s * 1000.0).round() / 1000.0
}

fn likely(mut found: Vec<Duplicate>) -> Vec<Duplicate> {
    found.retain(|d| d.similarity >= THRESHOLD);
    found.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then(a.id.cmp(&b.id)));
    found.truncate(5);
    found
}

/// The unit's available resources most like (title, description).
pub async fn resources_like(
    db: &impl ConnectionTrait,
    organization_id: i64,
    text: (&str, &str),
) -> Result<Vec<Duplicate>> {
    let rows = resource::Entity::find()
        .filter(resource::Column::OrganizationId.eq(organization_id))
        .filter(resource::Column::Status.eq(resources::Status::Available.as_str()))
        .filter(resource::Column::DeletedAt.is_null())
        .order_by_asc(resource::Column::Id)
        .all(db)
        .await?;
    Ok(likely(
        rows.into_iter()
            .map(|r| Duplicate {
                similarity: similarity(text, (&r.title, &r.description)),
                id: r.id,
                title: r.title,
            })
            .collect(),
    ))
}

/// The alliance's open needs most like (title, description).
pub async fn needs_like(
    db: &impl ConnectionTrait,
    alliance_id: i64,
    text: (&str, &str),
) -> Result<Vec<Duplicate>> {
    let rows = need::Entity::find()
        .filter(need::Column::AllianceId.eq(alliance_id))
        .filter(need::Column::Status.eq(needs::Status::Open.as_str()))
        .filter(need::Column::DeletedAt.is_null())
        .order_by_asc(need::Column::Id)
        .all(db)
        .await?;
    Ok(likely(
        rows.into_iter()
            .map(|n| Duplicate {
                similarity: similarity(text, (&n.title, &n.description)),
                id: n.id,
                title: n.title,
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_copies_are_alike_and_different_offers_are_not() {
        let d = "每周三上午在社区活动中心为居民免费测量血压血糖。";
        assert!(similarity(("社区义诊测血压", d), ("社区义诊 测血压！", d)) >= THRESHOLD);
        assert!(similarity(("社区义诊测血压", d), ("社区义诊测血压", "")) >= THRESHOLD);
        assert!(similarity(("社区义诊测血压", d), ("家庭医生签约", d)) < THRESHOLD);
        assert!(similarity(("法律咨询", ""), ("法律援助", "")) < THRESHOLD);
        assert_eq!(similarity(("书", ""), ("书", "")), 1.0);
    }
}
