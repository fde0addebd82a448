//! Duplicate warnings: posting a resource or need nearly the same as an open one of the same
//! unit (resources) or alliance (needs) answers 409 with the likely duplicates, until the user
//! confirms with `allow_duplicate: true`.
//!
//! Similarity is computed here from the database rows, not from the search index: the index
//! trails writes by tens of milliseconds, so a double submit would slip past it, and a unit's
//! or alliance's open entries are few enough (tens to thousands) to compare one by one.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::LockType;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use super::{fold, needs, resources};
use crate::error::Result;
use entity::{alliance, need, organization, resource};

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

/// A text as compared: its distinct character pairs (ignoring case, spaces and punctuation)
/// and, for texts too short to have pairs, the letters themselves.
#[derive(Debug, Clone)]
struct Text {
    pairs: HashSet<(char, char)>,
    letters: String,
}

impl Text {
    fn new(text: &str) -> Self {
        let letters: String = fold(text).chars().filter(|c| c.is_alphanumeric()).collect();
        let chars: Vec<char> = letters.chars().collect();
        Text {
            pairs: chars.windows(2).map(|w| (w[0], w[1])).collect(),
            letters,
        }
    }

    fn is_blank(&self) -> bool {
        self.letters.is_empty()
    }
}

/// Dice coefficient of two texts' character pairs (a text of one character compares whole).
fn dice(a: &Text, b: &Text) -> f64 {
    if a.pairs.is_empty() || b.pairs.is_empty() {
        return f64::from(u8::from(!a.is_blank() && a.letters == b.letters));
    }
    let (small, large) = if a.pairs.len() <= b.pairs.len() {
        (&a.pairs, &b.pairs)
    } else {
        (&b.pairs, &a.pairs)
    };
    let shared = small.iter().filter(|p| large.contains(p)).count();
    2.0 * shared as f64 / (a.pairs.len() + b.pairs.len()) as f64
}

/// How alike two entries are: titles weigh 0.7 and descriptions 0.3 when both have one,
/// titles alone otherwise.
fn alike(a: &(Text, Text), b: &(Text, Text)) -> f64 {
    let title = dice(&a.0, &b.0);
    let s = if a.1.is_blank() || b.1.is_blank() {
        title
    } else {
        0.7 * title + 0.3 * dice(&a.1, &b.1)
    };
    (s * 1000.0).round() / 1000.0
}

/// [`alike`] of two (title, description) pairs.
pub fn similarity(a: (&str, &str), b: (&str, &str)) -> f64 {
    let text = |(t, d): (&str, &str)| (Text::new(t), Text::new(d));
    alike(&text(a), &text(b))
}

/// One open entry of an owner, ready to compare.
struct Entry {
    id: i64,
    title: String,
    text: (Text, Text),
}

/// The open entries of each unit (resources) and alliance (needs) compared so far, loaded
/// once per owner and kept with their character pairs: a single post loads its owner's
/// entries once; an import keeps them for the whole file and adds each row it creates, so a
/// sheet of thousands of rows is not re-read (and re-split) for every row.
///
/// Loading an owner's entries locks the owner's row (PostgreSQL; SQLite has one writer), so
/// two identical posts at the same instant queue and the second sees the first. The lock is
/// `FOR NO KEY UPDATE`: it does not hold up the foreign-key checks of other inserts that
/// reference the owner (`FOR UPDATE` would, even for posts that skip the check).
#[derive(Default)]
pub struct Known {
    resources: HashMap<i64, Vec<Entry>>,
    needs: HashMap<i64, Vec<Entry>>,
}

impl Known {
    /// The unit's available resources most like (title, description).
    pub async fn resources_like(
        &mut self,
        db: &impl ConnectionTrait,
        organization_id: i64,
        text: (&str, &str),
    ) -> Result<Vec<Duplicate>> {
        self.preload_units(db, vec![organization_id]).await?;
        Ok(likely(&self.resources[&organization_id], text))
    }

    /// The alliance's open needs most like (title, description).
    pub async fn needs_like(
        &mut self,
        db: &impl ConnectionTrait,
        alliance_id: i64,
        text: (&str, &str),
    ) -> Result<Vec<Duplicate>> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.needs.entry(alliance_id) {
            alliance::Entity::find_by_id(alliance_id)
                .lock(LockType::NoKeyUpdate)
                .one(db)
                .await?;
            let rows = need::Entity::find()
                .filter(need::Column::AllianceId.eq(alliance_id))
                .filter(need::Column::Status.eq(needs::Status::Open.as_str()))
                .filter(need::Column::DeletedAt.is_null())
                .order_by_asc(need::Column::Id)
                .all(db)
                .await?;
            let entries = rows
                .into_iter()
                .map(|n| entry(n.id, n.title, &n.description))
                .collect();
            slot.insert(entries);
        }
        Ok(likely(&self.needs[&alliance_id], text))
    }

    /// Locks and loads these units' entries at once, the locks taken in id order (an import
    /// naming several units: two imports cannot then deadlock on each other's units).
    pub async fn preload_units(
        &mut self,
        db: &impl ConnectionTrait,
        mut ids: Vec<i64>,
    ) -> Result<()> {
        ids.sort_unstable();
        ids.dedup();
        ids.retain(|id| !self.resources.contains_key(id));
        for chunk in ids.chunks(1000) {
            organization::Entity::find()
                .filter(organization::Column::Id.is_in(chunk.iter().copied()))
                .order_by_asc(organization::Column::Id)
                .lock(LockType::NoKeyUpdate)
                .all(db)
                .await?;
        }
        let mut loaded: HashMap<i64, Vec<Entry>> = ids.iter().map(|&id| (id, Vec::new())).collect();
        for chunk in ids.chunks(1000) {
            let rows = resource::Entity::find()
                .filter(resource::Column::OrganizationId.is_in(chunk.iter().copied()))
                .filter(resource::Column::Status.eq(resources::Status::Available.as_str()))
                .filter(resource::Column::DeletedAt.is_null())
                .order_by_asc(resource::Column::Id)
                .all(db)
                .await?;
            for r in rows {
                if let Some(list) = loaded.get_mut(&r.organization_id) {
                    list.push(entry(r.id, r.title, &r.description));
                }
            }
        }
        self.resources.extend(loaded);
        Ok(())
    }

    /// A resource just created (it is available), if its unit's entries are loaded.
    pub fn add_resource(&mut self, r: &resource::Model) {
        if let Some(list) = self.resources.get_mut(&r.organization_id) {
            list.push(entry(r.id, r.title.clone(), &r.description));
        }
    }

    /// A need just created (it is open), if its alliance's entries are loaded.
    pub fn add_need(&mut self, n: &need::Model) {
        if let Some(list) = self.needs.get_mut(&n.alliance_id) {
            list.push(entry(n.id, n.title.clone(), &n.description));
        }
    }
}

fn entry(id: i64, title: String, description: &str) -> Entry {
    Entry {
        id,
        text: (Text::new(&title), Text::new(description)),
        title,
    }
}

/// The entries at or above [`THRESHOLD`], most alike first, at most five.
fn likely(entries: &[Entry], text: (&str, &str)) -> Vec<Duplicate> {
    let probe = (Text::new(text.0), Text::new(text.1));
    let mut found: Vec<Duplicate> = entries
        .iter()
        .filter_map(|e| {
            let similarity = alike(&probe, &e.text);
            (similarity >= THRESHOLD).then(|| Duplicate {
                id: e.id,
                title: e.title.clone(),
                similarity,
            })
        })
        .collect();
    found.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then(a.id.cmp(&b.id)));
    found.truncate(5);
    found
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
