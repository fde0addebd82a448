//! What a webhook sends: lianmeng's signed JSON (`json`, every webhook so far), or the message
//! of a group robot (`wecom` 企业微信, `dingtalk` 钉钉, `feishu` 飞书), so that events reach a
//! coordinators' group chat.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("webhooks")
                .add_column(
                    ColumnDef::new("format")
                        .string_len(16)
                        .not_null()
                        .default("json"),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("webhooks")
                .drop_column("format")
                .to_owned(),
        )
        .await
    }
}
