//! The `webhooks` table: an alliance's receivers of signed event deliveries.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub city_id: i64,
    pub alliance_id: i64,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// The HMAC key; never serialized.
    #[sea_orm(column_type = "Text")]
    #[serde(skip_serializing)]
    pub secret: String,
    /// JSON array of event names.
    #[sea_orm(column_type = "Text")]
    pub events: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub active: bool,
    /// Signed JSON, or a group robot's message.
    pub format: crate::values::WebhookFormat,
    /// A 钉钉 or 飞书 robot's own secret when its 加签 is on; never serialized.
    #[sea_orm(column_type = "Text", nullable)]
    #[serde(skip_serializing)]
    pub robot_secret: Option<String>,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
