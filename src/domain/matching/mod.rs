//! Matching over the search index, with the database as the last word: every ranked id is
//! re-read and re-checked (status, deletion, scope) before it is shown, so a change the index
//! has not applied yet can never surface a withdrawn or out-of-scope result. What a
//! coordinator then sees of a need's matches is shaped here too: the nearer of two offers
//! scoring about the same first (`nearby`), and the same offer from several units once
//! (`groups`).

mod groups;
pub mod lessons;
mod nearby;

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use super::regions::TreeCache;
use super::{Actor, alliances, needs, resources};
use crate::error::{Error, Result};
use crate::search::Search;
use crate::search::documents::{Kind, day, scope_term};
use crate::search::matching::{self, MatchOptions, Probe};
use entity::{need, resource};

pub use crate::search::matching::Ranked;
pub use groups::{Matched, group_identical};
pub use lessons::{Example, Lessons};
pub use nearby::{NEAR_EQUAL, nearest_first};

/// What a match reads besides the database: the search index, and the region tree as cached.
#[derive(Clone, Copy)]
pub struct Engine<'a> {
    pub search: &'a Search,
    pub regions: &'a TreeCache,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchParams {
    /// How many matches, 1–50 (default 10).
    pub limit: Option<usize>,
    /// Only this category.
    pub category: Option<String>,
    /// Leave out matches scoring below this (0–1).
    pub min_score: Option<f64>,
}

impl MatchParams {
    pub fn options(&self) -> Result<MatchOptions> {
        let limit = self.limit.unwrap_or(10);
        let mut problems = super::validation::Problems::default();
        if !(1..=50).contains(&limit) {
            problems.add("limit", "条数须在1到50之间");
        }
        let min_score = self.min_score.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&min_score) {
            problems.add("min_score", "最低分须在0到1之间");
        }
        problems.finish()?;
        Ok(MatchOptions {
            limit,
            category: self.category.clone().filter(|c| !c.is_empty()),
            min_score,
            synonyms: true,
            category_weight: None,
        })
    }
}

/// What a need's matches take: [`MatchParams`], and whether to group the same offer. The
/// fields are repeated rather than `#[serde(flatten)]`: flattened, a query string's numbers
/// reach serde as text and `limit=5` would be refused.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NeedMatchParams {
    /// How many items, 1–50 (default 10); a group of copies of one offer counts once.
    pub limit: Option<usize>,
    /// Only this category.
    pub category: Option<String>,
    /// Leave out matches scoring below this (0–1).
    pub min_score: Option<f64>,
    /// `true` (default): the same offer from several units (same category, title and
    /// description, ignoring punctuation width, ASCII case and spacing) is one item, its
    /// best-ranked copy, with the others in `also_offered_by`. `false`: one item per resource.
    pub group: Option<bool>,
}

impl NeedMatchParams {
    pub fn options(&self) -> Result<MatchOptions> {
        MatchParams {
            limit: self.limit,
            category: self.category.clone(),
            min_score: self.min_score,
        }
        .options()
    }

    pub fn grouped(&self) -> bool {
        self.group.unwrap_or(true)
    }
}

/// A need as the engine sees it: the row and the chain of regions of its place.
pub struct NeedProbe {
    pub need: need::Model,
    pub chain: Vec<String>,
}

impl NeedProbe {
    pub async fn load(
        db: &impl ConnectionTrait,
        regions: &TreeCache,
        city_id: i64,
        need_id: i64,
    ) -> Result<Self> {
        let need = needs::get(db, city_id, need_id).await?;
        let chain = regions
            .with(db, need.place_region_id)
            .await?
            .chain(need.place_region_id);
        Ok(NeedProbe { need, chain })
    }

    /// The need's own words as learning weighs them ([`lessons`]).
    pub fn words(&self) -> Vec<(String, f32)> {
        lessons::words_of_need(&self.need)
    }

    pub fn probe(&self) -> Probe<'_> {
        let n = &self.need;
        Probe {
            kind: Kind::Need,
            id: Some(n.id),
            city_id: n.city_id,
            title: &n.title,
            tags: &self.need.tags,
            description: &n.description,
            category: &n.category,
            quantity: n.quantity,
            covers: self.chain.clone(),
            alliances: vec![n.alliance_id],
            window: (i64::MIN, n.needed_by.map_or(i64::MAX, day)),
        }
    }
}

/// Resources for a need, best first, each still available and covering the need's place;
/// of near-equal scores the nearer first ([`nearest_first`]); with `group`, the copies of one
/// offer as one item ([`group_identical`]). `opts.limit` counts items, whatever rows they
/// stand for. A group lists the copies among the rows read: the item's limit with headroom,
/// more when the re-check or the groups leave too few, [`MAX_READ`] at most. With `lessons`,
/// the rows read are lifted or lowered by what reviewers decided before ([`lessons`]).
pub async fn for_need(
    db: &impl ConnectionTrait,
    engine: Engine<'_>,
    actor: &Actor,
    need_id: i64,
    opts: &MatchOptions,
    group: bool,
    lessons: Option<&Lessons>,
) -> Result<Vec<Matched>> {
    let search = engine.search;
    let np = NeedProbe::load(db, engine.regions, actor.city_id, need_id).await?;
    let mut wider = with_headroom(opts, group);
    let lessons = lessons::prepare(&mut wider, lessons);
    let need_words = lessons.map(|_| np.words()).unwrap_or_default();
    // A need nothing learned bears on is matched as without lessons (its rows are not cut
    // into words for nothing).
    let known = lessons
        .map(|l| l.for_need(&need_words))
        .filter(|k| !k.is_empty());
    loop {
        let (terms, ranked) = search
            .query(|| matching::rank(search, &np.probe(), &wider))
            .await?;
        // Fewer than asked for: the index has no more (at or above `min_score`).
        let complete = ranked.len() < wider.limit || wider.limit >= MAX_READ;
        let least_read = ranked.last().map_or(0.0, |r| r.score);
        let mut kept = keep_matchable_resources(db, &np.chain, ranked).await?;
        if let Some(known) = &known {
            for (row, r) in &mut kept {
                let words = Example::resource_words(&row.title, &row.tags);
                lessons::adjust(r, known.lift(row.id, &words));
            }
        }
        let kept = nearest_first(&np.chain, kept);
        let mut shown: Vec<Matched> = if group {
            group_identical(kept)
        } else {
            kept.into_iter()
                .map(|(row, r)| Matched::alone(row, r))
                .collect()
        };
        shown.truncate(opts.limit);
        // Enough, and no row left unread that could share a band of near-equal scores
        // with one shown (and so, nearer, come before it).
        let least_shown = shown.iter().map(|m| m.ranked.score).reduce(f64::min);
        let settled =
            shown.len() == opts.limit && least_shown.is_some_and(|s| least_read <= s - NEAR_EQUAL);
        if complete || settled {
            for m in &mut shown {
                let row = &m.resource;
                matching::explain(
                    &mut m.ranked,
                    &terms,
                    &row.title,
                    &row.tags,
                    &row.description,
                );
            }
            return Ok(shown);
        }
        wider.limit = (wider.limit * 2).min(MAX_READ);
    }
}

/// The most ranked rows a need's matches read to fill a page (5× the largest page).
const MAX_READ: usize = 250;

/// Asks the index for a few more than will be shown, so that results the database re-check
/// drops (changed since they were indexed) do not leave the answer short; grouped, three rows
/// an item, room for offers copied by three units throughout.
fn with_headroom(opts: &MatchOptions, grouped: bool) -> MatchOptions {
    MatchOptions {
        limit: if grouped { opts.limit * 3 } else { opts.limit } + 10,
        category: opts.category.clone(),
        ..*opts
    }
}

/// The ranked resources that the database still says are available and cover the place.
pub async fn keep_matchable_resources(
    db: &impl ConnectionTrait,
    chain: &[String],
    ranked: Vec<Ranked>,
) -> Result<Vec<(resource::Model, Ranked)>> {
    let ids: Vec<i64> = ranked.iter().map(|r| r.id).collect();
    let mut rows: HashMap<i64, resource::Model> = resource::Entity::find()
        .filter(resource::Column::Id.is_in(ids))
        .filter(resource::Column::DeletedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    Ok(ranked
        .into_iter()
        .filter_map(|r| rows.remove(&r.id).map(|row| (row, r)))
        .filter(|(row, _)| {
            row.status == resources::Status::Available
                && chain.contains(&scope_term(row))
                && still_confirmed(row.review_by)
        })
        .collect())
}

/// Not past its review-by date (an entry nobody confirmed is no longer matched).
pub fn still_confirmed(review_by: Option<chrono::NaiveDate>) -> bool {
    review_by.is_none_or(|d| d >= crate::time::today())
}

/// Open needs a resource of `city_id` fits, best first (also used by the match announcer,
/// which acts for no user).
pub async fn for_resource(
    db: &impl ConnectionTrait,
    engine: Engine<'_>,
    city_id: i64,
    resource_id: i64,
    opts: &MatchOptions,
    lessons: Option<&Lessons>,
) -> Result<Vec<(need::Model, Ranked)>> {
    let search = engine.search;
    let r = resources::get(db, city_id, resource_id).await?;
    let scope = scope_term(&r);
    // As the index keeps a resource's alliances, so that the bonus is the same both ways.
    let org_alliances = crate::search::documents::alliances_kept(
        &alliances::organization_alliance_ids(db, r.organization_id).await?,
    );
    let probe = Probe {
        kind: Kind::Resource,
        id: Some(r.id),
        city_id: r.city_id,
        title: &r.title,
        tags: &r.tags,
        description: &r.description,
        category: &r.category,
        quantity: r.quantity,
        covers: vec![scope.clone()],
        alliances: org_alliances,
        window: (
            r.available_from.map_or(i64::MIN, day),
            r.available_until.map_or(i64::MAX, day),
        ),
    };
    if r.status != resources::Status::Available || probe.window.1 < day(crate::time::today()) {
        return Ok(Vec::new());
    }
    let mut wider = with_headroom(opts, false);
    let lessons = lessons::prepare(&mut wider, lessons);
    let (terms, ranked) = search
        .query(|| matching::rank(search, &probe, &wider))
        .await?;
    let ids: Vec<i64> = ranked.iter().map(|r| r.id).collect();
    let mut rows: HashMap<i64, need::Model> = need::Entity::find()
        .filter(need::Column::Id.is_in(ids))
        .filter(need::Column::DeletedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    // The cached tree reloads when it lacks a place (regions are only ever added).
    let mut regions = engine.regions.with(db, r.city_id).await?;
    for place in rows.values().map(|n| n.place_region_id) {
        if !regions.contains(place) {
            regions = engine.regions.with(db, place).await?;
        }
    }
    let mut kept: Vec<(need::Model, Ranked)> = ranked
        .into_iter()
        .filter_map(|m| rows.remove(&m.id).map(|row| (row, m)))
        .filter(|(row, _)| {
            row.status == needs::Status::Open
                && regions.chain(row.place_region_id).contains(&scope)
                && still_confirmed(row.review_by)
        })
        .collect();
    if let Some(l) = lessons {
        // The resource is looked up once; when nothing learned bears on it, the needs are not
        // cut into words for nothing.
        let known = l.for_resource(r.id, &Example::resource_words(&r.title, &r.tags));
        if !known.is_empty() {
            for (row, m) in &mut kept {
                let need = lessons::words_of_need(row);
                lessons::adjust(m, l.for_need(&need).lift_of(&known));
            }
        }
        kept.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(a.0.id.cmp(&b.0.id)));
    }
    Ok(kept
        .into_iter()
        .take(opts.limit)
        .map(|(row, mut m)| {
            matching::explain(&mut m, &terms, &row.title, &row.tags, &row.description);
            (row, m)
        })
        .collect())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to look for (1–100 characters).
    pub q: Option<String>,
    /// `resource` (default) or `need`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    pub district_id: Option<i64>,
    pub street_id: Option<i64>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

pub struct Found {
    pub kind: Kind,
    pub total: usize,
    pub page: u64,
    pub per_page: u64,
    pub hits: Vec<crate::search::matching::Hit>,
}

pub async fn search(
    db: &impl ConnectionTrait,
    engine: Engine<'_>,
    actor: &Actor,
    p: &SearchParams,
) -> Result<Found> {
    let mut problems = super::validation::Problems::default();
    let q = p.q.as_deref().map(str::trim).unwrap_or("");
    let n = q.chars().count();
    if n == 0 || n > 100 {
        problems.add("q", "搜索词须为1至100个字");
    }
    let kind = Kind::parse(p.kind.as_deref().unwrap_or("resource")).unwrap_or_else(|| {
        problems.add("type", "类型只能是 resource 或 need");
        Kind::Resource
    });
    let (page, per_page) = match (super::PageParams {
        page: p.page,
        per_page: p.per_page,
    })
    .resolve()
    {
        Ok(v) => v,
        Err(Error::Validation(errors)) => {
            for e in errors {
                problems.add(&e.field, e.message);
            }
            (1, 20)
        }
        Err(e) => return Err(e),
    };
    // Relevance ranking past the first thousand hits helps nobody, and a deep offset makes
    // the collector reserve memory for every skipped hit.
    if page.saturating_mul(per_page) > 1000 {
        problems.add("page", "搜索结果最多翻到第1000条，请缩小范围");
    }
    let within = match (p.street_id, p.district_id) {
        (Some(s), _) => Some(("street_id", s, "street")),
        (None, Some(d)) => Some(("district_id", d, "district")),
        _ => None,
    };
    let within = match within {
        Some((field, id, level)) => {
            match super::regions::get_level(
                db,
                actor.city_id,
                id,
                super::regions::Level::parse(level).expect("known"),
            )
            .await
            {
                Ok(_) => Some(crate::search::documents::region_term(level, id)),
                Err(Error::NotFound(_)) => {
                    problems.add(field, "区域不存在");
                    None
                }
                Err(e) => return Err(e),
            }
        }
        None => None,
    };
    problems.finish()?;
    let query = crate::search::matching::SearchQuery {
        city_id: actor.city_id,
        q,
        kind,
        category: p.category.as_deref().filter(|c| !c.is_empty()),
        status: p.status.as_deref().filter(|s| !s.is_empty()),
        within,
        offset: ((page - 1) * per_page) as usize,
        limit: per_page as usize,
    };
    let regions = engine.regions.with(db, actor.city_id).await?;
    let search = engine.search;
    let (total, hits) = search
        .query_long(|| crate::search::matching::search_text(search, &query, &regions))
        .await?;
    Ok(Found {
        kind,
        total,
        page,
        per_page,
        hits,
    })
}
