//! Malformed requests get problem+json, never axum's plain text and never a 500.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both;
use crate::common::TestApp;

both!(
    malformed_bodies,
    bad_paths_and_queries,
    unknown_routes_and_methods,
    odd_headers_and_extreme_values
);

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
