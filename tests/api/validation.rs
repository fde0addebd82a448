//! Every validation rule, with every problem of a request reported in one 422 answer, in
//! Chinese, and nothing written.

use reqwest::StatusCode;
use serde_json::json;

use crate::both;
use crate::common::TestApp;

both!(
    resource_rules_all_at_once,
    lengths_count_characters,
    need_rules_all_at_once,
    organization_rules,
    scope_rules,
    several_wrong_types_at_once,
    text_is_trimmed_before_it_is_measured,
    control_characters_are_refused,
    invisible_and_reordering_text_is_refused,
    dates_stay_in_a_sane_range,
    huge_id_lists_are_refused_cheaply,
    mistyped_and_invalid_fields_together
);

async fn resource_rules_all_at_once(app: TestApp) {
    let w = app.world().await;
    let tags: Vec<String> = (0..11).map(|i| format!("标签{i}")).collect();
    let bad = json!({
        "title": " ", "description": "长".repeat(2001), "category": "不存在的类别", "tags": tags,
        "quantity": 0, "scope_level": "street", "scope_region_id": w.district,
        "available_from": "2098-05-01", "available_until": "2098-04-01"
    });
    let a = app.post("/api/v1/resources", &w.member_a, bad).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.is_problem());
    assert_eq!(
        a.fields(),
        [
            "available_until",
            "category",
            "description",
            "quantity",
            "scope_region_id",
            "tags",
            "title"
        ]
    );
    for e in a.body["errors"].as_array().unwrap() {
        let msg = e["message"].as_str().unwrap();
        assert!(
            msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "message in Chinese: {msg}"
        );
    }
    let tag_too_long = app.post("/api/v1/resources", &w.member_a, json!({"title": "t", "category": "医疗健康", "scope_level": "city", "tags": ["一".repeat(21)]})).await;
    assert_eq!(tag_too_long.fields(), ["tags"]);
    let dup_tags = app.post("/api/v1/resources", &w.member_a, json!({"title": "t", "category": "医疗健康", "scope_level": "city", "tags": ["义诊", "义诊"]})).await;
    assert_eq!(dup_tags.fields(), ["tags"]);
    let past = app.post("/api/v1/resources", &w.member_a, json!({"title": "t", "category": "医疗健康", "scope_level": "city", "available_until": "2020-01-01"})).await;
    assert_eq!(past.fields(), ["available_until"]);
    let patch = app
        .patch("/api/v1/resources/1", &w.member_a, json!({"title": ""}))
        .await;
    assert_eq!(
        patch.status,
        StatusCode::NOT_FOUND,
        "nothing was created above"
    );
    assert_eq!(
        app.get("/api/v1/resources", &w.member_a).await.body["total"],
        0
    );

    let id = app
        .post("/api/v1/resources", &w.member_a, w.resource("体检"))
        .await
        .id();
    let bad_patch = app
        .patch(
            &format!("/api/v1/resources/{id}"),
            &w.member_a,
            json!({"title": "", "quantity": -1, "category": "无", "scope_region_id": w.street}),
        )
        .await;
    assert_eq!(
        bad_patch.fields(),
        ["category", "quantity", "scope_level", "title"]
    );
    assert_eq!(
        app.get(&format!("/api/v1/resources/{id}"), &w.member_a)
            .await
            .body["version"],
        1
    );
}

async fn lengths_count_characters(app: TestApp) {
    let w = app.world().await;
    // 60 characters, one of them outside the Basic Multilingual Plane (4 bytes in UTF-8).
    let title = format!("{}𠀀", "长".repeat(59));
    assert_eq!(title.chars().count(), 60);
    let ok = app.post("/api/v1/resources", &w.member_a, json!({"title": title, "category": "医疗健康", "scope_level": "city", "description": "述".repeat(2000), "tags": ["二".repeat(20)]})).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{:?}", ok.body);
    assert_eq!(ok.body["title"], title);
    let long = app
        .post(
            "/api/v1/resources",
            &w.member_a,
            json!({"title": format!("{title}一"), "category": "医疗健康", "scope_level": "city"}),
        )
        .await;
    assert_eq!(long.fields(), ["title"]);
}

async fn need_rules_all_at_once(app: TestApp) {
    let w = app.world().await;
    let a = app
        .post("/api/v1/needs", &w.coordinator, json!({"community_id": w.other_community, "title": "", "category": "没有", "needed_by": "2001-01-01", "quantity": 0, "tags": ["", "x"]}))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        a.fields(),
        [
            "category",
            "community_id",
            "needed_by",
            "quantity",
            "tags",
            "title"
        ]
    );
    let missing = app
        .post(
            "/api/v1/needs",
            &w.coordinator,
            json!({"community_id": 999999, "title": "x", "category": "志愿服务"}),
        )
        .await;
    assert_eq!(missing.fields(), ["community_id"]);
    let unknown = app
        .post(
            "/api/v1/needs",
            &w.admin,
            json!({"alliance_id": 999999, "title": "", "category": "志愿服务"}),
        )
        .await;
    assert_eq!(
        unknown.fields(),
        ["alliance_id", "title"],
        "an unknown alliance is one problem among others"
    );
    let urgency = app
        .post(
            "/api/v1/needs",
            &w.coordinator,
            json!({"title": "x", "category": "志愿服务", "urgency": "urgent"}),
        )
        .await;
    assert_eq!(urgency.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(urgency.fields(), ["urgency"]);
    assert!(
        urgency.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("high")
    );
    assert_eq!(
        app.get("/api/v1/needs", &w.coordinator).await.body["total"],
        0
    );
}

async fn organization_rules(app: TestApp) {
    let admin = app.admin().await;
    let a = app
        .post("/api/v1/organizations", &admin, json!({"name": "", "kind": "一二三四五六七八九十一", "contact_person": "李", "contact_phone": "call me", "address": "址".repeat(101)}))
        .await;
    assert_eq!(a.fields(), ["address", "contact_phone", "kind", "name"]);
    // Missing required fields are reported together with every other problem.
    let missing = app
        .post(
            "/api/v1/organizations",
            &admin,
            json!({"name": "", "kind": "一二三四五六七八九十一"}),
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        missing.fields(),
        ["contact_person", "contact_phone", "kind", "name"]
    );
    assert_eq!(missing.body["errors"][0]["message"], "请填写联系人");
    let empty = app.post("/api/v1/resources", &admin, json!({})).await;
    assert_eq!(
        empty.fields(),
        ["category", "organization_id", "scope_level", "title"]
    );
}

async fn several_wrong_types_at_once(app: TestApp) {
    let w = app.world().await;
    let a = app
        .post(
            "/api/v1/resources",
            &w.member_a,
            json!({"title": "t", "category": "医疗健康", "scope_level": "city",
                   "quantity": "很多", "tags": 5, "available_from": "明天", "owner": 1}),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.fields(), ["available_from", "owner", "quantity", "tags"]);
}

async fn text_is_trimmed_before_it_is_measured(app: TestApp) {
    let w = app.world().await;
    let title = format!("  {}  ", "长".repeat(60));
    let a = app
        .post("/api/v1/resources", &w.member_a, json!({"title": title, "category": " 医疗健康 ", "scope_level": "city", "tags": [" 义诊 "]}))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    assert_eq!(a.body["title"], "长".repeat(60));
    assert_eq!(a.body["tags"], json!(["义诊"]));
    let blank = app
        .post(
            "/api/v1/resources",
            &w.member_a,
            json!({"title": "   ", "category": "医疗健康", "scope_level": "city"}),
        )
        .await;
    assert_eq!(blank.fields(), ["title"]);
}

async fn control_characters_are_refused(app: TestApp) {
    let w = app.world().await;
    let nul = app
        .post("/api/v1/resources", &w.member_a, json!({"title": "a\u{0}b", "category": "医疗健康", "scope_level": "city", "tags": ["x\u{1b}"]}))
        .await;
    assert_eq!(nul.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(nul.fields(), ["tags[0]", "title"]);
    let login = app
        .send(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin\u{0}", "password": "x"})),
        )
        .await;
    assert_eq!(login.status, StatusCode::UNPROCESSABLE_ENTITY);
    let query = app.get("/api/v1/organizations?q=%00", &w.admin).await;
    assert_eq!(query.status, StatusCode::BAD_REQUEST);
    assert!(query.is_problem());
    let lines = app
        .post("/api/v1/resources", &w.member_a, json!({"title": "多行", "description": "第一行\n第二行\t缩进", "category": "医疗健康", "scope_level": "city"}))
        .await;
    assert_eq!(
        lines.status,
        StatusCode::CREATED,
        "line breaks are fine in descriptions"
    );
}

async fn scope_rules(app: TestApp) {
    let w = app.world().await;
    let base = |level: &str, region: serde_json::Value| json!({"title": "t", "category": "医疗健康", "scope_level": level, "scope_region_id": region, "allow_duplicate": true});
    for (level, region, ok) in [
        ("city", json!(null), true),
        ("city", json!(w.district), false),
        ("district", json!(w.district), true),
        ("district", json!(w.street), false),
        ("district", json!(null), false),
        ("street", json!(w.other_street), true),
        ("community", json!(w.community), true),
        ("community", json!(w.street), false),
        ("community", json!(424242), false),
    ] {
        let a = app
            .post(
                "/api/v1/resources",
                &w.member_a,
                base(level, region.clone()),
            )
            .await;
        let want = if ok {
            StatusCode::CREATED
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        assert_eq!(a.status, want, "{level} {region}: {:?}", a.body);
        if !ok {
            assert_eq!(a.fields(), ["scope_region_id"]);
        }
    }
    let bad_level = app
        .post(
            "/api/v1/resources",
            &w.member_a,
            base("province", json!(null)),
        )
        .await;
    assert_eq!(bad_level.fields(), ["scope_level"]);
}

async fn dates_stay_in_a_sane_range(app: TestApp) {
    let w = app.world().await;
    for date in [
        "-10000-01-01",
        "0000-01-01",
        "+10000-01-01",
        "1900-01-01",
        "2200-01-01",
    ] {
        let a = app
            .post("/api/v1/resources", &w.member_a, json!({"title": "t", "category": "医疗健康", "scope_level": "city", "available_from": date}))
            .await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{date}: {:?}",
            a.body
        );
        assert_eq!(a.fields(), ["available_from"], "{date}");
        let n = app
            .post(
                "/api/v1/needs",
                &w.coordinator,
                json!({"title": "t", "category": "志愿服务", "needed_by": date}),
            )
            .await;
        assert_eq!(n.fields(), ["needed_by"], "{date}");
        let m = app
            .post(
                &format!("/api/v1/alliances/{}/members", w.street_alliance),
                &w.coordinator,
                json!({"organization_id": w.org_b, "joined_on": date}),
            )
            .await;
        assert_eq!(m.fields(), ["joined_on"], "{date}");
    }
    let ok = app
        .post(
            &format!("/api/v1/alliances/{}/members", w.street_alliance),
            &w.coordinator,
            json!({"organization_id": w.org_b, "joined_on": "2019-03-13"}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED);
}

async fn huge_id_lists_are_refused_cheaply(app: TestApp) {
    let w = app.world().await;
    let need = app
        .post("/api/v1/needs", &w.coordinator, w.need("体检"))
        .await
        .id();
    let ids: Vec<i64> = (1..=40_000).collect();
    let a = app
        .post(
            "/api/v1/projects",
            &w.coordinator,
            json!({"need_id": need, "resource_ids": ids, "title": "x"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.fields(), ["resource_ids"]);
    let dup = app
        .post(
            "/api/v1/projects",
            &w.coordinator,
            json!({"need_id": need, "resource_ids": [5, 5], "title": "x"}),
        )
        .await;
    assert_eq!(dup.fields(), ["resource_ids"]);
}

async fn mistyped_and_invalid_fields_together(app: TestApp) {
    let w = app.world().await;
    let a = app
        .post("/api/v1/resources", &w.member_a, json!({"title": "长".repeat(61), "category": "医疗健康", "scope_level": "city", "quantity": "很多"}))
        .await;
    assert_eq!(a.fields(), ["quantity", "title"]);
}

/// Bidi overrides and isolates (which make a title show other words than it holds) and text
/// that only looks blank (zero-width characters) are refused in every text field, each named,
/// with the other problems of the request; spreadsheet cells alike.
async fn invisible_and_reordering_text_is_refused(app: TestApp) {
    let w = app.world().await;
    let zwsp2 = "\u{200B}\u{200B}";
    let a = app
        .post(
            "/api/v1/resources",
            &w.member_a,
            json!({"title": zwsp2, "description": "义诊\u{202E}gnp.exe", "category": "医疗健康",
                   "scope_level": "city", "tags": ["\u{2066}血压\u{2069}", "体检"], "quantity": 0}),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.is_problem());
    assert_eq!(a.fields(), ["description", "quantity", "tags[0]", "title"]);
    let message = |a: &crate::common::Answer, field: &str| {
        a.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .map(|e| e["message"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert!(message(&a, "title").contains("不可见"), "{:?}", a.body);
    assert!(
        message(&a, "description").contains("显示顺序"),
        "{:?}",
        a.body
    );

    let need = app
        .post("/api/v1/needs", &w.coordinator, {
            let mut n = w.need("\u{202D}老人体检");
            n["description"] = json!("\u{FEFF}\u{2060} \u{200D}");
            n
        })
        .await;
    assert_eq!(need.fields(), ["description", "title"], "{:?}", need.body);
    let org = app
        .patch(
            &format!("/api/v1/organizations/{}", w.org_a),
            &w.admin,
            json!({"name": "华山\u{2067}医院", "address": "\u{200C}"}),
        )
        .await;
    assert_eq!(org.fields(), ["address", "name"], "{:?}", org.body);
    let user = app
        .post("/api/v1/users", &w.admin, json!({"username": "liming", "password": "翠湖边的海鸥 2026",
                                                  "display_name": "李\u{202E}明", "role": "reviewer"}))
        .await;
    assert_eq!(user.fields(), ["display_name"], "{:?}", user.body);
    // Joiners inside visible text (an emoji sequence) are ordinary text.
    let ok = app
        .post("/api/v1/resources", &w.member_a, json!({"title": "👩\u{200D}⚕️ 家庭医生签约", "category": "医疗健康", "scope_level": "city"}))
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{:?}", ok.body);

    // A spreadsheet cell is held to the same rule.
    let csv = "\u{FEFF}标题,类别,服务范围,所属单位\r\n义诊\u{202E}测血压,医疗健康,全市,华山社区卫生服务中心\r\n\u{200B},医疗健康,全市,华山社区卫生服务中心\r\n";
    let report = crate::spreadsheets::upload(
        &app,
        &w.admin,
        csv.as_bytes().to_vec(),
        "资源.csv",
        &[("dry_run", "true".into())],
    )
    .await;
    assert_eq!(report.body["status"], "rejected", "{:?}", report.body);
    let problems: Vec<(u64, &str, &str)> = report.body["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("{:?}", report.body))
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().unwrap(),
                p["column"].as_str().unwrap(),
                p["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!((problems[0].0, problems[0].1), (2, "标题"));
    assert!(problems[0].2.contains("显示顺序"), "{problems:?}");
    assert_eq!((problems[1].0, problems[1].1), (3, "标题"));
    assert!(problems[1].2.contains("不可见"), "{problems:?}");
}
