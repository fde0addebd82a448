//! The region tree: city (市) → district (县/市/区) → street (街道) → community (社区).
//!
//! Streets and communities each get their alliance in the same transaction that creates them.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::validation::{Problems, required, trimmed};
use super::{Actor, Page, PageParams, alliances, audit};
use crate::error::{Error, Result};
use entity::region;

pub use entity::values::Level;

/// The level above `level` in the tree (none above the city).
fn parent_of(level: Level) -> Option<Level> {
    match level {
        Level::City => None,
        Level::District => Some(Level::City),
        Level::Street => Some(Level::District),
        Level::Community => Some(Level::Street),
    }
}

/// A new district, street or community. `parent_id` is the city (districts; defaults to the
/// deployment's city), the district (streets) or the street (communities).
#[derive(Debug, Deserialize, Validate)]
pub struct NewRegion {
    #[validate(
        required(message = "请填写编码"),
        length(min = 1, max = 32, message = "编码须为1至32个字符"),
        custom(function = "code_chars")
    )]
    pub code: Option<String>,
    #[validate(
        required(message = "请填写名称"),
        length(min = 1, max = 30, message = "名称须为1至30个字")
    )]
    pub name: Option<String>,
    pub parent_id: Option<i64>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameRegion {
    /// New name, 1–30 characters.
    #[serde(deserialize_with = "trimmed")]
    #[validate(length(min = 1, max = 30, message = "名称须为1至30个字"))]
    pub name: String,
}

fn code_chars(code: &str) -> Result<(), validator::ValidationError> {
    if code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(())
    } else {
        Err(validator::ValidationError::new("code")
            .with_message("编码只能包含字母、数字、- 和 _".into()))
    }
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<region::Model>> {
    Ok(region::Entity::find_by_id(id).one(db).await?)
}

/// The region of exactly this level in this city, or a not-found error naming the level.
pub async fn get_level(
    db: &impl ConnectionTrait,
    city_id: i64,
    id: i64,
    level: Level,
) -> Result<region::Model> {
    match get(db, id).await? {
        Some(r) if r.level == level && city_of(&r) == city_id => Ok(r),
        _ => Err(Error::not_found(level.label())),
    }
}

/// A region named in a request body: its numeric id, or its code or name as the city's own
/// lists write them (「永昌街道」), so that nobody has to look an id up first.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum RegionRef {
    Id(i64),
    /// The region's code, or its name (unique enough once the level is known).
    Named(String),
}

impl From<i64> for RegionRef {
    fn from(id: i64) -> Self {
        RegionRef::Id(id)
    }
}

/// What a [`RegionRef`] names.
#[derive(Debug)]
pub enum Resolved {
    Found(region::Model),
    /// Regions of that level exist under that name, but none that `allowed` accepts.
    Outside,
    /// None at all, or a name several regions share: the Chinese reason for the caller's field
    /// (the shared name lists each region's parent and code, so the user can pick one).
    Refused(String),
}

/// Finds the region of `level` in this city that `r` names, keeping only those `allowed`
/// accepts.
pub async fn resolve(
    db: &impl ConnectionTrait,
    city_id: i64,
    level: Level,
    r: &RegionRef,
    allowed: impl Fn(&region::Model) -> bool,
) -> Result<Resolved> {
    let found: Vec<region::Model> = match r {
        RegionRef::Id(id) => get(db, *id).await?.into_iter().collect(),
        RegionRef::Named(s) if s.trim().is_empty() => {
            return Ok(Resolved::Refused(format!("请选择{}", level.label())));
        }
        RegionRef::Named(s) => {
            let s = s.trim();
            let mut found = region::Entity::find()
                .filter(region::Column::Level.eq(level))
                .filter(
                    sea_orm::Condition::any()
                        .add(region::Column::Code.eq(s))
                        .add(region::Column::Name.eq(s)),
                )
                .order_by_asc(region::Column::Id)
                .all(db)
                .await?;
            // A code names one region; a name that happens to equal it does not compete.
            if let Some(i) = found.iter().position(|x| x.code == s) {
                found = vec![found.swap_remove(i)];
            }
            found
        }
    };
    let found: Vec<_> = found
        .into_iter()
        .filter(|x| x.level == level && city_of(x) == city_id)
        .collect();
    let mut inside: Vec<_> = found.iter().filter(|x| allowed(x)).cloned().collect();
    Ok(match (inside.len(), found.len()) {
        (1, _) => Resolved::Found(inside.remove(0)),
        (0, 0) => Resolved::Refused(format!("{}不存在", level.label())),
        (0, _) => Resolved::Outside,
        _ => {
            let parents =
                super::lookup::regions(db, inside.iter().filter_map(|x| x.parent_id)).await?;
            let places: Vec<String> = inside
                .iter()
                .map(|x| {
                    let parent = x.parent_id.and_then(|p| parents.get(&p));
                    let parent = parent.map(|p| p.name.as_str()).unwrap_or_default();
                    format!("{parent}的{}（编码 {}）", x.name, x.code)
                })
                .collect();
            Resolved::Refused(format!(
                "有{}个{}名为「{}」：{}，请改用编码",
                inside.len(),
                level.label(),
                inside[0].name,
                places.join("、")
            ))
        }
    })
}

/// Finds the deployment's city by code, creating it on first start.
pub async fn ensure_city(
    db: &impl ConnectionTrait,
    code: &str,
    name: &str,
) -> Result<region::Model> {
    if let Some(city) = region::Entity::find()
        .filter(region::Column::Code.eq(code))
        .one(db)
        .await?
    {
        return Ok(city);
    }
    let now = chrono::Utc::now();
    let city = region::ActiveModel {
        city_id: Set(None),
        level: Set(Level::City),
        parent_id: Set(None),
        code: Set(code.into()),
        name: Set(name.into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::created(db, None, "region", city.id, Some(city.id), &city).await?;
    Ok(city)
}

/// The city a region belongs to (itself for a city).
pub fn city_of(r: &region::Model) -> i64 {
    r.city_id.unwrap_or(r.id)
}

/// Creates a district, street or community (admins only); streets and communities get their
/// alliance too.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    level: Level,
    parent_field: &str,
    input: NewRegion,
) -> Result<region::Model> {
    actor.require_admin()?;
    let mut problems = Problems::of(&input);
    let parent_level = parent_of(level).expect("only sub-city regions are created here");
    let parent = match input.parent_id {
        Some(id) => get(db, id)
            .await?
            .filter(|p| p.level == parent_level && city_of(p) == actor.city_id),
        None if level == Level::District => get(db, actor.city_id).await?,
        None => None,
    };
    if parent.is_none() {
        let msg = match input.parent_id {
            Some(_) => format!("所属{}不存在", parent_level.label()),
            None => format!("请选择所属{}", parent_level.label()),
        };
        problems.add(parent_field, msg);
    }
    if let Some(code) = &input.code
        && !problems.has("code")
        && region::Entity::find()
            .filter(region::Column::Code.eq(code))
            .one(db)
            .await?
            .is_some()
    {
        problems.add("code", "该编码已被使用");
    }
    if let (Some(p), Some(name)) = (&parent, &input.name)
        && !problems.has("name")
        && region::Entity::find()
            .filter(region::Column::ParentId.eq(p.id))
            .filter(region::Column::Name.eq(name))
            .one(db)
            .await?
            .is_some()
    {
        problems.add(
            "name",
            format!("同一{}下已有同名{}", parent_level.label(), level.label()),
        );
    }
    problems.finish()?;
    let parent = parent.expect("checked above");
    let now = chrono::Utc::now();
    let region = region::ActiveModel {
        city_id: Set(Some(city_of(&parent))),
        level: Set(level),
        parent_id: Set(Some(parent.id)),
        code: Set(required(input.code)),
        name: Set(required(input.name)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::created(
        db,
        Some(actor),
        "region",
        region.id,
        region.city_id,
        &region,
    )
    .await?;
    if matches!(level, Level::Street | Level::Community) {
        alliances::create_for_region(db, Some(actor), &region).await?;
    }
    Ok(region)
}

/// Renames a region (admins only); its alliance is renamed with it.
pub async fn rename(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    level: Level,
    input: RenameRegion,
) -> Result<region::Model> {
    actor.require_admin()?;
    let before = get_level(db, actor.city_id, id, level).await?;
    let mut problems = Problems::of(&input);
    let name = input.name;
    if !problems.has("name")
        && let Some(parent_id) = before.parent_id
        && region::Entity::find()
            .filter(region::Column::ParentId.eq(parent_id))
            .filter(region::Column::Name.eq(&name))
            .filter(region::Column::Id.ne(id))
            .one(db)
            .await?
            .is_some()
    {
        problems.add("name", format!("同级已有同名{}", level.label()));
    }
    problems.finish()?;
    let mut active: region::ActiveModel = before.clone().into();
    active.name = Set(name);
    active.updated_at = Set(chrono::Utc::now());
    let after = active.update(db).await?;
    audit::changed(
        db,
        actor,
        "rename",
        ("region", id, after.city_id),
        &before,
        &after,
    )
    .await?;
    alliances::rename_for_region(db, actor, &after).await?;
    Ok(after)
}

/// Every region of the city, by code (a few hundred: what a page's region picker lists).
pub async fn all(db: &impl ConnectionTrait, city_id: i64) -> Result<Vec<region::Model>> {
    Ok(region::Entity::find()
        .filter(region::Column::CityId.eq(city_id))
        .order_by_asc(region::Column::Code)
        .order_by_asc(region::Column::Id)
        .all(db)
        .await?)
}

/// Children of one region, by code then id.
/// Regions of one level in the caller's city, optionally under one parent.
pub async fn list(
    db: &impl ConnectionTrait,
    city_id: i64,
    level: Level,
    parent_id: Option<i64>,
    params: PageParams,
) -> Result<Page<region::Model>> {
    let mut select = region::Entity::find()
        .filter(region::Column::CityId.eq(city_id))
        .filter(region::Column::Level.eq(level));
    if let Some(p) = parent_id {
        select = select.filter(region::Column::ParentId.eq(p));
    }
    let select = select
        .order_by_asc(region::Column::Code)
        .order_by_asc(region::Column::Id);
    super::page::fetch(db, select, params).await
}

/// The region tree as matching reads it (each region's chain of index terms), cached for every
/// match: regions are only ever added (never moved or removed), so the cache is reloaded only
/// when asked for a region it does not know.
#[derive(Default)]
pub struct TreeCache(std::sync::RwLock<std::sync::Arc<crate::search::documents::Regions>>);

impl TreeCache {
    /// The tree, reloaded from the database if it does not know `id` yet.
    pub async fn with(
        &self,
        db: &impl ConnectionTrait,
        id: i64,
    ) -> Result<std::sync::Arc<crate::search::documents::Regions>> {
        let cached = self.0.read().unwrap_or_else(|e| e.into_inner()).clone();
        if cached.contains(id) {
            return Ok(cached);
        }
        let fresh = std::sync::Arc::new(crate::search::documents::Regions::load(db).await?);
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = fresh.clone();
        Ok(fresh)
    }
}
