//! Opening, configuring and migrating the database (SQLite or PostgreSQL).
//!
//! SQLite allows one writer at a time even in WAL mode, so writes go through their own
//! single-connection pool: writers queue fairly in the pool instead of failing with
//! "database is locked", while reads use a separate pool and never wait for a writer.
//! Write transactions also start `IMMEDIATE`, so another process sharing the file cannot make
//! a read-then-write transaction fail its lock upgrade (sqlx#853). On PostgreSQL both pools are
//! one and the same.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

#[derive(Clone)]
pub struct Db {
    pub read: DatabaseConnection,
    pub write: DatabaseConnection,
}

impl Db {
    pub async fn connect(url: &str) -> Result<Self, DbErr> {
        if url.starts_with("sqlite:") {
            let read = Database::connect(sqlite_options(url, 8)).await?;
            let write = Database::connect(sqlite_options(url, 1)).await?;
            Ok(Self { read, write })
        } else {
            let mut opts = ConnectOptions::new(url.to_owned());
            opts.max_connections(16)
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(10))
                .sqlx_logging(false);
            let conn = Database::connect(opts).await?;
            Ok(Self {
                read: conn.clone(),
                write: conn,
            })
        }
    }

    pub fn backend(&self) -> DbBackend {
        self.read.get_database_backend()
    }

    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.write, None).await
    }

    /// Starts a write transaction: `BEGIN IMMEDIATE` on SQLite, a plain `BEGIN` on PostgreSQL.
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        match self.backend() {
            DbBackend::Sqlite => {
                self.write
                    .begin_with_options(TransactionOptions {
                        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                        ..Default::default()
                    })
                    .await
            }
            _ => self.write.begin().await,
        }
    }

    pub async fn close(self) {
        let _ = self.read.close().await;
        let _ = self.write.close().await;
    }
}

fn sqlite_options(url: &str, max_connections: u32) -> ConnectOptions {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(max_connections)
        .min_connections(1)
        // Well under the 30 s request timeout: a request that cannot get a connection fails
        // cleanly before it writes anything, instead of being cut off after its commit.
        .acquire_timeout(Duration::from_secs(10))
        // A file has no server that could drop the connection, so the pool's ping before each
        // query (a round trip to the connection's thread) checks nothing. Leaving it out was
        // not measurable over HTTP (BENCHMARKS.md, eighth slice); it is simply work not done.
        .test_before_acquire(false)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o: SqliteConnectOptions| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    opts
}
