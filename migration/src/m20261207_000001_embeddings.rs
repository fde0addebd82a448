//! Sentence embeddings of resources and needs, kept in the database so that an index rebuild,
//! a restart or a second instance reads them instead of running the model again.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("embeddings")
                .col(ColumnDef::new("entity_type").string().not_null())
                .col(ColumnDef::new("entity_id").big_integer().not_null())
                // The model file's digest: another model's vectors are recomputed, not compared.
                .col(ColumnDef::new("model").string().not_null())
                // The digest of the exact text embedded: an edit makes the vector stale.
                .col(ColumnDef::new("text_hash").string().not_null())
                // 384 signed bytes, the unit vector divided by `scale`.
                .col(ColumnDef::new("vector").blob().not_null())
                .col(ColumnDef::new("scale").double().not_null())
                .col(
                    ColumnDef::new("updated_at")
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .primary_key(Index::create().col("entity_type").col("entity_id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("embeddings").to_owned())
            .await
    }
}
