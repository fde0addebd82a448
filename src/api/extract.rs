//! Extractors whose rejections are our own problem+json errors, never axum's plain text:
//! JSON bodies (with the path of the bad field), query strings, path ids, the bearer token
//! and `If-Match`.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts};
use serde::de::DeserializeOwned;

use crate::domain::{Actor, auth};
use crate::error::{Error, FieldError};
use crate::state::AppState;

/// A JSON request body. Wrong content type → 415, too large → 413, bad syntax → 400, wrong
/// shape (unknown field, missing field, wrong type or value) → 422 naming the field.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(Error::UnsupportedMediaType(
                "请求体须为 JSON（Content-Type: application/json）".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                Error::PayloadTooLarge("请求体超过大小上限".into())
            } else {
                Error::BadRequest("无法读取请求体".into())
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                Error::Validation(vec![shape_error(&path, &inner.to_string())])
            }
            _ => Error::BadRequest(format!(
                "JSON 格式错误（第{}行第{}列）",
                inner.line(),
                inner.column()
            )),
        }
    })?;
    Ok(value)
}

/// Turns serde's English message into a field name and a Chinese message.
fn shape_error(path: &str, msg: &str) -> FieldError {
    let quoted = msg.split('`').nth(1).unwrap_or("").to_owned();
    let join = |parent: &str, name: &str| {
        if parent == "." || parent.is_empty() {
            name.to_owned()
        } else {
            format!("{parent}.{name}")
        }
    };
    let (field, message) = if msg.starts_with("unknown field") {
        let parent = path
            .strip_suffix(&quoted)
            .unwrap_or(path)
            .trim_end_matches('.');
        (join(parent, &quoted), "不允许的字段".to_owned())
    } else if msg.starts_with("missing field") {
        (join(path, &quoted), "缺少必填字段".to_owned())
    } else if msg.starts_with("unknown variant") {
        let options: Vec<&str> = msg
            .split("expected ")
            .nth(1)
            .unwrap_or("")
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        (
            path.to_owned(),
            format!("取值不正确，可选：{}", options.join("、")),
        )
    } else if msg.starts_with("invalid type") {
        (path.to_owned(), "类型不正确".to_owned())
    } else if msg.contains("invalid characters")
        || msg.contains("premature end")
        || msg.contains("input is out of range")
        || msg.contains("trailing input")
    {
        (path.to_owned(), "日期格式应为 YYYY-MM-DD".to_owned())
    } else {
        (path.to_owned(), "取值不正确".to_owned())
    };
    let field = if field == "." || field.is_empty() {
        "body".to_owned()
    } else {
        field
    };
    FieldError { field, message }
}

/// A query string; any value that does not parse → 400 naming the problem.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(q)
            .map(Query)
            .map_err(|e| Error::BadRequest(format!("查询参数不正确：{e}")))
    }
}

/// Path parameters; a non-numeric id → 400.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|_| Error::BadRequest("路径中的编号不正确".into()))
    }
}

/// The logged-in user, from `Authorization: Bearer <token>`.
pub struct Auth {
    pub actor: Actor,
    pub session: entity::session::Model,
    pub user: entity::user::Model,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| Error::Unauthorized("请先登录".into()))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .ok_or_else(|| Error::Unauthorized("Authorization 头须为 Bearer 令牌".into()))?
            .trim();
        let (session, user) = auth::authenticate(state.read(), token).await?;
        let request_id = parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let actor = auth::actor_of(&user, request_id)?;
        Ok(Auth {
            actor,
            session,
            user,
        })
    }
}

/// `If-Match: "<version>"` for optimistic concurrency; absent means "whatever is there".
pub struct IfMatch(pub Option<i32>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        let Some(v) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let s = v.to_str().unwrap_or("").trim();
        if s == "*" {
            return Ok(IfMatch(None));
        }
        s.trim_start_matches("W/")
            .trim_matches('"')
            .parse()
            .map(|v| IfMatch(Some(v)))
            .map_err(|_| Error::BadRequest("If-Match 须为资源的 ETag（如 \"3\"）".into()))
    }
}

/// The ETag of a versioned row.
pub fn etag(version: i32) -> [(header::HeaderName, String); 1] {
    [(header::ETAG, format!("\"{version}\""))]
}
