//! Imports are jobs: the upload answers at once, the job's progress and result are read from
//! `GET /imports/{id}`, other alliances go on writing meanwhile, the sheet's rows appear all
//! at once when it is done, and a job its process abandoned is rolled back.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::both;
use crate::common::{TestApp, World, scalar};

both!(
    an_import_lands_whole_while_others_write,
    an_abandoned_import_is_rolled_back
);

/// A 需求清单 of `n` rows for the street alliance (distinct needs, nothing alike).
fn needs_sheet(n: usize) -> Vec<u8> {
    let places = ["翠湖社区", "正义社区"];
    let mut text = String::from("标题,描述,类别,所属社区,紧急程度\r\n");
    for i in 0..n {
        text.push_str(&format!(
            "{i}号院需求{},居民反映的第{i}件事,养老助残,{},一般\r\n",
            i * 7919 % 10007,
            places[i % 2]
        ));
    }
    text.into_bytes()
}

async fn alliance_total(app: &TestApp, w: &World) -> u64 {
    let path = format!("/api/v1/needs?alliance_id={}", w.street_alliance);
    app.get(&path, &w.admin).await.body["total"]
        .as_u64()
        .unwrap()
}

async fn an_import_lands_whole_while_others_write(app: TestApp) {
    let w = app.world().await;
    let rows = 1500;
    let form = Form::new()
        .part("file", Part::bytes(needs_sheet(rows)).file_name("需求.csv"))
        .text("allow_duplicates", "true");
    let started = TestApp::answer(
        app.client
            .post(format!("{}/api/v1/imports", app.base))
            .bearer_auth(&w.coordinator)
            .multipart(form),
    )
    .await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
    assert_eq!(started.body["rows"], rows);
    assert_eq!(started.body["list"], "needs");
    let path = format!("/api/v1/imports/{}", started.id());

    // Another alliance posts while the sheet is checked and written.
    let other = {
        let (app, w) = (app.clone(), w.clone());
        tokio::spawn(async move {
            for i in 0..10 {
                let mut body = w.need(&format!("另一联盟的需求{i}"));
                body["alliance_id"] = json!(w.other_alliance);
                body["community_id"] = json!(w.other_community);
                let a = app.post("/api/v1/needs", &w.other_coordinator, body).await;
                assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
            }
        })
    };

    // The sheet's rows are seen all at once: none while it is written, then every one.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen_writing = false;
    let job = loop {
        // Counted before the job is read: if the job is still unpublished after, it was
        // unpublished when counted.
        let visible = alliance_total(&app, &w).await;
        let job = app.get(&path, &w.coordinator).await;
        assert_eq!(job.status, StatusCode::OK, "{:?}", job.body);
        let status = job.body["status"].as_str().unwrap().to_owned();
        if status == "writing" {
            seen_writing = true;
            assert_eq!(job.body["status_label"], "写入中");
            assert_eq!(visible, 0, "rows are hidden until the sheet is written");
        }
        if status == "succeeded" {
            break job.body;
        }
        assert!(
            ["queued", "checking", "writing"].contains(&status.as_str()),
            "{:?}",
            job.body
        );
        assert!(visible == 0, "{visible} rows visible while {status}");
        assert!(Instant::now() < deadline, "{:?}", job.body);
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    other.await.unwrap();
    assert!(seen_writing, "the job was seen writing");
    assert_eq!(job["created"], rows);
    assert_eq!(job["done"], rows);
    assert!(job["finished_at"].is_string());
    assert_eq!(alliance_total(&app, &w).await, rows as u64);
    let others = format!("/api/v1/needs?alliance_id={}", w.other_alliance);
    assert_eq!(app.get(&others, &w.admin).await.body["total"], 10);
}

async fn an_abandoned_import_is_rolled_back(app: TestApp) {
    let w = app.world().await;
    let kept = app
        .post("/api/v1/needs", &w.coordinator, w.need("楼道灯坏了"))
        .await;
    assert_eq!(kept.status, StatusCode::CREATED, "{:?}", kept.body);
    let kept = kept.id();
    let user: i64 = app.get("/api/v1/auth/me", &w.coordinator).await.body["id"]
        .as_i64()
        .unwrap();
    // What a process that died while writing leaves: a running job that stopped beating, and
    // hidden rows (with their audit entries) under it.
    let url = app.url.clone();
    let app = app
        .restart_after(|| async move {
            let db = sea_orm::Database::connect(&url).await.unwrap();
            let long_ago = (chrono::Utc::now() - chrono::Duration::minutes(10)).to_rfc3339();
            let now = chrono::Utc::now().to_rfc3339();
            let ts = |v: &str| match db.get_database_backend() {
                sea_orm::DbBackend::Postgres => format!("'{v}'::timestamptz"),
                _ => format!("'{v}'"),
            };
            let run = |sql: String| {
                let db = &db;
                async move {
                    db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
                        .await
                        .unwrap();
                }
            };
            run(format!(
                "INSERT INTO import_jobs (id, city_id, user_id, alliance_id, list, file_name, \
                 dry_run, allow_duplicates, status, \"rows\", done, valid, created, problems, \
                 ignored_columns, created_at, updated_at) SELECT 900, city_id, {user}, \
                 alliance_id, 'needs', '需求.csv', false, false, 'writing', 2, 2, 2, 0, '[]', \
                 '[]', {}, {} FROM needs WHERE id = {kept}",
                ts(&long_ago),
                ts(&long_ago)
            ))
            .await;
            for copy in 0..2 {
                run(format!(
                    "INSERT INTO needs (city_id, alliance_id, place_region_id, title, \
                     description, category, tags, quantity, needed_by, urgency, status, version, \
                     created_at, updated_at, created_by, updated_by, deleted_at, review_by, \
                     import_id) SELECT city_id, alliance_id, place_region_id, \
                     'hidden-{copy}', description, category, tags, quantity, needed_by, urgency, \
                     status, version, created_at, updated_at, created_by, updated_by, {}, \
                     review_by, 900 FROM needs WHERE id = {kept}",
                    ts(&now)
                ))
                .await;
            }
            run(format!(
                "INSERT INTO audit_log (city_id, actor_id, action, entity_type, entity_id, \
                 created_at) SELECT city_id, {user}, 'create', 'need', id, {} FROM needs \
                 WHERE import_id = 900",
                ts(&now)
            ))
            .await;
            db.close().await.unwrap();
        })
        .await;
    // The sweep runs as the workers start.
    let path = "/api/v1/imports/900";
    let deadline = Instant::now() + Duration::from_secs(15);
    let job = loop {
        let job = app.get(path, &w.coordinator).await;
        assert_eq!(job.status, StatusCode::OK, "{:?}", job.body);
        if job.body["status"] == "failed" {
            break job.body;
        }
        assert!(Instant::now() < deadline, "{:?}", job.body);
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        job["message"].as_str().unwrap().contains("未写入任何数据"),
        "{job:?}"
    );
    assert_eq!(
        scalar(
            &app.db.read,
            "SELECT COUNT(*) FROM needs WHERE import_id = 900"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(&app.db.read, "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'need' AND entity_id NOT IN (SELECT id FROM needs)").await,
        0
    );
    let listed = app
        .get(&format!("/api/v1/needs/{kept}"), &w.coordinator)
        .await;
    assert_eq!(listed.status, StatusCode::OK, "the rows before stay");
}
