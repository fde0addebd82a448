//! 需求清单 over HTTP.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, IfMatch, Json, Path, Query, etag};
use super::views::NeedView;
use crate::domain::needs::{self, NeedFilter, NeedPatch, NewNeed, StatusChange};
use crate::domain::{Page, PageParams};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_needs, create_need))
        .routes(routes!(get_need, update_need, delete_need))
        .routes(routes!(change_need_status))
        .routes(routes!(confirm_need))
}

/// Needs, newest first.
#[utoipa::path(get, path = "/needs", tag = "needs", params(NeedFilter, PageParams),
    responses((status = 200, body = Page<NeedView>), (status = 401, body = Problem)))]
async fn list_needs(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<NeedFilter>,
    Query(page): Query<PageParams>,
) -> Result<axum::Json<Page<NeedView>>> {
    let mut p = needs::list(state.read(), &auth.actor, &f, page).await?;
    let items = NeedView::many(state.read(), std::mem::take(&mut p.items)).await?;
    Ok(axum::Json(p.with_items(items)))
}

/// Post a need (the alliance's coordinators, or admins).
#[utoipa::path(post, path = "/needs", tag = "needs", request_body = NewNeed,
    responses((status = 201, body = NeedView), (status = 403, body = Problem), (status = 409, description = "nearly repeats an open need (send `allow_duplicate`)", body = Problem), (status = 422, body = Problem)))]
async fn create_need(
    State(state): State<AppState>,
    auth: Auth,
    Json(b): Json<NewNeed>,
) -> Result<impl IntoResponse> {
    let tx = state.db.begin().await?;
    let n = needs::create(&tx, &auth.actor, b).await?;
    tx.commit().await?;
    let version = n.version;
    Ok((
        StatusCode::CREATED,
        etag(version),
        axum::Json(NeedView::one(state.read(), n).await?),
    ))
}

/// One need; its `ETag` is its version.
#[utoipa::path(get, path = "/needs/{id}", tag = "needs", params(("id" = i64, Path)),
    responses((status = 200, body = NeedView), (status = 404, body = Problem)))]
async fn get_need(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse> {
    let n = needs::get(state.read(), auth.actor.city_id, id).await?;
    Ok((
        etag(n.version),
        axum::Json(NeedView::one(state.read(), n).await?),
    ))
}

/// Edit a need (the alliance's coordinators, or admins). Send `If-Match` to refuse a stale edit (412).
#[utoipa::path(patch, path = "/needs/{id}", tag = "needs", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = NeedPatch,
    responses((status = 200, body = NeedView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
async fn update_need(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    IfMatch(v): IfMatch,
    Json(b): Json<NeedPatch>,
) -> Result<impl IntoResponse> {
    let tx = state.db.begin().await?;
    let n = needs::update(&tx, &auth.actor, id, v, b).await?;
    tx.commit().await?;
    Ok((
        etag(n.version),
        axum::Json(NeedView::one(state.read(), n).await?),
    ))
}

/// Close a need or open it again (the alliance's coordinators, or admins).
#[utoipa::path(post, path = "/needs/{id}/status", tag = "needs", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = StatusChange,
    responses((status = 200, body = NeedView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn change_need_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    IfMatch(v): IfMatch,
    Json(b): Json<StatusChange>,
) -> Result<impl IntoResponse> {
    let tx = state.db.begin().await?;
    let n = needs::change_status(&tx, &auth.actor, id, v, b.status).await?;
    tx.commit().await?;
    Ok((
        etag(n.version),
        axum::Json(NeedView::one(state.read(), n).await?),
    ))
}

/// Remove a need from the list (kept in the audit trail). Refused once it has a project.
#[utoipa::path(delete, path = "/needs/{id}", tag = "needs", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn delete_need(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    IfMatch(v): IfMatch,
) -> Result<StatusCode> {
    let tx = state.db.begin().await?;
    needs::delete(&tx, &auth.actor, id, v).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Confirm the need still stands (复核, the alliance's coordinators, or admins): it stays matchable for another 90 days.
/// Any edit confirms it too.
#[utoipa::path(post, path = "/needs/{id}/confirm", tag = "needs", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = NeedView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)))]
async fn confirm_need(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    IfMatch(v): IfMatch,
) -> Result<impl IntoResponse> {
    let tx = state.db.begin().await?;
    let x = needs::confirm(&tx, &auth.actor, id, v).await?;
    tx.commit().await?;
    Ok((
        etag(x.version),
        axum::Json(NeedView::one(state.read(), x).await?),
    ))
}
