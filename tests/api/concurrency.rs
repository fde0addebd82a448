//! Many writers at once: no "database is locked", no lost or failed writes.

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

use crate::both;
use crate::common::TestApp;

both!(parallel_creates_all_land, parallel_updates_are_all_counted);

async fn parallel_creates_all_land(app: TestApp) {
    let w = app.world().await;
    let resources = (0..60).map(|i| {
        let app = app.clone();
        let token = if i % 2 == 0 {
            w.member_a.clone()
        } else {
            w.admin.clone()
        };
        let mut body = w.resource(&format!("并发资源{i}"));
        if i % 2 == 1 {
            body["organization_id"] = json!(w.org_b);
        }
        tokio::spawn(async move { app.post("/api/v1/resources", &token, body).await.status })
    });
    let needs = (0..40).map(|i| {
        let app = app.clone();
        let token = w.coordinator.clone();
        let body = w.need(&format!("并发需求{i}"));
        tokio::spawn(async move { app.post("/api/v1/needs", &token, body).await.status })
    });
    let statuses: Vec<StatusCode> = join_all(resources.chain(needs))
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    assert_eq!(
        app.get("/api/v1/resources", &w.reviewer).await.body["total"],
        60
    );
    assert_eq!(
        app.get("/api/v1/needs", &w.reviewer).await.body["total"],
        40
    );
}

async fn parallel_updates_are_all_counted(app: TestApp) {
    let w = app.world().await;
    let id = app
        .post("/api/v1/resources", &w.member_a, w.resource("共享活动室"))
        .await
        .id();
    let updates = (0..40).map(|i| {
        let app = app.clone();
        let token = w.member_a.clone();
        tokio::spawn(async move {
            app.patch(
                &format!("/api/v1/resources/{id}"),
                &token,
                json!({"quantity": i + 1}),
            )
            .await
            .status
        })
    });
    let statuses: Vec<StatusCode> = join_all(updates)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    let r = app
        .get(&format!("/api/v1/resources/{id}"), &w.member_a)
        .await;
    assert_eq!(r.body["version"], 41, "every update applied exactly once");
}
