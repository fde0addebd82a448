//! 登录 and 退出 for the pages: the same users, login throttle and audit as the API's login.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::pages::{self, PageResult, STYLE_VERSION};
use super::session::{self, LOGIN_COOKIE, LoginPost, Posted, SESSION_COOKIE};
use crate::api::extract::ClientIp;
use crate::domain::auth::{self, Login};
use crate::error::Error;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    username: String,
    next: String,
    error: Option<String>,
    style_version: &'static str,
}

/// Where to go after login: a path of this site only (never another site, never `//host`).
fn local_path(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

/// The login form, with a fresh CSRF cookie for it when the browser has none.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let token = session::cookie(&headers, LOGIN_COOKIE).unwrap_or_else(session::random_token);
    let page = LoginPage {
        csrf: token.clone(),
        username: String::new(),
        // Read leniently, as every page's query: a mangled address still shows the form.
        next: local_path(super::forms::Filters::parse(q.as_deref()).get("next")),
        error: None,
        style_version: STYLE_VERSION.as_str(),
    };
    let set = session::set_cookie(&state, &headers, LOGIN_COOKIE, &token, 3600);
    ([(header::SET_COOKIE, set)], pages::render(&page)).into_response()
}

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    post: LoginPost,
) -> Response {
    let f = &post.fields;
    let input = Login {
        username: f.get("username").to_owned(),
        password: f.all("password").first().copied().unwrap_or("").to_owned(),
    };
    let next = local_path(f.get("next"));
    let again = |status: StatusCode, message: String| {
        let page = LoginPage {
            csrf: f.get("_csrf").to_owned(),
            username: input.username.clone(),
            next: next.clone(),
            error: Some(message),
            style_version: STYLE_VERSION.as_str(),
        };
        pages::render_with(status, &page)
    };
    if input.username.is_empty() || input.password.is_empty() {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "请填写用户名和密码".into(),
        );
    }
    if !state.login_throttle.begin(ip, &input.username) {
        return again(
            StatusCode::TOO_MANY_REQUESTS,
            "密码错误次数过多，请15分钟后再试".into(),
        );
    }
    let opened = async {
        let user = auth::verify(state.read(), &input).await?;
        state.login_throttle.succeeded(ip, &input.username);
        let tx = state.db.begin().await?;
        let ttl = state.config.web_idle.min(state.config.token_ttl);
        let s = auth::open_session(&tx, user, ttl, session::request_id(&post.headers)).await?;
        state.commit(tx).await?;
        Ok::<_, Error>(s)
    };
    match opened.await {
        Ok(s) => {
            let max_age = state.config.token_ttl.as_secs();
            let set = session::set_cookie(&state, &post.headers, SESSION_COOKIE, &s.token, max_age);
            let clear = session::set_cookie(&state, &post.headers, LOGIN_COOKIE, "", 0);
            let mut resp = pages::see_other(&next);
            let h = resp.headers_mut();
            for c in [set, clear] {
                if let Ok(v) = c.parse() {
                    h.append(header::SET_COOKIE, v);
                }
            }
            resp
        }
        Err(Error::Unauthorized(m) | Error::Forbidden(m)) => again(StatusCode::UNAUTHORIZED, m),
        Err(e) => pages::ErrorPage::from(e).into_response(),
    }
}

/// Ends the session (the form in the header carries its CSRF token).
pub async fn logout(State(state): State<AppState>, post: Posted) -> PageResult {
    let v = post.visitor;
    let tx = state.db.begin().await?;
    auth::logout(&tx, &v.actor, v.session).await?;
    state.commit(tx).await?;
    let mut resp = pages::see_other("/login");
    let clear = format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    if let Ok(v) = clear.parse() {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}
