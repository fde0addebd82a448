//! Background work of a serving instance: keeping the search index and the embeddings up with
//! the database (`indexer`, `search::embedder`), announcing matches, daily review-by
//! reminders, webhook deliveries and rolling back imports a dead process left half written.
//! Each loop only reads and writes through the database (shared cursors and leases), so any
//! number of instances can run them side by side. A new loop is added to [`Workers::start`].

mod indexer;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::domain::notifications;
use crate::state::AppState;

/// How often the announcer looks for changes the index has applied.
const ANNOUNCE_EVERY: Duration = Duration::from_millis(300);
/// How often due webhook deliveries are looked for.
const DELIVER_EVERY: Duration = Duration::from_millis(500);
/// How often import jobs abandoned by a process that died are looked for.
const RECOVER_IMPORTS_EVERY: Duration = Duration::from_secs(30);
/// How often the daily reminder checks whether today's run is done.
const REMIND_EVERY: Duration = Duration::from_secs(600);
/// Pause after an error, so a broken database is not hammered.
const AFTER_ERROR: Duration = Duration::from_secs(2);

pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Starts only what keeps the index and the embeddings up with the database: what the
    /// evaluation and the benches need, without announcing or delivering anything.
    pub fn indexing(state: &AppState) -> Self {
        let (stop, stopped) = watch::channel(false);
        let tasks = vec![
            tokio::spawn(indexer::run(
                state.search.clone(),
                state.db.clone(),
                stopped.clone(),
            )),
            tokio::spawn(state.search.embedder.clone().run(state.db.clone(), stopped)),
        ];
        Workers { stop, tasks }
    }

    /// Starts every loop of a serving instance on its state.
    pub fn start(state: &AppState) -> Self {
        let mut workers = Workers::indexing(state);
        let stopped = workers.stop.subscribe();

        let search = state.search.clone();
        let s = state.clone();
        let announce = every(
            ANNOUNCE_EVERY,
            stopped.clone(),
            "announcing matches",
            move || {
                let search = search.clone();
                async move { search.advanced().await }
            },
            move |halt| {
                let state = s.clone();
                async move {
                    // Rounds until caught up, so a burst of writes is not paced by the timer.
                    while !*halt.borrow()
                        && notifications::announce_matches(
                            &state.db,
                            state.engine(),
                            &state.config.notify,
                        )
                        .await?
                            > 0
                    {
                        state.deliveries_queued.notify_one();
                    }
                    Ok(())
                }
            },
        );

        let queued = state.deliveries_queued.clone();
        let s = state.clone();
        let deliver = every(
            DELIVER_EVERY,
            stopped.clone(),
            "delivering webhooks",
            move || {
                let queued = queued.clone();
                async move { queued.notified().await }
            },
            move |halt| {
                let state = s.clone();
                async move {
                    while !*halt.borrow()
                        && crate::delivery::run_once(&state.db, &state.config.notify).await? > 0
                    {
                    }
                    Ok(())
                }
            },
        );

        let s = state.clone();
        let recover = every(
            RECOVER_IMPORTS_EVERY,
            stopped.clone(),
            "rolling back interrupted imports",
            std::future::pending::<()>,
            move |_| {
                let state = s.clone();
                async move { crate::domain::imports::recover(&state.db).await.map(drop) }
            },
        );

        let s = state.clone();
        let remind = every(
            REMIND_EVERY,
            stopped,
            "review-by reminders",
            std::future::pending::<()>,
            move |_| {
                let state = s.clone();
                async move {
                    let n = notifications::remind_reviews(&state.db, crate::time::today()).await?;
                    if n > 0 {
                        tracing::info!(notifications = n, "review-by reminders sent");
                    }
                    Ok(())
                }
            },
        );
        workers.tasks.extend([announce, deliver, recover, remind]);
        workers
    }

    /// Stops the loops, letting a round in progress finish (for a while: then it is cut off;
    /// what it had claimed is taken up again when its lease runs out).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let abort = t.abort_handle();
            if tokio::time::timeout(Duration::from_secs(15), t)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

/// Runs `round` at once and then every `period`, or sooner when `woken` resolves, until
/// stopped; errors are logged and the loop goes on after a pause.
fn every<W, WFut, F, Fut>(
    period: Duration,
    mut stopped: watch::Receiver<bool>,
    what: &'static str,
    woken: W,
    round: F,
) -> JoinHandle<()>
where
    W: Fn() -> WFut + Send + 'static,
    WFut: std::future::Future<Output = ()> + Send,
    F: Fn(watch::Receiver<bool>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = crate::error::Result<()>> + Send,
{
    let round = Arc::new(round);
    tokio::spawn(async move {
        loop {
            if *stopped.borrow() {
                return;
            }
            if let Err(e) = round(stopped.clone()).await {
                tracing::error!(error = ?e, "{what} failed; retrying");
                tokio::time::sleep(AFTER_ERROR).await;
            }
            tokio::select! {
                _ = tokio::time::sleep(period) => {}
                _ = woken() => {}
                _ = stopped.changed() => return,
            }
        }
    })
}
