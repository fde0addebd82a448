//! User management (admins).

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Json, Path, Query};
use super::views::UserView;
use crate::domain::users::{self, NewUser, PasswordHash, UserPatch};
use crate::domain::{Page, PageParams};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
}

/// All users of the city (admins).
#[utoipa::path(get, path = "/users", tag = "users", params(PageParams),
    responses((status = 200, body = Page<UserView>), (status = 403, body = Problem)))]
async fn list_users(
    State(state): State<AppState>,
    auth: Auth,
    Query(page): Query<PageParams>,
) -> Result<axum::Json<Page<UserView>>> {
    Ok(axum::Json(
        users::list(state.read(), &auth.actor, page)
            .await?
            .map(UserView::from),
    ))
}

/// Create a user (admins). Coordinators need `alliance_id`, members `organization_id`.
#[utoipa::path(post, path = "/users", tag = "users", request_body = NewUser,
    responses((status = 201, body = UserView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_user(
    State(state): State<AppState>,
    auth: Auth,
    Json(b): Json<NewUser>,
) -> Result<(StatusCode, axum::Json<UserView>)> {
    auth.actor.require_admin()?;
    let hash = PasswordHash::of(b.password.as_deref()).await?;
    let tx = state.db.begin().await?;
    let u = users::create(&tx, Some(&auth.actor), auth.actor.city_id, b, hash).await?;
    state.commit(tx).await?;
    Ok((StatusCode::CREATED, axum::Json(u.into())))
}

/// One user (admins).
#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = UserView), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_user(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<axum::Json<UserView>> {
    Ok(axum::Json(
        users::get(state.read(), &auth.actor, id).await?.into(),
    ))
}

/// Rename, reset the password, or disable/enable a user (admins). A new password or disabling
/// logs the user out everywhere.
#[utoipa::path(patch, path = "/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UserPatch,
    responses((status = 200, body = UserView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_user(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Json(b): Json<UserPatch>,
) -> Result<axum::Json<UserView>> {
    auth.actor.require_admin()?;
    let hash = PasswordHash::of(b.password.as_deref()).await?;
    let tx = state.db.begin().await?;
    let u = users::update(&tx, &auth.actor, id, b, hash).await?;
    state.commit(tx).await?;
    Ok(axum::Json(u.into()))
}
