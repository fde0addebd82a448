//! Backup and restore as a city's IT office does them: `lianmeng backup` copies the embedded
//! SQLite database while the service is writing, `lianmeng restore` puts a copy back with
//! the service stopped (and refuses while it runs), and the index is rebuilt from the restored
//! rows, with no document of what came after the backup. On PostgreSQL: pg_dump, and
//! pg_restore into a fresh database that a new instance serves.

use std::process::Command;

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::both;
use crate::common::{TestApp, scalar};
use crate::matching::{eventually, ids, matched_story};

both!(a_backup_taken_while_writing_restores_whole);

const BIN: &str = env!("CARGO_BIN_EXE_lianmeng");

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn lianmeng(url: &str, data_dir: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.env("LIANMENG_DATABASE_URL", url)
        .env("LIANMENG_DATA_DIR", data_dir)
        .env("LIANMENG_LOG", "warn");
    c
}

async fn titles(app: &TestApp, token: &str, q: &str) -> Vec<String> {
    let found = app
        .get(&format!("/api/v1/search?q={q}&type=resource"), token)
        .await;
    assert_eq!(found.status, StatusCode::OK, "{:?}", found.body);
    found.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn a_backup_taken_while_writing_restores_whole(app: TestApp) {
    let w = app.world().await;
    let (s, path) = matched_story(&app, &w).await;
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("lianmeng-backup.db");

    if app.db.backend() == sea_orm::DbBackend::Postgres {
        // pg_dump of the live database, pg_restore into a fresh one, a new instance on it.
        let (ok, out) = run(Command::new("pg_dump")
            .args(["-Fc", "-f"])
            .arg(&file)
            .arg(&app.url));
        assert!(ok, "{out}");
        let (root, name) = app.url.rsplit_once('/').unwrap();
        let restored = format!("{}r", &name[..name.len().min(60)]);
        app.db
            .write
            .execute_unprepared(&format!("CREATE DATABASE \"{restored}\""))
            .await
            .unwrap();
        let url = format!("{root}/{restored}");
        let (ok, out) = run(Command::new("pg_restore")
            .args(["--no-owner", "-d"])
            .arg(&url)
            .arg(&file));
        assert!(ok, "{out}");
        let copy = TestApp::spawn(&url).await;
        let body = eventually(&copy, &path, &w.coordinator, |b| {
            ids(b, "resource").contains(&s.meals)
        })
        .await;
        assert_eq!(ids(&body, "resource")[0], s.meals);
        for table in ["resources", "needs", "users", "audit_log"] {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            assert_eq!(
                scalar(&copy.db.read, &sql).await,
                scalar(&app.db.read, &sql).await
            );
        }
        copy.stop().await;
        app.db
            .write
            .execute_unprepared(&format!("DROP DATABASE \"{restored}\" WITH (FORCE)"))
            .await
            .unwrap();
        return;
    }

    // Needs are posted while the backup is taken.
    let writers = {
        let (app, w) = (app.clone(), w.clone());
        tokio::spawn(async move {
            for i in 0..30 {
                let a = app
                    .post(
                        "/api/v1/needs",
                        &w.coordinator,
                        w.need(&format!("备份期间的需求{i}")),
                    )
                    .await;
                assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
            }
        })
    };
    let scratch = tempfile::tempdir().unwrap();
    let (ok, out) = run(lianmeng(&app.url, scratch.path()).arg("backup").arg(&file));
    assert!(ok, "{out}");
    assert!(out.contains("校验通过"), "{out}");
    writers.await.unwrap();
    let (ok, out) = run(lianmeng(&app.url, scratch.path()).arg("backup").arg(&file));
    assert!(!ok && out.contains("已存在"), "{out}");

    // What the backup holds, read from the file itself.
    let copy = sea_orm::Database::connect(format!("sqlite://{}?mode=ro", file.display()))
        .await
        .unwrap();
    let needs_in_backup = scalar(&copy, "SELECT COUNT(*) FROM needs").await;
    copy.close().await.unwrap();
    assert!(needs_in_backup >= 1, "{needs_in_backup}");

    // Written after the backup: gone after the restore, from the lists and the index alike.
    let mut after: Value = w.resource("备份之后登记的理发服务");
    after["description"] = json!("每月为行动不便的老人上门理发。");
    let late = app.post("/api/v1/resources", &w.member_a, after).await;
    assert_eq!(late.status, StatusCode::CREATED, "{:?}", late.body);
    app.indexed().await;
    assert!(!titles(&app, &w.coordinator, "理发").await.is_empty());

    // Not while the service runs.
    let (ok, out) = run(lianmeng(&app.url, app.data_dir.path())
        .arg("restore")
        .arg(&file));
    assert!(!ok && out.contains("停止服务"), "{out}");

    let (url, data_dir, file2) = (app.url.clone(), app.data_dir.clone(), file.clone());
    let app = app
        .restart_after(|| async move {
            let (ok, out) = run(lianmeng(&url, data_dir.path()).arg("restore").arg(&file2));
            assert!(ok, "{out}");
            assert!(out.contains("重建"), "{out}");
        })
        .await;
    assert_eq!(
        scalar(&app.db.read, "SELECT COUNT(*) FROM needs").await,
        needs_in_backup
    );
    let gone = app
        .get(&format!("/api/v1/resources/{}", late.id()), &w.coordinator)
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert!(
        titles(&app, &w.coordinator, "理发").await.is_empty(),
        "no document of what came after the backup"
    );
    let body = app.get(&path, &w.coordinator).await;
    assert_eq!(ids(&body.body, "resource")[0], s.meals);
    app.stop().await;
}
