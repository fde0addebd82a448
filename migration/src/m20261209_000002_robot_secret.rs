//! A 钉钉 or 飞书 group robot with 加签 on checks a signature made with its own secret: the
//! webhook keeps that secret (never shown back) beside lianmeng's signing key.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("webhooks")
                .add_column(ColumnDef::new("robot_secret").text().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("webhooks")
                .drop_column("robot_secret")
                .to_owned(),
        )
        .await
    }
}
