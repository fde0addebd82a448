//! A damaged search index is repaired, never served: files whose bytes changed are found by
//! their checksums at start, damage met while serving answers a Chinese 503 while the index is
//! rebuilt in the background, and an index beside another deployment's database is rebuilt.
//! An index that cannot be written (a full disk) falls behind while writes land, and catches up.

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;

use crate::both;
use crate::common::TestApp;
use crate::matching::{eventually, ids, matched_story};

both!(
    damaged_files_are_found_at_start_and_rebuilt,
    damage_met_while_serving_answers_503_until_repaired,
    an_index_of_another_deployment_is_rebuilt,
    an_unwritable_index_falls_behind_and_catches_up
);

/// The index's files ending in `ext`, largest first.
fn files(index: &Path, ext: &str) -> Vec<PathBuf> {
    let mut found: Vec<(u64, PathBuf)> = std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| (std::fs::metadata(&p).unwrap().len(), p))
        .collect();
    found.sort();
    found.into_iter().rev().map(|(_, p)| p).collect()
}

/// Overwrites the bytes of `file` before its footer with garbage, in place: its size does not
/// change, and a reader that has mapped it sees the new bytes.
fn scribble(file: &Path) {
    let len = std::fs::metadata(file).unwrap().len();
    // tantivy's footer (its version as JSON, a checksum, a length) is the last hundred-odd bytes.
    let body = len.saturating_sub(256).min(4096);
    let start = (len.saturating_sub(256) - body) / 2;
    let mut f = std::fs::OpenOptions::new().write(true).open(file).unwrap();
    f.seek(SeekFrom::Start(start)).unwrap();
    let garbage: Vec<u8> = (0..body).map(|i| (i * 7919 % 251) as u8 ^ 0xA5).collect();
    f.write_all(&garbage).unwrap();
    f.sync_all().unwrap();
}

async fn damaged_files_are_found_at_start_and_rebuilt(app: TestApp) {
    let w = app.world().await;
    let (s, path) = matched_story(&app, &w).await;
    let index = app.data_dir.path().join("index");
    // Kept on a volume of its own, as an operator may: the directory is a link (or a mount
    // point) that a rebuild must empty, not replace.
    let volume = app.data_dir.path().join("index-volume");
    let app = app
        .restart_after(|| async {
            std::fs::rename(&index, &volume).unwrap();
            std::os::unix::fs::symlink(&volume, &index).unwrap();
            let terms = files(&index, "term");
            assert!(!terms.is_empty());
            for f in terms.iter().chain(&files(&index, "idx")) {
                scribble(f);
            }
        })
        .await;
    let body = app.get(&path, &w.coordinator).await;
    assert_eq!(body.status, StatusCode::OK, "{:?}", body.body);
    assert_eq!(ids(&body.body, "resource")[0], s.meals, "rebuilt at start");
    assert!(std::fs::symlink_metadata(&index).unwrap().is_symlink());
    assert!(volume.join("meta.json").exists(), "rebuilt on its volume");
    app.stop().await;
}

async fn damage_met_while_serving_answers_503_until_repaired(app: TestApp) {
    let w = app.world().await;
    let (s, path) = matched_story(&app, &w).await;
    let index = app.data_dir.path().join("index");
    for ext in ["term", "idx"] {
        for f in files(&index, ext) {
            scribble(&f);
        }
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut repairing = 0;
    loop {
        let a = app.get(&path, &w.coordinator).await;
        assert_ne!(a.status, StatusCode::INTERNAL_SERVER_ERROR, "{:?}", a.body);
        if a.status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(a.is_problem(), "{:?}", a.body);
            assert_eq!(a.body["title"], "匹配与搜索暂不可用");
            assert_eq!(a.body["type"], "/problems/search-repairing");
            repairing += 1;
        } else if repairing > 0 {
            assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
            assert_eq!(ids(&a.body, "resource")[0], s.meals, "repaired");
            break;
        }
        assert!(Instant::now() < deadline, "never repaired: {:?}", a.body);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Lists are read from the database meanwhile, and the repaired index takes new writes.
    let listed = app.get("/api/v1/resources", &w.coordinator).await;
    assert_eq!(listed.status, StatusCode::OK);
    app.stop().await;
}

async fn an_index_of_another_deployment_is_rebuilt(app: TestApp) {
    let w = app.world().await;
    let (s, path) = matched_story(&app, &w).await;
    let meta = app.data_dir.path().join("index/meta.json");
    let identity = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let row = db
                .read
                .query_one_raw(sea_orm::Statement::from_string(
                    db.read.get_database_backend(),
                    "SELECT identity FROM deployment",
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<String>("", "identity").unwrap()
        }
    };
    let first = identity(&app).await;
    assert_eq!(first.len(), 32);
    assert!(std::fs::read_to_string(&meta).unwrap().contains(&first));
    // The same rows under another deployment's identity (as a copy set up elsewhere would be).
    let url = app.url.clone();
    let app = app
        .restart_after(|| async move {
            let db = sea_orm::Database::connect(&url).await.unwrap();
            db.execute_unprepared("UPDATE deployment SET identity = 'another-deployment'")
                .await
                .unwrap();
            db.close().await.unwrap();
        })
        .await;
    assert!(
        std::fs::read_to_string(&meta)
            .unwrap()
            .contains("another-deployment"),
        "the index was rebuilt for this database"
    );
    let body = app.get(&path, &w.coordinator).await;
    assert_eq!(ids(&body.body, "resource")[0], s.meals);
    app.stop().await;
}

fn hits(body: &serde_json::Value) -> Vec<i64> {
    let items = body["items"].as_array().unwrap();
    items.iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

/// The index's gauge `name` from `/metrics`.
async fn gauge(app: &TestApp, name: &str) -> f64 {
    let text = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

/// The index directory made unwritable (a full disk behaves alike: every new file fails):
/// writes still land and are listed, matching answers from the index as last committed,
/// `/metrics` shows the index failing and behind, and once the directory is back the index
/// catches up with everything written meanwhile.
async fn an_unwritable_index_falls_behind_and_catches_up(app: TestApp) {
    let w = app.world().await;
    let (s, path) = matched_story(&app, &w).await;
    assert_eq!(gauge(&app, "lianmeng_search_index_failing").await, 0.0);
    let index = app.data_dir.path().join("index");
    let away = app.data_dir.path().join("index.away");
    std::fs::rename(&index, &away).unwrap();
    std::fs::write(&index, "not a directory").unwrap();

    let mut body = w.resource("应急发电机借用");
    body["description"] = serde_json::json!("停电时可借用移动发电机，含操作培训。");
    let posted = app.post("/api/v1/resources", &w.member_a, body).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{:?}", posted.body);
    let generator = posted.id();
    let deadline = Instant::now() + Duration::from_secs(15);
    while gauge(&app, "lianmeng_search_index_failing").await != 1.0 {
        assert!(
            Instant::now() < deadline,
            "the failing index is not reported"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gauge(&app, "lianmeng_search_index_lag").await >= 1.0);
    let listed = app
        .get(&format!("/api/v1/resources/{generator}"), &w.member_a)
        .await;
    assert_eq!(listed.status, StatusCode::OK, "the write landed");
    let matched = app.get(&path, &w.coordinator).await;
    assert_eq!(matched.status, StatusCode::OK, "{:?}", matched.body);
    assert_eq!(
        ids(&matched.body, "resource")[0],
        s.meals,
        "served as last committed"
    );
    let search = "/api/v1/search?type=resource&q=发电机";
    let found = app.get(search, &w.coordinator).await;
    assert_eq!(found.status, StatusCode::OK, "{:?}", found.body);
    assert!(!hits(&found.body).contains(&generator));

    std::fs::remove_file(&index).unwrap();
    std::fs::rename(&away, &index).unwrap();
    eventually(&app, search, &w.coordinator, |b| {
        hits(b).contains(&generator)
    })
    .await;
    assert_eq!(gauge(&app, "lianmeng_search_index_failing").await, 0.0);
    assert_eq!(gauge(&app, "lianmeng_search_index_lag").await, 0.0);
    app.stop().await;
}
