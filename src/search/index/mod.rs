//! Writing the index: opening (or rebuilding) it at start, applying the search outbox in
//! order with the gaps of transactions still open, rebuilding it from the database, merging
//! its segments, and the files and commit payload that say which database and position it
//! reflects. The only writer is `workers::indexer`, through these methods.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexWriter, ReloadPolicy, Term};

use super::documents::{self, Kind};
use super::schema::{self, Fields, SCHEMA_VERSION};
use super::synonyms::{self, Synonyms};
use super::{Search, analyzer, blocking_err, embedder, matching, pruning, register_analysis};
use crate::db::Db;
use crate::error::Result;

/// How many outbox rows one indexing round applies (and commits) at most.
const BATCH: u64 = 1000;

/// Writer memory: well above the ~15 MB per thread below which tantivy makes tiny segments.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// How far the indexer has read the outbox.
#[derive(Clone)]
pub(super) struct Progress {
    /// The highest sequence applied.
    max_seen: i64,
    /// Lower sequences not seen yet, and since when they have been missing.
    gaps: BTreeMap<i64, std::time::Instant>,
}

/// How long a missing sequence is waited for before it is taken as rolled back: well beyond
/// the request timeout, after which no transaction of ours is still open.
const GAP_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Serialize, Deserialize)]
struct Payload {
    schema: u32,
    /// Fingerprint of the analysis (the jieba user dictionary): text indexed with another
    /// segmentation would not match today's queries, so a change rebuilds the index.
    #[serde(default)]
    analysis: String,
    seq: i64,
    #[serde(default)]
    anchor: Option<Anchor>,
    /// The identity of the database (its `deployment` row): an index beside a database of
    /// another deployment, whatever its outbox holds, is rebuilt.
    #[serde(default)]
    database: String,
}

/// The newest outbox row at or below the applied position, as the index saw it. A database
/// restored from a backup, or another database with as many changes, has other rows (or none)
/// there: its index is rebuilt rather than trusted.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
struct Anchor {
    seq: i64,
    entity: String,
    at: String,
}

impl Anchor {
    fn of(row: &entity::search_outbox::Model) -> Self {
        Anchor {
            seq: row.seq,
            entity: format!("{}:{}", row.entity_type, row.entity_id),
            at: row
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        }
    }

    /// What the anchor of position `seq` is in this database.
    async fn at(db: &Db, seq: i64) -> Result<Option<Self>> {
        use entity::search_outbox::{Column, Entity};
        Ok(Entity::find()
            .filter(Column::Seq.lte(seq))
            .order_by_desc(Column::Seq)
            .one(&db.read)
            .await?
            .as_ref()
            .map(Anchor::of))
    }
}

/// A document to replace under its key (`None`: delete it).
type Doc = (String, Option<tantivy::TantivyDocument>);

/// How many rows a rebuild reads per page.
const REBUILD_PAGE: u64 = 5000;

/// Reads every live resource and need, page by page in id order, as documents.
async fn read_pages(
    db: &Db,
    fields: &Fields,
    out: tokio::sync::mpsc::Sender<Vec<Doc>>,
) -> Result<()> {
    let regions = documents::Regions::load(&db.read).await?;
    let members = documents::all_memberships(&db.read).await?;
    let mut after = 0;
    loop {
        let rows = documents::resources_after(&db.read, after, REBUILD_PAGE).await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let docs = rows
            .iter()
            .map(|r| {
                let alliances = members
                    .get(&r.organization_id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let doc = documents::resource_doc(fields, r, alliances, &regions);
                (Kind::Resource.key(r.id), Some(doc))
            })
            .collect();
        if out.send(docs).await.is_err() {
            return Ok(());
        }
    }
    let mut after = 0;
    loop {
        let rows = documents::needs_after(&db.read, after, REBUILD_PAGE).await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let docs = rows
            .iter()
            .map(|n| {
                (
                    Kind::Need.key(n.id),
                    Some(documents::need_doc(fields, n, &regions)),
                )
            })
            .collect();
        if out.send(docs).await.is_err() {
            return Ok(());
        }
    }
    Ok(())
}

fn create(dir: &Path) -> tantivy::Result<Index> {
    let (schema, _) = schema::build();
    let index = Index::create_in_dir(dir, schema)?;
    register(&index);
    Ok(index)
}

pub(super) fn register(index: &Index) {
    register_analysis(index, analyzer::ChineseTokenizer::default());
}

/// Deletes everything inside `dir` but not `dir` itself, which may be the mount point of a
/// volume of its own (or a link to one) that the index is kept on.
pub fn empty_dir(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// The index in `dir` and its commit payload, if it opens, has our schema version and every
/// file of its segments is whole.
fn open_existing(dir: &Path) -> Option<(Index, Payload)> {
    let index = Index::open_in_dir(dir).ok()?;
    register(&index);
    let payload = index.load_metas().ok()?.payload?;
    let payload: Payload = serde_json::from_str(&payload).ok()?;
    if payload.schema != SCHEMA_VERSION
        || payload.analysis != analyzer::fingerprint()
        || index.schema() != schema::build().0
    {
        return None;
    }
    // Opening a reader checks that every segment's files are there; their checksums, that no
    // byte in them changed since they were written (a disk error, a crash mid-write, a hand).
    // Reading every file once costs about a second per 500 MB, at start only.
    index.reader().ok()?;
    match index.validate_checksum() {
        Ok(bad) if bad.is_empty() => {}
        Ok(bad) => {
            tracing::warn!(files = ?bad, "search index files fail their checksums");
            return None;
        }
        Err(e) => {
            tracing::warn!(error = %e, "search index checksums could not be read");
            return None;
        }
    }
    Some((index, payload))
}

/// The database's identity (its `deployment` row).
async fn database_identity(db: &Db) -> Result<String> {
    Ok(entity::deployment::Entity::find()
        .one(&db.read)
        .await?
        .map(|d| d.identity)
        .unwrap_or_default())
}

/// Refuses when a running server owns the index in `dir` (its writer holds the directory
/// lock): deleting or replacing what is under it would corrupt a live service.
pub fn refuse_if_served(dir: &Path) -> anyhow::Result<()> {
    if let Ok(index) = Index::open_in_dir(dir) {
        let probe: tantivy::Result<IndexWriter> = index.writer(15_000_000);
        if let Err(tantivy::TantivyError::LockFailure(..)) = probe {
            anyhow::bail!(
                "索引正被运行中的服务使用：请先停止服务（{}）",
                dir.display()
            );
        }
    }
    Ok(())
}

/// The newest outbox sequence (0 when the outbox is empty).
pub(crate) async fn newest_seq(db: &impl sea_orm::ConnectionTrait) -> Result<i64> {
    use entity::search_outbox::{Column, Entity};
    Ok(Entity::find()
        .select_only()
        .column_as(Column::Seq.max(), "max")
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten()
        .unwrap_or(0))
}

/// The outbox position below which every transaction has surely committed or rolled back:
/// just before the oldest row younger than [`GAP_TIMEOUT`], or the end when there is none.
async fn settled_seq(db: &Db) -> Result<i64> {
    use entity::search_outbox::{Column, Entity};
    let recent =
        chrono::Utc::now() - chrono::Duration::from_std(GAP_TIMEOUT).expect("small duration");
    let oldest_recent: Option<i64> = Entity::find()
        .select_only()
        .column_as(Column::Seq.min(), "min")
        .filter(Column::CreatedAt.gt(recent))
        .into_tuple::<Option<i64>>()
        .one(&db.read)
        .await?
        .flatten();
    match oldest_recent {
        Some(first) => Ok(first - 1),
        None => newest_seq(&db.read).await,
    }
}

/// Whether [`Search::write`] replaces documents that may be in the index, or adds ones that
/// cannot be (a rebuild, after deleting everything).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Write {
    Replace,
    Fresh,
}

impl Search {
    /// How often the indexer prunes the outbox rows every instance has read.
    pub const KEEP_OUTBOX_EVERY: Duration = pruning::EVERY;

    /// Opens the index under `data_dir/index` (rebuilding it from the database when it is
    /// missing, unreadable or of another schema version) and applies the outbox up to now.
    /// Keeping it up to date from then on is `workers::indexer`'s.
    pub async fn open(data_dir: &Path, db: Db) -> anyhow::Result<Arc<Self>> {
        // A bad edit of the synonym file must not keep the service from starting: say so and
        // use the built-in dictionary until the file is fixed and reloaded.
        let synonyms = Synonyms::load(data_dir).unwrap_or_else(|e| {
            tracing::error!(error = %e, "synonym file unusable; using the built-in dictionary");
            Synonyms::parse(synonyms::DEFAULT).expect("the built-in dictionary parses")
        });
        let dir = data_dir.join("index");
        let database = database_identity(&db).await?;
        let opened = tokio::task::spawn_blocking({
            let dir = dir.clone();
            move || open_existing(&dir)
        })
        .await?;
        // An index that has applied more than the database holds belongs to another (or a
        // restored) database: its documents would be ghosts, so it is rebuilt.
        let newest = newest_seq(&db.read).await?;
        let pruned = pruning::pruned_below(&db).await?;
        let opened = match opened {
            Some((index, payload))
                if payload.database == database
                    && payload.seq <= newest
                    // Rows it had not applied were deleted while it was away.
                    && payload.seq + 1 >= pruned
                    && Anchor::at(&db, payload.seq).await? == payload.anchor =>
            {
                Some((index, payload.seq))
            }
            Some(_) => {
                tracing::warn!("search index belongs to another state of the database");
                None
            }
            None => None,
        };
        let (index, seq, fresh) = match opened {
            Some((index, seq)) => (index, seq, false),
            None => {
                if dir.exists() {
                    tracing::warn!(dir = %dir.display(), "search index unusable; rebuilding from the database");
                    empty_dir(&dir)?;
                }
                std::fs::create_dir_all(&dir)?;
                (create(&dir)?, 0, true)
            }
        };
        let (_, fields) = schema::build();
        let attrs = Arc::new(matching::AttrCache::default());
        let warmer: std::sync::Weak<dyn tantivy::Warmer> = Arc::downgrade(&attrs) as _;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .warmers(vec![warmer])
            .try_into()?;
        let writer = index.writer(WRITER_MEMORY)?;
        let search = Arc::new(Search {
            index,
            reader,
            fields,
            writer: Mutex::new(Some(writer)),
            stopped: AtomicBool::new(false),
            synonyms: RwLock::new(Arc::new(synonyms)),
            applied: AtomicI64::new(seq),
            indexing: tokio::sync::Mutex::new(()),
            progress: Mutex::new(Progress {
                max_seen: seq,
                gaps: BTreeMap::new(),
            }),
            wake: tokio::sync::Notify::new(),
            queries: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            advanced: tokio::sync::Notify::new(),
            attrs,
            data_dir: data_dir.to_owned(),
            database,
            broken: AtomicBool::new(false),
            repair: tokio::sync::Notify::new(),
            failing: AtomicBool::new(false),
            instance: uuid::Uuid::new_v4().simple().to_string(),
            embedder: Arc::new(embedder::Embedder::new()),
        });
        if fresh {
            search.rebuild(&db).await?;
        }
        search.catch_up(&db).await?;
        Ok(search)
    }

    /// Indexes every live resource and need, then commits with the outbox position taken
    /// *before* reading them, so changes made meanwhile are replayed, not lost.
    pub async fn rebuild(self: &Arc<Self>, db: &Db) -> Result<()> {
        let _one_at_a_time = self.indexing.lock().await;
        let started = std::time::Instant::now();
        // Replay, after the rebuild, everything recent enough that its transaction may not
        // have been visible to the scan (see `apply_batch`).
        let seq = settled_seq(db).await?;
        {
            let this = self.clone();
            tokio::task::spawn_blocking(move || -> tantivy::Result<()> {
                let mut w = this.writer.lock().unwrap_or_else(|e| e.into_inner());
                // A failed write leaves no writer (see `write`); a repair starts with one.
                if w.is_none() {
                    *w = Some(this.index.writer(WRITER_MEMORY)?);
                }
                w.as_mut().expect("just ensured").delete_all_documents()?;
                Ok(())
            })
            .await
            .map_err(blocking_err)?
            .map_err(blocking_err)?;
        }
        // Pages of whole rows are read and turned into documents by one task while this one
        // hands the previous page to the writer, so reading the database and indexing overlap.
        let (pages, mut ready) = tokio::sync::mpsc::channel::<Vec<Doc>>(2);
        let reader = {
            let (db, fields) = (db.clone(), self.fields);
            tokio::spawn(async move { read_pages(&db, &fields, pages).await })
        };
        let mut count = 0usize;
        let mut written: Result<()> = Ok(());
        while let Some(docs) = ready.recv().await {
            count += docs.len();
            written = self.write(docs, Write::Fresh, None).await;
            if written.is_err() {
                break;
            }
        }
        drop(ready);
        let read = reader.await.map_err(blocking_err).and_then(|r| r);
        if let Err(e) = written.and(read) {
            // The writer holds the deletion of everything and part of the documents: never
            // let a later commit keep that. A fresh writer is taken next time.
            *self.writer.lock().unwrap_or_else(|e| e.into_inner()) = None;
            return Err(e);
        }
        let anchor = Anchor::at(db, seq).await?;
        self.write(Vec::new(), Write::Fresh, Some((seq, anchor)))
            .await?;
        // A bulk load leaves many small segments; let the merges finish now (the reported
        // rebuild time includes them) so the first queries do not pay for them.
        {
            let this = self.clone();
            tokio::task::spawn_blocking(move || -> tantivy::Result<()> {
                let mut slot = this.writer.lock().unwrap_or_else(|e| e.into_inner());
                this.settle_merges(&mut slot)?;
                this.reader.reload()
            })
            .await
            .map_err(blocking_err)?
            .map_err(blocking_err)?;
        }
        *self.progress.lock().unwrap_or_else(|e| e.into_inner()) = Progress {
            max_seen: seq,
            gaps: BTreeMap::new(),
        };
        tracing::info!(
            documents = count,
            seconds = started.elapsed().as_secs_f64(),
            "search index rebuilt"
        );
        Ok(())
    }

    /// Merges every segment into one and returns how many segments the reader then sees.
    /// How many segments a rebuild leaves depends on when the indexing threads flushed (4 in
    /// one run, 11 in the next, with queries up to a third slower on the latter), so the
    /// matching bench merges when asked, to compare two versions of the code on the same
    /// layout. The commit payload (the applied outbox sequence) is kept by tantivy's merge.
    /// Merges already running finish first (a merge of a segment another merge is consuming
    /// fails); new writes wait until it is done, then may add segments again.
    pub async fn merge_segments(self: &Arc<Self>) -> Result<usize> {
        let _one_at_a_time = self.indexing.lock().await;
        let this = self.clone();
        tokio::task::spawn_blocking(move || -> tantivy::Result<usize> {
            let mut slot = this.writer.lock().unwrap_or_else(|e| e.into_inner());
            this.settle_merges(&mut slot)?;
            let ids = this.index.searchable_segment_ids()?;
            if let Some(w) = slot.as_mut()
                && ids.len() > 1
            {
                // A failed merge changes nothing; the writer stays in its slot.
                w.merge(&ids).wait()?;
            }
            this.reader.reload()?;
            Ok(this.reader.searcher().segment_readers().len())
        })
        .await
        .map_err(blocking_err)?
        .map_err(blocking_err)
    }

    /// Lets the writer's running merges finish, then puts a fresh writer in its slot (none once
    /// the service is stopping): the writer is given up to wait for its merges.
    fn settle_merges(&self, slot: &mut Option<IndexWriter>) -> tantivy::Result<()> {
        if let Some(w) = slot.take() {
            w.wait_merging_threads()?;
        }
        if !self.stopped.load(Ordering::Acquire) {
            *slot = Some(self.index.writer(WRITER_MEMORY)?);
        }
        Ok(())
    }

    /// Records where this index stands among the outbox's readers, rebuilds it if rows it had
    /// not applied were pruned (it was stalled longer than others waited), and prunes.
    pub async fn keep_outbox(self: &Arc<Self>, db: &Db) -> Result<()> {
        let pruned = pruning::pruned_below(db).await?;
        if self.applied() + 1 < pruned {
            tracing::warn!("search index fell behind the pruned outbox; rebuilding");
            self.rebuild(db).await?;
        }
        let anchor = Anchor::at(db, self.applied()).await?.map_or(0, |a| a.seq);
        pruning::record_position(db, &self.instance, anchor).await?;
        pruning::prune(db, pruned).await?;
        Ok(())
    }

    /// Applies every outbox row after the applied position.
    pub async fn catch_up(&self, db: &Db) -> Result<usize> {
        let _one_at_a_time = self.indexing.lock().await;
        let mut total = 0;
        loop {
            let n = self.apply_batch(db).await?;
            total += n;
            if n < BATCH as usize {
                return Ok(total);
            }
        }
    }

    /// Applies the next outbox rows: those after the highest sequence seen, and those that
    /// fill a gap below it.
    ///
    /// On PostgreSQL a sequence number is taken at insert time but the row becomes visible at
    /// commit, so a row with a lower number can appear after a higher one was applied (and a
    /// rolled-back transaction leaves a number that never appears). Missing numbers are kept
    /// as gaps and looked for again until they appear or are older than [`GAP_TIMEOUT`]; the
    /// checkpoint stored with the index is the highest sequence below every open gap, so a
    /// restart replays from there (applying a row twice is harmless: it re-reads the row).
    async fn apply_batch(&self, db: &Db) -> Result<usize> {
        use sea_orm::Condition;
        let (max_seen, gaps): (i64, Vec<i64>) = {
            let p = self.progress.lock().unwrap_or_else(|e| e.into_inner());
            (p.max_seen, p.gaps.keys().copied().collect())
        };
        let column = entity::search_outbox::Column::Seq;
        let mut wanted = Condition::any().add(column.gt(max_seen));
        if !gaps.is_empty() {
            wanted = wanted.add(column.is_in(gaps));
        }
        let rows = entity::search_outbox::Entity::find()
            .filter(wanted)
            .order_by_asc(column)
            .limit(BATCH)
            .all(&db.read)
            .await?;
        // The rows are taken as seen only once their documents are committed: a failed write
        // (a full disk) leaves the progress as it was, and the next round reads them again.
        let (next, applied) = {
            let mut p = self
                .progress
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            let now = std::time::Instant::now();
            for r in &rows {
                if r.seq > p.max_seen {
                    for missing in p.max_seen + 1..r.seq {
                        p.gaps.insert(missing, now);
                    }
                    p.max_seen = r.seq;
                } else {
                    p.gaps.remove(&r.seq);
                }
            }
            p.gaps
                .retain(|_, since| now.duration_since(*since) < GAP_TIMEOUT);
            let applied = p.gaps.keys().next().map_or(p.max_seen, |first| first - 1);
            (p, applied)
        };
        if rows.is_empty() {
            if applied != self.applied() {
                let anchor = Anchor::at(db, applied).await?;
                self.write(Vec::new(), Write::Replace, Some((applied, anchor)))
                    .await?;
            }
            *self.progress.lock().unwrap_or_else(|e| e.into_inner()) = next;
            return Ok(0);
        }
        let mut keys: Vec<(Kind, i64)> = rows
            .iter()
            .filter_map(|r| Kind::parse(&r.entity_type).map(|k| (k, r.entity_id)))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let docs = documents::current(&db.read, &self.fields, &keys).await?;
        // Queued before the index shows the batch, so that whoever waits for the index and
        // then for the embedder (the evaluation, a test) never sees both idle in between. The
        // embedder reads the rows from the database: it needs nothing from the index.
        self.embedder.enqueue(keys);
        let anchor = Anchor::at(db, applied).await?;
        self.write(docs, Write::Replace, Some((applied, anchor)))
            .await?;
        *self.progress.lock().unwrap_or_else(|e| e.into_inner()) = next;
        Ok(rows.len())
    }

    /// Replaces documents (delete by key, then add) and, with a sequence, commits it as the
    /// applied position and makes the change visible. `Fresh` documents are only added: a
    /// rebuild has deleted everything first, and a million deletions by key would each be
    /// looked up in every segment written meanwhile (more than half of a rebuild's time).
    async fn write(
        &self,
        docs: Vec<(String, Option<tantivy::TantivyDocument>)>,
        how: Write,
        commit: Option<(i64, Option<Anchor>)>,
    ) -> Result<()> {
        let key = self.fields.key;
        let written = tokio::task::block_in_place(|| -> Result<bool> {
            let mut slot = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            if self.stopped.load(Ordering::Acquire) {
                return Ok(false);
            }
            if slot.is_none() {
                *slot = Some(self.index.writer(WRITER_MEMORY).map_err(blocking_err)?);
            }
            let w = slot.as_mut().expect("just ensured");
            let result = (|| -> tantivy::Result<()> {
                for (k, doc) in docs {
                    if how == Write::Replace {
                        w.delete_term(Term::from_field_text(key, &k));
                    }
                    if let Some(doc) = doc {
                        w.add_document(doc)?;
                    }
                }
                if let Some((seq, anchor)) = &commit {
                    let mut prepared = w.prepare_commit()?;
                    let payload = Payload {
                        schema: SCHEMA_VERSION,
                        analysis: analyzer::fingerprint(),
                        seq: *seq,
                        anchor: anchor.clone(),
                        database: self.database.clone(),
                    };
                    prepared
                        .set_payload(&serde_json::to_string(&payload).expect("payload serializes"));
                    prepared.commit()?;
                    self.reader.reload()?;
                }
                Ok(())
            })();
            if let Err(e) = result {
                // Rollback is not to be trusted after a failure (tantivy#2666): drop this
                // writer (and its uncommitted work), take a fresh one next time, and let the
                // outbox replay whatever was not committed.
                *slot = None;
                return Err(blocking_err(e));
            }
            Ok(true)
        })?;
        if written && let Some((seq, _)) = commit {
            let before = self.applied.swap(seq, Ordering::AcqRel);
            if seq != before {
                self.advanced.notify_one();
            }
        }
        Ok(())
    }

    /// Resolves when a write has committed ([`Search::notify`]) or a query found the index
    /// damaged ([`Search::mark_broken`]).
    pub async fn woken(&self) {
        tokio::select! {
            _ = self.wake.notified() => {}
            _ = self.repair.notified() => {}
        }
    }

    /// Rebuilds a damaged index from the database: it deletes every segment, damaged ones
    /// included, without reading them, and writes the documents anew; queries resume once it
    /// has committed.
    pub async fn repair(self: &Arc<Self>, db: &Db) -> Result<()> {
        self.rebuild(db).await?;
        self.broken.store(false, Ordering::Release);
        tracing::info!("search index repaired");
        Ok(())
    }

    /// Records whether the last attempt to apply the outbox failed (shown by `/metrics`);
    /// returns what was recorded before.
    pub fn set_failing(&self, failing: bool) -> bool {
        self.failing.swap(failing, Ordering::AcqRel)
    }
}
