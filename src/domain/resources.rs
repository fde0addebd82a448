//! 资源清单: what member units offer, with the scope they serve and when.

use chrono::NaiveDate;
use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait, Set,
};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::imports::Insert;
use super::lists::{self, Entry};
use super::regions::{self, Level, RegionRef, Resolved};
use super::validation::{
    Problems, check_date, nullable, required, trimmed_list, trimmed_opt, valid_quantity, valid_tags,
};
use super::{
    Actor, Page, PageParams, Role, alliances, audit, categories, organizations, outbox, projects,
};
use crate::error::{Error, Result};
use entity::{project_resource, resource};

pub use entity::values::ResourceStatus as Status;

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewResource {
    /// The offering unit. Member users may omit it (their own unit); admins must give it.
    pub organization_id: Option<i64>,
    /// 标题, 1–60 characters.
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(
        required(message = "请填写标题"),
        length(min = 1, max = 60, message = "标题须为1至60个字")
    )]
    #[schema(required = true)]
    pub title: Option<String>,
    /// 描述, up to 2000 characters.
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(max = 2000, message = "描述最多2000个字"))]
    pub description: Option<String>,
    /// A category name from `GET /categories`.
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(
        required(message = "请选择类别"),
        length(min = 1, max = 10, message = "请选择类别")
    )]
    #[schema(required = true)]
    pub category: Option<String>,
    /// Up to 10 tags of 1–20 characters.
    #[serde(default, deserialize_with = "trimmed_list")]
    #[validate(custom(function = "valid_tags"))]
    pub tags: Option<Vec<String>>,
    /// How many times or units can be offered; omit when not countable.
    #[validate(custom(function = "valid_quantity"))]
    pub quantity: Option<i32>,
    /// community, street, district or city.
    #[validate(required(message = "请选择服务范围"))]
    #[schema(required = true)]
    pub scope_level: Option<Level>,
    /// The district, street or community served; omit for `city`.
    #[schema(value_type = Option<RegionRef>)]
    pub scope_region_id: Option<RegionRef>,
    pub available_from: Option<NaiveDate>,
    pub available_until: Option<NaiveDate>,
    /// Post even when a nearly identical open entry exists (after a 409 duplicate warning).
    #[serde(default)]
    pub allow_duplicate: bool,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourcePatch {
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(min = 1, max = 60, message = "标题须为1至60个字"))]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(max = 2000, message = "描述最多2000个字"))]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "trimmed_opt")]
    #[validate(length(min = 1, max = 10, message = "请选择类别"))]
    pub category: Option<String>,
    #[serde(default, deserialize_with = "trimmed_list")]
    #[validate(custom(function = "valid_tags"))]
    pub tags: Option<Vec<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>)]
    pub quantity: Option<Option<i32>>,
    /// Change together with `scope_region_id`.
    pub scope_level: Option<Level>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<RegionRef>)]
    pub scope_region_id: Option<Option<RegionRef>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub available_from: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub available_until: Option<Option<NaiveDate>>,
}

/// A change of status by the owner: withdraw, mark used up, or offer again.
#[derive(Debug, Deserialize, ToSchema, validator::Validate)]
#[serde(deny_unknown_fields)]
// Named apart in the OpenAPI document: several modules have a `StatusChange`.
#[schema(as = ResourceStatusChange)]
pub struct StatusChange {
    pub status: Status,
}

/// Checks that a scope names a region of its level in the city (none for `city`), and gives
/// that region's id.
pub async fn check_scope(
    db: &impl ConnectionTrait,
    problems: &mut Problems,
    city_id: i64,
    level: Level,
    region: Option<&RegionRef>,
) -> Result<Option<i64>> {
    const FIELD: &str = "scope_region_id";
    match (level, region) {
        (Level::City, None) => {}
        (Level::City, Some(_)) => problems.add(FIELD, "全市范围无需指定区域"),
        (_, None) => problems.add(FIELD, format!("请选择服务的{}", level.label())),
        (_, Some(r)) => match regions::resolve(db, city_id, level, r, |_| true).await? {
            Resolved::Found(r) => return Ok(Some(r.id)),
            Resolved::Refused(why) => problems.add(FIELD, format!("服务范围：{why}")),
            Resolved::Outside => unreachable!("every region is allowed"),
        },
    }
    Ok(None)
}

fn check_window(
    problems: &mut Problems,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    changed: bool,
) {
    if !(check_date(problems, "available_from", from)
        & check_date(problems, "available_until", until))
    {
        return;
    }
    if let (Some(f), Some(u)) = (from, until)
        && f > u
    {
        problems.add("available_until", "结束日期不能早于开始日期");
    }
    if changed
        && let Some(u) = until
        && u < crate::time::today()
    {
        problems.add("available_until", "结束日期不能早于今天");
    }
}

impl Entry for resource::Model {
    lists::entry_columns!(resource);
    type Status = Status;
    const KIND: &'static str = "resource";
    const NOUN: &'static str = "资源";
    const IN_A_PROJECT: &'static str = "该资源已关联项目，不能删除；如不再提供请改为撤回";
    /// A resource is its unit's: the unit's users (and admins) change it.
    fn check_editor(&self, actor: &Actor) -> Result<()> {
        require_owner(actor, self)
    }
    fn holding_project(id: i64) -> SelectStatement {
        project_resource::Entity::find()
            .filter(project_resource::Column::ResourceId.eq(id))
            .limit(1)
            .into_query()
    }
}

pub async fn get(db: &impl ConnectionTrait, city_id: i64, id: i64) -> Result<resource::Model> {
    lists::get(db, city_id, id).await
}

fn require_owner(actor: &Actor, r: &resource::Model) -> Result<()> {
    if actor.speaks_for(r.organization_id) {
        Ok(())
    } else {
        Err(Error::forbidden("只能修改本单位的资源"))
    }
}

pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewResource,
) -> Result<resource::Model> {
    let r = create_unindexed(
        db,
        actor,
        &mut super::duplicates::Known::default(),
        input,
        Insert::Visible,
    )
    .await?
    .expect("a visible insert writes its row");
    outbox::push(db, r.city_id, "resource", r.id).await?;
    Ok(r)
}

/// [`create`] without its search-outbox row, for a batch that queues the rows itself once
/// it knows it will commit (an import: a dry run or a refused file then uses no outbox
/// numbers, which PostgreSQL would otherwise leave as gaps for the indexer to wait on).
pub(crate) async fn create_unindexed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    known: &mut super::duplicates::Known,
    input: NewResource,
    insert: Insert,
) -> Result<Option<resource::Model>> {
    let organization_id = match (actor.role, input.organization_id, actor.organization_id) {
        (Role::Member, None, Some(own)) => Some(own),
        (Role::Member, Some(id), Some(own)) if id == own => Some(own),
        (Role::Member, Some(_), _) => return Err(Error::forbidden("只能为本单位发布资源")),
        (Role::Admin, id, _) => id,
        _ => return Err(Error::forbidden("只有成员单位或管理员可以发布资源")),
    };
    let mut problems = Problems::of(&input);
    let org = match organization_id {
        None => {
            problems.add("organization_id", "请选择提供资源的单位");
            None
        }
        Some(id) => match organizations::get(db, actor.city_id, id).await {
            Ok(org) => Some(org),
            Err(Error::NotFound(_)) => {
                problems.add("organization_id", "成员单位不存在");
                None
            }
            Err(e) => return Err(e),
        },
    };
    if let Some(c) = &input.category {
        categories::check(db, &mut problems, c).await?;
    }
    let scope_region_id = match input.scope_level {
        Some(level) => {
            let region = input.scope_region_id.as_ref();
            check_scope(db, &mut problems, actor.city_id, level, region).await?
        }
        None => None,
    };
    check_window(
        &mut problems,
        input.available_from,
        input.available_until,
        true,
    );
    problems.finish()?;
    let org = org.expect("checked above");
    if !input.allow_duplicate {
        let text = (
            input.title.as_deref().unwrap_or_default(),
            input.description.as_deref().unwrap_or_default(),
        );
        let found = known.resources_like(db, org.id, text).await?;
        if !found.is_empty() {
            return Err(Error::Duplicates(found));
        }
    }
    if let Insert::CheckOnly(row) = insert {
        known.add_pending(
            super::duplicates::Owner::Unit(org.id),
            row,
            input.title.as_deref().unwrap_or_default(),
            input.description.as_deref().unwrap_or_default(),
        );
        return Ok(None);
    }
    let now = chrono::Utc::now();
    let r = resource::ActiveModel {
        city_id: Set(org.city_id),
        organization_id: Set(org.id),
        title: Set(required(input.title)),
        description: Set(input.description.unwrap_or_default()),
        category: Set(required(input.category)),
        tags: Set(input.tags.unwrap_or_default().into()),
        quantity: Set(input.quantity),
        scope_level: Set(required(input.scope_level)),
        scope_region_id: Set(scope_region_id),
        available_from: Set(input.available_from),
        available_until: Set(input.available_until),
        status: Set(Status::Available),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        created_by: Set(actor.user_id),
        updated_by: Set(actor.user_id),
        deleted_at: Set(insert.hidden_since(now)),
        review_by: Set(Some(crate::time::review_by_from_today())),
        import_id: Set(insert.import_id()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::created(db, Some(actor), "resource", r.id, Some(r.city_id), &r).await?;
    known.add_resource(&r);
    Ok(Some(r))
}

pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    expected_version: Option<i32>,
    patch: ResourcePatch,
) -> Result<resource::Model> {
    let before: resource::Model = lists::for_edit(db, actor, id, expected_version).await?;
    let mut problems = Problems::of(&patch);
    match patch.quantity {
        Some(Some(q)) => {
            if let Err(e) = valid_quantity(q) {
                problems.add("quantity", e.message.unwrap_or_default());
            } else if q < before.reserved {
                problems.add(
                    "quantity",
                    format!("已有项目预留或用去 {}，数量不能少于此数", before.reserved),
                );
            }
        }
        Some(None) if before.reserved > 0 => problems.add(
            "quantity",
            format!("已有项目预留或用去 {}，不能清除数量", before.reserved),
        ),
        _ => {}
    }
    if let Some(c) = &patch.category {
        categories::check(db, &mut problems, c).await?;
    }
    let scope_region_id = match (patch.scope_level, &patch.scope_region_id) {
        (Some(level), region) => {
            let region = region.as_ref().and_then(|r| r.as_ref());
            check_scope(db, &mut problems, before.city_id, level, region).await?
        }
        (None, Some(_)) => {
            problems.add("scope_level", "修改服务区域时请同时给出服务层级");
            None
        }
        (None, None) => None,
    };
    let from = patch.available_from.unwrap_or(before.available_from);
    let until = patch.available_until.unwrap_or(before.available_until);
    check_window(&mut problems, from, until, patch.available_until.is_some());
    problems.finish()?;

    let mut a: resource::ActiveModel = before.clone().into();
    if let Some(v) = patch.title {
        a.title = Set(v);
    }
    if let Some(v) = patch.description {
        a.description = Set(v);
    }
    if let Some(v) = patch.category {
        a.category = Set(v);
    }
    if let Some(v) = patch.tags {
        a.tags = Set(v.into());
    }
    if let Some(v) = patch.quantity {
        a.quantity = Set(v);
        // More offered frees a fully reserved resource; less can use it up.
        let mut changed = before.clone();
        changed.quantity = v;
        let status = projects::settled_status(db, &changed, before.reserved).await?;
        a.status = Set(status);
    }
    if let Some(level) = patch.scope_level {
        a.scope_level = Set(level);
        a.scope_region_id = Set(scope_region_id);
    }
    a.available_from = Set(from);
    a.available_until = Set(until);
    // An edit by the owner is a confirmation.
    a.review_by = Set(Some(crate::time::review_by_from_today()));
    lists::save(db, actor, before, a, "update").await
}

/// The owner withdraws a resource, marks it used up, or offers it again. `reserved` belongs to
/// the project workflow and cannot be set or left by hand.
pub async fn change_status(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    expected_version: Option<i32>,
    to: Status,
) -> Result<resource::Model> {
    let before: resource::Model = lists::for_edit(db, actor, id, expected_version).await?;
    let from = before.status;
    if from == to {
        return Ok(before);
    }
    if from == Status::Reserved || to == Status::Reserved {
        return Err(Error::Conflict(
            "「已预留」状态由项目审批自动管理，不能手动修改".into(),
        ));
    }
    if to == Status::Available
        && let Some(q) = before.quantity
        && q <= before.reserved
    {
        return Err(Error::Conflict(format!(
            "数量 {q} 已全部被项目预留或用去，请先增加数量再重新提供"
        )));
    }
    lists::move_to(db, actor, before, to).await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResourceFilter {
    /// Resources of this alliance's member units.
    pub alliance_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub category: Option<String>,
    /// available, reserved, exhausted or withdrawn.
    pub status: Option<Status>,
    /// Entries to be confirmed by this day (past ones have left the matchable set).
    pub review_before: Option<NaiveDate>,
}

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ResourceFilter,
    params: PageParams,
) -> Result<Page<resource::Model>> {
    let mut select = lists::filtered::<resource::Model>(
        actor.city_id,
        filter.category.as_deref(),
        filter.status,
        filter.review_before,
    );
    if let Some(alliance_id) = filter.alliance_id {
        alliances::get(db, actor.city_id, alliance_id).await?;
        let orgs = alliances::member_organization_ids(db, alliance_id).await?;
        select = select.filter(resource::Column::OrganizationId.is_in(orgs));
    }
    if let Some(org) = filter.organization_id {
        select = select.filter(resource::Column::OrganizationId.eq(org));
    }
    lists::page(db, select, params).await
}
