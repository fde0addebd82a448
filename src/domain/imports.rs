//! Imports as jobs: an uploaded 资源清单 or 需求清单 is checked and written in the background,
//! and `import_jobs` keeps its progress, row problems and result.
//!
//! A job runs in three steps, none of which makes another writer wait for long:
//! 1. **check** every row as the API checks one entry, writing nothing (a dry run ends here);
//! 2. **write** the rows in small batches, each its own transaction, hidden: a written row has
//!    `deleted_at` set and the job's id in `import_id`, so no list, match or count sees it;
//! 3. **publish**: one transaction clears `deleted_at` of every row of the job and queues them
//!    for the search index.
//!
//! A sheet therefore lands whole or not at all: a job that fails, or whose process dies, has
//! its hidden rows (and their audit entries) removed, by itself or by [`recover`] later.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{DynIden, Expr, ExprTrait, IntoIden, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::spreadsheets::{self, Checked, ImportOptions, List, RowProblem};
use super::{Actor, duplicates};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::sheets::Table;
use entity::{audit_log, import_job, need, resource, search_outbox};

/// How a create writes its row.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Insert {
    /// Visible at once (a post through the API).
    Visible,
    /// Hidden under import job `id` until the job publishes its whole sheet.
    Staged(i64),
    /// Checked, not written: row `n` of a sheet being checked.
    CheckOnly(usize),
}

impl Insert {
    pub(crate) fn hidden_since(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        matches!(self, Insert::Staged(_)).then_some(now)
    }

    pub(crate) fn import_id(self) -> Option<i64> {
        match self {
            Insert::Staged(id) => Some(id),
            _ => None,
        }
    }
}

/// Where a job is.
pub use entity::values::ImportStatus as Status;

/// An import job as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportJob {
    pub id: i64,
    pub status: Status,
    /// The status in Chinese.
    pub status_label: &'static str,
    /// Which list the sheet is (known once its headers are read).
    pub list: Option<List>,
    pub file_name: Option<String>,
    pub dry_run: bool,
    /// Data rows in the sheet (blank rows left out).
    pub rows: i32,
    /// Rows the current step has gone through (checking, then writing).
    pub done: i32,
    /// Rows without a problem.
    pub valid: i32,
    /// Entries written: 0 until the job succeeds, and always on a dry run.
    pub created: i32,
    /// Every problem, by row and column; any problem means nothing was written.
    pub problems: Vec<RowProblem>,
    /// Columns the import does not read.
    pub ignored_columns: Vec<String>,
    /// Why a failed job failed.
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<import_job::Model> for ImportJob {
    fn from(j: import_job::Model) -> Self {
        let status = j.status;
        ImportJob {
            id: j.id,
            status,
            status_label: status.label(),
            list: j
                .list
                .as_deref()
                .and_then(|l| serde_json::from_value(serde_json::Value::String(l.into())).ok()),
            file_name: j.file_name,
            dry_run: j.dry_run,
            rows: j.rows,
            done: j.done,
            valid: j.valid,
            created: j.created,
            problems: serde_json::from_str(&j.problems).unwrap_or_default(),
            ignored_columns: serde_json::from_str(&j.ignored_columns).unwrap_or_default(),
            message: j.message,
            created_at: j.created_at,
            finished_at: j.finished_at,
        }
    }
}

/// Rows written per transaction: small enough that another writer waits for one batch (tens of
/// milliseconds on SQLite) rather than for the sheet.
const WRITE_BATCH: usize = 200;
/// How often a running job writes its progress (and so shows it is alive).
const HEARTBEAT: Duration = Duration::from_secs(1);
/// A running job whose progress is older than this belongs to a process that is gone.
const STALE: Duration = Duration::from_secs(60);

/// One import runs at a time in a process: a second would only share the same core and,
/// on SQLite, the same write connection.
static TURN: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Checks what can be refused at once (see [`spreadsheets::precheck`]) and records a queued
/// job for the sheet.
pub async fn start(
    db: &Db,
    actor: &Actor,
    table: &Table,
    opts: &ImportOptions,
    file_name: Option<String>,
) -> Result<ImportJob> {
    let (list, _) = spreadsheets::precheck(&db.read, actor, table, opts).await?;
    let now = Utc::now();
    let job = import_job::ActiveModel {
        city_id: Set(actor.city_id),
        user_id: Set(actor.user_id),
        alliance_id: Set(opts.alliance_id),
        list: Set(Some(list_name(list).into())),
        file_name: Set(file_name),
        dry_run: Set(opts.dry_run),
        allow_duplicates: Set(opts.allow_duplicates),
        status: Set(Status::Queued),
        rows: Set(table.rows.len() as i32),
        done: Set(0),
        valid: Set(0),
        created: Set(0),
        problems: Set("[]".into()),
        ignored_columns: Set("[]".into()),
        message: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(&db.write)
    .await?;
    Ok(job.into())
}

fn list_name(list: List) -> &'static str {
    match list {
        List::Resources => "resources",
        List::Needs => "needs",
        List::Projects => "projects",
    }
}

/// A job as its owner (or an admin) sees it.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<ImportJob> {
    let job = import_job::Entity::find_by_id(id)
        .filter(import_job::Column::CityId.eq(actor.city_id))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("导入任务"))?;
    if job.user_id != actor.user_id && !actor.is_admin() {
        return Err(Error::forbidden("只能查看自己提交的导入任务"));
    }
    Ok(job.into())
}

/// Runs job `id` to its end: waits for its turn, checks, writes and publishes, keeping its
/// row up to date. `progress(step, done)` is told each row; `published` is called once the
/// rows are visible (to wake the indexer).
pub async fn run(
    db: &Db,
    actor: &Actor,
    id: i64,
    table: &Table,
    opts: &ImportOptions,
    progress: &(dyn Fn(Status, usize) + Sync),
    published: &(dyn Fn() + Sync),
) -> Result<ImportJob> {
    // Beating while it waits its turn too: a job queued behind a long one is alive.
    let done = Arc::new(AtomicUsize::new(0));
    let heartbeat = StopOnDrop(tokio::spawn(beat(db.clone(), id, done.clone())));
    let _turn = TURN.acquire().await.expect("the semaphore is never closed");
    let outcome = steps(db, actor, id, table, opts, &done, progress, published).await;
    drop(heartbeat);
    match outcome {
        Ok(()) => {}
        Err(e) => {
            // Whatever went wrong, nothing of the sheet may stay: its hidden rows go.
            tracing::error!(job = id, error = ?e, "import failed");
            discard(db, id).await?;
            let message = match &e {
                Error::Internal(_) => "导入出错，未写入任何数据，请稍后重试".to_owned(),
                other => other.message(),
            };
            finish(&db.write, id, Status::Failed, Some(message), |_| {}).await?;
        }
    }
    let job = import_job::Entity::find_by_id(id)
        .one(&db.read)
        .await?
        .ok_or_else(|| Error::not_found("导入任务"))?;
    Ok(job.into())
}

#[allow(clippy::too_many_arguments)]
async fn steps(
    db: &Db,
    actor: &Actor,
    id: i64,
    table: &Table,
    opts: &ImportOptions,
    done: &AtomicUsize,
    progress: &(dyn Fn(Status, usize) + Sync),
    published: &(dyn Fn() + Sync),
) -> Result<()> {
    set_status(db, id, Status::Checking).await?;
    let (mut report, checked) = spreadsheets::check(&db.read, actor, table, opts, &|n| {
        done.store(n, Ordering::Relaxed);
        progress(Status::Checking, n);
    })
    .await?;
    let problems = serde_json::to_string(&report.problems).expect("problems serialize");
    let ignored = serde_json::to_string(&report.ignored_columns).expect("columns serialize");
    let valid = report.valid as i32;
    let record = move |j: &mut import_job::ActiveModel| {
        j.valid = Set(valid);
        j.problems = Set(problems.clone());
        j.ignored_columns = Set(ignored.clone());
    };
    if !report.problems.is_empty() {
        return finish(&db.write, id, Status::Rejected, None, record).await;
    }
    if opts.dry_run {
        return finish(&db.write, id, Status::Succeeded, None, record).await;
    }
    set_status(db, id, Status::Writing).await?;
    done.store(0, Ordering::Relaxed);
    for batch in checked.chunks(WRITE_BATCH) {
        write_batch(db, actor, id, batch).await?;
        let n = done.fetch_add(batch.len(), Ordering::Relaxed) + batch.len();
        progress(Status::Writing, n);
        // Let the writers queued behind this batch go first.
        tokio::task::yield_now().await;
    }
    report.created = publish(db, id, record).await?;
    published();
    Ok(())
}

/// Writes one batch of checked rows, hidden under the job, in one transaction. The rows were
/// checked against each other and the open entries already, so duplicates are not looked for
/// again (the `Known` stays empty and each input carries `allow_duplicate`, set by
/// [`spreadsheets::check`]); every other rule is, as the database may have changed since.
async fn write_batch(db: &Db, actor: &Actor, id: i64, batch: &[Checked]) -> Result<()> {
    let tx = db.begin().await?;
    let mut known = duplicates::Known::default();
    for item in batch {
        if let Err(e) = item
            .create(&tx, actor, &mut known, Insert::Staged(id))
            .await
        {
            return Err(match e {
                Error::Internal(e) => Error::Internal(e),
                other => Error::Conflict(format!(
                    "第 {} 行在检查之后已不能导入：{}",
                    item.row(),
                    other.message()
                )),
            });
        }
    }
    tx.commit().await?;
    Ok(())
}

/// A list's table and the columns an import job works with.
struct Columns {
    kind: &'static str,
    table: DynIden,
    id: DynIden,
    city: DynIden,
    import_id: DynIden,
    deleted_at: DynIden,
}

fn lists() -> [Columns; 2] {
    [
        Columns {
            kind: "resource",
            table: resource::Entity.into_iden(),
            id: resource::Column::Id.into_iden(),
            city: resource::Column::CityId.into_iden(),
            import_id: resource::Column::ImportId.into_iden(),
            deleted_at: resource::Column::DeletedAt.into_iden(),
        },
        Columns {
            kind: "need",
            table: need::Entity.into_iden(),
            id: need::Column::Id.into_iden(),
            city: need::Column::CityId.into_iden(),
            import_id: need::Column::ImportId.into_iden(),
            deleted_at: need::Column::DeletedAt.into_iden(),
        },
    ]
}

/// Makes every row of the job visible, queues them for the search index and marks the job
/// succeeded, in one transaction (so whoever sees the job still writing sees none of its
/// rows). Returns how many rows it published.
async fn publish(
    db: &Db,
    id: i64,
    record: impl FnOnce(&mut import_job::ActiveModel),
) -> Result<usize> {
    let tx = db.begin().await?;
    let now = Utc::now();
    let mut count = 0;
    for c in lists() {
        let shown = tx
            .execute(
                &Query::update()
                    .table(c.table.clone())
                    .value(c.deleted_at.clone(), Option::<DateTime<Utc>>::None)
                    .and_where(Expr::col(c.import_id.clone()).eq(id))
                    .and_where(Expr::col(c.deleted_at.clone()).is_not_null())
                    .to_owned(),
            )
            .await?;
        count += shown.rows_affected() as usize;
        // In id order, so the index applies them as they were written.
        let rows = Query::select()
            .column(c.city.clone())
            .expr(Expr::val(c.kind))
            .column(c.id.clone())
            .expr(Expr::val(now))
            .from(c.table.clone())
            .and_where(Expr::col(c.import_id.clone()).eq(id))
            .order_by(c.id.clone(), sea_orm::Order::Asc)
            .to_owned();
        tx.execute(
            &Query::insert()
                .into_table(search_outbox::Entity)
                .columns([
                    search_outbox::Column::CityId,
                    search_outbox::Column::EntityType,
                    search_outbox::Column::EntityId,
                    search_outbox::Column::CreatedAt,
                ])
                .select_from(rows)
                .map_err(|e| Error::Internal(e.into()))?
                .to_owned(),
        )
        .await?;
    }
    let created = count as i32;
    finish(&tx, id, Status::Succeeded, None, move |j| {
        record(j);
        j.created = Set(created);
        j.done = Set(created);
    })
    .await?;
    tx.commit().await?;
    Ok(count)
}

/// Removes the job's hidden rows and their audit entries (a failed or abandoned job).
async fn discard(db: &Db, id: i64) -> Result<()> {
    let tx = db.begin().await?;
    for c in lists() {
        let hidden = Query::select()
            .column(c.id.clone())
            .from(c.table.clone())
            .and_where(Expr::col(c.import_id.clone()).eq(id))
            .and_where(Expr::col(c.deleted_at.clone()).is_not_null())
            .to_owned();
        audit_log::Entity::delete_many()
            .filter(audit_log::Column::EntityType.eq(c.kind))
            .filter(audit_log::Column::EntityId.in_subquery(hidden))
            .exec(&tx)
            .await?;
        tx.execute(
            &Query::delete()
                .from_table(c.table.clone())
                .and_where(Expr::col(c.import_id.clone()).eq(id))
                .and_where(Expr::col(c.deleted_at.clone()).is_not_null())
                .to_owned(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn set_status(db: &Db, id: i64, status: Status) -> Result<()> {
    import_job::ActiveModel {
        id: Set(id),
        status: Set(status),
        done: Set(0),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(&db.write)
    .await?;
    Ok(())
}

async fn finish(
    db: &impl ConnectionTrait,
    id: i64,
    status: Status,
    message: Option<String>,
    more: impl FnOnce(&mut import_job::ActiveModel),
) -> Result<()> {
    let now = Utc::now();
    let mut job = import_job::ActiveModel {
        id: Set(id),
        status: Set(status),
        message: Set(message),
        updated_at: Set(now),
        finished_at: Set(Some(now)),
        ..Default::default()
    };
    more(&mut job);
    job.update(db).await?;
    Ok(())
}

/// Stops the heartbeat however the job ends (a panic included), so a job that died is seen
/// as stale and rolled back.
struct StopOnDrop(tokio::task::JoinHandle<()>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Writes the job's progress every [`HEARTBEAT`] while it runs.
async fn beat(db: Db, id: i64, done: Arc<AtomicUsize>) {
    loop {
        tokio::time::sleep(HEARTBEAT).await;
        let n = done.load(Ordering::Relaxed);
        let _ = import_job::Entity::update_many()
            .col_expr(import_job::Column::Done, Expr::val(n as i32))
            .col_expr(import_job::Column::UpdatedAt, Expr::val(Utc::now()))
            .filter(import_job::Column::Id.eq(id))
            .exec(&db.write)
            .await;
    }
}

/// Jobs left running by a process that is gone (no progress for [`STALE`]): their hidden
/// rows are removed and they are marked failed. Returns how many.
pub async fn recover(db: &Db) -> Result<usize> {
    let stale = Utc::now() - chrono::Duration::from_std(STALE).expect("small duration");
    let jobs: Vec<i64> = import_job::Entity::find()
        .select_only()
        .column(import_job::Column::Id)
        .filter(
            import_job::Column::Status
                .is_in([Status::Queued, Status::Checking, Status::Writing].map(Status::as_str)),
        )
        .filter(import_job::Column::UpdatedAt.lt(stale))
        .order_by_asc(import_job::Column::Id)
        .into_tuple()
        .all(&db.read)
        .await?;
    for &id in &jobs {
        discard(db, id).await?;
        finish(
            &db.write,
            id,
            Status::Failed,
            Some("导入被中断（服务重启或出错），未写入任何数据，请重新上传".into()),
            |_| {},
        )
        .await?;
        tracing::warn!(job = id, "an interrupted import was rolled back");
    }
    Ok(jobs.len())
}
