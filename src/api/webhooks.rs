//! An alliance's webhooks over HTTP (its coordinators and admins): register receivers, see
//! every delivery with its attempts, send a test, send a given-up delivery again.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, IfMatch, Json, Path, Query, etag};
use super::views::{DeliveryView, WebhookView};
use crate::domain::webhooks::{self, DeliveryFilter, NewWebhook, WebhookPatch};
use crate::domain::{Page, PageParams};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(webhook_events))
        .routes(routes!(get_webhook, update_webhook, delete_webhook))
        .routes(routes!(ping_webhook))
        .routes(routes!(list_deliveries))
        .routes(routes!(retry_delivery))
}

/// An alliance's webhooks.
#[utoipa::path(get, path = "/alliances/{id}/webhooks", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<WebhookView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn list_webhooks(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<axum::Json<Vec<WebhookView>>> {
    let hooks = webhooks::list(state.read(), &auth.actor, id).await?;
    Ok(axum::Json(
        hooks
            .into_iter()
            .map(|w| WebhookView::new(w, false))
            .collect(),
    ))
}

/// Register a receiver of the alliance's events. The answer carries the signing `secret`,
/// shown this once: each delivery has `X-Lianmeng-Signature: sha256=<hex>`, the HMAC-SHA256
/// under it of `"<X-Lianmeng-Timestamp>.<body>"`.
#[utoipa::path(post, path = "/alliances/{id}/webhooks", tag = "webhooks", params(("id" = i64, Path)),
    request_body = NewWebhook,
    responses((status = 201, body = WebhookView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_webhook(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Json(b): Json<NewWebhook>,
) -> Result<impl IntoResponse> {
    let allow = state.config.notify.webhook_allow_private;
    let tx = state.db.begin().await?;
    let w = webhooks::create(&tx, &auth.actor, id, b, allow).await?;
    state.commit(tx).await?;
    Ok((
        StatusCode::CREATED,
        etag(w.version),
        axum::Json(WebhookView::new(w, true)),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventInfo {
    pub name: &'static str,
    pub description: &'static str,
}

/// The events a webhook can receive.
#[utoipa::path(get, path = "/webhooks/events", tag = "webhooks",
    responses((status = 200, body = Vec<EventInfo>)))]
async fn webhook_events(_auth: Auth) -> axum::Json<Vec<EventInfo>> {
    axum::Json(
        webhooks::EVENTS
            .iter()
            .map(|&(name, description)| EventInfo { name, description })
            .collect(),
    )
}

#[utoipa::path(get, path = "/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = WebhookView), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_webhook(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse> {
    let w = webhooks::get(state.read(), &auth.actor, id).await?;
    Ok((etag(w.version), axum::Json(WebhookView::new(w, false))))
}

/// Change the address or events, pause or resume (`active`), or renew the secret
/// (`rotate_secret: true`; the new one is in this answer only). `If-Match` refuses a stale
/// change (412).
#[utoipa::path(patch, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = WebhookPatch,
    responses((status = 200, body = WebhookView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
async fn update_webhook(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    IfMatch(v): IfMatch,
    Json(b): Json<WebhookPatch>,
) -> Result<impl IntoResponse> {
    let rotated = b.rotate_secret == Some(true);
    let allow = state.config.notify.webhook_allow_private;
    let tx = state.db.begin().await?;
    let w = webhooks::update(&tx, &auth.actor, id, v, b, allow).await?;
    state.commit(tx).await?;
    Ok((etag(w.version), axum::Json(WebhookView::new(w, rotated))))
}

/// Remove a webhook; its delivery history is kept, waiting deliveries are given up.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_webhook(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    let tx = state.db.begin().await?;
    webhooks::delete(&tx, &auth.actor, id).await?;
    state.commit(tx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Queue a test delivery (event `ping`); follow it in the deliveries list.
#[utoipa::path(post, path = "/webhooks/{id}/ping", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 202, body = DeliveryView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn ping_webhook(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse> {
    let tx = state.db.begin().await?;
    let d = webhooks::ping(&tx, &auth.actor, id).await?;
    state.commit(tx).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(DeliveryView::from(d))))
}

/// A webhook's deliveries, newest first, with their attempts and last error.
#[utoipa::path(get, path = "/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = i64, Path), DeliveryFilter, PageParams),
    responses((status = 200, body = Page<DeliveryView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn list_deliveries(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(f): Query<DeliveryFilter>,
    Query(page): Query<PageParams>,
) -> Result<axum::Json<Page<DeliveryView>>> {
    let p = webhooks::deliveries(state.read(), &auth.actor, id, &f, page).await?;
    Ok(axum::Json(p.map(DeliveryView::from)))
}

/// Send a given-up (`failed`) delivery again, with a fresh set of attempts.
#[utoipa::path(post, path = "/webhooks/{id}/deliveries/{delivery_id}/retry", tag = "webhooks",
    params(("id" = i64, Path), ("delivery_id" = i64, Path)),
    responses((status = 202, body = DeliveryView), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn retry_delivery(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, delivery_id)): Path<(i64, i64)>,
) -> Result<impl IntoResponse> {
    let tx = state.db.begin().await?;
    let d = webhooks::redeliver(&tx, &auth.actor, id, delivery_id).await?;
    state.commit(tx).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(DeliveryView::from(d))))
}
