//! The managed list of categories (类别) that resources and needs are filed under.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::validation::{Problems, trimmed};
use super::{Actor, audit};
use crate::error::Result;
use entity::category;

/// The categories every deployment starts with.
pub const DEFAULTS: [&str; 10] = [
    "场地设施",
    "志愿服务",
    "医疗健康",
    "法律服务",
    "教育培训",
    "文化体育",
    "养老助残",
    "就业创业",
    "物资捐赠",
    "环境治理",
];

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCategory {
    /// 1–10 characters, unique.
    #[serde(deserialize_with = "trimmed")]
    #[validate(length(min = 1, max = 10, message = "类别名称须为1至10个字"))]
    pub name: String,
}

pub async fn ensure_defaults(db: &impl ConnectionTrait) -> Result<()> {
    for name in DEFAULTS {
        if find(db, name).await?.is_none() {
            let c = insert(db, name).await?;
            audit::created(db, None, "category", c.id, None, &c).await?;
        }
    }
    Ok(())
}

async fn insert(db: &impl ConnectionTrait, name: &str) -> Result<category::Model> {
    Ok(category::ActiveModel {
        name: Set(name.to_owned()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn find(db: &impl ConnectionTrait, name: &str) -> Result<Option<category::Model>> {
    Ok(category::Entity::find()
        .filter(category::Column::Name.eq(name))
        .one(db)
        .await?)
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<category::Model>> {
    Ok(category::Entity::find()
        .order_by_asc(category::Column::Id)
        .all(db)
        .await?)
}

/// Adds a category (admins only).
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewCategory,
) -> Result<category::Model> {
    actor.require_admin()?;
    let mut problems = Problems::of(&input);
    if !problems.has("name") && find(db, &input.name).await?.is_some() {
        problems.add("name", "该类别已存在");
    }
    problems.finish()?;
    let c = insert(db, &input.name).await?;
    audit::created(db, Some(actor), "category", c.id, None, &c).await?;
    Ok(c)
}

/// Checks a category name a resource or need refers to.
pub async fn check(db: &impl ConnectionTrait, problems: &mut Problems, name: &str) -> Result<()> {
    if !problems.has("category") && find(db, name).await?.is_none() {
        // The valid names are few (a dozen or two): saying them beats a second request.
        let known: Vec<String> = category::Entity::find()
            .order_by_asc(category::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|c| c.name)
            .collect();
        problems.add(
            "category",
            format!("类别「{name}」不存在，可选：{}", known.join("、")),
        );
    }
    Ok(())
}
