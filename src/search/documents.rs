//! Building index documents from database rows: a resource or need with its region terms,
//! alliances and window. Loads what it needs in batches (regions, memberships), never per row.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tantivy::TantivyDocument;

use super::analyzer;
use super::schema::Fields;
use crate::error::Result;
use entity::{alliance_member, need, region, resource};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Resource,
    Need,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Resource => "resource",
            Kind::Need => "need",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "resource" => Some(Kind::Resource),
            "need" => Some(Kind::Need),
            _ => None,
        }
    }

    pub fn key(self, id: i64) -> String {
        match self {
            Kind::Resource => format!("r:{id}"),
            Kind::Need => format!("n:{id}"),
        }
    }
}

/// Days since 1970-01-01, the unit of the window fields.
pub fn day(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")).num_days()
}

/// The region term of one region: `c`, `d`, `s` or `m` (community) and its id.
pub fn region_term(level: &str, id: i64) -> String {
    let prefix = match level {
        "city" => "c",
        "district" => "d",
        "street" => "s",
        _ => "m",
    };
    format!("{prefix}{id}")
}

/// Every region, by id (a city has a few hundred: cheap to hold per batch).
#[derive(Default)]
pub struct Regions(HashMap<i64, region::Model>);

impl Regions {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self> {
        let rows = region::Entity::find().all(db).await?;
        Ok(Regions(rows.into_iter().map(|r| (r.id, r)).collect()))
    }

    pub fn contains(&self, id: i64) -> bool {
        self.0.contains_key(&id)
    }

    /// Whether a region term names a district of this city (`None` when the term is not a
    /// district's or the district is unknown here).
    pub fn district_of_city(&self, term: &str, city_id: i64) -> Option<bool> {
        let id: i64 = term.strip_prefix('d')?.parse().ok()?;
        let district = self.0.get(&id)?;
        Some(district.city_id == Some(city_id))
    }

    /// A place and every region above it, as terms, nearest first.
    pub fn chain(&self, id: i64) -> Vec<String> {
        let mut out = Vec::new();
        let mut next = Some(id);
        while let Some(r) = next.and_then(|i| self.0.get(&i)) {
            out.push(region_term(r.level.as_str(), r.id));
            next = r.parent_id;
        }
        out
    }
}

/// How many of a unit's alliances a resource's document keeps (the lowest ids; a unit is a
/// member of its street's alliance and a community meeting or two, so this is never reached
/// in practice). Every resource with alliances has exactly this many `placed_alliance`
/// tokens, padded, which keeps the alliance clause's score the same for all of them; the
/// `alliances` column keeps the same ones, so the bonus and the clause always agree.
pub const ALLIANCES_KEPT: usize = 16;

/// The alliances a resource's document keeps (see [`ALLIANCES_KEPT`]), sorted.
pub fn alliances_kept(alliances: &[i64]) -> Vec<i64> {
    let mut kept: Vec<i64> = alliances.iter().copied().filter(|a| *a >= 0).collect();
    kept.sort_unstable();
    kept.dedup();
    kept.truncate(ALLIANCES_KEPT);
    kept
}

/// A resource's alliances, filed under `part`: in the `alliances` column (the bonus) and in
/// `placed_alliance` (the query's clause), from the same list, so that the two always agree.
pub fn add_alliances(f: &Fields, d: &mut TantivyDocument, part: &str, alliances: &[i64]) {
    let kept = alliances_kept(alliances);
    for a in &kept {
        d.add_u64(f.alliances, *a as u64);
        d.add_text(
            f.placed_alliance,
            analyzer::placed_term(part, &a.to_string()),
        );
    }
    if !kept.is_empty() {
        let filler = analyzer::placed_term(part, "-");
        for _ in kept.len()..ALLIANCES_KEPT {
            d.add_text(f.placed_alliance, &filler);
        }
    }
}

/// The term of a resource's scope.
pub fn scope_term(r: &resource::Model) -> String {
    match r.scope_region_id {
        Some(id) => region_term(r.scope_level.as_str(), id),
        None => region_term("city", r.city_id),
    }
}

pub fn resource_doc(
    f: &Fields,
    r: &resource::Model,
    alliances: &[i64],
    regions: &Regions,
) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.key, Kind::Resource.key(r.id));
    d.add_u64(f.id, r.id as u64);
    d.add_text(f.kind, Kind::Resource.as_str());
    d.add_u64(f.city, r.city_id as u64);
    d.add_text(f.status, r.status.as_str());
    d.add_text(f.category, &r.category);
    d.add_text(f.topic, &r.category);
    let scope = scope_term(r);
    d.add_text(f.covers, &scope);
    let city = region_term("city", r.city_id);
    let within = match r.scope_region_id {
        Some(id) => regions.chain(id),
        None => vec![city.clone()],
    };
    let part = part_of(&within).unwrap_or(&city).to_owned();
    for t in within {
        d.add_text(f.within, t);
    }
    d.add_u64(f.organization, r.organization_id as u64);
    let tags = r.tags.join(" ");
    add_text(f, &mut d, &r.title, &tags, &r.description);
    d.add_text(f.placed_topic, analyzer::placed_term(&part, &r.category));
    d.add_text(f.placed_scope, analyzer::placed_term(&part, &scope));
    add_alliances(f, &mut d, &part, alliances);
    for_body(&r.title, &tags, &r.description, |text| {
        d.add_text(f.placed, analyzer::placed_value(&part, text));
    });
    for text in [&r.title, &tags, &r.description] {
        d.add_text(f.words, text);
    }
    d.add_i64(f.from, r.available_from.map_or(i64::MIN, day));
    d.add_i64(f.until, r.available_until.map_or(i64::MAX, day));
    d.add_i64(f.review_by, review_day(r.review_by));
    d.add_i64(f.quantity, r.quantity.map_or(0, i64::from));
    d
}

/// The last day an entry matches unless its owner confirms it. Kept apart from the window
/// (`until`): an entry due for review in a month still matches a resource that starts in two
/// months; matching asks for `review_by >= today`, so a lapsed entry leaves the matchable set
/// on its own, with no reindexing.
fn review_day(review_by: Option<NaiveDate>) -> i64 {
    review_by.map_or(i64::MAX, day)
}

/// The text fields as written (stored, for reasons and snippets).
fn add_text(f: &Fields, d: &mut TantivyDocument, title: &str, tags: &str, description: &str) {
    d.add_text(f.title, title);
    d.add_text(f.tags, tags);
    d.add_text(f.description, description);
}

/// The values of a need's `body` or a resource's `placed`: the title three times, the tags
/// twice and the description, which weights the title and tags within one field.
fn for_body(title: &str, tags: &str, description: &str, mut add: impl FnMut(&str)) {
    for text in [title, title, title, tags, tags, description] {
        add(text);
    }
}

/// The part of the city a resource's text is filed under in `placed` (see
/// [`Fields::placed`]): the district its scope lies in, given the scope's chain of regions;
/// `None` for a city-wide scope (filed under the city).
pub fn part_of(chain: &[String]) -> Option<&str> {
    chain
        .iter()
        .find(|t| t.starts_with('d'))
        .map(String::as_str)
}

/// The parts a need's matches can be filed under: its district's and its city's, from the
/// need's place and the regions above it (a need placed at the city level only has the city's).
pub fn parts_for(place_chain: &[String]) -> Vec<String> {
    place_chain
        .iter()
        .filter(|t| t.starts_with('d') || t.starts_with('c'))
        .cloned()
        .collect()
}

pub fn need_doc(f: &Fields, n: &need::Model, regions: &Regions) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.key, Kind::Need.key(n.id));
    d.add_u64(f.id, n.id as u64);
    d.add_text(f.kind, Kind::Need.as_str());
    d.add_u64(f.city, n.city_id as u64);
    d.add_text(f.status, n.status.as_str());
    d.add_text(f.category, &n.category);
    d.add_text(f.topic, &n.category);
    for term in regions.chain(n.place_region_id) {
        d.add_text(f.covers, &term);
        d.add_text(f.within, term);
    }
    d.add_u64(f.alliances, n.alliance_id as u64);
    let tags = n.tags.join(" ");
    add_text(f, &mut d, &n.title, &tags, &n.description);
    for_body(&n.title, &tags, &n.description, |text| {
        d.add_text(f.body, text)
    });
    d.add_i64(f.from, i64::MIN);
    d.add_i64(f.until, n.needed_by.map_or(i64::MAX, day));
    d.add_i64(f.review_by, review_day(n.review_by));
    d.add_i64(f.quantity, n.quantity.map_or(0, i64::from));
    d
}

/// The alliances each of these organizations belongs to.
pub async fn alliances_of(
    db: &impl ConnectionTrait,
    organization_ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Vec<i64>>> {
    let mut ids: Vec<i64> = organization_ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut map: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = alliance_member::Entity::find()
            .filter(alliance_member::Column::OrganizationId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        for m in rows {
            map.entry(m.organization_id)
                .or_default()
                .push(m.alliance_id);
        }
    }
    Ok(map)
}

/// Every alliance membership, by organization (for a rebuild: one query instead of one per
/// page).
pub async fn all_memberships(db: &impl ConnectionTrait) -> Result<HashMap<i64, Vec<i64>>> {
    let mut map: HashMap<i64, Vec<i64>> = HashMap::new();
    for m in alliance_member::Entity::find().all(db).await? {
        map.entry(m.organization_id)
            .or_default()
            .push(m.alliance_id);
    }
    Ok(map)
}

/// Live resources after `after`, in id order, whole rows (for a rebuild).
pub async fn resources_after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<resource::Model>> {
    Ok(resource::Entity::find()
        .filter(resource::Column::Id.gt(after))
        .filter(resource::Column::DeletedAt.is_null())
        .order_by_asc(resource::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Live needs after `after`, in id order, whole rows (for a rebuild).
pub async fn needs_after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<need::Model>> {
    Ok(need::Entity::find()
        .filter(need::Column::Id.gt(after))
        .filter(need::Column::DeletedAt.is_null())
        .order_by_asc(need::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// The current documents for these keys: `None` where the row is gone or deleted, so the
/// index drops it.
pub async fn current(
    db: &impl ConnectionTrait,
    f: &Fields,
    keys: &[(Kind, i64)],
) -> Result<Vec<(String, Option<TantivyDocument>)>> {
    let resource_ids: Vec<i64> = keys
        .iter()
        .filter(|k| k.0 == Kind::Resource)
        .map(|k| k.1)
        .collect();
    let need_ids: Vec<i64> = keys
        .iter()
        .filter(|k| k.0 == Kind::Need)
        .map(|k| k.1)
        .collect();
    let mut out = Vec::with_capacity(keys.len());
    let regions = Regions::load(db).await?;
    let resources = load_resources(db, &resource_ids).await?;
    let members = alliances_of(db, resources.iter().map(|r| r.organization_id)).await?;
    let mut by_id: HashMap<i64, resource::Model> =
        resources.into_iter().map(|r| (r.id, r)).collect();
    for id in resource_ids {
        let doc = by_id.remove(&id).map(|r| {
            let alliances = members
                .get(&r.organization_id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            resource_doc(f, &r, alliances, &regions)
        });
        out.push((Kind::Resource.key(id), doc));
    }
    let needs = load_needs(db, &need_ids).await?;
    let mut by_id: HashMap<i64, need::Model> = needs.into_iter().map(|n| (n.id, n)).collect();
    for id in need_ids {
        let doc = by_id.remove(&id).map(|n| need_doc(f, &n, &regions));
        out.push((Kind::Need.key(id), doc));
    }
    Ok(out)
}

async fn load_resources(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<resource::Model>> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(500) {
        rows.extend(
            resource::Entity::find()
                .filter(resource::Column::Id.is_in(chunk.iter().copied()))
                .filter(resource::Column::DeletedAt.is_null())
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}

async fn load_needs(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<need::Model>> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(500) {
        rows.extend(
            need::Entity::find()
                .filter(need::Column::Id.is_in(chunk.iter().copied()))
                .filter(need::Column::DeletedAt.is_null())
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}
