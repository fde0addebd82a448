//! 资源清单 over HTTP.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, IfMatch, Json, Path, Query, etag};
use super::views::ResourceView;
use crate::domain::resources::{self, NewResource, ResourceFilter, ResourcePatch, StatusChange};
use crate::domain::{Page, PageParams};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_resources, create_resource))
        .routes(routes!(get_resource, update_resource, delete_resource))
        .routes(routes!(change_resource_status))
        .routes(routes!(confirm_resource))
}

/// Resources, newest first.
#[utoipa::path(get, path = "/resources", tag = "resources", params(ResourceFilter, PageParams),
    responses((status = 200, body = Page<ResourceView>), (status = 401, body = Problem), (status = 404, description = "`alliance_id` names no alliance", body = Problem)))]
async fn list_resources(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<ResourceFilter>,
    Query(page): Query<PageParams>,
) -> Result<axum::Json<Page<ResourceView>>> {
    let mut p = resources::list(state.read(), &auth.actor, &f, page).await?;
    let items = ResourceView::many(state.read(), std::mem::take(&mut p.items)).await?;
    Ok(axum::Json(p.with_items(items)))
}

/// Offer a resource (member units for themselves; admins for any unit).
#[utoipa::path(post, path = "/resources", tag = "resources", request_body = NewResource,
    responses((status = 201, body = ResourceView), (status = 403, body = Problem), (status = 409, description = "nearly repeats an open resource (send `allow_duplicate`)", body = Problem), (status = 422, body = Problem)))]
async fn create_resource(
    State(state): State<AppState>,
    auth: Auth,
    Json(b): Json<NewResource>,
) -> Result<impl IntoResponse> {
    let tx = state.db.begin().await?;
    let r = resources::create(&tx, &auth.actor, b).await?;
    tx.commit().await?;
    let version = r.version;
    Ok((
        StatusCode::CREATED,
        etag(version),
        axum::Json(ResourceView::one(state.read(), r).await?),
    ))
}

/// One resource; its `ETag` is its version.
#[utoipa::path(get, path = "/resources/{id}", tag = "resources", params(("id" = i64, Path)),
    responses((status = 200, body = ResourceView), (status = 404, body = Problem)))]
async fn get_resource(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse> {
    let r = resources::get(state.read(), auth.actor.city_id, id).await?;
    Ok((
        etag(r.version),
        axum::Json(ResourceView::one(state.read(), r).await?),
    ))
}

/// Edit a resource (its unit's users, or admins). Send `If-Match` to refuse a stale edit (412).
#[utoipa::path(patch, path = "/resources/{id}", tag = "resources", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = ResourcePatch,
    responses((status = 200, body = ResourceView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
async fn update_resource(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    IfMatch(v): IfMatch,
    Json(b): Json<ResourcePatch>,
) -> Result<impl IntoResponse> {
    let tx = state.db.begin().await?;
    let r = resources::update(&tx, &auth.actor, id, v, b).await?;
    tx.commit().await?;
    Ok((
        etag(r.version),
        axum::Json(ResourceView::one(state.read(), r).await?),
    ))
}

/// Withdraw, mark used up, or offer again (its unit's users, or admins).
#[utoipa::path(post, path = "/resources/{id}/status", tag = "resources", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = StatusChange,
    responses((status = 200, body = ResourceView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn change_resource_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    IfMatch(v): IfMatch,
    Json(b): Json<StatusChange>,
) -> Result<impl IntoResponse> {
    let tx = state.db.begin().await?;
    let r = resources::change_status(&tx, &auth.actor, id, v, b.status).await?;
    tx.commit().await?;
    Ok((
        etag(r.version),
        axum::Json(ResourceView::one(state.read(), r).await?),
    ))
}

/// Remove a resource from the list (kept in the audit trail). Refused once it is in a project.
#[utoipa::path(delete, path = "/resources/{id}", tag = "resources", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn delete_resource(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    IfMatch(v): IfMatch,
) -> Result<StatusCode> {
    let tx = state.db.begin().await?;
    resources::delete(&tx, &auth.actor, id, v).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Confirm the resource still stands (复核, its unit's users, or admins): it stays matchable for another 90 days.
/// Any edit confirms it too.
#[utoipa::path(post, path = "/resources/{id}/confirm", tag = "resources", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = ResourceView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)))]
async fn confirm_resource(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    IfMatch(v): IfMatch,
) -> Result<impl IntoResponse> {
    let tx = state.db.begin().await?;
    let x = resources::confirm(&tx, &auth.actor, id, v).await?;
    tx.commit().await?;
    Ok((
        etag(x.version),
        axum::Json(ResourceView::one(state.read(), x).await?),
    ))
}
