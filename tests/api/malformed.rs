//! Malformed requests get problem+json, never axum's plain text and never a 500.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both;
use crate::common::TestApp;

both!(
    malformed_bodies,
    bad_paths_and_queries,
    unknown_routes_and_methods,
    odd_headers_and_extreme_values,
    every_kind_of_rejection_is_a_chinese_problem
);

/// The answer is problem+json whose title is Chinese and whose detail has no English sentence.
fn chinese_problem(a: &crate::common::Answer, what: &str) {
    assert!(a.is_problem(), "{what}: {:?}", a.body);
    let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let title = a.body["title"].as_str().unwrap();
    let detail = a.body["detail"].as_str().unwrap_or("");
    assert!(han(title), "{what}: title {title}");
    assert!(han(detail), "{what}: detail {detail}");
    assert!(
        !detail.contains("boundary") || detail.contains("分隔符"),
        "{what}: {detail}"
    );
}

/// One of each kind of rejection, each in Chinese problem+json: a form without boundary, a
/// truncated form, a repeated query parameter, an unknown category (listing the valid ones),
/// a body over the limit, a wrong method, an unknown address, and a request timeout.
async fn every_kind_of_rejection_is_a_chinese_problem(app: TestApp) {
    let w = app.world().await;
    let imports = format!("{}/api/v1/imports", app.base);
    let no_boundary = TestApp::answer(
        app.client
            .post(&imports)
            .bearer_auth(&w.coordinator)
            .header("content-type", "multipart/form-data")
            .body("--x\r\n"),
    )
    .await;
    assert_eq!(no_boundary.status, StatusCode::BAD_REQUEST);
    chinese_problem(&no_boundary, "multipart without boundary");
    let truncated = TestApp::answer(
        app.client
            .post(&imports)
            .bearer_auth(&w.coordinator)
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .body("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n标题\r\n"),
    )
    .await;
    assert_eq!(
        truncated.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        truncated.body
    );
    chinese_problem(&truncated, "truncated multipart");
    let twice = app.get("/api/v1/needs?page=1&page=2", &w.coordinator).await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    chinese_problem(&twice, "repeated parameter");
    assert!(twice.body["detail"].as_str().unwrap().contains("page"));
    let mut body = w.need("楼道灯坏了");
    body["category"] = json!("养老服务");
    let category = app.post("/api/v1/needs", &w.coordinator, body).await;
    assert_eq!(category.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = category.body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("养老服务") && message.contains("可选") && message.contains("医疗健康"),
        "{message}"
    );
    let big = TestApp::answer(
        app.client
            .post(format!("{}/api/v1/needs", app.base))
            .bearer_auth(&w.coordinator)
            .header("content-type", "application/json")
            .body(vec![b' '; 3 * 1024 * 1024]),
    )
    .await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
    chinese_problem(&big, "body too large");
    // The rest of the body is never read, so the connection cannot carry another request:
    // the client must be told, or its next request (below) fails on the dropped connection.
    assert_eq!(big.headers.get("connection").unwrap(), "close");
    let method = TestApp::answer(app.client.put(format!("{}/api/v1/needs", app.base))).await;
    assert_eq!(method.status, StatusCode::METHOD_NOT_ALLOWED);
    chinese_problem(&method, "wrong method");
    let nowhere = TestApp::answer(app.client.get(format!("{}/nowhere", app.base))).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    chinese_problem(&nowhere, "unknown address");
    // A login (an Argon2 hash) outlasts a one-millisecond limit.
    let hurried = app
        .sibling_with(|c| c.request_timeout = std::time::Duration::from_millis(1))
        .await;
    let late = TestApp::answer(
        hurried
            .client
            .post(format!("{}/api/v1/auth/login", hurried.base))
            .json(&json!({"username": "admin", "password": crate::common::ADMIN_PASSWORD})),
    )
    .await;
    assert_eq!(late.status, StatusCode::SERVICE_UNAVAILABLE);
    chinese_problem(&late, "timeout");
    assert_eq!(late.body["title"], "服务繁忙");
    hurried.stop().await;
}

async fn malformed_bodies(app: TestApp) {
    let w = app.world().await;
    let url = format!("{}/api/v1/resources", app.base);
    let post = || app.client.post(&url).bearer_auth(&w.member_a);

    let syntax = TestApp::answer(
        post()
            .header("content-type", "application/json")
            .body("{\"title\": "),
    )
    .await;
    assert_eq!(syntax.status, StatusCode::BAD_REQUEST);
    assert!(syntax.is_problem());
    let empty = TestApp::answer(post().header("content-type", "application/json")).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.is_problem());
    let text = TestApp::answer(post().header("content-type", "text/plain").body("{}")).await;
    assert_eq!(text.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(text.is_problem());
    let none = TestApp::answer(post().body("{}")).await;
    assert_eq!(none.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let form = TestApp::answer(
        post()
            .header("content-type", "application/x-www-form-urlencoded")
            .body("title=x"),
    )
    .await;
    assert_eq!(form.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let unknown = app
        .post(
            "/api/v1/resources",
            &w.member_a,
            json!({"title": "t", "category": "医疗健康", "scope_level": "city", "owner": 5}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.fields(), ["owner"]);
    assert_eq!(unknown.body["errors"][0]["message"], "不允许的字段");
    let wrong_type = app.post("/api/v1/resources", &w.member_a, json!({"title": "t", "category": "医疗健康", "scope_level": "city", "quantity": "很多"})).await;
    assert_eq!(wrong_type.fields(), ["quantity"]);
    let bad_date = app.post("/api/v1/resources", &w.member_a, json!({"title": "t", "category": "医疗健康", "scope_level": "city", "available_from": "明天"})).await;
    assert_eq!(bad_date.fields(), ["available_from"]);
    let nested = app
        .post(
            "/api/v1/resources",
            &w.member_a,
            json!({"title": "t", "category": "医疗健康", "scope_level": "city", "tags": ["a", 3]}),
        )
        .await;
    assert_eq!(nested.fields(), ["tags[1]"]);
    let array = app
        .post("/api/v1/resources", &w.member_a, json!([1, 2]))
        .await;
    assert_eq!(array.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(array.is_problem());
    // A body whose fields are all optional was filled from an array in field order and
    // answered 200 (found by the API fuzzer): every body must be an object.
    let plan = format!("/api/v1/alliances/{}/match-plan", w.street_alliance);
    for body in [
        json!([null, null]),
        json!([]),
        json!(0.5),
        json!("x"),
        json!(null),
    ] {
        let a = app.post(&plan, &w.coordinator, body.clone()).await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {:?}",
            a.body
        );
        assert_eq!(a.fields(), ["body"], "{body}");
    }
    assert_eq!(
        app.post(&plan, &w.coordinator, json!({})).await.status,
        StatusCode::OK
    );
    // Just over the 256 KiB limit: the server answers 413 without reading the rest.
    let huge = "长".repeat(90_000);
    let too_big = TestApp::answer(
        post()
            .header("content-type", "application/json")
            .body(format!("{{\"title\": \"{huge}\"}}")),
    )
    .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_big.is_problem());
    assert_eq!(
        app.get("/api/v1/resources", &w.member_a).await.body["total"],
        0,
        "nothing was written"
    );
}

async fn bad_paths_and_queries(app: TestApp) {
    let admin = app.admin().await;
    for path in [
        "/api/v1/resources/abc",
        "/api/v1/needs/1.5",
        "/api/v1/projects/-",
        "/api/v1/resources/99999999999999999999999",
    ] {
        let a = app.get(path, &admin).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(a.is_problem(), "{path}");
    }
    for query in [
        "page=abc",
        "per_page=-1",
        "status=gone",
        "organization_id=x",
        "urgency=1",
    ] {
        let path = if query.starts_with("urgency") {
            format!("/api/v1/needs?{query}")
        } else {
            format!("/api/v1/resources?{query}")
        };
        let a = app.get(&path, &admin).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{query}: {:?}", a.body);
        assert!(a.is_problem());
    }
    let level = app.get("/api/v1/alliances?level=province", &admin).await;
    assert_eq!(level.status, StatusCode::UNPROCESSABLE_ENTITY);
    let long_q = app
        .get(
            &format!("/api/v1/organizations?q={}", "字".repeat(61)),
            &admin,
        )
        .await;
    assert_eq!(long_q.fields(), ["q"]);
    let bad_if_match = TestApp::answer(
        app.client
            .delete(format!("{}/api/v1/resources/1", app.base))
            .bearer_auth(&admin)
            .header("if-match", "\"x\""),
    )
    .await;
    assert_eq!(bad_if_match.status, StatusCode::BAD_REQUEST);
}

async fn unknown_routes_and_methods(app: TestApp) {
    let admin = app.admin().await;
    let nowhere = app.get("/api/v1/nowhere", &admin).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert!(nowhere.is_problem());
    let method = app
        .send(
            Method::PUT,
            "/api/v1/resources",
            Some(&admin),
            Some(json!({})),
        )
        .await;
    assert_eq!(method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(method.is_problem());
}

async fn odd_headers_and_extreme_values(app: TestApp) {
    let w = app.world().await;
    // A client's own short request id is kept; a long or odd one is replaced, never stored.
    let url = format!("{}/api/v1/resources", app.base);
    let own = TestApp::answer(
        app.client
            .post(&url)
            .bearer_auth(&w.member_a)
            .header("x-request-id", "abc-123")
            .json(&w.resource("一")),
    )
    .await;
    assert_eq!(own.status, StatusCode::CREATED);
    assert_eq!(own.headers.get("x-request-id").unwrap(), "abc-123");
    let long = "x".repeat(100);
    let replaced = TestApp::answer(
        app.client
            .post(&url)
            .bearer_auth(&w.member_a)
            .header("x-request-id", &long)
            .json(&w.resource("二")),
    )
    .await;
    assert_eq!(replaced.status, StatusCode::CREATED, "{:?}", replaced.body);
    assert_ne!(replaced.headers.get("x-request-id").unwrap(), long.as_str());
    // Page numbers far beyond any list are a clear 422, not an overflow.
    for q in [
        "page=18446744073709551615",
        "page=9223372036854775809&per_page=1",
        "page=1000001",
    ] {
        let a = app.get(&format!("/api/v1/resources?{q}"), &w.admin).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert_eq!(a.fields(), ["page"]);
    }
    let too_big = app
        .get("/api/v1/resources?page=18446744073709551616", &w.admin)
        .await;
    assert_eq!(too_big.status, StatusCode::BAD_REQUEST);
    // Empty filter values, as a form sends them, mean "no filter".
    let empty = app
        .get(
            "/api/v1/resources?alliance_id=&category=&status=&page=",
            &w.admin,
        )
        .await;
    assert_eq!(empty.status, StatusCode::OK, "{:?}", empty.body);
    assert_eq!(empty.body["total"], 2);
    let named = app.get("/api/v1/resources?status=gone", &w.admin).await;
    assert!(
        named.body["detail"].as_str().unwrap().contains("status"),
        "{:?}",
        named.body
    );
}
