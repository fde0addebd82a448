//! The search outbox is pruned once every reader is past a row: each instance's index and the
//! match announcer. An instance away long enough to be given up on finds its rows pruned
//! when it comes back, and rebuilds its index instead of missing them.

use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;

use crate::both;
use crate::common::{TestApp, scalar};
use crate::matching::{eventually, ids, story};

both!(the_outbox_is_pruned_below_every_reader);

async fn announced(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let cursor = scalar(
            &app.db.read,
            "SELECT position FROM worker_cursors WHERE name = 'match_alerts'",
        )
        .await;
        if cursor >= scalar(&app.db.read, "SELECT MAX(seq) FROM search_outbox").await {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the announcer is stuck at {cursor}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn the_outbox_is_pruned_below_every_reader(app: TestApp) {
    let w = app.world().await;
    let other = app.sibling().await;
    let s = story(&app, &w).await;
    app.indexed().await;
    other.indexed().await;
    announced(&app).await;
    let before = scalar(&app.db.read, "SELECT COUNT(*) FROM search_outbox").await;
    assert!(before > 5, "{before}");
    // The other instance records where it stands first: until then the first one's pruning
    // would leave it behind only if it were away for good.
    other.search.keep_outbox(&other.db).await.unwrap();
    app.search.keep_outbox(&app.db).await.unwrap();
    let after = scalar(&app.db.read, "SELECT COUNT(*) FROM search_outbox").await;
    assert!((1..before).contains(&after), "{before} -> {after}");

    // The other instance goes away; meanwhile writes land, and once it counts as gone (its
    // position older than the wait), the outbox is pruned past it.
    let other_dir = other.data_dir.clone();
    other.stop().await;
    let path = format!("/api/v1/needs/{}/matches", s.need);
    let mut late = w.resource("老年食堂午餐送餐上门服务");
    late["category"] = serde_json::json!("养老助残");
    let added = app.post("/api/v1/resources", &w.member_a, late).await.id();
    app.indexed().await;
    announced(&app).await;
    app.db
        .write
        .execute_unprepared(
            "UPDATE worker_cursors SET updated_at = '2000-01-01 00:00:00+00:00' \
             WHERE name LIKE 'index:%' AND position < (SELECT MAX(seq) FROM search_outbox)",
        )
        .await
        .unwrap();
    app.search.keep_outbox(&app.db).await.unwrap();
    assert!(scalar(&app.db.read, "SELECT COUNT(*) FROM search_outbox").await <= 2);

    // Back on its old index, it sees it is behind and rebuilds: the resource written while it
    // was away is matched.
    let back = TestApp::spawn_in(&app.url, other_dir).await;
    let body = eventually(&back, &path, &w.coordinator, |b| {
        ids(b, "resource").contains(&added)
    })
    .await;
    assert!(ids(&body, "resource").contains(&s.meals));
    back.stop().await;
}
