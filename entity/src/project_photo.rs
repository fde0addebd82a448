//! The `project_photos` table: 晒单, photos of a project's work, re-encoded on upload.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "project_photos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    pub city_id: i64,
    pub uploaded_by: i64,
    pub uploaded_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub caption: String,
    pub width: i32,
    pub height: i32,
    /// The sha256 of the uploaded file (the same file twice on one project is refused).
    pub sha256: String,
    /// The photo as a JPEG (never written to the audit log).
    #[sea_orm(column_type = "Blob")]
    #[serde(skip)]
    pub image: Vec<u8>,
    #[sea_orm(column_type = "Blob")]
    #[serde(skip)]
    pub thumb: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
