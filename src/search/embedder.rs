//! The embedder: keeps a sentence embedding of every live resource and need, off the request
//! path, stored in the database and held in memory ([`Vectors`]) for scoring.
//!
//! It is fed from the outbox through the indexer: each batch the index has committed hands its
//! keys over, and the embedder re-reads those rows. A row's vector is stored with the digest of
//! the exact text embedded and the model's digest, so an unchanged text is never embedded twice
//! — not after a restart, an index rebuild, nor on a second instance, which finds the first
//! one's vector in the database. At start a sweep compares every live row's digest with the
//! stored one: whatever a process killed mid-way left missing or stale is embedded then, and
//! the vectors of deleted rows are dropped.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use sha2::{Digest, Sha256};

use super::documents::Kind;
use super::vectors::{Vector, Vectors};
use crate::db::Db;
use crate::error::Result;
use entity::{embedding, need, resource};
use lianmeng_embed::{self as embed, Encoder};

/// Rows embedded per model call: enough to share the weights' reads, few enough that a fresh
/// write waits little behind a sweep.
const BATCH: usize = 16;
/// Rows read per page by the sweep.
const PAGE: u64 = 2000;
/// How often a long backlog logs its progress.
const PROGRESS_EVERY: Duration = Duration::from_secs(15);

/// Rows to embed. What the outbox hands over (a user's write) goes before the start-up
/// sweep's backlog, so that a fresh need or resource is matchable by meaning within seconds
/// even while a city's hundred thousand rows are being embedded for the first time.
#[derive(Default)]
struct Queue {
    fresh: BTreeSet<(Kind, i64)>,
    backlog: BTreeSet<(Kind, i64)>,
}

impl Queue {
    fn len(&self) -> usize {
        self.fresh.len() + self.backlog.len()
    }

    fn take(&mut self, n: usize) -> Vec<(Kind, i64)> {
        let mut batch = Vec::with_capacity(n);
        while batch.len() < n {
            let Some(k) = self.fresh.pop_first().or_else(|| self.backlog.pop_first()) else {
                break;
            };
            self.backlog.remove(&k);
            batch.push(k);
        }
        batch
    }
}

/// The backlog's progress, logged every [`PROGRESS_EVERY`] while there is one.
struct Progress {
    started: std::time::Instant,
    logged: std::time::Instant,
    done: usize,
}

pub struct Embedder {
    encoder: OnceLock<std::result::Result<Encoder, String>>,
    /// The model's digest, stored with each vector.
    model: String,
    pub vectors: Arc<Vectors>,
    /// The digest of the text each held vector was made from.
    digests: Mutex<HashMap<(Kind, i64), String>>,
    queue: Mutex<Queue>,
    wake: tokio::sync::Notify,
    /// Rows taken from the queue and not stored yet (see [`Embedder::pending`]).
    working: AtomicUsize,
    /// The start-up sweep has not finished.
    sweeping: AtomicBool,
    /// `LIANMENG_EMBEDDINGS=off`: no model runs, matches go by words alone (a machine too
    /// small for the model, or a benchmark that fills [`Embedder::vectors`] itself).
    off: bool,
}

impl Embedder {
    pub fn new() -> Self {
        let off = std::env::var("LIANMENG_EMBEDDINGS").is_ok_and(|v| v.eq_ignore_ascii_case("off"));
        Self {
            off,
            encoder: OnceLock::new(),
            model: model_digest(),
            vectors: Arc::new(Vectors::default()),
            digests: Mutex::default(),
            queue: Mutex::default(),
            wake: tokio::sync::Notify::new(),
            working: AtomicUsize::new(0),
            sweeping: AtomicBool::new(!off),
        }
    }

    fn encoder(&self) -> Result<&Encoder> {
        self.encoder
            .get_or_init(|| Encoder::from_bytes(embed::MODEL).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| anyhow::anyhow!("the embedding model does not load: {e}").into())
    }

    /// Queues rows whose text may have changed (the keys of an outbox batch).
    pub fn enqueue(&self, keys: impl IntoIterator<Item = (Kind, i64)>) {
        if self.off {
            return;
        }
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        q.fresh.extend(keys);
        drop(q);
        self.wake.notify_one();
    }

    fn enqueue_backlog(&self, keys: Vec<(Kind, i64)>) {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        q.backlog.extend(keys);
        drop(q);
        self.wake.notify_one();
    }

    /// Rows waiting to be embedded (the sweep counts as one until it is done).
    pub fn pending(&self) -> usize {
        let queued = self.queue.lock().unwrap_or_else(|e| e.into_inner()).len();
        queued
            + self.working.load(Ordering::Acquire)
            + usize::from(self.sweeping.load(Ordering::Acquire))
    }

    /// Runs until `stopped`: loads the stored vectors, sweeps, then embeds what is queued.
    pub async fn run(self: Arc<Self>, db: Db, mut stopped: tokio::sync::watch::Receiver<bool>) {
        if self.off {
            tracing::info!("LIANMENG_EMBEDDINGS=off: matching by words alone");
            return;
        }
        loop {
            match self.start(&db).await {
                Ok(()) => break,
                Err(e) => {
                    tracing::error!(error = ?e, "loading the stored embeddings failed; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                        _ = stopped.changed() => return,
                    }
                }
            }
        }
        let mut progress: Option<Progress> = None;
        loop {
            let (batch, left) = {
                let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                let batch = q.take(BATCH);
                self.working.store(batch.len(), Ordering::Release);
                (batch, q.len())
            };
            progress = self.log_progress(progress, batch.len(), left);
            if batch.is_empty() {
                tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = stopped.changed() => return,
                }
                continue;
            }
            // A batch takes seconds: a stop does not wait for it (what it had not stored is
            // queued again by the next start's sweep).
            let refreshed = tokio::select! {
                r = self.refresh(&db, &batch) => r,
                _ = stopped.changed() => return,
            };
            if let Err(e) = refreshed {
                if *stopped.borrow() {
                    return;
                }
                tracing::error!(error = ?e, "embedding failed; retrying");
                self.enqueue(batch);
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            self.working.store(0, Ordering::Release);
        }
    }

    /// Loads every stored vector of this model, then queues the live rows whose text has no
    /// vector or a stale one, and forgets the vectors of rows that are gone.
    async fn start(&self, db: &Db) -> Result<()> {
        let mut stored: HashMap<(Kind, i64), String> = HashMap::new();
        let mut after: (String, i64) = (String::new(), i64::MIN);
        loop {
            let rows = embedding::Entity::find()
                .filter(
                    sea_orm::Condition::any()
                        .add(embedding::Column::EntityType.gt(after.0.clone()))
                        .add(
                            sea_orm::Condition::all()
                                .add(embedding::Column::EntityType.eq(after.0.clone()))
                                .add(embedding::Column::EntityId.gt(after.1)),
                        ),
                )
                .order_by_asc(embedding::Column::EntityType)
                .order_by_asc(embedding::Column::EntityId)
                .limit(PAGE)
                .all(&db.read)
                .await?;
            let Some(last) = rows.last() else { break };
            after = (last.entity_type.clone(), last.entity_id);
            for r in rows {
                let Some(kind) = Kind::parse(&r.entity_type) else {
                    continue;
                };
                if r.model != self.model {
                    continue;
                }
                if let Some(v) = Vector::from_bytes(&r.vector, r.scale) {
                    self.vectors.put(kind, r.entity_id, v);
                    stored.insert((kind, r.entity_id), r.text_hash);
                }
            }
        }
        let mut live: BTreeSet<(Kind, i64)> = BTreeSet::new();
        let mut stale: Vec<(Kind, i64)> = Vec::new();
        for kind in [Kind::Resource, Kind::Need] {
            let mut after = 0i64;
            loop {
                let texts = texts(db, kind, Rows::After(after)).await?;
                let Some(&(last, _)) = texts.last() else {
                    break;
                };
                after = last;
                for (id, text) in texts {
                    live.insert((kind, id));
                    if stored.get(&(kind, id)) != Some(&self.digest(kind, &text)) {
                        stale.push((kind, id));
                    }
                }
            }
        }
        let gone: Vec<(Kind, i64)> = stored
            .keys()
            .filter(|k| !live.contains(k))
            .copied()
            .collect();
        for &(kind, id) in &gone {
            self.vectors.remove(kind, id);
            stored.remove(&(kind, id));
        }
        delete_stored(db, &gone).await?;
        *self.digests.lock().unwrap_or_else(|e| e.into_inner()) = stored;
        if !stale.is_empty() {
            tracing::info!(
                rows = stale.len(),
                "embedding resources and needs without a current vector"
            );
        }
        self.enqueue_backlog(stale);
        self.sweeping.store(false, Ordering::Release);
        Ok(())
    }

    /// Counts a batch taken with `left` rows behind it, and logs how a backlog of more than a
    /// few batches goes: rows done and left, the rate and the time still needed.
    fn log_progress(&self, p: Option<Progress>, taken: usize, left: usize) -> Option<Progress> {
        let now = std::time::Instant::now();
        let Some(mut p) = p else {
            if left < 4 * BATCH {
                return None;
            }
            tracing::info!(left = left + taken, "embedding a backlog");
            return Some(Progress {
                started: now,
                logged: now,
                done: taken,
            });
        };
        let secs = now.duration_since(p.started).as_secs_f64().max(1e-3);
        if taken == 0 {
            tracing::info!(
                rows = p.done,
                seconds = secs.round(),
                per_second = format!("{:.1}", p.done as f64 / secs),
                "backlog embedded"
            );
            return None;
        }
        if now.duration_since(p.logged) >= PROGRESS_EVERY {
            let rate = p.done as f64 / secs;
            tracing::info!(
                done = p.done,
                left = left + taken,
                per_second = format!("{rate:.1}"),
                minutes_left = format!("{:.1}", (left + taken) as f64 / rate.max(1e-3) / 60.0),
                "embedding a backlog"
            );
            p.logged = now;
        }
        p.done += taken;
        Some(p)
    }

    fn digest(&self, kind: Kind, text: &str) -> String {
        text_digest(&self.model, kind, text)
    }

    /// Re-reads these rows and brings their vectors up to date.
    async fn refresh(&self, db: &Db, keys: &[(Kind, i64)]) -> Result<()> {
        let mut gone = Vec::new();
        let mut todo: Vec<((Kind, i64), String, String)> = Vec::new();
        for kind in [Kind::Resource, Kind::Need] {
            let ids: Vec<i64> = keys.iter().filter(|k| k.0 == kind).map(|k| k.1).collect();
            if ids.is_empty() {
                continue;
            }
            let texts: HashMap<i64, String> = texts(db, kind, Rows::Among(&ids))
                .await?
                .into_iter()
                .collect();
            for id in ids {
                match texts.get(&id) {
                    None => gone.push((kind, id)),
                    Some(text) => {
                        let digest = self.digest(kind, text);
                        let held = self
                            .digests
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .get(&(kind, id))
                            .cloned();
                        if held.as_deref() != Some(digest.as_str()) {
                            todo.push(((kind, id), text.clone(), digest));
                        }
                    }
                }
            }
        }
        for &(kind, id) in &gone {
            self.vectors.remove(kind, id);
            self.digests
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&(kind, id));
        }
        delete_stored(db, &gone).await?;
        if todo.is_empty() {
            return Ok(());
        }
        // Another instance may have embedded the same text already: one read per side.
        let mut stored: HashMap<(Kind, i64), embedding::Model> = HashMap::new();
        for kind in [Kind::Resource, Kind::Need] {
            let ids: Vec<i64> = todo
                .iter()
                .filter(|t| t.0.0 == kind)
                .map(|t| t.0.1)
                .collect();
            if ids.is_empty() {
                continue;
            }
            for r in embedding::Entity::find()
                .filter(embedding::Column::EntityType.eq(kind.as_str()))
                .filter(embedding::Column::EntityId.is_in(ids))
                .all(&db.read)
                .await?
            {
                stored.insert((kind, r.entity_id), r);
            }
        }
        let mut missing = Vec::new();
        for (key, text, digest) in todo {
            let found = stored
                .remove(&key)
                .filter(|r| r.model == self.model && r.text_hash == digest)
                .and_then(|r| Vector::from_bytes(&r.vector, r.scale));
            match found {
                Some(v) => self.hold(key, v, digest),
                None => missing.push((key, text, digest)),
            }
        }
        for kind in [Kind::Resource, Kind::Need] {
            let mine: Vec<_> = missing.iter().filter(|m| m.0.0 == kind).collect();
            if mine.is_empty() {
                continue;
            }
            let texts: Vec<&str> = mine.iter().map(|m| m.1.as_str()).collect();
            let encoder_kind = match kind {
                Kind::Need => embed::Kind::Query,
                Kind::Resource => embed::Kind::Passage,
            };
            let encoder = self.encoder()?;
            let vectors = tokio::task::block_in_place(|| encoder.embed_batch(&texts, encoder_kind));
            for (m, v) in mine.into_iter().zip(vectors) {
                let v = Vector::quantize(&v);
                self.store(db, m.0, &v, &m.2).await?;
                self.hold(m.0, v, m.2.clone());
            }
        }
        Ok(())
    }

    fn hold(&self, key: (Kind, i64), v: Vector, digest: String) {
        self.vectors.put(key.0, key.1, v);
        self.digests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, digest);
    }

    async fn store(&self, db: &Db, key: (Kind, i64), v: &Vector, digest: &str) -> Result<()> {
        embedding::Entity::insert(embedding::ActiveModel {
            entity_type: Set(key.0.as_str().to_owned()),
            entity_id: Set(key.1),
            model: Set(self.model.clone()),
            text_hash: Set(digest.to_owned()),
            vector: Set(v.to_bytes()),
            scale: Set(f64::from(v.scale)),
            updated_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::columns([embedding::Column::EntityType, embedding::Column::EntityId])
                .update_columns([
                    embedding::Column::Model,
                    embedding::Column::TextHash,
                    embedding::Column::Vector,
                    embedding::Column::Scale,
                    embedding::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(&db.write)
        .await?;
        Ok(())
    }
}

impl Default for Embedder {
    fn default() -> Self {
        Self::new()
    }
}

/// The model's name and digest, as stored with each vector: a vector of another model is
/// recomputed, never compared.
pub fn model_digest() -> String {
    let digest = Sha256::digest(embed::MODEL);
    format!("e5-small-zh-q4:{}", &hex::encode(digest)[..16])
}

/// The digest of the exact text a vector was made from, with the model and the side (a need
/// is embedded as a query, a resource as a passage).
pub fn text_digest(model: &str, kind: Kind, text: &str) -> String {
    let mut h = Sha256::new();
    h.update(model.as_bytes());
    h.update(kind.as_str().as_bytes());
    h.update(text.as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// The text a row is embedded from: title, tags and description, as the coordinator reads it.
pub fn text(title: &str, tags: &[String], description: &str) -> String {
    let tags = tags.join("、");
    [title, &tags, description]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("。")
}

/// Which live rows [`texts`] reads: a page after an id (the sweep), or these ids (a batch).
enum Rows<'a> {
    After(i64),
    Among(&'a [i64]),
}

/// The live rows of `kind` that `rows` names, with their texts.
async fn texts(db: &Db, kind: Kind, rows: Rows<'_>) -> Result<Vec<(i64, String)>> {
    macro_rules! read {
        ($entity:ident) => {{
            let q = $entity::Entity::find().filter($entity::Column::DeletedAt.is_null());
            let q = match rows {
                Rows::After(after) => q
                    .filter($entity::Column::Id.gt(after))
                    .order_by_asc($entity::Column::Id)
                    .limit(PAGE),
                Rows::Among(ids) => q.filter($entity::Column::Id.is_in(ids.to_vec())),
            };
            q.all(&db.read)
                .await?
                .into_iter()
                .map(|r| (r.id, text(&r.title, &r.tags, &r.description)))
                .collect()
        }};
    }
    Ok(match kind {
        Kind::Resource => read!(resource),
        Kind::Need => read!(need),
    })
}

async fn delete_stored(db: &Db, keys: &[(Kind, i64)]) -> Result<()> {
    for kind in [Kind::Resource, Kind::Need] {
        let ids: Vec<i64> = keys.iter().filter(|k| k.0 == kind).map(|k| k.1).collect();
        if ids.is_empty() {
            continue;
        }
        embedding::Entity::delete_many()
            .filter(embedding::Column::EntityType.eq(kind.as_str()))
            .filter(embedding::Column::EntityId.is_in(ids))
            .exec(&db.write)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_write_is_embedded_before_the_backlog_and_only_once() {
        let mut q = Queue::default();
        q.backlog.extend((1..=40).map(|id| (Kind::Resource, id)));
        q.fresh.insert((Kind::Resource, 900));
        // A row both in the backlog and written again: taken once, with the fresh ones.
        q.fresh.insert((Kind::Resource, 7));
        assert_eq!(q.len(), 42);
        let first = q.take(BATCH);
        assert_eq!(&first[..2], &[(Kind::Resource, 7), (Kind::Resource, 900)]);
        assert_eq!(first.len(), BATCH);
        let mut rest = first;
        while q.len() > 0 {
            rest.extend(q.take(BATCH));
        }
        rest.sort();
        let taken = rest.len();
        rest.dedup();
        assert_eq!((taken, rest.len()), (41, 41), "every row exactly once");
        assert!(q.take(BATCH).is_empty());
    }
}
