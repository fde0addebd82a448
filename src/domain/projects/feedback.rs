//! 评单: once a project is completed the need's coordinator rates it 1–5 with a comment, and a
//! unit owning one of its resources may reply. Ratings feed the statistics per organization.

use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QuerySelect, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::Status;
use crate::domain::validation::{Problems, check_version, required, trimmed_opt};
use crate::domain::{Actor, audit, lookup};
use crate::error::{Error, Result};
use entity::project_feedback;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// 1 (poor) to 5 (excellent).
    #[validate(
        required(message = "请打分"),
        range(min = 1, max = 5, message = "评分须为1至5分")
    )]
    #[schema(required = true)]
    pub rating: Option<i32>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(max = 500, message = "评价最多500个字"))]
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(
        required(message = "请填写回复"),
        length(min = 1, max = 500, message = "回复须为1至500个字")
    )]
    #[schema(required = true)]
    pub reply: Option<String>,
}

/// A project's feedback, if it has been given.
pub async fn get(
    db: &impl ConnectionTrait,
    city_id: i64,
    project_id: i64,
) -> Result<Option<project_feedback::Model>> {
    super::get(db, city_id, project_id).await?;
    Ok(project_feedback::Entity::find_by_id(project_id)
        .one(db)
        .await?)
}

async fn get_for_update(
    db: &impl ConnectionTrait,
    project_id: i64,
) -> Result<Option<project_feedback::Model>> {
    Ok(project_feedback::Entity::find_by_id(project_id)
        .lock_exclusive()
        .one(db)
        .await?)
}

/// Rates a completed project, or changes the rating (send `If-Match` to refuse a stale
/// change). The need's coordinators (or admins) only.
pub async fn rate(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project_id: i64,
    expected_version: Option<i32>,
    input: Rating,
) -> Result<project_feedback::Model> {
    let p = super::get(db, actor.city_id, project_id).await?;
    if !actor.coordinates(p.alliance_id) {
        return Err(Error::forbidden("只有需求所在联盟的协调员可以评价项目"));
    }
    if p.status != Status::Completed {
        return Err(Error::Conflict("项目完成后才能评价".into()));
    }
    Problems::of(&input).finish()?;
    let now = chrono::Utc::now();
    let rating = required(input.rating);
    let comment = input.comment.unwrap_or_default();
    match get_for_update(db, project_id).await? {
        None => {
            let f = project_feedback::ActiveModel {
                project_id: Set(p.id),
                city_id: Set(p.city_id),
                rating: Set(rating),
                comment: Set(comment),
                rated_by: Set(actor.user_id),
                rated_at: Set(now),
                reply: Set(None),
                replied_by: Set(None),
                replied_at: Set(None),
                version: Set(1),
            }
            .insert(db)
            .await?;
            audit::created(db, Some(actor), "feedback", p.id, Some(p.city_id), &f).await?;
            Ok(f)
        }
        Some(before) => {
            check_version(expected_version, before.version)?;
            let mut a: project_feedback::ActiveModel = before.clone().into();
            a.rating = Set(rating);
            a.comment = Set(comment);
            a.rated_by = Set(actor.user_id);
            a.rated_at = Set(now);
            a.version = Set(before.version + 1);
            let after = a.update(db).await?;
            let key = ("feedback", p.id, Some(p.city_id));
            audit::changed(db, actor, "update", key, &before, &after).await?;
            Ok(after)
        }
    }
}

/// The reply of a unit owning one of the project's resources (or an admin) to its rating.
pub async fn reply(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project_id: i64,
    expected_version: Option<i32>,
    input: Reply,
) -> Result<project_feedback::Model> {
    let p = super::get(db, actor.city_id, project_id).await?;
    let owners = super::owners(db, p.id).await?;
    if !owners.iter().any(|o| actor.speaks_for(*o)) {
        return Err(Error::forbidden("只有提供资源的成员单位可以回复评价"));
    }
    Problems::of(&input).finish()?;
    let Some(before) = get_for_update(db, project_id).await? else {
        return Err(Error::Conflict("项目尚未评价，无法回复".into()));
    };
    check_version(expected_version, before.version)?;
    // One reply per rating: the unit that wrote it (or an admin) may change it, another unit
    // of the same project may not overwrite it.
    if let Some(by) = before.replied_by
        && !actor.is_admin()
        && let Some(author) = entity::user::Entity::find_by_id(by).one(db).await?
        && author.organization_id.is_some()
        && author.organization_id != actor.organization_id
    {
        let units = lookup::organization_names(db, author.organization_id).await?;
        let unit = author.organization_id.and_then(|o| units.get(&o).cloned());
        return Err(Error::Conflict(format!(
            "已由{}回复，其他单位不能覆盖",
            unit.unwrap_or_else(|| "其他单位".into())
        )));
    }
    let mut a: project_feedback::ActiveModel = before.clone().into();
    a.reply = Set(input.reply);
    a.replied_by = Set(Some(actor.user_id));
    a.replied_at = Set(Some(chrono::Utc::now()));
    a.version = Set(before.version + 1);
    let after = a.update(db).await?;
    let key = ("feedback", p.id, Some(p.city_id));
    audit::changed(db, actor, "reply", key, &before, &after).await?;
    Ok(after)
}
