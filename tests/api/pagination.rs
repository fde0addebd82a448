//! Lists are paginated with a stable order and an exact total.

use std::collections::HashSet;

use reqwest::StatusCode;

use crate::both;
use crate::common::TestApp;

both!(pages_cover_everything_once);

async fn pages_cover_everything_once(app: TestApp) {
    let w = app.world().await;
    for i in 0..25 {
        let a = app
            .post(
                "/api/v1/resources",
                &w.member_a,
                w.resource(&format!("资源{i:02}")),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED);
    }
    let mut seen = Vec::new();
    for (page, expected) in [(1, 10), (2, 10), (3, 5), (4, 0)] {
        let a = app
            .get(
                &format!("/api/v1/resources?page={page}&per_page=10"),
                &w.reviewer,
            )
            .await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.body["total"], 25);
        assert_eq!(a.body["page"], page);
        assert_eq!(a.body["per_page"], 10);
        let items = a.body["items"].as_array().unwrap();
        assert_eq!(items.len(), expected, "page {page}");
        seen.extend(items.iter().map(|i| i["id"].as_i64().unwrap()));
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        25,
        "no item twice"
    );
    assert!(seen.windows(2).all(|p| p[0] > p[1]), "newest first, by id");
    let again = app
        .get("/api/v1/resources?page=2&per_page=10", &w.reviewer)
        .await;
    let ids: Vec<i64> = again.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        ids,
        seen[10..20],
        "the same page twice gives the same items"
    );
    let default = app.get("/api/v1/resources", &w.reviewer).await;
    assert_eq!(default.body["per_page"], 20);
    assert_eq!(default.body["items"].as_array().unwrap().len(), 20);
    let max = app.get("/api/v1/resources?per_page=100", &w.reviewer).await;
    assert_eq!(max.status, StatusCode::OK);
    for bad in ["per_page=101", "per_page=0", "page=0"] {
        let a = app
            .get(&format!("/api/v1/resources?{bad}"), &w.reviewer)
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(a.is_problem());
    }
    let both_bad = app
        .get("/api/v1/needs?page=0&per_page=500", &w.reviewer)
        .await;
    assert_eq!(both_bad.fields(), ["page", "per_page"]);
}
