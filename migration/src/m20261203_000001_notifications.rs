//! Notifications and webhooks: the in-app notifications of each user, the resource–need pairs
//! already announced (so a pair is announced once), per-alliance webhooks and their delivery
//! outbox, and the positions of the background workers.
//!
//! The match announcer starts at the newest search-outbox row of the upgrade: entries written
//! before it are not announced as new (they were not, when they were written).

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("worker_cursors")
                .col(string_len("name", 40).primary_key())
                .col(big_integer("position"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO worker_cursors (name, position, updated_at) \
                 SELECT 'match_alerts', COALESCE(MAX(seq), 0), CURRENT_TIMESTAMP FROM search_outbox",
            )
            .await?;
        // The reminders' position is the last day already covered (days from the common era);
        // 0: never run.
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO worker_cursors (name, position, updated_at) \
                 VALUES ('review_reminders', 0, CURRENT_TIMESTAMP)",
            )
            .await?;

        m.create_table(
            Table::create()
                .table("notifications")
                .col(big_pk_auto("id"))
                .col(big_integer("city_id"))
                .col(big_integer("user_id"))
                .col(string_len("kind", 16))
                .col(text("title"))
                .col(text("body"))
                .col(text_null("link"))
                .col(big_integer_null("need_id"))
                .col(big_integer_null("resource_id"))
                .col(big_integer_null("project_id"))
                .col(double_null("score"))
                .col(string_len_null("dedup_key", 120))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("notifications", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_notifications_user_id_id")
                .table("notifications")
                .col("user_id")
                .col("id")
                .to_owned(),
        )
        .await?;
        // One notification per user and key (a day's reminder); rows without a key are free.
        m.create_index(
            Index::create()
                .name("idx_notifications_user_id_dedup_key")
                .table("notifications")
                .col("user_id")
                .col("dedup_key")
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("match_alerts")
                .col(big_integer("need_id"))
                .col(big_integer("resource_id"))
                .col(big_integer("city_id"))
                .col(double("score"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("need_id").col("resource_id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("webhooks")
                .col(big_pk_auto("id"))
                .col(big_integer("city_id"))
                .col(big_integer("alliance_id"))
                .col(text("url"))
                .col(text("secret"))
                .col(text("events"))
                .col(text("description"))
                .col(boolean("active"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("deleted_at"))
                .col(integer("version"))
                .foreign_key(
                    ForeignKey::create()
                        .from("webhooks", "alliance_id")
                        .to("alliances", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhooks_alliance_id")
                .table("webhooks")
                .col("alliance_id")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("webhook_deliveries")
                .col(big_pk_auto("id"))
                .col(big_integer("city_id"))
                .col(big_integer("webhook_id"))
                .col(string_len("event", 40))
                .col(text("payload"))
                .col(string_len("status", 16))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(integer_null("last_status"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("delivered_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("webhook_deliveries", "webhook_id")
                        .to("webhooks", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhook_deliveries_status_next")
                .table("webhook_deliveries")
                .col("status")
                .col("next_attempt_at")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhook_deliveries_webhook_id_id")
                .table("webhook_deliveries")
                .col("webhook_id")
                .col("id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "webhook_deliveries",
            "webhooks",
            "match_alerts",
            "notifications",
            "worker_cursors",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
