//! The rules of lianmeng: who may do what, validation beyond shape, and every write.
//!
//! Functions take `&impl ConnectionTrait` (a pool or a transaction) and know nothing of HTTP.
//! Request inputs (`New*`, `*Patch`) live here rather than in `api/` because validating them
//! completely — shape *and* references — is a domain rule, and every error must be reported
//! in one answer; `api/` uses them as request bodies and documents them.

pub mod accounts;
pub mod actor;
pub mod alliances;
pub mod audit;
pub mod auth;
pub mod categories;
pub mod duplicates;
pub mod imports;
pub mod lists;
pub mod lookup;
pub mod match_plan;
pub mod matching;
pub mod needs;
pub mod notifications;
pub mod organizations;
pub mod outbox;
pub mod page;
pub mod passwords;
pub mod projects;
pub mod regions;
pub mod resources;
pub mod spreadsheets;
pub mod stats;
pub mod throttle;
pub mod users;
pub mod validation;
pub mod webhooks;

pub use actor::{Actor, Role};
pub use page::{Page, PageParams};

/// Folds text for case-insensitive search, the same way on every database.
pub fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// A substring match of `needle` (folded with [`fold`]) in a column that stores folded text,
/// with `%` and `_` escaped.
pub fn contains_folded(
    col: impl sea_orm::ColumnTrait,
    needle: &str,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::ExprTrait;
    use sea_orm::sea_query::{Expr, LikeExpr};
    let escaped = fold(needle)
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Expr::col(col.as_column_ref()).like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}
