//! 资源清单, 发布资源 and 资源详情 (for a member unit: the open needs its resource fits).

use askama::Template;
use axum::extract::{Path, RawQuery, State};

use super::forms::{
    Choice, Filters, Messages, Refusable, Unreadable, answer_entry, enum_choices, tags,
};
use super::pages::{self, Chrome, PageResult};
use super::session::{Posted, Visitor};
use crate::api::matching::dto::NeedMatch;
use crate::api::views::ResourceView;
use crate::domain::matching::MatchParams;
use crate::domain::regions::{Level, RegionRef};
use crate::domain::resources::{self, NewResource, ResourceFilter, ResourcePatch, Status};
use crate::domain::{Actor, PageParams, alliances, categories, regions};
use crate::error::{Duplicate, Error, Result};
use crate::state::AppState;

/// A resource as a list row shows it.
pub struct ResourceRow {
    pub view: ResourceView,
    pub status: &'static str,
}

impl ResourceRow {
    pub fn many(views: Vec<ResourceView>) -> Vec<ResourceRow> {
        views
            .into_iter()
            .map(|view| ResourceRow {
                status: view.status.label(),
                view,
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "resources.html")]
struct ResourcesPage {
    chrome: Chrome,
    rows: Vec<ResourceRow>,
    total: u64,
    page: u64,
    pages: u64,
    prev: Option<String>,
    next: Option<String>,
    categories: Vec<Choice>,
    statuses: Vec<Choice>,
    can_post: bool,
}

/// Which resources a visitor's list shows: a unit's own, a coordinator's alliance members',
/// the city's for admins and reviewers.
fn own_filter(actor: &Actor) -> ResourceFilter {
    ResourceFilter {
        organization_id: actor.organization_id,
        alliance_id: actor.alliance_id,
        ..Default::default()
    }
}

/// 资源清单.
pub async fn list(State(state): State<AppState>, v: Visitor, RawQuery(q): RawQuery) -> PageResult {
    let f = Filters::parse(q.as_deref());
    let filter = ResourceFilter {
        category: Some(f.get("category").to_owned()).filter(|c| !c.is_empty()),
        status: Status::parse(f.get("status")),
        ..own_filter(&v.actor)
    };
    let params = PageParams {
        page: Some(f.page()),
        per_page: Some(20),
    };
    let db = state.read();
    let mut found = resources::list(db, &v.actor, &filter, params).await?;
    let views = ResourceView::many(db, std::mem::take(&mut found.items)).await?;
    let pages = found.total.div_ceil(20).max(1);
    let categories = categories::list(db).await?;
    let page = ResourcesPage {
        chrome: Chrome::of(&state, &v, "/resources").await?,
        rows: ResourceRow::many(views),
        total: found.total,
        page: found.page,
        pages,
        prev: (found.page > 1).then(|| f.with_page(found.page - 1)),
        next: (found.page < pages).then(|| f.with_page(found.page + 1)),
        categories: Choice::list(
            categories.into_iter().map(|c| (c.name.clone(), c.name)),
            f.get("category"),
        ),
        statuses: enum_choices(Status::ALL, Status::as_str, Status::label, f.get("status")),
        can_post: v.actor.organization_id.is_some(),
    };
    Ok(pages::render(&page))
}

/// A district's part of the scope picker: the district, its streets and their communities.
pub struct ScopeGroup {
    pub label: String,
    pub options: Vec<Choice>,
}

/// The scope picker: 全市, then every district with its streets and communities, by name;
/// the value sent is `level:id`.
async fn scope_choices(
    state: &AppState,
    actor: &Actor,
    chosen: &str,
) -> Result<(Choice, Vec<ScopeGroup>)> {
    let all = regions::all(state.read(), actor.city_id).await?;
    let option = |r: &entity::region::Model, label: String| Choice {
        value: format!("{}:{}", r.level.as_str(), r.id),
        selected: chosen == format!("{}:{}", r.level.as_str(), r.id),
        label,
    };
    let mut groups = Vec::new();
    for d in all.iter().filter(|r| r.level == Level::District) {
        let mut options = vec![option(d, format!("{}（全区县）", d.name))];
        for s in all.iter().filter(|r| r.parent_id == Some(d.id)) {
            options.push(option(s, format!("{}（全街道）", s.name)));
            for c in all.iter().filter(|r| r.parent_id == Some(s.id)) {
                options.push(option(c, format!("{}（{}）", c.name, s.name)));
            }
        }
        groups.push(ScopeGroup {
            label: d.name.clone(),
            options,
        });
    }
    let city = Choice {
        value: "city".into(),
        label: "全市".into(),
        selected: chosen == "city",
    };
    Ok((city, groups))
}

/// The scope a unit's new resource starts with: the area of the first alliance it belongs to.
async fn default_scope(state: &AppState, actor: &Actor) -> Result<String> {
    let Some(org) = actor.organization_id else {
        return Ok("city".into());
    };
    let db = state.read();
    let Some(first) = alliances::organization_alliance_ids(db, org)
        .await?
        .into_iter()
        .next()
    else {
        return Ok("city".into());
    };
    let alliance = alliances::get(db, actor.city_id, first).await?;
    Ok(match regions::get(db, alliance.region_id).await? {
        Some(r) => format!("{}:{}", r.level.as_str(), r.id),
        None => "city".into(),
    })
}

/// What the resource form holds, as typed.
#[derive(Default)]
struct ResourceInput {
    title: String,
    description: String,
    category: String,
    tags: String,
    quantity: String,
    scope: String,
    available_from: String,
    available_until: String,
}

impl ResourceInput {
    fn from(f: &super::session::Fields) -> ResourceInput {
        ResourceInput {
            title: f.get("title").to_owned(),
            description: f.get("description").to_owned(),
            category: f.get("category").to_owned(),
            tags: f.get("tags").to_owned(),
            quantity: f.get("quantity").to_owned(),
            scope: f.get("scope").to_owned(),
            available_from: f.get("available_from").to_owned(),
            available_until: f.get("available_until").to_owned(),
        }
    }

    /// The form filled with a resource as it is, to edit it.
    fn of(r: &entity::resource::Model) -> ResourceInput {
        ResourceInput {
            title: r.title.clone(),
            description: r.description.clone(),
            category: r.category.clone(),
            tags: r.tags.0.join("、"),
            quantity: r.quantity.map(|q| q.to_string()).unwrap_or_default(),
            scope: match r.scope_region_id {
                Some(id) => format!("{}:{id}", r.scope_level.as_str()),
                None => r.scope_level.as_str().to_owned(),
            },
            available_from: r.available_from.map(|d| d.to_string()).unwrap_or_default(),
            available_until: r.available_until.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    /// The whole form as a change of every field (an emptied field clears it).
    fn to_patch(&self) -> Result<ResourcePatch> {
        let new = self.to_new(false)?;
        Ok(ResourcePatch {
            title: Some(new.title.unwrap_or_default()),
            description: Some(new.description.unwrap_or_default()),
            category: Some(new.category.unwrap_or_default()),
            tags: new.tags,
            quantity: Some(new.quantity),
            scope_level: new.scope_level,
            scope_region_id: Some(new.scope_region_id),
            available_from: Some(new.available_from),
            available_until: Some(new.available_until),
        })
    }

    fn to_new(&self, allow_duplicate: bool) -> Result<NewResource> {
        let mut u = Unreadable::default();
        let quantity = u.number("quantity", &self.quantity, "数量须为整数");
        let available_from = u.date("available_from", &self.available_from);
        let available_until = u.date("available_until", &self.available_until);
        let (level, region) = match self.scope.split_once(':') {
            Some((level, id)) => (
                Level::parse(level),
                id.parse::<i64>().ok().map(RegionRef::Id),
            ),
            None => (Level::parse(&self.scope), None),
        };
        if !self.scope.is_empty() && level.is_none() {
            u.add("scope", "请选择服务范围");
        }
        u.finish()?;
        Ok(NewResource {
            organization_id: None,
            title: Some(self.title.clone()).filter(|t| !t.is_empty()),
            description: Some(self.description.clone()).filter(|t| !t.is_empty()),
            category: Some(self.category.clone()).filter(|t| !t.is_empty()),
            tags: Some(tags(&self.tags)),
            quantity,
            scope_level: level,
            scope_region_id: region,
            available_from,
            available_until,
            allow_duplicate,
        })
    }
}

#[derive(Template)]
#[template(path = "resource_form.html")]
struct ResourceForm {
    chrome: Chrome,
    input: ResourceInput,
    errors: Messages,
    categories: Vec<Choice>,
    city: Choice,
    scopes: Vec<ScopeGroup>,
    duplicates: Vec<Duplicate>,
    /// Editing this resource (its id and the version the form was filled from).
    editing: Option<(i64, i32)>,
}

impl ResourceForm {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field)
    }
}

impl Refusable for ResourceForm {
    fn refuse(&mut self, messages: Messages, duplicates: Vec<Duplicate>) {
        self.errors = messages;
        self.duplicates = duplicates;
    }
}

async fn resource_form(
    state: &AppState,
    v: &Visitor,
    mut input: ResourceInput,
) -> Result<ResourceForm> {
    if v.actor.organization_id.is_none() {
        return Err(Error::forbidden("只有成员单位联络员可以发布资源"));
    }
    if input.scope.is_empty() {
        input.scope = default_scope(state, &v.actor).await?;
    }
    let (city, scopes) = scope_choices(state, &v.actor, &input.scope).await?;
    let categories = categories::list(state.read()).await?;
    Ok(ResourceForm {
        chrome: Chrome::of(state, v, "/resources/new").await?,
        categories: Choice::list(
            categories.into_iter().map(|c| (c.name.clone(), c.name)),
            &input.category,
        ),
        city,
        scopes,
        input,
        errors: Messages::default(),
        duplicates: Vec::new(),
        editing: None,
    })
}

/// 发布资源.
pub async fn new_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    let page = resource_form(&state, &v, ResourceInput::default()).await?;
    Ok(pages::render(&page))
}

pub async fn create(State(state): State<AppState>, post: Posted) -> PageResult {
    let v = &post.visitor;
    let input = ResourceInput::from(&post.fields);
    let allow_duplicate = post.fields.get("allow_duplicate") == "1";
    let outcome = async {
        post.fields.acceptable()?;
        let new = input.to_new(allow_duplicate)?;
        let tx = state.db.begin().await?;
        let r = resources::create(&tx, &v.actor, new).await?;
        state.commit(tx).await?;
        Ok::<_, Error>(r)
    }
    .await;
    answer_entry(
        outcome,
        |r| format!("/resources/{}", r.id),
        &[("scope_level", "scope"), ("scope_region_id", "scope")],
        resource_form(&state, v, input),
    )
    .await
}

#[derive(Template)]
#[template(path = "resource.html")]
struct ResourcePage {
    chrome: Chrome,
    resource: ResourceRow,
    needs: Vec<NeedMatch>,
    /// What the unit may do with its resource now: (action, button, is it a warning).
    keep: Vec<(&'static str, &'static str, bool)>,
    error: Option<String>,
}

async fn resource_page(
    state: &AppState,
    v: &Visitor,
    id: i64,
    error: Option<String>,
) -> Result<ResourcePage> {
    let db = state.read();
    let row = resources::get(db, v.actor.city_id, id).await?;
    let keep = if v.actor.speaks_for(row.organization_id) {
        keep_actions(row.status)
    } else {
        Vec::new()
    };
    let view = ResourceView::one(db, row).await?;
    let params = MatchParams {
        limit: Some(10),
        ..Default::default()
    };
    let needs = crate::api::matching::of_resource(state, &v.actor, id, &params).await?;
    Ok(ResourcePage {
        chrome: Chrome::of(state, v, "/resources").await?,
        resource: ResourceRow::many(vec![view])
            .pop()
            .expect("one in, one out"),
        needs,
        keep,
        error,
    })
}

/// The form to edit a resource, filled with it as it is (or, refused, with what was sent).
async fn edit_form(
    state: &AppState,
    v: &Visitor,
    id: i64,
    input: Option<(ResourceInput, i32)>,
) -> Result<ResourceForm> {
    let r = resources::get(state.read(), v.actor.city_id, id).await?;
    if !v.actor.speaks_for(r.organization_id) {
        return Err(Error::forbidden("只能修改本单位的资源"));
    }
    let (input, version) = input.unwrap_or_else(|| (ResourceInput::of(&r), r.version));
    let mut page = resource_form(state, v, input).await?;
    page.editing = Some((id, version));
    Ok(page)
}

/// 编辑资源.
pub async fn edit(State(state): State<AppState>, v: Visitor, Path(id): Path<i64>) -> PageResult {
    Ok(pages::render(&edit_form(&state, &v, id, None).await?))
}

/// Saves an edit; a resource changed meanwhile (another version) is refused, the input kept.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    post: Posted,
) -> PageResult {
    let v = &post.visitor;
    let input = ResourceInput::from(&post.fields);
    let version: Option<i32> = post.fields.get("version").parse().ok();
    let outcome = async {
        post.fields.acceptable()?;
        let patch = input.to_patch()?;
        let tx = state.db.begin().await?;
        let r = resources::update(&tx, &v.actor, id, version, patch).await?;
        state.commit(tx).await?;
        Ok::<_, Error>(r)
    }
    .await
    .map_err(super::forms::stale_as_field);
    answer_entry(
        outcome,
        |r| format!("/resources/{}", r.id),
        &[("scope_level", "scope"), ("scope_region_id", "scope")],
        edit_form(&state, v, id, Some((input, version.unwrap_or(0)))),
    )
    .await
}

/// The owner's buttons for a resource in `status`: 复核 always; 已用完 and 撤回 while it is
/// offered; 重新提供 once withdrawn or used up (a reserved one follows its projects).
fn keep_actions(status: Status) -> Vec<(&'static str, &'static str, bool)> {
    let mut actions = vec![("confirm", "复核（仍能提供）", false)];
    match status {
        Status::Available => {
            actions.extend([("exhausted", "已用完", false), ("withdraw", "撤回", true)])
        }
        Status::Withdrawn | Status::Exhausted => actions.push(("available", "重新提供", false)),
        Status::Reserved => {}
    }
    actions
}

/// 资源详情: the resource and the open needs it fits, with the reasons.
pub async fn show(State(state): State<AppState>, v: Visitor, Path(id): Path<i64>) -> PageResult {
    Ok(pages::render(&resource_page(&state, &v, id, None).await?))
}

/// 复核, 撤回, 已用完 or 重新提供, from the resource's page (with the version it showed).
pub async fn keep(State(state): State<AppState>, Path(id): Path<i64>, post: Posted) -> PageResult {
    let v = &post.visitor;
    let f = &post.fields;
    let version = f.get("version").parse().ok();
    let outcome = async {
        let tx = state.db.begin().await?;
        let to = match f.get("action") {
            "confirm" => None,
            "withdraw" => Some(Status::Withdrawn),
            "exhausted" => Some(Status::Exhausted),
            "available" => Some(Status::Available),
            _ => return Err(Error::BadRequest("不认识的操作".into())),
        };
        match to {
            None => {
                crate::domain::lists::confirm::<entity::resource::Model>(
                    &tx, &v.actor, id, version,
                )
                .await?;
            }
            Some(to) => {
                resources::change_status(&tx, &v.actor, id, version, to).await?;
            }
        }
        state.commit(tx).await
    }
    .await;
    let back = format!("/resources/{id}");
    super::forms::answer_action(outcome, &back, |m| resource_page(&state, v, id, Some(m))).await
}
