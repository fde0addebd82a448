//! Statistics of a city, a district or a street: one row per region a level down (plus the
//! region's own level, for what is placed or offered there directly), with the three lists by
//! status, the match rate, days from a need posted to its project approved, beneficiaries and
//! ratings; and per organization, what it offered and gave and how it was rated.
//!
//! Counts are grouped in SQL; projects, fewer by far, are read row by row for the medians.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::validation::{Period, in_period, period};
use super::{Actor, lookup, regions};
use crate::error::{Error, Result};
use entity::values::{Level, ProjectStatus};
use entity::{need, organization, project, region, resource};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsFilter {
    /// Rows are this district's streets.
    pub district_id: Option<i64>,
    /// Rows are this street's communities (the district is then implied).
    pub street_id: Option<i64>,
    /// Count what was posted from this day (Asia/Shanghai), inclusive.
    pub from: Option<NaiveDate>,
    /// … up to this day, inclusive.
    pub to: Option<NaiveDate>,
    /// `csv` for a spreadsheet (UTF-8 with BOM, Chinese headers).
    pub format: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionStats {
    pub region_id: i64,
    pub region_name: String,
    /// community, street, district or city; `own` rows are the region's own level.
    pub level: Level,
    /// True for the row of what sits at the scope region itself (本级).
    pub own: bool,
    /// Resources by status (available, reserved, exhausted, withdrawn).
    pub resources: BTreeMap<String, u64>,
    /// Needs by status (open, matched, fulfilled, closed).
    pub needs: BTreeMap<String, u64>,
    /// Projects by status.
    pub projects: BTreeMap<String, u64>,
    /// Share of the needs not closed that are matched or fulfilled.
    pub match_rate: Option<f64>,
    /// Median days from a need posted to its project approved.
    pub median_days_to_approval: Option<f64>,
    /// People served by completed projects.
    pub beneficiaries: i64,
    pub average_rating: Option<f64>,
    pub ratings: u64,
}

impl RegionStats {
    /// A region's row before anything is counted in it.
    fn empty(r: &region::Model, own: bool) -> Self {
        RegionStats {
            region_id: r.id,
            region_name: r.name.clone(),
            level: r.level,
            own,
            resources: BTreeMap::new(),
            needs: BTreeMap::new(),
            projects: BTreeMap::new(),
            match_rate: None,
            median_days_to_approval: None,
            beneficiaries: 0,
            average_rating: None,
            ratings: 0,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Stats {
    pub region_id: i64,
    pub region_name: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub rows: Vec<RegionStats>,
    pub total: RegionStats,
}

/// Region look-ups for one city: which row a place or scope falls in.
struct Tree {
    regions: HashMap<i64, region::Model>,
}

impl Tree {
    async fn load(db: &impl ConnectionTrait, city_id: i64) -> Result<Self> {
        let rows = region::Entity::find().all(db).await?;
        Ok(Tree {
            regions: rows
                .into_iter()
                .filter(|r| regions::city_of(r) == city_id)
                .map(|r| (r.id, r))
                .collect(),
        })
    }

    /// The child of `scope` that `id` lies in, `Some(scope)` for `scope` itself, `None` outside.
    fn row_of(&self, scope: i64, id: i64) -> Option<i64> {
        let mut at = id;
        loop {
            if at == scope {
                return Some(scope);
            }
            let parent = self.regions.get(&at)?.parent_id?;
            if parent == scope {
                return Some(at);
            }
            at = parent;
        }
    }
}

pub async fn compute(db: &impl ConnectionTrait, actor: &Actor, f: &StatsFilter) -> Result<Stats> {
    let tree = Tree::load(db, actor.city_id).await?;
    let scope = match (f.street_id, f.district_id) {
        (Some(id), _) => pick(&tree, id, Level::Street, "street_id", "街道")?,
        (None, Some(id)) => pick(&tree, id, Level::District, "district_id", "区县")?,
        (None, None) => tree
            .regions
            .values()
            .find(|r| r.level == Level::City)
            .cloned()
            .ok_or_else(|| Error::not_found("城市"))?,
    };
    if let Some(d) = f.district_id
        && f.street_id.is_some()
        && scope.parent_id != Some(d)
    {
        return Err(Error::field("street_id", "该街道不属于所选区县"));
    }
    let period = period(f.from, f.to)?;
    let mut rows: BTreeMap<i64, RegionStats> = BTreeMap::new();
    let row = |rows: &mut BTreeMap<i64, RegionStats>, id: i64| -> Option<i64> {
        let at = tree.row_of(scope.id, id)?;
        rows.entry(at).or_insert_with(|| {
            let r = &tree.regions[&at];
            RegionStats::empty(r, at == scope.id)
        });
        Some(at)
    };
    // Every child shows, even with nothing in it, and so does the region's own level.
    let mut children: Vec<i64> = tree
        .regions
        .values()
        .filter(|r| r.parent_id == Some(scope.id))
        .map(|r| r.id)
        .collect();
    children.sort_unstable();
    for c in children.into_iter().chain([scope.id]) {
        row(&mut rows, c);
    }

    let mut q = resource::Entity::find()
        .select_only()
        .column(resource::Column::ScopeRegionId)
        .column(resource::Column::Status)
        .column_as(resource::Column::Id.count(), "n")
        .filter(resource::Column::CityId.eq(actor.city_id))
        .filter(resource::Column::DeletedAt.is_null())
        .group_by(resource::Column::ScopeRegionId)
        .group_by(resource::Column::Status);
    q = in_period(q, resource::Column::CreatedAt, period);
    let counts: Vec<(Option<i64>, String, i64)> = q.into_tuple().all(db).await?;
    for (region_id, status, n) in counts {
        // A city-wide resource sits at the city itself.
        if let Some(at) = row(&mut rows, region_id.unwrap_or(actor.city_id)) {
            *rows
                .get_mut(&at)
                .expect("made")
                .resources
                .entry(status)
                .or_default() += n as u64;
        }
    }

    let mut q = need::Entity::find()
        .select_only()
        .column(need::Column::PlaceRegionId)
        .column(need::Column::Status)
        .column_as(need::Column::Id.count(), "n")
        .filter(need::Column::CityId.eq(actor.city_id))
        .filter(need::Column::DeletedAt.is_null())
        .group_by(need::Column::PlaceRegionId)
        .group_by(need::Column::Status);
    q = in_period(q, need::Column::CreatedAt, period);
    let counts: Vec<(i64, String, i64)> = q.into_tuple().all(db).await?;
    for (place, status, n) in counts {
        if let Some(at) = row(&mut rows, place) {
            *rows
                .get_mut(&at)
                .expect("made")
                .needs
                .entry(status)
                .or_default() += n as u64;
        }
    }

    let projects = projects_in(db, actor.city_id, period).await?;
    let mut days: HashMap<i64, Vec<f64>> = HashMap::new();
    let mut rated: HashMap<i64, Vec<i32>> = HashMap::new();
    for p in &projects {
        let Some(at) = row(&mut rows, p.place) else {
            continue;
        };
        let r = rows.get_mut(&at).expect("made");
        *r.projects.entry(p.status.as_str().to_owned()).or_default() += 1;
        if p.status == ProjectStatus::Completed {
            r.beneficiaries += i64::from(p.beneficiaries.unwrap_or(0));
        }
        if let Some(d) = p.days_to_approval {
            days.entry(at).or_default().push(d);
        }
        if let Some(x) = p.rating {
            rated.entry(at).or_default().push(x);
        }
    }
    let mut total = RegionStats::empty(&scope, false);
    for (at, r) in rows.iter_mut() {
        finish(r, days.get(at), rated.get(at));
        for (k, v) in &r.resources {
            *total.resources.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &r.needs {
            *total.needs.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &r.projects {
            *total.projects.entry(k.clone()).or_default() += v;
        }
        total.beneficiaries += r.beneficiaries;
    }
    let all_days: Vec<f64> = days.values().flatten().copied().collect();
    let all_rated: Vec<i32> = rated.values().flatten().copied().collect();
    finish(&mut total, Some(&all_days), Some(&all_rated));
    // Children by name order of their codes (ids follow creation), own level last.
    let mut rows: Vec<RegionStats> = rows.into_values().collect();
    rows.sort_by_key(|r| (r.own, tree.regions[&r.region_id].code.clone()));
    Ok(Stats {
        region_id: scope.id,
        region_name: scope.name,
        from: f.from,
        to: f.to,
        rows,
        total,
    })
}

fn pick(tree: &Tree, id: i64, level: Level, field: &str, label: &str) -> Result<region::Model> {
    match tree.regions.get(&id) {
        Some(r) if r.level == level => Ok(r.clone()),
        _ => Err(Error::field(field, format!("{label}不存在"))),
    }
}

/// Fills the rates of a row from its counts and samples.
fn finish(r: &mut RegionStats, days: Option<&Vec<f64>>, ratings: Option<&Vec<i32>>) {
    let live: u64 = r
        .needs
        .iter()
        .filter(|(k, _)| k.as_str() != "closed")
        .map(|(_, v)| v)
        .sum();
    let met = r.needs.get("matched").copied().unwrap_or(0)
        + r.needs.get("fulfilled").copied().unwrap_or(0);
    r.match_rate = (live > 0).then(|| round(met as f64 / live as f64, 3));
    r.median_days_to_approval = days.and_then(|d| median(d)).map(|m| round(m, 1));
    if let Some(x) = ratings {
        (r.ratings, r.average_rating) = rating_summary(x);
    }
}

/// How many ratings and their mean (to 0.01), `None` without any.
fn rating_summary(ratings: &[i32]) -> (u64, Option<f64>) {
    let mean = (!ratings.is_empty()).then(|| {
        let sum: f64 = ratings.iter().map(|v| f64::from(*v)).sum();
        round(sum / ratings.len() as f64, 2)
    });
    (ratings.len() as u64, mean)
}

fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

fn round(x: f64, digits: i32) -> f64 {
    let k = 10f64.powi(digits);
    (x * k).round() / k
}

/// A project with what the statistics need of it and of its need.
struct ProjectFacts {
    id: i64,
    status: ProjectStatus,
    place: i64,
    beneficiaries: Option<i32>,
    days_to_approval: Option<f64>,
    rating: Option<i32>,
}

async fn projects_in(
    db: &impl ConnectionTrait,
    city_id: i64,
    period: Period,
) -> Result<Vec<ProjectFacts>> {
    let mut q = project::Entity::find().filter(project::Column::CityId.eq(city_id));
    q = in_period(q, project::Column::CreatedAt, period);
    let rows = q.all(db).await?;
    let needs = lookup::needs(db, rows.iter().map(|p| p.need_id)).await?;
    let ratings = lookup::ratings(db, rows.iter().map(|p| p.id)).await?;
    Ok(rows
        .into_iter()
        .filter_map(|p| {
            let n = needs.get(&p.need_id)?;
            Some(ProjectFacts {
                id: p.id,
                days_to_approval: p
                    .approved_at
                    .map(|a| (a - n.created_at).num_seconds() as f64 / 86_400.0),
                rating: ratings.get(&p.id).copied(),
                place: n.place_region_id,
                status: p.status,
                beneficiaries: p.beneficiaries,
            })
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganizationStats {
    pub organization_id: i64,
    pub name: String,
    /// Resources it posted (in the period).
    pub resources: u64,
    /// Approved, started or completed projects using one of its resources.
    pub projects: u64,
    pub completed: u64,
    /// People served by its completed projects (a project with several units counts for each).
    pub beneficiaries: i64,
    pub average_rating: Option<f64>,
    pub ratings: u64,
}

/// Per member unit of the city, by id.
pub async fn organizations(
    db: &impl ConnectionTrait,
    actor: &Actor,
    f: &StatsFilter,
) -> Result<Vec<OrganizationStats>> {
    let period = period(f.from, f.to)?;
    let orgs = organization::Entity::find()
        .filter(organization::Column::CityId.eq(actor.city_id))
        .all(db)
        .await?;
    let mut out: BTreeMap<i64, OrganizationStats> = orgs
        .into_iter()
        .map(|o| {
            (
                o.id,
                OrganizationStats {
                    organization_id: o.id,
                    name: o.name,
                    resources: 0,
                    projects: 0,
                    completed: 0,
                    beneficiaries: 0,
                    average_rating: None,
                    ratings: 0,
                },
            )
        })
        .collect();
    let mut q = resource::Entity::find()
        .select_only()
        .column(resource::Column::OrganizationId)
        .column_as(resource::Column::Id.count(), "n")
        .filter(resource::Column::CityId.eq(actor.city_id))
        .filter(resource::Column::DeletedAt.is_null())
        .group_by(resource::Column::OrganizationId);
    q = in_period(q, resource::Column::CreatedAt, period);
    let counts: Vec<(i64, i64)> = q.into_tuple().all(db).await?;
    for (org, n) in counts {
        if let Some(o) = out.get_mut(&org) {
            o.resources = n as u64;
        }
    }
    let projects: Vec<ProjectFacts> = projects_in(db, actor.city_id, period)
        .await?
        .into_iter()
        .filter(|p| {
            matches!(
                p.status,
                ProjectStatus::Approved | ProjectStatus::InProgress | ProjectStatus::Completed
            )
        })
        .collect();
    let ids: Vec<i64> = projects.iter().map(|p| p.id).collect();
    let links = super::projects::links(db, &ids).await?;
    let owners = lookup::resources(db, links.iter().map(|l| l.resource_id)).await?;
    let mut units: HashMap<i64, Vec<i64>> = HashMap::new();
    for l in links {
        if let Some(r) = owners.get(&l.resource_id) {
            let list = units.entry(l.project_id).or_default();
            if !list.contains(&r.organization_id) {
                list.push(r.organization_id);
            }
        }
    }
    let mut rated: HashMap<i64, Vec<i32>> = HashMap::new();
    for p in &projects {
        for org in units.get(&p.id).into_iter().flatten() {
            let Some(o) = out.get_mut(org) else { continue };
            o.projects += 1;
            if p.status == ProjectStatus::Completed {
                o.completed += 1;
                o.beneficiaries += i64::from(p.beneficiaries.unwrap_or(0));
            }
            if let Some(x) = p.rating {
                rated.entry(*org).or_default().push(x);
            }
        }
    }
    for (org, x) in rated {
        if let Some(o) = out.get_mut(&org) {
            (o.ratings, o.average_rating) = rating_summary(&x);
        }
    }
    Ok(out.into_values().collect())
}
