//! `lianmeng migrate-data --to postgres://…` moves the demo city from its SQLite file into an
//! empty PostgreSQL database, every table verified, and the city works there as it did;
//! a target that is not empty is refused.

use std::process::Command;

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};

use crate::common::{Backend, TestApp, run, scalar};
use crate::matching::ids;

const BIN: &str = env!("CARGO_BIN_EXE_lianmeng");

async fn counts(db: &sea_orm::DatabaseConnection) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for table in [
        "regions",
        "alliances",
        "organizations",
        "users",
        "resources",
        "needs",
        "projects",
        "project_events",
        "audit_log",
        "search_outbox",
        "deployment",
        "project_photos",
    ] {
        let n = scalar(db, &format!("SELECT COUNT(*) FROM {table}")).await;
        out.push((table.to_owned(), n));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(lianmeng_test_pg),
    ignore = "LIANMENG_TEST_PG_URL is not set: PostgreSQL not tested"
)]
async fn the_demo_city_moves_to_postgresql() {
    run(Backend::Sqlite, |app: TestApp| async move {
        let config = lianmeng::config::Config::new(String::new(), std::env::temp_dir());
        lianmeng::demo::seed(&app.db, &config).await.unwrap().unwrap();
        // Photos travel too: more rows than one page of bytes holds, each of its own bytes.
        let project = scalar(&app.db.read, "SELECT MIN(id) FROM projects").await;
        let sql = format!("SELECT city_id FROM projects WHERE id = {project}");
        let city = scalar(&app.db.read, &sql).await;
        for i in 0..40u8 {
            use sea_orm::{ActiveModelTrait, Set};
            entity::project_photo::ActiveModel {
                project_id: Set(project),
                city_id: Set(city),
                uploaded_by: Set(1),
                uploaded_at: Set(chrono::Utc::now()),
                caption: Set(format!("第 {i} 张")),
                width: Set(4),
                height: Set(3),
                sha256: Set(format!("{i:064}")),
                image: Set(vec![i; 200_000]),
                thumb: Set(vec![255 - i; 2_000]),
                ..Default::default()
            }
            .insert(&app.db.write)
            .await
            .unwrap();
        }
        let before = counts(&app.db.read).await;
        // Moved with the service stopped, as an operator would.
        let (url, data_dir) = (app.url.clone(), app.data_dir.clone());
        app.stop().await;

        let base = std::env::var("LIANMENG_TEST_PG_URL").unwrap();
        let (root, _) = base.rsplit_once('/').unwrap();
        let name = format!("lianmeng_move_{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
        let admin = Database::connect(&base).await.unwrap();
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap();
        let target = format!("{root}/{name}");
        let migrate = || {
            Command::new(BIN)
                .env("LIANMENG_DATABASE_URL", &url)
                .env("LIANMENG_DATA_DIR", data_dir.path())
                .env("LIANMENG_LOG", "warn")
                .args(["migrate-data", "--to", &target])
                .output()
                .unwrap()
        };
        let out = migrate();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{text}");
        assert!(text.contains("校验和一致"), "{text}");
        let again = migrate();
        assert!(!again.status.success());
        assert!(String::from_utf8_lossy(&again.stderr).contains("不是空的"));

        // The same city, served from PostgreSQL with the same data directory (its index is
        // still that of this deployment), and new rows get fresh ids.
        let moved = TestApp::spawn_in(&target, data_dir).await;
        assert_eq!(counts(&moved.db.read).await, before);
        let coordinator = moved.login("xietiao", lianmeng::demo::PASSWORD).await;
        let open = moved.get("/api/v1/needs?status=open&per_page=1", &coordinator).await;
        let need = open.body["items"][0]["id"].as_i64().unwrap();
        let matches = moved
            .get(&format!("/api/v1/needs/{need}/matches"), &coordinator)
            .await;
        assert_eq!(matches.status, StatusCode::OK, "{:?}", matches.body);
        assert!(!ids(&matches.body, "resource").is_empty());
        let me = moved.get("/api/v1/auth/me", &coordinator).await;
        let alliance = me.body["alliance_id"].as_i64().unwrap();
        let posted = moved
            .post(
                "/api/v1/needs",
                &coordinator,
                serde_json::json!({"alliance_id": alliance, "title": "迁移之后的新需求", "category": "环境治理"}),
            )
            .await;
        assert_eq!(posted.status, StatusCode::CREATED, "{:?}", posted.body);
        moved.stop().await;
        admin
            .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
            .await
            .unwrap();
    })
    .await;
}
