//! The region tree over HTTP: districts, streets, communities. Admins create and rename them.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Json, Path, Query};
use super::views::RegionView;
use crate::domain::regions::{self, Level, NewRegion, RenameRegion};
use crate::domain::validation::trimmed_opt;
use crate::domain::{Page, PageParams, alliances};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_districts, create_district))
        .routes(routes!(rename_district))
        .routes(routes!(list_streets, create_street))
        .routes(routes!(rename_street))
        .routes(routes!(list_communities, create_community))
        .routes(routes!(rename_community))
}

#[derive(Debug, Deserialize, ToSchema, validator::Validate)]
#[serde(deny_unknown_fields)]
pub struct NewDistrict {
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[schema(required = true)]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[schema(required = true)]
    pub name: Option<String>,
    /// Defaults to the deployment's city.
    pub city_id: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema, validator::Validate)]
#[serde(deny_unknown_fields)]
pub struct NewStreet {
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[schema(required = true)]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[schema(required = true)]
    pub name: Option<String>,
    #[schema(required = true)]
    pub district_id: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema, validator::Validate)]
#[serde(deny_unknown_fields)]
pub struct NewCommunity {
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[schema(required = true)]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[schema(required = true)]
    pub name: Option<String>,
    #[schema(required = true)]
    pub street_id: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DistrictQuery {
    pub city_id: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreetQuery {
    pub district_id: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommunityQuery {
    pub street_id: Option<i64>,
}

async fn create(
    state: &AppState,
    auth: &Auth,
    level: Level,
    field: &str,
    input: NewRegion,
) -> Result<(StatusCode, axum::Json<RegionView>)> {
    let tx = state.db.begin().await?;
    let region = regions::create(&tx, &auth.actor, level, field, input).await?;
    let alliance = alliances::of_region(&tx, region.id).await?.map(|a| a.id);
    state.commit(tx).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(RegionView::new(region, alliance)),
    ))
}

async fn rename(
    state: &AppState,
    auth: &Auth,
    id: i64,
    level: Level,
    input: RenameRegion,
) -> Result<axum::Json<RegionView>> {
    let tx = state.db.begin().await?;
    let region = regions::rename(&tx, &auth.actor, id, level, input).await?;
    let alliance = alliances::of_region(&tx, region.id).await?.map(|a| a.id);
    state.commit(tx).await?;
    Ok(axum::Json(RegionView::new(region, alliance)))
}

async fn list(
    state: &AppState,
    auth: &Auth,
    level: Level,
    parent: Option<i64>,
    page: PageParams,
) -> Result<axum::Json<Page<RegionView>>> {
    let mut p = regions::list(state.read(), auth.actor.city_id, level, parent, page).await?;
    let items = RegionView::many(state.read(), std::mem::take(&mut p.items)).await?;
    Ok(axum::Json(p.with_items(items)))
}

/// Districts (县/市/区) of a city.
#[utoipa::path(get, path = "/districts", tag = "regions", params(DistrictQuery, PageParams),
    responses((status = 200, body = Page<RegionView>), (status = 401, body = Problem)))]
async fn list_districts(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<DistrictQuery>,
    Query(page): Query<PageParams>,
) -> Result<axum::Json<Page<RegionView>>> {
    list(
        &state,
        &auth,
        Level::District,
        Some(q.city_id.unwrap_or(auth.actor.city_id)),
        page,
    )
    .await
}

/// Create a district (admins).
#[utoipa::path(post, path = "/districts", tag = "regions", request_body = NewDistrict,
    responses((status = 201, body = RegionView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_district(
    State(state): State<AppState>,
    auth: Auth,
    Json(b): Json<NewDistrict>,
) -> Result<(StatusCode, axum::Json<RegionView>)> {
    create(
        &state,
        &auth,
        Level::District,
        "city_id",
        NewRegion {
            code: b.code,
            name: b.name,
            parent_id: b.city_id,
        },
    )
    .await
}

/// Rename a district (admins).
#[utoipa::path(patch, path = "/districts/{id}", tag = "regions", request_body = RenameRegion, params(("id" = i64, Path)),
    responses((status = 200, body = RegionView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn rename_district(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Json(b): Json<RenameRegion>,
) -> Result<axum::Json<RegionView>> {
    rename(&state, &auth, id, Level::District, b).await
}

/// Streets (街道), optionally of one district.
#[utoipa::path(get, path = "/streets", tag = "regions", params(StreetQuery, PageParams),
    responses((status = 200, body = Page<RegionView>), (status = 401, body = Problem)))]
async fn list_streets(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<StreetQuery>,
    Query(page): Query<PageParams>,
) -> Result<axum::Json<Page<RegionView>>> {
    list(&state, &auth, Level::Street, q.district_id, page).await
}

/// Create a street and its 街道党建联盟 (admins).
#[utoipa::path(post, path = "/streets", tag = "regions", request_body = NewStreet,
    responses((status = 201, body = RegionView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_street(
    State(state): State<AppState>,
    auth: Auth,
    Json(b): Json<NewStreet>,
) -> Result<(StatusCode, axum::Json<RegionView>)> {
    create(
        &state,
        &auth,
        Level::Street,
        "district_id",
        NewRegion {
            code: b.code,
            name: b.name,
            parent_id: b.district_id,
        },
    )
    .await
}

/// Rename a street (admins); its alliance is renamed too.
#[utoipa::path(patch, path = "/streets/{id}", tag = "regions", request_body = RenameRegion, params(("id" = i64, Path)),
    responses((status = 200, body = RegionView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn rename_street(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Json(b): Json<RenameRegion>,
) -> Result<axum::Json<RegionView>> {
    rename(&state, &auth, id, Level::Street, b).await
}

/// Communities (社区), optionally of one street.
#[utoipa::path(get, path = "/communities", tag = "regions", params(CommunityQuery, PageParams),
    responses((status = 200, body = Page<RegionView>), (status = 401, body = Problem)))]
async fn list_communities(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<CommunityQuery>,
    Query(page): Query<PageParams>,
) -> Result<axum::Json<Page<RegionView>>> {
    list(&state, &auth, Level::Community, q.street_id, page).await
}

/// Create a community and its 社区党建联席会议 (admins).
#[utoipa::path(post, path = "/communities", tag = "regions", request_body = NewCommunity,
    responses((status = 201, body = RegionView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_community(
    State(state): State<AppState>,
    auth: Auth,
    Json(b): Json<NewCommunity>,
) -> Result<(StatusCode, axum::Json<RegionView>)> {
    create(
        &state,
        &auth,
        Level::Community,
        "street_id",
        NewRegion {
            code: b.code,
            name: b.name,
            parent_id: b.street_id,
        },
    )
    .await
}

/// Rename a community (admins); its alliance is renamed too.
#[utoipa::path(patch, path = "/communities/{id}", tag = "regions", request_body = RenameRegion, params(("id" = i64, Path)),
    responses((status = 200, body = RegionView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn rename_community(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Json(b): Json<RenameRegion>,
) -> Result<axum::Json<RegionView>> {
    rename(&state, &auth, id, Level::Community, b).await
}
