//! The pages: server-rendered HTML in Chinese for coordinators, member units and reviewers,
//! served by the same binary beside the JSON API and calling the same `domain` functions
//! (the same permissions, validation and audit; a page never reaches the database or the
//! index itself). Templates are askama's, checked at compile time (`templates/`); forms work
//! without JavaScript; the one stylesheet is compiled in, so nothing is fetched from outside.

mod accounts;
mod admin;
mod forms;
mod login;
mod needs;
mod notifications;
mod pages;
mod plan;
mod projects;
mod resources;
mod robots;
mod session;
mod sheets;
mod stats;
mod units;
mod workbench;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::state::AppState;
pub use pages::ErrorPage;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(workbench::show))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/needs", get(needs::list))
        .route("/needs/new", get(needs::new_form).post(needs::create))
        .route("/needs/{id}", get(needs::show))
        .route("/needs/{id}/projects", post(needs::propose))
        .route("/needs/{id}/keep", post(needs::keep))
        .route("/needs/{id}/edit", get(needs::edit).post(needs::update))
        .route("/resources", get(resources::list))
        .route(
            "/resources/new",
            get(resources::new_form).post(resources::create),
        )
        .route("/resources/{id}", get(resources::show))
        .route("/resources/{id}/keep", post(resources::keep))
        .route(
            "/resources/{id}/edit",
            get(resources::edit).post(resources::update),
        )
        .route("/plan", get(plan::show).post(plan::accept))
        .route("/projects", get(projects::list))
        .route("/projects/{id}", get(projects::show))
        .route("/projects/{id}/transitions", post(projects::transition))
        .route("/projects/{id}/rating", post(projects::rate))
        .route("/projects/{id}/reply", post(projects::reply))
        .route(
            "/projects/{id}/photos",
            post(projects::add_photos).layer(DefaultBodyLimit::max(crate::api::photos::MAX_UPLOAD)),
        )
        .route("/projects/{id}/photos/{photo_id}", get(projects::photo))
        .route(
            "/projects/{id}/photos/{photo_id}/delete",
            post(projects::remove_photo),
        )
        .route("/notifications", get(notifications::list))
        .route("/notifications/read", post(notifications::read_all))
        .route(
            "/imports",
            get(sheets::show)
                .post(sheets::upload)
                .layer(DefaultBodyLimit::max(crate::api::spreadsheets::MAX_FILE)),
        )
        .route("/imports/{id}", get(sheets::job))
        .route("/imports/template/{file}", get(sheets::template))
        .route("/exports/{file}", get(sheets::export))
        .route("/robots", get(robots::show).post(robots::create))
        .route("/robots/{id}", post(robots::act))
        .route("/stats", get(stats::show))
        .route("/stats.csv", get(stats::csv))
        .route(
            "/password",
            get(accounts::password_form).post(accounts::change_password),
        )
        .route("/users", get(accounts::users))
        .route(
            "/users/{id}",
            get(accounts::user).post(accounts::change_user),
        )
        .route(
            "/users/bulk",
            post(accounts::bulk).layer(DefaultBodyLimit::max(crate::api::spreadsheets::MAX_FILE)),
        )
        .route("/units", get(units::list).post(units::create))
        .route("/units/mine", get(units::mine))
        .route("/units/{id}", get(units::show).post(units::update))
        .route("/units/{id}/alliances", post(units::join))
        .route(
            "/categories",
            get(admin::categories).post(admin::add_category),
        )
        .route("/regions", get(admin::regions))
        .route("/regions/{id}/children", post(admin::add_region))
        .route("/regions/{id}/name", post(admin::rename_region))
        .route("/static/app.css", get(stylesheet))
}

/// True when the client asked for a page (a browser's `Accept`), not JSON.
pub fn wants_page(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// The page for an address that does not exist.
pub fn not_found() -> ErrorPage {
    ErrorPage::new(axum::http::StatusCode::NOT_FOUND, "没有这个页面")
}

/// The stylesheet, compiled into the binary; its address changes with each build's content
/// (`?v=`), so it may be cached for long.
async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        pages::STYLESHEET,
    )
        .into_response()
}
