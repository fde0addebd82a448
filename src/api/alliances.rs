//! Alliances and their member units.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Json, Path, Query};
use super::views::{AllianceView, MemberView};
use crate::domain::alliances::{self, AllianceFilter, NewMember};
use crate::domain::{Page, PageParams};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_alliances))
        .routes(routes!(get_alliance))
        .routes(routes!(list_members, add_member))
}

/// Alliances, by level or street.
#[utoipa::path(get, path = "/alliances", tag = "alliances", params(AllianceFilter, PageParams),
    responses((status = 200, body = Page<AllianceView>), (status = 401, body = Problem)))]
async fn list_alliances(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<AllianceFilter>,
    Query(page): Query<PageParams>,
) -> Result<axum::Json<Page<AllianceView>>> {
    let mut p = alliances::list(state.read(), auth.actor.city_id, &f, page).await?;
    let items = AllianceView::many(state.read(), std::mem::take(&mut p.items)).await?;
    Ok(axum::Json(p.with_items(items)))
}

/// One alliance.
#[utoipa::path(get, path = "/alliances/{id}", tag = "alliances", params(("id" = i64, Path)),
    responses((status = 200, body = AllianceView), (status = 404, body = Problem)))]
async fn get_alliance(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<axum::Json<AllianceView>> {
    let a = alliances::get(state.read(), auth.actor.city_id, id).await?;
    Ok(axum::Json(
        AllianceView::many(state.read(), vec![a]).await?.remove(0),
    ))
}

/// Member units of an alliance.
#[utoipa::path(get, path = "/alliances/{id}/members", tag = "alliances", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = Page<MemberView>), (status = 404, body = Problem)))]
async fn list_members(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(page): Query<PageParams>,
) -> Result<axum::Json<Page<MemberView>>> {
    let mut p = alliances::members(state.read(), auth.actor.city_id, id, page).await?;
    let items = MemberView::many(state.read(), std::mem::take(&mut p.items)).await?;
    Ok(axum::Json(p.with_items(items)))
}

/// Add a member unit (the alliance's coordinator, or admins).
#[utoipa::path(post, path = "/alliances/{id}/members", tag = "alliances", params(("id" = i64, Path)), request_body = NewMember,
    responses((status = 201, body = MemberView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_member(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Json(b): Json<NewMember>,
) -> Result<(StatusCode, axum::Json<MemberView>)> {
    let tx = state.db.begin().await?;
    let m = alliances::add_member(&tx, &auth.actor, id, b).await?;
    let view = MemberView::many(&tx, vec![m]).await?.remove(0);
    state.commit(tx).await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}
