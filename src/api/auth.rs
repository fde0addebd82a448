//! Login, logout and "who am I".

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, ClientIp, Json};
use super::views::UserView;
use crate::domain::auth::{self, Login};
use crate::error::{Error, Result};
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
    responses((status = 200, body = LoginResponse), (status = 401, body = Problem), (status = 429, body = Problem)))]
async fn login(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    ClientIp(ip): ClientIp,
    Json(input): Json<Login>,
) -> Result<axum::Json<LoginResponse>> {
    if !state.login_throttle.begin(ip, &input.username) {
        return Err(Error::TooManyRequests(
            "密码错误次数过多，请15分钟后再试".into(),
        ));
    }
    let user = auth::verify(state.read(), &input).await?;
    state.login_throttle.succeeded(ip, &input.username);
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let tx = state.db.begin().await?;
    let s = auth::open_session(&tx, user, state.config.token_ttl, request_id).await?;
    state.commit(tx).await?;
    Ok(axum::Json(LoginResponse {
        token: s.token,
        expires_at: local(s.expires_at),
        user: s.user.into(),
    }))
}

/// Revoke the token of this request.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", responses((status = 204), (status = 401, body = Problem)))]
async fn logout(State(state): State<AppState>, auth: Auth) -> Result<StatusCode> {
    let tx = state.db.begin().await?;
    auth::logout(&tx, &auth.actor, auth.session).await?;
    state.commit(tx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The logged-in user.
#[utoipa::path(get, path = "/auth/me", tag = "auth", responses((status = 200, body = UserView), (status = 401, body = Problem)))]
async fn me(auth: Auth) -> axum::Json<UserView> {
    axum::Json(auth.user.into())
}
