//! Extractors whose rejections are our own problem+json errors, never axum's plain text:
//! JSON bodies (with the path of the bad field), query strings, path ids, the bearer token
//! and `If-Match`.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts};
use serde::de::DeserializeOwned;
use serde_json::Value;
use validator::Validate;

use crate::domain::validation::text_problem;
use crate::domain::{Actor, auth};
use crate::error::{Error, FieldError};
use crate::state::AppState;

/// A JSON request body. Wrong content type → 415, too large → 413, bad syntax → 400, wrong
/// shape (unknown field, missing field, wrong type or value) → 422 naming the field.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + Validate, S: Send + Sync> FromRequest<S> for Json<T> {
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

/// Parses a JSON body into `T`, reporting as many problems as it can in one answer: text no
/// field may hold, wherever it is (see [`text_problem`]), every field of the wrong type or not
/// allowed, and the rules of the rest. Missing required fields are left to validation, which
/// reports them together with every other rule (inputs declare them `Option` +
/// `#[validate(required)]`).
pub fn parse_json<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Result<T, Error> {
    let mut value: Value = serde_json::from_slice(bytes).map_err(|e| {
        Error::BadRequest(format!(
            "JSON 格式错误（第{}行第{}列）",
            e.line(),
            e.column()
        ))
    })?;
    // Every body is an object; serde would also fill a struct from an array (`[null, null]`
    // read as its fields in order), accepting a body the document does not allow.
    if !value.is_object() {
        return Err(Error::field("body", "请求体须为 JSON 对象（{…}）"));
    }
    let mut problems = Vec::new();
    unacceptable_text(&value, "", &mut problems);
    // Each round finds the first wrong field; removing it lets the next round find the next.
    for _ in 0..32 {
        match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(v) if problems.is_empty() => return Ok(v),
            Ok(v) => {
                // With the mistyped fields set aside, the rest gets its field rules checked
                // too, so one answer still lists every problem it can.
                let reported: Vec<String> = problems.iter().map(|p| top_level(&p.field)).collect();
                let rest = crate::domain::validation::Problems::of(&v).into_errors();
                problems.extend(
                    rest.into_iter()
                        .filter(|p| !reported.contains(&top_level(&p.field))),
                );
                break;
            }
            Err(e) => {
                let problem = shape_error(&e.path().to_string(), &e.inner().to_string());
                let top = top_level(&problem.field);
                if !problems
                    .iter()
                    .any(|p: &FieldError| top_level(&p.field) == top)
                {
                    problems.push(problem);
                }
                let removed = match &mut value {
                    Value::Object(map) => map.remove(&top).is_some(),
                    _ => false,
                };
                if !removed {
                    break;
                }
            }
        }
    }
    problems.sort_by(|a, b| a.field.cmp(&b.field));
    Err(Error::Validation(problems))
}

/// `tags[1]` → `tags`, `scope.level` → `scope`.
fn top_level(field: &str) -> String {
    field.split(['.', '[']).next().unwrap_or("").to_owned()
}

/// Every string of the body, and every field name, checked by the one text rule.
fn unacceptable_text(value: &Value, path: &str, problems: &mut Vec<FieldError>) {
    match value {
        Value::String(s) => {
            if let Some(message) = text_problem(s) {
                problems.push(FieldError {
                    field: if path.is_empty() {
                        "body".into()
                    } else {
                        path.to_owned()
                    },
                    message: message.into(),
                });
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                unacceptable_text(v, &format!("{path}[{i}]"), problems);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if text_problem(k).is_some() {
                    problems.push(FieldError {
                        field: "body".into(),
                        message: "字段名包含不允许的字符".into(),
                    });
                } else {
                    unacceptable_text(v, &p, problems);
                }
            }
        }
        _ => {}
    }
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
        || msg.contains("input contains invalid")
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

/// A query string. Empty values (`?alliance_id=`) count as absent; a value that does not
/// parse, or a control character, answers 400 naming the parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        let raw = parts.uri.query().unwrap_or("");
        let mut pairs: Vec<(std::borrow::Cow<str>, std::borrow::Cow<str>)> = Vec::new();
        for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
            if k.chars().chain(v.chars()).any(char::is_control) {
                return Err(Error::BadRequest(format!(
                    "查询参数 {k} 包含不允许的控制字符"
                )));
            }
            if !v.is_empty() {
                // Every parameter takes one value: which of two would be meant is a guess.
                if pairs.iter().any(|(seen, _)| *seen == k) {
                    return Err(Error::BadRequest(format!(
                        "查询参数 {k} 出现了不止一次，只能给一个值"
                    )));
                }
                pairs.push((k, v));
            }
        }
        let cleaned = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(cleaned.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| {
                let problem = shape_error(&e.path().to_string(), &e.inner().to_string());
                Error::BadRequest(format!("查询参数 {} {}", problem.field, problem.message))
            })
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

/// The client's address: the peer of the connection or, when that peer is a trusted reverse
/// proxy (`LIANMENG_TRUSTED_PROXIES`), the nearest untrusted address in `X-Forwarded-For`.
pub struct ClientIp(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|i| i.0.ip());
        let trusted = &state.config.trusted_proxies;
        let Some(peer) = peer.filter(|p| trusted.contains(p)) else {
            return Ok(ClientIp(peer));
        };
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
            .collect::<Vec<_>>();
        let client = forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer);
        Ok(ClientIp(Some(client)))
    }
}

/// A multipart form that could not be read: over the route's limit (413, saying `too_large`)
/// or cut short or malformed (400).
pub(crate) fn unreadable_form(
    e: axum::extract::multipart::MultipartError,
    too_large: &str,
) -> Error {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        Error::PayloadTooLarge(too_large.into())
    } else {
        tracing::info!(error = %e.body_text(), "unreadable multipart form");
        Error::BadRequest("上传的表单不完整或格式不正确，请重新上传".into())
    }
}
