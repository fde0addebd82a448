//! An alliance's match plan (联盟匹配方案): its open needs assigned to available resources so
//! that the total score is greatest within every need's and resource's quantity. Computing a
//! plan writes nothing; a coordinator accepts all or part of it, which proposes the projects.
//!
//! A need counts by how much of it is covered: a pair's score is earned in proportion to the
//! units it gives (`score × units / demand`), so a need met in full earns its score once, and
//! one large need cannot outweigh many small ones by size alone.

pub mod flow;

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::matching::Engine;
use super::matching::{NeedProbe, still_confirmed};
use super::projects::{self, NewProject};
use super::validation::Problems;
use super::{Actor, Role, alliances, lookup, needs, resources};
use crate::error::{Error, Result};
use crate::search::documents::scope_term;
use crate::search::matching::{self, MatchOptions};
use entity::{need, project, resource};
use flow::{Edge, Take};

/// Units of gain per unit of score: scores are kept to 1e-4, so this loses nothing.
const GAIN_SCALE: f64 = 1_000_000.0;

/// Most resources one project may take (as `POST /projects`).
const MAX_RESOURCES: usize = 10;

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// Pairs scoring below this are left out (0–1, default 0.4: about a same-category
    /// resource that shares some words with the need).
    #[validate(range(min = 0.0, max = 1.0, message = "最低分须在0到1之间"))]
    pub min_score: Option<f64>,
    /// Resources considered per need, 1–50 (default 20).
    #[validate(range(min = 1, max = 50, message = "候选数须在1到50之间"))]
    pub candidates: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Plan {
    pub alliance_id: i64,
    pub needs_considered: usize,
    pub resources_considered: usize,
    /// Σ score × covered share over the proposals: what the plan maximises.
    pub total_score: f64,
    /// The same for the plan a greedy pass (best pair first) would give, for comparison.
    pub greedy_total_score: f64,
    pub proposals: Vec<PlannedProject>,
    /// Open needs the plan leaves without a resource, and why.
    pub uncovered: Vec<Uncovered>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlannedProject {
    pub need_id: i64,
    pub need_title: String,
    /// The title the project gets when accepted.
    pub title: String,
    /// The need's quantity (1 when it has none) and how much of it the plan covers.
    pub demand: i32,
    pub covered: i32,
    /// This need's share of `total_score`.
    pub score: f64,
    /// Set when the need is only partly covered.
    pub note: Option<String>,
    pub resources: Vec<PlannedResource>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlannedResource {
    pub id: i64,
    pub title: String,
    pub organization_id: i64,
    pub organization_name: String,
    /// Units taken; `None` for a resource that is not counted.
    pub quantity: Option<i32>,
    /// The engine's score for this pair.
    pub score: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Uncovered {
    pub need_id: i64,
    pub need_title: String,
    pub reason: String,
}

/// The needs the plan covers: the alliance's open ones without a proposal awaiting review,
/// oldest first.
async fn open_needs(db: &impl ConnectionTrait, alliance_id: i64) -> Result<Vec<need::Model>> {
    let waiting = awaiting_review(db, alliance_id).await?;
    Ok(need::Entity::find()
        .filter(need::Column::AllianceId.eq(alliance_id))
        .filter(need::Column::Status.eq(needs::Status::Open))
        .filter(need::Column::DeletedAt.is_null())
        .order_by_asc(need::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|n| !waiting.contains(&n.id) && still_confirmed(n.review_by))
        .collect())
}

/// Needs of the alliance with a proposed project (拟对接) not yet reviewed.
async fn awaiting_review(db: &impl ConnectionTrait, alliance_id: i64) -> Result<HashSet<i64>> {
    let ids: Vec<i64> = project::Entity::find()
        .select_only()
        .column(project::Column::NeedId)
        .filter(project::Column::AllianceId.eq(alliance_id))
        .filter(project::Column::Status.eq(projects::Status::Proposed))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Who may see or accept an alliance's plan: its coordinators, reviewers and admins.
fn require_planner(actor: &Actor, alliance_id: i64) -> Result<()> {
    if actor.coordinates(alliance_id) || actor.role == Role::Reviewer {
        Ok(())
    } else {
        Err(Error::forbidden(
            "只有该联盟的协调员、审核人或管理员可以查看匹配方案",
        ))
    }
}

/// The scored pairs of every open need, re-checked against the database as a match list is.
struct Candidates {
    needs: Vec<need::Model>,
    resources: Vec<resource::Model>,
    /// (need index, resource index, score)
    pairs: Vec<(usize, usize, f64)>,
}

async fn candidates(
    db: &impl ConnectionTrait,
    engine: Engine<'_>,
    needs: Vec<need::Model>,
    opts: &MatchOptions,
) -> Result<Candidates> {
    let search = engine.search;
    let mut probes = Vec::with_capacity(needs.len());
    let mut regions = match needs.first() {
        Some(n) => Some(engine.regions.with(db, n.place_region_id).await?),
        None => None,
    };
    for n in needs {
        let mut tree = regions.take().expect("loaded above");
        if !tree.contains(n.place_region_id) {
            tree = engine.regions.with(db, n.place_region_id).await?;
        }
        probes.push(NeedProbe {
            chain: tree.chain(n.place_region_id),
            need: n,
        });
        regions = Some(tree);
    }
    let ranked = search
        .query_long(|| {
            probes
                .iter()
                .map(|p| matching::rank(search, &p.probe(), opts).map(|(_, r)| r))
                .collect::<Result<Vec<_>>>()
        })
        .await?;
    let mut ids: Vec<i64> = ranked.iter().flatten().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut rows: BTreeMap<i64, resource::Model> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let found = resource::Entity::find()
            .filter(resource::Column::Id.is_in(chunk.iter().copied()))
            .filter(resource::Column::DeletedAt.is_null())
            .filter(resource::Column::Status.eq(resources::Status::Available))
            .all(db)
            .await?;
        rows.extend(found.into_iter().map(|r| (r.id, r)));
    }
    let index: HashMap<i64, usize> = rows.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut pairs = Vec::new();
    for (ni, (probe, ranked)) in probes.iter().zip(&ranked).enumerate() {
        for r in ranked {
            if let Some(row) = rows.get(&r.id)
                && probe.chain.contains(&scope_term(row))
                && still_confirmed(row.review_by)
                && row.quantity.is_none_or(|q| q > row.reserved)
            {
                pairs.push((ni, index[&r.id], r.score));
            }
        }
    }
    Ok(Candidates {
        needs: probes.into_iter().map(|p| p.need).collect(),
        resources: rows.into_values().collect(),
        pairs,
    })
}

/// Computes the plan for an alliance. Nothing is written.
pub async fn compute(
    db: &impl ConnectionTrait,
    engine: Engine<'_>,
    actor: &Actor,
    alliance_id: i64,
    input: PlanRequest,
) -> Result<Plan> {
    alliances::get(db, actor.city_id, alliance_id).await?;
    require_planner(actor, alliance_id)?;
    Problems::of(&input).finish()?;
    let opts = MatchOptions {
        limit: input.candidates.unwrap_or(20),
        category: None,
        min_score: input.min_score.unwrap_or(0.4),
        synonyms: true,
        category_weight: None,
    };
    let c = candidates(db, engine, open_needs(db, alliance_id).await?, &opts).await?;
    let demand: Vec<i64> = c
        .needs
        .iter()
        .map(|n| i64::from(n.quantity.unwrap_or(1)))
        .collect();
    // A resource that is not counted can serve every need at once.
    let unbounded: i64 = demand.iter().sum();
    let capacity: Vec<i64> = c
        .resources
        .iter()
        .map(|r| r.quantity.map_or(unbounded, |q| i64::from(q - r.reserved)))
        .collect();
    let edges: Vec<Edge> = c
        .pairs
        .iter()
        .map(|&(need, resource, score)| Edge {
            need,
            resource,
            gain: ((score * GAIN_SCALE / demand[need] as f64).round() as i64).max(1),
        })
        .collect();
    let (best, greedy) = tokio::task::block_in_place(|| {
        (
            within_project_size(&demand, &capacity, edges.clone()),
            flow::greedy(&demand, &capacity, &edges),
        )
    });
    let orgs =
        lookup::organization_names(db, c.resources.iter().map(|r| r.organization_id)).await?;
    Ok(assemble(alliance_id, &c, &demand, &orgs, &best, &greedy))
}

/// The optimal plan in which no need takes more resources than one project may hold: while
/// some need is spread over more, its weakest pairs beyond the limit are dropped and the flow
/// runs again (rare: it takes a need larger than ten of its candidates together).
fn within_project_size(demand: &[i64], capacity: &[i64], mut edges: Vec<Edge>) -> Vec<Take> {
    loop {
        let takes = flow::optimal(demand, capacity, &edges);
        let mut used: HashMap<usize, Vec<&Take>> = HashMap::new();
        for t in &takes {
            used.entry(t.need).or_default().push(t);
        }
        let mut drop: HashSet<(usize, usize)> = HashSet::new();
        for (need, list) in used.iter().filter(|(_, l)| l.len() > MAX_RESOURCES) {
            let mut pairs: Vec<&Edge> = edges
                .iter()
                .filter(|e| e.need == *need && list.iter().any(|t| t.resource == e.resource))
                .collect();
            pairs.sort_by_key(|e| (std::cmp::Reverse(e.gain), e.resource));
            drop.extend(pairs[MAX_RESOURCES..].iter().map(|e| (e.need, e.resource)));
        }
        if drop.is_empty() {
            return takes;
        }
        edges.retain(|e| !drop.contains(&(e.need, e.resource)));
    }
}

/// Turns the flow's takes into proposals (resources best first) and reasons for the rest.
fn assemble(
    alliance_id: i64,
    c: &Candidates,
    demand: &[i64],
    orgs: &HashMap<i64, String>,
    best: &[Take],
    greedy: &[Take],
) -> Plan {
    let score_of: HashMap<(usize, usize), f64> =
        c.pairs.iter().map(|&(n, r, s)| ((n, r), s)).collect();
    // What takes earn: each pair's score in proportion to the share of its need it covers.
    let worth = |takes: &mut dyn Iterator<Item = &Take>| -> f64 {
        takes
            .map(|t| score_of[&(t.need, t.resource)] * t.units as f64 / demand[t.need] as f64)
            .sum()
    };
    let mut by_need: BTreeMap<usize, Vec<&Take>> = BTreeMap::new();
    for t in best {
        by_need.entry(t.need).or_default().push(t);
    }
    let mut proposals = Vec::new();
    let mut uncovered = Vec::new();
    for (ni, n) in c.needs.iter().enumerate() {
        let Some(takes) = by_need.get_mut(&ni) else {
            let tried: Vec<&str> = c
                .pairs
                .iter()
                .filter(|p| p.0 == ni)
                .take(3)
                .map(|p| c.resources[p.1].title.as_str())
                .collect();
            let reason = if tried.is_empty() {
                "没有在服务范围内、可对接且得分达到最低分的资源".to_owned()
            } else {
                format!(
                    "候选资源（「{}」等）已分给得分更高的需求，或剩余数量不足",
                    tried.join("」「")
                )
            };
            uncovered.push(Uncovered {
                need_id: n.id,
                need_title: n.title.clone(),
                reason,
            });
            continue;
        };
        takes.sort_by(|a, b| {
            score_of[&(b.need, b.resource)]
                .total_cmp(&score_of[&(a.need, a.resource)])
                .then(c.resources[a.resource].id.cmp(&c.resources[b.resource].id))
        });
        let covered: i64 = takes.iter().map(|t| t.units).sum();
        let score = worth(&mut takes.iter().copied());
        proposals.push(PlannedProject {
            need_id: n.id,
            need_title: n.title.clone(),
            title: project_title(&n.title),
            demand: demand[ni] as i32,
            covered: covered as i32,
            score: round(score),
            note: (covered < demand[ni])
                .then(|| format!("数量不足：可满足 {covered}，需要 {}", demand[ni])),
            resources: takes
                .iter()
                .map(|t| {
                    let r = &c.resources[t.resource];
                    PlannedResource {
                        id: r.id,
                        title: r.title.clone(),
                        organization_id: r.organization_id,
                        organization_name: orgs
                            .get(&r.organization_id)
                            .cloned()
                            .unwrap_or_default(),
                        quantity: r.quantity.map(|_| t.units as i32),
                        score: score_of[&(t.need, t.resource)],
                    }
                })
                .collect(),
        });
    }
    Plan {
        alliance_id,
        needs_considered: c.needs.len(),
        resources_considered: c.resources.len(),
        total_score: round(worth(&mut best.iter())),
        greedy_total_score: round(worth(&mut greedy.iter())),
        proposals,
        uncovered,
    }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn project_title(need_title: &str) -> String {
    format!("{need_title}对接项目").chars().take(60).collect()
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The plan's proposals to keep (all or some, 1–1000), as the plan gave them.
    pub items: Vec<AcceptItem>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptItem {
    pub need_id: i64,
    pub resources: Vec<AcceptResource>,
    /// Defaults to 「<need>对接项目」.
    pub title: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptResource {
    pub id: i64,
    /// Units for a counted resource; leave out for one that is not counted.
    pub quantity: Option<i32>,
}

/// Proposes one project per accepted item, all or none: every item is checked as
/// `POST /projects` checks a proposal, and a problem in any item (named `items[i].field`)
/// leaves nothing written. The caller commits the transaction.
pub async fn accept(
    db: &impl ConnectionTrait,
    actor: &Actor,
    alliance_id: i64,
    input: AcceptRequest,
) -> Result<Vec<project::Model>> {
    alliances::get(db, actor.city_id, alliance_id).await?;
    if !actor.coordinates(alliance_id) {
        return Err(Error::forbidden(
            "只有该联盟的协调员或管理员可以采纳匹配方案",
        ));
    }
    let mut problems = Problems::default();
    if !(1..=1000).contains(&input.items.len()) {
        problems.add("items", "请选择1至1000个项目");
    }
    // Every need, then every resource, locked up front in id order (on PostgreSQL), as
    // `propose` and project moves lock them: two accepts, or an accept and an approval,
    // touching the same rows queue instead of deadlocking. With the needs locked, the check
    // for proposals awaiting review sees any that a concurrent request made.
    let mut need_ids: Vec<i64> = input.items.iter().map(|i| i.need_id).collect();
    need_ids.sort_unstable();
    need_ids.dedup();
    for chunk in need_ids.chunks(500) {
        need::Entity::find()
            .filter(need::Column::Id.is_in(chunk.iter().copied()))
            .order_by_asc(need::Column::Id)
            .lock_exclusive()
            .all(db)
            .await?;
    }
    let mut resource_ids: Vec<i64> = input
        .items
        .iter()
        .flat_map(|i| i.resources.iter().map(|r| r.id))
        .collect();
    resource_ids.sort_unstable();
    resource_ids.dedup();
    for chunk in resource_ids.chunks(500) {
        projects::lock_resources(db, chunk.iter().copied()).await?;
    }
    // Accepting the same plan twice must not propose everything twice.
    let mut waiting = awaiting_review(db, alliance_id).await?;
    let mut created = Vec::new();
    for (i, item) in input.items.into_iter().enumerate() {
        let at = |field: &str| format!("items[{i}].{field}");
        let need = match needs::get(db, actor.city_id, item.need_id).await {
            Ok(n) if n.alliance_id == alliance_id && !waiting.insert(n.id) => {
                problems.add(&at("need_id"), "该需求已有待审核的项目");
                continue;
            }
            Ok(n) if n.alliance_id == alliance_id => n,
            Ok(_) => {
                problems.add(&at("need_id"), "该需求不属于本联盟");
                continue;
            }
            Err(Error::NotFound(_)) => {
                problems.add(&at("need_id"), "需求不存在");
                continue;
            }
            Err(e) => return Err(e),
        };
        let proposal = NewProject {
            need_id: Some(need.id),
            resource_ids: Some(item.resources.iter().map(|r| r.id).collect()),
            title: Some(
                item.title
                    .map(|t| t.trim().to_owned())
                    .unwrap_or_else(|| project_title(&need.title)),
            ),
            note: Some("来自联盟匹配方案".to_owned()),
            quantities: Some(
                item.resources
                    .iter()
                    .filter_map(|r| r.quantity.map(|q| (r.id, q)))
                    .collect(),
            ),
        };
        match projects::propose(db, actor, proposal).await {
            Ok(p) => created.push(p),
            Err(Error::Validation(errors)) => {
                for e in errors {
                    let field = e.field.replace("resource_ids", "resources");
                    problems.add(&at(&field), e.message);
                }
            }
            Err(e) => return Err(e),
        }
    }
    problems.finish()?;
    Ok(created)
}
