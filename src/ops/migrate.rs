//! Moving a whole deployment from the embedded SQLite database to PostgreSQL: every table, the
//! audit log and the outbox included, ids kept and sequences set after them, in one
//! transaction on the target, then verified table by table (row counts and checksums read back
//! from both sides).
//!
//! Columns are copied by the types the target's schema gives them (the migrations made both
//! schemas, so names match), which also makes the copy exact: SQLite keeps timestamps to the
//! nanosecond and PostgreSQL to the microsecond, so timestamps are cut to the microsecond on
//! the way, and the checksums compare the cut values.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{DateTime, NaiveDate, NaiveDateTime, SubsecRound, Utc};
use sea_orm::sea_query::{Alias, PostgresQueryBuilder, Query, SimpleExpr, Value};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, QueryResult, Statement,
    TransactionTrait,
};

use crate::config::Config;
use crate::db::Db;

/// Every table, in the order the migrations created them (a table after those it refers to).
const TABLES: [&str; 24] = [
    "regions",
    "alliances",
    "organizations",
    "alliance_members",
    "categories",
    "users",
    "sessions",
    "resources",
    "needs",
    "projects",
    "project_resources",
    "audit_log",
    "search_outbox",
    "project_events",
    "project_feedback",
    "worker_cursors",
    "notifications",
    "match_alerts",
    "webhooks",
    "webhook_deliveries",
    "deployment",
    "import_jobs",
    "embeddings",
    "project_photos",
];

/// Rows the migrations themselves write into an empty database: replaced by the source's.
const SEEDED: [&str; 2] = ["worker_cursors", "deployment"];

/// Rows read and written at a time.
const PAGE: usize = 1000;
/// Rows at a time of a table holding bytes (photos: up to a megabyte a row).
const PAGE_OF_BYTES: usize = 16;

/// How a column is read and written, from its type in the target.
#[derive(Clone, Copy, Debug)]
enum Kind {
    BigInt,
    Int,
    Bool,
    Text,
    Timestamp,
    LocalTimestamp,
    Date,
    Float,
    Bytes,
}

impl Kind {
    fn of(data_type: &str) -> anyhow::Result<Self> {
        Ok(match data_type {
            "bigint" => Kind::BigInt,
            "integer" | "smallint" => Kind::Int,
            "boolean" => Kind::Bool,
            "text" | "character varying" | "character" => Kind::Text,
            "timestamp with time zone" => Kind::Timestamp,
            "timestamp without time zone" => Kind::LocalTimestamp,
            "date" => Kind::Date,
            "double precision" | "real" | "numeric" => Kind::Float,
            "bytea" => Kind::Bytes,
            other => anyhow::bail!("unsupported column type {other}"),
        })
    }

    /// The value of column `i` of a row, as the target stores it.
    fn read(self, row: &QueryResult, i: usize) -> anyhow::Result<Value> {
        let bad = |e: sea_orm::DbErr| anyhow::anyhow!("column {i}: {e}");
        Ok(match self {
            Kind::BigInt => row.try_get_by_index::<Option<i64>>(i).map_err(bad)?.into(),
            Kind::Int => row.try_get_by_index::<Option<i32>>(i).map_err(bad)?.into(),
            Kind::Bool => row.try_get_by_index::<Option<bool>>(i).map_err(bad)?.into(),
            Kind::Text => row
                .try_get_by_index::<Option<String>>(i)
                .map_err(bad)?
                .into(),
            Kind::Timestamp => row
                .try_get_by_index::<Option<DateTime<Utc>>>(i)
                .map_err(bad)?
                .map(|t| t.trunc_subsecs(6))
                .into(),
            Kind::LocalTimestamp => row
                .try_get_by_index::<Option<NaiveDateTime>>(i)
                .map_err(bad)?
                .map(|t| t.trunc_subsecs(6))
                .into(),
            Kind::Date => row
                .try_get_by_index::<Option<NaiveDate>>(i)
                .map_err(bad)?
                .into(),
            Kind::Float => row.try_get_by_index::<Option<f64>>(i).map_err(bad)?.into(),
            Kind::Bytes => row
                .try_get_by_index::<Option<Vec<u8>>>(i)
                .map_err(bad)?
                .into(),
        })
    }
}

/// One table's columns, by name and kind, as the target has them.
struct Columns {
    names: Vec<String>,
    kinds: Vec<Kind>,
}

impl Columns {
    /// The column names as a select list.
    fn quoted(&self) -> String {
        self.names
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// How many rows of this table to hold at once.
    fn page(&self) -> usize {
        if self.kinds.iter().any(|k| matches!(k, Kind::Bytes)) {
            PAGE_OF_BYTES
        } else {
            PAGE
        }
    }
}

async fn columns(target: &impl ConnectionTrait, table: &str) -> anyhow::Result<Columns> {
    let rows = target
        .query_all_raw(Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT column_name, data_type FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            [table.into()],
        ))
        .await?;
    let mut cols = Columns {
        names: Vec::new(),
        kinds: Vec::new(),
    };
    for r in rows {
        let name: String = r.try_get_by_index(0)?;
        let data_type: String = r.try_get_by_index(1)?;
        cols.kinds
            .push(Kind::of(&data_type).map_err(|e| anyhow::anyhow!("{table}.{name}: {e}"))?);
        cols.names.push(name);
    }
    if cols.names.is_empty() {
        anyhow::bail!("目标数据库缺少表 {table}");
    }
    Ok(cols)
}

/// A table's row count and an order-independent checksum of its rows.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
struct Tally {
    rows: u64,
    checksum: u64,
}

impl Tally {
    fn add(&mut self, values: &[Value]) {
        let mut h = DefaultHasher::new();
        format!("{values:?}").hash(&mut h);
        self.rows += 1;
        // A sum of row hashes: the same whatever order the rows are read in.
        self.checksum = self.checksum.wrapping_add(h.finish());
    }
}

/// Reads a table page by page in row order (`rowid` on SQLite, `ctid`-free keyset not needed
/// on the target: see [`tally_target`]), handing each page to `each`.
async fn read_source<F, Fut>(
    source: &DatabaseConnection,
    table: &str,
    cols: &Columns,
    mut each: F,
) -> anyhow::Result<()>
where
    F: FnMut(Vec<Vec<Value>>) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let list = cols.quoted();
    let mut after = i64::MIN;
    loop {
        let rows = source
            .query_all_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Sqlite,
                format!(
                    "SELECT rowid, {list} FROM \"{table}\" WHERE rowid > ? ORDER BY rowid LIMIT {}",
                    cols.page()
                ),
                [after.into()],
            ))
            .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get_by_index(0)?;
        let mut page = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut values = Vec::with_capacity(cols.kinds.len());
            for (i, k) in cols.kinds.iter().enumerate() {
                values.push(
                    k.read(r, i + 1)
                        .map_err(|e| anyhow::anyhow!("{table}: {e}"))?,
                );
            }
            page.push(values);
        }
        each(page).await?;
    }
}

/// Reads back a table of the target and tallies it: by `id` a page at a time where the table
/// has a `bigint` one (so a table of photos is never held whole), else at once.
async fn tally_target(
    target: &impl ConnectionTrait,
    table: &str,
    cols: &Columns,
) -> anyhow::Result<Tally> {
    let list = cols.quoted();
    let mut tally = Tally {
        rows: 0,
        checksum: 0,
    };
    let id = cols
        .names
        .iter()
        .position(|c| c == "id")
        .filter(|&i| matches!(cols.kinds[i], Kind::BigInt));
    let mut after = i64::MIN;
    loop {
        let sql = match id {
            Some(_) => format!(
                "SELECT {list} FROM \"{table}\" WHERE id > $1 ORDER BY id LIMIT {}",
                cols.page()
            ),
            None => format!("SELECT {list} FROM \"{table}\""),
        };
        let rows = target
            .query_all_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                sql,
                id.map(|_| after.into()),
            ))
            .await?;
        for r in &rows {
            let values = cols
                .kinds
                .iter()
                .enumerate()
                .map(|(i, k)| k.read(r, i))
                .collect::<anyhow::Result<Vec<_>>>()?;
            tally.add(&values);
        }
        match (id, rows.last()) {
            (Some(i), Some(last)) => after = last.try_get_by_index(i)?,
            _ => return Ok(tally),
        }
    }
}

async fn count(db: &impl ConnectionTrait, table: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) FROM \"{table}\""),
        ))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no count"))?;
    Ok(row.try_get_by_index(0)?)
}

async fn insert(
    tx: &DatabaseTransaction,
    table: &str,
    cols: &Columns,
    page: Vec<Vec<Value>>,
) -> anyhow::Result<()> {
    // PostgreSQL takes at most 65,535 parameters a statement.
    let per_statement = (60_000 / cols.names.len()).max(1);
    let mut rows = page.into_iter().peekable();
    while rows.peek().is_some() {
        let mut q = Query::insert();
        q.into_table(Alias::new(table))
            .columns(cols.names.iter().map(|c| Alias::new(c.as_str())));
        for values in rows.by_ref().take(per_statement) {
            q.values(values.into_iter().map(SimpleExpr::Value))?;
        }
        let (sql, values) = q.build(PostgresQueryBuilder);
        tx.execute_raw(Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            sql,
            values,
        ))
        .await?;
    }
    Ok(())
}

/// Moves the deployment whose database `config` names (SQLite) into the empty PostgreSQL
/// database at `to`, and verifies it.
pub async fn migrate_data(config: &Config, to: &str) -> anyhow::Result<()> {
    if !config.database_url().starts_with("sqlite:") {
        anyhow::bail!("migrate-data 从内置的 SQLite 数据库迁出；当前数据库不是 SQLite");
    }
    if !to.starts_with("postgres://") && !to.starts_with("postgresql://") {
        anyhow::bail!("--to 须为 PostgreSQL 地址（postgres://…）");
    }
    let source = Db::connect(&config.database_url()).await?;
    // The source is brought to the current schema first, so both sides have the same tables.
    source.migrate().await?;
    let target = Db::connect(to).await?;
    target.migrate().await?;
    for table in TABLES {
        let n = count(&target.read, table).await?;
        if n > 0 && !SEEDED.contains(&table) {
            anyhow::bail!("目标数据库不是空的（表 {table} 有 {n} 行）：只能迁入新建的空数据库");
        }
    }
    let started = std::time::Instant::now();
    let mut expected: BTreeMap<&str, Tally> = BTreeMap::new();
    let tx = target.write.begin().await?;
    for table in SEEDED {
        tx.execute_unprepared(&format!("DELETE FROM \"{table}\""))
            .await?;
    }
    for table in TABLES {
        let cols = columns(&tx, table).await?;
        let mut tally = Tally {
            rows: 0,
            checksum: 0,
        };
        let (tx_ref, cols_ref, tally_ref) = (&tx, &cols, &mut tally);
        read_source(&source.read, table, &cols, |page| {
            for values in &page {
                tally_ref.add(values);
            }
            insert(tx_ref, table, cols_ref, page)
        })
        .await?;
        println!("{table}: {} 行", tally.rows);
        expected.insert(table, tally);
        // Ids are kept: the sequence behind an id column continues after the highest.
        for key in ["id", "seq"] {
            if cols.names.iter().any(|c| c == key) {
                tx.execute_unprepared(&format!(
                    "SELECT setval(pg_get_serial_sequence('\"{table}\"', '{key}'), MAX(\"{key}\")) \
                     FROM \"{table}\" HAVING MAX(\"{key}\") IS NOT NULL \
                     AND pg_get_serial_sequence('\"{table}\"', '{key}') IS NOT NULL"
                ))
                .await?;
            }
        }
    }
    tx.commit().await?;
    // Read back from the target after the commit: what is there is what was read.
    for table in TABLES {
        let cols = columns(&target.read, table).await?;
        let found = tally_target(&target.read, table, &cols).await?;
        if found != expected[table] {
            anyhow::bail!(
                "校验失败：表 {table} 源 {} 行，目标 {} 行（校验和 {:x} / {:x}）",
                expected[table].rows,
                found.rows,
                expected[table].checksum,
                found.checksum
            );
        }
    }
    source.close().await;
    target.close().await;
    let total: u64 = expected.values().map(|t| t.rows).sum();
    println!(
        "已迁移 {} 张表共 {total} 行到 PostgreSQL，逐表核对行数与校验和一致（{:.1} 秒）。\n\
         之后用 LIANMENG_DATABASE_URL={to} 启动服务；搜索索引与数据库一致，无需重建。",
        TABLES.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
