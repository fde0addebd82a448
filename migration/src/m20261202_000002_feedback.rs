//! 评单: a completed project's rating by the need's coordinator and the resource owner's reply;
//! and an index for reading a city's audit trail newest first.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("project_feedback")
                .col(big_integer("project_id").primary_key())
                .col(big_integer("city_id"))
                .col(integer("rating"))
                .col(text("comment"))
                .col(big_integer("rated_by"))
                .col(timestamp_with_time_zone("rated_at"))
                .col(text_null("reply"))
                .col(big_integer_null("replied_by"))
                .col(timestamp_with_time_zone_null("replied_at"))
                .col(integer("version"))
                .foreign_key(
                    ForeignKey::create()
                        .from("project_feedback", "project_id")
                        .to("projects", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_audit_log_city_id_id")
                .table("audit_log")
                .col("city_id")
                .col("id")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_audit_log_city_id_id")
                .table("audit_log")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("project_feedback").to_owned())
            .await
    }
}
