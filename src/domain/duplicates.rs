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

use super::{fold, needs, resources};
use crate::error::Result;
use entity::{alliance, need, organization, resource};

/// At or above this similarity (0–1) an entry is a likely duplicate.
pub const THRESHOLD: f64 = 0.8;

pub use crate::error::Duplicate;

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
    /// The row's id; for a row of a sheet being checked (not written), minus its row number.
    id: i64,
    title: String,
    text: (Text, Text),
}

/// Whose entries: a unit's resources or an alliance's needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    Unit(i64),
    Alliance(i64),
}

/// The least title similarity an entry can have and still reach [`THRESHOLD`] (when its
/// description counts fully: 0.7 × title + 0.3 ≥ 0.7995, which rounds to 0.8), a little lower
/// for the floating point.
const TITLE_FLOOR: f64 = 0.71;

/// The order character pairs are taken in when choosing an entry's prefix: rarer first, so the
/// lists of entries filed under a prefix pair stay short. Any fixed order is correct; the
/// frequencies are counted once, before the first entry is filed, and never change after.
#[derive(Default)]
struct PairOrder {
    frequency: HashMap<(char, char), u32>,
}

impl PairOrder {
    /// The pairs of a title that any title at least [`TITLE_FLOOR`] alike must share one of
    /// (prefix filtering): with `a` pairs, such a title shares at least `t·a/(2−t)` of them, so
    /// of the `a` pairs taken in this order, the first `a − ⌈t·a/(2−t)⌉ + 1` hold a shared one.
    fn prefix(&self, pairs: &HashSet<(char, char)>) -> Vec<(char, char)> {
        let mut sorted: Vec<(u32, (char, char))> = pairs
            .iter()
            .map(|p| (self.frequency.get(p).copied().unwrap_or(0), *p))
            .collect();
        sorted.sort_unstable();
        let a = sorted.len() as f64;
        let overlap = (TITLE_FLOOR * a / (2.0 - TITLE_FLOOR)).ceil().max(1.0) as usize;
        let keep = sorted.len().saturating_sub(overlap) + 1;
        sorted.into_iter().take(keep).map(|(_, p)| p).collect()
    }
}

/// One owner's open entries, filed for finding near-duplicates without comparing a text with
/// every entry: each entry is filed under the pairs of its title's prefix, and only entries
/// sharing a prefix pair with the probe (or, for titles too short to have pairs, the same
/// letters) are compared. The result is exactly what comparing with every entry gives.
#[derive(Default)]
struct Pool {
    entries: Vec<Entry>,
    by_pair: HashMap<(char, char), Vec<u32>>,
    by_letters: HashMap<String, Vec<u32>>,
}

impl Pool {
    fn add(&mut self, e: Entry, order: &PairOrder) {
        let at = self.entries.len() as u32;
        let title = &e.text.0;
        if title.pairs.is_empty() {
            if !title.is_blank() {
                self.by_letters
                    .entry(title.letters.clone())
                    .or_default()
                    .push(at);
            }
        } else {
            for p in order.prefix(&title.pairs) {
                self.by_pair.entry(p).or_default().push(at);
            }
        }
        self.entries.push(e);
    }

    /// The entries at or above [`THRESHOLD`], most alike first, at most five.
    fn likely(&self, text: (&str, &str), order: &PairOrder) -> Vec<Duplicate> {
        let probe = (Text::new(text.0), Text::new(text.1));
        let mut candidates: Vec<u32> = if probe.0.pairs.is_empty() {
            self.by_letters
                .get(&probe.0.letters)
                .cloned()
                .unwrap_or_default()
        } else {
            order
                .prefix(&probe.0.pairs)
                .iter()
                .filter_map(|p| self.by_pair.get(p))
                .flatten()
                .copied()
                .collect()
        };
        candidates.sort_unstable();
        candidates.dedup();
        most_alike(
            &probe,
            candidates.into_iter().map(|i| &self.entries[i as usize]),
        )
    }
}

/// Of `entries`, those at or above [`THRESHOLD`] like `probe`, most alike first, at most five.
fn most_alike<'a>(
    probe: &(Text, Text),
    entries: impl Iterator<Item = &'a Entry>,
) -> Vec<Duplicate> {
    let mut found: Vec<Duplicate> = entries
        .filter_map(|e| {
            let similarity = alike(probe, &e.text);
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

/// The open entries of each unit (resources) and alliance (needs) compared so far, loaded
/// once per owner and filed by their character pairs: a single post loads its owner's
/// entries once; an import keeps them for the whole file and adds each row it checks or
/// creates, so a sheet of a hundred thousand rows is neither re-read for every row nor
/// compared row by row with every other (see [`Pool`]).
///
/// Loading an owner's entries locks the owner's row (PostgreSQL; SQLite has one writer), so
/// two identical posts at the same instant queue and the second sees the first. The lock is
/// `FOR NO KEY UPDATE`: it does not hold up the foreign-key checks of other inserts that
/// reference the owner (`FOR UPDATE` would, even for posts that skip the check).
#[derive(Default)]
pub struct Known {
    pools: HashMap<Owner, Pool>,
    order: PairOrder,
}

impl Known {
    /// An empty set whose pair order is taken from `titles` (the titles of a sheet about to be
    /// checked): the rarer a pair among them, the earlier it is taken.
    pub fn for_titles<'a>(titles: impl Iterator<Item = &'a str>) -> Self {
        let mut frequency: HashMap<(char, char), u32> = HashMap::new();
        for t in titles {
            for p in Text::new(t).pairs {
                *frequency.entry(p).or_default() += 1;
            }
        }
        Known {
            pools: HashMap::new(),
            order: PairOrder { frequency },
        }
    }

    /// The unit's available resources most like (title, description).
    pub async fn resources_like(
        &mut self,
        db: &impl ConnectionTrait,
        organization_id: i64,
        text: (&str, &str),
    ) -> Result<Vec<Duplicate>> {
        self.preload_units(db, vec![organization_id]).await?;
        Ok(self.pools[&Owner::Unit(organization_id)].likely(text, &self.order))
    }

    /// The alliance's open needs most like (title, description).
    pub async fn needs_like(
        &mut self,
        db: &impl ConnectionTrait,
        alliance_id: i64,
        text: (&str, &str),
    ) -> Result<Vec<Duplicate>> {
        let owner = Owner::Alliance(alliance_id);
        if !self.pools.contains_key(&owner) {
            alliance::Entity::find_by_id(alliance_id)
                .lock(LockType::NoKeyUpdate)
                .one(db)
                .await?;
            let rows = need::Entity::find()
                .filter(need::Column::AllianceId.eq(alliance_id))
                .filter(need::Column::Status.eq(needs::Status::Open))
                .filter(need::Column::DeletedAt.is_null())
                .order_by_asc(need::Column::Id)
                .all(db)
                .await?;
            let mut pool = Pool::default();
            for n in rows {
                pool.add(entry(n.id, n.title, &n.description), &self.order);
            }
            self.pools.insert(owner, pool);
        }
        Ok(self.pools[&owner].likely(text, &self.order))
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
        ids.retain(|id| !self.pools.contains_key(&Owner::Unit(*id)));
        for chunk in ids.chunks(1000) {
            organization::Entity::find()
                .filter(organization::Column::Id.is_in(chunk.iter().copied()))
                .order_by_asc(organization::Column::Id)
                .lock(LockType::NoKeyUpdate)
                .all(db)
                .await?;
        }
        for &id in &ids {
            self.pools.insert(Owner::Unit(id), Pool::default());
        }
        for chunk in ids.chunks(1000) {
            let rows = resource::Entity::find()
                .filter(resource::Column::OrganizationId.is_in(chunk.iter().copied()))
                .filter(resource::Column::Status.eq(resources::Status::Available))
                .filter(resource::Column::DeletedAt.is_null())
                .order_by_asc(resource::Column::Id)
                .all(db)
                .await?;
            for r in rows {
                if let Some(pool) = self.pools.get_mut(&Owner::Unit(r.organization_id)) {
                    pool.add(entry(r.id, r.title, &r.description), &self.order);
                }
            }
        }
        Ok(())
    }

    /// A resource just created (it is available), if its unit's entries are loaded.
    pub fn add_resource(&mut self, r: &resource::Model) {
        if let Some(pool) = self.pools.get_mut(&Owner::Unit(r.organization_id)) {
            pool.add(entry(r.id, r.title.clone(), &r.description), &self.order);
        }
    }

    /// A need just created (it is open), if its alliance's entries are loaded.
    pub fn add_need(&mut self, n: &need::Model) {
        if let Some(pool) = self.pools.get_mut(&Owner::Alliance(n.alliance_id)) {
            pool.add(entry(n.id, n.title.clone(), &n.description), &self.order);
        }
    }

    /// Row `row` of a sheet being checked, not written: later rows are compared with it too,
    /// and a duplicate found among them has the id `-row`.
    pub fn add_pending(&mut self, owner: Owner, row: usize, title: &str, description: &str) {
        if let Some(pool) = self.pools.get_mut(&owner) {
            pool.add(
                entry(-(row as i64), title.to_owned(), description),
                &self.order,
            );
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

    /// The filed pool finds exactly what comparing with every entry finds.
    #[test]
    fn filing_finds_what_comparing_with_everything_finds() {
        // Titles from a few characters, so near-duplicates of every degree are common.
        let alphabet: Vec<char> = "老年人助餐送上门法律咨询社区".chars().collect();
        let mut seed = 42u64;
        let mut next = move |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let mut text =
            |len: usize| -> String { (0..len).map(|_| alphabet[next(alphabet.len())]).collect() };
        let rows: Vec<(String, String)> = (0..1500)
            .map(|i| {
                let title = text(1 + i % 9);
                let description = if i % 3 == 0 { String::new() } else { text(6) };
                (title, description)
            })
            .collect();
        let known = Known::for_titles(rows.iter().map(|(t, _)| t.as_str()));
        let mut pool = Pool::default();
        let mut everything: Vec<Entry> = Vec::new();
        let mut found_some = 0;
        for (i, (title, description)) in rows.iter().enumerate() {
            let filed = pool.likely((title, description), &known.order);
            let probe = (Text::new(title), Text::new(description));
            let all = most_alike(&probe, everything.iter());
            assert_eq!(filed, all, "row {i}: {title} / {description}");
            found_some += usize::from(!all.is_empty());
            pool.add(entry(i as i64, title.clone(), description), &known.order);
            everything.push(entry(i as i64, title.clone(), description));
        }
        assert!(
            found_some > 100,
            "the test needs near-duplicates: {found_some}"
        );
    }
}
