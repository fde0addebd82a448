//! 晒单: photos as evidence of a project's work. The need's coordinators and the units whose
//! resources the project joins add them once work has started; everyone who may read the
//! project sees them. Each upload is checked and re-encoded by [`crate::images`] before it is
//! kept; the uploader, the alliance's coordinators and admins may remove one.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::Status;
use crate::domain::validation::text_problem;
use crate::domain::{Actor, audit};
use crate::error::{Error, Result};
use crate::images::Photo;
use entity::{project, project_photo};

/// The most photos one project keeps.
pub const MAX_PER_PROJECT: u64 = 20;
/// The longest caption, in characters.
const MAX_CAPTION: usize = 60;

/// A photo without its pixels: what lists show.
#[derive(Clone, Debug, FromQueryResult, serde::Serialize)]
pub struct PhotoInfo {
    pub id: i64,
    pub project_id: i64,
    pub uploaded_by: i64,
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
    pub caption: String,
    pub width: i32,
    pub height: i32,
    pub sha256: String,
}

/// Which of a photo's two images to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    Full,
    Thumb,
}

/// True when `actor` may add photos to a project of `alliance_id` joining `owners`' resources
/// (its status aside).
pub fn may_add(actor: &Actor, alliance_id: i64, owners: &[i64]) -> bool {
    actor.coordinates(alliance_id) || owners.iter().any(|o| actor.speaks_for(*o))
}

/// True when `actor` may remove `photo` from a project of `alliance_id`.
pub fn may_remove(actor: &Actor, alliance_id: i64, photo: &PhotoInfo) -> bool {
    actor.coordinates(alliance_id) || photo.uploaded_by == actor.user_id
}

/// Photos are taken while the work goes on and after it is done.
pub fn takes_photos(status: Status) -> bool {
    matches!(status, Status::InProgress | Status::Completed)
}

/// A project's photos, oldest first, without their pixels.
pub async fn list(
    db: &impl ConnectionTrait,
    city_id: i64,
    project_id: i64,
) -> Result<Vec<PhotoInfo>> {
    super::get(db, city_id, project_id).await?;
    of_project(db, project_id).await
}

/// [`list`] for a project already read (its city checked).
pub async fn of_project(db: &impl ConnectionTrait, project_id: i64) -> Result<Vec<PhotoInfo>> {
    Ok(info_query()
        .filter(project_photo::Column::ProjectId.eq(project_id))
        .order_by_asc(project_photo::Column::Id)
        .into_model::<PhotoInfo>()
        .all(db)
        .await?)
}

fn info_query() -> sea_orm::Select<project_photo::Entity> {
    use project_photo::Column as C;
    project_photo::Entity::find().select_only().columns([
        C::Id,
        C::ProjectId,
        C::UploadedBy,
        C::UploadedAt,
        C::Caption,
        C::Width,
        C::Height,
        C::Sha256,
    ])
}

async fn info(db: &impl ConnectionTrait, city_id: i64, id: i64) -> Result<PhotoInfo> {
    info_query()
        .filter(project_photo::Column::Id.eq(id))
        .filter(project_photo::Column::CityId.eq(city_id))
        .into_model::<PhotoInfo>()
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("照片"))
}

/// One image of a photo of project `project_id`, as JPEG bytes, with the digest of its
/// upload (for the browser's cache), in one query.
pub async fn image(
    db: &impl ConnectionTrait,
    city_id: i64,
    project_id: i64,
    id: i64,
    size: Size,
) -> Result<(String, Vec<u8>)> {
    let column = match size {
        Size::Full => project_photo::Column::Image,
        Size::Thumb => project_photo::Column::Thumb,
    };
    project_photo::Entity::find_by_id(id)
        .filter(project_photo::Column::CityId.eq(city_id))
        .filter(project_photo::Column::ProjectId.eq(project_id))
        .select_only()
        .column(project_photo::Column::Sha256)
        .column(column)
        .into_tuple()
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("照片"))
}

/// A caption as kept: trimmed, at most 60 characters, no control characters.
pub fn caption(text: Option<&str>) -> Result<String> {
    let text = text.unwrap_or("").trim();
    if text.chars().count() > MAX_CAPTION {
        return Err(Error::field("caption", "照片说明最多60个字"));
    }
    if let Some(p) = text_problem(text) {
        return Err(Error::field("caption", p));
    }
    Ok(text.to_owned())
}

/// Refuses `actor` adding photos to the project now (who they are, and its status).
pub async fn check_may_add(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project_id: i64,
) -> Result<()> {
    let p = super::get(db, actor.city_id, project_id).await?;
    check(db, actor, &p).await
}

async fn check(db: &impl ConnectionTrait, actor: &Actor, p: &project::Model) -> Result<()> {
    let owners = super::owners(db, p.id).await?;
    if !may_add(actor, p.alliance_id, &owners) {
        return Err(Error::forbidden(
            "只有需求所在联盟的协调员和提供资源的成员单位可以上传照片",
        ));
    }
    if !takes_photos(p.status) {
        return Err(Error::Conflict(format!(
            "项目开始实施后才能上传照片（现在是「{}」）",
            p.status.label()
        )));
    }
    Ok(())
}

/// Adds photos, already prepared, to a project: all of them or, on any refusal, none (the
/// caller's transaction is not committed).
pub async fn add(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project_id: i64,
    photos: Vec<Photo>,
    caption: &str,
) -> Result<Vec<PhotoInfo>> {
    // Locked, so two uploads at once cannot pass the limit together.
    let p = project::Entity::find_by_id(project_id)
        .filter(project::Column::CityId.eq(actor.city_id))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("项目"))?;
    check(db, actor, &p).await?;
    if photos.is_empty() {
        return Err(Error::field("photo", "请选择照片"));
    }
    let kept = project_photo::Entity::find()
        .filter(project_photo::Column::ProjectId.eq(p.id))
        .count(db)
        .await?;
    if kept + photos.len() as u64 > MAX_PER_PROJECT {
        return Err(Error::field(
            "photo",
            format!(
                "每个项目最多 {MAX_PER_PROJECT} 张照片，已有 {kept} 张，这次最多还能上传 {} 张",
                MAX_PER_PROJECT.saturating_sub(kept)
            ),
        ));
    }
    // The same file twice, in this upload or kept before: one query for all of them.
    let digests: Vec<String> = photos.iter().map(|p| p.sha256.clone()).collect();
    let kept_digests: Vec<String> = project_photo::Entity::find()
        .select_only()
        .column(project_photo::Column::Sha256)
        .filter(project_photo::Column::ProjectId.eq(p.id))
        .filter(project_photo::Column::Sha256.is_in(digests.iter().cloned()))
        .into_tuple()
        .all(db)
        .await?;
    let seen = |i: usize| kept_digests.contains(&digests[i]) || digests[..i].contains(&digests[i]);
    if let Some(i) = (0..digests.len()).find(|&i| seen(i)) {
        let which = if digests.len() > 1 {
            format!("第 {} 张照片", i + 1)
        } else {
            "这张照片".to_owned()
        };
        return Err(Error::field("photo", format!("{which}已经上传过")));
    }
    let now = chrono::Utc::now();
    let mut added = Vec::with_capacity(photos.len());
    for photo in photos {
        let row = project_photo::ActiveModel {
            project_id: Set(p.id),
            city_id: Set(p.city_id),
            uploaded_by: Set(actor.user_id),
            uploaded_at: Set(now),
            caption: Set(caption.to_owned()),
            width: Set(photo.width as i32),
            height: Set(photo.height as i32),
            sha256: Set(photo.sha256),
            image: Set(photo.jpeg),
            thumb: Set(photo.thumb),
            ..Default::default()
        }
        .insert(db)
        .await?;
        audit::created(
            db,
            Some(actor),
            "project_photo",
            row.id,
            Some(p.city_id),
            &row,
        )
        .await?;
        added.push(PhotoInfo::from(row));
    }
    Ok(added)
}

impl From<project_photo::Model> for PhotoInfo {
    fn from(r: project_photo::Model) -> Self {
        PhotoInfo {
            id: r.id,
            project_id: r.project_id,
            uploaded_by: r.uploaded_by,
            uploaded_at: r.uploaded_at,
            caption: r.caption,
            width: r.width,
            height: r.height,
            sha256: r.sha256,
        }
    }
}

/// Removes a photo of project `project_id`.
pub async fn remove(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project_id: i64,
    id: i64,
) -> Result<()> {
    let p = super::get(db, actor.city_id, project_id).await?;
    let photo = info(db, actor.city_id, id).await?;
    if photo.project_id != p.id {
        return Err(Error::not_found("照片"));
    }
    if !may_remove(actor, p.alliance_id, &photo) {
        return Err(Error::forbidden("只有上传者和联盟协调员可以删除这张照片"));
    }
    project_photo::Entity::delete_by_id(id).exec(db).await?;
    let key = ("project_photo", id, Some(p.city_id));
    audit::changed(db, actor, "delete", key, &photo, &serde_json::Value::Null).await
}
