//! Shared application state, cloned cheaply into every handler.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::db::Db;
use crate::domain::throttle::LoginThrottle;
use crate::domain::{categories, regions, users};
use crate::metrics::Metrics;
use crate::search::Search;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub login_throttle: Arc<LoginThrottle>,
    pub search: Arc<Search>,
    /// Signalled after a commit ([`AppState::written`]), so webhook deliveries it queued go
    /// out at once rather than at the deliverer's next poll.
    pub deliveries_queued: Arc<tokio::sync::Notify>,
    /// What each city's reviewers have taught the matching.
    pub lessons: Arc<crate::domain::matching::lessons::Memory>,
    /// The region tree as matching reads it.
    pub regions: Arc<crate::domain::regions::TreeCache>,
}

impl AppState {
    pub fn new(db: Db, config: Config, search: Arc<Search>) -> Self {
        Self {
            search,
            deliveries_queued: Arc::new(tokio::sync::Notify::new()),
            lessons: Arc::default(),
            regions: Arc::default(),
            db,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::new()),
            login_throttle: Arc::new(LoginThrottle::new(
                10,
                std::time::Duration::from_secs(15 * 60),
            )),
        }
    }

    /// Connects, migrates, makes sure the city and categories exist (and the first admin, given
    /// a password), and opens the search index: the state every command and the server share.
    pub async fn open(config: Config, admin_password: Option<&str>) -> anyhow::Result<Self> {
        let db = Db::connect(&config.database_url()).await?;
        db.migrate().await?;
        let hash = users::PasswordHash::of(admin_password).await?;
        let tx = db.begin().await?;
        let city = regions::ensure_city(&tx, &config.city_code, &config.city_name).await?;
        categories::ensure_defaults(&tx).await?;
        if users::bootstrap_admin(&tx, city.id, admin_password, hash)
            .await
            .map_err(crate::error::Error::into_anyhow)?
        {
            tracing::info!("created user admin from LIANMENG_ADMIN_PASSWORD");
        }
        tx.commit().await?;
        let search = Search::open(&config.data_dir, db.clone()).await?;
        Ok(AppState::new(db, config, search))
    }

    /// Commits a request's transaction and tells the workers ([`AppState::written`]): every
    /// handler that writes commits through here, so none can forget to.
    pub async fn commit(&self, tx: sea_orm::DatabaseTransaction) -> crate::error::Result<()> {
        tx.commit().await?;
        self.written();
        Ok(())
    }

    /// Something was written: the indexer applies the outbox now rather than at its next poll,
    /// and the deliverer sends what was queued. A wake with nothing to do costs one empty read.
    pub fn written(&self) {
        self.search.notify();
        self.deliveries_queued.notify_one();
    }

    /// What a match reads besides the database.
    pub fn engine(&self) -> crate::domain::matching::Engine<'_> {
        crate::domain::matching::Engine {
            search: &self.search,
            regions: &self.regions,
        }
    }

    /// The pool for reads.
    pub fn read(&self) -> &DatabaseConnection {
        &self.db.read
    }
}
