//! Runtime configuration: one struct that is also the command line's global flags, each with
//! a `LIANMENG_*` environment fallback, so its defaults are written once, in the attributes
//! below. Settings without a flag are `skip`ped with their value; tests and tools start from
//! [`Config::new`] and change fields.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, CommandFactory, FromArgMatches, Parser};

#[derive(Args, Clone, Debug)]
pub struct Config {
    /// Database URL: `sqlite://FILE?mode=rwc` or `postgres://…`. Also read from DATABASE_URL.
    /// Default: a SQLite file in the data directory.
    #[arg(
        long = "database-url",
        value_name = "URL",
        global = true,
        env = "LIANMENG_DATABASE_URL"
    )]
    pub database: Option<String>,
    /// Directory for the database file and the search index.
    #[arg(
        long,
        global = true,
        env = "LIANMENG_DATA_DIR",
        default_value = "./data"
    )]
    pub data_dir: PathBuf,
    /// How long a login token stays valid.
    #[arg(skip = Duration::from_secs(12 * 3600))]
    pub token_ttl: Duration,
    /// How long a web page session may sit unused before it must log in again; `token_ttl`
    /// after login it ends however busy it is.
    #[arg(skip = Duration::from_secs(2 * 3600))]
    pub web_idle: Duration,
    /// Mark the page session cookie `Secure`: set it when the service is reached over TLS.
    /// A request that says `X-Forwarded-Proto: https` (as a TLS proxy does) gets it anyway.
    #[arg(long, global = true, env = "LIANMENG_SECURE_COOKIES",
          value_parser = clap::builder::BoolishValueParser::new())]
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    #[arg(skip = 256 * 1024_usize)]
    pub body_limit: usize,
    /// Per-request time limit.
    #[arg(skip = Duration::from_secs(30))]
    pub request_timeout: Duration,
    /// Administrative code of the city a fresh deployment starts with.
    #[arg(
        long,
        global = true,
        env = "LIANMENG_CITY_CODE",
        default_value = "530100"
    )]
    pub city_code: String,
    /// Name of that city.
    #[arg(
        long,
        global = true,
        env = "LIANMENG_CITY_NAME",
        default_value = "昆明市"
    )]
    pub city_name: String,
    /// Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed (for
    /// login throttling).
    #[arg(
        long,
        global = true,
        env = "LIANMENG_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<IpAddr>,
    #[command(flatten)]
    pub notify: NotifyConfig,
}

/// Notifications and webhooks.
#[derive(Args, Clone, Debug)]
pub struct NotifyConfig {
    /// Least match score (0–1) for telling a need's coordinators about a new or changed
    /// resource (the category alone gives 0.4, so the default asks for shared words as well).
    #[arg(long = "match-alert-min-score", value_name = "SCORE", global = true, env = "LIANMENG_MATCH_ALERT_MIN_SCORE",
          default_value_t = 0.6, value_parser = score)]
    pub match_min_score: f64,
    /// At most this many needs are told about one resource (its best matches).
    #[arg(skip = 10_usize)]
    pub match_max_needs: usize,
    /// How long one webhook call may take.
    #[arg(skip = Duration::from_secs(10))]
    pub webhook_timeout: Duration,
    /// Delay before a failed webhook call is retried, doubling each time (seconds, up to six
    /// hours between tries).
    #[arg(long = "webhook-retry-secs", value_name = "SECS", global = true, env = "LIANMENG_WEBHOOK_RETRY_SECS",
          default_value = "30", value_parser = retry_delay)]
    pub webhook_retry_base: Duration,
    /// Failed attempts after which a webhook delivery is given up (it can be retried by hand).
    #[arg(long, global = true, env = "LIANMENG_WEBHOOK_MAX_ATTEMPTS", default_value_t = 8,
          value_parser = clap::value_parser!(i32).range(1..=50))]
    pub webhook_max_attempts: i32,
    /// Let webhooks call loopback and private-network addresses (for a receiver on the same
    /// host or intranet; off by default, so a coordinator cannot make the server call its own
    /// internal services). The variable takes 1/0, yes/no, on/off or true/false, in any case,
    /// as service managers and compose files write them.
    #[arg(long, global = true, env = "LIANMENG_WEBHOOK_ALLOW_PRIVATE",
          value_parser = clap::builder::BoolishValueParser::new())]
    pub webhook_allow_private: bool,
    /// Where people open the pages (`https://lianmeng.example.cn`): group-robot messages link
    /// to it. Without it their messages carry no link.
    #[arg(long, global = true, env = "LIANMENG_PUBLIC_URL")]
    pub public_url: Option<String>,
}

fn score(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err("须为0到1之间的数".into()),
    }
}

fn retry_delay(s: &str) -> Result<Duration, String> {
    match s.parse::<u64>() {
        Ok(v) if (1..=86_400).contains(&v) => Ok(Duration::from_secs(v)),
        _ => Err("须为1到86400之间的整数（秒）".into()),
    }
}

/// The defaults of a set of flags, as the attributes state them, without reading the
/// environment (a test's configuration must not change with the shell it runs in).
fn defaults<T: Args + FromArgMatches>() -> T {
    #[derive(Parser)]
    struct Only<T: Args> {
        #[command(flatten)]
        inner: T,
    }
    let matches = Only::<T>::command()
        .mut_args(|a| a.env(None))
        .no_binary_name(true)
        .try_get_matches_from(std::iter::empty::<String>())
        .expect("every flag has a default");
    Only::<T>::from_arg_matches(&matches)
        .expect("the defaults parse")
        .inner
}

impl Default for Config {
    fn default() -> Self {
        defaults()
    }
}

impl Default for NotifyConfig {
    fn default() -> Self {
        defaults()
    }
}

impl Config {
    /// The defaults, on this database and data directory.
    pub fn new(database_url: String, data_dir: PathBuf) -> Self {
        Self {
            database: Some(database_url),
            data_dir,
            ..Self::default()
        }
    }

    /// The database to use: the flag, else `DATABASE_URL`, else a SQLite file inside the data
    /// directory.
    pub fn database_url(&self) -> String {
        self.database
            .clone()
            .or_else(|| std::env::var("DATABASE_URL").ok().filter(|s| !s.is_empty()))
            .unwrap_or_else(|| Self::default_database_url(&self.data_dir))
    }

    /// The default database: a SQLite file inside the data directory.
    pub fn default_database_url(data_dir: &Path) -> String {
        format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("lianmeng.db").display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_flags() {
        let c = Config::default();
        assert_eq!(c.data_dir, PathBuf::from("./data"));
        assert_eq!(c.city_code, "530100");
        assert_eq!(c.notify.match_min_score, 0.6);
        assert_eq!(c.notify.webhook_retry_base, Duration::from_secs(30));
        assert_eq!(c.notify.webhook_max_attempts, 8);
        assert!(!c.notify.webhook_allow_private);
        assert!(!c.secure_cookies);
        assert_eq!(c.web_idle, Duration::from_secs(2 * 3600));
        assert_eq!(c.token_ttl, Duration::from_secs(12 * 3600));
        assert_eq!(
            Config::new("sqlite::memory:".into(), "/x".into()).database_url(),
            "sqlite::memory:"
        );
    }
}
