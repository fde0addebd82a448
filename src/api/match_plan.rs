//! An alliance's match plan over HTTP: compute it (nothing written), accept all or part of it.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Json, Path};
use super::views::ProjectView;
use crate::domain::match_plan::{self, AcceptRequest, Plan, PlanRequest};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(compute_plan))
        .routes(routes!(accept_plan))
}

/// The alliance's match plan: its open needs assigned to available resources so that the
/// total score is greatest within every quantity (min-cost flow, not greedy), with the needs
/// it cannot cover and why. Nothing is written. Coordinators of the alliance, reviewers, admins.
#[utoipa::path(post, path = "/alliances/{id}/match-plan", tag = "alliances",
    params(("id" = i64, Path)), request_body = PlanRequest,
    responses((status = 200, body = Plan), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn compute_plan(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Json(b): Json<PlanRequest>,
) -> Result<axum::Json<Plan>> {
    let plan = match_plan::compute(state.read(), state.engine(), &auth.actor, id, b).await?;
    Ok(axum::Json(plan))
}

/// Accept all or part of a plan: each item becomes a proposed project (拟对接) for review, all
/// or none — a problem in any item (`items[i].…`) writes nothing. The alliance's coordinators
/// or admins.
#[utoipa::path(post, path = "/alliances/{id}/match-plan/accept", tag = "alliances",
    params(("id" = i64, Path)), request_body = AcceptRequest,
    responses((status = 201, body = Vec<ProjectView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn accept_plan(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Json(b): Json<AcceptRequest>,
) -> Result<(StatusCode, axum::Json<Vec<ProjectView>>)> {
    let tx = state.db.begin().await?;
    let created = match_plan::accept(&tx, &auth.actor, id, b).await?;
    state.commit(tx).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(ProjectView::many(state.read(), &auth.actor, created).await?),
    ))
}
