//! Notifications over HTTP: the caller's own, newest first; mark one or all read.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Path, Query};
use super::views::NotificationView;
use crate::domain::PageParams;
use crate::domain::notifications::{self, NotificationFilter};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(read_notification))
        .routes(routes!(read_all_notifications))
}

/// A page of notifications, with the count of all unread ones (for a badge).
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// Unread notifications in all, whatever the filter.
    pub unread: u64,
}

/// The caller's notifications, newest first: new resources matching their alliance's needs
/// (`match`), projects they take part in (`project`), entries due for review (`review_due`).
#[utoipa::path(get, path = "/notifications", tag = "notifications",
    params(NotificationFilter, PageParams),
    responses((status = 200, body = NotificationPage), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn list_notifications(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<NotificationFilter>,
    Query(page): Query<PageParams>,
) -> Result<axum::Json<NotificationPage>> {
    let (p, unread) = notifications::list(state.read(), &auth.actor, &f, page).await?;
    Ok(axum::Json(NotificationPage {
        items: p.items.into_iter().map(NotificationView::from).collect(),
        total: p.total,
        page: p.page,
        per_page: p.per_page,
        unread,
    }))
}

/// Mark one of the caller's notifications read.
#[utoipa::path(post, path = "/notifications/{id}/read", tag = "notifications", params(("id" = i64, Path)),
    responses((status = 200, body = NotificationView), (status = 404, body = Problem)))]
async fn read_notification(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<axum::Json<NotificationView>> {
    let n = notifications::mark_read(&state.db.write, &auth.actor, id).await?;
    Ok(axum::Json(n.into()))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadAll {
    /// Only up to this id (the newest one shown), so one that arrived meanwhile stays unread.
    pub up_to: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    /// How many were marked read.
    pub marked: u64,
}

/// Mark all the caller's unread notifications read (up to `up_to` when given).
#[utoipa::path(post, path = "/notifications/read-all", tag = "notifications", params(ReadAll),
    responses((status = 200, body = Marked), (status = 401, body = Problem)))]
async fn read_all_notifications(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ReadAll>,
) -> Result<axum::Json<Marked>> {
    let marked = notifications::mark_all_read(&state.db.write, &auth.actor, q.up_to).await?;
    Ok(axum::Json(Marked { marked }))
}
