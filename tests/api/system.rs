//! Health, readiness, metrics, the OpenAPI document and docs page, SQLite settings, and a
//! walk over every documented operation to make sure none forgets authentication or an
//! answer it can give.

use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::both;
use crate::common::TestApp;

both!(
    health_ready_metrics,
    openapi_and_docs,
    every_operation_requires_a_token,
    sqlite_runs_in_wal_with_foreign_keys,
    metric_labels_stay_bounded
);

async fn health_ready_metrics(app: TestApp) {
    let h = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(h.status(), StatusCode::OK);
    assert!(
        h.headers().contains_key("x-request-id"),
        "request id propagated"
    );
    let r = app
        .client
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let admin = app.admin().await;
    app.get("/api/v1/resources/1", &admin).await;
    let m = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(m.contains("lianmeng_http_requests_total"), "{m}");
    assert!(m.contains("route=\"/api/v1/resources/{id}\""), "{m}");
    assert!(m.contains("status=\"404\""), "{m}");
    assert!(
        m.contains("lianmeng_http_request_duration_seconds_bucket"),
        "{m}"
    );
}

async fn openapi_and_docs(app: TestApp) {
    let doc: serde_json::Value = app
        .client
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/resources",
        "/api/v1/resources/{id}",
        "/api/v1/needs/{id}",
        "/api/v1/auth/login",
        "/api/v1/alliances/{id}/members",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    let docs = app
        .client
        .get(format!("{}/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    let html = docs.text().await.unwrap();
    assert!(html.contains("swagger"), "docs page served");
    assert!(!html.contains("cdn."), "no CDN");
}

async fn every_operation_requires_a_token(app: TestApp) {
    let doc = lianmeng::api::openapi();
    let mut checked = 0;
    for (path, item) in doc.paths.paths.iter() {
        let concrete = path.replace("{id}", "1");
        let ops = [
            (Method::GET, item.get.is_some()),
            (Method::POST, item.post.is_some()),
            (Method::PATCH, item.patch.is_some()),
            (Method::DELETE, item.delete.is_some()),
            (Method::PUT, item.put.is_some()),
        ];
        for (method, present) in ops {
            if !present || path == "/api/v1/auth/login" {
                continue;
            }
            for token in [None, Some("forged-token")] {
                let mut req = app
                    .client
                    .request(method.clone(), format!("{}{}", app.base, concrete));
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                let a = TestApp::answer(req.json(&serde_json::json!({}))).await;
                assert_eq!(
                    a.status,
                    StatusCode::UNAUTHORIZED,
                    "{method} {path} with {token:?}"
                );
                assert!(a.is_problem());
            }
            checked += 1;
        }
    }
    assert!(checked >= 25, "walked {checked} operations");
}

async fn sqlite_runs_in_wal_with_foreign_keys(app: TestApp) {
    let db = &app.db.read;
    if db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA journal_mode",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "wal");
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA foreign_keys",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get_by_index::<i64>(0).unwrap(), 1);
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA busy_timeout",
        ))
        .await
        .unwrap()
        .unwrap();
    assert!(row.try_get_by_index::<i64>(0).unwrap() >= 5000);
}

async fn metric_labels_stay_bounded(app: TestApp) {
    for m in ["ZZZ0", "ZZZ1", "BREW"] {
        let method = reqwest::Method::from_bytes(m.as_bytes()).unwrap();
        app.client
            .request(method, format!("{}/api/v1/resources", app.base))
            .send()
            .await
            .unwrap();
    }
    let m = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!m.contains("ZZZ") && !m.contains("BREW"), "{m}");
    assert!(m.contains("method=\"OTHER\""), "{m}");
}

/// The database dropping its connections (a restart, a failover) is a 503 the client may
/// retry, never a 500, and the service carries on with fresh connections.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(lianmeng_test_pg),
    ignore = "LIANMENG_TEST_PG_URL is not set: PostgreSQL not tested"
)]
async fn a_dropped_database_connection_is_a_503_and_then_heals() {
    crate::common::run(
        crate::common::Backend::Postgres,
        |app: TestApp| async move {
            let w = app.world().await;
            let conn = sea_orm::Database::connect(&app.url).await.unwrap();
            let err = conn
                .execute_unprepared("SELECT pg_terminate_backend(pg_backend_pid())")
                .await
                .unwrap_err();
            let mapped = lianmeng::error::Error::from(err);
            assert!(
                matches!(mapped, lianmeng::error::Error::Unavailable(_)),
                "{mapped:?}"
            );
            conn.close().await.ok();
            // Every connection of the service's pool is cut; its next requests still succeed.
            let admin = sea_orm::Database::connect(&app.url).await.unwrap();
            admin
                .execute_unprepared(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
                )
                .await
                .unwrap();
            admin.close().await.ok();
            let listed = app.get("/api/v1/needs", &w.coordinator).await;
            assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
            let ready = app
                .client
                .get(format!("{}/readyz", app.base))
                .send()
                .await
                .unwrap();
            assert_eq!(ready.status(), StatusCode::OK);
        },
    )
    .await;
}

/// What `scripts/fuzz_api.sh` checks every answer against: each error body documented as the
/// problem+json it is, the answers of the shared extractors and middleware on every operation,
/// and each list's own `status` enum (four modules name theirs `Status`; under one schema name
/// the last one registered stood for all four).
#[test]
fn the_document_describes_every_answer() {
    let doc = serde_json::to_value(lianmeng::api::openapi()).unwrap();
    let schema = |r: &serde_json::Value| {
        let name = r["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
        doc["components"]["schemas"][name].clone()
    };
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let what = format!("{method} {path}");
            let responses = op["responses"].as_object().unwrap();
            for status in ["400", "401", "503"] {
                assert!(responses.contains_key(status), "{what} documents {status}");
            }
            if op.get("requestBody").is_some() {
                for status in ["413", "415", "422"] {
                    assert!(responses.contains_key(status), "{what} documents {status}");
                }
            }
            for param in op["parameters"].as_array().into_iter().flatten() {
                if param["in"] == "query" {
                    assert_eq!(param["allowEmptyValue"], true, "{what} {}", param["name"]);
                }
                if param["name"] == "If-Match" {
                    assert!(responses.contains_key("412"), "{what} documents 412");
                }
            }
            for (status, response) in responses {
                let content = response["content"].as_object();
                for (media, body) in content.into_iter().flatten() {
                    let problem = body["schema"]["$ref"] == "#/components/schemas/Problem";
                    assert_eq!(
                        problem,
                        media == "application/problem+json",
                        "{what} {status}: {media}"
                    );
                }
            }
            operations += 1;
        }
    }
    assert!(operations >= 70, "walked {operations} operations");
    let schemas = &doc["components"]["schemas"];
    assert!(
        schemas.get("Status").is_none(),
        "no list's status stands for all"
    );
    for (name, value) in [
        ("NeedStatus", "open"),
        ("ResourceStatus", "available"),
        ("ProjectStatus", "proposed"),
        ("ImportStatus", "queued"),
    ] {
        let values = schemas[name]["enum"].as_array().unwrap();
        assert!(values.contains(&value.into()), "{name}: {values:?}");
    }
    // The project's `next` states are project states (they were import job states).
    let project = schema(
        &doc["paths"]["/api/v1/projects/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"],
    );
    assert_eq!(
        project["properties"]["next"]["items"]["$ref"],
        "#/components/schemas/ProjectStatus"
    );
}
