//! The `project_feedback` table: 评单, one per completed project.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "project_feedback")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i64,
    pub city_id: i64,
    /// 1–5.
    pub rating: i32,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub rated_by: i64,
    pub rated_at: DateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub reply: Option<String>,
    pub replied_by: Option<i64>,
    pub replied_at: Option<DateTimeUtc>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
