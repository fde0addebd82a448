//! The `alliances` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "alliances")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub city_id: i64,
    pub level: crate::values::Level,
    #[sea_orm(unique)]
    pub region_id: i64,
    pub name: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
