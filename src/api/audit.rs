//! The audit trail over HTTP, for admins.

use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Query};
use super::views::AuditView;
use crate::domain::audit::{self, AuditFilter};
use crate::domain::{Page, PageParams};
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

/// Every write of the city, newest first, with the row before and after (admins).
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditFilter, PageParams),
    responses((status = 200, body = Page<AuditView>), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list_audit(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<AuditFilter>,
    Query(page): Query<PageParams>,
) -> Result<axum::Json<Page<AuditView>>> {
    let mut p = audit::list(state.read(), &auth.actor, &f, page).await?;
    let items = AuditView::many(state.read(), std::mem::take(&mut p.items)).await?;
    Ok(axum::Json(p.with_items(items)))
}
