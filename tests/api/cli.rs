//! The binary as an operator uses it: migrate, create a user, serve with the embedded SQLite
//! default, and stop gracefully on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_lianmeng");

fn lianmeng(data_dir: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("LIANMENG_DATABASE_URL")
        .env_remove("DATABASE_URL")
        .env("LIANMENG_DATA_DIR", data_dir)
        .env("LIANMENG_LOG", "warn");
    c
}

#[test]
fn migrate_and_create_users_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = lianmeng(dir.path()).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dir.path().join("lianmeng.db").exists(),
        "SQLite file in the data dir"
    );

    let create = |role: &str| {
        lianmeng(dir.path())
            .args([
                "user",
                "create",
                "--username",
                "shenhe2",
                "--display-name",
                "审核员",
            ])
            .args(["--role", role])
            .env("LIANMENG_NEW_USER_PASSWORD", "long-enough-pw")
            .output()
            .unwrap()
    };
    let bad = create("boss");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("角色"));
    let ok = create("reviewer");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("shenhe2"));
    let again = create("reviewer");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("用户名已被使用"));
}

/// Weak passwords are refused on the command line too: `user create` and the first admin's
/// `serve --admin-password` (which must not start with it).
#[test]
fn guessable_passwords_are_refused_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let weak = lianmeng(dir.path())
        .args([
            "user",
            "create",
            "--username",
            "wangfang",
            "--display-name",
            "王芳",
        ])
        .args(["--role", "reviewer"])
        .env("LIANMENG_NEW_USER_PASSWORD", "12345678")
        .output()
        .unwrap();
    assert!(!weak.status.success());
    assert!(
        String::from_utf8_lossy(&weak.stderr).contains("密码太容易被猜到"),
        "{}",
        String::from_utf8_lossy(&weak.stderr)
    );
    let mut serve = lianmeng(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("LIANMENG_ADMIN_PASSWORD", "password")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = serve.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            serve.kill().unwrap();
            panic!("serve started with the admin password \"password\"");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(!status.success());
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut serve.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("密码太容易被猜到"), "{stderr}");
}

/// `LIANMENG_WEBHOOK_ALLOW_PRIVATE` takes the spellings service managers and compose files
/// use, not only `true`/`false`.
#[test]
fn allow_private_reads_yes_on_and_1() {
    let dir = tempfile::tempdir().unwrap();
    for value in ["1", "yes", "ON", "True", "true", "0", "no", "off", "FALSE"] {
        let out = lianmeng(dir.path())
            .arg("migrate")
            .env("LIANMENG_WEBHOOK_ALLOW_PRIVATE", value)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{value}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let nonsense = lianmeng(dir.path())
        .arg("migrate")
        .env("LIANMENG_WEBHOOK_ALLOW_PRIVATE", "perhaps")
        .output()
        .unwrap();
    assert!(!nonsense.status.success());
}

#[tokio::test]
async fn serve_then_stop_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = start_server(dir.path()).await;
    let client = reqwest::Client::new();
    let login = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": "boot-admin-pw"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        login.status(),
        reqwest::StatusCode::OK,
        "bootstrap admin from LIANMENG_ADMIN_PASSWORD"
    );

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let stopped = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(
            stopped.elapsed() < Duration::from_secs(15),
            "did not stop after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Starts the binary on `data_dir` and waits until it is ready; returns the child and its URL.
async fn start_server(data_dir: &std::path::Path) -> (std::process::Child, String) {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let child = lianmeng(data_dir)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("LIANMENG_ADMIN_PASSWORD", "boot-admin-pw")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    while client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .map(|r| !r.status().is_success())
        .unwrap_or(true)
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (child, base)
}

/// A SIGKILL in the middle of writing leaves nothing half done: after a restart the index
/// and the database agree — every live resource is found, no deleted one is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn index_and_database_agree_after_kill_9_mid_write() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = start_server(dir.path()).await;
    let client = reqwest::Client::new();
    let admin = admin_token(&client, &base).await;
    let post = |path: &str, body: serde_json::Value| {
        client
            .post(format!("{base}{path}"))
            .bearer_auth(&admin)
            .json(&body)
            .send()
    };
    let org: serde_json::Value = post(
        "/api/v1/organizations",
        json!({"name": "压测单位", "kind": "企业", "contact_person": "王五", "contact_phone": "0871-6000000"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let org = org["id"].as_i64().unwrap();
    // Writers create and delete resources until the process is killed under them.
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (client, base, admin) = (client.clone(), base.clone(), admin.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    let body = json!({"organization_id": org, "title": format!("防汛沙袋{w}号{i}"), "category": "物资捐赠", "scope_level": "city"});
                    let Ok(r) = client.post(format!("{base}/api/v1/resources")).bearer_auth(&admin).json(&body).send().await else { return };
                    let Ok(v) = r.json::<serde_json::Value>().await else { return };
                    if i % 3 == 0
                        && let Some(id) = v["id"].as_i64()
                        && client.delete(format!("{base}/api/v1/resources/{id}")).bearer_auth(&admin).send().await.is_err()
                    {
                        return;
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    for w in writers {
        let _ = w.await;
    }

    let (mut child, base) = start_server(dir.path()).await;
    let admin = admin_token(&client, &base).await;
    let get = |path: String| {
        let (client, admin) = (client.clone(), admin.clone());
        async move {
            client
                .get(path)
                .bearer_auth(&admin)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let live = get(format!("{base}/api/v1/resources?per_page=1")).await["total"]
        .as_u64()
        .unwrap();
    assert!(live > 0, "some writes landed before the kill");
    // Restart replays the outbox before serving; poll a little in case the last batch is
    // still being committed.
    let started = Instant::now();
    loop {
        let found = get(format!(
            "{base}/api/v1/search?q=%E9%98%B2%E6%B1%9B%E6%B2%99%E8%A2%8B&per_page=1"
        ))
        .await["total"]
            .as_u64()
            .unwrap();
        if found == live {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "index has {found} documents, database {live}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A SIGKILL while resources are written, edited and deleted loses no embedding and leaves
/// none stale: after a restart every live resource has a vector of its current text (in the
/// database and held for scoring), and no deleted one has any.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embeddings_are_current_after_kill_9_mid_write() {
    use lianmeng::search::documents::Kind;
    use lianmeng::search::embedder;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = start_server(dir.path()).await;
    let client = reqwest::Client::new();
    let admin = admin_token(&client, &base).await;
    let org: serde_json::Value = client
        .post(format!("{base}/api/v1/organizations"))
        .bearer_auth(&admin)
        .json(&json!({"name": "爱心药房", "kind": "企业", "contact_person": "李四", "contact_phone": "0871-6000001"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let org = org["id"].as_i64().unwrap();
    // Each writer creates resources, rewrites every second one (its first vector goes stale)
    // and deletes every third, until the process is killed under it.
    let created = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let (client, base, admin) = (client.clone(), base.clone(), admin.clone());
            let created = created.clone();
            tokio::spawn(async move {
                for i in 0.. {
                    let body = json!({"organization_id": org, "title": format!("上门量血压{w}号{i}"),
                                      "description": format!("为行动不便的老人上门测量血压血糖，第{i}次"), "category": "医疗健康", "scope_level": "city", "allow_duplicate": true});
                    let Ok(r) = client.post(format!("{base}/api/v1/resources")).bearer_auth(&admin).json(&body).send().await else { return };
                    let Ok(v) = r.json::<serde_json::Value>().await else { return };
                    let Some(id) = v["id"].as_i64() else { return };
                    created.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let url = format!("{base}/api/v1/resources/{id}");
                    if i % 2 == 0 {
                        let edit = json!({"title": format!("义诊送药上门{w}号{i}")});
                        if client.patch(&url).bearer_auth(&admin).json(&edit).send().await.is_err() {
                            return;
                        }
                    }
                    if i % 3 == 0 && client.delete(&url).bearer_auth(&admin).send().await.is_err() {
                        return;
                    }
                }
            })
        })
        .collect();
    // Killed once a good number were written (and the embedder is busy with them).
    let started = Instant::now();
    while created.load(std::sync::atomic::Ordering::Relaxed) < 24
        && started.elapsed() < Duration::from_secs(60)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    for w in writers {
        let _ = w.await;
    }

    let (mut child, base) = start_server(dir.path()).await;
    let gauge = |metrics: &str, name: &str| -> Option<f64> {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
    };
    let started = Instant::now();
    let held = loop {
        let metrics = client
            .get(format!("{base}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if gauge(&metrics, "lianmeng_embeddings_pending ") == Some(0.0) {
            break gauge(&metrics, "lianmeng_embeddings_held ").unwrap();
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "embeddings still pending: {metrics}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };

    let db = sea_orm::Database::connect(format!(
        "sqlite://{}",
        dir.path().join("lianmeng.db").display()
    ))
    .await
    .unwrap();
    let live = entity::resource::Entity::find()
        .filter(entity::resource::Column::DeletedAt.is_null())
        .all(&db)
        .await
        .unwrap();
    assert!(live.len() > 3, "some writes landed before the kill");
    let stored = entity::embedding::Entity::find().all(&db).await.unwrap();
    let model = embedder::model_digest();
    let mut by_id: std::collections::HashMap<i64, entity::embedding::Model> = stored
        .into_iter()
        .map(|e| {
            assert_eq!(e.entity_type, "resource");
            (e.entity_id, e)
        })
        .collect();
    for r in &live {
        let e = by_id
            .remove(&r.id)
            .unwrap_or_else(|| panic!("resource {} 「{}」 has no embedding", r.id, r.title));
        assert_eq!(e.model, model);
        let text = embedder::text(&r.title, &r.tags, &r.description);
        assert_eq!(
            e.text_hash,
            embedder::text_digest(&model, Kind::Resource, &text),
            "resource {} has a stale embedding",
            r.id
        );
    }
    assert!(
        by_id.is_empty(),
        "deleted resources keep embeddings: {:?}",
        by_id.keys()
    );
    assert_eq!(held as usize, live.len(), "vectors held for scoring");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// `lianmeng reindex` rebuilds the index, but refuses while a server owns it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_refuses_a_running_server_and_rebuilds_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, _base) = start_server(dir.path()).await;
    let busy = lianmeng(dir.path()).arg("reindex").output().unwrap();
    assert!(
        !busy.status.success(),
        "must not rebuild under a running server"
    );
    assert!(String::from_utf8_lossy(&busy.stderr).contains("请先停止服务"));
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    child.wait().unwrap();
    let ok = lianmeng(dir.path()).arg("reindex").output().unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("搜索索引已重建"));
    assert!(dir.path().join("index").join("meta.json").exists());
}

/// `lianmeng import FILE [--dry-run]` beside a running server: the dry run checks and writes
/// nothing, a bad file names its rows and fails, a good one is imported whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_a_list_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = start_server(dir.path()).await;
    let client = reqwest::Client::new();
    let admin = admin_token(&client, &base).await;
    let unit = client
        .post(format!("{base}/api/v1/organizations"))
        .bearer_auth(&admin)
        .json(
            &json!({"name": "昆明市第一人民医院", "kind": "医疗卫生", "contact_person": "李明",
                      "contact_phone": "0871-63123456", "address": "昆明市五华区"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(unit.status(), reqwest::StatusCode::CREATED);

    let file = dir.path().join("资源.csv");
    let import = |args: &[&str]| {
        lianmeng(dir.path())
            .arg("import")
            .arg(&file)
            .args(args)
            .output()
            .unwrap()
    };
    std::fs::write(
        &file,
        "标题,类别,服务范围,所属单位,数量\n义诊,医疗健康,全市,昆明市第一人民医院,4\n健康讲座,医疗健康,全市,不存在的医院,x\n",
    )
    .unwrap();
    let bad = import(&["--dry-run"]);
    assert!(!bad.status.success());
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(said.contains("第 3 行「所属单位」"), "{said}");
    assert!(said.contains("第 3 行「数量」"), "{said}");
    assert!(said.contains("未写入任何数据"), "{said}");

    std::fs::write(
        &file,
        "标题,类别,服务范围,所属单位,数量\n义诊,医疗健康,全市,昆明市第一人民医院,4\n健康讲座,医疗健康,全市,昆明市第一人民医院,\n",
    )
    .unwrap();
    let dry = import(&["--dry-run"]);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(String::from_utf8_lossy(&dry.stdout).contains("2 行均可导入"));
    let total = || async {
        let r: serde_json::Value = client
            .get(format!("{base}/api/v1/resources"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r["total"].as_u64().unwrap()
    };
    assert_eq!(total().await, 0);
    let done = import(&[]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(String::from_utf8_lossy(&done.stdout).contains("已导入 2 行"));
    assert_eq!(total().await, 2);
    let _ = child.kill();
    let _ = child.wait();
}

/// Logs in as the admin that `start_server` bootstraps.
async fn admin_token(client: &reqwest::Client, base: &str) -> String {
    let r: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": "boot-admin-pw"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["token"].as_str().unwrap().to_owned()
}
