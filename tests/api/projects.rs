//! The project life cycle: proposal, review, work and completion; who may make each move;
//! the resources' quantity and the need's status moving with it; the timeline.

use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::both;
use crate::common::{Answer, TestApp, World};

both!(
    a_project_runs_from_proposal_to_completion,
    every_move_is_allowed_or_refused_per_role,
    concurrent_approvals_never_overbook,
    stale_moves_are_refused,
    bad_moves_change_nothing,
    changes_behind_a_project_are_caught
);

/// A resource of unit A with `quantity` (None: not counted).
async fn resource(app: &TestApp, w: &World, title: &str, quantity: Option<i32>) -> i64 {
    let mut body = w.resource(title);
    body["quantity"] = json!(quantity);
    let r = app.post("/api/v1/resources", &w.member_a, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.id()
}

async fn need(app: &TestApp, w: &World, title: &str, quantity: Option<i32>) -> i64 {
    let mut body = w.need(title);
    body["quantity"] = json!(quantity);
    let n = app.post("/api/v1/needs", &w.coordinator, body).await;
    assert_eq!(n.status, StatusCode::CREATED, "{:?}", n.body);
    n.id()
}

async fn propose(app: &TestApp, w: &World, need: i64, resources: &[i64]) -> Answer {
    app.post(
        "/api/v1/projects",
        &w.coordinator,
        json!({"need_id": need, "resource_ids": resources, "title": "助老服务对接"}),
    )
    .await
}

/// The body of a move to `to`, with what that move needs (a reason, an outcome).
fn move_to(to: &str) -> Value {
    match to {
        "completed" => json!({"to": to, "outcome": "完成三次上门服务", "beneficiaries": 25}),
        _ => json!({"to": to, "note": "联席会议议定"}),
    }
}

async fn transition(app: &TestApp, token: &str, project: i64, to: &str) -> Answer {
    app.post(
        &format!("/api/v1/projects/{project}/transitions"),
        token,
        move_to(to),
    )
    .await
}

async fn get(app: &TestApp, token: &str, path: String) -> Value {
    let a = app.get(&path, token).await;
    assert_eq!(a.status, StatusCode::OK, "{path}: {:?}", a.body);
    a.body
}

async fn a_project_runs_from_proposal_to_completion(app: TestApp) {
    let w = app.world().await;
    let need = need(&app, &w, "独居老人助餐", Some(30)).await;
    let canteen = resource(&app, &w, "老年食堂每日配送午餐", Some(20)).await;
    let delivery = resource(&app, &w, "志愿者送餐上门", Some(20)).await;

    // Without quantities, the need's 30 is filled from the resources in id order.
    let p = propose(&app, &w, need, &[delivery, canteen]).await;
    assert_eq!(p.status, StatusCode::CREATED, "{:?}", p.body);
    let id = p.id();
    assert_eq!(p.headers.get("etag").unwrap(), "\"1\"");
    let taken: Vec<(i64, i64)> = p.body["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_i64().unwrap(), r["quantity"].as_i64().unwrap()))
        .collect();
    assert_eq!(taken, [(canteen, 20), (delivery, 10)]);
    // Proposing holds nothing yet.
    let r = get(&app, &w.member_a, format!("/api/v1/resources/{canteen}")).await;
    assert_eq!(
        (r["reserved"].clone(), r["remaining"].clone()),
        (json!(0), json!(20))
    );
    // Each caller is told which moves are theirs.
    let as_reviewer = get(&app, &w.reviewer, format!("/api/v1/projects/{id}")).await;
    assert_eq!(
        as_reviewer["next"],
        json!(["approved", "rejected", "cancelled"])
    );
    let as_owner = get(&app, &w.member_a, format!("/api/v1/projects/{id}")).await;
    assert_eq!(as_owner["next"], json!(["cancelled"]));
    let as_stranger = get(&app, &w.member_b, format!("/api/v1/projects/{id}")).await;
    assert_eq!(as_stranger["next"], json!([]));

    let approved = transition(&app, &w.reviewer, id, "approved").await;
    assert_eq!(approved.status, StatusCode::OK, "{:?}", approved.body);
    assert_eq!(approved.body["status"], "approved");
    assert_eq!(approved.headers.get("etag").unwrap(), "\"2\"");
    assert!(approved.body["approved_at"].is_string());
    let r = get(&app, &w.member_a, format!("/api/v1/resources/{canteen}")).await;
    assert_eq!(r["status"], "reserved");
    assert_eq!(
        (r["reserved"].clone(), r["remaining"].clone()),
        (json!(20), json!(0))
    );
    let r = get(&app, &w.member_a, format!("/api/v1/resources/{delivery}")).await;
    assert_eq!(r["status"], "available");
    assert_eq!(r["remaining"], 10);
    let n = get(&app, &w.coordinator, format!("/api/v1/needs/{need}")).await;
    assert_eq!(n["status"], "matched");

    // A fully reserved resource is out of the matchable set; the one with some left is not.
    app.indexed().await;
    let matches = get(
        &app,
        &w.coordinator,
        format!("/api/v1/needs/{need}/matches"),
    )
    .await;
    let ids: Vec<i64> = matches["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["resource"]["id"].as_i64().unwrap())
        .collect();
    assert!(!ids.contains(&canteen), "{ids:?}");
    assert!(ids.contains(&delivery), "{ids:?}");
    let started = transition(&app, &w.coordinator, id, "in_progress").await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    let done = transition(&app, &w.member_a, id, "completed").await;
    assert_eq!(done.status, StatusCode::OK, "{:?}", done.body);
    assert_eq!(done.body["outcome"], "完成三次上门服务");
    assert_eq!(done.body["beneficiaries"], 25);
    assert_eq!(done.body["next"], json!([]));
    let n = get(&app, &w.coordinator, format!("/api/v1/needs/{need}")).await;
    assert_eq!(n["status"], "fulfilled");
    // Used up once no open project holds it; the rest of the other stays on offer.
    let r = get(&app, &w.member_a, format!("/api/v1/resources/{canteen}")).await;
    assert_eq!(r["status"], "exhausted");
    let r = get(&app, &w.member_a, format!("/api/v1/resources/{delivery}")).await;
    assert_eq!(
        (r["status"].clone(), r["remaining"].clone()),
        (json!("available"), json!(10))
    );

    let timeline = get(&app, &w.reviewer, format!("/api/v1/projects/{id}/timeline")).await;
    let steps: Vec<(Value, Value, Value)> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["from"].clone(), e["to"].clone(), e["by"]["id"].clone()))
        .collect();
    let user_id = |token: &str| {
        let app = app.clone();
        let token = token.to_owned();
        async move { app.get("/api/v1/auth/me", &token).await.body["id"].clone() }
    };
    assert_eq!(
        steps,
        [
            (
                Value::Null,
                json!("proposed"),
                user_id(&w.coordinator).await
            ),
            (
                json!("proposed"),
                json!("approved"),
                user_id(&w.reviewer).await
            ),
            (
                json!("approved"),
                json!("in_progress"),
                user_id(&w.coordinator).await
            ),
            (
                json!("in_progress"),
                json!("completed"),
                user_id(&w.member_a).await
            ),
        ]
    );
    assert_eq!(timeline[1]["note"], "联席会议议定");
    assert!(
        timeline[0]["by"]["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    );

    let rules = get(&app, &w.member_b, "/api/v1/projects/transitions".into()).await;
    assert_eq!(rules.as_array().unwrap().len(), 7);
    assert_eq!(
        rules[0],
        json!({"from": "proposed", "to": "approved", "who": ["reviewer"]})
    );
}

const STATES: [&str; 6] = [
    "proposed",
    "approved",
    "rejected",
    "in_progress",
    "completed",
    "cancelled",
];

/// The life cycle table as the docs state it: (from, to, roles that may besides admins).
/// "coordinator" is the need's alliance's, "owner" the unit of the project's resource.
const TABLE: [(&str, &str, &[&str]); 7] = [
    ("proposed", "approved", &["reviewer"]),
    ("proposed", "rejected", &["reviewer"]),
    ("approved", "in_progress", &["coordinator", "owner"]),
    ("in_progress", "completed", &["coordinator", "owner"]),
    (
        "proposed",
        "cancelled",
        &["coordinator", "owner", "reviewer"],
    ),
    (
        "approved",
        "cancelled",
        &["coordinator", "owner", "reviewer"],
    ),
    (
        "in_progress",
        "cancelled",
        &["coordinator", "owner", "reviewer"],
    ),
];

/// A fresh project moved by an admin to `state` along the table.
async fn project_in(app: &TestApp, w: &World, state: &str) -> i64 {
    let need = need(app, w, "社区老人健康讲座", None).await;
    let res = resource(app, w, "健康知识讲座", None).await;
    let id = propose(app, w, need, &[res]).await.id();
    let path: &[&str] = match state {
        "proposed" => &[],
        "approved" => &["approved"],
        "rejected" => &["rejected"],
        "in_progress" => &["approved", "in_progress"],
        "completed" => &["approved", "in_progress", "completed"],
        "cancelled" => &["cancelled"],
        _ => unreachable!(),
    };
    for to in path {
        let a = transition(app, &w.admin, id, to).await;
        assert_eq!(a.status, StatusCode::OK, "to {to}: {:?}", a.body);
    }
    id
}

async fn every_move_is_allowed_or_refused_per_role(app: TestApp) {
    let w = app.world().await;
    let roles: [(&str, &str); 6] = [
        ("admin", &w.admin),
        ("reviewer", &w.reviewer),
        ("coordinator", &w.coordinator),
        ("other_coordinator", &w.other_coordinator),
        ("owner", &w.member_a),
        ("stranger", &w.member_b),
    ];
    let mut checked = 0;
    for from in STATES {
        let mut project = project_in(&app, &w, from).await;
        for to in STATES {
            let rule = TABLE.iter().find(|(f, t, _)| *f == from && *t == to);
            for (role, token) in roles {
                let expected = match rule {
                    None => StatusCode::CONFLICT,
                    Some((_, _, who)) if role == "admin" || who.contains(&role) => StatusCode::OK,
                    Some(_) => StatusCode::FORBIDDEN,
                };
                let before = get(&app, &w.admin, format!("/api/v1/projects/{project}")).await;
                let a = transition(&app, token, project, to).await;
                assert_eq!(a.status, expected, "{role}: {from} → {to}: {:?}", a.body);
                checked += 1;
                if expected == StatusCode::OK {
                    assert_eq!(a.body["status"], to);
                    project = project_in(&app, &w, from).await;
                } else {
                    assert!(a.is_problem());
                    let after = get(&app, &w.admin, format!("/api/v1/projects/{project}")).await;
                    assert_eq!(before, after, "a refused move changed the project");
                }
            }
        }
    }
    assert_eq!(checked, 6 * 6 * 6);
}

async fn concurrent_approvals_never_overbook(app: TestApp) {
    let w = app.world().await;
    let hall = resource(&app, &w, "社区活动室（每次可容纳）", Some(10)).await;
    let mut projects = Vec::new();
    for i in 0..8 {
        let n = need(&app, &w, &format!("居民议事会场地{i}"), Some(3)).await;
        let p = propose(&app, &w, n, &[hall]).await;
        assert_eq!(p.status, StatusCode::CREATED, "{:?}", p.body);
        projects.push(p.id());
    }
    // Two reviewers (and an admin) approve everything at once.
    let tokens = [w.reviewer.clone(), w.admin.clone()];
    let attempts = projects.iter().enumerate().map(|(i, id)| {
        let app = app.clone();
        let token = tokens[i % 2].clone();
        let id = *id;
        tokio::spawn(async move { transition(&app, &token, id, "approved").await.status })
    });
    let statuses: Vec<StatusCode> = join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((ok, refused), (3, 5), "{statuses:?}");
    let r = get(&app, &w.member_a, format!("/api/v1/resources/{hall}")).await;
    assert_eq!(
        (r["reserved"].clone(), r["remaining"].clone()),
        (json!(9), json!(1))
    );
    assert_eq!(r["status"], "available");
    let approved = app
        .get("/api/v1/projects?status=approved", &w.reviewer)
        .await;
    assert_eq!(approved.body["total"], 3);

    // A refused approval says why, and asking for no more than is left goes through.
    let waiting: Vec<i64> = app
        .get("/api/v1/projects?status=proposed", &w.reviewer)
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let again = transition(&app, &w.reviewer, waiting[0], "approved").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.body["detail"].as_str().unwrap().contains("剩余 1"),
        "{:?}",
        again.body
    );
    let small_need = need(&app, &w, "议事会小场地", Some(1)).await;
    let small = propose(&app, &w, small_need, &[hall]).await.id();
    assert_eq!(
        transition(&app, &w.reviewer, small, "approved")
            .await
            .status,
        StatusCode::OK
    );
    let r = get(&app, &w.member_a, format!("/api/v1/resources/{hall}")).await;
    assert_eq!(
        (r["status"].clone(), r["remaining"].clone()),
        (json!("reserved"), json!(0))
    );

    // Cancelling an approved project gives its share back, and its need opens again.
    let approved = app
        .get("/api/v1/projects?status=approved", &w.reviewer)
        .await;
    // Newest first: the last is one of the first batch, holding 3.
    let first = approved.body["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(first["resources"][0]["quantity"], 3);
    let cancelled = transition(
        &app,
        &w.coordinator,
        first["id"].as_i64().unwrap(),
        "cancelled",
    )
    .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.body);
    let r = get(&app, &w.member_a, format!("/api/v1/resources/{hall}")).await;
    assert_eq!(
        (r["status"].clone(), r["remaining"].clone()),
        (json!("available"), json!(3))
    );
    let n = get(
        &app,
        &w.coordinator,
        format!("/api/v1/needs/{}", first["need"]["id"]),
    )
    .await;
    assert_eq!(n["status"], "open");
}

async fn stale_moves_are_refused(app: TestApp) {
    let w = app.world().await;
    let id = project_in(&app, &w, "proposed").await;
    // Two reviewers read version 1 and act at once: one wins, the other is told it is stale.
    let send = |token: String, to: &'static str| {
        let app = app.clone();
        tokio::spawn(async move {
            let req = app
                .client
                .request(
                    Method::POST,
                    format!("{}/api/v1/projects/{id}/transitions", app.base),
                )
                .bearer_auth(token)
                .header("If-Match", "\"1\"")
                .json(&move_to(to));
            TestApp::answer(req).await.status
        })
    };
    let a = send(w.reviewer.clone(), "approved");
    let b = send(w.admin.clone(), "rejected");
    let mut statuses = vec![a.await.unwrap(), b.await.unwrap()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::PRECONDITION_FAILED]);
    let p = get(&app, &w.admin, format!("/api/v1/projects/{id}")).await;
    assert_eq!(p["version"], 2);
    let timeline = get(&app, &w.admin, format!("/api/v1/projects/{id}/timeline")).await;
    assert_eq!(timeline.as_array().unwrap().len(), 2);
}

async fn bad_moves_change_nothing(app: TestApp) {
    let w = app.world().await;
    let n = need(&app, &w, "老旧小区适老化改造", Some(5)).await;
    let rails = resource(&app, &w, "加装扶手", Some(8)).await;
    let lecture = resource(&app, &w, "安全用电讲座", None).await;

    // Quantities: only for the project's countable resources, 1 to what is left.
    let bad = app
        .post(
            "/api/v1/projects",
            &w.coordinator,
            json!({"need_id": n, "resource_ids": [rails, lecture], "title": "适老化改造",
                   "quantities": {rails.to_string(): 9, lecture.to_string(): 1, "424242": 1}}),
        )
        .await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        bad.body
    );
    assert_eq!(bad.fields(), ["quantities", "quantities", "quantities"]);
    let p = app
        .post(
            "/api/v1/projects",
            &w.coordinator,
            json!({"need_id": n, "resource_ids": [rails, lecture], "title": "适老化改造",
                   "quantities": {rails.to_string(): 6}}),
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{:?}", p.body);
    let id = p.id();
    assert_eq!(p.body["resources"][0]["quantity"], 6);
    assert_eq!(p.body["resources"][1]["quantity"], Value::Null);

    // Reasons and outcomes are asked for where they belong, and only there.
    let path = format!("/api/v1/projects/{id}/transitions");
    let no_reason = app
        .post(&path, &w.reviewer, json!({"to": "rejected"}))
        .await;
    assert_eq!(no_reason.fields(), ["note"]);
    let outcome_early = app
        .post(
            &path,
            &w.reviewer,
            json!({"to": "approved", "outcome": "好", "beneficiaries": 3}),
        )
        .await;
    assert_eq!(outcome_early.fields(), ["beneficiaries", "outcome"]);
    let nothing = app.post(&path, &w.reviewer, json!({})).await;
    assert_eq!(nothing.fields(), ["to"]);
    let unknown = app
        .post(&path, &w.reviewer, json!({"to": "approved", "by": "me"}))
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let wrong_state = app
        .post(&path, &w.reviewer, json!({"to": "finished"}))
        .await;
    assert_eq!(wrong_state.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A resource withdrawn after the proposal stops the approval; nothing else moves.
    app.post(
        &format!("/api/v1/resources/{lecture}/status"),
        &w.member_a,
        json!({"status": "withdrawn"}),
    )
    .await;
    let refused = transition(&app, &w.reviewer, id, "approved").await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("安全用电讲座")
    );
    let r = get(&app, &w.member_a, format!("/api/v1/resources/{rails}")).await;
    assert_eq!(r["reserved"], 0);
    let p = get(&app, &w.reviewer, format!("/api/v1/projects/{id}")).await;
    assert_eq!(
        (p["status"].clone(), p["version"].clone()),
        (json!("proposed"), json!(1))
    );
    let n_now = get(&app, &w.coordinator, format!("/api/v1/needs/{n}")).await;
    assert_eq!(n_now["status"], "open");

    // Offered again, it goes through; the owner then cannot offer less than is held…
    app.post(
        &format!("/api/v1/resources/{lecture}/status"),
        &w.member_a,
        json!({"status": "available"}),
    )
    .await;
    assert_eq!(
        transition(&app, &w.reviewer, id, "approved").await.status,
        StatusCode::OK
    );
    let less = app
        .patch(
            &format!("/api/v1/resources/{rails}"),
            &w.member_a,
            json!({"quantity": 5}),
        )
        .await;
    assert_eq!(less.fields(), ["quantity"]);
    let cleared = app
        .patch(
            &format!("/api/v1/resources/{rails}"),
            &w.member_a,
            json!({"quantity": null}),
        )
        .await;
    assert_eq!(cleared.fields(), ["quantity"]);
    // …and offering exactly what is held makes it reserved; offering more frees it again.
    let exact = app
        .patch(
            &format!("/api/v1/resources/{rails}"),
            &w.member_a,
            json!({"quantity": 6}),
        )
        .await;
    assert_eq!(exact.status, StatusCode::OK, "{:?}", exact.body);
    assert_eq!(exact.body["status"], "reserved");
    let by_hand = app
        .post(
            &format!("/api/v1/resources/{rails}/status"),
            &w.member_a,
            json!({"status": "available"}),
        )
        .await;
    assert_eq!(by_hand.status, StatusCode::CONFLICT);
    let more = app
        .patch(
            &format!("/api/v1/resources/{rails}"),
            &w.member_a,
            json!({"quantity": 12}),
        )
        .await;
    assert_eq!(
        (more.body["status"].clone(), more.body["remaining"].clone()),
        (json!("available"), json!(6))
    );
    // Unknown and other cities' projects are not found.
    assert_eq!(
        transition(&app, &w.reviewer, 424242, "approved")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/projects/424242/timeline", &w.reviewer)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn changes_behind_a_project_are_caught(app: TestApp) {
    let w = app.world().await;
    // The owner starts counting a resource after it was proposed uncounted: the approval
    // would reserve nothing, so it is refused until the project is proposed again.
    let n = need(&app, &w, "社区长者理发", Some(6)).await;
    let barber = resource(&app, &w, "志愿理发", None).await;
    let p = propose(&app, &w, n, &[barber]).await.id();
    let counted = app
        .patch(
            &format!("/api/v1/resources/{barber}"),
            &w.member_a,
            json!({"quantity": 5}),
        )
        .await;
    assert_eq!(counted.status, StatusCode::OK, "{:?}", counted.body);
    let refused = transition(&app, &w.reviewer, p, "approved").await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("重新提出")
    );
    // Proposed again, it takes what is left and goes through.
    transition(&app, &w.coordinator, p, "cancelled").await;
    let again = propose(&app, &w, n, &[barber]).await;
    assert_eq!(again.body["resources"][0]["quantity"], 5);
    assert_eq!(
        transition(&app, &w.reviewer, again.id(), "approved")
            .await
            .status,
        StatusCode::OK
    );

    // A need closed and opened again keeps the status its projects give it.
    let path = format!("/api/v1/needs/{n}/status");
    let closed = app
        .post(&path, &w.coordinator, json!({"status": "closed"}))
        .await;
    assert_eq!(closed.body["status"], "closed");
    let reopened = app
        .post(&path, &w.coordinator, json!({"status": "open"}))
        .await;
    assert_eq!(reopened.status, StatusCode::OK, "{:?}", reopened.body);
    assert_eq!(reopened.body["status"], "matched");
}
