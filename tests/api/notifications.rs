//! Notifications and webhooks: a new or changed resource that fits an open need tells the
//! need's coordinators (once per pair); project moves tell the people concerned; owners are
//! reminded of review-by dates; an alliance's webhooks receive signed events, retried when the
//! receiver fails, never holding up the write.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{KeyInit, Mac};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr};
use serde_json::{Value, json};

use crate::both;
use crate::common::{TestApp, World};

both!(
    matching_resources_notify_the_needs_coordinators,
    notifications_are_read_and_kept_per_user,
    project_moves_notify_the_people_concerned,
    review_reminders_reach_owners_once_a_day,
    webhooks_deliver_signed_events_and_retry_a_failing_receiver,
    webhooks_are_managed_by_the_alliance_only,
    two_instances_announce_and_deliver_once,
    one_of_two_announcers_wins_each_round,
    private_addresses_are_refused_when_delivering,
    ipv6_addresses_carrying_a_private_ipv4_are_refused,
    delivery_errors_say_what_failed_in_chinese,
    group_robots_get_their_own_message_with_a_link,
    robots_with_jiaqian_are_signed_their_way
);

/// Waits (up to 20 s) until `check` gives `Some`.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the match announcer has looked at every change written so far.
async fn announced(app: &TestApp) {
    app.indexed().await;
    let last = entity::search_outbox::Entity::find()
        .order_by_desc(entity::search_outbox::Column::Seq)
        .one(&app.db.read)
        .await
        .unwrap()
        .map_or(0, |r| r.seq);
    eventually("the announcer catches up", || async {
        let c = entity::worker_cursor::Entity::find_by_id("match_alerts")
            .one(&app.db.read)
            .await
            .unwrap()
            .unwrap();
        (c.position >= last).then_some(())
    })
    .await;
}

async fn notes(app: &TestApp, token: &str, query: &str) -> Value {
    let a = app
        .get(&format!("/api/v1/notifications{query}"), token)
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    a.body
}

fn items(page: &Value) -> Vec<Value> {
    page["items"].as_array().cloned().unwrap_or_default()
}

fn health_resource(w: &World, title: &str) -> Value {
    let mut body = w.resource(title);
    body["description"] = json!("医生上门为独居老人做健康体检，测量血压血糖并建立健康档案。");
    body["tags"] = json!(["体检", "老年人"]);
    body
}

fn law_resource(w: &World) -> Value {
    json!({"title": "合同纠纷法律咨询", "description": "律师每月到社区解答合同、借贷纠纷问题。",
           "category": "法律服务", "tags": ["法律咨询"], "quantity": 5,
           "scope_level": "street", "scope_region_id": w.street, "allow_duplicate": true})
}

async fn matching_resources_notify_the_needs_coordinators(app: TestApp) {
    let w = app.world().await;
    let need = app
        .post("/api/v1/needs", &w.coordinator, w.need("独居老人健康体检"))
        .await
        .id();
    // The same need in 金马 (another street): a resource serving 华山 does not reach it.
    let mut far = w.need("独居老人健康体检");
    far["alliance_id"] = json!(w.other_alliance);
    far.as_object_mut().unwrap().remove("community_id");
    let far = app.post("/api/v1/needs", &w.other_coordinator, far).await;
    assert_eq!(far.status, StatusCode::CREATED, "{:?}", far.body);

    let fits = app
        .post(
            "/api/v1/resources",
            &w.member_a,
            health_resource(&w, "上门健康体检"),
        )
        .await;
    assert_eq!(fits.status, StatusCode::CREATED);
    let fits = fits.id();
    let law = app
        .post("/api/v1/resources", &w.member_a, law_resource(&w))
        .await
        .id();
    announced(&app).await;

    let page = notes(&app, &w.coordinator, "").await;
    let got = items(&page);
    assert_eq!(got.len(), 1, "{page:#}");
    let n = &got[0];
    assert_eq!(n["kind"], "match");
    assert_eq!(
        (n["need_id"].as_i64(), n["resource_id"].as_i64()),
        (Some(need), Some(fits))
    );
    assert!(n["score"].as_f64().unwrap() >= 0.6, "{n}");
    assert!(
        n["title"].as_str().unwrap().contains("独居老人健康体检"),
        "{n}"
    );
    assert!(n["body"].as_str().unwrap().contains("上门健康体检"), "{n}");
    assert_eq!(n["link"], format!("/api/v1/needs/{need}/matches"));
    assert_eq!(
        (n["read"].clone(), page["unread"].clone()),
        (json!(false), json!(1))
    );
    // Not the other street's coordinator, not the community's, not the unit that posted it.
    for token in [&w.other_coordinator, &w.community_coordinator, &w.member_a] {
        assert_eq!(notes(&app, token, "?kind=match").await["total"], 0);
    }

    // Changing the resource again does not announce the same pair twice …
    let patched = app
        .patch(
            &format!("/api/v1/resources/{fits}"),
            &w.member_a,
            json!({"quantity": 40}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
    // … while a resource changed so that it now fits is announced.
    let changed = app
        .patch(
            &format!("/api/v1/resources/{law}"),
            &w.member_a,
            json!({"title": "老年人健康体检义诊", "category": "医疗健康",
                   "description": "医生为独居老人上门体检，测量血压血糖。", "tags": ["体检", "老年人"]}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    announced(&app).await;
    let got = items(&notes(&app, &w.coordinator, "").await);
    let pairs: Vec<(i64, i64)> = got
        .iter()
        .map(|n| {
            (
                n["need_id"].as_i64().unwrap(),
                n["resource_id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(pairs, vec![(need, law), (need, fits)]);

    // A withdrawn resource is never announced, whatever else changes on it.
    let mut other_law = law_resource(&w);
    other_law["title"] = json!("借贷纠纷法律咨询");
    let gone = app
        .post("/api/v1/resources", &w.member_a, other_law)
        .await
        .id();
    let withdrawn = app
        .post(
            &format!("/api/v1/resources/{gone}/status"),
            &w.member_a,
            json!({"status": "withdrawn"}),
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{:?}", withdrawn.body);
    let rewritten = app
        .patch(
            &format!("/api/v1/resources/{gone}"),
            &w.member_a,
            json!({"title": "独居老人上门体检", "category": "医疗健康",
                   "description": "医生为独居老人上门健康体检。", "tags": ["体检", "老年人"]}),
        )
        .await;
    assert_eq!(rewritten.status, StatusCode::OK, "{:?}", rewritten.body);
    announced(&app).await;
    let got = items(&notes(&app, &w.coordinator, "").await);
    assert_eq!(got.len(), 2, "{got:#?}");
    // Offered again, it is news.
    let back = app
        .post(
            &format!("/api/v1/resources/{gone}/status"),
            &w.member_a,
            json!({"status": "available"}),
        )
        .await;
    assert_eq!(back.status, StatusCode::OK, "{:?}", back.body);
    announced(&app).await;
    let got = items(&notes(&app, &w.coordinator, "").await);
    assert_eq!(got[0]["resource_id"].as_i64(), Some(gone), "{got:#?}");
}

async fn notifications_are_read_and_kept_per_user(app: TestApp) {
    let w = app.world().await;
    app.post("/api/v1/needs", &w.coordinator, w.need("独居老人健康体检"))
        .await
        .id();
    app.post(
        "/api/v1/needs",
        &w.coordinator,
        w.need("老年人上门体检服务"),
    )
    .await
    .id();
    app.post(
        "/api/v1/resources",
        &w.member_a,
        health_resource(&w, "上门健康体检"),
    )
    .await
    .id();
    announced(&app).await;
    let page = notes(&app, &w.coordinator, "").await;
    assert_eq!(page["unread"], 2, "{page:#}");
    let ids: Vec<i64> = items(&page)
        .iter()
        .map(|n| n["id"].as_i64().unwrap())
        .collect();

    // Another user cannot see or mark them.
    let other = app
        .post(
            &format!("/api/v1/notifications/{}/read", ids[0]),
            &w.other_coordinator,
            json!({}),
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(other.is_problem());

    let read = app
        .post(
            &format!("/api/v1/notifications/{}/read", ids[1]),
            &w.coordinator,
            json!({}),
        )
        .await;
    assert_eq!(read.status, StatusCode::OK, "{:?}", read.body);
    assert_eq!(read.body["read"], true);
    let first_read_at = read.body["read_at"].clone();
    // Marking again keeps the first time.
    let again = app
        .post(
            &format!("/api/v1/notifications/{}/read", ids[1]),
            &w.coordinator,
            json!({}),
        )
        .await;
    assert_eq!(again.body["read_at"], first_read_at);

    let unread = notes(&app, &w.coordinator, "?unread=true").await;
    assert_eq!(
        (unread["total"].clone(), unread["unread"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(items(&unread)[0]["id"].as_i64(), Some(ids[0]));
    assert_eq!(
        notes(&app, &w.coordinator, "?unread=false").await["total"],
        1
    );

    // Read-all up to an older id leaves newer ones unread.
    let marked = app
        .post(
            &format!("/api/v1/notifications/read-all?up_to={}", ids[0] - 1),
            &w.coordinator,
            json!({}),
        )
        .await;
    assert_eq!(marked.body["marked"], 0);
    let marked = app
        .post("/api/v1/notifications/read-all", &w.coordinator, json!({}))
        .await;
    assert_eq!(marked.body["marked"], 1);
    assert_eq!(notes(&app, &w.coordinator, "").await["unread"], 0);

    // Bad filters are refused with the field named.
    let bad = app
        .get("/api/v1/notifications?kind=everything", &w.coordinator)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), vec!["kind"]);
    let anonymous = app
        .send(Method::GET, "/api/v1/notifications", None, None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

async fn project_moves_notify_the_people_concerned(app: TestApp) {
    let w = app.world().await;
    let need = app
        .post("/api/v1/needs", &w.coordinator, w.need("独居老人健康体检"))
        .await
        .id();
    let r = app
        .post("/api/v1/resources", &w.member_a, w.resource("社区义诊"))
        .await
        .id();
    let p = app
        .post(
            "/api/v1/projects",
            &w.coordinator,
            json!({"need_id": need, "resource_ids": [r], "title": "翠湖社区义诊"}),
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{:?}", p.body);
    let p = p.id();
    let projects = |token: String| {
        let app = app.clone();
        async move { items(&notes(&app, &token, "?kind=project").await) }
    };
    let reviewer = projects(w.reviewer.clone()).await;
    assert_eq!(reviewer.len(), 1, "{reviewer:#?}");
    assert!(reviewer[0]["title"].as_str().unwrap().contains("待审核"));
    assert_eq!(reviewer[0]["project_id"].as_i64(), Some(p));
    assert_eq!(projects(w.member_a.clone()).await.len(), 1);
    // The proposer is not told of their own move; uninvolved alliances hear nothing.
    assert!(projects(w.coordinator.clone()).await.is_empty());
    assert!(projects(w.other_coordinator.clone()).await.is_empty());
    assert!(projects(w.member_b.clone()).await.is_empty());

    let moved = app
        .post(
            &format!("/api/v1/projects/{p}/transitions"),
            &w.reviewer,
            json!({"to": "approved", "note": "联席会议通过"}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    let coordinator = projects(w.coordinator.clone()).await;
    assert_eq!(coordinator.len(), 1);
    assert!(coordinator[0]["title"].as_str().unwrap().contains("已批准"));
    assert!(
        coordinator[0]["body"]
            .as_str()
            .unwrap()
            .contains("联席会议通过")
    );
    assert_eq!(projects(w.member_a.clone()).await.len(), 2);
    // Reviewers hear of proposals, not of their own approvals.
    assert_eq!(projects(w.reviewer.clone()).await.len(), 1);
}

async fn review_reminders_reach_owners_once_a_day(app: TestApp) {
    let w = app.world().await;
    let need = app
        .post("/api/v1/needs", &w.coordinator, w.need("独居老人健康体检"))
        .await
        .id();
    let soon = app
        .post("/api/v1/resources", &w.member_a, w.resource("社区义诊"))
        .await
        .id();
    let later = app
        .post("/api/v1/resources", &w.member_a, w.resource("健康讲座"))
        .await
        .id();
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive();
    // Tomorrow, entries due in 15 days come within the 14-day notice.
    let tomorrow = today + chrono::Days::new(1);
    let due = today + chrono::Days::new(15);
    entity::resource::Entity::update_many()
        .col_expr(entity::resource::Column::ReviewBy, Expr::value(due))
        .filter(entity::resource::Column::Id.eq(soon))
        .exec(&app.db.write)
        .await
        .unwrap();
    entity::need::Entity::update_many()
        .col_expr(entity::need::Column::ReviewBy, Expr::value(due))
        .filter(entity::need::Column::Id.eq(need))
        .exec(&app.db.write)
        .await
        .unwrap();
    // Today's round (run at start-up) is done: nothing more today.
    eventually("today's reminder round", || async {
        let c = entity::worker_cursor::Entity::find_by_id("review_reminders")
            .one(&app.db.read)
            .await
            .unwrap()
            .unwrap();
        (c.position > 0).then_some(())
    })
    .await;
    let written = lianmeng::domain::notifications::remind_reviews(&app.db, today)
        .await
        .unwrap();
    assert_eq!(written, 0);

    let written = lianmeng::domain::notifications::remind_reviews(&app.db, tomorrow)
        .await
        .unwrap();
    assert_eq!(written, 2, "one for unit A's user, one for the coordinator");
    let unit = items(&notes(&app, &w.member_a, "?kind=review_due").await);
    assert_eq!(unit.len(), 1, "{unit:#?}");
    let body = unit[0]["body"].as_str().unwrap();
    assert!(
        body.contains("社区义诊") && !body.contains("健康讲座"),
        "{body}"
    );
    assert!(unit[0]["title"].as_str().unwrap().starts_with("1 条资源"));
    let link = unit[0]["link"].as_str().unwrap().to_owned();
    // The link lists exactly the entries to confirm.
    let listed = app.get(&link, &w.member_a).await;
    assert_eq!(listed.status, StatusCode::OK, "{link}: {:?}", listed.body);
    let listed: Vec<i64> = items(&listed.body)
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, vec![soon]);
    let _ = later;
    let coord = items(&notes(&app, &w.coordinator, "?kind=review_due").await);
    assert_eq!(coord.len(), 1);
    assert!(coord[0]["title"].as_str().unwrap().contains("需求"));

    // A second round the same day writes nothing; confirming is what the reminder asks for.
    assert_eq!(
        lianmeng::domain::notifications::remind_reviews(&app.db, tomorrow)
            .await
            .unwrap(),
        0
    );
    assert!(items(&notes(&app, &w.member_b, "?kind=review_due").await).is_empty());
}

/// A receiver on 127.0.0.1 that answers 500 to its first `fail_first` calls, then 200 (or
/// 500 for ever when `always_fail`), and keeps every call.
#[derive(Clone, Default)]
struct Receiver {
    calls: Arc<Mutex<Vec<(reqwest::header::HeaderMap, String)>>>,
    fail_first: Arc<Mutex<usize>>,
}

impl Receiver {
    async fn start(fail_first: usize) -> (Self, String) {
        use axum::{extract::State, http::HeaderMap, routing::post};
        let r = Receiver {
            calls: Arc::default(),
            fail_first: Arc::new(Mutex::new(fail_first)),
        };
        let app = axum::Router::new()
            .route(
                "/hook",
                post(
                    |State(r): State<Receiver>, headers: HeaderMap, body: String| async move {
                        r.calls.lock().unwrap().push((headers, body));
                        let mut left = r.fail_first.lock().unwrap();
                        if *left > 0 {
                            *left -= 1;
                            (StatusCode::INTERNAL_SERVER_ERROR, "receiver down")
                        } else {
                            (StatusCode::OK, "ok")
                        }
                    },
                ),
            )
            .with_state(r.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (r, format!("http://{addr}/hook"))
    }

    fn calls(&self) -> Vec<(reqwest::header::HeaderMap, String)> {
        self.calls.lock().unwrap().clone()
    }

    fn fail_next(&self, n: usize) {
        *self.fail_first.lock().unwrap() = n;
    }
}

/// Checks a call's signature as a receiver would, with its own HMAC.
fn verify(secret: &str, headers: &reqwest::header::HeaderMap, body: &str) {
    let header = |n: &str| headers.get(n).unwrap().to_str().unwrap().to_owned();
    let timestamp = header("x-lianmeng-timestamp");
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(header("x-lianmeng-signature"), expected);
    let age = chrono::Utc::now().timestamp() - timestamp.parse::<i64>().unwrap();
    assert!((0..120).contains(&age), "timestamp {timestamp}");
}

async fn deliveries(app: &TestApp, token: &str, hook: i64) -> Vec<Value> {
    let a = app
        .get(&format!("/api/v1/webhooks/{hook}/deliveries"), token)
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    items(&a.body)
}

/// Waits until one of the webhook's deliveries satisfies `wanted`, and gives it.
async fn delivery(
    app: &TestApp,
    token: &str,
    hook: i64,
    what: &str,
    wanted: impl Fn(&Value) -> bool,
) -> Value {
    eventually(what, || async {
        deliveries(app, token, hook)
            .await
            .into_iter()
            .find(|d| wanted(d))
    })
    .await
}

/// [`delivery`] of the one with this id, once it has this status.
async fn delivery_of(app: &TestApp, token: &str, hook: i64, id: i64, status: &str) -> Value {
    delivery(app, token, hook, &format!("delivery {id} {status}"), |d| {
        d["id"].as_i64() == Some(id) && d["status"] == status
    })
    .await
}

async fn webhooks_deliver_signed_events_and_retry_a_failing_receiver(app: TestApp) {
    let w = app.world().await;
    // The receiver fails its first two calls.
    let (receiver, url) = Receiver::start(2).await;
    let made = app
        .post(
            &format!("/api/v1/alliances/{}/webhooks", w.street_alliance),
            &w.coordinator,
            json!({"url": url, "events": ["match.found", "project.proposed"], "description": "街道值班系统"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
    let hook = made.id();
    let secret = made.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 30);
    // The secret is shown once.
    let listed = app
        .get(
            &format!("/api/v1/alliances/{}/webhooks", w.street_alliance),
            &w.coordinator,
        )
        .await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    assert!(listed.body[0].get("secret").is_none(), "{:?}", listed.body);
    assert!(
        secret.starts_with(
            listed.body[0]["secret_hint"]
                .as_str()
                .unwrap()
                .trim_end_matches('…')
        )
    );

    let need = app
        .post("/api/v1/needs", &w.coordinator, w.need("独居老人健康体检"))
        .await
        .id();
    // The write answers while the receiver is failing: delivery happens afterwards.
    let r = app
        .post(
            "/api/v1/resources",
            &w.member_a,
            health_resource(&w, "上门健康体检"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = r.id();

    let done = delivery(&app, &w.coordinator, hook, "the match is delivered", |d| {
        d["event"] == "match.found" && d["status"] == "delivered"
    })
    .await;
    assert_eq!(done["attempts"], 3, "{done:#}");
    assert_eq!(done["last_status"], 200);
    assert_eq!(done["payload"]["data"]["need"]["id"].as_i64(), Some(need));
    assert_eq!(done["payload"]["data"]["resource"]["id"].as_i64(), Some(r));
    let calls = receiver.calls();
    assert_eq!(calls.len(), 3, "two failures, then success");
    for (headers, body) in &calls {
        // The same bytes each time, under the same delivery id, each call signed afresh.
        assert_eq!(body, &calls[0].1);
        assert_eq!(
            headers["x-lianmeng-delivery"],
            done["id"].to_string().as_str()
        );
        assert_eq!(headers["x-lianmeng-event"], "match.found");
        assert_eq!(headers["content-type"], "application/json");
        verify(&secret, headers, body);
    }
    let sent: Value = serde_json::from_str(&calls[0].1).unwrap();
    assert_eq!(sent["event"], "match.found");
    assert_eq!(sent["alliance_id"].as_i64(), Some(w.street_alliance));
    // A tampered body does not verify.
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    let ts = calls[0].0["x-lianmeng-timestamp"].to_str().unwrap();
    mac.update(format!("{ts}.{}x", calls[0].1).as_bytes());
    assert_ne!(
        format!("sha256={}", hex::encode(mac.finalize().into_bytes())),
        calls[0].0["x-lianmeng-signature"].to_str().unwrap()
    );

    // A project proposal is delivered; its approval is not (not asked for).
    let p = app
        .post(
            "/api/v1/projects",
            &w.coordinator,
            json!({"need_id": need, "resource_ids": [r], "title": "翠湖社区体检"}),
        )
        .await
        .id();
    let moved = app
        .post(
            &format!("/api/v1/projects/{p}/transitions"),
            &w.reviewer,
            json!({"to": "approved"}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    let proposed = delivery(
        &app,
        &w.coordinator,
        hook,
        "the proposal is delivered",
        |d| d["event"] == "project.proposed" && d["status"] == "delivered",
    )
    .await;
    assert_eq!(
        proposed["payload"]["data"]["project"]["id"].as_i64(),
        Some(p)
    );
    assert_eq!(proposed["payload"]["data"]["to"], "proposed");
    let events: Vec<String> = deliveries(&app, &w.coordinator, hook)
        .await
        .iter()
        .map(|d| d["event"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !events.iter().any(|e| e == "project.approved"),
        "{events:?}"
    );

    // A receiver that keeps failing: the delivery is given up after the last attempt (4 in
    // the tests), then sent again by hand once the receiver is back.
    receiver.fail_next(100);
    let ping = app
        .post(
            &format!("/api/v1/webhooks/{hook}/ping"),
            &w.coordinator,
            json!({}),
        )
        .await;
    assert_eq!(ping.status, StatusCode::ACCEPTED, "{:?}", ping.body);
    let ping_id = ping.id();
    let failed = delivery_of(&app, &w.coordinator, hook, ping_id, "failed").await;
    assert_eq!(failed["attempts"], 4);
    assert_eq!(failed["last_status"], 500);
    assert!(
        failed["last_error"].as_str().unwrap().contains("500"),
        "{failed}"
    );
    let filtered = app
        .get(
            &format!("/api/v1/webhooks/{hook}/deliveries?status=failed"),
            &w.coordinator,
        )
        .await;
    assert_eq!(filtered.body["total"], 1);
    // A delivered one cannot be "retried"; the failed one can.
    let refused = app
        .post(
            &format!("/api/v1/webhooks/{hook}/deliveries/{}/retry", done["id"]),
            &w.coordinator,
            json!({}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    receiver.fail_next(0);
    let retried = app
        .post(
            &format!("/api/v1/webhooks/{hook}/deliveries/{ping_id}/retry"),
            &w.coordinator,
            json!({}),
        )
        .await;
    assert_eq!(retried.status, StatusCode::ACCEPTED, "{:?}", retried.body);
    delivery_of(&app, &w.coordinator, hook, ping_id, "delivered").await;

    // Paused: events are not queued, and a ping is refused.
    let paused = app
        .patch(
            &format!("/api/v1/webhooks/{hook}"),
            &w.coordinator,
            json!({"active": false}),
        )
        .await;
    assert_eq!(paused.status, StatusCode::OK, "{:?}", paused.body);
    let before = deliveries(&app, &w.coordinator, hook).await.len();
    app.post(
        "/api/v1/projects",
        &w.coordinator,
        json!({"need_id": need, "resource_ids": [r], "title": "第二次体检"}),
    )
    .await;
    assert_eq!(deliveries(&app, &w.coordinator, hook).await.len(), before);
    let ping = app
        .post(
            &format!("/api/v1/webhooks/{hook}/ping"),
            &w.coordinator,
            json!({}),
        )
        .await;
    assert_eq!(ping.status, StatusCode::CONFLICT);

    // A renewed secret is shown once and signs what follows.
    let renewed = app
        .patch(
            &format!("/api/v1/webhooks/{hook}"),
            &w.coordinator,
            json!({"active": true, "rotate_secret": true}),
        )
        .await;
    let fresh = renewed.body["secret"].as_str().unwrap().to_owned();
    assert_ne!(fresh, secret);
    let ping = app
        .post(
            &format!("/api/v1/webhooks/{hook}/ping"),
            &w.coordinator,
            json!({}),
        )
        .await
        .id();
    delivery_of(&app, &w.coordinator, hook, ping, "delivered").await;
    let (headers, body) = receiver.calls().last().cloned().unwrap();
    verify(&fresh, &headers, &body);
}

async fn webhooks_are_managed_by_the_alliance_only(app: TestApp) {
    let w = app.world().await;
    let path = format!("/api/v1/alliances/{}/webhooks", w.street_alliance);
    let body = json!({"url": "https://hooks.example.org/lianmeng"});
    for token in [&w.other_coordinator, &w.member_a, &w.reviewer] {
        let a = app.post(&path, token, body.clone()).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{:?}", a.body);
        assert_eq!(app.get(&path, token).await.status, StatusCode::FORBIDDEN);
    }
    // Every bad field is reported, and nothing is made.
    for (bad, field) in [
        (json!({"url": "ftp://example.org/x"}), "url"),
        (json!({"url": "not a url"}), "url"),
        (json!({"url": "https://user:pw@example.org/x"}), "url"),
        (json!({}), "url"),
        (
            json!({"url": "https://example.org/x", "events": ["project.exploded"]}),
            "events",
        ),
        (
            json!({"url": "https://example.org/x", "events": []}),
            "events",
        ),
    ] {
        let a = app.post(&path, &w.coordinator, bad.clone()).await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {:?}",
            a.body
        );
        assert!(
            a.fields().contains(&field.to_owned()),
            "{bad}: {:?}",
            a.body
        );
    }
    assert_eq!(app.get(&path, &w.coordinator).await.body, json!([]));
    let unknown = app
        .post(
            &path,
            &w.coordinator,
            json!({"url": "https://example.org/x", "secret": "mine"}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    let made = app.post(&path, &w.coordinator, body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
    assert_eq!(
        made.body["events"].as_array().unwrap().len(),
        8,
        "all events by default"
    );
    let hook = made.id();
    // Another alliance's coordinator can neither read nor change it.
    let a = app
        .get(&format!("/api/v1/webhooks/{hook}"), &w.other_coordinator)
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = app
        .patch(
            &format!("/api/v1/webhooks/{hook}"),
            &w.other_coordinator,
            json!({"active": false}),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // A stale change is refused.
    let stale = app
        .client
        .patch(format!("{}/api/v1/webhooks/{hook}", app.base))
        .bearer_auth(&w.coordinator)
        .header("If-Match", "\"7\"")
        .json(&json!({"description": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let events = app.get("/api/v1/webhooks/events", &w.member_a).await;
    assert_eq!(events.body.as_array().unwrap().len(), 8);

    // Deleted: gone from the list, its address no longer answers.
    let gone = app
        .send(
            Method::DELETE,
            &format!("/api/v1/webhooks/{hook}"),
            Some(&w.coordinator),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path, &w.coordinator).await.body, json!([]));
    assert_eq!(
        app.get(&format!("/api/v1/webhooks/{hook}"), &w.coordinator)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The admin may manage any alliance's webhooks.
    let by_admin = app
        .post(
            &path,
            &w.admin,
            json!({"url": "https://hooks.example.org/admin"}),
        )
        .await;
    assert_eq!(by_admin.status, StatusCode::CREATED);
}

async fn two_instances_announce_and_deliver_once(app: TestApp) {
    let w = app.world().await;
    let other = app.sibling().await;
    let (receiver, url) = Receiver::start(0).await;
    let hook = app
        .post(
            &format!("/api/v1/alliances/{}/webhooks", w.street_alliance),
            &w.coordinator,
            json!({"url": url, "events": ["match.found"]}),
        )
        .await
        .id();
    app.post("/api/v1/needs", &w.coordinator, w.need("独居老人健康体检"))
        .await
        .id();
    // Written through the second instance; both instances run the announcer and deliverer.
    let r = other
        .post(
            "/api/v1/resources",
            &w.member_a,
            health_resource(&w, "上门健康体检"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    announced(&app).await;
    announced(&other).await;
    eventually("delivered", || async {
        let d = deliveries(&app, &w.coordinator, hook).await;
        (d.len() == 1 && d[0]["status"] == "delivered").then_some(())
    })
    .await;
    // Give a second sender every chance to show up.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.calls().len(), 1);
    assert_eq!(deliveries(&app, &w.coordinator, hook).await.len(), 1);
    assert_eq!(notes(&app, &w.coordinator, "?kind=match").await["total"], 1);
    other.stop().await;
}

/// Two announcers that start a round from the same position: one announces, the other finds
/// the cursor moved and writes nothing (its work is rolled back), whatever the backend.
async fn one_of_two_announcers_wins_each_round(app: TestApp) {
    let w = app.world().await;
    app.stop_workers().await;
    app.post("/api/v1/needs", &w.coordinator, w.need("独居老人健康体检"))
        .await
        .id();
    app.post(
        "/api/v1/resources",
        &w.member_a,
        health_resource(&w, "上门健康体检"),
    )
    .await
    .id();
    app.indexed().await;
    let cfg = lianmeng::config::NotifyConfig::default();
    let (a, b) = tokio::join!(
        lianmeng::domain::notifications::announce_matches(&app.db, app.engine(), &cfg),
        lianmeng::domain::notifications::announce_matches(&app.db, app.engine(), &cfg),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.min(b) == 0 && a.max(b) > 0, "rounds consumed {a} and {b}");
    assert_eq!(notes(&app, &w.coordinator, "?kind=match").await["total"], 1);
    // Caught up: a further round has nothing to do.
    let again = lianmeng::domain::notifications::announce_matches(&app.db, app.engine(), &cfg)
        .await
        .unwrap();
    assert_eq!(again, 0);
}

/// An instance that does not allow private addresses refuses to call one, even when the
/// address got into the database (configured elsewhere), and gives the delivery up at once.
async fn private_addresses_are_refused_when_delivering(app: TestApp) {
    let w = app.world().await;
    let (receiver, url) = Receiver::start(0).await;
    let hook = app
        .post(
            &format!("/api/v1/alliances/{}/webhooks", w.street_alliance),
            &w.coordinator,
            json!({"url": url, "events": ["ping"]}),
        )
        .await
        .id();
    // From now on only the strict instance delivers.
    app.stop_workers().await;
    let strict = app
        .sibling_with(|c| c.notify.webhook_allow_private = false)
        .await;
    // It would not have let the address in either.
    let refused = strict
        .post(
            &format!("/api/v1/alliances/{}/webhooks", w.street_alliance),
            &w.coordinator,
            json!({"url": url}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields(), ["url"]);
    let ping = strict
        .post(
            &format!("/api/v1/webhooks/{hook}/ping"),
            &w.coordinator,
            json!({}),
        )
        .await
        .id();
    let failed = delivery_of(&strict, &w.coordinator, hook, ping, "failed").await;
    assert_eq!(failed["attempts"], 1, "no retry for a refused address");
    assert!(
        failed["last_error"].as_str().unwrap().contains("已拒绝"),
        "{failed}"
    );
    assert!(receiver.calls().is_empty());
    strict.stop().await;
}

/// IPv6 forms that carry an IPv4 address (NAT64, 6to4, Teredo, mapped, translated,
/// compatible) lead to that address, so they are refused when it is private.
async fn ipv6_addresses_carrying_a_private_ipv4_are_refused(app: TestApp) {
    let w = app.world().await;
    let strict = app
        .sibling_with(|c| c.notify.webhook_allow_private = false)
        .await;
    let path = format!("/api/v1/alliances/{}/webhooks", w.street_alliance);
    for host in [
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::7f00:1",
        "2002:7f00:1::1",
        "2002:c0a8:101::1",
        "2001:0:4136:e378:8000:63bf:80ff:fffe",
        "2001:0:a00:1::f7f7:f7f7",
        "::ffff:0:a00:1",
        "::ffff:169.254.169.254",
        "::a00:1",
    ] {
        let a = strict
            .post(
                &path,
                &w.coordinator,
                json!({"url": format!("http://[{host}]:8080/hook")}),
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{host}");
        assert_eq!(a.fields(), ["url"]);
        assert_eq!(
            a.body["errors"][0]["message"], "接收地址不能指向本机或内网地址",
            "{host}"
        );
    }
    // The same forms reaching a public address are fine.
    let public = strict
        .post(
            &path,
            &w.coordinator,
            json!({"url": "http://[2002:808:808::1]/hook", "events": ["ping"], "active": false}),
        )
        .await;
    assert_eq!(public.status, StatusCode::CREATED, "{:?}", public.body);
    strict.stop().await;
}

/// What a coordinator reads about a failed delivery says what went wrong in Chinese, without
/// the resolver's or the HTTP client's English and internal details.
async fn delivery_errors_say_what_failed_in_chinese(app: TestApp) {
    let w = app.world().await;
    // A port nothing listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let path = format!("/api/v1/alliances/{}/webhooks", w.street_alliance);
    let mut hooks = Vec::new();
    for url in [
        format!("http://127.0.0.1:{closed}/hook"),
        "http://lianmeng-nowhere.invalid/hook".to_owned(),
    ] {
        let hook = app
            .post(
                &path,
                &w.coordinator,
                json!({"url": url, "events": ["ping"]}),
            )
            .await
            .id();
        app.post(
            &format!("/api/v1/webhooks/{hook}/ping"),
            &w.coordinator,
            json!({}),
        )
        .await;
        hooks.push(hook);
    }
    let first_error = |hook: i64| {
        let app = &app;
        let token = &w.coordinator;
        async move {
            let d = delivery(app, token, hook, "a failed attempt", |d| {
                d["last_error"].is_string()
            })
            .await;
            d["last_error"].as_str().unwrap().to_owned()
        }
    };
    let refused = first_error(hooks[0]).await;
    assert_eq!(
        refused,
        "无法连接接收地址（连接被拒绝、网络不通或证书无效）"
    );
    let unresolved = first_error(hooks[1]).await;
    assert!(
        unresolved.starts_with("无法解析接收地址的域名") || unresolved == "解析接收地址的域名超时",
        "{unresolved}"
    );
    assert!(
        !unresolved.chars().any(|c| c.is_ascii_alphabetic()),
        "{unresolved}"
    );
}

/// A webhook declared as a 企业微信 group robot gets 「新项目待审核」 as the robot's markdown,
/// linking to the project's page; a robot's refusal (a code in a 200 answer) is a failed
/// attempt, retried, with the robot's reason for the coordinator.
async fn group_robots_get_their_own_message_with_a_link(app: TestApp) {
    use axum::{extract::State, routing::post};
    let w = app.world().await;
    // This instance's deliverer stops; one that knows the pages' address delivers.
    app.stop_workers().await;
    let linked = app
        .sibling_with(|c| {
            c.notify.webhook_allow_private = true;
            // Long enough to read the refusal before the retry.
            c.notify.webhook_retry_base = Duration::from_secs(2);
            c.notify.public_url = Some("https://lm.example.cn/".into());
        })
        .await;
    type Calls = Arc<Mutex<Vec<String>>>;
    let calls: Calls = Arc::default();
    let robot = axum::Router::new()
        .route(
            "/cgi-bin/webhook/send",
            post(|State(calls): State<Calls>, body: String| async move {
                let mut calls = calls.lock().unwrap();
                calls.push(body);
                // The first message is refused, as a robot over its rate limit does.
                if calls.len() == 1 {
                    r#"{"errcode":45009,"errmsg":"api freq out of limit"}"#
                } else {
                    r#"{"errcode":0,"errmsg":"ok"}"#
                }
            }),
        )
        .with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, robot).await.unwrap() });
    let made = app
        .post(
            &format!("/api/v1/alliances/{}/webhooks", w.street_alliance),
            &w.coordinator,
            json!({"url": format!("http://{addr}/cgi-bin/webhook/send?key=abc"), "format": "wecom",
                   "events": ["project.proposed"], "description": "街道协调员群"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
    assert_eq!(made.body["format"], "wecom");
    let hook = made.id();
    let need = app
        .post("/api/v1/needs", &w.coordinator, w.need("老人量血压"))
        .await
        .id();
    let r = app
        .post("/api/v1/resources", &w.member_a, w.resource("上门量血压"))
        .await
        .id();
    let p = app
        .post(
            "/api/v1/projects",
            &w.coordinator,
            json!({"need_id": need, "resource_ids": [r], "title": "老人量血压"}),
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{:?}", p.body);
    let project = p.id();
    let refused = delivery(
        &app,
        &w.coordinator,
        hook,
        "the robot refuses the first",
        |d| d["attempts"] == 1 && d["last_error"].is_string(),
    )
    .await;
    assert_eq!(
        refused["last_error"],
        "群机器人拒收（错误码 45009）：api freq out of limit"
    );
    let done = delivery(
        &app,
        &w.coordinator,
        hook,
        "the robot takes the second try",
        |d| d["status"] == "delivered",
    )
    .await;
    assert_eq!(done["attempts"], 2, "{done:#}");
    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0], calls[1], "a retry sends the same message");
    let sent: Value = serde_json::from_str(&calls[0]).unwrap();
    assert_eq!(sent["msgtype"], "markdown");
    let md = sent["markdown"]["content"].as_str().unwrap();
    assert!(md.contains("新项目待审核：老人量血压"), "{md}");
    assert!(
        md.contains(&format!(
            "[查看详情](https://lm.example.cn/projects/{project})"
        )),
        "{md}"
    );
    linked.stop().await;
}

/// 加签: a 钉钉 robot's message carries `timestamp` and `sign` in its address, a 飞书 robot's in
/// its body, each made with the robot's own secret the way that robot checks it (recomputed
/// here); the secret is never shown back, and only those robots take one.
async fn robots_with_jiaqian_are_signed_their_way(app: TestApp) {
    use axum::extract::{OriginalUri, State};
    use axum::routing::post;
    use base64::Engine;
    let w = app.world().await;
    app.stop_workers().await;
    let _deliverer = app
        .sibling_with(|c| c.notify.webhook_allow_private = true)
        .await;
    type Calls = Arc<Mutex<Vec<(String, String)>>>;
    let calls: Calls = Arc::default();
    let robot = axum::Router::new()
        .route(
            "/{*path}",
            post(
                |State(calls): State<Calls>, OriginalUri(uri): OriginalUri, body: String| async move {
                    calls.lock().unwrap().push((uri.to_string(), body));
                    r#"{"errcode":0,"code":0,"errmsg":"ok"}"#
                },
            ),
        )
        .with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, robot).await.unwrap() });
    let hooks = format!("/api/v1/alliances/{}/webhooks", w.street_alliance);

    // 企业微信 has no 加签; a secret with spaces is not one a robot issues.
    let refused = app
        .post(&hooks, &w.coordinator, json!({"url": format!("http://{addr}/wecom"), "format": "wecom", "robot_secret": "SECabc"}))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields(), ["robot_secret"]);
    let refused = app
        .post(&hooks, &w.coordinator, json!({"url": format!("http://{addr}/ding"), "format": "dingtalk", "robot_secret": "SEC abc"}))
        .await;
    assert_eq!(refused.fields(), ["robot_secret"]);

    let mac = |key: &[u8], message: &[u8]| {
        let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
        m.update(message);
        base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes())
    };
    for (format, secret) in [
        ("dingtalk", "SECding0123456789"),
        ("feishu", "fs-secret-42"),
    ] {
        let made = app
            .post(&hooks, &w.coordinator, json!({"url": format!("http://{addr}/{format}?access_token=t"), "format": format, "robot_secret": secret}))
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
        assert_eq!(made.body["robot_signed"], true);
        assert!(
            !made.body.to_string().contains(secret),
            "the robot's secret is shown back"
        );
        let hook = made.id();
        let listed = app.get(&hooks, &w.coordinator).await;
        assert!(!listed.body.to_string().contains(secret));
        let ping = app
            .post(
                &format!("/api/v1/webhooks/{hook}/ping"),
                &w.coordinator,
                json!({}),
            )
            .await;
        assert_eq!(ping.status, StatusCode::ACCEPTED, "{:?}", ping.body);
        delivery_of(&app, &w.coordinator, hook, ping.id(), "delivered").await;
        let (uri, body) = calls
            .lock()
            .unwrap()
            .iter()
            .find(|(uri, _)| uri.starts_with(&format!("/{format}")))
            .cloned()
            .expect("the robot was called");
        if format == "dingtalk" {
            let query: std::collections::HashMap<String, String> =
                url::form_urlencoded::parse(uri.split_once('?').unwrap().1.as_bytes())
                    .into_owned()
                    .collect();
            assert_eq!(query["access_token"], "t");
            let ts = &query["timestamp"];
            assert!(ts.len() == 13, "milliseconds: {ts}");
            assert_eq!(
                query["sign"],
                mac(secret.as_bytes(), format!("{ts}\n{secret}").as_bytes())
            );
        } else {
            let body: Value = serde_json::from_str(&body).unwrap();
            let ts = body["timestamp"].as_str().expect("timestamp as text");
            assert!(ts.len() == 10, "seconds: {ts}");
            assert_eq!(body["sign"], mac(format!("{ts}\n{secret}").as_bytes(), b""));
            assert_eq!(body["msg_type"], "text");
        }
        // Removing the secret stops the signing.
        let patched = app
            .patch(
                &format!("/api/v1/webhooks/{hook}"),
                &w.coordinator,
                json!({"robot_secret": ""}),
            )
            .await;
        assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
        assert_eq!(patched.body["robot_signed"], false);
    }
}
