//! Login, logout and "who am I".

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use validator::Validate;

use super::error::Problem;
use super::extract::{Auth, ClientIp, Json};
use super::views::UserView;
use crate::domain::auth::{self, Login};
use crate::domain::users::{self, PasswordHash};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::time::local;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
}

/// A user's change of their own password.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[validate(length(min = 1, message = "请填写当前密码"))]
    pub current_password: String,
    /// 8–128 characters, not easily guessed, not the current one (checked with the user's
    /// name in hand, so beyond this type).
    pub new_password: String,
}

/// Change your own password, giving the current one. Every other session of yours ends (this
/// token stays valid), and an initial password no longer has to be changed. Wrong current
/// passwords count against the login throttle.
#[utoipa::path(post, path = "/auth/password", tag = "auth", request_body = PasswordChange,
    responses((status = 204), (status = 401, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn change_password(
    State(state): State<AppState>,
    auth: Auth,
    ClientIp(ip): ClientIp,
    Json(input): Json<PasswordChange>,
) -> Result<StatusCode> {
    let who = (&auth.actor, &auth.user, auth.session.id);
    change_own_password(
        &state,
        who,
        ip,
        &input.current_password,
        &input.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the visitor's own password (the API's and the password page's), throttled like a
/// login: the current password is a password guess.
pub(crate) async fn change_own_password(
    state: &AppState,
    (actor, user, session): (&crate::domain::Actor, &entity::user::Model, i64),
    ip: Option<std::net::IpAddr>,
    current: &str,
    new: &str,
) -> Result<()> {
    if !state.login_throttle.begin(ip, &user.username) {
        return Err(Error::TooManyRequests(
            "密码错误次数过多，请15分钟后再试".into(),
        ));
    }
    let hash = PasswordHash::of(Some(new)).await?;
    let tx = state.db.begin().await?;
    users::change_own_password(&tx, actor, current, new, hash, session).await?;
    state.commit(tx).await?;
    state.login_throttle.succeeded(ip, &user.username);
    Ok(())
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
