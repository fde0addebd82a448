//! After the work: feedback on completed projects (评单), statistics per region and per unit
//! (JSON and CSV), the audit trail for admins, and units' private contacts.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::common::{TestApp, World};

both!(
    feedback_after_completion,
    statistics_add_up,
    audit_trail_is_for_admins,
    contacts_are_private_until_a_project_links_them
);

/// A project of the street alliance's coordinator with one resource of unit A, moved by an
/// admin through `path`. Returns (project, need, resource).
async fn project(app: &TestApp, w: &World, title: &str, path: &[&str]) -> (i64, i64, i64) {
    let mut need = w.need(title);
    need["quantity"] = json!(4);
    let n = app.post("/api/v1/needs", &w.coordinator, need).await.id();
    let r = app
        .post(
            "/api/v1/resources",
            &w.member_a,
            w.resource(&format!("{title}服务")),
        )
        .await
        .id();
    let p = app
        .post(
            "/api/v1/projects",
            &w.coordinator,
            json!({"need_id": n, "resource_ids": [r], "title": title}),
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{:?}", p.body);
    let id = p.id();
    for to in path {
        let body = match *to {
            "completed" => json!({"to": to, "outcome": "顺利完成", "beneficiaries": 40}),
            _ => json!({"to": to, "note": "同意"}),
        };
        let a = app
            .post(
                &format!("/api/v1/projects/{id}/transitions"),
                &w.admin,
                body,
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{to}: {:?}", a.body);
    }
    (id, n, r)
}

async fn feedback_after_completion(app: TestApp) {
    let w = app.world().await;
    let (open, _, _) = project(&app, &w, "老人体检", &["approved"]).await;
    let (done, _, _) = project(
        &app,
        &w,
        "健康讲座",
        &["approved", "in_progress", "completed"],
    )
    .await;
    let rate = |id: i64, token: &str, body: Value| {
        let (app, token) = (app.clone(), token.to_owned());
        async move {
            app.put(
                &format!("/api/v1/projects/{id}/feedback"),
                &token,
                body,
                None,
            )
            .await
        }
    };
    // Only a completed project, only the need's coordinator, only 1–5.
    assert_eq!(
        rate(open, &w.coordinator, json!({"rating": 5}))
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        rate(done, &w.member_a, json!({"rating": 5})).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        rate(done, &w.other_coordinator, json!({"rating": 5}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        rate(done, &w.coordinator, json!({"rating": 6}))
            .await
            .fields(),
        ["rating"]
    );
    assert_eq!(
        rate(done, &w.coordinator, json!({})).await.fields(),
        ["rating"]
    );
    let path = format!("/api/v1/projects/{done}/feedback");
    assert_eq!(
        app.get(&path, &w.reviewer).await.status,
        StatusCode::NOT_FOUND
    );
    // The owner cannot reply before there is a rating.
    let early = app
        .post(
            &format!("{path}/reply"),
            &w.member_a,
            json!({"reply": "谢谢"}),
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);

    let rated = rate(
        done,
        &w.coordinator,
        json!({"rating": 4, "comment": "讲得好，希望再来"}),
    )
    .await;
    assert_eq!(rated.status, StatusCode::OK, "{:?}", rated.body);
    assert_eq!(rated.body["rating"], 4);
    assert_eq!(rated.headers.get("etag").unwrap(), "\"1\"");
    // A unit that had no part in it cannot reply; the owner can.
    assert_eq!(
        app.post(&format!("{path}/reply"), &w.member_b, json!({"reply": "?"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&format!("{path}/reply"), &w.member_a, json!({"reply": " "}))
            .await
            .fields(),
        ["reply"]
    );
    let replied = app
        .post(
            &format!("{path}/reply"),
            &w.member_a,
            json!({"reply": "感谢认可，下季度继续"}),
        )
        .await;
    assert_eq!(replied.status, StatusCode::OK, "{:?}", replied.body);
    let got = app.get(&path, &w.reviewer).await;
    assert_eq!(got.body["comment"], "讲得好，希望再来");
    assert_eq!(got.body["reply"], "感谢认可，下季度继续");
    assert!(got.body["replied_by"]["name"].is_string());
    assert_eq!(got.body["version"], 2);
    // A stale change is refused; a fresh one goes through and the reply stays.
    let stale = app
        .put(&path, &w.coordinator, json!({"rating": 2}), Some("\"1\""))
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let changed = app
        .put(&path, &w.coordinator, json!({"rating": 5}), Some("\"2\""))
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(changed.body["reply"], "感谢认可，下季度继续");
    // With two units in a project, the one that replied keeps its reply.
    let both_need = app
        .post("/api/v1/needs", &w.coordinator, w.need("法律与健康咨询"))
        .await
        .id();
    let health = app
        .post("/api/v1/resources", &w.member_a, w.resource("健康咨询"))
        .await
        .id();
    let law = app
        .post(
            "/api/v1/resources",
            &w.admin,
            json!({"organization_id": w.org_b, "title": "法律咨询", "category": "法律服务", "scope_level": "city"}),
        )
        .await
        .id();
    let both = app
        .post(
            "/api/v1/projects",
            &w.coordinator,
            json!({"need_id": both_need, "resource_ids": [health, law], "title": "咨询日"}),
        )
        .await
        .id();
    for to in ["approved", "in_progress", "completed"] {
        let body = match to {
            "completed" => json!({"to": to, "outcome": "完成", "beneficiaries": 9}),
            _ => json!({"to": to}),
        };
        let a = app
            .post(
                &format!("/api/v1/projects/{both}/transitions"),
                &w.admin,
                body,
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    }
    let both_path = format!("/api/v1/projects/{both}/feedback");
    app.put(&both_path, &w.coordinator, json!({"rating": 3}), None)
        .await;
    let first = app
        .post(
            &format!("{both_path}/reply"),
            &w.member_b,
            json!({"reply": "律所会改进"}),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    let overwrite = app
        .post(
            &format!("{both_path}/reply"),
            &w.member_a,
            json!({"reply": "医院回复"}),
        )
        .await;
    assert_eq!(overwrite.status, StatusCode::CONFLICT);
    assert!(
        overwrite.body["detail"]
            .as_str()
            .unwrap()
            .contains("云南金马律师事务所")
    );

    // The project list shows the rating.
    let p = app
        .get(&format!("/api/v1/projects/{done}"), &w.reviewer)
        .await;
    assert_eq!(p.body["rating"], 5);
}

async fn statistics_add_up(app: TestApp) {
    let w = app.world().await;
    let (done, _, _) = project(
        &app,
        &w,
        "健康讲座",
        &["approved", "in_progress", "completed"],
    )
    .await;
    project(&app, &w, "老人体检", &["approved"]).await;
    project(&app, &w, "义诊", &[]).await;
    app.put(
        &format!("/api/v1/projects/{done}/feedback"),
        &w.coordinator,
        json!({"rating": 4}),
        None,
    )
    .await;
    // A need in the other district, open.
    app.post(
        "/api/v1/needs",
        &w.other_coordinator,
        json!({"alliance_id": w.other_alliance, "community_id": w.other_community, "title": "法律咨询", "category": "法律服务"}),
    )
    .await;

    let city = app.get("/api/v1/stats", &w.reviewer).await;
    assert_eq!(city.status, StatusCode::OK, "{:?}", city.body);
    let total = &city.body["total"];
    assert_eq!(
        total["needs"],
        json!({"open": 2, "matched": 1, "fulfilled": 1})
    );
    assert_eq!(
        total["projects"],
        json!({"approved": 1, "completed": 1, "proposed": 1})
    );
    // Resources serve 华山街道, and each has some left (the projects took 4 of 20).
    assert_eq!(total["resources"], json!({"available": 3}));
    assert_eq!(total["beneficiaries"], 40);
    assert_eq!(total["average_rating"], 4.0);
    assert_eq!(total["ratings"], 1);
    // 2 of 4 live needs are matched or fulfilled.
    assert_eq!(total["match_rate"], 0.5);
    assert!(total["median_days_to_approval"].as_f64().unwrap() < 0.01);
    let names: Vec<&str> = city.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["region_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["五华区", "官渡区", "昆明市"]);
    assert_eq!(city.body["rows"][1]["needs"], json!({"open": 1}));

    // A street: its communities, and the street itself for what sits there.
    let street = app
        .get(
            &format!("/api/v1/stats?street_id={}", w.street),
            &w.coordinator,
        )
        .await;
    let rows = street.body["rows"].as_array().unwrap();
    let cells: Vec<(&str, bool, Value)> = rows
        .iter()
        .map(|r| {
            (
                r["region_name"].as_str().unwrap(),
                r["own"].as_bool().unwrap(),
                r["needs"].clone(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        [
            (
                "翠湖社区",
                false,
                json!({"open": 1, "matched": 1, "fulfilled": 1})
            ),
            ("正义社区", false, json!({})),
            ("华山街道", true, json!({})),
        ]
    );
    assert_eq!(rows[2]["resources"], json!({"available": 3}));

    // A period before anything was posted counts nothing.
    let empty = app
        .get("/api/v1/stats?from=2020-01-01&to=2020-12-31", &w.reviewer)
        .await;
    assert_eq!(empty.body["total"]["needs"], json!({}));
    let backwards = app
        .get("/api/v1/stats?from=2026-02-01&to=2026-01-01", &w.reviewer)
        .await;
    assert_eq!(backwards.fields(), ["to"]);
    assert_eq!(
        app.get(
            &format!("/api/v1/stats?street_id={}", w.district),
            &w.reviewer
        )
        .await
        .fields(),
        ["street_id"]
    );
    assert_eq!(
        app.get("/api/v1/stats?format=xml", &w.reviewer)
            .await
            .fields(),
        ["format"]
    );
    let absurd = app
        .get("/api/v1/stats?from=0001-01-01&to=9999-12-31", &w.reviewer)
        .await;
    assert_eq!(absurd.fields(), ["from", "to"]);

    // CSV for Excel: BOM, Chinese headers, one line per row and a total.
    let csv = app
        .client
        .get(format!("{}/api/v1/stats?format=csv", app.base))
        .bearer_auth(&w.reviewer)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    assert!(text.starts_with('\u{feff}'));
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("区域,层级,可对接资源"), "{}", lines[0]);
    assert_eq!(lines.len(), 1 + 3 + 1, "{text}");
    assert!(
        lines[4].starts_with("昆明市合计") || lines[4].contains("合计"),
        "{}",
        lines[4]
    );

    // Per unit: unit A gave to two projects (approved and completed) and was rated 4.
    let orgs = app.get("/api/v1/stats/organizations", &w.reviewer).await;
    let a = orgs
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["organization_id"] == w.org_a)
        .unwrap()
        .clone();
    assert_eq!(
        (
            a["resources"].clone(),
            a["projects"].clone(),
            a["completed"].clone()
        ),
        (json!(3), json!(2), json!(1))
    );
    assert_eq!(
        (a["average_rating"].clone(), a["beneficiaries"].clone()),
        (json!(4.0), json!(40))
    );
}

async fn audit_trail_is_for_admins(app: TestApp) {
    let w = app.world().await;
    let (id, _, _) = project(&app, &w, "老人体检", &["approved"]).await;
    assert_eq!(
        app.get("/api/v1/audit", &w.reviewer).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/api/v1/audit", &w.coordinator).await.status,
        StatusCode::FORBIDDEN
    );
    let trail = app
        .get(
            &format!("/api/v1/audit?entity_type=project&entity_id={id}"),
            &w.admin,
        )
        .await;
    assert_eq!(trail.status, StatusCode::OK, "{:?}", trail.body);
    let actions: Vec<&str> = trail.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["transition", "create"], "newest first");
    let moved = &trail.body["items"][0];
    assert_eq!(moved["before"]["status"], "proposed");
    assert_eq!(moved["after"]["status"], "approved");
    assert!(moved["actor"]["name"].is_string());
    // The approval also wrote the resource (reserved quantity) and the need (matched).
    let by_action = app
        .get("/api/v1/audit?action=project&per_page=100", &w.admin)
        .await;
    let kinds: Vec<&str> = by_action.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["entity_type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["need", "resource"]);
    let today = app.get("/api/v1/audit?from=2020-01-01", &w.admin).await;
    assert!(today.body["total"].as_u64().unwrap() > 10);
    let none = app.get("/api/v1/audit?to=2020-01-01", &w.admin).await;
    assert_eq!(none.body["total"], 0);
    assert_eq!(
        app.get("/api/v1/audit?from=2026-02-01&to=2026-01-01", &w.admin)
            .await
            .fields(),
        ["to"]
    );
}

async fn contacts_are_private_until_a_project_links_them(app: TestApp) {
    let w = app.world().await;
    let path = format!("/api/v1/organizations/{}", w.org_a);
    let sees = |token: &str| {
        let (app, token, path) = (app.clone(), token.to_owned(), path.clone());
        async move {
            let o = app.get(&path, &token).await.body;
            let listed = app
                .get("/api/v1/organizations?per_page=100", &token)
                .await
                .body;
            let in_list = listed["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["id"] == o["id"])
                .unwrap()
                .clone();
            assert_eq!(
                in_list["contact_phone"], o["contact_phone"],
                "list and page agree"
            );
            assert_eq!(o["contacts_hidden"], o["contact_phone"].is_null());
            o["contact_phone"].as_str().map(str::to_owned)
        }
    };
    let phone = Some("0871-63123456".to_owned());
    assert_eq!(sees(&w.admin).await, phone);
    assert_eq!(sees(&w.reviewer).await, phone);
    assert_eq!(sees(&w.member_a).await, phone);
    assert_eq!(sees(&w.member_b).await, None);
    assert_eq!(sees(&w.coordinator).await, None);
    // A proposal does not introduce them yet; an approval does, to that alliance only.
    let (id, _, _) = project(&app, &w, "老人体检", &[]).await;
    assert_eq!(sees(&w.coordinator).await, None);
    app.post(
        &format!("/api/v1/projects/{id}/transitions"),
        &w.reviewer,
        json!({"to": "approved"}),
    )
    .await;
    assert_eq!(sees(&w.coordinator).await, phone);
    assert_eq!(sees(&w.other_coordinator).await, None);
    assert_eq!(sees(&w.community_coordinator).await, None);
}
