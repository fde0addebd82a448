//! 项目清单: a need and the resources agreed to meet it. This module proposes projects and
//! reads them; `workflow` moves them through review, work and completion.

pub mod feedback;
pub mod photos;
mod workflow;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::validation::{Problems, required, trimmed_opt};
use super::{Actor, Page, PageParams, Role, audit, lists, needs, resources};
use crate::error::{Error, Result};
use entity::{need, project, project_resource, resource};

pub use workflow::lock_resources;
pub use workflow::{Party, TRANSITIONS, TransitionRequest, allowed, timeline, transition};
pub(crate) use workflow::{need_status_from_projects, settled_status};

pub use entity::values::ProjectStatus as Status;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    #[validate(required(message = "请选择需求"))]
    #[schema(required = true)]
    pub need_id: Option<i64>,
    /// 1–10 distinct resources.
    #[validate(
        required(message = "请选择资源"),
        length(min = 1, max = 10, message = "请选择1至10项资源")
    )]
    #[schema(required = true)]
    pub resource_ids: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(
        required(message = "请填写项目名称"),
        length(min = 1, max = 60, message = "项目名称须为1至60个字")
    )]
    #[schema(required = true)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(max = 2000, message = "备注最多2000个字"))]
    pub note: Option<String>,
    /// How much of each countable resource the project takes, by resource id. Left out, the
    /// need's quantity (or 1) is filled from the resources in id order.
    pub quantities: Option<BTreeMap<i64, i32>>,
}

pub async fn get(db: &impl ConnectionTrait, city_id: i64, id: i64) -> Result<project::Model> {
    project::Entity::find_by_id(id)
        .filter(project::Column::CityId.eq(city_id))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("项目"))
}

/// Proposes a project (拟对接). The coordinator of the need's alliance (or an admin) may put
/// any available resources into it; a member unit may propose only its own resources.
///
/// The need and the resources are read `FOR UPDATE` (on PostgreSQL), so a concurrent delete
/// or withdrawal either happens first and is seen here, or waits until the project exists.
pub async fn propose(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewProject,
) -> Result<project::Model> {
    let mut problems = Problems::of(&input);
    let need = match input.need_id {
        Some(id) => match lists::get_for_update::<entity::need::Model>(db, actor.city_id, id).await
        {
            Ok(n) => Some(n),
            Err(Error::NotFound(_)) => {
                problems.add("need_id", "需求不存在");
                None
            }
            Err(e) => return Err(e),
        },
        None => None,
    };
    if let Some(n) = &need
        && !matches!(
            Some(n.status),
            Some(needs::Status::Open | needs::Status::Matched)
        )
    {
        problems.add("need_id", "该需求已完成或已关闭，不能再对接");
    }
    let requested = input.resource_ids.clone().unwrap_or_default();
    let ids: BTreeSet<i64> = requested.iter().copied().collect();
    if ids.len() != requested.len() {
        problems.add("resource_ids", "资源不能重复");
    }
    // A list already refused (none, more than ten, repeats) is not looked up id by id.
    let checked = !ids.is_empty() && !problems.has("resource_ids");
    let found: Vec<resource::Model> = if !checked {
        Vec::new()
    } else {
        resource::Entity::find()
            .filter(resource::Column::Id.is_in(ids.iter().copied()))
            .filter(resource::Column::CityId.eq(actor.city_id))
            .filter(resource::Column::DeletedAt.is_null())
            .order_by_asc(resource::Column::Id)
            .lock_exclusive()
            .all(db)
            .await?
    };
    for id in ids.iter().filter(|_| checked) {
        match found.iter().find(|r| r.id == *id) {
            None => problems.add("resource_ids", format!("资源 {id} 不存在")),
            Some(r) if r.status != resources::Status::Available => {
                problems.add("resource_ids", format!("资源「{}」当前不可对接", r.title))
            }
            Some(_) => {}
        }
    }
    if let Some(n) = &need
        && !actor.coordinates(n.alliance_id)
        && !(actor.role == Role::Member
            && found.iter().all(|r| actor.speaks_for(r.organization_id)))
    {
        return Err(Error::forbidden(
            "只有需求所在联盟的协调员可以对接任意资源；成员单位只能用本单位的资源提出项目",
        ));
    }
    let quantities = plan_quantities(
        &mut problems,
        need.as_ref(),
        &found,
        input.quantities.as_ref(),
    );
    problems.finish()?;
    let need = need.expect("checked above");
    let now = chrono::Utc::now();
    let p = project::ActiveModel {
        city_id: Set(need.city_id),
        need_id: Set(need.id),
        alliance_id: Set(need.alliance_id),
        title: Set(required(input.title)),
        status: Set(Status::Proposed),
        notes: Set(input.note.clone().unwrap_or_default()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        created_by: Set(actor.user_id),
        updated_by: Set(actor.user_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for (id, quantity) in &quantities {
        project_resource::ActiveModel {
            project_id: Set(p.id),
            resource_id: Set(*id),
            quantity: Set(*quantity),
        }
        .insert(db)
        .await?;
    }
    audit::created(
        db,
        Some(actor),
        "project",
        p.id,
        Some(p.city_id),
        &(&p, &quantities),
    )
    .await?;
    workflow::record_event(db, actor, &p, None, input.note).await?;
    Ok(p)
}

/// How much each resource gives: what the proposer asked for, else the need's quantity (1 when
/// it has none) filled from the resources in id order, each giving at least one. Resources
/// that are not counted (no quantity) give `None` and are never reserved.
fn plan_quantities(
    problems: &mut Problems,
    need: Option<&need::Model>,
    found: &[resource::Model],
    asked: Option<&BTreeMap<i64, i32>>,
) -> BTreeMap<i64, Option<i32>> {
    for id in asked.into_iter().flat_map(|a| a.keys()) {
        if !found.iter().any(|r| r.id == *id) {
            problems.add("quantities", format!("资源 {id} 不在本项目中"));
        }
    }
    let mut left = need.and_then(|n| n.quantity).unwrap_or(1);
    let mut out = BTreeMap::new();
    for r in found {
        let remaining = r.quantity.map(|q| q - r.reserved);
        let q = match (asked.and_then(|a| a.get(&r.id)).copied(), remaining) {
            (None, None) => None,
            (Some(_), None) => {
                problems.add(
                    "quantities",
                    format!("资源「{}」不计数量，无需填写", r.title),
                );
                None
            }
            (Some(q), Some(rem)) => {
                if q < 1 {
                    problems.add("quantities", format!("资源「{}」的数量须至少为1", r.title));
                } else if q > rem {
                    problems.add(
                        "quantities",
                        format!("资源「{}」剩余 {rem}，不能占用 {q}", r.title),
                    );
                }
                Some(q)
            }
            (None, Some(rem)) => {
                let q = left.min(rem).max(1);
                left = (left - q).max(0);
                Some(q)
            }
        };
        out.insert(r.id, q);
    }
    out
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectFilter {
    pub alliance_id: Option<i64>,
    pub need_id: Option<i64>,
    /// proposed, approved, rejected, in_progress, completed or cancelled.
    pub status: Option<Status>,
}

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ProjectFilter,
    params: PageParams,
) -> Result<Page<project::Model>> {
    let mut select = project::Entity::find().filter(project::Column::CityId.eq(actor.city_id));
    if let Some(a) = filter.alliance_id {
        select = select.filter(project::Column::AllianceId.eq(a));
    }
    if let Some(n) = filter.need_id {
        select = select.filter(project::Column::NeedId.eq(n));
    }
    if let Some(s) = filter.status {
        select = select.filter(project::Column::Status.eq(s));
    }
    super::page::fetch(db, select.order_by_desc(project::Column::Id), params).await
}

/// The resource links (with the quantity each gives) of several projects, by resource id.
pub async fn links(
    db: &impl ConnectionTrait,
    project_ids: &[i64],
) -> Result<Vec<project_resource::Model>> {
    // In chunks, as `lookup` does: SQLite takes at most 32,766 parameters per statement.
    let mut links = Vec::new();
    for chunk in project_ids.chunks(1000) {
        links.extend(
            project_resource::Entity::find()
                .filter(project_resource::Column::ProjectId.is_in(chunk.iter().copied()))
                .order_by_asc(project_resource::Column::ResourceId)
                .all(db)
                .await?,
        );
    }
    Ok(links)
}

/// The organizations whose resources a project joins.
pub async fn owners(db: &impl ConnectionTrait, project_id: i64) -> Result<Vec<i64>> {
    let links = links(db, &[project_id]).await?;
    let resources = super::lookup::resources(db, links.iter().map(|l| l.resource_id)).await?;
    let mut owners: Vec<i64> = resources.values().map(|r| r.organization_id).collect();
    owners.sort_unstable();
    owners.dedup();
    Ok(owners)
}

/// The resource links of several projects at once, by project.
pub async fn links_by_project(
    db: &impl ConnectionTrait,
    project_ids: &[i64],
) -> Result<HashMap<i64, Vec<project_resource::Model>>> {
    let mut map: HashMap<i64, Vec<project_resource::Model>> = HashMap::new();
    for l in links(db, project_ids).await? {
        map.entry(l.project_id).or_default().push(l);
    }
    Ok(map)
}
