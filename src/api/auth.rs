//! Login, logout and "who am I".

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Json};
use super::views::UserView;
use crate::domain::auth::{self, Login};
use crate::error::Result;
use crate::state::AppState;
use crate::time::local;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<FixedOffset>,
    pub user: UserView,
}

/// Log in with username and password.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = Login, security(()),
    responses((status = 200, body = LoginResponse), (status = 401, body = Problem)))]
async fn login(
    State(state): State<AppState>,
    Json(input): Json<Login>,
) -> Result<axum::Json<LoginResponse>> {
    let s = auth::login(&state.db.write, &input, state.config.token_ttl).await?;
    Ok(axum::Json(LoginResponse {
        token: s.token,
        expires_at: local(s.expires_at),
        user: s.user.into(),
    }))
}

/// Revoke the token of this request.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", responses((status = 204), (status = 401, body = Problem)))]
async fn logout(State(state): State<AppState>, auth: Auth) -> Result<StatusCode> {
    auth::logout(&state.db.write, auth.session).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The logged-in user.
#[utoipa::path(get, path = "/auth/me", tag = "auth", responses((status = 200, body = UserView), (status = 401, body = Problem)))]
async fn me(auth: Auth) -> axum::Json<UserView> {
    axum::Json(auth.user.into())
}
