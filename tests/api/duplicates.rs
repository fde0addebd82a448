//! Duplicate warnings: an entry nearly the same as an open one of the same unit (resources)
//! or alliance (needs) is refused with the likely duplicates until the user confirms.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::common::TestApp;

both!(
    near_copies_are_caught_until_confirmed,
    simultaneous_copies_are_caught
);

fn without_confirmation(mut body: Value) -> Value {
    body.as_object_mut().unwrap().remove("allow_duplicate");
    body
}

async fn near_copies_are_caught_until_confirmed(app: TestApp) {
    let w = app.world().await;
    let post = |body: Value, token: String| {
        let app = app.clone();
        async move { app.post("/api/v1/resources", &token, body).await }
    };
    let first = post(
        without_confirmation(w.resource("社区义诊测血压")),
        w.member_a.clone(),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let id = first.id();

    // Spacing and punctuation do not make it new.
    let copy = post(
        without_confirmation(w.resource("社区义诊 测血压！")),
        w.member_a.clone(),
    )
    .await;
    assert_eq!(copy.status, StatusCode::CONFLICT, "{:?}", copy.body);
    assert_eq!(copy.body["type"], "/problems/duplicate");
    assert_eq!(copy.body["duplicates"][0]["id"], id);
    assert_eq!(copy.body["duplicates"][0]["title"], "社区义诊测血压");
    assert!(copy.body["duplicates"][0]["similarity"].as_f64().unwrap() >= 0.8);
    assert_eq!(
        app.get("/api/v1/resources", &w.admin).await.body["total"],
        1
    );
    // Something else from the same unit is no duplicate.
    let other = post(
        without_confirmation(w.resource("家庭医生签约服务")),
        w.member_a.clone(),
    )
    .await;
    assert_eq!(other.status, StatusCode::CREATED, "{:?}", other.body);
    // Confirmed, the copy goes in.
    let confirmed = post(w.resource("社区义诊 测血压！"), w.member_a.clone()).await;
    assert_eq!(confirmed.status, StatusCode::CREATED);
    // Another unit's offer of the same is its own.
    let mut theirs = without_confirmation(w.resource("社区义诊测血压"));
    theirs["organization_id"] = json!(w.org_b);
    assert_eq!(
        post(theirs, w.admin.clone()).await.status,
        StatusCode::CREATED
    );
    // A withdrawn entry is not open: posting it again is no duplicate.
    for rid in [id, confirmed.id()] {
        app.post(
            &format!("/api/v1/resources/{rid}/status"),
            &w.member_a,
            json!({"status": "withdrawn"}),
        )
        .await;
    }
    let again = post(
        without_confirmation(w.resource("社区义诊测血压")),
        w.member_a.clone(),
    )
    .await;
    assert_eq!(again.status, StatusCode::CREATED, "{:?}", again.body);

    // Needs: within the alliance.
    let need = without_confirmation(w.need("独居老人健康体检"));
    assert_eq!(
        app.post("/api/v1/needs", &w.coordinator, need.clone())
            .await
            .status,
        StatusCode::CREATED
    );
    let twice = app.post("/api/v1/needs", &w.coordinator, need).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let elsewhere = app
        .post(
            "/api/v1/needs",
            &w.other_coordinator,
            json!({"alliance_id": w.other_alliance, "title": "独居老人健康体检", "category": "医疗健康",
                   "description": "辖区独居老人较多，希望定期开展健康检查。"}),
        )
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::CREATED,
        "{:?}",
        elsewhere.body
    );
}

/// A double submit — the same post sent several times at once — leaves one entry: the unit's
/// (or alliance's) entries are compared under a lock, so each copy sees the ones before it.
async fn simultaneous_copies_are_caught(app: TestApp) {
    let w = app.world().await;
    let send = |path: &'static str, token: String, body: Value| {
        let app = app.clone();
        async move { app.post(path, &token, body).await.status }
    };
    let resources = futures::future::join_all((0..4).map(|_| {
        send(
            "/api/v1/resources",
            w.member_a.clone(),
            without_confirmation(w.resource("社区义诊测血压")),
        )
    }))
    .await;
    let needs = futures::future::join_all((0..4).map(|_| {
        send(
            "/api/v1/needs",
            w.coordinator.clone(),
            without_confirmation(w.need("独居老人健康体检")),
        )
    }))
    .await;
    for statuses in [resources, needs] {
        let created = statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        let refused = statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count();
        assert_eq!((created, refused), (1, 3), "{statuses:?}");
    }
}
