//! 消息推送: an alliance's coordinators connect its group chat's robot (企业微信, 钉钉, 飞书)
//! or a system of theirs (signed JSON), choose the events, send a test, pause or remove it,
//! and see how the last deliveries went.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::forms::{Choice, Messages, enum_choices};
use super::pages::{self, Chrome, PageResult};
use super::session::{Posted, Visitor};
use crate::api::views::WebhookView;
use crate::domain::webhooks::{self, DeliveryFilter, NewWebhook, WebhookFormat, WebhookPatch};
use crate::domain::{Actor, PageParams};
use crate::error::{Error, Result};
use crate::state::AppState;

/// A webhook with how its last delivery went.
pub struct Hook {
    pub view: WebhookView,
    /// The address without its query: a robot's key is in it, and a page shown in a meeting
    /// should not show the key.
    pub address: String,
    pub format: &'static str,
    pub last: Option<(String, &'static str, Option<String>)>,
}

#[derive(Template)]
#[template(path = "robots.html")]
struct RobotsPage {
    chrome: Chrome,
    hooks: Vec<Hook>,
    formats: Vec<Choice>,
    events: Vec<(&'static str, &'static str, bool)>,
    url: String,
    robot_secret: String,
    description: String,
    errors: Messages,
    created_secret: Option<String>,
}

fn alliance_of(actor: &Actor) -> Result<i64> {
    actor
        .alliance_id
        .ok_or_else(|| Error::forbidden("只有联盟协调员可以设置消息推送"))
}

async fn robots_page(
    state: &AppState,
    v: &Visitor,
    input: Option<&super::session::Fields>,
) -> Result<RobotsPage> {
    let alliance = alliance_of(&v.actor)?;
    let db = state.read();
    let mut hooks = Vec::new();
    for w in webhooks::list(db, &v.actor, alliance).await? {
        let last_page = PageParams {
            page: Some(1),
            per_page: Some(1),
        };
        let last = webhooks::deliveries(db, &v.actor, w.id, &DeliveryFilter::default(), last_page)
            .await?
            .items
            .into_iter()
            .next()
            .map(|d| {
                (
                    crate::time::local(d.created_at)
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                    d.status.label(),
                    d.last_error,
                )
            });
        let address = match w.url.split_once('?') {
            Some((path, _)) => format!("{path}?…"),
            None => w.url.clone(),
        };
        hooks.push(Hook {
            address,
            format: w.format.label(),
            view: WebhookView::new(w, false),
            last,
        });
    }
    let get = |name: &str| input.map_or("", |f| f.get(name)).to_owned();
    let chosen: Vec<String> = input.map_or(Vec::new(), |f| {
        f.all("events").iter().map(|e| e.to_string()).collect()
    });
    let format = get("format");
    Ok(RobotsPage {
        chrome: Chrome::of(state, v, "/robots").await?,
        hooks,
        formats: enum_choices(
            WebhookFormat::ALL,
            WebhookFormat::as_str,
            WebhookFormat::label,
            if format.is_empty() { "wecom" } else { &format },
        ),
        events: webhooks::EVENTS
            .iter()
            .filter(|(e, _)| *e != webhooks::PING)
            .map(|(e, label)| (*e, *label, input.is_none() || chosen.iter().any(|c| c == e)))
            .collect(),
        url: get("url"),
        robot_secret: get("robot_secret"),
        description: get("description"),
        errors: Messages::default(),
        created_secret: None,
    })
}

pub async fn show(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(pages::render(&robots_page(&state, &v, None).await?))
}

/// Connects a robot (or a signed-JSON receiver).
pub async fn create(State(state): State<AppState>, post: Posted) -> PageResult {
    let v = &post.visitor;
    let f = &post.fields;
    let outcome = async {
        f.acceptable()?;
        let alliance = alliance_of(&v.actor)?;
        let input = NewWebhook {
            url: Some(f.get("url").to_owned()).filter(|u| !u.is_empty()),
            events: Some(f.all("events").iter().map(|e| e.to_string()).collect()),
            description: Some(f.get("description").to_owned()).filter(|d| !d.is_empty()),
            active: Some(true),
            format: WebhookFormat::parse(f.get("format")),
            robot_secret: Some(f.get("robot_secret").to_owned()).filter(|s| !s.is_empty()),
        };
        let tx = state.db.begin().await?;
        let allow = state.config.notify.webhook_allow_private;
        let w = webhooks::create(&tx, &v.actor, alliance, input, allow).await?;
        state.commit(tx).await?;
        Ok::<_, Error>(w)
    }
    .await;
    match outcome {
        // Signed JSON needs its secret on the receiving side: it is shown this once.
        Ok(w) if w.format == WebhookFormat::Json => {
            let mut page = robots_page(&state, v, None).await?;
            page.created_secret = Some(w.secret);
            Ok(pages::render_with(StatusCode::CREATED, &page))
        }
        Ok(_) => Ok(pages::see_other("/robots")),
        Err(Error::Validation(problems)) => {
            let mut page = robots_page(&state, v, Some(f)).await?;
            page.errors = Messages::of(problems, &[]);
            Ok(pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// 发送测试, 暂停, 启用 or 删除 one of them.
pub async fn act(State(state): State<AppState>, Path(id): Path<i64>, post: Posted) -> PageResult {
    let v = &post.visitor;
    let tx = state.db.begin().await?;
    match post.fields.get("action") {
        "ping" => {
            webhooks::ping(&tx, &v.actor, id).await?;
        }
        "pause" | "resume" => {
            let patch = WebhookPatch {
                active: Some(post.fields.get("action") == "resume"),
                ..Default::default()
            };
            let allow = state.config.notify.webhook_allow_private;
            webhooks::update(&tx, &v.actor, id, None, patch, allow).await?;
        }
        "delete" => webhooks::delete(&tx, &v.actor, id).await?,
        _ => return Err(Error::BadRequest("不认识的操作".into()).into()),
    }
    state.commit(tx).await?;
    Ok(pages::see_other("/robots"))
}
