//! The webhook deliverer: sends queued `webhook_deliveries` rows, signed, with retries.
//!
//! Each round claims due rows by setting a lease (`locked_until`) with a conditional update,
//! so several instances sharing one database never send a row at the same time; a crashed
//! instance's lease simply runs out and the row is sent again (receivers deduplicate by the
//! `X-Lianmeng-Delivery` id). A failure is retried after `retry_base × 2^(attempt-1)` (at most
//! six hours) until `max_attempts`, then the row is `failed` and can be sent again by hand.
//!
//! Signature: `X-Lianmeng-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
//! with the Unix time in `X-Lianmeng-Timestamp`, so a receiver can also refuse old replays.

use std::net::SocketAddr;
use std::time::Duration;

use chrono::Utc;
use hmac::{KeyInit, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::config::NotifyConfig;
use crate::db::Db;
use crate::domain::webhooks::{DeliveryStatus, WebhookFormat, is_private};
use crate::error::Result;
use crate::robots;
use entity::{webhook, webhook_delivery};

/// Rows one round claims at most (sent concurrently).
const ROUND: u64 = 16;
/// How long a claim holds: well beyond one call's timeout.
const LEASE: Duration = Duration::from_secs(120);
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);
/// What of an error answer is kept for the coordinator to read.
const KEEP_ERROR: usize = 300;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// `sha256=<hex>` of `"<timestamp>.<body>"` under `secret`.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The wait before attempt `attempts + 1`, after `attempts` failures.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    base.saturating_mul(1 << exp).min(MAX_BACKOFF)
}

/// One round: claims due deliveries and sends them. Returns how many were attempted.
pub async fn run_once(db: &Db, cfg: &NotifyConfig) -> Result<usize> {
    let now = Utc::now();
    let due = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .filter(free(now))
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(ROUND)
        .all(&db.read)
        .await?;
    let mut claimed = Vec::new();
    for d in due {
        // The row as it was read must still be due and untouched (`attempts` is its version):
        // another instance may have sent it, and set its next attempt, since.
        let now = Utc::now();
        let lease = now + chrono::Duration::from_std(LEASE).expect("short");
        let won = webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::LockedUntil, Expr::value(lease))
            .filter(webhook_delivery::Column::Id.eq(d.id))
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
            .filter(webhook_delivery::Column::Attempts.eq(d.attempts))
            .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
            .filter(free(now))
            .exec(&db.write)
            .await?
            .rows_affected
            == 1;
        if won {
            claimed.push((d, lease));
        }
    }
    let n = claimed.len();
    let mut sends = tokio::task::JoinSet::new();
    for (d, lease) in claimed {
        let db = db.clone();
        let cfg = cfg.clone();
        sends.spawn(async move {
            if let Err(e) = deliver(&db, &cfg, d, lease).await {
                tracing::error!(error = ?e, "recording a webhook delivery failed");
            }
        });
    }
    while sends.join_next().await.is_some() {}
    Ok(n)
}

/// Not claimed by anyone, or the claim has run out.
fn free(now: chrono::DateTime<Utc>) -> Condition {
    Condition::any()
        .add(webhook_delivery::Column::LockedUntil.is_null())
        .add(webhook_delivery::Column::LockedUntil.lt(now))
}

/// Sends a claimed delivery and records the outcome — only if the claim still holds (a
/// lease that ran out may have been taken over; then the other instance records it).
async fn deliver(
    db: &Db,
    cfg: &NotifyConfig,
    d: webhook_delivery::Model,
    lease: chrono::DateTime<Utc>,
) -> Result<()> {
    use webhook_delivery::Column as C;
    let hook = webhook::Entity::find_by_id(d.webhook_id)
        .one(&db.read)
        .await?;
    let outcome = match &hook {
        Some(w) if w.deleted_at.is_none() && w.active => send(cfg, w, &d).await,
        Some(w) if w.deleted_at.is_none() => Err((None, "接收地址已暂停".to_owned(), true)),
        _ => Err((None, "接收地址已删除".to_owned(), true)),
    };
    let attempts = d.attempts + 1;
    let mut update = webhook_delivery::Entity::update_many()
        .col_expr(
            C::LockedUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(C::Attempts, Expr::value(attempts));
    match outcome {
        Ok(code) => {
            update = update
                .col_expr(C::Status, Expr::value(DeliveryStatus::Delivered))
                .col_expr(C::LastStatus, Expr::value(code))
                .col_expr(C::LastError, Expr::value(Option::<String>::None))
                .col_expr(C::DeliveredAt, Expr::value(Utc::now()));
        }
        Err((code, message, give_up)) => {
            update = update
                .col_expr(C::LastStatus, Expr::value(code))
                .col_expr(C::LastError, Expr::value(message));
            if give_up || attempts >= cfg.webhook_max_attempts {
                update = update.col_expr(C::Status, Expr::value(DeliveryStatus::Failed));
            } else {
                let wait = backoff(cfg.webhook_retry_base, attempts);
                let next = Utc::now() + chrono::Duration::from_std(wait).expect("capped");
                update = update.col_expr(C::NextAttemptAt, Expr::value(next));
            }
        }
    }
    let recorded = update
        .filter(C::Id.eq(d.id))
        .filter(C::Attempts.eq(d.attempts))
        .filter(C::LockedUntil.eq(lease))
        .exec(&db.write)
        .await?
        .rows_affected;
    if recorded == 0 {
        tracing::warn!(
            delivery = d.id,
            "webhook delivery was taken over before it was recorded"
        );
    }
    Ok(())
}

/// One HTTP call; `Err((status, message, give_up))` on failure. The message is for the
/// alliance's coordinators: what went wrong, in Chinese; the resolver's or the HTTP client's
/// own words (English, naming internal addresses) go to the log only.
async fn send(
    cfg: &NotifyConfig,
    w: &webhook::Model,
    d: &webhook_delivery::Model,
) -> std::result::Result<i32, (Option<i32>, String, bool)> {
    let url = url::Url::parse(&w.url).map_err(|_| (None, "接收地址无效".to_owned(), true))?;
    let host = url
        .host_str()
        .ok_or_else(|| (None, "接收地址缺少主机名".to_owned(), true))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    // Resolve once, check every address, and connect only to those (a name that resolves
    // to an internal address now cannot be swapped in between the check and the call).
    let addrs: Vec<SocketAddr> = tokio::time::timeout(
        cfg.webhook_timeout,
        tokio::net::lookup_host((host.as_str(), port)),
    )
    .await
    .map_err(|_| (None, "解析接收地址的域名超时".to_owned(), false))?
    .map_err(|e| {
        tracing::warn!(webhook = w.id, delivery = d.id, error = %e, "webhook host did not resolve");
        (
            None,
            "无法解析接收地址的域名，请检查网址是否正确".to_owned(),
            false,
        )
    })?
    .collect();
    if addrs.is_empty() {
        return Err((None, "接收地址没有可用的网络地址".into(), false));
    }
    if !cfg.webhook_allow_private && addrs.iter().any(|a| is_private(a.ip())) {
        return Err((None, "接收地址解析到本机或内网地址，已拒绝".into(), true));
    }
    let client = reqwest::Client::builder()
        .resolve_to_addrs(&host, &addrs)
        .redirect(reqwest::redirect::Policy::none())
        // Straight to the checked addresses: a proxy would resolve the name itself.
        .no_proxy()
        .timeout(cfg.webhook_timeout)
        .user_agent(concat!("lianmeng-webhook/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| {
            tracing::error!(webhook = w.id, delivery = d.id, error = ?e, "webhook client not built");
            (None, "服务端无法发起请求，稍后将重试".to_owned(), false)
        })?;
    let now = Utc::now();
    let timestamp = now.timestamp();
    // A group robot takes its own message (and checks no signature of ours, but its own when
    // its 加签 is on); everyone else gets the queued JSON, signed.
    let robot = robots::message(w.format, &d.event, &d.payload, cfg.public_url.as_deref());
    let (url, robot) = match (robot, w.robot_secret.as_deref()) {
        (Some(body), Some(secret)) => {
            let (url, body) = robots::signed(w.format, url.as_str(), body, secret, now);
            (url, Some(body))
        }
        (robot, _) => (url.to_string(), robot),
    };
    let request = client
        .post(url)
        .header("Content-Type", "application/json")
        .header("X-Lianmeng-Event", &d.event)
        .header("X-Lianmeng-Delivery", d.id.to_string());
    let request = match robot {
        Some(body) => request.body(body),
        None => request
            .header("X-Lianmeng-Timestamp", timestamp.to_string())
            .header(
                "X-Lianmeng-Signature",
                sign(&w.secret, timestamp, &d.payload),
            )
            .body(d.payload.clone()),
    };
    let response = request.send().await.map_err(|e| {
        tracing::warn!(webhook = w.id, delivery = d.id, error = ?e, "webhook call failed");
        let what = if e.is_timeout() {
            "接收方超时未应答"
        } else if e.is_connect() {
            "无法连接接收地址（连接被拒绝、网络不通或证书无效）"
        } else {
            "发送过程中连接中断，未收到接收方的应答"
        };
        (None, what.to_owned(), false)
    })?;
    let code = response.status();
    if code.is_success() {
        if w.format == WebhookFormat::Json {
            return Ok(i32::from(code.as_u16()));
        }
        // A robot says "refused" in a 200 answer's body.
        return match robots::refused(w.format, &head_of(response).await) {
            None => Ok(i32::from(code.as_u16())),
            Some(why) => Err((Some(i32::from(code.as_u16())), why, false)),
        };
    }
    let head = head_of(response).await;
    let text = String::from_utf8_lossy(&head);
    let text: String = text.chars().take(KEEP_ERROR).collect();
    Err((
        Some(i32::from(code.as_u16())),
        format!(
            "接收方回答 HTTP {}{}",
            code.as_u16(),
            if text.is_empty() {
                String::new()
            } else {
                format!("：{text}")
            }
        ),
        false,
    ))
}

/// The first bytes of an answer: a little of it helps whoever runs the receiver, and never
/// more than that is read (a receiver could stream an endless body).
async fn head_of(mut response: reqwest::Response) -> Vec<u8> {
    let mut head: Vec<u8> = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while head.len() < 4 * KEEP_ERROR {
            match response.chunk().await {
                Ok(Some(chunk)) => head.extend_from_slice(&chunk),
                _ => break,
            }
        }
    })
    .await;
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_and_body() {
        // RFC 4231-style check through an independent route: same inputs, same output,
        // and any change of key, time or body changes it.
        let s = sign("whsec_k", 1_700_000_000, "{\"a\":1}");
        assert!(s.starts_with("sha256=") && s.len() == 7 + 64);
        assert_eq!(s, sign("whsec_k", 1_700_000_000, "{\"a\":1}"));
        assert_ne!(s, sign("whsec_x", 1_700_000_000, "{\"a\":1}"));
        assert_ne!(s, sign("whsec_k", 1_700_000_001, "{\"a\":1}"));
        assert_ne!(s, sign("whsec_k", 1_700_000_000, "{\"a\":2}"));
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog") is well known.
        let mut mac = HmacSha256::new_from_slice(b"key").unwrap();
        mac.update(b"The quick brown fox jumps over the lazy dog");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), Duration::from_secs(30));
        assert_eq!(backoff(base, 2), Duration::from_secs(60));
        assert_eq!(backoff(base, 4), Duration::from_secs(240));
        assert_eq!(backoff(base, 40), MAX_BACKOFF);
    }
}
