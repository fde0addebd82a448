//! 需求清单: what communities need, posted by their alliance's coordinators.

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
use super::{Actor, Page, PageParams, alliances, audit, categories, outbox};
use crate::error::{Error, Result};
use entity::{alliance, need, project};

pub use entity::values::{NeedStatus as Status, Urgency};

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNeed {
    /// The posting alliance. Coordinators may omit it (their own alliance).
    pub alliance_id: Option<i64>,
    /// The community in need, by id, code or name. Omit for the alliance's own street (or its
    /// own community).
    #[schema(value_type = Option<RegionRef>)]
    pub community_id: Option<RegionRef>,
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
    #[validate(custom(function = "valid_quantity"))]
    pub quantity: Option<i32>,
    /// The date it is needed by; not in the past.
    pub needed_by: Option<NaiveDate>,
    /// low, normal (default) or high.
    pub urgency: Option<Urgency>,
    /// Post even when a nearly identical open entry exists (after a 409 duplicate warning).
    #[serde(default)]
    pub allow_duplicate: bool,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedPatch {
    /// Move the need to another community of the alliance; `null` for the alliance's street.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<RegionRef>)]
    pub community_id: Option<Option<RegionRef>>,
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
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>)]
    pub quantity: Option<Option<i32>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub needed_by: Option<Option<NaiveDate>>,
    pub urgency: Option<Urgency>,
}

/// A coordinator closes a need, or opens a closed one again. `matched` and `fulfilled` follow
/// the need's projects.
#[derive(Debug, Deserialize, ToSchema, validator::Validate)]
#[serde(deny_unknown_fields)]
// Named apart in the OpenAPI document: several modules have a `StatusChange`.
#[schema(as = NeedStatusChange)]
pub struct StatusChange {
    pub status: Status,
}

impl Entry for need::Model {
    lists::entry_columns!(need);
    type Status = Status;
    const KIND: &'static str = "need";
    const NOUN: &'static str = "需求";
    const IN_A_PROJECT: &'static str = "该需求已有项目，不能删除；如不再需要请改为关闭";
    /// A need is its alliance's: its coordinators (and admins) change it.
    fn check_editor(&self, actor: &Actor) -> Result<()> {
        require_coordinator(actor, self.alliance_id)
    }
    fn holding_project(id: i64) -> SelectStatement {
        project::Entity::find()
            .filter(project::Column::NeedId.eq(id))
            .limit(1)
            .into_query()
    }
}

pub async fn get(db: &impl ConnectionTrait, city_id: i64, id: i64) -> Result<need::Model> {
    lists::get(db, city_id, id).await
}

fn require_coordinator(actor: &Actor, alliance_id: i64) -> Result<()> {
    if actor.coordinates(alliance_id) {
        Ok(())
    } else {
        Err(Error::forbidden("只能发布和修改本联盟的需求"))
    }
}

/// Where a need is: the given community (which must lie in the alliance's area), or else the
/// alliance's own region. A community named rather than numbered is looked for in the alliance's
/// area first, so two communities of one name elsewhere in the city do not make it ambiguous.
async fn place(
    db: &impl ConnectionTrait,
    problems: &mut Problems,
    alliance: &alliance::Model,
    community: Option<&RegionRef>,
) -> Result<i64> {
    let Some(community) = community else {
        return Ok(alliance.region_id);
    };
    let inside = |c: &entity::region::Model| {
        c.id == alliance.region_id || c.parent_id == Some(alliance.region_id)
    };
    let level = Level::Community;
    match regions::resolve(db, alliance.city_id, level, community, inside).await? {
        Resolved::Found(c) => return Ok(c.id),
        Resolved::Outside => problems.add("community_id", "该社区不在本联盟范围内"),
        Resolved::Refused(why) => problems.add("community_id", why),
    }
    Ok(alliance.region_id)
}

pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewNeed,
) -> Result<need::Model> {
    let n = create_unindexed(
        db,
        actor,
        &mut super::duplicates::Known::default(),
        input,
        Insert::Visible,
    )
    .await?
    .expect("a visible insert writes its row");
    outbox::push(db, n.city_id, "need", n.id).await?;
    Ok(n)
}

/// [`create`] without its search-outbox row, for a batch that queues the rows itself once
/// it knows it will commit (an import: a dry run or a refused file then uses no outbox
/// numbers, which PostgreSQL would otherwise leave as gaps for the indexer to wait on).
pub(crate) async fn create_unindexed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    known: &mut super::duplicates::Known,
    input: NewNeed,
    insert: Insert,
) -> Result<Option<need::Model>> {
    // Who may post is decided before what is posted: a coordinator of another alliance gets
    // 403 whatever the body says. A missing or unknown alliance is one more field problem.
    let mut problems = Problems::of(&input);
    let alliance = match input.alliance_id.or(actor.alliance_id) {
        None => {
            problems.add("alliance_id", "请选择发布需求的联盟");
            None
        }
        Some(id) => match alliances::get(db, actor.city_id, id).await {
            Ok(a) => Some(a),
            Err(Error::NotFound(_)) => {
                problems.add("alliance_id", "联盟不存在");
                None
            }
            Err(e) => return Err(e),
        },
    };
    match &alliance {
        Some(a) => require_coordinator(actor, a.id)?,
        None if !actor.is_admin() && actor.alliance_id.is_none() => {
            return Err(Error::forbidden("只有协调员或管理员可以发布需求"));
        }
        None => {}
    }
    let place_id = match &alliance {
        Some(a) => Some(place(db, &mut problems, a, input.community_id.as_ref()).await?),
        None => None,
    };
    if let Some(c) = &input.category {
        categories::check(db, &mut problems, c).await?;
    }
    if let Some(d) = input.needed_by
        && check_date(&mut problems, "needed_by", Some(d))
        && d < crate::time::today()
    {
        problems.add("needed_by", "需要日期不能早于今天");
    }
    problems.finish()?;
    let (alliance, place_id) = (
        alliance.expect("checked above"),
        place_id.expect("checked above"),
    );
    if !input.allow_duplicate {
        let text = (
            input.title.as_deref().unwrap_or_default(),
            input.description.as_deref().unwrap_or_default(),
        );
        let found = known.needs_like(db, alliance.id, text).await?;
        if !found.is_empty() {
            return Err(Error::Duplicates(found));
        }
    }
    if let Insert::CheckOnly(row) = insert {
        known.add_pending(
            super::duplicates::Owner::Alliance(alliance.id),
            row,
            input.title.as_deref().unwrap_or_default(),
            input.description.as_deref().unwrap_or_default(),
        );
        return Ok(None);
    }
    let now = chrono::Utc::now();
    let n = need::ActiveModel {
        city_id: Set(alliance.city_id),
        alliance_id: Set(alliance.id),
        place_region_id: Set(place_id),
        title: Set(required(input.title)),
        description: Set(input.description.unwrap_or_default()),
        category: Set(required(input.category)),
        tags: Set(input.tags.unwrap_or_default().into()),
        quantity: Set(input.quantity),
        needed_by: Set(input.needed_by),
        urgency: Set(input.urgency.unwrap_or(Urgency::Normal)),
        status: Set(Status::Open),
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
    audit::created(db, Some(actor), "need", n.id, Some(n.city_id), &n).await?;
    known.add_need(&n);
    Ok(Some(n))
}

pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    expected_version: Option<i32>,
    patch: NeedPatch,
) -> Result<need::Model> {
    let before: need::Model = lists::for_edit(db, actor, id, expected_version).await?;
    let mut problems = Problems::of(&patch);
    let place_id = match patch.community_id {
        Some(cid) => {
            let alliance = alliances::get(db, before.city_id, before.alliance_id).await?;
            Some(place(db, &mut problems, &alliance, cid.as_ref()).await?)
        }
        None => None,
    };
    if let Some(Some(q)) = patch.quantity
        && let Err(e) = valid_quantity(q)
    {
        problems.add("quantity", e.message.unwrap_or_default());
    }
    if let Some(c) = &patch.category {
        categories::check(db, &mut problems, c).await?;
    }
    if let Some(Some(d)) = patch.needed_by
        && check_date(&mut problems, "needed_by", Some(d))
        && d < crate::time::today()
    {
        problems.add("needed_by", "需要日期不能早于今天");
    }
    problems.finish()?;
    let mut a: need::ActiveModel = before.clone().into();
    if let Some(p) = place_id {
        a.place_region_id = Set(p);
    }
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
    }
    if let Some(v) = patch.needed_by {
        a.needed_by = Set(v);
    }
    if let Some(v) = patch.urgency {
        a.urgency = Set(v);
    }
    // An edit by the coordinator is a confirmation.
    a.review_by = Set(Some(crate::time::review_by_from_today()));
    lists::save(db, actor, before, a, "update").await
}

pub async fn change_status(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    expected_version: Option<i32>,
    to: Status,
) -> Result<need::Model> {
    let before: need::Model = lists::for_edit(db, actor, id, expected_version).await?;
    let from = before.status;
    if from == to {
        return Ok(before);
    }
    match (from, to) {
        (Status::Open | Status::Matched, Status::Closed) | (Status::Closed, Status::Open) => {}
        _ => {
            return Err(Error::Conflict(
                "「已对接」「已完成」状态随项目自动变化；手动只能关闭需求或重新开放已关闭的需求"
                    .into(),
            ));
        }
    }
    // A need opened again takes the status its projects give it: one with an approved or
    // completed project is matched or fulfilled, not open.
    let to = if to == Status::Open {
        super::projects::need_status_from_projects(db, before.id).await?
    } else {
        to
    };
    lists::move_to(db, actor, before, to).await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NeedFilter {
    pub alliance_id: Option<i64>,
    /// Needs placed in this community.
    pub community_id: Option<i64>,
    pub category: Option<String>,
    /// open, matched, fulfilled or closed.
    pub status: Option<Status>,
    /// low, normal or high.
    pub urgency: Option<Urgency>,
    /// Needs to be confirmed by this day (past ones have left the matchable set).
    pub review_before: Option<NaiveDate>,
}

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &NeedFilter,
    params: PageParams,
) -> Result<Page<need::Model>> {
    let mut select = lists::filtered::<need::Model>(
        actor.city_id,
        filter.category.as_deref(),
        filter.status,
        filter.review_before,
    );
    if let Some(a) = filter.alliance_id {
        select = select.filter(need::Column::AllianceId.eq(a));
    }
    if let Some(c) = filter.community_id {
        select = select.filter(need::Column::PlaceRegionId.eq(c));
    }
    if let Some(u) = filter.urgency {
        select = select.filter(need::Column::Urgency.eq(u));
    }
    lists::page(db, select, params).await
}
