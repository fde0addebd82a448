//! What a coordinator sees among a need's matches: the same offer posted by several units is
//! one item that names the others, and of two offers scoring about the same, the nearer one
//! comes first.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::common::{TestApp, World, org_body};

both!(
    the_same_offer_from_three_units_is_one_item,
    the_nearer_offer_comes_first_among_near_equal_scores
);

/// Another unit of the city, not a member of any alliance.
async fn unit(app: &TestApp, w: &World, name: &str) -> i64 {
    app.post(
        "/api/v1/organizations",
        &w.admin,
        org_body(name, "社会组织"),
    )
    .await
    .id()
}

/// A resource of `org`, posted by the admin for it.
async fn offer(app: &TestApp, w: &World, org: i64, body: Value) -> i64 {
    let mut body = body;
    body["organization_id"] = json!(org);
    body["allow_duplicate"] = json!(true);
    let a = app.post("/api/v1/resources", &w.admin, body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    a.id()
}

fn items(body: &Value) -> &Vec<Value> {
    body["items"].as_array().expect("items")
}

fn also_ids(item: &Value) -> Vec<i64> {
    item["also_offered_by"]
        .as_array()
        .expect("also_offered_by")
        .iter()
        .map(|o| o["resource_id"].as_i64().unwrap())
        .collect()
}

fn item_ids(body: &Value) -> Vec<i64> {
    items(body)
        .iter()
        .map(|i| i["resource"]["id"].as_i64().unwrap())
        .collect()
}

async fn matches(app: &TestApp, w: &World, need: i64, query: &str) -> Value {
    let a = app
        .get(
            &format!("/api/v1/needs/{need}/matches{query}"),
            &w.coordinator,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{query}: {:?}", a.body);
    a.body
}

async fn the_same_offer_from_three_units_is_one_item(app: TestApp) {
    let w = app.world().await;
    let elders = unit(&app, &w, "五华区老年协会").await;
    let neighbours = unit(&app, &w, "翠湖街坊互助会").await;
    let meals = |scope: &str, region: Option<i64>, title: &str, description: &str| {
        json!({"title": title, "description": description, "category": "养老助残",
               "scope_level": scope, "scope_region_id": region})
    };
    // One offer from three units, typed three ways: the widths of the punctuation, the
    // spaces and the case of the Latin letters differ, the words do not.
    let from_a = offer(
        &app,
        &w,
        w.org_a,
        meals(
            "street",
            Some(w.street),
            "老年食堂送餐上门（AA级）",
            "为独居老人每天中午送一顿热饭，两荤一素。",
        ),
    )
    .await;
    let from_b = offer(
        &app,
        &w,
        w.org_b,
        meals(
            "city",
            None,
            " 老年食堂送餐上门(aa级) ",
            "为独居老人每天中午送一顿热饭,两荤一素.",
        ),
    )
    .await;
    let from_elders = offer(
        &app,
        &w,
        elders,
        meals(
            "district",
            Some(w.district),
            "老年食堂送餐上门（ＡＡ级）",
            "为独居老人每天中午送一顿热饭，  两荤一素。",
        ),
    )
    .await;
    // A fourth copy, withdrawn: never shown, not even as another unit's.
    let withdrawn = offer(
        &app,
        &w,
        neighbours,
        meals(
            "community",
            Some(w.community),
            "老年食堂送餐上门（AA级）",
            "为独居老人每天中午送一顿热饭，两荤一素。",
        ),
    )
    .await;
    let a = app
        .post(
            &format!("/api/v1/resources/{withdrawn}/status"),
            &w.admin,
            json!({"status": "withdrawn"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    // The same title saying something else is another offer.
    let other_text = offer(
        &app,
        &w,
        elders,
        meals(
            "district",
            Some(w.district),
            "老年食堂送餐上门（AA级）",
            "每周两次为独居老人把新鲜蔬菜送到家。",
        ),
    )
    .await;
    // Other offers for the same need, so that the list has more than one item.
    let canteen = offer(
        &app,
        &w,
        w.org_a,
        meals(
            "street",
            Some(w.street),
            "长者助餐点午饭供应",
            "社区助餐点为老人提供午饭，可堂食可打包送餐。",
        ),
    )
    .await;
    let volunteers = offer(
        &app,
        &w,
        w.org_b,
        meals(
            "city",
            None,
            "爱心午餐配送",
            "志愿者为行动不便的独居老人配送午餐。",
        ),
    )
    .await;
    let need = app
        .post("/api/v1/needs", &w.coordinator, json!({"community_id": w.community,
            "title": "社区独居老人需要送餐上门", "description": "独居老人中午没人做饭，希望每天有人送一顿热饭。",
            "category": "养老助残", "quantity": 30}))
        .await
        .id();
    app.indexed().await;

    let grouped = matches(&app, &w, need, "").await;
    let groups: Vec<&Value> = items(&grouped)
        .iter()
        .filter(|i| !also_ids(i).is_empty())
        .collect();
    assert_eq!(groups.len(), 1, "one offer grouped: {grouped}");
    let group = groups[0];
    // From the need's alliance and serving its street: the best of the three stands for them.
    assert_eq!(group["resource"]["id"], from_a, "{grouped}");
    let others: HashSet<i64> = also_ids(group).into_iter().collect();
    assert_eq!(others, HashSet::from([from_b, from_elders]), "{grouped}");
    let summary = group["reasons"]["summary"].as_str().unwrap();
    assert!(summary.contains("另有 2 家单位提供"), "{summary}");
    // What tells the copies apart: the unit and where it serves.
    for o in group["also_offered_by"].as_array().unwrap() {
        let (id, org, scope) = (
            o["resource_id"].as_i64().unwrap(),
            o["organization"]["id"].as_i64().unwrap(),
            o["scope"]["region_name"].as_str().unwrap(),
        );
        if id == from_b {
            assert_eq!(
                (org, scope, o["scope_relation"].as_str()),
                (w.org_b, "全市", Some("全市")),
                "{o}"
            );
            assert_eq!(o["organization"]["name"], "云南金马律师事务所");
        } else {
            assert_eq!(
                (org, scope, o["scope_relation"].as_str()),
                (elders, "五华区", Some("本区县")),
                "{o}"
            );
            assert_eq!(o["organization"]["name"], "五华区老年协会");
        }
        assert!(o["score"].as_f64().unwrap() <= group["score"].as_f64().unwrap());
    }
    // Every row at most once, the withdrawn copy nowhere, the other text on its own.
    let shown: Vec<i64> = items(&grouped)
        .iter()
        .flat_map(|i| {
            let mut v = vec![i["resource"]["id"].as_i64().unwrap()];
            v.extend(also_ids(i));
            v
        })
        .collect();
    assert_eq!(
        shown.len(),
        shown.iter().collect::<HashSet<_>>().len(),
        "{grouped}"
    );
    assert!(!shown.contains(&withdrawn), "{grouped}");
    assert!(item_ids(&grouped).contains(&other_text), "{grouped}");
    for id in [canteen, volunteers] {
        assert!(item_ids(&grouped).contains(&id), "{id}: {grouped}");
    }
    // No unit's private contacts, here or among the others.
    let text = grouped.to_string();
    assert!(
        !text.contains("0871-63123456") && !text.contains("李明"),
        "{text}"
    );

    // `limit` counts items: as many as asked for, though they stand for more rows.
    let at = items(&grouped)
        .iter()
        .position(|i| i["resource"]["id"] == from_a)
        .unwrap();
    let limited = matches(&app, &w, need, &format!("?limit={}", at + 1)).await;
    assert_eq!(items(&limited).len(), at + 1, "{limited}");
    assert_eq!(
        items(&limited)[..],
        items(&grouped)[..at + 1],
        "the first items, as in the full list"
    );
    assert_eq!(also_ids(&items(&limited)[at]).len(), 2);

    // group=false: every row on its own, as before.
    let flat = matches(&app, &w, need, "?group=false").await;
    let flat_ids = item_ids(&flat);
    for id in [from_a, from_b, from_elders, other_text, canteen, volunteers] {
        assert!(flat_ids.contains(&id), "{id}: {flat}");
    }
    assert!(!flat_ids.contains(&withdrawn));
    assert_eq!(
        flat_ids.len(),
        shown.len(),
        "the same rows, one item each: {flat}"
    );
    for i in items(&flat) {
        assert!(also_ids(i).is_empty(), "{i}");
        assert!(
            !i["reasons"]["summary"].as_str().unwrap().contains("另有"),
            "{i}"
        );
    }
    let two = matches(&app, &w, need, "?group=false&limit=2").await;
    assert_eq!(item_ids(&two), flat_ids[..2]);
    // Only true or false.
    let bad = app
        .get(
            &format!("/api/v1/needs/{need}/matches?group=maybe"),
            &w.coordinator,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{:?}", bad.body);
}

async fn the_nearer_offer_comes_first_among_near_equal_scores(app: TestApp) {
    let w = app.world().await;
    let elders = unit(&app, &w, "五华区老年协会").await;
    let neighbours = unit(&app, &w, "翠湖街坊互助会").await;
    let meals = |scope: &str, region: Option<i64>, quantity: i32| {
        json!({"title": "老年食堂送餐上门", "description": "为独居老人每天中午送一顿热饭。",
               "category": "养老助残", "quantity": quantity,
               "scope_level": scope, "scope_region_id": region})
    };
    // One text, so the words and the meaning score the same: the street's copy covers the
    // whole need (30 of 30) and the community's about a quarter (8), which lifts the street's
    // score a little above the community's, less than the band of near-equal scores.
    let street = offer(&app, &w, elders, meals("street", Some(w.street), 30)).await;
    let community = offer(
        &app,
        &w,
        neighbours,
        meals("community", Some(w.community), 8),
    )
    .await;
    // The same again from a unit of the need's alliance, across the city: its alliance
    // bonus is a real difference, which distance does not overrule.
    let ally = offer(&app, &w, w.org_a, meals("city", None, 30)).await;
    let need = app
        .post(
            "/api/v1/needs",
            &w.coordinator,
            json!({"community_id": w.community,
            "title": "独居老人需要送餐", "description": "中午没人做饭。", "category": "养老助残",
            "quantity": 30}),
        )
        .await
        .id();
    app.indexed().await;

    let flat = matches(&app, &w, need, "?group=false").await;
    let score = |id: i64| -> f64 {
        items(&flat)
            .iter()
            .find(|i| i["resource"]["id"] == id)
            .unwrap_or_else(|| panic!("{id} not matched: {flat}"))["score"]
            .as_f64()
            .unwrap()
    };
    // What makes this test mean something: by score alone the street's copy comes first.
    assert!(
        score(street) > score(community)
            && score(street) - score(community) < lianmeng::domain::matching::NEAR_EQUAL,
        "street {} and community {} should be near-equal, the street's ahead: {flat}",
        score(street),
        score(community)
    );
    assert!(score(ally) - score(street) > 0.01, "{flat}");
    assert_eq!(item_ids(&flat), [ally, community, street], "{flat}");
    let scopes: Vec<&str> = items(&flat)
        .iter()
        .map(|i| i["reasons"]["scope"].as_str().unwrap())
        .collect();
    assert_eq!(scopes, ["全市", "本社区", "本街道"]);

    // Grouped, the best after that order stands for the offer and the others follow it.
    let grouped = matches(&app, &w, need, "").await;
    assert_eq!(item_ids(&grouped), [ally], "{grouped}");
    assert_eq!(
        also_ids(&items(&grouped)[0]),
        [community, street],
        "{grouped}"
    );
    assert!(
        items(&grouped)[0]["reasons"]["summary"]
            .as_str()
            .unwrap()
            .contains("另有 2 家单位提供")
    );
}
