//! Every error answers RFC 9457 `application/problem+json`, with Chinese titles and, for
//! validation failures, every bad field at once. A 500's body is always the same fixed text;
//! its cause is logged once, here, inside the request's span (which carries the request id).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::Duplicate;
use crate::error::{Error, FieldError};

/// The problem+json body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Present on 422: each bad field with its message.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Present on a 409 duplicate warning: the open entries this one nearly repeats.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<Duplicate>,
}

pub fn problem(
    status: StatusCode,
    slug: &str,
    title: &str,
    detail: String,
    errors: Vec<FieldError>,
) -> Response {
    let body = Problem {
        kind: format!("/problems/{slug}"),
        title: title.into(),
        status: status.as_u16(),
        detail,
        errors,
        duplicates: Vec::new(),
    };
    with_type(status, body)
}

fn with_type(status: StatusCode, body: Problem) -> Response {
    let mut resp = (status, axum::Json(body)).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    resp
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        use StatusCode as S;
        let (status, slug, title, detail, errors) = match self {
            Error::Duplicates(duplicates) => {
                let body = Problem {
                    kind: "/problems/duplicate".into(),
                    title: "可能重复".into(),
                    status: S::CONFLICT.as_u16(),
                    detail: format!(
                        "与已有的「{}」等 {} 条几乎相同；确需发布请带上 \"allow_duplicate\": true 再提交",
                        duplicates.first().map_or("", |d| d.title.as_str()),
                        duplicates.len()
                    ),
                    errors: Vec::new(),
                    duplicates,
                };
                return with_type(S::CONFLICT, body);
            }
            Error::BadRequest(d) => (S::BAD_REQUEST, "bad-request", "请求格式不正确", d, vec![]),
            Error::Unauthorized(d) => (
                S::UNAUTHORIZED,
                "unauthorized",
                "未登录或登录已失效",
                d,
                vec![],
            ),
            Error::Forbidden(d) => (S::FORBIDDEN, "forbidden", "没有权限", d, vec![]),
            Error::NotFound(d) => (S::NOT_FOUND, "not-found", "未找到", d, vec![]),
            Error::Conflict(d) => (S::CONFLICT, "conflict", "操作与当前状态冲突", d, vec![]),
            Error::PreconditionFailed(d) => (
                S::PRECONDITION_FAILED,
                "stale-version",
                "记录已被修改",
                d,
                vec![],
            ),
            Error::PayloadTooLarge(d) => {
                (S::PAYLOAD_TOO_LARGE, "too-large", "请求体过大", d, vec![])
            }
            Error::UnsupportedMediaType(d) => (
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "不支持的内容类型",
                d,
                vec![],
            ),
            Error::TooManyRequests(d) => (
                S::TOO_MANY_REQUESTS,
                "too-many-requests",
                "请求过于频繁",
                d,
                vec![],
            ),
            Error::Unavailable(d) => (S::SERVICE_UNAVAILABLE, "unavailable", "服务繁忙", d, vec![]),
            Error::SearchRepairing => (
                S::SERVICE_UNAVAILABLE,
                "search-repairing",
                "匹配与搜索暂不可用",
                "搜索索引损坏，正在从数据库重建；清单的查看和填报不受影响，请稍后再试".into(),
                vec![],
            ),
            Error::Validation(errors) => {
                let detail = format!("有{}处填写不正确", errors.len());
                (
                    S::UNPROCESSABLE_ENTITY,
                    "validation",
                    "数据校验未通过",
                    detail,
                    errors,
                )
            }
            Error::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                let detail = "服务器暂时无法完成请求，请稍后再试".to_owned();
                (
                    S::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误",
                    detail,
                    vec![],
                )
            }
        };
        let mut resp = problem(status, slug, title, detail, errors);
        match status {
            S::UNAUTHORIZED => {
                resp.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            S::SERVICE_UNAVAILABLE => {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            S::TOO_MANY_REQUESTS => {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("900"));
            }
            _ => {}
        }
        resp
    }
}
