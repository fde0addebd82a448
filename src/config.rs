//! Runtime configuration, from flags with `LIANMENG_*` environment fallbacks (see `cli`).

use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub data_dir: PathBuf,
    /// How long a login token stays valid.
    pub token_ttl: Duration,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Per-request time limit.
    pub request_timeout: Duration,
    /// Code and name of the city a fresh deployment starts with.
    pub city_code: String,
    pub city_name: String,
    /// Reverse proxies whose `X-Forwarded-For` is believed (for login throttling).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Notifications and webhooks (see `notify`).
    pub notify: NotifyConfig,
}

#[derive(Clone, Debug)]
pub struct NotifyConfig {
    /// A new or changed resource is announced to a need's coordinators when it matches the
    /// need at least this well (0–1; the category alone gives 0.4, so this asks for shared
    /// words as well).
    pub match_min_score: f64,
    /// At most this many needs are told about one resource (its best matches).
    pub match_max_needs: usize,
    /// How long one webhook call may take.
    pub webhook_timeout: Duration,
    /// The first retry's delay; each further one doubles it (up to six hours).
    pub webhook_retry_base: Duration,
    /// After this many failed attempts a delivery is given up (and can be retried by hand).
    pub webhook_max_attempts: i32,
    /// Allow webhook addresses on loopback or private networks (off in production: a
    /// coordinator must not make the server call its own internal services).
    pub webhook_allow_private: bool,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            match_min_score: 0.6,
            match_max_needs: 10,
            webhook_timeout: Duration::from_secs(10),
            webhook_retry_base: Duration::from_secs(30),
            webhook_max_attempts: 8,
            webhook_allow_private: false,
        }
    }
}

impl Config {
    pub fn new(database_url: String, data_dir: PathBuf) -> Self {
        Self {
            database_url,
            data_dir,
            token_ttl: Duration::from_secs(12 * 3600),
            body_limit: 256 * 1024,
            request_timeout: Duration::from_secs(30),
            city_code: "530100".into(),
            city_name: "昆明市".into(),
            trusted_proxies: Vec::new(),
            notify: NotifyConfig::default(),
        }
    }

    /// The default database: a SQLite file inside the data directory.
    pub fn default_database_url(data_dir: &std::path::Path) -> String {
        format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("lianmeng.db").display()
        )
    }
}
