//! The `needs` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "needs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub city_id: i64,
    pub alliance_id: i64,
    pub place_region_id: i64,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub category: String,
    pub tags: crate::Tags,
    pub quantity: Option<i32>,
    pub needed_by: Option<Date>,
    pub urgency: crate::values::Urgency,
    pub status: crate::values::NeedStatus,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub created_by: i64,
    pub updated_by: i64,
    pub deleted_at: Option<DateTimeUtc>,
    /// 复核日期: unless its owner confirms it again, the entry leaves the matchable set after
    /// this day (Asia/Shanghai). Set on every write by the owner.
    pub review_by: Option<Date>,
    /// The import job that wrote this row; while that job is still writing, the row is hidden
    /// (`deleted_at` set) and is made visible with the rest of its sheet.
    pub import_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
