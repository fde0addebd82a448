//! 项目清单 over HTTP: propose and read projects.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Json, Path, Query};
use super::views::ProjectView;
use crate::domain::projects::{self, NewProject, ProjectFilter};
use crate::domain::{Page, PageParams};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, propose_project))
        .routes(routes!(get_project))
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
    let items = ProjectView::many(state.read(), std::mem::take(&mut p.items)).await?;
    Ok(axum::Json(p.with_items(items)))
}

/// Propose a project (拟对接): the need's coordinators, a unit owning one of the resources, or admins.
#[utoipa::path(post, path = "/projects", tag = "projects", request_body = NewProject,
    responses((status = 201, body = ProjectView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn propose_project(
    State(state): State<AppState>,
    auth: Auth,
    Json(b): Json<NewProject>,
) -> Result<(StatusCode, axum::Json<ProjectView>)> {
    let tx = state.db.begin().await?;
    let p = projects::propose(&tx, &auth.actor, b).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(ProjectView::one(state.read(), p).await?),
    ))
}

/// One project.
#[utoipa::path(get, path = "/projects/{id}", tag = "projects", params(("id" = i64, Path)),
    responses((status = 200, body = ProjectView), (status = 404, body = Problem)))]
async fn get_project(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<axum::Json<ProjectView>> {
    let p = projects::get(state.read(), auth.actor.city_id, id).await?;
    Ok(axum::Json(ProjectView::one(state.read(), p).await?))
}
