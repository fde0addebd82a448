//! 需求清单, 发布需求 and 需求详情 (its ranked matches, and 发起对接 from them).

use askama::Template;
use axum::extract::{Path, RawQuery, State};

use super::forms::{
    Choice, Filters, Messages, Refusable, Unreadable, answer_action, answer_entry, enum_choices,
    tags,
};
use super::pages::{self, Chrome, PageResult, highlight};
use super::session::{Fields, Posted, Visitor};
use crate::api::matching::dto::ResourceMatch;
use crate::api::views::NeedView;
use crate::domain::matching::{self, NeedMatchParams, SearchParams};
use crate::domain::needs::{self, NeedFilter, NeedPatch, NewNeed, Status, Urgency};
use crate::domain::projects::{self, NewProject};
use crate::domain::regions::{Level, RegionRef};
use crate::domain::{Actor, PageParams, alliances, categories, lookup, regions};
use crate::error::{Duplicate, Error, Result};
use crate::state::AppState;

/// A need as a list row shows it.
pub struct NeedRow {
    pub view: NeedView,
    pub status: &'static str,
    pub urgency: &'static str,
    pub high: bool,
}

impl NeedRow {
    pub fn many(views: Vec<NeedView>) -> Vec<NeedRow> {
        views
            .into_iter()
            .map(|view| NeedRow {
                status: view.status.label(),
                urgency: view.urgency.label(),
                high: view.urgency == Urgency::High,
                view,
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "needs.html")]
struct NeedsPage {
    chrome: Chrome,
    rows: Vec<NeedRow>,
    total: u64,
    page: u64,
    pages: u64,
    prev: Option<String>,
    next: Option<String>,
    categories: Vec<Choice>,
    statuses: Vec<Choice>,
    urgencies: Vec<Choice>,
    communities: Vec<Choice>,
    can_post: bool,
    /// The search words, when the list is a search.
    words: String,
    error: Option<String>,
}

/// The categories as choices, `chosen` selected.
async fn category_choices(state: &AppState, chosen: &str) -> Result<Vec<Choice>> {
    let all = categories::list(state.read()).await?;
    Ok(Choice::list(
        all.into_iter().map(|c| (c.name.clone(), c.name)),
        chosen,
    ))
}

/// The communities a coordinator's alliance covers (its street's, or its own community).
async fn community_choices(state: &AppState, actor: &Actor, chosen: &str) -> Result<Vec<Choice>> {
    let Some(alliance_id) = actor.alliance_id else {
        return Ok(Vec::new());
    };
    let db = state.read();
    let alliance = alliances::get(db, actor.city_id, alliance_id).await?;
    let region = regions::get(db, alliance.region_id).await?;
    let communities = match region {
        Some(r) if r.level == Level::Community => vec![r],
        Some(r) => {
            let all = PageParams {
                page: Some(1),
                per_page: Some(100),
            };
            regions::list(db, actor.city_id, Level::Community, Some(r.id), all)
                .await?
                .items
        }
        None => Vec::new(),
    };
    Ok(Choice::list(
        communities.into_iter().map(|c| (c.id.to_string(), c.name)),
        chosen,
    ))
}

/// 需求清单: a coordinator sees their alliance's, an admin or reviewer the city's.
pub async fn list(State(state): State<AppState>, v: Visitor, RawQuery(q): RawQuery) -> PageResult {
    let f = Filters::parse(q.as_deref());
    let filter = NeedFilter {
        alliance_id: v.actor.alliance_id,
        community_id: f.get("community").parse().ok(),
        category: Some(f.get("category").to_owned()).filter(|c| !c.is_empty()),
        status: Status::parse(f.get("status")),
        urgency: Urgency::parse(f.get("urgency")),
        review_before: None,
    };
    let params = PageParams {
        page: Some(f.page()),
        per_page: Some(20),
    };
    let db = state.read();
    let words = f.get("q");
    let (rows, total, at, error) = if words.is_empty() {
        let found = needs::list(db, &v.actor, &filter, params).await?;
        (found.items, found.total, found.page, None)
    } else {
        match search_needs(&state, &v.actor, &f).await {
            Ok((rows, total, at)) => (rows, total, at, None),
            Err(Error::Validation(p)) => {
                let message = p
                    .into_iter()
                    .map(|p| p.message)
                    .collect::<Vec<_>>()
                    .join("；");
                (Vec::new(), 0, 1, Some(message))
            }
            Err(e) => return Err(e.into()),
        }
    };
    let views = NeedView::many(db, rows).await?;
    let pages = total.div_ceil(20).max(1);
    let page = NeedsPage {
        chrome: Chrome::of(&state, &v, "/needs").await?,
        rows: NeedRow::many(views),
        total,
        page: at,
        pages,
        prev: (at > 1).then(|| f.with_page(at - 1)),
        next: (at < pages).then(|| f.with_page(at + 1)),
        words: words.to_owned(),
        error,
        categories: category_choices(&state, f.get("category")).await?,
        statuses: enum_choices(Status::ALL, Status::as_str, Status::label, f.get("status")),
        urgencies: enum_choices(
            Urgency::ALL,
            Urgency::as_str,
            Urgency::label,
            f.get("urgency"),
        ),
        communities: community_choices(&state, &v.actor, f.get("community")).await?,
        can_post: v.actor.alliance_id.is_some(),
    };
    Ok(pages::render(&page))
}

/// The list searched by words (the index's free-text search, best first), within the
/// coordinator's street and the chosen category and status.
async fn search_needs(
    state: &AppState,
    actor: &Actor,
    f: &Filters,
) -> Result<(Vec<entity::need::Model>, u64, u64)> {
    let db = state.read();
    let street = match actor.alliance_id {
        Some(a) => {
            let alliance = alliances::get(db, actor.city_id, a).await?;
            match regions::get(db, alliance.region_id).await? {
                Some(r) if r.level == Level::Community => r.parent_id,
                Some(r) => Some(r.id),
                None => None,
            }
        }
        None => None,
    };
    let p = SearchParams {
        q: Some(f.get("q").to_owned()),
        kind: Some("need".into()),
        category: Some(f.get("category").to_owned()).filter(|c| !c.is_empty()),
        status: Some(f.get("status").to_owned()).filter(|c| !c.is_empty()),
        district_id: None,
        street_id: street,
        page: Some(f.page()),
        per_page: Some(20),
    };
    let found = matching::search(db, state.engine(), actor, &p).await?;
    let ids: Vec<i64> = found.hits.iter().map(|h| h.id).collect();
    let mut by_id = lookup::needs(db, ids.iter().copied()).await?;
    let rows = ids.iter().filter_map(|id| by_id.remove(id)).collect();
    Ok((rows, found.total as u64, found.page))
}

/// What the need form holds: as typed, so a refused post shows it again unchanged.
#[derive(Default)]
struct NeedInput {
    title: String,
    description: String,
    category: String,
    community: String,
    tags: String,
    quantity: String,
    needed_by: String,
    urgency: String,
}

impl NeedInput {
    fn from(f: &Fields) -> NeedInput {
        NeedInput {
            title: f.get("title").to_owned(),
            description: f.get("description").to_owned(),
            category: f.get("category").to_owned(),
            community: f.get("community").to_owned(),
            tags: f.get("tags").to_owned(),
            quantity: f.get("quantity").to_owned(),
            needed_by: f.get("needed_by").to_owned(),
            urgency: f.get("urgency").to_owned(),
        }
    }

    /// The form filled with a need as it is, to edit it. Its place is shown as a community
    /// only when it is one (otherwise the alliance's own area, the empty choice).
    fn of(n: &entity::need::Model, alliance_region: i64) -> NeedInput {
        NeedInput {
            title: n.title.clone(),
            description: n.description.clone(),
            category: n.category.clone(),
            community: if n.place_region_id == alliance_region {
                String::new()
            } else {
                n.place_region_id.to_string()
            },
            tags: n.tags.0.join("、"),
            quantity: n.quantity.map(|q| q.to_string()).unwrap_or_default(),
            needed_by: n.needed_by.map(|d| d.to_string()).unwrap_or_default(),
            urgency: n.urgency.as_str().to_owned(),
        }
    }

    /// The whole form as a change of every field (an emptied field clears it).
    fn to_patch(&self) -> Result<NeedPatch> {
        let mut u = Unreadable::default();
        let quantity = u.number("quantity", &self.quantity, "数量须为整数");
        let needed_by = u.date("needed_by", &self.needed_by);
        let urgency = u.choice("urgency", &self.urgency, Urgency::parse, "请选择紧急程度");
        u.finish()?;
        Ok(NeedPatch {
            community_id: Some(self.community.parse::<i64>().ok().map(RegionRef::Id)),
            title: Some(self.title.clone()),
            description: Some(self.description.clone()),
            category: Some(self.category.clone()),
            tags: Some(tags(&self.tags)),
            quantity: Some(quantity),
            needed_by: Some(needed_by),
            urgency,
        })
    }

    /// The need to post, or the fields the form itself can tell are wrong (a number that is
    /// not one, a date that is not one); the domain checks the rest.
    fn to_new(&self, allow_duplicate: bool) -> Result<NewNeed> {
        let mut u = Unreadable::default();
        let quantity = u.number("quantity", &self.quantity, "数量须为整数");
        let needed_by = u.date("needed_by", &self.needed_by);
        let urgency = u.choice("urgency", &self.urgency, Urgency::parse, "请选择紧急程度");
        u.finish()?;
        Ok(NewNeed {
            alliance_id: None,
            community_id: self.community.parse::<i64>().ok().map(RegionRef::Id),
            title: Some(self.title.clone()).filter(|t| !t.is_empty()),
            description: Some(self.description.clone()).filter(|t| !t.is_empty()),
            category: Some(self.category.clone()).filter(|t| !t.is_empty()),
            tags: Some(tags(&self.tags)),
            quantity,
            needed_by,
            urgency,
            allow_duplicate,
        })
    }
}

#[derive(Template)]
#[template(path = "need_form.html")]
struct NeedForm {
    chrome: Chrome,
    input: NeedInput,
    /// Shown beside their fields.
    errors: Messages,
    categories: Vec<Choice>,
    communities: Vec<Choice>,
    urgencies: Vec<Choice>,
    /// Open needs nearly the same as this one: post anyway (「仍要发布」) or not.
    duplicates: Vec<Duplicate>,
    /// Editing this need (its id and the version the form was filled from), not posting one.
    editing: Option<(i64, i32)>,
}

impl NeedForm {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field)
    }
}

impl Refusable for NeedForm {
    fn refuse(&mut self, messages: Messages, duplicates: Vec<Duplicate>) {
        self.errors = messages;
        self.duplicates = duplicates;
    }
}

async fn need_form(state: &AppState, v: &Visitor, input: NeedInput) -> Result<NeedForm> {
    if v.actor.alliance_id.is_none() {
        return Err(Error::forbidden("只有联盟协调员可以发布需求"));
    }
    let urgency = if input.urgency.is_empty() {
        "normal"
    } else {
        input.urgency.as_str()
    };
    Ok(NeedForm {
        chrome: Chrome::of(state, v, "/needs/new").await?,
        categories: category_choices(state, &input.category).await?,
        communities: community_choices(state, &v.actor, &input.community).await?,
        urgencies: enum_choices(Urgency::ALL, Urgency::as_str, Urgency::label, urgency),
        input,
        errors: Messages::default(),
        duplicates: Vec::new(),
        editing: None,
    })
}

/// 发布需求.
pub async fn new_form(State(state): State<AppState>, v: Visitor) -> PageResult {
    let page = need_form(&state, &v, NeedInput::default()).await?;
    Ok(pages::render(&page))
}

pub async fn create(State(state): State<AppState>, post: Posted) -> PageResult {
    let v = &post.visitor;
    let input = NeedInput::from(&post.fields);
    let allow_duplicate = post.fields.get("allow_duplicate") == "1";
    let outcome = async {
        post.fields.acceptable()?;
        let new = input.to_new(allow_duplicate)?;
        let tx = state.db.begin().await?;
        let n = needs::create(&tx, &v.actor, new).await?;
        state.commit(tx).await?;
        Ok::<_, Error>(n)
    }
    .await;
    answer_entry(
        outcome,
        |n| format!("/needs/{}", n.id),
        &[("community_id", "community")],
        need_form(&state, v, input),
    )
    .await
}

/// A match as 需求详情 shows it: matched words marked in its text.
pub struct MatchRow {
    pub m: ResourceMatch,
    pub title: String,
    pub description: String,
    /// How well it fits beside the best shown: scores have no unit a coordinator could
    /// read, so the page says it in words.
    pub strength: &'static str,
    pub others: usize,
}

fn strength(of_best: f64) -> &'static str {
    if of_best >= 0.8 {
        "很合适"
    } else if of_best >= 0.5 {
        "较合适"
    } else {
        "可参考"
    }
}

#[derive(Template)]
#[template(path = "need.html")]
struct NeedPage {
    chrome: Chrome,
    need: NeedRow,
    matches: Vec<MatchRow>,
    /// Projects already made for this need.
    projects: Vec<(i64, String, &'static str)>,
    can_propose: bool,
    /// The alliance's coordinators keep the need: 复核, close, open again.
    can_keep: bool,
    error: Option<String>,
}

async fn need_page(
    state: &AppState,
    v: &Visitor,
    id: i64,
    error: Option<String>,
) -> Result<NeedPage> {
    let db = state.read();
    let row = needs::get(db, v.actor.city_id, id).await?;
    let can_keep = v.actor.coordinates(row.alliance_id);
    let can_propose = can_keep && row.status == Status::Open;
    let view = NeedView::one(db, row).await?;
    let params = NeedMatchParams {
        limit: Some(10),
        ..Default::default()
    };
    let found = crate::api::matching::of_need(state, &v.actor, id, &params).await?;
    let best = found.first().map_or(1.0, |m| m.score).max(f64::EPSILON);
    let matches = found
        .into_iter()
        .map(|m| {
            let words: Vec<String> = m
                .reasons
                .matched_terms
                .iter()
                .map(|t| t.term.clone())
                .collect();
            MatchRow {
                title: highlight(&m.resource.entry.title, &words),
                description: highlight(&m.resource.entry.description, &words),
                strength: strength(m.score / best),
                others: m.also_offered_by.len(),
                m,
            }
        })
        .collect();
    let filter = projects::ProjectFilter {
        need_id: Some(id),
        ..Default::default()
    };
    let made = projects::list(
        db,
        &v.actor,
        &filter,
        PageParams {
            page: Some(1),
            per_page: Some(20),
        },
    )
    .await?;
    Ok(NeedPage {
        chrome: Chrome::of(state, v, "/needs").await?,
        need: NeedRow::many(vec![view]).pop().expect("one in, one out"),
        matches,
        projects: made
            .items
            .into_iter()
            .map(|p| (p.id, p.title, p.status.label()))
            .collect(),
        can_propose,
        can_keep,
        error,
    })
}

/// 需求详情: the need, its best matches with their reasons, and 发起对接.
pub async fn show(State(state): State<AppState>, v: Visitor, Path(id): Path<i64>) -> PageResult {
    let page = need_page(&state, &v, id, None).await?;
    Ok(pages::render(&page))
}

/// 发起对接: proposes a project of the ticked matches.
pub async fn propose(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    post: Posted,
) -> PageResult {
    let v = &post.visitor;
    let f = &post.fields;
    let resource_ids: Vec<i64> = f
        .all("resource_id")
        .iter()
        .filter_map(|r| r.parse().ok())
        .collect();
    let title = Some(f.get("title").to_owned()).filter(|t| !t.is_empty());
    let outcome = async {
        f.acceptable()?;
        let new = NewProject {
            need_id: Some(id),
            resource_ids: Some(resource_ids).filter(|r| !r.is_empty()),
            title,
            note: Some(f.get("note").to_owned()).filter(|t| !t.is_empty()),
            quantities: None,
        };
        let tx = state.db.begin().await?;
        let p = projects::propose(&tx, &v.actor, new).await?;
        state.commit(tx).await?;
        Ok::<_, Error>(p)
    }
    .await;
    match outcome {
        Ok(p) => Ok(pages::see_other(&format!("/projects/{}", p.id))),
        Err(e) => {
            let back = format!("/needs/{id}");
            answer_action(Err(e), &back, |m| need_page(&state, v, id, Some(m))).await
        }
    }
}

/// 复核 (the need still stands), 关闭 or 重新开放, from the need's page. The version the page
/// showed is sent back, so a change made meanwhile is not overridden.
pub async fn keep(State(state): State<AppState>, Path(id): Path<i64>, post: Posted) -> PageResult {
    let v = &post.visitor;
    let f = &post.fields;
    let version = f.get("version").parse().ok();
    let outcome = async {
        let tx = state.db.begin().await?;
        match f.get("action") {
            "confirm" => {
                crate::domain::lists::confirm::<entity::need::Model>(&tx, &v.actor, id, version)
                    .await?;
            }
            "close" => {
                needs::change_status(&tx, &v.actor, id, version, Status::Closed).await?;
            }
            "reopen" => {
                needs::change_status(&tx, &v.actor, id, version, Status::Open).await?;
            }
            _ => return Err(Error::BadRequest("不认识的操作".into())),
        }
        state.commit(tx).await
    }
    .await;
    let back = format!("/needs/{id}");
    answer_action(outcome, &back, |m| need_page(&state, v, id, Some(m))).await
}

/// The form to edit a need, filled with it as it is (`version` when refused: the one the
/// failed form was filled from).
async fn edit_form(
    state: &AppState,
    v: &Visitor,
    id: i64,
    input: Option<(NeedInput, i32)>,
) -> Result<NeedForm> {
    let db = state.read();
    let n = needs::get(db, v.actor.city_id, id).await?;
    if !v.actor.coordinates(n.alliance_id) {
        return Err(Error::forbidden("只能修改本联盟的需求"));
    }
    let (input, version) = match input {
        Some(given) => given,
        None => {
            let alliance = alliances::get(db, v.actor.city_id, n.alliance_id).await?;
            (NeedInput::of(&n, alliance.region_id), n.version)
        }
    };
    let mut page = need_form(state, v, input).await?;
    page.editing = Some((id, version));
    Ok(page)
}

/// 编辑需求.
pub async fn edit(State(state): State<AppState>, v: Visitor, Path(id): Path<i64>) -> PageResult {
    Ok(pages::render(&edit_form(&state, &v, id, None).await?))
}

/// Saves an edit; a need changed meanwhile (another version) is refused, the input kept.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    post: Posted,
) -> PageResult {
    let v = &post.visitor;
    let input = NeedInput::from(&post.fields);
    let version: Option<i32> = post.fields.get("version").parse().ok();
    let outcome = async {
        post.fields.acceptable()?;
        let patch = input.to_patch()?;
        let tx = state.db.begin().await?;
        let n = needs::update(&tx, &v.actor, id, version, patch).await?;
        state.commit(tx).await?;
        Ok::<_, Error>(n)
    }
    .await
    .map_err(super::forms::stale_as_field);
    answer_entry(
        outcome,
        |n| format!("/needs/{}", n.id),
        &[("community_id", "community")],
        edit_form(&state, v, id, Some((input, version.unwrap_or(0)))),
    )
    .await
}
