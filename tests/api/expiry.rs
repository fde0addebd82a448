//! Review-by dates (复核): an entry its owner has not confirmed by then leaves matching (the
//! lists keep it, marked lapsed) until it is confirmed again.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

use crate::both;
use crate::common::TestApp;

both!(
    unconfirmed_entries_leave_matching_until_confirmed,
    a_review_date_is_not_an_end_date
);

fn ids(matches: &Value, side: &str) -> Vec<i64> {
    matches["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m[side]["id"].as_i64().unwrap())
        .collect()
}

async fn unconfirmed_entries_leave_matching_until_confirmed(app: TestApp) {
    let w = app.world().await;
    let need = app
        .post("/api/v1/needs", &w.coordinator, w.need("独居老人健康体检"))
        .await;
    let need_id = need.id();
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive();
    let in_90 = (today + chrono::Days::new(90)).to_string();
    assert_eq!(need.body["review_by"], in_90.as_str());
    assert_eq!(need.body["lapsed"], false);
    let r = app
        .post("/api/v1/resources", &w.member_a, w.resource("上门健康体检"))
        .await
        .id();
    app.indexed().await;
    let matches = |path: String| {
        let (app, token) = (app.clone(), w.coordinator.clone());
        async move { app.get(&path, &token).await.body }
    };
    assert!(
        ids(
            &matches(format!("/api/v1/needs/{need_id}/matches")).await,
            "resource"
        )
        .contains(&r)
    );

    // Nobody confirmed the resource in time (its date set back as the calendar would).
    let yesterday = today - chrono::Days::new(1);
    entity::resource::Entity::update_many()
        .col_expr(entity::resource::Column::ReviewBy, Expr::value(yesterday))
        .filter(entity::resource::Column::Id.eq(r))
        .exec(&app.db.write)
        .await
        .unwrap();
    // The database check drops it at once, before the index learns anything …
    assert!(
        !ids(
            &matches(format!("/api/v1/needs/{need_id}/matches")).await,
            "resource"
        )
        .contains(&r)
    );
    // … and an index built from the rows leaves it out by itself.
    app.search.rebuild(&app.db).await.unwrap();
    let ranked = matches(format!("/api/v1/needs/{need_id}/matches")).await;
    assert!(!ids(&ranked, "resource").contains(&r));
    // The list keeps it, marked, and finds it among those to confirm.
    let got = app
        .get(&format!("/api/v1/resources/{r}"), &w.member_a)
        .await;
    assert_eq!(
        (got.body["lapsed"].clone(), got.body["status"].clone()),
        (json!(true), json!("available"))
    );
    let due = app
        .get(
            &format!("/api/v1/resources?review_before={today}"),
            &w.member_a,
        )
        .await;
    assert_eq!(due.body["total"], 1);

    // Only its unit confirms it; then it is matched again.
    let path = format!("/api/v1/resources/{r}/confirm");
    assert_eq!(
        app.post(&path, &w.member_b, json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    let confirmed = app.post(&path, &w.member_a, json!({})).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.body);
    assert_eq!(confirmed.body["review_by"], in_90.as_str());
    assert_eq!(confirmed.body["lapsed"], false);
    app.indexed().await;
    assert!(
        ids(
            &matches(format!("/api/v1/needs/{need_id}/matches")).await,
            "resource"
        )
        .contains(&r)
    );

    // A lapsed need is no longer offered to resources, nor planned for.
    entity::need::Entity::update_many()
        .col_expr(entity::need::Column::ReviewBy, Expr::value(yesterday))
        .filter(entity::need::Column::Id.eq(need_id))
        .exec(&app.db.write)
        .await
        .unwrap();
    let reverse = matches(format!("/api/v1/resources/{r}/matches")).await;
    assert!(!ids(&reverse, "need").contains(&need_id), "{reverse}");
    let plan = app
        .post(
            &format!("/api/v1/alliances/{}/match-plan", w.street_alliance),
            &w.coordinator,
            json!({}),
        )
        .await;
    assert_eq!(plan.body["needs_considered"], 0);
    let confirmed = app
        .post(
            &format!("/api/v1/needs/{need_id}/confirm"),
            &w.coordinator,
            json!({}),
        )
        .await;
    assert_eq!(confirmed.body["lapsed"], false);
    app.indexed().await;
    let reverse = matches(format!("/api/v1/resources/{r}/matches")).await;
    assert!(ids(&reverse, "need").contains(&need_id), "{reverse}");
}

/// A need due for review in three weeks still matches a resource offered from six weeks on:
/// the review-by date takes an entry out of matching when it passes, it does not end the
/// need's window (the index keeps the two apart).
async fn a_review_date_is_not_an_end_date(app: TestApp) {
    let w = app.world().await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive();
    let need = app
        .post("/api/v1/needs", &w.coordinator, w.need("独居老人健康体检"))
        .await
        .id();
    entity::need::Entity::update_many()
        .col_expr(
            entity::need::Column::ReviewBy,
            Expr::value(today + chrono::Days::new(21)),
        )
        .filter(entity::need::Column::Id.eq(need))
        .exec(&app.db.write)
        .await
        .unwrap();
    let mut body = w.resource("上门健康体检");
    body["available_from"] = json!((today + chrono::Days::new(42)).to_string());
    let r = app.post("/api/v1/resources", &w.member_a, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = r.id();
    // The index is built from the rows as they are now.
    app.search.rebuild(&app.db).await.unwrap();
    let reverse = app
        .get(&format!("/api/v1/resources/{r}/matches"), &w.member_a)
        .await;
    assert!(
        ids(&reverse.body, "need").contains(&need),
        "{:?}",
        reverse.body
    );
    let forward = app
        .get(&format!("/api/v1/needs/{need}/matches"), &w.coordinator)
        .await;
    assert!(
        ids(&forward.body, "resource").contains(&r),
        "{:?}",
        forward.body
    );
}
