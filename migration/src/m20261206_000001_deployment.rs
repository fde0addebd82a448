//! The database's identity: one row with a random id, made when the database is created. The
//! search index stores it with each commit, so an index found beside another deployment's
//! database (or one built from a copy of it) is rebuilt instead of trusted.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("deployment")
                .col(ColumnDef::new("id").integer().not_null().primary_key())
                .col(ColumnDef::new("identity").string().not_null())
                .to_owned(),
        )
        .await?;
        // Drawn by the database itself, so the migration needs no random source of its own.
        let random = match m.get_database_backend() {
            DbBackend::Postgres => "md5(random()::text || clock_timestamp()::text)",
            _ => "lower(hex(randomblob(16)))",
        };
        m.get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO deployment (id, identity) VALUES (1, {random})"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("deployment").to_owned())
            .await
    }
}
