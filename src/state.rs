//! Shared application state, cloned cheaply into every handler.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::api::throttle::LoginThrottle;
use crate::config::Config;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::search::Search;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub login_throttle: Arc<LoginThrottle>,
    pub search: Arc<Search>,
    /// Signalled after a commit that queued webhook deliveries, so they go out at once
    /// rather than at the deliverer's next poll.
    pub deliveries_queued: Arc<tokio::sync::Notify>,
    /// What each city's reviewers have taught the matching.
    pub lessons: Arc<crate::domain::matching::lessons::Memory>,
}

impl AppState {
    pub fn new(db: Db, config: Config, search: Arc<Search>) -> Self {
        Self {
            search,
            deliveries_queued: Arc::new(tokio::sync::Notify::new()),
            lessons: Arc::default(),
            db,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::new()),
            login_throttle: Arc::new(LoginThrottle::new(
                10,
                std::time::Duration::from_secs(15 * 60),
            )),
        }
    }

    /// The pool for reads.
    pub fn read(&self) -> &DatabaseConnection {
        &self.db.read
    }
}
