//! The project life cycle (审批流程): who may move a project where, and what moves with it. An
//! approval reserves the resources' quantity and marks the need matched; a cancel or reject
//! releases it; a completion records the outcome and settles the need and the resources — all
//! in the transaction that moves the project, with one timeline entry per move.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::Status;
use crate::domain::validation::{Problems, check_version, trimmed_opt};
use crate::domain::{Actor, Role, audit, lists, needs, resources};
use crate::error::{Error, Result};
use entity::{need, project, project_event, project_resource, resource};

/// The people a rule names. Admins count as all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// Any reviewer of the city.
    Reviewer,
    /// A coordinator of the need's alliance.
    Coordinator,
    /// A member unit owning one of the project's resources.
    ResourceOwner,
}

use Party::{Coordinator, ResourceOwner, Reviewer};
use Status::{Approved, Cancelled, Completed, InProgress, Proposed, Rejected};

/// Every allowed move and who may make it. This table is the rule; README prints it and
/// `GET /projects/transitions` serves it.
pub const TRANSITIONS: &[(Status, Status, &[Party])] = &[
    (Proposed, Approved, &[Reviewer]),
    (Proposed, Rejected, &[Reviewer]),
    (Approved, InProgress, &[Coordinator, ResourceOwner]),
    (InProgress, Completed, &[Coordinator, ResourceOwner]),
    (Proposed, Cancelled, &[Coordinator, ResourceOwner, Reviewer]),
    (Approved, Cancelled, &[Coordinator, ResourceOwner, Reviewer]),
    (
        InProgress,
        Cancelled,
        &[Coordinator, ResourceOwner, Reviewer],
    ),
];

/// Projects in these states hold the quantity they reserved (a completed one has used it).
const HOLDING: [Status; 2] = [Approved, InProgress];

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    #[validate(required(message = "请选择目标状态"))]
    #[schema(required = true)]
    pub to: Option<Status>,
    /// Why: required to reject or cancel.
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(max = 500, message = "说明最多500个字"))]
    pub note: Option<String>,
    /// What came of it: required to complete.
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(min = 1, max = 500, message = "成效说明须为1至500个字"))]
    pub outcome: Option<String>,
    /// How many people it served: required to complete.
    #[validate(range(min = 0, max = 10_000_000, message = "受益人数须为0至10000000"))]
    pub beneficiaries: Option<i32>,
}

/// The parties `actor` is for a project whose resources belong to `owners`.
fn parties_of(actor: &Actor, alliance_id: i64, owners: &[i64]) -> Vec<Party> {
    let mut p = Vec::new();
    if actor.is_admin() || actor.role == Role::Reviewer {
        p.push(Reviewer);
    }
    if actor.coordinates(alliance_id) {
        p.push(Coordinator);
    }
    if actor.is_admin() || owners.iter().any(|o| actor.speaks_for(*o)) {
        p.push(ResourceOwner);
    }
    p
}

/// The states `actor` may move a project to from `from`.
pub fn allowed(actor: &Actor, from: Status, alliance_id: i64, owners: &[i64]) -> Vec<Status> {
    let parties = parties_of(actor, alliance_id, owners);
    TRANSITIONS
        .iter()
        .filter(|(f, _, who)| *f == from && who.iter().any(|w| parties.contains(w)))
        .map(|(_, to, _)| *to)
        .collect()
}

fn who_label(who: &[Party]) -> String {
    let names: Vec<&str> = who
        .iter()
        .map(|p| match p {
            Reviewer => "审核人",
            Coordinator => "需求所在联盟的协调员",
            ResourceOwner => "提供资源的成员单位",
        })
        .collect();
    format!("{}或管理员", names.join("、"))
}

/// Moves a project. Refusals change nothing: 409 for a move the table does not have (or that
/// the resources can no longer cover), 403 for someone the rule does not name, 412 for a
/// stale `If-Match` (checked first), 422 for a missing reason or outcome.
pub async fn transition(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    expected_version: Option<i32>,
    input: TransitionRequest,
) -> Result<project::Model> {
    let mut problems = Problems::of(&input);
    let Some(to) = input.to else {
        problems.finish()?;
        return Err(Error::field("to", "请选择目标状态"));
    };
    // Lock order everywhere: project, need, resources by id (`propose` and a plan's accept:
    // need, resources), so that two writers touching the same rows queue, never deadlock.
    let before = project::Entity::find_by_id(id)
        .filter(project::Column::CityId.eq(actor.city_id))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("项目"))?;
    // A client that acted on an old copy learns that first, whatever the move.
    check_version(expected_version, before.version)?;
    let from = before.status;
    let need = lists::get_for_update(db, actor.city_id, before.need_id).await?;
    let links = super::links(db, &[id]).await?;
    let locked = lock_resources(db, links.iter().map(|l| l.resource_id)).await?;
    let owners: Vec<i64> = locked.values().map(|r| r.organization_id).collect();

    let Some((_, _, who)) = TRANSITIONS.iter().find(|(f, t, _)| *f == from && *t == to) else {
        return Err(Error::Conflict(if from == to {
            format!("项目已是「{}」状态", from.label())
        } else {
            format!("「{}」的项目不能改为「{}」", from.label(), to.label())
        }));
    };
    let parties = parties_of(actor, before.alliance_id, &owners);
    if !who.iter().any(|w| parties.contains(w)) {
        return Err(Error::forbidden(format!(
            "只有{}可以将项目改为「{}」",
            who_label(who),
            to.label()
        )));
    }
    match to {
        Rejected if input.note.is_none() => problems.add("note", "请说明驳回理由"),
        Cancelled if input.note.is_none() => problems.add("note", "请说明取消原因"),
        _ => {}
    }
    if to == Completed {
        if input.outcome.is_none() && !problems.has("outcome") {
            problems.add("outcome", "请填写项目成效");
        }
        if input.beneficiaries.is_none() && !problems.has("beneficiaries") {
            problems.add("beneficiaries", "请填写受益人数");
        }
    } else {
        if input.outcome.is_some() {
            problems.add("outcome", "仅在完成项目时填写成效");
        }
        if input.beneficiaries.is_some() {
            problems.add("beneficiaries", "仅在完成项目时填写受益人数");
        }
    }
    problems.finish()?;

    if to == Approved {
        check_can_reserve(&need, &links, &locked)?;
    }

    let now = chrono::Utc::now();
    let mut a: project::ActiveModel = before.clone().into();
    a.status = Set(to);
    a.version = Set(before.version + 1);
    a.updated_at = Set(now);
    a.updated_by = Set(actor.user_id);
    match to {
        Approved => a.approved_at = Set(Some(now)),
        Completed => {
            a.completed_at = Set(Some(now));
            a.outcome = Set(input.outcome);
            a.beneficiaries = Set(input.beneficiaries);
        }
        _ => {}
    }
    let after = a.update(db).await?;

    // Quantity moves only when a project starts or stops holding it.
    let delta = match (HOLDING.contains(&from), HOLDING.contains(&to)) {
        (false, true) => 1,
        (true, false) if to != Completed => -1,
        _ => 0,
    };
    if delta != 0 || to == Completed {
        let holders = holders(db, locked.keys().copied()).await?;
        for l in &links {
            let r = &locked[&l.resource_id];
            let reserved = r.reserved + delta * l.quantity.unwrap_or(0);
            let status = settle(r, reserved, holders.get(&r.id).copied().unwrap_or(0));
            if reserved != r.reserved || status != r.status {
                let mut ra: resource::ActiveModel = r.clone().into();
                ra.reserved = Set(reserved);
                ra.status = Set(status);
                if delta < 0 {
                    ra.review_by = Set(Some(crate::time::with_grace(r.review_by)));
                }
                lists::save(db, actor, r.clone(), ra, "project").await?;
            }
        }
    }
    settle_need(db, actor, need).await?;

    audit::changed(
        db,
        actor,
        "transition",
        ("project", after.id, Some(after.city_id)),
        &before,
        &after,
    )
    .await?;
    record_event(db, actor, &after, Some(from), input.note).await?;
    Ok(after)
}

/// The resources of a project, locked (on PostgreSQL) in id order so that two approvals
/// touching the same resources queue instead of deadlocking.
pub async fn lock_resources(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<BTreeMap<i64, resource::Model>> {
    let rows = resource::Entity::find()
        .filter(resource::Column::Id.is_in(ids))
        .order_by_asc(resource::Column::Id)
        .lock_exclusive()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

/// Refuses an approval the need or the resources can no longer carry: a closed need, a
/// resource withdrawn or used up since the proposal, or less left than the project takes.
fn check_can_reserve(
    need: &need::Model,
    links: &[project_resource::Model],
    locked: &BTreeMap<i64, resource::Model>,
) -> Result<()> {
    if !matches!(
        Some(need.status),
        Some(needs::Status::Open | needs::Status::Matched)
    ) {
        return Err(Error::Conflict(
            "需求已完成或已关闭，不能再批准对接项目".into(),
        ));
    }
    let mut short = Vec::new();
    for l in links {
        let r = &locked[&l.resource_id];
        if r.deleted_at.is_some() || r.status != resources::Status::Available {
            short.push(format!("资源「{}」当前不可对接", r.title));
        } else if l.quantity.is_some() != r.quantity.is_some() {
            // The owner started or stopped counting it after the proposal: the amount the
            // project takes no longer means anything, so it must be proposed again.
            short.push(format!(
                "资源「{}」的数量设置在提出项目后已改变，请重新提出项目",
                r.title
            ));
        } else if let (Some(q), Some(total)) = (l.quantity, r.quantity)
            && total - r.reserved < q
        {
            short.push(format!(
                "资源「{}」剩余 {}，本项目需要 {}",
                r.title,
                total - r.reserved,
                q
            ));
        }
    }
    if short.is_empty() {
        Ok(())
    } else {
        Err(Error::Conflict(format!("无法批准：{}", short.join("；"))))
    }
}

/// How many holding projects each resource is in (after this move was written).
async fn holders(
    db: &impl ConnectionTrait,
    resource_ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, usize>> {
    let links = project_resource::Entity::find()
        .filter(project_resource::Column::ResourceId.is_in(resource_ids))
        .all(db)
        .await?;
    let holding: Vec<i64> = project::Entity::find()
        .select_only()
        .column(project::Column::Id)
        .filter(project::Column::Id.is_in(links.iter().map(|l| l.project_id)))
        .filter(project::Column::Status.is_in(HOLDING))
        .into_tuple()
        .all(db)
        .await?;
    let mut counts = HashMap::new();
    for l in links.iter().filter(|l| holding.contains(&l.project_id)) {
        *counts.entry(l.resource_id).or_default() += 1;
    }
    Ok(counts)
}

/// The status a countable resource takes from what is left of it: offered while some is left,
/// 已预留 while projects hold the rest, 已用完 once they have used it. A resource its owner
/// withdrew or marked used up keeps that status, and an uncountable one is never reserved.
fn settle(r: &resource::Model, reserved: i32, holders: usize) -> resources::Status {
    use resources::Status as R;
    let Some(total) = r.quantity else {
        return r.status;
    };
    if !matches!(r.status, R::Available | R::Reserved) {
        return r.status;
    }
    if total > reserved {
        R::Available
    } else if holders > 0 {
        R::Reserved
    } else {
        R::Exhausted
    }
}

/// The status of a resource whose quantity its owner changed (see [`settle`]).
pub(crate) async fn settled_status(
    db: &impl ConnectionTrait,
    r: &resource::Model,
    reserved: i32,
) -> Result<resources::Status> {
    let holders = holders(db, [r.id]).await?;
    Ok(settle(
        r,
        reserved,
        holders.get(&r.id).copied().unwrap_or(0),
    ))
}

/// A need follows its projects: fulfilled once one is completed, matched while one is approved
/// or under way, open otherwise. A need its coordinator closed stays closed.
async fn settle_need(db: &impl ConnectionTrait, actor: &Actor, n: need::Model) -> Result<()> {
    if n.status == needs::Status::Closed {
        return Ok(());
    }
    let next = need_status_from_projects(db, n.id).await?;
    if next != n.status {
        let mut a: need::ActiveModel = n.clone().into();
        a.status = Set(next);
        if next == needs::Status::Open {
            // Back on the list after a hold: time to confirm it before it lapses.
            a.review_by = Set(Some(crate::time::with_grace(n.review_by)));
        }
        lists::save(db, actor, n, a, "project").await?;
    }
    Ok(())
}

/// The status a need that is not closed takes from its projects (see [`settle_need`]).
pub(crate) async fn need_status_from_projects(
    db: &impl ConnectionTrait,
    need_id: i64,
) -> Result<needs::Status> {
    use needs::Status as N;
    let statuses: Vec<String> = project::Entity::find()
        .select_only()
        .column(project::Column::Status)
        .filter(project::Column::NeedId.eq(need_id))
        .into_tuple()
        .all(db)
        .await?;
    let has = |s: Status| statuses.iter().any(|x| x == s.as_str());
    Ok(if has(Completed) {
        N::Fulfilled
    } else if HOLDING.iter().any(|s| has(*s)) {
        N::Matched
    } else {
        N::Open
    })
}

/// One line of a project's timeline; the people it concerns (and the alliance's webhooks)
/// are told in the same transaction.
pub(super) async fn record_event(
    db: &impl ConnectionTrait,
    actor: &Actor,
    p: &project::Model,
    from: Option<Status>,
    note: Option<String>,
) -> Result<()> {
    crate::domain::notifications::project_changed(db, actor, p, from, note.as_deref()).await?;
    project_event::ActiveModel {
        project_id: Set(p.id),
        city_id: Set(p.city_id),
        from_status: Set(from),
        to_status: Set(p.status),
        actor_id: Set(actor.user_id),
        note: Set(note.unwrap_or_default()),
        created_at: Set(p.updated_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A project's timeline, oldest first.
pub async fn timeline(
    db: &impl ConnectionTrait,
    city_id: i64,
    id: i64,
) -> Result<Vec<project_event::Model>> {
    super::get(db, city_id, id).await?;
    Ok(project_event::Entity::find()
        .filter(project_event::Column::ProjectId.eq(id))
        .order_by_asc(project_event::Column::Id)
        .all(db)
        .await?)
}
