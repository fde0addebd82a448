//! HTTP: one router per resource kind, merged here under `/api/v1`, with the OpenAPI document,
//! the docs page, health, readiness and metrics, and the middleware every request passes.

mod alliances;
mod audit;
pub(crate) mod auth;
mod categories;
mod doc;
pub mod error;
pub mod extract;
mod lists;
mod match_plan;
pub(crate) mod matching;
mod needs;
mod notifications;
mod organizations;
pub(crate) mod photos;
mod projects;
mod regions;
mod resources;
pub(crate) mod spreadsheets;
pub(crate) mod stats;
mod users;
pub mod views;
mod webhooks;

use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::Error;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "lianmeng 党建联盟资源对接 API", description = "资源清单、需求清单、项目清单。除登录外，所有接口需 `Authorization: Bearer <token>`。"),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "auth", description = "登录与会话"),
        (name = "regions", description = "区县、街道、社区"),
        (name = "alliances", description = "街道党建联盟与社区党建联席会议"),
        (name = "organizations", description = "成员单位"),
        (name = "categories", description = "类别"),
        (name = "users", description = "用户"),
        (name = "resources", description = "资源清单"),
        (name = "needs", description = "需求清单"),
        (name = "projects", description = "项目清单"),
        (name = "matching", description = "资源与需求匹配、搜索"),
        (name = "stats", description = "统计"),
        (name = "spreadsheets", description = "清单导入导出（CSV、XLSX）"),
        (name = "audit", description = "操作审计（管理员）"),
        (name = "notifications", description = "通知"),
        (name = "webhooks", description = "联盟的事件推送（Webhook）"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The API routes and their OpenAPI document.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let v1 = OpenApiRouter::new()
        .merge(auth::router())
        .merge(audit::router())
        .merge(notifications::router())
        .merge(webhooks::router())
        .merge(stats::router())
        .merge(spreadsheets::router())
        .merge(regions::router())
        .merge(alliances::router())
        .merge(organizations::router())
        .merge(categories::router())
        .merge(users::router())
        .merge(resources::router())
        .merge(needs::router())
        .merge(projects::router())
        .merge(photos::router())
        .merge(match_plan::router())
        .merge(matching::router());
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", v1)
        .split_for_parts();
    doc::complete(&mut doc);
    (router, doc)
}

/// The OpenAPI document alone (for tests and tooling).
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, doc) = api();
    let x_request_id = HeaderName::from_static("x-request-id");
    // Layers run outside-in in the reverse order of these calls: the request id is set first
    // (so the trace span and the audit rows carry it), and the metrics and problem+json
    // mapping sit outside the timeout and the panic catcher, so those answers are counted
    // and get a body too.
    Router::new()
        .merge(api)
        .merge(crate::web::router())
        .merge(SwaggerUi::new("/docs").url("/api/openapi.json", doc))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, state.config.request_timeout))
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(middleware::map_response(problem_for_bare_errors))
        .layer(middleware::map_response(close_after_refused_body))
        .layer(middleware::from_fn_with_state(state.clone(), record_metrics))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), uri = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .layer(middleware::map_request(drop_unusable_request_id))
        .with_state(state)
}

/// A client may send its own `X-Request-Id` to correlate logs, but only a short plain one:
/// anything else is dropped and replaced by a fresh id, since it ends up in logs and audit rows.
async fn drop_unusable_request_id(mut req: Request) -> Request {
    let usable = req.headers().get("x-request-id").is_none_or(|v| {
        let b = v.as_bytes();
        (1..=64).contains(&b.len())
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    });
    if !usable {
        req.headers_mut().remove("x-request-id");
    }
    req
}

/// A panic in a handler is a bug: log it and answer the fixed 500 problem.
fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    Error::Internal(anyhow::anyhow!("handler panicked: {detail}")).into_response()
}

async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers.
async fn readyz(State(state): State<AppState>) -> Response {
    // Bounded: waiting for the pool's connect timeout would answer "ready" late, after the
    // database came back, instead of "not ready" while it is away.
    let ping = tokio::time::timeout(std::time::Duration::from_secs(1), state.read().ping()).await;
    match ping.unwrap_or_else(|_| Err(sea_orm::DbErr::Custom("no answer within 1 s".into()))) {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not reachable");
            error::problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "not-ready",
                "服务未就绪",
                "数据库无法连接".into(),
                vec![],
            )
        }
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    // Read at scrape time: the index's distance from the database is what an operator alerts
    // on (a full disk under the index stops it, while writes go on landing).
    match state.search.health(&state.db).await {
        Ok(h) => state.metrics.record_index(h.lag, h.failing, h.broken),
        Err(e) => tracing::warn!(error = %e, "search index health unknown"),
    }
    let embedder = &state.search.embedder;
    state
        .metrics
        .record_embeddings(embedder.pending(), embedder.vectors.total());
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

/// An unknown address: a page for a browser, a problem for everyone else.
async fn not_found(headers: axum::http::HeaderMap) -> Response {
    if crate::web::wants_page(&headers) {
        return crate::web::not_found().into_response();
    }
    Error::NotFound("没有这个地址".into()).into_response()
}

async fn method_not_allowed() -> Response {
    error::problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "不支持的请求方法",
        "该地址不支持此请求方法".into(),
        vec![],
    )
}

/// Request counts and latencies by route template (never the raw path, which would explode
/// the label set) and status.
async fn record_metrics(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    // A fixed set of method labels: clients must not be able to grow the series without bound.
    let method = match req.method().as_str() {
        m @ ("GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS") => m.to_owned(),
        _ => "OTHER".to_owned(),
    };
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let resp = next.run(req).await;
    state
        .metrics
        .record_request(&method, &route, resp.status().as_u16(), started.elapsed());
    resp
}

/// A body refused as too large is left unread, and hyper then drops the connection after the
/// answer without saying so: a client that reused it for its next request saw that request
/// fail (an incomplete message). `Connection: close` tells it not to.
async fn close_after_refused_body(mut resp: Response) -> Response {
    if resp.status() == StatusCode::PAYLOAD_TOO_LARGE {
        resp.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
    }
    resp
}

/// Layers around our handlers (timeout, body limit, method routing) answer with bare status
/// codes, and a few of axum's own rejections with English plain text; give every one a
/// problem+json body in Chinese (the English text is logged, never shown).
async fn problem_for_bare_errors(resp: Response) -> Response {
    let status = resp.status();
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !(status.is_client_error() || status.is_server_error())
        || content_type.starts_with("application/problem+json")
        || content_type.starts_with("text/html")
    {
        return resp;
    }
    if !content_type.is_empty() {
        tracing::info!(%status, content_type, "a bare error answer was replaced by a problem");
    }
    let (title, detail) = bare_status_text(status);
    let mut fresh = error::problem(status, "http", title, detail.into(), vec![]);
    for (k, v) in resp.headers() {
        if k != header::CONTENT_TYPE
            && k != header::CONTENT_LENGTH
            && !fresh.headers().contains_key(k)
        {
            fresh.headers_mut().insert(k.clone(), v.clone());
        }
    }
    fresh
}

/// The Chinese title and detail of an error status that came without a body of ours.
fn bare_status_text(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::SERVICE_UNAVAILABLE => ("服务繁忙", "请求处理超时，请稍后再试"),
        StatusCode::REQUEST_TIMEOUT => ("请求超时", "请求未能及时发送完，请重试"),
        StatusCode::PAYLOAD_TOO_LARGE => ("内容过大", "请求内容超过了允许的大小"),
        StatusCode::BAD_REQUEST => ("请求格式不正确", "请求无法解析"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("不支持的内容类型", "请求的内容类型不受支持"),
        StatusCode::UNPROCESSABLE_ENTITY => ("数据校验未通过", "请求内容无法处理"),
        StatusCode::NOT_FOUND => ("未找到", "没有这个地址"),
        StatusCode::METHOD_NOT_ALLOWED => ("不支持的请求方法", "该地址不支持此请求方法"),
        StatusCode::TOO_MANY_REQUESTS => ("请求过于频繁", "请稍后再试"),
        s if s.is_server_error() => ("服务器内部错误", "服务器暂时无法完成请求，请稍后再试"),
        _ => ("请求无法完成", "请求无法完成"),
    }
}
