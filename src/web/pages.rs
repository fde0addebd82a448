//! What every page shares: the header (who you are, your alliance or unit, unread
//! notifications, the links your role may follow), rendering, and the error page.

use std::sync::LazyLock;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};

use super::session::Visitor;
use crate::domain::notifications::{self, NotificationFilter};
use crate::domain::{PageParams, Role, lookup};
use crate::error::{Error, Result};
use crate::state::AppState;

pub const STYLESHEET: &str = include_str!("../../static/app.css");

/// A short hash of the stylesheet, in its address, so a new build's is fetched at once.
pub static STYLE_VERSION: LazyLock<String> =
    LazyLock::new(|| hex::encode(&Sha256::digest(STYLESHEET.as_bytes())[..4]));

/// A link of the header's menu.
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
    /// Under 「更多」 on a phone.
    pub more: bool,
}

/// The header of every page a logged-in visitor sees.
pub struct Chrome {
    pub name: String,
    pub role: &'static str,
    /// The alliance a coordinator works for, or the unit a member speaks for.
    pub scope: String,
    pub unread: u64,
    pub csrf: String,
    pub nav: Vec<NavLink>,
    pub style_version: &'static str,
}

/// A section's address and its name in the menu.
type Section = (&'static str, &'static str);

/// The sections of the site, and who sees each in the menu: only what the role may use
/// (a need is posted by an alliance's coordinator, a resource by a unit's contact). The
/// second list goes under 「更多」 on a phone, so the menu stays within two rows at 375 px.
fn sections(role: Role) -> (Vec<Section>, Vec<Section>) {
    let (mut main, more) = match role {
        Role::Coordinator => (
            vec![
                ("/needs", "需求清单"),
                ("/needs/new", "发布需求"),
                ("/resources", "资源清单"),
                ("/projects", "项目清单"),
            ],
            vec![
                ("/plan", "对接方案"),
                ("/units", "成员单位"),
                ("/imports", "导入导出"),
                ("/stats", "统计"),
                ("/robots", "消息推送"),
            ],
        ),
        Role::Admin => (
            vec![
                ("/needs", "需求清单"),
                ("/resources", "资源清单"),
                ("/projects", "项目清单"),
                ("/users", "用户"),
            ],
            vec![
                ("/units", "成员单位"),
                ("/regions", "地区与联盟"),
                ("/categories", "类别"),
                ("/imports", "导入导出"),
                ("/stats", "统计"),
            ],
        ),
        Role::Reviewer => (
            vec![
                ("/projects?status=proposed", "待审核"),
                ("/projects", "项目清单"),
                ("/stats", "统计"),
            ],
            vec![],
        ),
        Role::Member => (
            vec![
                ("/resources", "资源清单"),
                ("/resources/new", "发布资源"),
                ("/projects", "项目清单"),
            ],
            vec![("/units/mine", "本单位"), ("/imports", "导入导出")],
        ),
    };
    main.insert(0, ("/", "工作台"));
    (main, more)
}

impl Chrome {
    /// True when some links go under 「更多」 on a phone.
    pub fn has_more(&self) -> bool {
        self.nav.iter().any(|l| l.more)
    }

    /// True when the page shown is one of those under 「更多」.
    pub fn in_more(&self) -> bool {
        self.nav.iter().any(|l| l.more && l.current)
    }

    /// The header for `v`, on the page at `here` (the menu marks it).
    pub async fn of(state: &AppState, v: &Visitor, here: &str) -> Result<Chrome> {
        let db = state.read();
        let scope = if let Some(a) = v.user.alliance_id {
            lookup::alliances(db, [a])
                .await?
                .remove(&a)
                .map(|a| a.name)
                .unwrap_or_default()
        } else if let Some(o) = v.user.organization_id {
            lookup::organization_names(db, [o])
                .await?
                .remove(&o)
                .unwrap_or_default()
        } else {
            String::new()
        };
        let one = PageParams {
            page: Some(1),
            per_page: Some(1),
        };
        let (_, unread) =
            notifications::list(db, &v.actor, &NotificationFilter::default(), one).await?;
        let (main, more) = sections(v.actor.role);
        let link = |more: bool| {
            move |(href, label): (&'static str, &'static str)| NavLink {
                href,
                label,
                current: href == here,
                more,
            }
        };
        let nav = main
            .into_iter()
            .map(link(false))
            .chain(more.into_iter().map(link(true)))
            .collect();
        Ok(Chrome {
            name: v.user.display_name.clone(),
            role: v.actor.role.label(),
            scope,
            unread,
            csrf: v.csrf.clone(),
            nav,
            style_version: STYLE_VERSION.as_str(),
        })
    }
}

/// Renders a page (200).
pub fn render(page: &impl Template) -> Response {
    render_with(StatusCode::OK, page)
}

pub fn render_with(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (
            status,
            [(axum::http::header::CACHE_CONTROL, "no-store")],
            Html(html),
        )
            .into_response(),
        Err(e) => Error::Internal(anyhow::anyhow!("page did not render: {e}")).into_response(),
    }
}

/// What a page answers when it cannot show what was asked: a page of its own with the reason
/// in Chinese and a way back; a lost session goes to the login page instead.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: StatusCode,
    pub message: String,
    pub style_version: &'static str,
}

impl ErrorPage {
    pub fn new(status: StatusCode, message: &str) -> Self {
        ErrorPage {
            status,
            message: message.to_owned(),
            style_version: STYLE_VERSION.as_str(),
        }
    }

    /// A form posted without this session's token: another site's, or a page left open
    /// across a logout.
    pub fn stale_form() -> Self {
        ErrorPage::new(
            StatusCode::FORBIDDEN,
            "页面已过期或来源不明，未做任何修改。请返回刷新页面后重新提交。",
        )
    }

    pub fn title(&self) -> &'static str {
        match self.status {
            StatusCode::NOT_FOUND => "找不到页面",
            StatusCode::FORBIDDEN => "无权访问",
            s if s.is_server_error() => "服务器出错了",
            _ => "无法完成",
        }
    }
}

impl From<Error> for ErrorPage {
    fn from(e: Error) -> Self {
        let (status, message) = match e {
            Error::NotFound(m) => (StatusCode::NOT_FOUND, m),
            Error::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            Error::Conflict(m) | Error::PreconditionFailed(m) => (StatusCode::CONFLICT, m),
            Error::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            Error::TooManyRequests(m) => (StatusCode::TOO_MANY_REQUESTS, m),
            Error::Validation(problems) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                problems
                    .into_iter()
                    .map(|p| p.message)
                    .collect::<Vec<_>>()
                    .join("；"),
            ),
            Error::SearchRepairing | Error::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "匹配服务正在恢复，请稍后刷新".to_owned(),
            ),
            other => {
                tracing::error!(error = %other, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "服务器暂时无法完成请求，请稍后再试".to_owned(),
                )
            }
        };
        ErrorPage::new(status, &message)
    }
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        render_with(self.status, &self)
    }
}

/// A page handler's outcome: the page, or the error page (a lost login goes to log in).
pub type PageResult = std::result::Result<Response, Failed>;

pub struct Failed(Error);

impl From<Error> for Failed {
    fn from(e: Error) -> Self {
        Failed(e)
    }
}

impl From<sea_orm::DbErr> for Failed {
    fn from(e: sea_orm::DbErr) -> Self {
        Failed(e.into())
    }
}

impl IntoResponse for Failed {
    fn into_response(self) -> Response {
        match self.0 {
            Error::Unauthorized(_) => Redirect::to("/login").into_response(),
            e => ErrorPage::from(e).into_response(),
        }
    }
}

/// After a successful post: to the page that shows its result (303, so a reload does not
/// post again).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// HTML-escapes `text`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` escaped, with every occurrence of the matched words marked (`<mark>`), longest
/// word first where two overlap.
pub fn highlight(text: &str, words: &[String]) -> String {
    let mut words: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !w.is_empty())
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    let lower = text.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII; mark only where it did not.
    if lower.len() != text.len() {
        return escape(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    while i < text.len() {
        let hit = words
            .iter()
            .find(|w| lower[i..].starts_with(&w.to_lowercase()))
            .map(|w| w.len());
        match hit {
            Some(len) if text.is_char_boundary(i + len) => {
                out.push_str("<mark>");
                out.push_str(&escape(&text[i..i + len]));
                out.push_str("</mark>");
                i += len;
            }
            _ => {
                let c = text[i..].chars().next().expect("inside the text");
                out.push_str(&escape(&c.to_string()));
                i += c.len_utf8();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_marks_words_and_escapes_the_rest() {
        let words = vec!["义诊".to_owned(), "健康".to_owned(), "健康咨询".to_owned()];
        assert_eq!(
            highlight("<b>义诊</b>与健康咨询", &words),
            "&lt;b&gt;<mark>义诊</mark>&lt;/b&gt;与<mark>健康咨询</mark>"
        );
        assert_eq!(highlight("无关", &words), "无关");
    }
}
