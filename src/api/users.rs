//! User management (admins).

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Json, Query};
use super::views::UserView;
use crate::domain::users::{self, NewUser};
use crate::domain::{Page, PageParams};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_users, create_user))
}

/// All users (admins).
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
    let tx = state.db.begin().await?;
    let u = users::create(&tx, Some(&auth.actor), auth.actor.city_id, b).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(u.into())))
}
