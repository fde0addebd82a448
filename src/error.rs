//! The one error type of the service. `api::error` turns it into RFC 9457 problem+json.

use serde::Serialize;
use utoipa::ToSchema;

/// One bad field, with a message a coordinator can read.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A likely duplicate of what is being posted (`domain::duplicates` finds them): the payload
/// of [`Error::Duplicates`], so it lives with the error, below every layer that raises it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Duplicate {
    pub id: i64,
    pub title: String,
    /// 0–1: how alike the two are (titles weigh 0.7, descriptions 0.3).
    pub similarity: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("precondition failed: {0}")]
    PreconditionFailed(String),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// The search index was found damaged and is being rebuilt from the database.
    #[error("search index being repaired")]
    SearchRepairing,
    #[error("too many requests: {0}")]
    TooManyRequests(String),
    #[error("payload too large")]
    PayloadTooLarge(String),
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    /// Nearly the same as open entries; the client may confirm and post anyway.
    #[error("likely duplicates: {0:?}")]
    Duplicates(Vec<Duplicate>),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<sea_orm::DbErr> for Error {
    /// A unique-constraint violation that slipped past the checks (two requests racing to
    /// create the same thing) is the client's conflict, not a server fault.
    fn from(e: sea_orm::DbErr) -> Self {
        if matches!(
            e,
            sea_orm::DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout)
        ) {
            // Every connection stayed busy for the whole wait: nothing was written, and the
            // client may simply try again.
            return Error::Unavailable("服务繁忙，请稍后再试".into());
        }
        if matches!(sqlstate(&e).as_deref(), Some("40P01" | "40001")) {
            // PostgreSQL broke a deadlock (or a serialization conflict) by rolling this
            // transaction back: nothing was written, and the same request will go through.
            return Error::Unavailable("数据正被其他操作同时修改，请重试".into());
        }
        if connection_lost(&e) {
            // The database went away under the request (restarted, or unreachable for the
            // moment): an open transaction was rolled back with the connection, and the pool
            // connects again on the next request. Logged, as the client sees only a retry.
            tracing::warn!(error = %e, "database connection lost");
            return Error::Unavailable("数据库暂时无法连接，请稍后重试".into());
        }
        match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                Error::Conflict("同样的记录已存在".into())
            }
            _ => Error::Internal(anyhow::Error::new(e)),
        }
    }
}

/// Whether the error is the connection to the database failing rather than the statement:
/// the server shutting down or refusing connections (SQLSTATE classes 08 and 57P), or the
/// socket dropping.
fn connection_lost(e: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    if let Some(code) = sqlstate(e) {
        return code.starts_with("08") || code.starts_with("57P");
    }
    match e {
        DbErr::Conn(RuntimeErr::SqlxError(s))
        | DbErr::Exec(RuntimeErr::SqlxError(s))
        | DbErr::Query(RuntimeErr::SqlxError(s)) => matches!(
            s.as_ref(),
            sea_orm::sqlx::Error::Io(_)
                | sea_orm::sqlx::Error::PoolClosed
                | sea_orm::sqlx::Error::WorkerCrashed
        ),
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        _ => false,
    }
}

/// The SQLSTATE of a database error, when the driver gave one.
fn sqlstate(e: &sea_orm::DbErr) -> Option<String> {
    use sea_orm::{DbErr, RuntimeErr};
    match e {
        DbErr::Exec(RuntimeErr::SqlxError(s)) | DbErr::Query(RuntimeErr::SqlxError(s)) => {
            match s.as_ref() {
                sea_orm::sqlx::Error::Database(d) => d.code().map(|c| c.into_owned()),
                _ => None,
            }
        }
        _ => None,
    }
}

impl Error {
    pub fn not_found(what: &str) -> Self {
        Error::NotFound(format!("{what}不存在"))
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Error::Forbidden(detail.into())
    }

    /// What the error says to the person who caused it, in Chinese (never an internal cause).
    /// For a terminal: the message a user reads, or the whole chain of an internal error.
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            Error::Internal(e) => e,
            other => anyhow::anyhow!("{}", other.message()),
        }
    }

    pub fn message(&self) -> String {
        match self {
            Error::Validation(list) => list
                .iter()
                .map(|f| format!("{}：{}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("；"),
            Error::BadRequest(m)
            | Error::Unauthorized(m)
            | Error::Forbidden(m)
            | Error::NotFound(m)
            | Error::Conflict(m)
            | Error::PreconditionFailed(m)
            | Error::Unavailable(m)
            | Error::TooManyRequests(m)
            | Error::PayloadTooLarge(m)
            | Error::UnsupportedMediaType(m) => m.clone(),
            Error::Duplicates(found) => format!(
                "与已有的「{}」等 {} 条几乎相同",
                found.first().map_or("", |d| d.title.as_str()),
                found.len()
            ),
            Error::SearchRepairing => "搜索索引正在修复，请稍后再试".into(),
            Error::Internal(_) => "服务器内部错误".into(),
        }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Error::Validation(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }
}
