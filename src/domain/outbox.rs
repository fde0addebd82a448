//! The search outbox: each change to a resource or need appends a row in the same
//! transaction, so the index (derived data) can replay every change in order after a crash.

use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::error::Result;

pub async fn push(
    db: &impl ConnectionTrait,
    city_id: i64,
    entity_type: &str,
    entity_id: i64,
) -> Result<()> {
    entity::search_outbox::ActiveModel {
        city_id: Set(city_id),
        entity_type: Set(entity_type.to_owned()),
        entity_id: Set(entity_id),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
