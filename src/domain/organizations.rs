//! Member units (成员单位): agencies, hospitals, schools, law firms, enterprises, banks,
//! social organizations, volunteer teams.

use std::collections::HashSet;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use super::validation::{Problems, required, trimmed_opt};
use super::{Actor, Page, PageParams, Role, audit, projects};
use crate::error::{Error, Result};
use entity::{organization, project, project_resource, resource};

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    /// 单位名称, 1–60 characters, unique in the city.
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(
        required(message = "请填写单位名称"),
        length(min = 1, max = 60, message = "单位名称须为1至60个字")
    )]
    #[schema(required = true)]
    pub name: Option<String>,
    /// 单位类型: 医疗卫生, 教育, 法律服务, 企业, 党政机关, 社会组织, 志愿服务队 …
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(
        required(message = "请填写单位类型"),
        length(min = 1, max = 10, message = "单位类型须为1至10个字")
    )]
    #[schema(required = true)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(
        required(message = "请填写联系人"),
        length(min = 1, max = 20, message = "联系人须为1至20个字")
    )]
    #[schema(required = true)]
    pub contact_person: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(required(message = "请填写联系电话"), custom(function = "phone"))]
    #[schema(required = true)]
    pub contact_phone: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(max = 100, message = "地址最多100个字"))]
    pub address: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationPatch {
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(min = 1, max = 60, message = "单位名称须为1至60个字"))]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(min = 1, max = 10, message = "单位类型须为1至10个字"))]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(min = 1, max = 20, message = "联系人须为1至20个字"))]
    pub contact_person: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(custom(function = "phone"))]
    pub contact_phone: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(max = 100, message = "地址最多100个字"))]
    pub address: Option<String>,
}

/// A phone number: 5–20 of digits, spaces, `-`, `+`, with at least 5 digits.
fn phone(p: &str) -> Result<(), ValidationError> {
    let ok = (5..=20).contains(&p.chars().count())
        && p.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' '))
        && p.chars().filter(char::is_ascii_digit).count() >= 5;
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("phone").with_message("联系电话格式不正确".into()))
    }
}

/// A member unit of this city (others do not exist for the caller).
pub async fn get(db: &impl ConnectionTrait, city_id: i64, id: i64) -> Result<organization::Model> {
    organization::Entity::find_by_id(id)
        .filter(organization::Column::CityId.eq(city_id))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("成员单位"))
}

async fn name_taken(
    db: &impl ConnectionTrait,
    city_id: i64,
    name: &str,
    except: Option<i64>,
) -> Result<bool> {
    let mut q = organization::Entity::find()
        .filter(organization::Column::CityId.eq(city_id))
        .filter(organization::Column::Name.eq(name));
    if let Some(id) = except {
        q = q.filter(organization::Column::Id.ne(id));
    }
    Ok(q.one(db).await?.is_some())
}

/// Registers a member unit: admins and coordinators (who recruit units into their alliance).
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewOrganization,
) -> Result<organization::Model> {
    if !matches!(actor.role, Role::Admin | Role::Coordinator) {
        return Err(Error::forbidden("只有管理员或协调员可以登记成员单位"));
    }
    let mut problems = Problems::of(&input);
    if let Some(name) = &input.name
        && !problems.has("name")
        && name_taken(db, actor.city_id, name, None).await?
    {
        problems.add("name", "已有同名单位");
    }
    problems.finish()?;
    let now = chrono::Utc::now();
    let org = organization::ActiveModel {
        city_id: Set(actor.city_id),
        search_name: Set(super::fold(input.name.as_deref().unwrap_or_default())),
        name: Set(required(input.name)),
        kind: Set(required(input.kind)),
        contact_person: Set(required(input.contact_person)),
        contact_phone: Set(required(input.contact_phone)),
        address: Set(input.address.unwrap_or_default()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::created(
        db,
        Some(actor),
        "organization",
        org.id,
        Some(org.city_id),
        &org,
    )
    .await?;
    Ok(org)
}

/// Edits a member unit's details: admins, or the unit's own users.
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    patch: OrganizationPatch,
) -> Result<organization::Model> {
    let before = organization::Entity::find_by_id(id)
        .filter(organization::Column::CityId.eq(actor.city_id))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("成员单位"))?;
    if !actor.speaks_for(before.id) {
        return Err(Error::forbidden("只能修改本单位的信息"));
    }
    let mut problems = Problems::of(&patch);
    if let Some(name) = &patch.name
        && !problems.has("name")
        && name_taken(db, before.city_id, name, Some(id)).await?
    {
        problems.add("name", "已有同名单位");
    }
    problems.finish()?;
    let mut a: organization::ActiveModel = before.clone().into();
    if let Some(v) = patch.name {
        a.search_name = Set(super::fold(&v));
        a.name = Set(v);
    }
    if let Some(v) = patch.kind {
        a.kind = Set(v);
    }
    if let Some(v) = patch.contact_person {
        a.contact_person = Set(v);
    }
    if let Some(v) = patch.contact_phone {
        a.contact_phone = Set(v);
    }
    if let Some(v) = patch.address {
        a.address = Set(v);
    }
    a.updated_at = Set(chrono::Utc::now());
    let after = a.update(db).await?;
    audit::changed(
        db,
        actor,
        "update",
        ("organization", id, Some(after.city_id)),
        &before,
        &after,
    )
    .await?;
    Ok(after)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganizationFilter {
    /// Part of the name (case-insensitive for Latin letters).
    pub q: Option<String>,
    /// Exact kind, such as 医疗卫生.
    pub kind: Option<String>,
    /// Only the members of this alliance.
    pub alliance_id: Option<i64>,
}

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &OrganizationFilter,
    params: PageParams,
) -> Result<Page<organization::Model>> {
    let mut select =
        organization::Entity::find().filter(organization::Column::CityId.eq(actor.city_id));
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if q.chars().count() > 60 {
            return Err(Error::field("q", "搜索词最多60个字"));
        }
        select = select.filter(super::contains_folded(organization::Column::SearchName, q));
    }
    if let Some(kind) = filter.kind.as_deref().filter(|k| !k.is_empty()) {
        select = select.filter(organization::Column::Kind.eq(kind));
    }
    if let Some(alliance) = filter.alliance_id {
        let members = super::alliances::member_organization_ids(db, alliance).await?;
        select = select.filter(organization::Column::Id.is_in(members));
    }
    super::page::fetch(db, select.order_by_asc(organization::Column::Id), params).await
}

/// The units among `ids` whose private contact details (person, phone) `actor` may see:
/// admins and reviewers see all, a unit's own users see theirs, and a coordinator sees a unit
/// once an approved (or later) project of the coordinator's alliance uses one of its
/// resources — the project is what introduces them.
pub async fn contacts_visible(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[i64],
) -> Result<HashSet<i64>> {
    match actor.role {
        Role::Admin | Role::Reviewer => Ok(ids.iter().copied().collect()),
        Role::Member => Ok(actor
            .organization_id
            .filter(|o| ids.contains(o))
            .into_iter()
            .collect()),
        Role::Coordinator => {
            let Some(alliance) = actor.alliance_id else {
                return Ok(HashSet::new());
            };
            let linked: Vec<i64> = project::Entity::find()
                .select_only()
                .column(project::Column::Id)
                .filter(project::Column::AllianceId.eq(alliance))
                .filter(project::Column::Status.is_in([
                    projects::Status::Approved,
                    projects::Status::InProgress,
                    projects::Status::Completed,
                ]))
                .into_tuple()
                .all(db)
                .await?;
            let mut resource_ids: Vec<i64> = Vec::new();
            for chunk in linked.chunks(500) {
                let found: Vec<i64> = project_resource::Entity::find()
                    .select_only()
                    .column(project_resource::Column::ResourceId)
                    .filter(project_resource::Column::ProjectId.is_in(chunk.iter().copied()))
                    .into_tuple()
                    .all(db)
                    .await?;
                resource_ids.extend(found);
            }
            let mut orgs = HashSet::new();
            for chunk in resource_ids.chunks(500) {
                let found: Vec<i64> = resource::Entity::find()
                    .select_only()
                    .column(resource::Column::OrganizationId)
                    .filter(resource::Column::Id.is_in(chunk.iter().copied()))
                    .filter(resource::Column::OrganizationId.is_in(ids.iter().copied()))
                    .into_tuple()
                    .all(db)
                    .await?;
                orgs.extend(found);
            }
            Ok(orgs)
        }
    }
}
