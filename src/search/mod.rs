//! The search index: tantivy over Chinese text (jieba), derived from the database.
//!
//! Every change to a resource or need appends an outbox row in its own transaction; one
//! indexer task (the only owner of the index writer, `workers::indexer`) applies the outbox in
//! sequence order and stores the last applied sequence in the commit payload. On start it
//! replays from there; a missing, unreadable or old-schema index is rebuilt from the database.
//! Several instances on one PostgreSQL each keep their own index from the same outbox.
//!
//! This file holds [`Search`] and its query side (a core's turn per ranking, repair on a
//! damaged index, synonyms); `index/` writes the index (opening it, applying the outbox,
//! rebuilding, merging).

pub mod analyzer;
pub mod documents;
pub mod embedder;
mod index;
pub mod matching;
pub mod pruning;
pub mod schema;
pub mod synonyms;
pub mod vectors;

pub(crate) use index::newest_seq;
pub use index::{empty_dir, refuse_if_served};

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tantivy::{Index, IndexReader, IndexWriter};

use crate::db::Db;
use crate::error::{Error, Result};
use schema::Fields;
use synonyms::Synonyms;

pub struct Search {
    index: Index,
    reader: IndexReader,
    pub fields: Fields,
    /// `None` only while a failed writer is being replaced.
    writer: Mutex<Option<IndexWriter>>,
    /// Set by [`Search::stop`]: no writer is opened again after it.
    stopped: AtomicBool,
    synonyms: RwLock<Arc<Synonyms>>,
    /// Every outbox row up to here has been applied (or was rolled back).
    applied: AtomicI64,
    /// Held while the outbox is applied or the index rebuilt: one at a time, so a rebuild's
    /// half-done state is never committed by the indexer in between.
    indexing: tokio::sync::Mutex<()>,
    progress: Mutex<index::Progress>,
    wake: tokio::sync::Notify,
    /// Queries on the index (ranking, search) run at most one per core at a time: more in
    /// parallel add threads — each with its own buffers and allocator arena, so memory — but
    /// no speed, since each query keeps a core busy from start to end.
    queries: tokio::sync::Semaphore,
    /// Signalled each time the applied position moves (the match announcer waits on it).
    advanced: tokio::sync::Notify,
    /// Per-segment copies of the columns matching filters on (see `matching::AttrCache`).
    pub(crate) attrs: Arc<matching::AttrCache>,
    data_dir: PathBuf,
    /// The identity of the database this index is derived from (see [`Payload::database`]).
    database: String,
    /// Set when a query met a damaged index: queries answer [`Error::SearchRepairing`] until the
    /// indexer has rebuilt it.
    broken: AtomicBool,
    /// Wakes the indexer to rebuild a damaged index.
    repair: tokio::sync::Notify,
    /// Set while applying the outbox fails (a full disk, say): writes still land in the
    /// database and queries use the index as last committed, which falls behind until the
    /// indexer succeeds again; `/metrics` shows it.
    failing: AtomicBool,
    /// This process's name among the outbox's readers (see [`pruning`]).
    instance: String,
    /// The sentence embeddings of resources and needs, fed with the keys of each batch the
    /// index commits.
    pub embedder: Arc<embedder::Embedder>,
}

/// See [`Search::health`].
pub struct Health {
    /// Outbox rows written after the newest one applied (transactions still open included).
    pub lag: i64,
    /// The last attempt to apply the outbox failed.
    pub failing: bool,
    /// Damaged and being rebuilt: queries answer 503.
    pub broken: bool,
}

/// An index or thread error, kept as the source so [`damaged`] can tell a damaged index from
/// other failures.
fn blocking_err(e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Internal(anyhow::Error::new(e).context("search index"))
}

/// Whether an error of a query says the index itself is damaged (unreadable or corrupt files)
/// rather than something about this one query.
fn damaged(e: &Error) -> bool {
    use tantivy::TantivyError as T;
    let Error::Internal(e) = e else { return false };
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some()
            || matches!(
                c.downcast_ref::<T>(),
                Some(
                    T::IoError(_)
                        | T::DataCorruption(_)
                        | T::OpenReadError(_)
                        | T::OpenDirectoryError(_)
                        | T::IncompatibleIndex(_)
                        | T::DeserializeError(_)
                )
            )
    })
}

/// A panic's message, for the log.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

impl Search {
    /// Releases the index writer (and its directory lock) at shutdown, after the workers
    /// stopped, so another instance or a restart in this process can open the same
    /// directory; what the indexer had not applied is replayed at the next start.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(w) = writer {
            let _ = w.wait_merging_threads();
        }
    }

    /// Wakes the indexer: a write has just committed.
    pub fn notify(&self) {
        self.wake.notify_one();
    }

    /// Runs one match's ranking on the index, waiting for a core's turn, on the calling task's
    /// own thread. A ranking is short, and handing the async worker over for it
    /// (`block_in_place`, as [`Search::query_long`] does) costs more than it saves (measured in
    /// BENCHMARKS.md, "A ranking on the calling thread"). The price is that while every core
    /// runs a ranking, other requests wait for one to end; there are never more rankings at
    /// once than cores.
    pub async fn query<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        self.usable()?;
        let _turn = self.turn().await;
        self.guarded(work)
    }

    /// Runs work on the index that may take long (a page of free-text search with its total,
    /// an alliance's whole match plan), waiting for a core's turn; the async worker thread is
    /// handed over meanwhile (`block_in_place`), so other requests go on being served.
    pub async fn query_long<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        self.usable()?;
        let _turn = self.turn().await;
        tokio::task::block_in_place(|| self.guarded(work))
    }

    /// Whether queries may use the index now (not while a damaged one is being rebuilt).
    fn usable(&self) -> Result<()> {
        if self.is_broken() {
            Err(Error::SearchRepairing)
        } else {
            Ok(())
        }
    }

    /// Whether the index was found damaged and is not rebuilt yet.
    pub fn is_broken(&self) -> bool {
        self.broken.load(Ordering::Acquire)
    }

    /// Runs a query, turning a panic or an I/O or corruption error inside the index into a
    /// repair: the index is marked broken, the indexer rebuilds it from the database, and
    /// until then every query answers [`Error::SearchRepairing`] instead of a 500 each.
    fn guarded<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        // Nothing a query holds is left half-changed by a panic: the searcher is read-only
        // and the caches it fills tolerate poisoned locks.
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
            Ok(Err(e)) if damaged(&e) => {
                self.mark_broken(&format!("{e:#}"));
                Err(Error::SearchRepairing)
            }
            Ok(done) => done,
            Err(panic) => {
                self.mark_broken(&panic_message(&*panic));
                Err(Error::SearchRepairing)
            }
        }
    }

    /// Marks the index damaged and wakes the indexer to rebuild it (logged once per repair).
    pub fn mark_broken(&self, why: &str) {
        if !self.broken.swap(true, Ordering::AcqRel) {
            tracing::error!(
                error = why,
                "search index damaged; rebuilding it from the database"
            );
        }
        self.repair.notify_one();
    }

    async fn turn(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.queries
            .acquire()
            .await
            .expect("the semaphore is never closed")
    }

    /// Resolves once the applied position has moved (or had moved since the last wait).
    pub async fn advanced(&self) {
        self.advanced.notified().await
    }

    /// The last outbox sequence the index reflects.
    pub fn applied(&self) -> i64 {
        self.applied.load(Ordering::Acquire)
    }

    /// How the index stands against the database, for monitoring.
    pub async fn health(&self, db: &Db) -> Result<Health> {
        let applied = self.applied();
        Ok(Health {
            lag: (newest_seq(&db.read).await? - applied).max(0),
            failing: self.failing.load(Ordering::Acquire),
            broken: self.is_broken(),
        })
    }

    pub fn synonyms(&self) -> Arc<Synonyms> {
        self.synonyms
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Re-reads the synonym file of the data directory; the old dictionary stays on error.
    pub fn reload_synonyms(&self) -> anyhow::Result<usize> {
        let fresh = Synonyms::load(&self.data_dir)?;
        let groups = fresh.group_count();
        *self.synonyms.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(fresh);
        Ok(groups)
    }

    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }
}

/// Registers `tokenizer` as the analysis of our text fields: as it is, and under parts for
/// `placed` (the evaluation's bigram baseline registers its own this way).
pub(crate) fn register_analysis<T>(index: &Index, tokenizer: T)
where
    T: tantivy::tokenizer::Tokenizer + Clone,
{
    index
        .tokenizers()
        .register(analyzer::TOKENIZER, tokenizer.clone());
    index
        .tokenizers()
        .register(analyzer::PLACED_TOKENIZER, analyzer::Placed(tokenizer));
}
