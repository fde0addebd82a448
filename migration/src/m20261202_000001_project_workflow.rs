//! The project life cycle: what each project holds of its resources (`resources.reserved`),
//! its outcome, and the timeline of who moved it where.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        m.alter_table(
            Table::alter()
                .table("resources")
                .add_column(integer("reserved").default(0))
                .to_owned(),
        )
        .await?;
        for col in [
            text_null("outcome"),
            integer_null("beneficiaries"),
            timestamp_with_time_zone_null("approved_at"),
            timestamp_with_time_zone_null("completed_at"),
        ] {
            m.alter_table(Table::alter().table("projects").add_column(col).to_owned())
                .await?;
        }
        m.create_table(
            Table::create()
                .table("project_events")
                .col(big_pk_auto("id"))
                .col(big_integer("project_id"))
                .col(big_integer("city_id"))
                .col(string_len_null("from_status", 16))
                .col(string_len("to_status", 16))
                .col(big_integer("actor_id"))
                .col(text("note"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("project_events", "project_id")
                        .to("projects", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_project_events_project_id_id")
                .table("project_events")
                .col("project_id")
                .col("id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("project_events").to_owned())
            .await?;
        for col in ["outcome", "beneficiaries", "approved_at", "completed_at"] {
            m.alter_table(Table::alter().table("projects").drop_column(col).to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table("resources")
                .drop_column("reserved")
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
