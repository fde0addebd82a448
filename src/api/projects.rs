//! 项目清单 over HTTP: propose projects, move them through review and work, read their
//! timelines.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, IfMatch, Json, Path, Query, etag};
use super::views::{FeedbackView, ProjectEventView, ProjectView};
use crate::domain::projects::feedback::{self, Rating, Reply};
use crate::domain::projects::{self, NewProject, Party, ProjectFilter, TransitionRequest};
use crate::domain::{Page, PageParams};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, propose_project))
        .routes(routes!(get_project))
        .routes(routes!(move_project))
        .routes(routes!(project_timeline))
        .routes(routes!(transition_rules))
        .routes(routes!(get_feedback, rate_project))
        .routes(routes!(reply_to_feedback))
}

/// Projects, newest first.
#[utoipa::path(get, path = "/projects", tag = "projects", params(ProjectFilter, PageParams),
    responses((status = 200, body = Page<ProjectView>), (status = 401, body = Problem)))]
async fn list_projects(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<ProjectFilter>,
    Query(page): Query<PageParams>,
) -> Result<axum::Json<Page<ProjectView>>> {
    let mut p = projects::list(state.read(), &auth.actor, &f, page).await?;
    let items = ProjectView::many(state.read(), &auth.actor, std::mem::take(&mut p.items)).await?;
    Ok(axum::Json(p.with_items(items)))
}

/// Propose a project (拟对接): the need's coordinators, a unit owning one of the resources, or admins.
#[utoipa::path(post, path = "/projects", tag = "projects", request_body = NewProject,
    responses((status = 201, body = ProjectView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn propose_project(
    State(state): State<AppState>,
    auth: Auth,
    Json(b): Json<NewProject>,
) -> Result<impl IntoResponse> {
    let tx = state.db.begin().await?;
    let p = projects::propose(&tx, &auth.actor, b).await?;
    state.commit(tx).await?;
    Ok((
        StatusCode::CREATED,
        etag(p.version),
        axum::Json(ProjectView::one(state.read(), &auth.actor, p).await?),
    ))
}

/// One project; its `ETag` is its version, and `next` lists the moves open to the caller.
#[utoipa::path(get, path = "/projects/{id}", tag = "projects", params(("id" = i64, Path)),
    responses((status = 200, body = ProjectView), (status = 404, body = Problem)))]
async fn get_project(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse> {
    let p = projects::get(state.read(), auth.actor.city_id, id).await?;
    Ok((
        etag(p.version),
        axum::Json(ProjectView::one(state.read(), &auth.actor, p).await?),
    ))
}

/// Move a project: approve or reject (reviewers), start or complete (the need's coordinators
/// and the resources' units; completion needs `outcome` and `beneficiaries`), cancel (any of
/// them, with a `note`). Approval reserves the resources' quantity, cancel and reject release
/// it, and the need's status follows. Send `If-Match` to refuse a stale move (412).
#[utoipa::path(post, path = "/projects/{id}/transitions", tag = "projects",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = TransitionRequest,
    responses((status = 200, body = ProjectView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
async fn move_project(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    IfMatch(v): IfMatch,
    Json(b): Json<TransitionRequest>,
) -> Result<impl IntoResponse> {
    let tx = state.db.begin().await?;
    let p = projects::transition(&tx, &auth.actor, id, v, b).await?;
    state.commit(tx).await?;
    state.lessons.forget(p.city_id).await;
    Ok((
        etag(p.version),
        axum::Json(ProjectView::one(state.read(), &auth.actor, p).await?),
    ))
}

/// A project's timeline: every move, who made it, when and why, oldest first.
#[utoipa::path(get, path = "/projects/{id}/timeline", tag = "projects", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ProjectEventView>), (status = 404, body = Problem)))]
async fn project_timeline(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<axum::Json<Vec<ProjectEventView>>> {
    let events = projects::timeline(state.read(), auth.actor.city_id, id).await?;
    Ok(axum::Json(
        ProjectEventView::many(state.read(), events).await?,
    ))
}

/// One rule of the project life cycle.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionRule {
    pub from: projects::Status,
    pub to: projects::Status,
    /// Who may make the move besides admins.
    pub who: Vec<Party>,
}

/// The project life cycle: every allowed move and who may make it (admins may make any).
#[utoipa::path(get, path = "/projects/transitions", tag = "projects",
    responses((status = 200, body = Vec<TransitionRule>)))]
async fn transition_rules(_auth: Auth) -> axum::Json<Vec<TransitionRule>> {
    axum::Json(
        projects::TRANSITIONS
            .iter()
            .map(|(from, to, who)| TransitionRule {
                from: *from,
                to: *to,
                who: who.to_vec(),
            })
            .collect(),
    )
}

/// A completed project's feedback (评单): the rating and the unit's reply.
#[utoipa::path(get, path = "/projects/{id}/feedback", tag = "projects", params(("id" = i64, Path)),
    responses((status = 200, body = FeedbackView), (status = 404, body = Problem)))]
async fn get_feedback(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse> {
    let f = feedback::get(state.read(), auth.actor.city_id, id)
        .await?
        .ok_or_else(|| crate::error::Error::NotFound("项目尚未评价".into()))?;
    Ok((
        etag(f.version),
        axum::Json(FeedbackView::one(state.read(), f).await?),
    ))
}

/// Rate a completed project 1–5 with a comment, or change the rating (the need's coordinators
/// or admins). Send `If-Match` to refuse a stale change (412).
#[utoipa::path(put, path = "/projects/{id}/feedback", tag = "projects",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = Rating,
    responses((status = 200, body = FeedbackView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
async fn rate_project(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    IfMatch(v): IfMatch,
    Json(b): Json<Rating>,
) -> Result<impl IntoResponse> {
    let tx = state.db.begin().await?;
    let f = feedback::rate(&tx, &auth.actor, id, v, b).await?;
    state.commit(tx).await?;
    Ok((
        etag(f.version),
        axum::Json(FeedbackView::one(state.read(), f).await?),
    ))
}

/// Reply to a project's rating (a unit owning one of its resources, or admins).
#[utoipa::path(post, path = "/projects/{id}/feedback/reply", tag = "projects",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = Reply,
    responses((status = 200, body = FeedbackView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
async fn reply_to_feedback(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    IfMatch(v): IfMatch,
    Json(b): Json<Reply>,
) -> Result<impl IntoResponse> {
    let tx = state.db.begin().await?;
    let f = feedback::reply(&tx, &auth.actor, id, v, b).await?;
    state.commit(tx).await?;
    Ok((
        etag(f.version),
        axum::Json(FeedbackView::one(state.read(), f).await?),
    ))
}
