//! An alliance's match plan: the best assignment within quantities (better than greedy when
//! greedy is wrong), nothing written until accepted, and an all-or-nothing accept.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::common::{TestApp, World};

both!(plan_is_optimal_and_written_only_when_accepted);

async fn offer(
    app: &TestApp,
    w: &World,
    title: &str,
    category: &str,
    tags: &[&str],
    quantity: Option<i32>,
    street: i64,
) -> i64 {
    let r = app
        .post(
            "/api/v1/resources",
            &w.admin,
            json!({"organization_id": w.org_a, "title": title, "description": "", "category": category,
                   "tags": tags, "quantity": quantity, "scope_level": "street", "scope_region_id": street,
                   "allow_duplicate": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.id()
}

async fn ask(
    app: &TestApp,
    w: &World,
    title: &str,
    category: &str,
    tags: &[&str],
    quantity: i32,
) -> i64 {
    let n = app
        .post(
            "/api/v1/needs",
            &w.coordinator,
            json!({"alliance_id": w.street_alliance, "community_id": w.community, "title": title,
                   "description": "", "category": category, "tags": tags, "quantity": quantity}),
        )
        .await;
    assert_eq!(n.status, StatusCode::CREATED, "{:?}", n.body);
    n.id()
}

async fn plan_is_optimal_and_written_only_when_accepted(app: TestApp) {
    let w = app.world().await;
    let canteen = offer(
        &app,
        &w,
        "老年食堂助餐送餐",
        "养老助残",
        &["助餐", "送餐"],
        Some(1),
        w.street,
    )
    .await;
    let volunteers = offer(
        &app,
        &w,
        "志愿者助餐服务",
        "志愿服务",
        &["助餐"],
        Some(1),
        w.street,
    )
    .await;
    let far = offer(
        &app,
        &w,
        "老年食堂助餐送餐服务",
        "养老助残",
        &["助餐", "送餐"],
        Some(9),
        w.other_street,
    )
    .await;
    let lunch = ask(&app, &w, "独居老人助餐", "养老助残", &["助餐"], 1).await;
    let haircut = ask(&app, &w, "行动不便老人上门理发", "养老助残", &["理发"], 1).await;
    let lawyer = ask(&app, &w, "物业纠纷法律咨询", "法律服务", &["法律咨询"], 1).await;
    app.indexed().await;

    let path = format!("/api/v1/alliances/{}/match-plan", w.street_alliance);
    let plan = app
        .post(&path, &w.coordinator, json!({"min_score": 0.2}))
        .await;
    assert_eq!(plan.status, StatusCode::OK, "{:?}", plan.body);
    let p = &plan.body;
    assert_eq!(p["needs_considered"], 3);
    // Greedy gives the canteen to the lunch need (its best pair) and the haircut need the
    // volunteers, or nothing; the plan gives lunch the volunteers and the canteen to the
    // haircut need, for a higher total.
    assert_eq!(pairs(p), [(lunch, volunteers, 1), (haircut, canteen, 1)]);
    let (best, greedy) = (
        p["total_score"].as_f64().unwrap(),
        p["greedy_total_score"].as_f64().unwrap(),
    );
    assert!(best > greedy, "{best} vs greedy {greedy}");
    // The resource of another street never takes part.
    assert_eq!(p["resources_considered"], 2);
    assert!(!p.to_string().contains(&format!("\"id\":{far},")));
    assert_eq!(p["uncovered"][0]["need_id"], lawyer);
    assert!(
        p["uncovered"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("没有")
    );

    // With a floor above the volunteers' pair, only the canteen is left, for both needs: one
    // must go without, and it says which resource it lost.
    let score_of = |need: i64| {
        p["proposals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["need_id"] == need)
            .and_then(|x| x["resources"][0]["score"].as_f64())
            .expect("a pair")
    };
    let floor = score_of(lunch) + 0.001;
    assert!(score_of(haircut) > floor, "{p}");
    let strict = app
        .post(&path, &w.reviewer, json!({"min_score": floor}))
        .await;
    assert_eq!(strict.status, StatusCode::OK, "{:?}", strict.body);
    assert_eq!(pairs(&strict.body), [(lunch, canteen, 1)]);
    let lost = strict.body["uncovered"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["need_id"] == haircut)
        .expect("haircut uncovered");
    assert!(
        lost["reason"]
            .as_str()
            .unwrap()
            .contains("老年食堂助餐送餐"),
        "{lost:?}"
    );

    // Computing writes nothing.
    assert_eq!(app.get("/api/v1/projects", &w.admin).await.body["total"], 0);
    // Who may: the alliance's coordinators, reviewers, admins.
    for (token, status) in [
        (&w.other_coordinator, StatusCode::FORBIDDEN),
        (&w.member_a, StatusCode::FORBIDDEN),
        (&w.admin, StatusCode::OK),
    ] {
        assert_eq!(app.post(&path, token, json!({})).await.status, status);
    }
    assert_eq!(
        app.post("/api/v1/alliances/424242/match-plan", &w.admin, json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let bad = app
        .post(
            &path,
            &w.coordinator,
            json!({"min_score": 2, "candidates": 0}),
        )
        .await;
    assert_eq!(bad.fields(), ["candidates", "min_score"]);

    // Accepting: all or nothing. A need of another alliance and a withdrawn resource spoil
    // the whole batch…
    let items: Vec<Value> = p["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            json!({"need_id": x["need_id"], "resources": x["resources"].as_array().unwrap().iter()
            .map(|r| json!({"id": r["id"], "quantity": r["quantity"]})).collect::<Vec<_>>()})
        })
        .collect();
    let other_need = app
        .post(
            "/api/v1/needs",
            &w.other_coordinator,
            json!({"alliance_id": w.other_alliance, "title": "金马社区老人助餐", "category": "养老助残"}),
        )
        .await
        .id();
    let gone = offer(
        &app,
        &w,
        "周末助餐（已停）",
        "养老助残",
        &["助餐"],
        Some(2),
        w.street,
    )
    .await;
    app.post(
        &format!("/api/v1/resources/{gone}/status"),
        &w.admin,
        json!({"status": "withdrawn"}),
    )
    .await;
    let mut spoiled = items.clone();
    spoiled.push(json!({"need_id": other_need, "resources": [{"id": canteen, "quantity": 1}]}));
    spoiled.push(json!({"need_id": lawyer, "resources": [{"id": gone, "quantity": 1}]}));
    let accept = format!("{path}/accept");
    let refused = app
        .post(&accept, &w.coordinator, json!({"items": spoiled}))
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        refused.body
    );
    assert_eq!(refused.fields(), ["items[2].need_id", "items[3].resources"]);
    assert_eq!(app.get("/api/v1/projects", &w.admin).await.body["total"], 0);
    // …a reviewer cannot accept…
    assert_eq!(
        app.post(&accept, &w.reviewer, json!({"items": items}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // …and the coordinator's clean accept proposes exactly the plan, once.
    let done = app
        .post(&accept, &w.coordinator, json!({"items": items}))
        .await;
    assert_eq!(done.status, StatusCode::CREATED, "{:?}", done.body);
    let made: Vec<(i64, i64, i64)> = done
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            assert_eq!(x["status"], "proposed");
            (
                x["need"]["id"].as_i64().unwrap(),
                x["resources"][0]["id"].as_i64().unwrap(),
                x["resources"][0]["quantity"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(made, [(lunch, volunteers, 1), (haircut, canteen, 1)]);
    let twice = app
        .post(&accept, &w.coordinator, json!({"items": items}))
        .await;
    assert_eq!(twice.fields(), ["items[0].need_id", "items[1].need_id"]);
    // Needs awaiting review leave the next plan.
    let next = app
        .post(&path, &w.coordinator, json!({"min_score": 0.2}))
        .await;
    assert_eq!(next.body["needs_considered"], 1);
}

/// (need, resource, units) of a plan's proposals.
fn pairs(plan: &Value) -> Vec<(i64, i64, i64)> {
    plan["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|x| {
            x["resources"].as_array().unwrap().iter().map(move |r| {
                (
                    x["need_id"].as_i64().unwrap(),
                    r["id"].as_i64().unwrap(),
                    r["quantity"].as_i64().unwrap(),
                )
            })
        })
        .collect()
}
