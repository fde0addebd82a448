//! Review-by dates (复核日期): an entry its owner has not confirmed by then leaves the matchable
//! set. Existing entries get their creation day (in Asia/Shanghai) plus 90 days, but at least
//! 30 days from the upgrade, so that owners have time to confirm old entries before they lapse.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["resources", "needs"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            m.alter_table(
                Table::alter()
                    .table(t)
                    .add_column(ColumnDef::new("review_by").date().null())
                    .to_owned(),
            )
            .await?;
            // One statement per backend: date arithmetic is not portable, and a loop over
            // rows would take minutes at a million of them.
            let sql = match m.get_database_backend() {
                DbBackend::Postgres => format!(
                    "UPDATE {t} SET review_by = GREATEST(\
                     (created_at AT TIME ZONE 'Asia/Shanghai')::date + 90, \
                     (now() AT TIME ZONE 'Asia/Shanghai')::date + 30)"
                ),
                // ISO dates compare as text, so max() picks the later one.
                _ => format!(
                    "UPDATE {t} SET review_by = max(\
                     date(created_at, '+8 hours', '+90 days'), \
                     date('now', '+8 hours', '+30 days'))"
                ),
            };
            m.get_connection().execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            m.alter_table(Table::alter().table(t).drop_column("review_by").to_owned())
                .await?;
        }
        Ok(())
    }
}
