//! Pagination shared by every list: `page` from 1, `per_page` up to 100, `total` in the body.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{Error, Result};

pub const MAX_PER_PAGE: u64 = 100;
pub const DEFAULT_PER_PAGE: u64 = 20;
/// Far beyond any real list, and small enough that `(page - 1) * per_page` cannot overflow.
pub const MAX_PAGE: u64 = 1_000_000;

#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<u64>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
}

impl PageParams {
    /// Checks the numbers and gives `(page, per_page)`.
    pub fn resolve(&self) -> Result<(u64, u64)> {
        let mut errors = Vec::new();
        let page = self.page.unwrap_or(1);
        if page == 0 || page > MAX_PAGE {
            errors.push(("page", "页码须在1到1000000之间"));
        }
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if per_page == 0 || per_page > MAX_PER_PAGE {
            errors.push(("per_page", "每页条数须在1到100之间"));
        }
        if errors.is_empty() {
            Ok((page, per_page))
        } else {
            Err(Error::Validation(
                errors
                    .into_iter()
                    .map(|(f, m)| crate::error::FieldError {
                        field: f.into(),
                        message: m.into(),
                    })
                    .collect(),
            ))
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    /// The same page with its items replaced (built from these, in the same order).
    pub fn with_items<U>(self, items: Vec<U>) -> Page<U> {
        Page {
            items,
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// Runs a paginated select with stable ordering (the caller orders by a unique key).
pub async fn fetch<E, C>(
    db: &C,
    select: sea_orm::Select<E>,
    params: PageParams,
) -> Result<Page<E::Model>>
where
    E: sea_orm::EntityTrait,
    E::Model: Sync + Send,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::{PaginatorTrait, QuerySelect};
    let (page, per_page) = params.resolve()?;
    let total = select.clone().count(db).await?;
    let items = select
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}
