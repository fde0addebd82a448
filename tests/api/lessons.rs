//! Matches learn from reviewers: an offer approved for a need worded like this one is lifted
//! and says why; one refused for such a need is lowered and says so too; a second instance
//! learns what the first one's reviewers decided.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::common::{TestApp, World};

both!(approved_projects_lift_and_rejected_ones_lower_an_offer_for_a_need_like_theirs);

/// An uncounted drainage offer of unit A (a project never reserves it, so it stays matchable).
async fn offer(app: &TestApp, w: &World, title: &str, description: &str) -> i64 {
    let mut body = w.resource(title);
    body["description"] = json!(description);
    body["category"] = json!("环境治理");
    body["quantity"] = Value::Null;
    body["tags"] = json!([]);
    let a = app.post("/api/v1/resources", &w.member_a, body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    a.id()
}

async fn need(app: &TestApp, w: &World, title: &str, description: &str) -> i64 {
    let mut body = w.need(title);
    body["description"] = json!(description);
    body["category"] = json!("环境治理");
    body["tags"] = json!([]);
    let a = app.post("/api/v1/needs", &w.coordinator, body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    a.id()
}

/// A project of `need` with `resource`, proposed by the coordinator and moved by the reviewer.
async fn reviewed(app: &TestApp, w: &World, need: i64, resource: i64, to: &str) {
    let p = app
        .post(
            "/api/v1/projects",
            &w.coordinator,
            json!({"need_id": need, "resource_ids": [resource], "title": "管网疏通对接"}),
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{:?}", p.body);
    let a = app
        .post(
            &format!("/api/v1/projects/{}/transitions", p.id()),
            &w.reviewer,
            json!({"to": to, "note": "联席会议议定"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
}

/// The need's matches, one per resource: (id, score, learned, summary) in order.
async fn matches(app: &TestApp, w: &World, need: i64) -> Vec<(i64, f64, Option<f64>, String)> {
    let a = app
        .get(
            &format!("/api/v1/needs/{need}/matches?group=false"),
            &w.coordinator,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    a.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["resource"]["id"].as_i64().unwrap(),
                i["score"].as_f64().unwrap(),
                i["reasons"]["learned"].as_f64(),
                i["reasons"]["summary"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn find(found: &[(i64, f64, Option<f64>, String)], id: i64) -> (usize, f64, Option<f64>, String) {
    let at = found
        .iter()
        .position(|m| m.0 == id)
        .unwrap_or_else(|| panic!("{id} not among {found:?}"));
    let (_, score, learned, summary) = found[at].clone();
    (at, score, learned, summary)
}

async fn approved_projects_lift_and_rejected_ones_lower_an_offer_for_a_need_like_theirs(
    app: TestApp,
) {
    let w = app.world().await;
    // Two offers that say almost the same, so that the text alone barely tells them apart.
    let pipes = offer(
        &app,
        &w,
        "社区管网疏通服务",
        "专业队伍上门疏通下水道和雨水管网，清理堵塞。",
    )
    .await;
    let silt = offer(
        &app,
        &w,
        "排水管道清淤服务",
        "专业队伍上门疏通下水道和雨水管网，清理淤泥。",
    )
    .await;
    let today = need(
        &app,
        &w,
        "下大雨后楼道口积水",
        "一下暴雨楼道口就积水，老人出门不便，想请人疏通下水道。",
    )
    .await;
    app.indexed().await;
    let before = matches(&app, &w, today).await;
    let (_, silt_before, learned, summary) = find(&before, silt);
    assert_eq!(learned, None, "nothing reviewed yet: {before:?}");
    assert!(!summary.contains("评审"), "{summary}");
    let (_, pipes_before, _, _) = find(&before, pipes);
    // A second instance on the same database has matched this need before the review too.
    let second = app.sibling().await;
    second.indexed().await;
    assert_eq!(find(&matches(&second, &w, today).await, silt).2, None);

    // Last month a need worded much like today's was served by the silt team, approved.
    let earlier = need(
        &app,
        &w,
        "小区门口一下雨就积水",
        "暴雨后小区门口积水严重，居民出行困难，希望疏通下水道。",
    )
    .await;
    reviewed(&app, &w, earlier, silt, "approved").await;
    let after = matches(&app, &w, today).await;
    let (at, silt_after, learned, summary) = find(&after, silt);
    let lift = learned.expect("lifted by the approval");
    assert!(lift >= 0.01, "{after:?}");
    assert!(summary.contains("评审曾通过类似对接"), "{summary}");
    assert!(silt_after > silt_before, "{silt_before} → {silt_after}");
    assert_eq!(at, 0, "the approved offer first: {after:?}");
    // The other way round, the silt team's matching needs: today's need is lifted too.
    let a = app
        .get(&format!("/api/v1/resources/{silt}/matches"), &w.coordinator)
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    let item = a.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["need"]["id"] == today)
        .unwrap_or_else(|| panic!("today's need among {}", a.body))
        .clone();
    assert!(
        item["reasons"]["learned"]
            .as_f64()
            .is_some_and(|l| l >= 0.01),
        "{item}"
    );
    assert!(
        item["reasons"]["summary"]
            .as_str()
            .unwrap()
            .contains("评审曾通过类似对接"),
        "{item}"
    );
    // The other offer learned nothing (its score moves only as the new need's words change
    // the statistics of the text).
    let (_, pipes_now, learned, _) = find(&after, pipes);
    assert_eq!(learned, None, "{after:?}");
    assert!(
        (pipes_now - pipes_before).abs() < 0.05,
        "{pipes_before} → {pipes_now}"
    );
    // The second instance learns the review made on the first within a few seconds.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while find(&matches(&second, &w, today).await, silt).2.is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the second instance never learned"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    second.stop().await;

    // Another such need was offered the pipe team, and the reviewer refused it.
    let refused = need(
        &app,
        &w,
        "雨天单元门口积水",
        "每逢暴雨单元门口积水，想找人疏通下水道。",
    )
    .await;
    reviewed(&app, &w, refused, pipes, "rejected").await;
    let after = matches(&app, &w, today).await;
    let (_, pipes_now, learned, summary) = find(&after, pipes);
    let lowered = learned.expect("lowered by the refusal");
    assert!(lowered <= -0.01, "{after:?}");
    assert!(summary.contains("类似对接曾被退回"), "{summary}");
    assert!(
        pipes_now < pipes_before + lowered + 0.05,
        "{pipes_before} → {pipes_now}"
    );
}
