//! Matching through the API: a coordinator's need finds the offer that means the same thing
//! in other words, never a withdrawn or out-of-scope one; the same engine works in reverse,
//! searches both lists, survives a lost index, and serves a second instance.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::common::{TestApp, World};

both!(
    a_need_finds_the_meal_service_by_meaning,
    reverse_matching_finds_open_needs,
    search_highlights_both_lists,
    a_deleted_or_corrupt_index_is_rebuilt,
    two_instances_share_the_outbox,
    synonyms_reload_without_restart,
    match_parameters_are_checked,
    a_late_commit_is_not_skipped,
    every_scope_level_is_found_from_its_part_of_the_city,
    an_offer_is_found_by_meaning_alone
);

/// Polls until `pred` holds for the answer (the index applies writes asynchronously).
pub(crate) async fn eventually(
    app: &TestApp,
    path: &str,
    token: &str,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let a = app.get(path, token).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {:?}", a.body);
        if pred(&a.body) {
            return a.body;
        }
        assert!(
            Instant::now() < deadline,
            "{path} never satisfied: {:?}",
            a.body
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) fn ids(body: &Value, key: &str) -> Vec<i64> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[key]["id"].as_i64().unwrap())
        .collect()
}

pub(crate) struct Story {
    pub need: i64,
    pub meals: i64,
    legal: i64,
    withdrawn: i64,
    elsewhere: i64,
    unrelated: i64,
    unrelated_ally: i64,
}

/// The need of the issue and offers around it: the right one in other words, one that shares
/// only 服务, one withdrawn, one for another street.
/// The story posted and matched: its need's matches path answers with the meal service.
pub(crate) async fn matched_story(app: &TestApp, w: &World) -> (Story, String) {
    let s = story(app, w).await;
    let path = format!("/api/v1/needs/{}/matches", s.need);
    eventually(app, &path, &w.coordinator, |b| {
        ids(b, "resource").contains(&s.meals)
    })
    .await;
    (s, path)
}

pub(crate) async fn story(app: &TestApp, w: &World) -> Story {
    let post = |token: &str, body: Value| {
        let (app, token) = (app.clone(), token.to_owned());
        async move {
            let a = app.post("/api/v1/resources", &token, body).await;
            assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
            a.id()
        }
    };
    let meals = post(&w.member_a, json!({"title": "老年食堂每日配送午餐", "description": "为辖区高龄、独居老人每天中午送餐上门，两荤一素一汤，软烂少盐。",
        "category": "养老助残", "tags": ["送餐", "老年食堂"], "quantity": 40, "scope_level": "street", "scope_region_id": w.street})).await;
    let legal = post(
        &w.member_b,
        json!({"title": "法律咨询服务", "description": "律师每周到社区坐班，提供免费法律咨询服务。",
        "category": "法律服务", "tags": ["律师"], "scope_level": "city"}),
    )
    .await;
    let withdrawn = post(
        &w.member_a,
        json!({"title": "长者饭堂助餐服务", "description": "长者饭堂为独居老人提供助餐服务。",
        "category": "养老助残", "scope_level": "city"}),
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/resources/{withdrawn}/status"),
            &w.member_a,
            json!({"status": "withdrawn"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let elsewhere = post(
        &w.member_b,
        json!({"title": "老年人助餐送餐服务", "description": "为金马街道独居老人送餐。",
        "category": "养老助残", "scope_level": "street", "scope_region_id": w.other_street}),
    )
    .await;
    // Serves the whole city but shares neither a word nor the category with the need: being
    // in scope alone never makes a match.
    let unrelated = post(
        &w.member_b,
        json!({"title": "篮球场晚间开放", "description": "体育馆的篮球场晚上七点到十点开放，可预约。",
        "category": "文化体育", "scope_level": "city"}),
    )
    .await;
    // From a unit of the need's own alliance, serving the need's street, and still sharing
    // neither a word nor the category: being near and an ally is not a match either.
    let unrelated_ally = post(
        &w.member_a,
        json!({"title": "篮球场晚间开放", "description": "体育馆的篮球场晚上七点到十点开放，可预约。",
        "category": "文化体育", "scope_level": "street", "scope_region_id": w.street, "allow_duplicate": true}),
    )
    .await;
    let need = app
        .post("/api/v1/needs", &w.coordinator, json!({"community_id": w.community, "title": "社区独居长者需要助餐服务",
            "description": "辖区独居老人吃饭难，希望每天有人送一顿热乎的午饭。", "category": "养老助残", "quantity": 30}))
        .await
        .id();
    app.indexed().await;
    Story {
        need,
        meals,
        legal,
        withdrawn,
        elsewhere,
        unrelated,
        unrelated_ally,
    }
}

async fn a_need_finds_the_meal_service_by_meaning(app: TestApp) {
    let w = app.world().await;
    let s = story(&app, &w).await;
    let path = format!("/api/v1/needs/{}/matches", s.need);
    let body = eventually(&app, &path, &w.coordinator, |b| {
        ids(b, "resource").contains(&s.meals)
    })
    .await;
    let found = ids(&body, "resource");
    assert_eq!(found[0], s.meals, "the meal service ranks first: {body}");
    assert!(!found.contains(&s.withdrawn), "never a withdrawn offer");
    assert!(
        !found.contains(&s.elsewhere),
        "never another street's offer"
    );
    assert!(!found.contains(&s.unrelated), "in scope is not a match");
    assert!(
        !found.contains(&s.unrelated_ally),
        "near and an ally is not a match: {body}"
    );
    if let Some(pos) = found.iter().position(|id| *id == s.legal) {
        assert!(pos > 0, "sharing 服务 is not enough to rank first");
    }
    let top = &body["items"][0];
    assert_eq!(top["resource"]["title"], "老年食堂每日配送午餐");
    assert_eq!(top["reasons"]["scope"], "本街道");
    assert_eq!(top["reasons"]["category_match"], true);
    assert_eq!(top["reasons"]["same_alliance"], true);
    let terms: Vec<&str> = top["reasons"]["matched_terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    assert!(
        terms
            .iter()
            .any(|t| ["送餐", "午餐", "老年食堂", "老人", "独居"].contains(t)),
        "{terms:?}"
    );
    assert!(
        top["reasons"]["summary"]
            .as_str()
            .unwrap()
            .contains("服务范围")
    );
    let scores: Vec<f64> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|p| p[0] >= p[1]),
        "best first: {scores:?}"
    );
    // The same data gives the same order.
    assert_eq!(app.get(&path, &w.coordinator).await.body, body);
    // Withdrawing the top offer removes it at once, whatever the index has applied.
    app.post(
        &format!("/api/v1/resources/{}/status", s.meals),
        &w.member_a,
        json!({"status": "withdrawn"}),
    )
    .await;
    let after = app.get(&path, &w.coordinator).await;
    assert!(!ids(&after.body, "resource").contains(&s.meals));
    // Whether or not the index has caught up, a page is never short because of it.
    let one = app.get(&format!("{path}?limit=1"), &w.coordinator).await;
    let first: Vec<Value> = after.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .take(1)
        .cloned()
        .collect();
    assert_eq!(one.body["items"], json!(first), "{:?}", one.body);
    // Filters: a category, a minimum score.
    let legal_only = app
        .get(&format!("{path}?category=法律服务"), &w.coordinator)
        .await;
    assert!(
        ids(&legal_only.body, "resource")
            .iter()
            .all(|id| *id == s.legal)
    );
    let strict = app
        .get(&format!("{path}?min_score=0.99"), &w.coordinator)
        .await;
    assert_eq!(strict.body["items"], json!([]));
}

async fn reverse_matching_finds_open_needs(app: TestApp) {
    let w = app.world().await;
    let s = story(&app, &w).await;
    let path = format!("/api/v1/resources/{}/matches", s.meals);
    let body = eventually(&app, &path, &w.member_a, |b| {
        ids(b, "need").contains(&s.need)
    })
    .await;
    assert_eq!(body["items"][0]["need"]["id"], s.need);
    // The other street's offer does not reach a need in 华山.
    let other = app
        .get(
            &format!("/api/v1/resources/{}/matches", s.elsewhere),
            &w.member_b,
        )
        .await;
    assert!(!ids(&other.body, "need").contains(&s.need));
    // A closed need is not offered.
    app.post(
        &format!("/api/v1/needs/{}/status", s.need),
        &w.coordinator,
        json!({"status": "closed"}),
    )
    .await;
    let closed = app.get(&path, &w.member_a).await;
    assert!(!ids(&closed.body, "need").contains(&s.need));
    // A withdrawn resource matches nothing.
    let none = app
        .get(
            &format!("/api/v1/resources/{}/matches", s.withdrawn),
            &w.member_a,
        )
        .await;
    assert_eq!(none.body["items"], json!([]));
}

async fn search_highlights_both_lists(app: TestApp) {
    let w = app.world().await;
    let s = story(&app, &w).await;
    let body = eventually(
        &app,
        "/api/v1/search?q=送餐&type=resource",
        &w.reviewer,
        |b| b["total"].as_u64() >= Some(2),
    )
    .await;
    let hit = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == s.meals)
        .expect("meal service found");
    assert!(
        hit["description_html"]
            .as_str()
            .unwrap()
            .contains("<b>送餐"),
        "{hit}"
    );
    let needs = eventually(
        &app,
        "/api/v1/search?q=助餐&type=need",
        &w.reviewer,
        |b| b["total"].as_u64() >= Some(1),
    )
    .await;
    assert_eq!(needs["items"][0]["id"], s.need);
    assert_eq!(needs["items"][0]["type"], "need");
    let in_street = app
        .get(
            &format!("/api/v1/search?q=送餐&street_id={}", w.other_street),
            &w.reviewer,
        )
        .await;
    let found: Vec<i64> = in_street.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect();
    assert_eq!(found, [s.elsewhere]);
    let withdrawn = app
        .get("/api/v1/search?q=长者饭堂&status=withdrawn", &w.reviewer)
        .await;
    assert_eq!(withdrawn.body["items"][0]["id"], s.withdrawn);
    // Ordinary user text is never query syntax.
    for q in [
        "-助餐",
        "\"送餐",
        "http://example.com/a?b=c",
        "AND OR NOT",
        "*",
        "送餐)))",
    ] {
        let a = app
            .get(
                &format!(
                    "/api/v1/search?q={}",
                    url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
                ),
                &w.reviewer,
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{q}");
    }
    // jieba's search mode yields parts before the whole word (法律, 咨询, 法律咨询): the
    // highlighter must not trip over such overlapping tokens.
    let tricky = "每周二上午在街道党群服务中心一楼接待来访群众，婚姻家庭、劳动纠纷都可以来问，法律咨询免费。";
    let r = app
        .post("/api/v1/resources", &w.member_b, json!({"title": "街道法律咨询服务站", "description": tricky, "category": "法律服务", "scope_level": "city"}))
        .await
        .id();
    app.indexed().await;
    for q in ["法律咨询", "法律", "咨询", "劳动纠纷"] {
        let a = app
            .get(
                &format!(
                    "/api/v1/search?q={}",
                    url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
                ),
                &w.reviewer,
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{q}: {:?}", a.body);
        assert!(
            a.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["id"] == r),
            "{q}"
        );
    }
    let deep = app
        .get("/api/v1/search?q=送餐&page=60&per_page=20", &w.reviewer)
        .await;
    assert_eq!(deep.fields(), ["page"]);
    let bad = app.get("/api/v1/search?q=&type=project", &w.reviewer).await;
    assert_eq!(bad.fields(), ["q", "type"]);
}

async fn a_deleted_or_corrupt_index_is_rebuilt(app: TestApp) {
    let w = app.world().await;
    let (s, path) = matched_story(&app, &w).await;
    let index = app.data_dir.path().join("index");
    let app = app.restart().await;
    std::fs::remove_dir_all(&index).unwrap();
    let app = app.restart().await;
    let body = app.get(&path, &w.coordinator).await;
    assert_eq!(
        ids(&body.body, "resource")[0],
        s.meals,
        "rebuilt from the database"
    );
    std::fs::write(index.join("meta.json"), b"{ not json").unwrap();
    let app = app.restart().await;
    let body = app.get(&path, &w.coordinator).await;
    assert_eq!(
        ids(&body.body, "resource")[0],
        s.meals,
        "a corrupt index is rebuilt"
    );
    app.stop().await;
}

async fn two_instances_share_the_outbox(app: TestApp) {
    let w = app.world().await;
    let other = app.sibling().await;
    let s = story(&app, &w).await;
    let path = format!("/api/v1/needs/{}/matches", s.need);
    let body = eventually(&other, &path, &w.coordinator, |b| {
        ids(b, "resource").contains(&s.meals)
    })
    .await;
    assert_eq!(
        ids(&body, "resource")[0],
        s.meals,
        "written through one, matched through the other"
    );
    other.stop().await;
}

async fn synonyms_reload_without_restart(app: TestApp) {
    let w = app.world().await;
    let file = app.data_dir.path().join("synonyms.txt");
    let original = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        app.post("/api/v1/admin/synonyms/reload", &w.coordinator, json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    std::fs::write(&file, format!("{original}\n# 测试\n滇池保护 护河行动\n")).unwrap();
    let a = app
        .post("/api/v1/admin/synonyms/reload", &w.admin, json!({}))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    let groups = a.body["groups"].as_u64().unwrap();
    std::fs::write(&file, "只有一个词\n").unwrap();
    let bad = app
        .post("/api/v1/admin/synonyms/reload", &w.admin, json!({}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("第1行"),
        "{:?}",
        bad.body
    );
    // A bad file left on disk does not keep the service from starting again.
    let app = app.restart().await;
    assert_eq!(
        app.get("/api/v1/search?q=送餐", &w.reviewer).await.status,
        StatusCode::OK
    );
    std::fs::write(&file, &original).unwrap();
    let back = app
        .post("/api/v1/admin/synonyms/reload", &w.admin, json!({}))
        .await;
    assert_eq!(back.body["groups"].as_u64().unwrap(), groups - 1);
    app.stop().await;
}

async fn match_parameters_are_checked(app: TestApp) {
    let w = app.world().await;
    let need = app
        .post("/api/v1/needs", &w.coordinator, w.need("体检"))
        .await
        .id();
    let a = app
        .get(
            &format!("/api/v1/needs/{need}/matches?limit=0&min_score=2"),
            &w.coordinator,
        )
        .await;
    assert_eq!(a.fields(), ["limit", "min_score"]);
    assert_eq!(
        app.get("/api/v1/needs/999999/matches", &w.coordinator)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/resources/999999/matches", &w.coordinator)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// On PostgreSQL a transaction can take an outbox number, then commit after a later number
/// was already indexed; the indexer must still pick it up.
async fn a_late_commit_is_not_skipped(app: TestApp) {
    use sea_orm::TransactionTrait;
    if app.db.backend() != sea_orm::DbBackend::Postgres {
        return; // SQLite writers run one at a time: numbers always commit in order.
    }
    let w = app.world().await;
    let user = lianmeng::domain::users::by_username(&app.db.read, "member_a")
        .await
        .unwrap()
        .unwrap();
    let actor = lianmeng::domain::auth::actor_of(&user, None).unwrap();
    let tx = app.db.write.begin().await.unwrap();
    let input: lianmeng::domain::resources::NewResource = serde_json::from_value(
        json!({"title": "迟到提交的移动助浴车", "category": "养老助残", "scope_level": "city"}),
    )
    .unwrap();
    let slow = lianmeng::domain::resources::create(&tx, &actor, input)
        .await
        .unwrap();
    let fast = app
        .post(
            "/api/v1/resources",
            &w.member_a,
            // Confirmed past the duplicate check, which would wait for the open transaction's
            // lock on the unit (the point here is the order of commits, not duplicates).
            json!({"title": "先提交的理发服务", "category": "养老助残", "scope_level": "city",
                   "allow_duplicate": true}),
        )
        .await
        .id();
    let found = |body: &Value, id: i64| {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["id"] == id)
    };
    eventually(&app, "/api/v1/search?q=理发", &w.reviewer, |b| {
        found(b, fast)
    })
    .await;
    tx.commit().await.unwrap();
    app.search.notify();
    eventually(&app, "/api/v1/search?q=助浴车", &w.reviewer, |b| {
        found(b, slow.id)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_index_of_a_restored_database_is_rebuilt() {
    crate::common::run(crate::common::Backend::Sqlite, restored_database).await
}

/// A database restored from a backup and written again can reach the index's outbox position
/// with other changes: the index must notice (its anchor row differs) and rebuild, or the new
/// changes would never be searchable and the lost ones would haunt it.
async fn restored_database(app: TestApp) {
    let w = app.world().await;
    let file = std::path::PathBuf::from(
        app.url
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap(),
    );
    let backup = file.with_extension("backup");
    let create = |app: TestApp, title: &'static str| {
        let body = w.resource(title);
        let token = w.member_a.clone();
        async move {
            let a = app.post("/api/v1/resources", &token, body).await;
            assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
        }
    };
    create(app.clone(), "备份之前的防汛沙袋").await;
    app.indexed().await;
    let app = app
        .restart_after(|| async {
            std::fs::copy(&file, &backup).unwrap();
        })
        .await;
    create(app.clone(), "恢复时丢失的应急照明").await;
    create(app.clone(), "恢复时丢失的救生衣").await;
    app.indexed().await;
    let url = app.url.clone();
    let app = app
        .restart_after(|| async {
            std::fs::copy(&backup, &file).unwrap();
            for ext in ["db-wal", "db-shm"] {
                let _ = std::fs::remove_file(file.with_extension(ext));
            }
            // Another instance writes as many changes into the restored database.
            let other = TestApp::spawn(&url).await;
            create(other.clone(), "恢复之后的橡皮艇").await;
            create(other.clone(), "恢复之后的抽水泵").await;
            other.stop().await;
        })
        .await;
    app.indexed().await;
    let found = |q: &'static str| {
        let app = app.clone();
        let token = w.coordinator.clone();
        async move {
            let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
            let a = app
                .get(&format!("/api/v1/search?type=resource&q={q}"), &token)
                .await;
            assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
            a.body["total"].as_i64().unwrap()
        }
    };
    assert_eq!(found("橡皮艇").await, 1, "written after the restore");
    assert_eq!(found("抽水泵").await, 1, "written after the restore");
    assert_eq!(found("救生衣").await, 0, "lost with the restore");
    assert_eq!(found("防汛沙袋").await, 1, "kept by the backup");
}

/// The index files a resource's text under its district (or the city when it serves the whole
/// city) and a need's query reads only its own district's part and the city's: every level of
/// scope that covers the need's place is still found, with the right relation, and nothing of
/// the other district is, whether the need sits in a community or at its street.
async fn every_scope_level_is_found_from_its_part_of_the_city(app: TestApp) {
    let w = app.world().await;
    let districts = app.get("/api/v1/districts", &w.admin).await;
    let other_district = districts.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .find(|id| *id != w.district)
        .expect("the world has a second district");
    let mut offers: Vec<(&str, i64)> = Vec::new();
    for (label, token, level, region) in [
        ("本社区", &w.member_a, "community", Some(w.community)),
        ("本街道", &w.member_a, "street", Some(w.street)),
        ("本区县", &w.member_a, "district", Some(w.district)),
        ("全市", &w.member_b, "city", None),
        ("其他区县", &w.member_b, "district", Some(other_district)),
        (
            "其他区县的社区",
            &w.member_b,
            "community",
            Some(w.other_community),
        ),
        (
            "其他区县的街道",
            &w.member_b,
            "street",
            Some(w.other_street),
        ),
    ] {
        let a = app
            .post(
                "/api/v1/resources",
                token,
                // One text for all: only the scope tells them apart.
                json!({"title": "老年食堂送餐上门",
                       "description": "为独居老人每天中午送一顿热饭。", "category": "养老助残",
                       "scope_level": level, "scope_region_id": region, "allow_duplicate": true}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
        offers.push((label, a.id()));
    }
    let in_community = app
        .post(
            "/api/v1/needs",
            &w.coordinator,
            json!({"community_id": w.community,
            "title": "独居老人需要送餐", "description": "中午没人做饭。", "category": "养老助残"}),
        )
        .await
        .id();
    let at_street = app
        .post(
            "/api/v1/needs",
            &w.coordinator,
            json!({"title": "街道独居老人需要送餐",
            "description": "中午没人做饭。", "category": "养老助残", "allow_duplicate": true}),
        )
        .await
        .id();
    app.indexed().await;
    let relations = |body: &Value| -> Vec<(i64, String)> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let scope = i["reasons"]["scope"].as_str().unwrap().to_owned();
                (i["resource"]["id"].as_i64().unwrap(), scope)
            })
            .collect()
    };
    let expect = |labels: &[&str]| -> Vec<(i64, String)> {
        let mut v: Vec<(i64, String)> = offers
            .iter()
            .filter(|(l, _)| labels.contains(l))
            .map(|(l, id)| (*id, (*l).to_owned()))
            .collect();
        v.sort();
        v
    };
    for (need, labels) in [
        (in_community, &["本社区", "本街道", "本区县", "全市"][..]),
        (at_street, &["本街道", "本区县", "全市"][..]),
    ] {
        let path = format!("/api/v1/needs/{need}/matches?group=false");
        let body = app.get(&path, &w.coordinator).await.body;
        let mut got = relations(&body);
        got.sort();
        assert_eq!(got, expect(labels), "{body}");
    }
    // Nearer first: the offers share their text, so the scope orders them.
    let body = app
        .get(
            &format!("/api/v1/needs/{in_community}/matches?group=false"),
            &w.coordinator,
        )
        .await
        .body;
    let order: Vec<String> = relations(&body).into_iter().map(|(_, s)| s).collect();
    assert_eq!(order, ["本社区", "本街道", "本区县", "全市"], "{body}");
    // Grouped (the default), one text is one offer: its nearest copy, naming the others in
    // the same order, three of them from the same unit as the one shown.
    let body = app
        .get(
            &format!("/api/v1/needs/{in_community}/matches"),
            &w.coordinator,
        )
        .await
        .body;
    assert_eq!(relations(&body), expect(&["本社区"]), "{body}");
    let others: Vec<&str> = body["items"][0]["also_offered_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["scope_relation"].as_str().unwrap())
        .collect();
    assert_eq!(others, ["本街道", "本区县", "全市"], "{body}");
    let summary = body["items"][0]["reasons"]["summary"].as_str().unwrap();
    assert!(
        summary.ends_with("；另有 1 家单位提供；该单位另有 2 条相同资源"),
        "{summary}"
    );
}

/// An offer that shares no word with a need, filed under another category, is found by
/// meaning and says so (「意思相近」); the category alone finds nothing.
async fn an_offer_is_found_by_meaning_alone(app: TestApp) {
    let w = app.world().await;
    let post = |token: &str, body: Value| {
        let (app, token) = (app.clone(), token.to_owned());
        async move {
            let a = app.post("/api/v1/resources", &token, body).await;
            assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
            a.id()
        }
    };
    let company = post(
        &w.member_a,
        json!({"title": "大学生志愿者陪伴聊天", "description": "每周安排大学生志愿者上门陪伴聊天、读书读报。",
        "category": "志愿服务", "scope_level": "city"}),
    )
    .await;
    // The need's category, nothing of its words or meaning.
    let sandbags = post(
        &w.member_b,
        json!({"title": "防汛沙袋借用", "description": "汛期向居民借出沙袋、雨衣和抽水泵。",
        "category": "养老助残", "scope_level": "city"}),
    )
    .await;
    let need = app
        .post("/api/v1/needs", &w.coordinator, json!({"community_id": w.community,
            "title": "独居长辈整天闷得慌", "description": "一个人在家没个说话的，希望常有人来坐坐。",
            "category": "养老助残"}))
        .await
        .id();
    app.indexed().await;
    let body = app
        .get(&format!("/api/v1/needs/{need}/matches"), &w.coordinator)
        .await
        .body;
    let found = ids(&body, "resource");
    assert_eq!(found.first(), Some(&company), "{body}");
    let reasons = &body["items"][0]["reasons"];
    assert_eq!(reasons["similar_meaning"], true, "{reasons}");
    assert_eq!(reasons["matched_terms"], json!([]), "{reasons}");
    assert!(
        reasons["summary"].as_str().unwrap().contains("意思相近"),
        "{reasons}"
    );
    assert!(
        !found.contains(&sandbags),
        "a category is not a match: {body}"
    );
    // The other way round: the offer finds the need.
    let back = app
        .get(&format!("/api/v1/resources/{company}/matches"), &w.member_a)
        .await;
    assert_eq!(back.status, StatusCode::OK, "{:?}", back.body);
    assert!(ids(&back.body, "need").contains(&need), "{:?}", back.body);
}
