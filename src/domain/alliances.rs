//! Alliances: one per street (街道党建联盟) and one per community (社区党建联席会议), and
//! their member units (成员单位).

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::regions::{self, Level};
use super::validation::{Problems, check_date};
use super::{Actor, Page, PageParams, audit};
use crate::error::{Error, Result};
use entity::{alliance, alliance_member, organization, region};

fn alliance_name(region: &region::Model) -> String {
    if region.level == Level::Street {
        format!("{}党建联盟", region.name)
    } else {
        format!("{}党建联席会议", region.name)
    }
}

pub async fn create_for_region(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    region: &region::Model,
) -> Result<alliance::Model> {
    let now = chrono::Utc::now();
    let a = alliance::ActiveModel {
        city_id: Set(regions::city_of(region)),
        level: Set(region.level),
        region_id: Set(region.id),
        name: Set(alliance_name(region)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::created(db, actor, "alliance", a.id, Some(a.city_id), &a).await?;
    Ok(a)
}

pub async fn rename_for_region(
    db: &impl ConnectionTrait,
    actor: &Actor,
    region: &region::Model,
) -> Result<()> {
    let Some(before) = of_region(db, region.id).await? else {
        return Ok(());
    };
    let mut active: alliance::ActiveModel = before.clone().into();
    active.name = Set(alliance_name(region));
    active.updated_at = Set(chrono::Utc::now());
    let after = active.update(db).await?;
    audit::changed(
        db,
        actor,
        "rename",
        ("alliance", after.id, Some(after.city_id)),
        &before,
        &after,
    )
    .await
}

pub async fn of_region(
    db: &impl ConnectionTrait,
    region_id: i64,
) -> Result<Option<alliance::Model>> {
    Ok(alliance::Entity::find()
        .filter(alliance::Column::RegionId.eq(region_id))
        .one(db)
        .await?)
}

/// An alliance of this city (others do not exist for the caller).
pub async fn get(db: &impl ConnectionTrait, city_id: i64, id: i64) -> Result<alliance::Model> {
    alliance::Entity::find_by_id(id)
        .filter(alliance::Column::CityId.eq(city_id))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("联盟"))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AllianceFilter {
    /// `street` or `community`.
    pub level: Option<String>,
    /// The street's own alliance and those of its communities.
    pub street_id: Option<i64>,
}

pub async fn list(
    db: &impl ConnectionTrait,
    city_id: i64,
    filter: &AllianceFilter,
    params: PageParams,
) -> Result<Page<alliance::Model>> {
    let mut select = alliance::Entity::find().filter(alliance::Column::CityId.eq(city_id));
    if let Some(level) = &filter.level {
        match Level::parse(level) {
            Some(l @ (Level::Street | Level::Community)) => {
                select = select.filter(alliance::Column::Level.eq(l))
            }
            _ => return Err(Error::field("level", "层级只能是 street 或 community")),
        }
    }
    if let Some(street_id) = filter.street_id {
        let mut region_ids = vec![street_id];
        region_ids.extend(
            region::Entity::find()
                .filter(region::Column::ParentId.eq(street_id))
                .filter(region::Column::Level.eq(Level::Community))
                .all(db)
                .await?
                .into_iter()
                .map(|r| r.id),
        );
        select = select.filter(alliance::Column::RegionId.is_in(region_ids));
    }
    let select = select.order_by_asc(alliance::Column::Id);
    super::page::fetch(db, select, params).await
}

pub use entity::values::MemberRole;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub organization_id: i64,
    /// 牵头单位 or 成员单位 (default 成员单位).
    pub role: Option<MemberRole>,
    /// Date the unit joined (default today, Asia/Shanghai).
    pub joined_on: Option<chrono::NaiveDate>,
}

/// Adds a member unit to an alliance: admins, or the alliance's coordinator.
pub async fn add_member(
    db: &impl ConnectionTrait,
    actor: &Actor,
    alliance_id: i64,
    input: NewMember,
) -> Result<alliance_member::Model> {
    let alliance = get(db, actor.city_id, alliance_id).await?;
    if !actor.coordinates(alliance.id) {
        return Err(Error::forbidden(
            "只有本联盟的协调员或管理员可以添加成员单位",
        ));
    }
    let mut problems = Problems::of(&input);
    match organization::Entity::find_by_id(input.organization_id)
        .one(db)
        .await?
    {
        None => problems.add("organization_id", "成员单位不存在"),
        Some(org) if org.city_id != alliance.city_id => {
            problems.add("organization_id", "成员单位不存在")
        }
        Some(_) => {}
    }
    if let Some(d) = input.joined_on
        && check_date(&mut problems, "joined_on", Some(d))
        && d > crate::time::today()
    {
        problems.add("joined_on", "加入日期不能晚于今天");
    }
    if !problems.has("organization_id")
        && member_row(db, alliance.id, input.organization_id)
            .await?
            .is_some()
    {
        problems.add("organization_id", "该单位已是本联盟成员");
    }
    problems.finish()?;
    let m = alliance_member::ActiveModel {
        alliance_id: Set(alliance.id),
        organization_id: Set(input.organization_id),
        role: Set(input.role.unwrap_or(MemberRole::Member)),
        joined_on: Set(input.joined_on.unwrap_or_else(crate::time::today)),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::created(
        db,
        Some(actor),
        "alliance_member",
        m.id,
        Some(alliance.city_id),
        &m,
    )
    .await?;
    // The unit's resources now also belong to this alliance in the index.
    let resource_ids: Vec<i64> = entity::resource::Entity::find()
        .select_only()
        .column(entity::resource::Column::Id)
        .filter(entity::resource::Column::OrganizationId.eq(input.organization_id))
        .filter(entity::resource::Column::DeletedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    for id in resource_ids {
        super::outbox::push(db, alliance.city_id, "resource", id).await?;
    }
    Ok(m)
}

async fn member_row(
    db: &impl ConnectionTrait,
    alliance_id: i64,
    organization_id: i64,
) -> Result<Option<alliance_member::Model>> {
    Ok(alliance_member::Entity::find()
        .filter(alliance_member::Column::AllianceId.eq(alliance_id))
        .filter(alliance_member::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?)
}

pub async fn members(
    db: &impl ConnectionTrait,
    city_id: i64,
    alliance_id: i64,
    params: PageParams,
) -> Result<Page<alliance_member::Model>> {
    get(db, city_id, alliance_id).await?;
    let select = alliance_member::Entity::find()
        .filter(alliance_member::Column::AllianceId.eq(alliance_id))
        .order_by_asc(alliance_member::Column::Id);
    super::page::fetch(db, select, params).await
}

/// The ids of the organizations that are members of an alliance.
pub async fn member_organization_ids(
    db: &impl ConnectionTrait,
    alliance_id: i64,
) -> Result<Vec<i64>> {
    Ok(alliance_member::Entity::find()
        .filter(alliance_member::Column::AllianceId.eq(alliance_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.organization_id)
        .collect())
}

/// The alliances one organization belongs to.
pub async fn organization_alliance_ids(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> Result<Vec<i64>> {
    Ok(alliance_member::Entity::find()
        .filter(alliance_member::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.alliance_id)
        .collect())
}

/// The memberships of several organizations (which alliances each belongs to, and as what).
pub async fn memberships(
    db: &impl ConnectionTrait,
    organization_ids: &[i64],
) -> Result<Vec<alliance_member::Model>> {
    let mut rows = Vec::new();
    for chunk in organization_ids.chunks(1000) {
        rows.extend(
            alliance_member::Entity::find()
                .filter(alliance_member::Column::OrganizationId.is_in(chunk.iter().copied()))
                .order_by_asc(alliance_member::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}

/// Every alliance of a city, by name (a few hundred: what an admin's picker lists).
pub async fn all(db: &impl ConnectionTrait, city_id: i64) -> Result<Vec<alliance::Model>> {
    Ok(alliance::Entity::find()
        .filter(alliance::Column::CityId.eq(city_id))
        .order_by_asc(alliance::Column::Name)
        .all(db)
        .await?)
}
