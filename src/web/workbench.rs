//! 工作台, the first page after login: what the visitor's role works on. A coordinator sees
//! the alliance's three lists with counts, each open need with its best match beside it, and
//! what is waiting for whom; a reviewer the review queue; a member unit its resources and the
//! open needs each fits.

use askama::Template;
use axum::extract::State;

use super::needs::NeedRow;
use super::pages::{self, Chrome, PageResult};
use super::projects::ProjectRow;
use super::session::Visitor;
use crate::api::views::{NeedView, ProjectView, ResourceView};
use crate::domain::matching::{self, MatchParams};
use crate::domain::needs::{self, NeedFilter};
use crate::domain::projects::{self, ProjectFilter, Status};
use crate::domain::resources::{self, ResourceFilter};
use crate::domain::{Actor, PageParams, Role, lookup};
use crate::error::Result;
use crate::state::AppState;

/// A count with where it leads.
pub struct Tally {
    pub label: &'static str,
    pub count: u64,
    pub href: String,
}

/// An open need and the best resource for it, if any.
pub struct NeedWithMatch {
    pub need: NeedRow,
    pub best: Option<(i64, String, String)>,
}

/// A unit's resource and the open needs it fits best.
pub struct ResourceWithNeeds {
    pub resource: ResourceView,
    /// Each need's id, title and place (two communities often need the same thing).
    pub needs: Vec<(i64, String, String)>,
}

#[derive(Template)]
#[template(path = "workbench.html")]
struct Workbench {
    chrome: Chrome,
    tallies: Vec<Tally>,
    /// What waits on whom: projects by the step they wait at.
    waiting: Vec<Tally>,
    open_needs: Vec<NeedWithMatch>,
    queue: Vec<ProjectRow>,
    resources: Vec<ResourceWithNeeds>,
    is_reviewer: bool,
    is_member: bool,
    can_post: bool,
}

const FIRST: PageParams = PageParams {
    page: Some(1),
    per_page: Some(1),
};

/// The open needs the workbench shows with their best match (the newest; the list has all).
const OPEN_SHOWN: PageParams = PageParams {
    page: Some(1),
    per_page: Some(6),
};

const TEN: PageParams = PageParams {
    page: Some(1),
    per_page: Some(10),
};

async fn count_needs(state: &AppState, actor: &Actor, status: needs::Status) -> Result<u64> {
    let filter = NeedFilter {
        alliance_id: actor.alliance_id,
        status: Some(status),
        ..Default::default()
    };
    Ok(needs::list(state.read(), actor, &filter, FIRST)
        .await?
        .total)
}

async fn count_projects(state: &AppState, actor: &Actor, status: Status) -> Result<u64> {
    let filter = ProjectFilter {
        alliance_id: actor.alliance_id,
        status: Some(status),
        ..Default::default()
    };
    Ok(projects::list(state.read(), actor, &filter, FIRST)
        .await?
        .total)
}

/// How many projects wait at each step, and for whom.
async fn waiting(state: &AppState, actor: &Actor) -> Result<Vec<Tally>> {
    let steps = [
        (Status::Proposed, "待审核人审批"),
        (Status::Approved, "待成员单位开始实施"),
        (Status::InProgress, "实施中，待完成"),
    ];
    let mut out = Vec::new();
    for (status, label) in steps {
        out.push(Tally {
            label,
            count: count_projects(state, actor, status).await?,
            href: format!("/projects?status={}", status.as_str()),
        });
    }
    Ok(out)
}

async fn coordinator(state: &AppState, v: &Visitor) -> Result<(Vec<Tally>, Vec<NeedWithMatch>)> {
    let actor = &v.actor;
    let db = state.read();
    let resources = ResourceFilter {
        alliance_id: actor.alliance_id,
        status: Some(resources::Status::Available),
        ..Default::default()
    };
    let tallies = vec![
        Tally {
            label: "待对接需求",
            count: count_needs(state, actor, needs::Status::Open).await?,
            href: "/needs?status=open".into(),
        },
        Tally {
            label: "可用资源",
            count: resources::list(db, actor, &resources, FIRST).await?.total,
            href: String::new(),
        },
        Tally {
            label: "进行中项目",
            count: count_projects(state, actor, Status::InProgress).await?,
            href: "/projects?status=in_progress".into(),
        },
        Tally {
            label: "已完成项目",
            count: count_projects(state, actor, Status::Completed).await?,
            href: "/projects?status=completed".into(),
        },
    ];
    let open = NeedFilter {
        alliance_id: actor.alliance_id,
        status: Some(needs::Status::Open),
        ..Default::default()
    };
    let rows = needs::list(db, actor, &open, OPEN_SHOWN).await?.items;
    let views = NeedView::many(db, rows).await?;
    // One match per need, read straight from the engine: the page shows a title and a unit,
    // so the units' names are looked up once for all of them, and the lessons are read once.
    let opts = MatchParams {
        limit: Some(1),
        ..Default::default()
    }
    .options()?;
    let lessons = state.lessons.of_city(db, actor.city_id).await?;
    let mut best = Vec::with_capacity(views.len());
    for need in &views {
        let found = matching::for_need(
            db,
            state.engine(),
            actor,
            need.entry.id,
            &opts,
            true,
            lessons.as_deref(),
        )
        .await?;
        best.push(found.into_iter().next().map(|m| m.resource));
    }
    let units =
        lookup::organization_names(db, best.iter().flatten().map(|r| r.organization_id)).await?;
    let open_needs = NeedRow::many(views)
        .into_iter()
        .zip(best)
        .map(|(need, best)| NeedWithMatch {
            need,
            best: best.map(|r| {
                let unit = units.get(&r.organization_id).cloned().unwrap_or_default();
                (r.id, r.title, unit)
            }),
        })
        .collect();
    Ok((tallies, open_needs))
}

async fn reviewer(state: &AppState, actor: &Actor) -> Result<Vec<ProjectRow>> {
    let db = state.read();
    let filter = ProjectFilter {
        status: Some(Status::Proposed),
        ..Default::default()
    };
    let rows = projects::list(db, actor, &filter, TEN).await?.items;
    Ok(ProjectRow::many(ProjectView::many(db, actor, rows).await?))
}

async fn member(state: &AppState, actor: &Actor) -> Result<Vec<ResourceWithNeeds>> {
    let db = state.read();
    let filter = ResourceFilter {
        organization_id: actor.organization_id,
        status: Some(resources::Status::Available),
        ..Default::default()
    };
    let rows = resources::list(db, actor, &filter, TEN).await?.items;
    let views = ResourceView::many(db, rows).await?;
    let best = MatchParams {
        limit: Some(3),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(views.len());
    for resource in views {
        let found =
            crate::api::matching::of_resource(state, actor, resource.entry.id, &best).await?;
        let needs = found
            .into_iter()
            .map(|m| (m.need.entry.id, m.need.entry.title, m.need.place.name))
            .collect();
        out.push(ResourceWithNeeds { resource, needs });
    }
    Ok(out)
}

pub async fn show(State(state): State<AppState>, v: Visitor) -> PageResult {
    let mut page = Workbench {
        chrome: Chrome::of(&state, &v, "/").await?,
        tallies: Vec::new(),
        waiting: Vec::new(),
        open_needs: Vec::new(),
        queue: Vec::new(),
        resources: Vec::new(),
        is_reviewer: v.actor.role == Role::Reviewer,
        is_member: v.actor.role == Role::Member,
        can_post: v.actor.alliance_id.is_some(),
    };
    match v.actor.role {
        Role::Coordinator | Role::Admin => {
            let (tallies, open_needs) = coordinator(&state, &v).await?;
            page.tallies = tallies;
            page.open_needs = open_needs;
            page.waiting = waiting(&state, &v.actor).await?;
        }
        Role::Reviewer => {
            page.queue = reviewer(&state, &v.actor).await?;
            page.waiting = waiting(&state, &v.actor).await?;
        }
        Role::Member => page.resources = member(&state, &v.actor).await?,
    }
    Ok(pages::render(&page))
}
