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
