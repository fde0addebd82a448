//! The `projects` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub city_id: i64,
    pub need_id: i64,
    pub alliance_id: i64,
    pub title: String,
    pub status: crate::values::ProjectStatus,
    #[sea_orm(column_type = "Text")]
    pub notes: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub created_by: i64,
    pub updated_by: i64,
    /// What came of it, written at completion.
    #[sea_orm(column_type = "Text", nullable)]
    pub outcome: Option<String>,
    pub beneficiaries: Option<i32>,
    pub approved_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
