//! Per-alliance webhooks: an alliance's coordinators register addresses that receive its
//! events (new matches for its needs, project moves) as signed JSON.
//!
//! An event is queued as a `webhook_deliveries` row in the transaction of the write that
//! caused it, so it is never lost and never blocks the write; the deliverer (`crate::delivery`)
//! sends it afterwards, with retries. The secret is shown once, when the webhook is made or
//! its secret is renewed, and kept to sign every delivery (HMAC-SHA256).

use chrono::Utc;
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::validation::{Problems, check_version, trimmed_opt};
use super::{Actor, Page, PageParams, alliances, audit, projects};
use crate::error::{Error, Result};
use entity::{webhook, webhook_delivery};

pub const MATCH_FOUND: &str = "match.found";
pub const PING: &str = "ping";

/// Every event a webhook can ask for, with what it means.
pub const EVENTS: [(&str, &str); 8] = [
    (MATCH_FOUND, "新的或修改的资源与联盟的开放需求匹配"),
    ("project.proposed", "联盟需求的项目被提出（拟对接）"),
    ("project.approved", "项目已批准"),
    ("project.rejected", "项目已驳回"),
    ("project.in_progress", "项目开始实施"),
    ("project.completed", "项目已完成"),
    ("project.cancelled", "项目已取消"),
    (PING, "测试投递（POST /webhooks/{id}/ping）"),
];

/// The event of a project reaching `status`.
pub fn project_event(status: projects::Status) -> String {
    format!("project.{}", status.as_str())
}

pub use entity::values::{DeliveryStatus, WebhookFormat};

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// The receiving address, `https://…` (or `http://…`), at most 500 characters.
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(required(message = "请填写接收地址"))]
    #[schema(required = true)]
    pub url: Option<String>,
    /// Event names (see `GET /webhooks/events`); all events when omitted.
    pub events: Option<Vec<String>>,
    /// What the receiver is, up to 100 characters.
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(max = 100, message = "说明最多100个字"))]
    pub description: Option<String>,
    /// Deliver to it (default true).
    pub active: Option<bool>,
    /// `json` (default): lianmeng's signed JSON. `wecom`, `dingtalk` or `feishu`: the
    /// message of that group robot (the `url` is the robot's address), a short text with a
    /// link to the page.
    pub format: Option<WebhookFormat>,
    /// A 钉钉 or 飞书 robot's secret when its 加签 is on (钉钉's start with `SEC`): each message
    /// is then signed the way that robot checks. Never shown back.
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub robot_secret: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(max = 100, message = "说明最多100个字"))]
    pub description: Option<String>,
    /// Pause (false) or resume (true) deliveries; paused events are not queued.
    pub active: Option<bool>,
    /// Issue a new secret (answered once, in this response).
    pub rotate_secret: Option<bool>,
    pub format: Option<WebhookFormat>,
    /// The robot's 加签 secret; an empty string removes it.
    #[serde(default, deserialize_with = "trimmed_opt")]
    pub robot_secret: Option<String>,
}

/// Checks a robot's 加签 secret: only a 钉钉 or 飞书 robot signs, and the secret is the
/// printable ASCII those robots issue.
fn check_robot_secret(problems: &mut Problems, secret: &str, format: WebhookFormat) {
    if secret.is_empty() {
        return;
    }
    if !matches!(format, WebhookFormat::Dingtalk | WebhookFormat::Feishu) {
        return problems.add("robot_secret", "只有钉钉和飞书群机器人使用加签密钥");
    }
    if secret.len() > 200 || !secret.chars().all(|c| c.is_ascii_graphic()) {
        problems.add(
            "robot_secret",
            "加签密钥应为机器人设置页上显示的一串字母和数字（钉钉的以 SEC 开头）",
        );
    }
}

fn new_secret() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    format!("whsec_{}", hex::encode(bytes))
}

/// Checks an address: http(s), a host, no credentials, not too long; and unless private
/// addresses are allowed, not a loopback/private literal or `localhost` (names that resolve
/// to such addresses are refused again when delivering).
fn check_url(problems: &mut Problems, url: &str, allow_private: bool) {
    if url.chars().count() > 500 {
        return problems.add("url", "接收地址最多500个字符");
    }
    let Ok(parsed) = url::Url::parse(url) else {
        return problems.add("url", "接收地址不是有效的网址");
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return problems.add("url", "接收地址须以 https:// 或 http:// 开头");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return problems.add("url", "接收地址不能包含用户名或密码，请用签名校验来源");
    }
    let Some(host) = parsed.host() else {
        return problems.add("url", "接收地址缺少主机名");
    };
    if allow_private {
        return;
    }
    let private = match host {
        url::Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        url::Host::Ipv4(ip) => is_private(ip.into()),
        url::Host::Ipv6(ip) => is_private(ip.into()),
    };
    if private {
        problems.add("url", "接收地址不能指向本机或内网地址");
    }
}

/// Loopback, private, link-local, shared (CGNAT), benchmarking, reserved, unspecified,
/// multicast or documentation addresses: places a webhook must not reach unless explicitly
/// allowed. An IPv6 address that carries an IPv4 address (mapped, translated, compatible,
/// NAT64, 6to4, Teredo) is judged by the IPv4 address it reaches, since the network will
/// deliver it there.
pub fn is_private(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (18..20).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || a >= 240
        }
        IpAddr::V6(v6) => {
            if v6.is_loopback() || v6.is_unspecified() {
                return true;
            }
            let s = v6.segments();
            match embedded_ipv4(&s) {
                Some(Embedded::One(v4)) => is_private(v4.into()),
                Some(Embedded::Teredo { server, client }) => {
                    is_private(server.into()) || is_private(client.into())
                }
                // A local-use NAT64 prefix laid out other than /96: where the IPv4 address
                // sits is the local network's choice, so it cannot be judged from outside.
                Some(Embedded::Unknown) => true,
                None => {
                    v6.is_multicast()
                        || (s[0] & 0xfe00) == 0xfc00
                        || (s[0] & 0xffc0) == 0xfe80
                        || (s[0] & 0xffc0) == 0xfec0
                        || (s[0] == 0x2001 && s[1] == 0x0db8)
                }
            }
        }
    }
}

/// The IPv4 address an IPv6 address stands for.
enum Embedded {
    One(std::net::Ipv4Addr),
    /// The Teredo server and the client's public address (stored inverted).
    Teredo {
        server: std::net::Ipv4Addr,
        client: std::net::Ipv4Addr,
    },
    Unknown,
}

fn embedded_ipv4(s: &[u16; 8]) -> Option<Embedded> {
    let v4 = |hi: u16, lo: u16| std::net::Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    let last = || Embedded::One(v4(s[6], s[7]));
    Some(match s {
        // Mapped ::ffff:a.b.c.d, translated ::ffff:0:a.b.c.d (SIIT), compatible ::a.b.c.d.
        [0, 0, 0, 0, 0, 0xffff, _, _]
        | [0, 0, 0, 0, 0xffff, 0, _, _]
        | [0, 0, 0, 0, 0, 0, _, _] => last(),
        // NAT64, well-known prefix 64:ff9b::/96 (RFC 6052).
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => last(),
        // NAT64, local-use prefix 64:ff9b:1::/48 (RFC 8215): the /96 layout is recognisable.
        [0x64, 0xff9b, 1, rest @ ..] if rest[..3] == [0, 0, 0] => last(),
        [0x64, 0xff9b, 1, ..] => Embedded::Unknown,
        // 6to4 (2002::/16): the site's IPv4 address in bits 16..48.
        [0x2002, hi, lo, ..] => Embedded::One(v4(*hi, *lo)),
        // Teredo (2001::/32): server in bits 32..64, client in the last 32 bits, inverted.
        [0x2001, 0, hi, lo, ..] => Embedded::Teredo {
            server: v4(*hi, *lo),
            client: v4(!s[6], !s[7]),
        },
        _ => return None,
    })
}

fn check_events(problems: &mut Problems, events: &[String]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for e in events {
        match EVENTS.iter().find(|(n, _)| *n == e.trim()) {
            Some((n, _)) if !names.contains(n) => names.push(n),
            Some(_) => {}
            None => {
                problems.add("events", format!("未知的事件「{e}」"));
                break;
            }
        }
    }
    if events.is_empty() {
        problems.add("events", "请至少选择一个事件");
    }
    serde_json::to_string(&names).expect("strings serialize")
}

fn all_events() -> String {
    serde_json::to_string(&EVENTS.iter().map(|(n, _)| *n).collect::<Vec<_>>())
        .expect("strings serialize")
}

/// The event names a webhook asked for.
pub fn events_of(w: &webhook::Model) -> Vec<String> {
    serde_json::from_str(&w.events).unwrap_or_default()
}

fn may_manage(actor: &Actor, alliance_id: i64) -> Result<()> {
    if actor.coordinates(alliance_id) {
        Ok(())
    } else {
        Err(Error::forbidden(
            "只有本联盟的协调员或管理员可以管理接收地址",
        ))
    }
}

/// Registers a webhook for an alliance; the answer is the only time the secret is shown.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    alliance_id: i64,
    input: NewWebhook,
    allow_private: bool,
) -> Result<webhook::Model> {
    let alliance = alliances::get(db, actor.city_id, alliance_id).await?;
    may_manage(actor, alliance.id)?;
    let mut problems = Problems::of(&input);
    if let Some(u) = &input.url {
        check_url(&mut problems, u, allow_private);
    }
    let events = match &input.events {
        Some(list) => check_events(&mut problems, list),
        None => all_events(),
    };
    let format = input.format.unwrap_or(WebhookFormat::Json);
    if let Some(secret) = &input.robot_secret {
        check_robot_secret(&mut problems, secret, format);
    }
    problems.finish()?;
    let now = Utc::now();
    let w = webhook::ActiveModel {
        city_id: Set(actor.city_id),
        alliance_id: Set(alliance.id),
        url: Set(input.url.expect("checked")),
        secret: Set(new_secret()),
        events: Set(events),
        description: Set(input.description.unwrap_or_default()),
        active: Set(input.active.unwrap_or(true)),
        format: Set(format),
        robot_secret: Set(input.robot_secret.filter(|s| !s.is_empty())),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::created(db, Some(actor), "webhook", w.id, Some(w.city_id), &w).await?;
    Ok(w)
}

/// A webhook the caller may manage.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<webhook::Model> {
    find(db, actor, id, false).await
}

/// [`get`], locking the row (PostgreSQL) for a change: two changes at once queue, so the
/// second sees the first's version (and a renewed secret is the one stored).
async fn get_for_update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<webhook::Model> {
    find(db, actor, id, true).await
}

async fn find(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    lock: bool,
) -> Result<webhook::Model> {
    let mut q = webhook::Entity::find_by_id(id)
        .filter(webhook::Column::CityId.eq(actor.city_id))
        .filter(webhook::Column::DeletedAt.is_null());
    if lock {
        // Not `FOR UPDATE`: deliveries queued meanwhile (their foreign key) need not wait.
        q = q.lock(sea_orm::sea_query::LockType::NoKeyUpdate);
    }
    let w = q
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("接收地址"))?;
    may_manage(actor, w.alliance_id)?;
    Ok(w)
}

/// An alliance's webhooks, oldest first.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    alliance_id: i64,
) -> Result<Vec<webhook::Model>> {
    let alliance = alliances::get(db, actor.city_id, alliance_id).await?;
    may_manage(actor, alliance.id)?;
    Ok(webhook::Entity::find()
        .filter(webhook::Column::AllianceId.eq(alliance.id))
        .filter(webhook::Column::DeletedAt.is_null())
        .order_by_asc(webhook::Column::Id)
        .all(db)
        .await?)
}

pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    expected_version: Option<i32>,
    patch: WebhookPatch,
    allow_private: bool,
) -> Result<webhook::Model> {
    let before = get_for_update(db, actor, id).await?;
    check_version(expected_version, before.version)?;
    let mut problems = Problems::of(&patch);
    if let Some(u) = &patch.url {
        check_url(&mut problems, u, allow_private);
    }
    let events = patch
        .events
        .as_ref()
        .map(|list| check_events(&mut problems, list));
    if let Some(secret) = &patch.robot_secret {
        check_robot_secret(&mut problems, secret, patch.format.unwrap_or(before.format));
    }
    problems.finish()?;
    let mut a: webhook::ActiveModel = before.clone().into();
    if let Some(u) = patch.url {
        a.url = Set(u);
    }
    if let Some(e) = events {
        a.events = Set(e);
    }
    if let Some(d) = patch.description {
        a.description = Set(d);
    }
    if let Some(on) = patch.active {
        a.active = Set(on);
    }
    if let Some(f) = patch.format {
        a.format = Set(f);
    }
    if patch.rotate_secret == Some(true) {
        a.secret = Set(new_secret());
    }
    if let Some(secret) = patch.robot_secret {
        a.robot_secret = Set(Some(secret).filter(|s| !s.is_empty()));
    }
    a.version = Set(before.version + 1);
    a.updated_at = Set(Utc::now());
    let after = a.update(db).await?;
    // The secret itself is never written to the audit trail; that it changed is.
    let rotated = serde_json::json!({
        "secret_rotated": after.secret != before.secret,
        "robot_secret_changed": after.robot_secret != before.robot_secret,
    });
    audit::changed(
        db,
        actor,
        "update",
        ("webhook", after.id, Some(after.city_id)),
        &before,
        &(&after, rotated),
    )
    .await?;
    Ok(after)
}

/// Removes a webhook (kept, marked deleted, with its delivery history); deliveries still
/// waiting are given up.
pub async fn delete(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<()> {
    let before = get_for_update(db, actor, id).await?;
    let now = Utc::now();
    let mut a: webhook::ActiveModel = before.clone().into();
    a.deleted_at = Set(Some(now));
    a.active = Set(false);
    a.version = Set(before.version + 1);
    a.updated_at = Set(now);
    let after = a.update(db).await?;
    webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::Status,
            Expr::value(DeliveryStatus::Failed),
        )
        .col_expr(
            webhook_delivery::Column::LastError,
            Expr::value("接收地址已删除"),
        )
        .filter(webhook_delivery::Column::WebhookId.eq(id))
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
        .exec(db)
        .await?;
    audit::changed(
        db,
        actor,
        "delete",
        ("webhook", after.id, Some(after.city_id)),
        &before,
        &after,
    )
    .await?;
    Ok(())
}

/// The alliance's webhooks that receive events now (active, not deleted).
pub async fn receiving(db: &impl ConnectionTrait, alliance_id: i64) -> Result<Vec<webhook::Model>> {
    Ok(webhook::Entity::find()
        .filter(webhook::Column::AllianceId.eq(alliance_id))
        .filter(webhook::Column::Active.eq(true))
        .filter(webhook::Column::DeletedAt.is_null())
        .all(db)
        .await?)
}

/// Queues `event` for every active webhook of the alliance that asked for it; call it in the
/// transaction of the change.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    alliance_id: i64,
    event: &str,
    data: serde_json::Value,
) -> Result<usize> {
    let hooks = receiving(db, alliance_id).await?;
    enqueue_to(db, &hooks, event, &data).await
}

/// [`enqueue`] to webhooks already loaded with [`receiving`] (a round announcing many
/// matches of one alliance reads them once).
pub async fn enqueue_to(
    db: &impl ConnectionTrait,
    hooks: &[webhook::Model],
    event: &str,
    data: &serde_json::Value,
) -> Result<usize> {
    let mut queued = 0;
    for w in hooks
        .iter()
        .filter(|w| events_of(w).iter().any(|e| e == event))
    {
        queue(db, w, event, data).await?;
        queued += 1;
    }
    Ok(queued)
}

/// One delivery of `event` to `w`. The body is fixed now, so a retry sends the same bytes.
async fn queue(
    db: &impl ConnectionTrait,
    w: &webhook::Model,
    event: &str,
    data: &serde_json::Value,
) -> Result<webhook_delivery::Model> {
    let now = Utc::now();
    let body = serde_json::json!({
        "event": event,
        "alliance_id": w.alliance_id,
        "webhook_id": w.id,
        "created_at": crate::time::local(now).to_rfc3339(),
        "data": data,
    });
    Ok(webhook_delivery::ActiveModel {
        city_id: Set(w.city_id),
        webhook_id: Set(w.id),
        event: Set(event.to_owned()),
        payload: Set(body.to_string()),
        status: Set(DeliveryStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Queues a test delivery to this webhook (whatever events it asked for).
pub async fn ping(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<webhook_delivery::Model> {
    let w = get(db, actor, id).await?;
    if !w.active {
        return Err(Error::Conflict("接收地址已暂停，请先启用".into()));
    }
    let data = serde_json::json!({"message": "来自联盟资源对接服务的测试投递"});
    let d = queue(db, &w, PING, &data).await?;
    audit::created(
        db,
        Some(actor),
        "webhook_delivery",
        d.id,
        Some(d.city_id),
        &d,
    )
    .await?;
    Ok(d)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilter {
    /// pending, delivered or failed.
    pub status: Option<String>,
}

/// A webhook's deliveries, newest first.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    actor: &Actor,
    webhook_id: i64,
    filter: &DeliveryFilter,
    params: PageParams,
) -> Result<Page<webhook_delivery::Model>> {
    let w = get(db, actor, webhook_id).await?;
    let mut select =
        webhook_delivery::Entity::find().filter(webhook_delivery::Column::WebhookId.eq(w.id));
    if let Some(s) = filter.status.as_deref().filter(|s| !s.is_empty()) {
        let Some(status) = DeliveryStatus::parse(s) else {
            return Err(Error::field(
                "status",
                "状态只能是 pending、delivered 或 failed",
            ));
        };
        select = select.filter(webhook_delivery::Column::Status.eq(status));
    }
    super::page::fetch(
        db,
        select.order_by_desc(webhook_delivery::Column::Id),
        params,
    )
    .await
}

/// Sends a given-up delivery again (the same body, a fresh set of attempts).
pub async fn redeliver(
    db: &impl ConnectionTrait,
    actor: &Actor,
    webhook_id: i64,
    delivery_id: i64,
) -> Result<webhook_delivery::Model> {
    let w = get(db, actor, webhook_id).await?;
    let d = webhook_delivery::Entity::find_by_id(delivery_id)
        .filter(webhook_delivery::Column::WebhookId.eq(w.id))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("投递记录"))?;
    if d.status != DeliveryStatus::Failed {
        return Err(Error::Conflict(if d.status == DeliveryStatus::Delivered {
            "这次投递已经成功，无需重发".into()
        } else {
            "这次投递仍在重试中".into()
        }));
    }
    if !w.active {
        return Err(Error::Conflict("接收地址已暂停，请先启用".into()));
    }
    let mut a: webhook_delivery::ActiveModel = d.clone().into();
    a.status = Set(DeliveryStatus::Pending);
    a.attempts = Set(0);
    a.next_attempt_at = Set(Utc::now());
    a.locked_until = Set(None);
    let after = a.update(db).await?;
    audit::changed(
        db,
        actor,
        "redeliver",
        ("webhook_delivery", after.id, Some(after.city_id)),
        &d,
        &after,
    )
    .await?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "198.18.0.1",
            "192.0.0.8",
            "240.0.0.1",
            "64:ff9b::a00:1",
            "::10.0.0.1",
            "fec0::1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "2001:db8::1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "8.8.8.8",
            "114.114.114.114",
            "2400:3200::1",
            "64:ff9b::808:808",
        ] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    /// IPv6 forms that reach an IPv4 address are as private as that address.
    #[test]
    fn embedded_ipv4_decides() {
        let table = [
            // (address, private, what it reaches)
            ("::ffff:10.0.0.1", true, "mapped 10.0.0.1"),
            ("::ffff:8.8.8.8", false, "mapped 8.8.8.8"),
            ("::ffff:0:a00:1", true, "translated 10.0.0.1"),
            ("::ffff:0:7f00:1", true, "translated 127.0.0.1"),
            ("::ffff:0:808:808", false, "translated 8.8.8.8"),
            ("::a9fe:a9fe", true, "compatible 169.254.169.254"),
            ("::808:808", false, "compatible 8.8.8.8"),
            ("64:ff9b::7f00:1", true, "NAT64 127.0.0.1"),
            ("64:ff9b::c0a8:101", true, "NAT64 192.168.1.1"),
            ("64:ff9b::808:808", false, "NAT64 8.8.8.8"),
            ("64:ff9b:1::a00:1", true, "local NAT64 10.0.0.1"),
            ("64:ff9b:1::808:808", false, "local NAT64 8.8.8.8"),
            ("64:ff9b:1:ab::1", true, "local NAT64 laid out unknowably"),
            ("2002:7f00:1::1", true, "6to4 127.0.0.1"),
            ("2002:c0a8:101:5::1", true, "6to4 192.168.1.1"),
            ("2002:a9fe:a9fe::", true, "6to4 169.254.169.254"),
            ("2002:808:808::1", false, "6to4 8.8.8.8"),
            (
                "2001:0:4136:e378::f7f7:f7f7",
                false,
                "Teredo via 65.54.227.120 to 8.8.8.8",
            ),
            (
                "2001:0:4136:e378:8000:63bf:80ff:fffe",
                true,
                "Teredo to 127.0.0.1",
            ),
            ("2001:0:4136:e378::3fff:fdd2", true, "Teredo to 192.0.2.45"),
            (
                "2001:0:a00:1::f7f7:f7f7",
                true,
                "Teredo via server 10.0.0.1",
            ),
        ];
        for (ip, private, what) in table {
            assert_eq!(is_private(ip.parse().unwrap()), private, "{ip}: {what}");
        }
    }

    #[test]
    fn addresses_are_checked_before_they_are_stored() {
        let problems = |url: &str, allow: bool| {
            let mut p = Problems::default();
            check_url(&mut p, url, allow);
            p.into_errors().len()
        };
        for ok in ["https://hooks.example.org/a", "http://8.8.8.8:8080/x"] {
            assert_eq!(problems(ok, false), 0, "{ok}");
        }
        for bad in [
            "http://localhost/x",
            "http://api.localhost/x",
            "http://127.0.0.1:9000/x",
            "http://[::1]/x",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.8/x",
            "ftp://example.org/x",
            "https://u:p@example.org/x",
        ] {
            assert_eq!(problems(bad, false), 1, "{bad}");
        }
        // Allowed on request (a receiver on the same host), except what is never a webhook.
        assert_eq!(problems("http://127.0.0.1:9000/x", true), 0);
        assert_eq!(problems("ftp://example.org/x", true), 1);
    }
}
