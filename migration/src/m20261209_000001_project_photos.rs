//! 晒单: photos of a project's work, kept in the database beside the project (so a backup or a
//! move to PostgreSQL carries them), each with a thumbnail made on upload.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("project_photos")
                .col(big_pk_auto("id"))
                .col(big_integer("project_id"))
                .col(big_integer("city_id"))
                .col(big_integer("uploaded_by"))
                .col(timestamp_with_time_zone("uploaded_at"))
                .col(text("caption"))
                .col(integer("width"))
                .col(integer("height"))
                .col(text("sha256"))
                .col(blob("image"))
                .col(blob("thumb"))
                .foreign_key(
                    ForeignKey::create()
                        .from("project_photos", "project_id")
                        .to("projects", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_project_photos_project_sha256")
                .table("project_photos")
                .col("project_id")
                .col("sha256")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("project_photos").to_owned())
            .await
    }
}
