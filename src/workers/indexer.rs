//! The indexer: keeps this instance's search index up with the database by applying the
//! search outbox, repairs a damaged index, and prunes the outbox rows every instance has read.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::db::Db;
use crate::search::Search;

/// How often the indexer looks at the outbox when nothing woke it (other instances' writes).
const POLL: Duration = Duration::from_millis(250);
/// The first pause after applying the outbox failed; it doubles up to `RETRY_LAST`.
const RETRY_FIRST: Duration = Duration::from_secs(1);
const RETRY_LAST: Duration = Duration::from_secs(8);

/// The one owner of the index writer: applies the outbox whenever woken, and every `POLL`.
pub(super) async fn run(search: Arc<Search>, db: Db, mut stopped: watch::Receiver<bool>) {
    let mut last_kept = Instant::now();
    let mut retry = RETRY_FIRST;
    loop {
        tokio::select! {
            _ = search.woken() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = stopped.changed() => return,
        }
        if search.is_broken()
            && let Err(e) = search.repair(&db).await
        {
            if *stopped.borrow() {
                return;
            }
            tracing::error!(error = ?e, "rebuilding the damaged search index failed; retrying");
            tokio::time::sleep(Duration::from_secs(5)).await;
            continue;
        }
        if last_kept.elapsed() >= Search::KEEP_OUTBOX_EVERY {
            last_kept = Instant::now();
            if let Err(e) = search.keep_outbox(&db).await {
                tracing::warn!(error = ?e, "keeping the search outbox failed");
            }
        }
        match search.catch_up(&db).await {
            Ok(_) => {
                if search.set_failing(false) {
                    tracing::info!("search index caught up again");
                }
                retry = RETRY_FIRST;
            }
            Err(e) => {
                if *stopped.borrow() {
                    // Shutting down: the database may already be closed; the next start replays.
                    return;
                }
                search.set_failing(true);
                tracing::error!(error = ?e, retry_in = ?retry, "applying the search outbox failed");
                // A full disk or a lost database stays so for a while: waiting longer each
                // time (up to RETRY_LAST) keeps the log readable, and the outbox keeps every
                // change until the index has applied it.
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(RETRY_LAST);
            }
        }
    }
}
