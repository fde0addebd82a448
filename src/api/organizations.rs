//! Member units (成员单位).

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Json, Path, Query};
use super::views::OrganizationView;
use crate::domain::organizations::{self, NewOrganization, OrganizationFilter, OrganizationPatch};
use crate::domain::{Page, PageParams};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_organizations, create_organization))
        .routes(routes!(get_organization, update_organization))
}

/// Member units of the city, searchable by name.
#[utoipa::path(get, path = "/organizations", tag = "organizations", params(OrganizationFilter, PageParams),
    responses((status = 200, body = Page<OrganizationView>), (status = 401, body = Problem)))]
async fn list_organizations(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<OrganizationFilter>,
    Query(page): Query<PageParams>,
) -> Result<axum::Json<Page<OrganizationView>>> {
    let mut p = organizations::list(state.read(), &auth.actor, &f, page).await?;
    let items =
        OrganizationView::many(state.read(), &auth.actor, std::mem::take(&mut p.items)).await?;
    Ok(axum::Json(p.with_items(items)))
}

/// Register a member unit (admins and coordinators).
#[utoipa::path(post, path = "/organizations", tag = "organizations", request_body = NewOrganization,
    responses((status = 201, body = OrganizationView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_organization(
    State(state): State<AppState>,
    auth: Auth,
    Json(b): Json<NewOrganization>,
) -> Result<(StatusCode, axum::Json<OrganizationView>)> {
    let tx = state.db.begin().await?;
    let o = organizations::create(&tx, &auth.actor, b).await?;
    state.commit(tx).await?;
    // Whoever registers a unit has just typed its contacts.
    Ok((
        StatusCode::CREATED,
        axum::Json(OrganizationView::new(o, true)),
    ))
}

/// One member unit.
#[utoipa::path(get, path = "/organizations/{id}", tag = "organizations", params(("id" = i64, Path)),
    responses((status = 200, body = OrganizationView), (status = 404, body = Problem)))]
async fn get_organization(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<axum::Json<OrganizationView>> {
    let o = organizations::get(state.read(), auth.actor.city_id, id).await?;
    let mut views = OrganizationView::many(state.read(), &auth.actor, vec![o]).await?;
    Ok(axum::Json(views.remove(0)))
}

/// Edit a member unit (its own users, or admins).
#[utoipa::path(patch, path = "/organizations/{id}", tag = "organizations", params(("id" = i64, Path)), request_body = OrganizationPatch,
    responses((status = 200, body = OrganizationView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_organization(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Json(b): Json<OrganizationPatch>,
) -> Result<axum::Json<OrganizationView>> {
    let tx = state.db.begin().await?;
    let o = organizations::update(&tx, &auth.actor, id, b).await?;
    state.commit(tx).await?;
    // Only the unit's own users and admins may edit it.
    Ok(axum::Json(OrganizationView::new(o, true)))
}
