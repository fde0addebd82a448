//! What a city's IT office does to a deployment besides running it: a consistent backup of the
//! embedded SQLite database while the service runs, and a restore from one (PostgreSQL has
//! pg_dump and pg_restore for both, see README).
//!
//! `migrate-data` moves a deployment from SQLite to PostgreSQL (see [`migrate`]).
//!
//! The search index is never backed up: it is derived from the database, and a restored
//! database is a different state of it, so a restore removes the index and the next start
//! rebuilds it.

pub mod migrate;

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, Statement};

use crate::config::Config;
use crate::db::Db;

/// The file of a `sqlite://` URL; `None` for another database.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    Some(PathBuf::from(path))
}

fn refuse_postgres(url: &str, what: &str) -> anyhow::Result<PathBuf> {
    sqlite_file(url).ok_or_else(|| {
        anyhow::anyhow!(
            "{what}只用于内置的 SQLite 数据库；PostgreSQL 请用 pg_dump / pg_restore（见 README）"
        )
    })
}

/// SQL text for a file name (single quotes doubled).
fn quoted(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "''"))
}

/// Writes a consistent copy of the SQLite database to `file` (which must not exist yet),
/// while the service may be running: `VACUUM INTO` reads one snapshot, so writes going on
/// meanwhile are either wholly in the copy or not at all. The copy is checked before it is
/// reported.
pub async fn backup(config: &Config, file: &Path) -> anyhow::Result<()> {
    refuse_postgres(&config.database_url(), "备份命令")?;
    if file.exists() {
        anyhow::bail!("{} 已存在：请指定一个新文件", file.display());
    }
    let db = Db::connect(&config.database_url()).await?;
    db.read
        .execute_unprepared(&format!("VACUUM INTO {}", quoted(file)))
        .await
        .map_err(|e| anyhow::anyhow!("备份失败：{e}"))?;
    db.close().await;
    let rows = check(file).await?;
    println!("已备份到 {}（{rows} 条记录，校验通过）", file.display());
    Ok(())
}

/// Replaces the SQLite database with the backup in `file`, with the service stopped, and
/// removes the search index so the next start rebuilds it from the restored rows.
pub async fn restore(config: &Config, file: &Path) -> anyhow::Result<()> {
    let target = refuse_postgres(&config.database_url(), "恢复命令")?;
    crate::search::refuse_if_served(&config.data_dir.join("index"))?;
    check(file).await?;
    // A write-ahead log left beside the old file would be replayed onto the restored one.
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            std::fs::remove_file(&side)
                .map_err(|e| anyhow::anyhow!("无法删除 {}：{e}", side.display()))?;
        }
    }
    // Copied beside the target and renamed over it: the target is never half written.
    let partial = PathBuf::from(format!("{}.restoring", target.display()));
    std::fs::copy(file, &partial)
        .map_err(|e| anyhow::anyhow!("无法复制 {}：{e}", file.display()))?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &target)
        .map_err(|e| anyhow::anyhow!("无法替换 {}：{e}", target.display()))?;
    let index = config.data_dir.join("index");
    if index.exists() {
        crate::search::empty_dir(&index)
            .map_err(|e| anyhow::anyhow!("无法删除旧索引 {}：{e}", index.display()))?;
    }
    println!(
        "已从 {} 恢复到 {}；搜索索引将在下次启动时重建",
        file.display(),
        target.display()
    );
    Ok(())
}

/// Checks that `file` is a whole SQLite database of this service; returns its row count in
/// the lists and the audit log.
async fn check(file: &Path) -> anyhow::Result<i64> {
    if !file.is_file() {
        anyhow::bail!("找不到备份文件 {}", file.display());
    }
    let url = format!("sqlite://{}?mode=ro", file.display());
    let db = sea_orm::Database::connect(&url)
        .await
        .map_err(|e| anyhow::anyhow!("{} 不是可读取的 SQLite 数据库：{e}", file.display()))?;
    let backend = db.get_database_backend();
    let one = |sql: &str| Statement::from_string(backend, sql.to_owned());
    let verdict = db
        .query_one_raw(one("PRAGMA integrity_check"))
        .await
        .ok()
        .flatten()
        .and_then(|r| r.try_get_by_index::<String>(0).ok());
    if verdict.as_deref() != Some("ok") {
        db.close().await.ok();
        anyhow::bail!("{} 已损坏（完整性检查未通过）", file.display());
    }
    let mut rows = 0;
    for table in [
        "resources",
        "needs",
        "projects",
        "users",
        "audit_log",
        "deployment",
    ] {
        let n = db
            .query_one_raw(one(&format!("SELECT COUNT(*) FROM {table}")))
            .await
            .ok()
            .flatten()
            .and_then(|r| r.try_get_by_index::<i64>(0).ok());
        match n {
            Some(n) => rows += n,
            None => {
                db.close().await.ok();
                anyhow::bail!("{} 不是本服务的数据库（缺少表 {table}）", file.display());
            }
        }
    }
    db.close().await.ok();
    Ok(rows)
}
