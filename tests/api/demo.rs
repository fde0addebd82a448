//! The demo city: Kunming's 68 street alliances and 332 community joint meetings, about 300
//! member units and a few thousand entries, the same on every run, loaded only once.

use entity::values::{NeedStatus, ProjectStatus};
use lianmeng::config::Config;
use lianmeng::db::Db;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, QueryOrder};

use crate::both;
use crate::common::TestApp;

both!(demo_city_loads_once_and_works);

async fn demo_city_loads_once_and_works(app: TestApp) {
    let config = Config::new(String::new(), std::env::temp_dir());
    let logins = lianmeng::demo::seed(&app.db, &config)
        .await
        .unwrap()
        .expect("empty database gets the demo");
    let names: Vec<&str> = logins.iter().map(|l| l.username.as_str()).collect();
    assert_eq!(
        names,
        ["shenhe", "xietiao", "shequ", "danwei"],
        "admin already existed"
    );
    assert!(
        lianmeng::demo::seed(&app.db, &config)
            .await
            .unwrap()
            .is_none(),
        "never loaded twice"
    );

    // Deterministic: a second database gets the same city.
    if app.db.backend() == sea_orm::DbBackend::Sqlite {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("again.db").display()
        );
        let other = Db::connect(&url).await.unwrap();
        other.migrate().await.unwrap();
        lianmeng::demo::seed(&other, &config)
            .await
            .unwrap()
            .unwrap();
        let (a, b) = (fingerprint(&app.db).await, fingerprint(&other).await);
        assert_eq!(a.len(), b.len(), "same number of rows");
        if let Some(i) = (0..a.len()).find(|&i| a[i] != b[i]) {
            panic!("row {i} differs:\n  {}\n  {}", a[i], b[i]);
        }
        other.close().await;
    }

    // One password, but each account its own salt: no two rows share a hash.
    let hashes: Vec<String> = entity::user::Entity::find()
        .all(&app.db.read)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.password_hash)
        .collect();
    let distinct: std::collections::HashSet<&String> = hashes.iter().collect();
    assert!(hashes.len() > 700);
    assert_eq!(distinct.len(), hashes.len());
    assert_eq!(
        lianmeng::domain::passwords::problem(lianmeng::demo::PASSWORD, &[]),
        None,
        "the documented demo password passes the rule API users are held to"
    );

    let coordinator = app.login("xietiao", lianmeng::demo::PASSWORD).await;
    let streets = app
        .get("/api/v1/alliances?level=street", &coordinator)
        .await;
    assert_eq!(streets.body["total"], 68);
    let meetings = app
        .get("/api/v1/alliances?level=community", &coordinator)
        .await;
    assert_eq!(meetings.body["total"], 332);
    let orgs = app.get("/api/v1/organizations", &coordinator).await;
    assert_eq!(orgs.body["total"], 300);
    let resources = app
        .get("/api/v1/resources?status=available", &coordinator)
        .await;
    assert!(
        resources.body["total"].as_u64().unwrap() > 1500,
        "{}",
        resources.body["total"]
    );
    let needs = app.get("/api/v1/needs?status=open", &coordinator).await;
    assert!(
        needs.body["total"].as_u64().unwrap() > 1000,
        "{}",
        needs.body["total"]
    );
    for category in lianmeng::domain::categories::DEFAULTS {
        let r = app
            .get(
                &format!("/api/v1/resources?category={category}"),
                &coordinator,
            )
            .await;
        assert!(r.body["total"].as_u64().unwrap() >= 50, "{category}");
    }
    let projects = app.get("/api/v1/projects", &coordinator).await;
    assert!(projects.body["total"].as_u64().unwrap() > 100);
    demo_books_balance(&app.db).await;
    demo_history_runs_forward(&app.db).await;

    // The demo coordinator can do their job straight away.
    let own = app.get("/api/v1/auth/me", &coordinator).await;
    let alliance = own.body["alliance_id"].as_i64().unwrap();
    let posted = app
        .post("/api/v1/needs", &coordinator, serde_json::json!({"alliance_id": alliance, "title": "楼道照明维修", "category": "环境治理"}))
        .await;
    assert_eq!(posted.status, StatusCode::CREATED, "{:?}", posted.body);
    let member = app.login("danwei", lianmeng::demo::PASSWORD).await;
    let offered = app
        .post(
            "/api/v1/resources",
            &member,
            serde_json::json!({"title": "周末义诊", "category": "医疗健康", "scope_level": "city"}),
        )
        .await;
    assert_eq!(offered.status, StatusCode::CREATED, "{:?}", offered.body);
}

/// Every demo project was proposed after its need and its resources were posted, and each of
/// its steps (and its approval and completion) follows the one before, none in the future.
async fn demo_history_runs_forward(db: &Db) {
    use std::collections::HashMap;
    let needs: HashMap<i64, entity::need::Model> = entity::need::Entity::find()
        .all(&db.read)
        .await
        .unwrap()
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    let resources: HashMap<i64, entity::resource::Model> = entity::resource::Entity::find()
        .all(&db.read)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let links = entity::project_resource::Entity::find()
        .all(&db.read)
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let projects = entity::project::Entity::find().all(&db.read).await.unwrap();
    assert!(!projects.is_empty());
    for p in &projects {
        let need = &needs[&p.need_id];
        assert!(
            p.created_at > need.created_at,
            "project {} before its need",
            p.id
        );
        for l in links.iter().filter(|l| l.project_id == p.id) {
            assert!(
                p.created_at > resources[&l.resource_id].created_at,
                "project {} before its resource",
                p.id
            );
        }
        let approved = p.approved_at.expect("demo projects are approved");
        assert!(
            p.created_at < approved && approved <= now,
            "project {}",
            p.id
        );
        if let Some(done) = p.completed_at {
            assert!(approved < done && done <= now, "project {}", p.id);
        }
    }
    let events = entity::project_event::Entity::find()
        .order_by_asc(entity::project_event::Column::Id)
        .all(&db.read)
        .await
        .unwrap();
    let mut last: HashMap<i64, chrono::DateTime<chrono::Utc>> = HashMap::new();
    for e in events {
        if let Some(before) = last.insert(e.project_id, e.created_at) {
            assert!(
                before < e.created_at,
                "project {} steps out of order",
                e.project_id
            );
        }
        assert!(e.created_at <= now);
    }
}

/// The demo's projects hold quantity exactly as approvals would have: every resource's
/// `reserved` is what its approved, started and completed projects take, never more than it
/// offers, and a need's status follows its projects.
async fn demo_books_balance(db: &Db) {
    use std::collections::HashMap;
    let projects: HashMap<i64, entity::project::Model> = entity::project::Entity::find()
        .all(&db.read)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut held: HashMap<i64, i32> = HashMap::new();
    for l in entity::project_resource::Entity::find()
        .all(&db.read)
        .await
        .unwrap()
    {
        if ["approved", "in_progress", "completed"]
            .contains(&projects[&l.project_id].status.as_str())
        {
            *held.entry(l.resource_id).or_default() += l.quantity.unwrap_or(0);
        }
    }
    let resources = entity::resource::Entity::find()
        .all(&db.read)
        .await
        .unwrap();
    let mut reserved = 0;
    for r in &resources {
        assert_eq!(
            r.reserved,
            held.get(&r.id).copied().unwrap_or(0),
            "resource {}",
            r.id
        );
        assert!(
            r.quantity.is_none_or(|q| q >= r.reserved),
            "resource {}",
            r.id
        );
        reserved += usize::from(r.reserved > 0);
    }
    assert!(reserved > 50, "only {reserved} resources hold quantity");
    let needs: HashMap<i64, NeedStatus> = entity::need::Entity::find()
        .all(&db.read)
        .await
        .unwrap()
        .into_iter()
        .map(|n| (n.id, n.status))
        .collect();
    for p in projects.values() {
        let expected = if p.status == ProjectStatus::Completed {
            NeedStatus::Fulfilled
        } else {
            NeedStatus::Matched
        };
        assert_eq!(needs[&p.need_id], expected, "project {}", p.id);
    }
    let with_project: std::collections::HashSet<i64> =
        projects.values().map(|p| p.need_id).collect();
    for (id, status) in &needs {
        if matches!(status, NeedStatus::Matched | NeedStatus::Fulfilled) {
            assert!(
                with_project.contains(id),
                "need {id} is {status} without a project"
            );
        }
    }
    let events = entity::project_event::Entity::find()
        .all(&db.read)
        .await
        .unwrap();
    assert!(events.len() >= 2 * projects.len());
}

/// Names and texts that do not depend on today's date.
async fn fingerprint(db: &Db) -> Vec<String> {
    let orgs = entity::organization::Entity::find()
        .order_by_asc(entity::organization::Column::Id)
        .all(&db.read)
        .await
        .unwrap();
    let resources = entity::resource::Entity::find()
        .order_by_asc(entity::resource::Column::Id)
        .all(&db.read)
        .await
        .unwrap();
    let needs = entity::need::Entity::find()
        .order_by_asc(entity::need::Column::Id)
        .all(&db.read)
        .await
        .unwrap();
    orgs.into_iter()
        .map(|o| format!("{}|{}|{}", o.name, o.contact_person, o.contact_phone))
        .chain(resources.into_iter().map(|r| {
            format!(
                "{}|{}|{}|{:?}|{}",
                r.title, r.description, r.scope_level, r.quantity, r.status
            )
        }))
        .chain(
            needs
                .into_iter()
                .map(|n| format!("{}|{}|{}", n.title, n.description, n.status)),
        )
        .collect()
}
