//! Admins build the region tree; alliances appear with their streets and communities; units
//! join alliances; categories are managed.

use reqwest::StatusCode;
use serde_json::json;

use crate::both;
use crate::common::{TestApp, org_body};

both!(
    region_tree_and_alliances,
    organizations_and_members,
    categories_are_managed,
    users_are_created_by_admins,
    organization_search_folds_case_alike,
    regions_are_named_by_code_or_name
);

async fn region_tree_and_alliances(app: TestApp) {
    let w = app.world().await;
    let districts = app.get("/api/v1/districts", &w.reviewer).await;
    assert_eq!(districts.status, StatusCode::OK);
    assert_eq!(districts.body["total"], 2);
    assert_eq!(districts.body["items"][0]["name"], "五华区");
    assert_eq!(districts.body["items"][0]["level"], "district");

    let streets = app
        .get(
            &format!("/api/v1/streets?district_id={}", w.district),
            &w.member_a,
        )
        .await;
    assert_eq!(streets.body["total"], 1);
    assert_eq!(streets.body["items"][0]["name"], "华山街道");

    let communities = app
        .get(
            &format!("/api/v1/communities?street_id={}", w.street),
            &w.coordinator,
        )
        .await;
    assert_eq!(communities.body["total"], 2);
    let names: Vec<&str> = communities.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["翠湖社区", "正义社区"]);

    // One street alliance and one community joint meeting per region.
    let a = app
        .get(
            &format!("/api/v1/alliances?street_id={}", w.street),
            &w.reviewer,
        )
        .await;
    assert_eq!(a.body["total"], 3);
    let street_level = app.get("/api/v1/alliances?level=street", &w.reviewer).await;
    assert_eq!(street_level.body["total"], 2);
    let one = app
        .get(
            &format!("/api/v1/alliances/{}", w.street_alliance),
            &w.reviewer,
        )
        .await;
    assert_eq!(one.body["name"], "华山街道党建联盟");
    assert_eq!(one.body["region"]["id"], w.street);
    let meeting = app
        .get(
            &format!("/api/v1/alliances/{}", w.community_alliance),
            &w.reviewer,
        )
        .await;
    assert_eq!(meeting.body["name"], "翠湖社区党建联席会议");
    assert_eq!(meeting.body["level"], "community");

    // Renaming a street renames its alliance.
    let r = app
        .patch(
            &format!("/api/v1/streets/{}", w.street),
            &w.admin,
            json!({"name": "华山南街道"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["name"], "华山南街道");
    assert_eq!(r.body["code"], "530102001", "the code is stable");
    let one = app
        .get(
            &format!("/api/v1/alliances/{}", w.street_alliance),
            &w.reviewer,
        )
        .await;
    assert_eq!(one.body["name"], "华山南街道党建联盟");
    let r = app
        .patch(
            &format!("/api/v1/districts/{}", w.district),
            &w.admin,
            json!({"name": "五华"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .patch(
            &format!("/api/v1/communities/{}", w.community),
            &w.admin,
            json!({"name": "翠湖北社区"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    // A street id is not a district id.
    let wrong = app
        .patch(
            &format!("/api/v1/districts/{}", w.street),
            &w.admin,
            json!({"name": "x"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);

    // Duplicate code and duplicate sibling name are refused, both reported at once.
    let dup = app
        .post(
            "/api/v1/communities",
            &w.admin,
            json!({"code": "530102001001", "name": "正义社区", "street_id": w.street}),
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(dup.fields(), ["code", "name"]);
    let orphan = app
        .post(
            "/api/v1/streets",
            &w.admin,
            json!({"code": "x1", "name": "某街道", "district_id": w.street}),
        )
        .await;
    assert_eq!(orphan.fields(), ["district_id"]);
}

async fn organizations_and_members(app: TestApp) {
    let w = app.world().await;
    let list = app.get("/api/v1/organizations?q=律师", &w.member_a).await;
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["items"][0]["name"], "云南金马律师事务所");
    let by_kind = app
        .get("/api/v1/organizations?kind=医疗卫生", &w.member_a)
        .await;
    assert_eq!(by_kind.body["total"], 1);

    // Coordinators register units and add them to their own alliance only.
    let c = app
        .post(
            "/api/v1/organizations",
            &w.coordinator,
            org_body("华山小学", "教育"),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{:?}", c.body);
    let org = c.id();
    let add = app
        .post(
            &format!("/api/v1/alliances/{}/members", w.street_alliance),
            &w.coordinator,
            json!({"organization_id": org, "role": "牵头单位"}),
        )
        .await;
    assert_eq!(add.status, StatusCode::CREATED, "{:?}", add.body);
    assert_eq!(add.body["role"], "牵头单位");
    assert_eq!(add.body["organization"]["name"], "华山小学");
    let again = app
        .post(
            &format!("/api/v1/alliances/{}/members", w.street_alliance),
            &w.coordinator,
            json!({"organization_id": org}),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let elsewhere = app
        .post(
            &format!("/api/v1/alliances/{}/members", w.other_alliance),
            &w.coordinator,
            json!({"organization_id": org}),
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    // An organization may belong to several alliances.
    let second = app
        .post(
            &format!("/api/v1/alliances/{}/members", w.other_alliance),
            &w.other_coordinator,
            json!({"organization_id": org}),
        )
        .await;
    assert_eq!(second.status, StatusCode::CREATED);
    let members = app
        .get(
            &format!("/api/v1/alliances/{}/members", w.street_alliance),
            &w.reviewer,
        )
        .await;
    assert_eq!(members.body["total"], 2);

    // Members edit their own unit only.
    let own = app
        .patch(
            &format!("/api/v1/organizations/{}", w.org_a),
            &w.member_a,
            json!({"contact_person": "王芳"}),
        )
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.body["contact_person"], "王芳");
    let other = app
        .patch(
            &format!("/api/v1/organizations/{}", w.org_b),
            &w.member_a,
            json!({"contact_person": "王芳"}),
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    // The refused edit changed nothing (and another unit's contacts are private).
    let got = app
        .get(&format!("/api/v1/organizations/{}", w.org_b), &w.admin)
        .await;
    assert_eq!(got.body["contact_person"], "李明");
    let seen_by_a = app
        .get(&format!("/api/v1/organizations/{}", w.org_b), &w.member_a)
        .await;
    assert_eq!(seen_by_a.body["contact_person"], serde_json::Value::Null);
    let dup = app
        .post(
            "/api/v1/organizations",
            &w.admin,
            org_body("华山小学", "教育"),
        )
        .await;
    assert_eq!(dup.fields(), ["name"]);
}

async fn categories_are_managed(app: TestApp) {
    let admin = app.admin().await;
    let list = app.get("/api/v1/categories", &admin).await;
    let names: Vec<&str> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "场地设施",
            "志愿服务",
            "医疗健康",
            "法律服务",
            "教育培训",
            "文化体育",
            "养老助残",
            "就业创业",
            "物资捐赠",
            "环境治理"
        ]
    );
    let c = app
        .post("/api/v1/categories", &admin, json!({"name": "心理健康"}))
        .await;
    assert_eq!(c.status, StatusCode::CREATED);
    let dup = app
        .post("/api/v1/categories", &admin, json!({"name": "心理健康"}))
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get("/api/v1/categories", &admin)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        11
    );
}

async fn users_are_created_by_admins(app: TestApp) {
    let w = app.world().await;
    let list = app.get("/api/v1/users", &w.admin).await;
    assert_eq!(list.body["total"], 7);
    assert!(list.body["items"][0].get("password_hash").is_none());
    let bad = app
        .post("/api/v1/users", &w.admin, json!({"username": "x", "password": "short", "display_name": "", "role": "coordinator", "organization_id": w.org_a}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.fields(),
        [
            "alliance_id",
            "display_name",
            "organization_id",
            "password",
            "username"
        ]
    );
    let taken = app
        .post("/api/v1/users", &w.admin, json!({"username": "member_a", "password": "long-enough-pw", "display_name": "甲", "role": "reviewer"}))
        .await;
    assert_eq!(taken.fields(), ["username"]);
}

async fn organization_search_folds_case_alike(app: TestApp) {
    let admin = app.admin().await;
    for name in ["ＡＢＣ法律服务所", "Élan咨询", "ΔΕΛΤΑ公司", "100%_公益"] {
        assert_eq!(
            app.post("/api/v1/organizations", &admin, org_body(name, "企业"))
                .await
                .status,
            StatusCode::CREATED
        );
    }
    for (q, want) in [
        ("ＡＢＣ", 1),
        ("ａｂｃ", 1),
        ("élan", 1),
        ("ÉLAN", 1),
        ("δέλτα", 0),
        ("δελτα", 1),
        ("%", 1),
        ("_", 1),
        ("x", 0),
    ] {
        let a = app
            .get(
                &format!(
                    "/api/v1/organizations?q={}",
                    url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
                ),
                &admin,
            )
            .await;
        assert_eq!(a.body["total"], want, "{q}");
    }
}

/// A body may name a region by id, code or name. A community's name is looked up in the posting
/// alliance's area first; a name shared by two regions is refused with both codes to choose from.
async fn regions_are_named_by_code_or_name(app: TestApp) {
    let w = app.world().await;
    let mut by_name = w.resource("上门测血压");
    by_name["scope_region_id"] = json!("华山街道");
    let posted = app.post("/api/v1/resources", &w.member_a, by_name).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{:?}", posted.body);
    assert_eq!(posted.body["scope"]["region_id"], w.street);
    let mut by_code = w.resource("上门量血糖");
    by_code["scope_region_id"] = json!(" 530102001 ");
    let posted = app.post("/api/v1/resources", &w.member_a, by_code).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{:?}", posted.body);
    assert_eq!(posted.body["scope"]["region_id"], w.street);

    let mut need = w.need("楼道灯坏了");
    need["community_id"] = json!("正义社区");
    let posted = app.post("/api/v1/needs", &w.coordinator, need).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{:?}", posted.body);
    assert_eq!(posted.body["place"]["id"], w.community2);
    let need_id = posted.body["id"].as_i64().unwrap();

    // The same name under another street: the need still finds its own alliance's community,
    // a city-wide scope cannot tell the two apart and says which codes to use.
    let twin = app
        .post(
            "/api/v1/communities",
            &w.admin,
            json!({"code": "530111001009", "name": "正义社区", "street_id": w.other_street}),
        )
        .await;
    assert_eq!(twin.status, StatusCode::CREATED, "{:?}", twin.body);
    let moved = app
        .patch(
            &format!("/api/v1/needs/{need_id}"),
            &w.coordinator,
            json!({"community_id": "翠湖社区"}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    assert_eq!(moved.body["place"]["id"], w.community);
    let moved = app
        .patch(
            &format!("/api/v1/needs/{need_id}"),
            &w.coordinator,
            json!({"community_id": "正义社区"}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    assert_eq!(moved.body["place"]["id"], w.community2);

    let mut shared = w.resource("社区义诊");
    shared["scope_level"] = json!("community");
    shared["scope_region_id"] = json!("正义社区");
    let refused = app
        .post("/api/v1/resources", &w.member_a, shared.clone())
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = refused.body["errors"][0]["message"].as_str().unwrap();
    assert_eq!(refused.body["errors"][0]["field"], "scope_region_id");
    assert!(
        message.contains("有2个社区名为「正义社区」")
            && message.contains("530102001002")
            && message.contains("530111001009")
            && message.contains("华山街道"),
        "{message}"
    );
    shared["scope_region_id"] = json!("530111001009");
    let posted = app.post("/api/v1/resources", &w.member_a, shared).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{:?}", posted.body);
    assert_eq!(posted.body["scope"]["region_name"], "正义社区");

    for (field, body, token, path, expected) in [
        (
            "community_id",
            json!("金马社区"),
            &w.coordinator,
            "/api/v1/needs",
            "该社区不在本联盟范围内",
        ),
        (
            "community_id",
            json!("翠湖"),
            &w.coordinator,
            "/api/v1/needs",
            "社区不存在",
        ),
        (
            "community_id",
            json!(""),
            &w.coordinator,
            "/api/v1/needs",
            "请选择社区",
        ),
        (
            "scope_region_id",
            json!("金马社区"),
            &w.member_a,
            "/api/v1/resources",
            "服务范围：街道不存在",
        ),
    ] {
        let mut b = if path.ends_with("needs") {
            w.need("路灯不亮")
        } else {
            w.resource("法律咨询")
        };
        b[field] = body.clone();
        let answer = app.post(path, token, b).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {:?}",
            answer.body
        );
        assert_eq!(answer.body["errors"][0]["field"], field, "{body}");
        assert_eq!(answer.body["errors"][0]["message"], expected, "{body}");
    }
    let needs = app.get("/api/v1/needs", &w.coordinator).await;
    assert_eq!(needs.body["total"], 1, "refused bodies change nothing");
}
