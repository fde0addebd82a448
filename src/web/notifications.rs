//! 通知: the visitor's notifications, newest first, each leading to its page; one button
//! marks what was shown read.

use askama::Template;
use axum::extract::{RawQuery, State};

use super::forms::Filters;
use super::pages::{self, Chrome, PageResult};
use super::session::{Posted, Visitor};
use crate::api::views::NotificationView;
use crate::domain::PageParams;
use crate::domain::notifications::{self, NotificationFilter};
use crate::state::AppState;

/// A notification with the page it leads to.
pub struct Item {
    pub n: NotificationView,
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    items: Vec<Item>,
    newest: i64,
    prev: Option<String>,
    next: Option<String>,
}

/// The page a notification is about: its project, else its need, else its resource.
fn page_of(n: &NotificationView) -> Option<String> {
    n.project_id
        .map(|id| format!("/projects/{id}"))
        .or(n.need_id.map(|id| format!("/needs/{id}")))
        .or(n.resource_id.map(|id| format!("/resources/{id}")))
}

pub async fn list(State(state): State<AppState>, v: Visitor, RawQuery(q): RawQuery) -> PageResult {
    let f = Filters::parse(q.as_deref());
    let params = PageParams {
        page: Some(f.page()),
        per_page: Some(20),
    };
    let (found, _) = notifications::list(
        state.read(),
        &v.actor,
        &NotificationFilter::default(),
        params,
    )
    .await?;
    let pages = found.total.div_ceil(20).max(1);
    let items: Vec<Item> = found
        .items
        .into_iter()
        .map(|n| {
            let n = NotificationView::from(n);
            Item {
                href: page_of(&n),
                n,
            }
        })
        .collect();
    let page = NotificationsPage {
        chrome: Chrome::of(&state, &v, "/notifications").await?,
        newest: items.iter().map(|i| i.n.id).max().unwrap_or(0),
        items,
        prev: (found.page > 1).then(|| f.with_page(found.page - 1)),
        next: (found.page < pages).then(|| f.with_page(found.page + 1)),
    };
    Ok(pages::render(&page))
}

/// Marks read every notification up to the newest the page showed (one that arrived since
/// stays unread).
pub async fn read_all(State(state): State<AppState>, post: Posted) -> PageResult {
    let up_to = post.fields.get("up_to").parse::<i64>().ok();
    let tx = state.db.begin().await?;
    notifications::mark_all_read(&tx, &post.visitor.actor, up_to).await?;
    state.commit(tx).await?;
    Ok(pages::see_other("/notifications"))
}
