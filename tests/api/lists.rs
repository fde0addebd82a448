//! The three lists: a member unit offers resources, a coordinator posts needs, a project
//! links them; every write leaves an audit row and (for resources and needs) an outbox row.

use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::both;
use crate::common::TestApp;

both!(
    resource_life,
    need_life,
    project_is_proposed_and_read,
    stale_writes_are_refused
);

async fn resource_life(app: TestApp) {
    let w = app.world().await;
    let created = app
        .post(
            "/api/v1/resources",
            &w.member_a,
            w.resource("社区义诊测血压"),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.id();
    let r = &created.body;
    assert_eq!(r["organization"]["id"], w.org_a);
    assert_eq!(r["organization"]["name"], "华山社区卫生服务中心");
    assert_eq!(r["status"], "available");
    assert_eq!(r["scope"]["level"], "street");
    assert_eq!(r["scope"]["region_name"], "华山街道");
    assert_eq!(r["tags"], json!(["义诊", "健康咨询"]));
    assert_eq!(r["version"], 1);
    assert_eq!(created.headers.get("etag").unwrap(), "\"1\"");

    let got = app
        .get(&format!("/api/v1/resources/{id}"), &w.other_coordinator)
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body["title"], "社区义诊测血压");

    let city_wide = json!({"title": "法律援助热线", "category": "法律服务", "scope_level": "city",
                           "available_from": "2026-01-01", "available_until": "2099-12-31"});
    let b = app.post("/api/v1/resources", &w.member_b, city_wide).await;
    assert_eq!(b.status, StatusCode::CREATED, "{:?}", b.body);
    assert_eq!(b.body["scope"]["region_name"], "全市");

    let patched = app
        .patch(
            &format!("/api/v1/resources/{id}"),
            &w.member_a,
            json!({"title": "社区义诊：测血压血糖", "quantity": null, "tags": ["义诊"]}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
    assert_eq!(patched.body["title"], "社区义诊：测血压血糖");
    assert_eq!(patched.body["quantity"], json!(null));
    assert_eq!(patched.body["version"], 2);
    assert_eq!(
        patched.body["description"], r["description"],
        "untouched fields stay"
    );

    // Filters.
    let by_org = app
        .get(
            &format!("/api/v1/resources?organization_id={}", w.org_b),
            &w.reviewer,
        )
        .await;
    assert_eq!(by_org.body["total"], 1);
    let by_alliance = app
        .get(
            &format!("/api/v1/resources?alliance_id={}", w.street_alliance),
            &w.reviewer,
        )
        .await;
    assert_eq!(by_alliance.body["total"], 1);
    assert_eq!(by_alliance.body["items"][0]["id"], id);
    let by_category = app
        .get("/api/v1/resources?category=法律服务", &w.reviewer)
        .await;
    assert_eq!(by_category.body["total"], 1);

    // Withdraw, then offer again; "reserved" belongs to projects.
    let s = app
        .post(
            &format!("/api/v1/resources/{id}/status"),
            &w.member_a,
            json!({"status": "withdrawn"}),
        )
        .await;
    assert_eq!(s.body["status"], "withdrawn");
    let withdrawn = app
        .get("/api/v1/resources?status=withdrawn", &w.reviewer)
        .await;
    assert_eq!(withdrawn.body["total"], 1);
    let s = app
        .post(
            &format!("/api/v1/resources/{id}/status"),
            &w.member_a,
            json!({"status": "available"}),
        )
        .await;
    assert_eq!(s.body["status"], "available");
    let s = app
        .post(
            &format!("/api/v1/resources/{id}/status"),
            &w.member_a,
            json!({"status": "reserved"}),
        )
        .await;
    assert_eq!(s.status, StatusCode::CONFLICT);
    assert!(s.is_problem());

    // Delete hides it but keeps the row and its history.
    let d = app
        .delete(&format!("/api/v1/resources/{id}"), &w.member_a)
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("/api/v1/resources/{id}"), &w.member_a)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/resources", &w.member_a).await.body["total"],
        1
    );
    let row = entity::resource::Entity::find_by_id(id)
        .one(&app.db.read)
        .await
        .unwrap()
        .unwrap();
    assert!(row.deleted_at.is_some());

    let audit = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::EntityType.eq("resource"))
        .filter(entity::audit_log::Column::EntityId.eq(id))
        .order_by_asc(entity::audit_log::Column::Id)
        .all(&app.db.read)
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["create", "update", "status", "status", "delete"]);
    assert!(
        audit[1]
            .before
            .as_deref()
            .unwrap()
            .contains("社区义诊测血压")
    );
    assert!(
        audit[1]
            .after
            .as_deref()
            .unwrap()
            .contains("社区义诊：测血压血糖")
    );
    assert!(
        audit
            .iter()
            .all(|a| a.actor_id.is_some() && a.request_id.is_some())
    );
    let outbox = entity::search_outbox::Entity::find()
        .filter(entity::search_outbox::Column::EntityId.eq(id))
        .filter(entity::search_outbox::Column::EntityType.eq("resource"))
        .count(&app.db.read)
        .await
        .unwrap();
    assert_eq!(outbox, 5);
}

async fn need_life(app: TestApp) {
    let w = app.world().await;
    let n = app
        .post("/api/v1/needs", &w.coordinator, w.need("独居老人健康体检"))
        .await;
    assert_eq!(n.status, StatusCode::CREATED, "{:?}", n.body);
    let id = n.id();
    assert_eq!(n.body["alliance"]["name"], "华山街道党建联盟");
    assert_eq!(n.body["place"]["name"], "翠湖社区");
    assert_eq!(n.body["place"]["level"], "community");
    assert_eq!(n.body["status"], "open");
    assert_eq!(n.body["urgency"], "high");

    // Without a community, a street alliance's need sits in its street; a community meeting's
    // in its community; the alliance defaults to the coordinator's own.
    let street_need = app
        .post(
            "/api/v1/needs",
            &w.coordinator,
            json!({"title": "街道活动场地", "category": "场地设施"}),
        )
        .await;
    assert_eq!(
        street_need.status,
        StatusCode::CREATED,
        "{:?}",
        street_need.body
    );
    assert_eq!(street_need.body["place"]["level"], "street");
    assert_eq!(street_need.body["urgency"], "normal");
    let c = app
        .post(
            "/api/v1/needs",
            &w.community_coordinator,
            json!({"title": "四点半课堂志愿者", "category": "志愿服务"}),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{:?}", c.body);
    assert_eq!(c.body["place"]["id"], w.community);

    let list = app
        .get(
            &format!("/api/v1/needs?alliance_id={}", w.street_alliance),
            &w.member_b,
        )
        .await;
    assert_eq!(list.body["total"], 2);
    let in_community = app
        .get(
            &format!("/api/v1/needs?community_id={}", w.community),
            &w.member_b,
        )
        .await;
    assert_eq!(in_community.body["total"], 2);
    let urgent = app
        .get("/api/v1/needs?urgency=high&status=open", &w.member_b)
        .await;
    assert_eq!(urgent.body["total"], 1);

    let moved = app
        .patch(
            &format!("/api/v1/needs/{id}"),
            &w.coordinator,
            json!({"community_id": w.community2, "needed_by": "2099-06-30"}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    assert_eq!(moved.body["place"]["name"], "正义社区");
    assert_eq!(moved.body["needed_by"], "2099-06-30");
    let outside = app
        .patch(
            &format!("/api/v1/needs/{id}"),
            &w.coordinator,
            json!({"community_id": w.other_community}),
        )
        .await;
    assert_eq!(outside.fields(), ["community_id"]);

    let closed = app
        .post(
            &format!("/api/v1/needs/{id}/status"),
            &w.coordinator,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(closed.body["status"], "closed");
    let fulfilled = app
        .post(
            &format!("/api/v1/needs/{id}/status"),
            &w.coordinator,
            json!({"status": "fulfilled"}),
        )
        .await;
    assert_eq!(fulfilled.status, StatusCode::CONFLICT);
    let reopened = app
        .post(
            &format!("/api/v1/needs/{id}/status"),
            &w.coordinator,
            json!({"status": "open"}),
        )
        .await;
    assert_eq!(reopened.body["status"], "open");

    let d = app
        .delete(&format!("/api/v1/needs/{id}"), &w.coordinator)
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("/api/v1/needs/{id}"), &w.coordinator)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn project_is_proposed_and_read(app: TestApp) {
    let w = app.world().await;
    let need = app
        .post("/api/v1/needs", &w.coordinator, w.need("独居老人健康体检"))
        .await
        .id();
    let r1 = app
        .post("/api/v1/resources", &w.member_a, w.resource("上门健康体检"))
        .await
        .id();
    let r2 = app
        .post("/api/v1/resources", &w.member_a, w.resource("家庭医生签约"))
        .await
        .id();
    let p = app
        .post("/api/v1/projects", &w.coordinator, json!({"need_id": need, "resource_ids": [r2, r1], "title": "翠湖社区老人体检", "note": "每月一次"}))
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{:?}", p.body);
    assert_eq!(p.body["status"], "proposed");
    assert_eq!(p.body["resource_ids"], json!([r1, r2]));
    assert_eq!(p.body["need"]["name"], "独居老人健康体检");
    let id = p.id();
    let got = app
        .get(&format!("/api/v1/projects/{id}"), &w.reviewer)
        .await;
    assert_eq!(got.body["notes"], "每月一次");
    let list = app
        .get(
            &format!(
                "/api/v1/projects?alliance_id={}&status=proposed",
                w.street_alliance
            ),
            &w.reviewer,
        )
        .await;
    assert_eq!(list.body["total"], 1);
    // The owner of a resource may propose too; a stranger may not.
    let by_owner = app
        .post(
            "/api/v1/projects",
            &w.member_a,
            json!({"need_id": need, "resource_ids": [r1], "title": "体检二期"}),
        )
        .await;
    assert_eq!(by_owner.status, StatusCode::CREATED);
    let stranger = app
        .post(
            "/api/v1/projects",
            &w.member_b,
            json!({"need_id": need, "resource_ids": [r1], "title": "体检三期"}),
        )
        .await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    // Linked resources and needs cannot be deleted, only withdrawn or closed.
    assert_eq!(
        app.delete(&format!("/api/v1/resources/{r1}"), &w.member_a)
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.delete(&format!("/api/v1/needs/{need}"), &w.coordinator)
            .await
            .status,
        StatusCode::CONFLICT
    );
    // A withdrawn resource cannot be proposed.
    app.post(
        &format!("/api/v1/resources/{r2}/status"),
        &w.member_a,
        json!({"status": "withdrawn"}),
    )
    .await;
    let bad = app
        .post(
            "/api/v1/projects",
            &w.coordinator,
            json!({"need_id": need, "resource_ids": [r2, 999999], "title": "x"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), ["resource_ids", "resource_ids"]);
}

async fn stale_writes_are_refused(app: TestApp) {
    let w = app.world().await;
    let id = app
        .post("/api/v1/resources", &w.member_a, w.resource("活动室借用"))
        .await
        .id();
    let url = format!("{}/api/v1/resources/{id}", app.base);
    let first = TestApp::answer(
        app.client
            .patch(&url)
            .bearer_auth(&w.member_a)
            .header("if-match", "\"1\"")
            .json(&json!({"title": "活动室免费借用"})),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.headers.get("etag").unwrap(), "\"2\"");
    let stale = TestApp::answer(
        app.client
            .patch(&url)
            .bearer_auth(&w.member_a)
            .header("if-match", "\"1\"")
            .json(&json!({"title": "覆盖"})),
    )
    .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert!(stale.is_problem());
    let garbage = TestApp::answer(
        app.client
            .patch(&url)
            .bearer_auth(&w.member_a)
            .header("if-match", "abc")
            .json(&json!({"title": "覆盖"})),
    )
    .await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    let now = app
        .send(
            Method::GET,
            &format!("/api/v1/resources/{id}"),
            Some(&w.member_a),
            None,
        )
        .await;
    assert_eq!(now.body["title"], "活动室免费借用");
}
