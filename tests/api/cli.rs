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

#[tokio::test]
async fn serve_then_stop_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = lianmeng(dir.path())
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
