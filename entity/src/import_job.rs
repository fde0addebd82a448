//! The `import_jobs` table: one uploaded sheet being checked and written, with its progress,
//! row problems (JSON) and result.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub city_id: i64,
    pub user_id: i64,
    pub alliance_id: Option<i64>,
    pub list: Option<String>,
    pub file_name: Option<String>,
    pub dry_run: bool,
    pub allow_duplicates: bool,
    pub status: crate::values::ImportStatus,
    pub rows: i32,
    pub done: i32,
    pub valid: i32,
    pub created: i32,
    #[sea_orm(column_type = "Text")]
    pub problems: String,
    #[sea_orm(column_type = "Text")]
    pub ignored_columns: String,
    pub message: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
