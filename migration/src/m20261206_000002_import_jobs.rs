//! Imports as jobs: an uploaded sheet is checked and written in the background, and its
//! progress, row problems and result are kept in `import_jobs`. Rows an import writes carry
//! its id in `import_id` and stay hidden (`deleted_at` set) until the whole sheet is written,
//! when one statement makes them all visible: a sheet lands whole or not at all, while other
//! writers only ever wait for one small batch of it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const LISTS: [&str; 2] = ["resources", "needs"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("import_jobs")
                .col(big_pk_auto("id"))
                .col(big_integer("city_id"))
                .col(big_integer("user_id"))
                .col(big_integer_null("alliance_id"))
                .col(string_len_null("list", 16))
                .col(text_null("file_name"))
                .col(boolean("dry_run"))
                .col(boolean("allow_duplicates"))
                .col(string_len("status", 16))
                .col(integer("rows"))
                .col(integer("done"))
                .col(integer("valid"))
                .col(integer("created"))
                .col(text("problems"))
                .col(text("ignored_columns"))
                .col(text_null("message"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("import_jobs", "user_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("import_jobs_by_status")
                .table("import_jobs")
                .col("status")
                .to_owned(),
        )
        .await?;
        for t in LISTS {
            m.alter_table(
                Table::alter()
                    .table(t)
                    .add_column(ColumnDef::new("import_id").big_integer().null())
                    .to_owned(),
            )
            .await?;
            m.create_index(
                Index::create()
                    .name(format!("{t}_by_import"))
                    .table(t)
                    .col("import_id")
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in LISTS {
            m.drop_index(
                Index::drop()
                    .name(format!("{t}_by_import"))
                    .table(t)
                    .to_owned(),
            )
            .await?;
            m.alter_table(Table::alter().table(t).drop_column("import_id").to_owned())
                .await?;
        }
        m.drop_table(Table::drop().table("import_jobs").to_owned())
            .await
    }
}
