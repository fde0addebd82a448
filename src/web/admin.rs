//! The admin's pages for the city's fixed lists: 类别 (categories) and 地区与联盟 (the region
//! tree, each street and community with its alliance).

use askama::Template;
use axum::extract::{Path, RawQuery, State};

use super::forms::{Filters, Messages, answer_form};
use super::pages::{self, Chrome, PageResult};
use super::session::{Posted, Visitor};
use crate::domain::categories::{self, NewCategory};
use crate::domain::lookup;
use crate::domain::regions::{self, NewRegion, RenameRegion};
use crate::error::{Error, Result};
use crate::state::AppState;
use entity::region;
use entity::values::Level;

#[derive(Template)]
#[template(path = "categories.html")]
struct CategoriesPage {
    chrome: Chrome,
    names: Vec<String>,
    /// The name typed into the form (named apart from the field macro's own `name`).
    typed: String,
    errors: Messages,
}

impl CategoriesPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field)
    }
}

async fn categories_page(state: &AppState, v: &Visitor) -> Result<CategoriesPage> {
    v.actor.require_admin()?;
    let names = categories::list(state.read())
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    Ok(CategoriesPage {
        chrome: Chrome::of(state, v, "/categories").await?,
        names,
        typed: String::new(),
        errors: Messages::default(),
    })
}

/// 类别: the categories every need and resource is filed under, and a form to add one.
pub async fn categories(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(pages::render(&categories_page(&state, &v).await?))
}

pub async fn add_category(State(state): State<AppState>, post: Posted) -> PageResult {
    let v = &post.visitor;
    let name = post.fields.get("name").to_owned();
    let outcome = async {
        post.fields.acceptable()?;
        let tx = state.db.begin().await?;
        categories::create(&tx, &v.actor, NewCategory { name: name.clone() }).await?;
        state.commit(tx).await
    }
    .await;
    answer_form(
        outcome,
        |()| "/categories".into(),
        |problems| async {
            let mut page = categories_page(&state, v).await?;
            page.typed = name;
            page.errors = Messages::of(problems, &[]);
            Ok(page)
        },
    )
    .await
}

/// A region as the tree page lists it.
pub struct RegionRow {
    pub region: region::Model,
    pub alliance: Option<String>,
}

#[derive(Template)]
#[template(path = "regions.html")]
struct RegionsPage {
    chrome: Chrome,
    /// From the city down to the region shown.
    trail: Vec<region::Model>,
    here: RegionRow,
    level: &'static str,
    /// What its children are called (None for a community, which has none).
    child_level: Option<&'static str>,
    /// A street or community gets its alliance as it is added.
    makes_alliance: bool,
    children: Vec<RegionRow>,
    input: (String, String),
    rename: String,
    errors: Messages,
}

impl RegionsPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field)
    }
}

fn child_of(level: Level) -> Option<Level> {
    match level {
        Level::City => Some(Level::District),
        Level::District => Some(Level::Street),
        Level::Street => Some(Level::Community),
        Level::Community => None,
    }
}

async fn regions_page(state: &AppState, v: &Visitor, id: Option<i64>) -> Result<RegionsPage> {
    v.actor.require_admin()?;
    let db = state.read();
    let tree = regions::all(db, v.actor.city_id).await?;
    let city = regions::get(db, v.actor.city_id)
        .await?
        .ok_or_else(|| Error::not_found("城市"))?;
    let here = match id {
        None => city.clone(),
        Some(id) if id == city.id => city.clone(),
        Some(id) => tree
            .iter()
            .find(|r| r.id == id)
            .cloned()
            .ok_or_else(|| Error::not_found("地区"))?,
    };
    let mut trail = vec![here.clone()];
    while let Some(parent) = trail.last().and_then(|r| r.parent_id) {
        match tree.iter().find(|r| r.id == parent) {
            Some(p) => trail.push(p.clone()),
            None if parent == city.id => trail.push(city.clone()),
            None => break,
        }
    }
    trail.reverse();
    let child_level = child_of(here.level);
    // The tree is already read whole (a few hundred regions): the children are in it, by code.
    let children: Vec<region::Model> = tree
        .iter()
        .filter(|r| r.parent_id == Some(here.id) && Some(r.level) == child_level)
        .cloned()
        .collect();
    let region_ids = children.iter().map(|r| r.id).chain([here.id]);
    let of_region = lookup::alliances_of_regions(db, region_ids).await?;
    let names = lookup::alliances(db, of_region.values().copied()).await?;
    let row = |region: region::Model| RegionRow {
        alliance: of_region
            .get(&region.id)
            .and_then(|a| names.get(a))
            .map(|a| a.name.clone()),
        region,
    };
    Ok(RegionsPage {
        chrome: Chrome::of(state, v, "/regions").await?,
        level: here.level.label(),
        child_level: child_level.map(Level::label),
        makes_alliance: matches!(child_level, Some(Level::Street | Level::Community)),
        rename: here.name.clone(),
        here: row(here),
        children: children.into_iter().map(row).collect(),
        trail,
        input: Default::default(),
        errors: Messages::default(),
    })
}

/// 地区与联盟: one region of the tree (the city at first), its children with their alliances,
/// and the forms to add a child and to rename it.
pub async fn regions(
    State(state): State<AppState>,
    v: Visitor,
    RawQuery(q): RawQuery,
) -> PageResult {
    let f = Filters::parse(q.as_deref());
    let id = f.get("id").parse().ok();
    Ok(pages::render(&regions_page(&state, &v, id).await?))
}

/// Region `id` of the visitor's city.
async fn region_of_city(state: &AppState, v: &Visitor, id: i64) -> Result<region::Model> {
    regions::get(state.read(), id)
        .await?
        .filter(|r| regions::city_of(r) == v.actor.city_id)
        .ok_or_else(|| Error::not_found("地区"))
}

/// Adds a district, street or community under region `id` (a street or community gets its
/// alliance with it).
pub async fn add_region(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    post: Posted,
) -> PageResult {
    let v = &post.visitor;
    let f = &post.fields;
    let outcome = async {
        f.acceptable()?;
        let parent = region_of_city(&state, v, id).await?;
        let level =
            child_of(parent.level).ok_or_else(|| Error::Conflict("社区下不能再分".into()))?;
        let input = NewRegion {
            code: Some(f.get("code").to_owned()).filter(|t| !t.is_empty()),
            name: Some(f.get("name").to_owned()).filter(|t| !t.is_empty()),
            parent_id: Some(parent.id),
        };
        let tx = state.db.begin().await?;
        regions::create(&tx, &v.actor, level, "parent_id", input).await?;
        state.commit(tx).await
    }
    .await;
    answer(&state, v, id, outcome, &[], |page| {
        page.input = (f.get("name").to_owned(), f.get("code").to_owned());
    })
    .await
}

/// Renames region `id` (its alliance is renamed with it).
pub async fn rename_region(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    post: Posted,
) -> PageResult {
    let v = &post.visitor;
    let f = &post.fields;
    let outcome = async {
        f.acceptable()?;
        let r = region_of_city(&state, v, id).await?;
        let input = RenameRegion {
            name: f.get("rename").to_owned(),
        };
        let tx = state.db.begin().await?;
        regions::rename(&tx, &v.actor, id, r.level, input).await?;
        state.commit(tx).await
    }
    .await;
    answer(&state, v, id, outcome, &[("name", "rename")], |page| {
        page.rename = f.get("rename").to_owned();
    })
    .await
}

/// Back to region `id`'s page, or it again with the messages beside the fields and what was
/// typed (`keep` puts it back).
async fn answer(
    state: &AppState,
    v: &Visitor,
    id: i64,
    outcome: Result<()>,
    renamed: &[(&str, &str)],
    keep: impl FnOnce(&mut RegionsPage),
) -> PageResult {
    answer_form(
        outcome,
        |()| format!("/regions?id={id}"),
        |problems| async move {
            let mut page = regions_page(state, v, Some(id)).await?;
            keep(&mut page);
            page.errors = Messages::of(problems, renamed);
            Ok(page)
        },
    )
    .await
}
