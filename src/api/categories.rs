//! The category list.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Json};
use super::views::CategoryView;
use crate::domain::categories::{self, NewCategory};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_categories, create_category))
}

/// All categories (a short list, not paginated).
#[utoipa::path(get, path = "/categories", tag = "categories",
    responses((status = 200, body = Vec<CategoryView>), (status = 401, body = Problem)))]
async fn list_categories(
    State(state): State<AppState>,
    _auth: Auth,
) -> Result<axum::Json<Vec<CategoryView>>> {
    Ok(axum::Json(
        categories::list(state.read())
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Add a category (admins).
#[utoipa::path(post, path = "/categories", tag = "categories", request_body = NewCategory,
    responses((status = 201, body = CategoryView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_category(
    State(state): State<AppState>,
    auth: Auth,
    Json(b): Json<NewCategory>,
) -> Result<(StatusCode, axum::Json<CategoryView>)> {
    let tx = state.db.begin().await?;
    let c = categories::create(&tx, &auth.actor, b).await?;
    state.commit(tx).await?;
    Ok((StatusCode::CREATED, axum::Json(c.into())))
}
