//! The `match_alerts` table: resource–need pairs already announced to the need's alliance.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "match_alerts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub need_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub resource_id: i64,
    pub city_id: i64,
    pub score: f64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
