//! Matching and search over HTTP: ranked resources for a need, open needs for a resource,
//! free-text search of both lists, and reloading the synonym dictionary.

pub(crate) mod dto;

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Path, Query};
use super::views::{NeedView, ResourceView};
use crate::domain::matching::Ranked;
use crate::domain::matching::{self, MatchParams, NeedMatchParams, SearchParams};
use crate::error::{Error, Result};
use crate::state::AppState;
use dto::{AlsoOfferedBy, Matches, NeedMatch, Reasons, ResourceMatch};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(need_matches))
        .routes(routes!(resource_matches))
        .routes(routes!(search))
        .routes(routes!(reload_synonyms))
}

/// Resources that fit a need, best first: only available ones whose service scope covers the
/// need's place and whose availability overlaps its date. Of two scoring within 0.002, the one
/// whose scope is nearer the need's place comes first. Unless `group=false`, copies of one
/// offer from several units are one item (its best-ranked copy), naming the others in
/// `also_offered_by`; `limit` counts items.
#[utoipa::path(get, path = "/needs/{id}/matches", tag = "matching", params(("id" = i64, Path), NeedMatchParams),
    responses((status = 200, body = Matches<ResourceMatch>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn need_matches(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(p): Query<NeedMatchParams>,
) -> Result<axum::Json<Matches<ResourceMatch>>> {
    let items = of_need(&state, &auth.actor, id, &p).await?;
    Ok(axum::Json(Matches { items }))
}

/// A need's matches as the API and the pages show them: each item's resource, score and
/// reasons, and the other units' copies of a grouped offer.
pub(crate) async fn of_need(
    state: &AppState,
    actor: &crate::domain::Actor,
    id: i64,
    p: &NeedMatchParams,
) -> Result<Vec<ResourceMatch>> {
    let lessons = state.lessons.of_city(state.read(), actor.city_id).await?;
    let found = matching::for_need(
        state.read(),
        state.engine(),
        actor,
        id,
        &p.options()?,
        p.grouped(),
        lessons.as_deref(),
    )
    .await?;
    // One batch of views for every row shown, the copies' too, in the order they are used.
    let mut rows = Vec::new();
    let mut ranks = Vec::with_capacity(found.len());
    for m in found {
        rows.push(m.resource);
        let others: Vec<Ranked> = m
            .others
            .into_iter()
            .map(|(row, r)| {
                rows.push(row);
                r
            })
            .collect();
        ranks.push((m.ranked, others));
    }
    let mut views = ResourceView::many(state.read(), rows).await?.into_iter();
    let mut view = move || views.next().expect("a view for every row");
    let items = ranks
        .into_iter()
        .map(|(r, others)| {
            let resource = view();
            let also_offered_by: Vec<AlsoOfferedBy> = others
                .iter()
                .map(|o| AlsoOfferedBy::new(view(), o))
                .collect();
            let reasons =
                Reasons::from(&r).offered_also_by(resource.organization.id, &also_offered_by);
            ResourceMatch {
                resource,
                score: r.score,
                reasons,
                also_offered_by,
            }
        })
        .collect();
    Ok(items)
}

/// The matched rows (to build views from, in one batch) and each one's score and reasons.
fn split<T>(found: Vec<(T, Ranked)>) -> (Vec<T>, Vec<(f64, Reasons)>) {
    found
        .into_iter()
        .map(|(row, r)| (row, (r.score, Reasons::from(&r))))
        .unzip()
}

/// Open needs a resource fits, best first.
#[utoipa::path(get, path = "/resources/{id}/matches", tag = "matching", params(("id" = i64, Path), MatchParams),
    responses((status = 200, body = Matches<NeedMatch>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn resource_matches(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(p): Query<MatchParams>,
) -> Result<axum::Json<Matches<NeedMatch>>> {
    let items = of_resource(&state, &auth.actor, id, &p).await?;
    Ok(axum::Json(Matches { items }))
}

/// A resource's matches (open needs) as the API and the pages show them.
pub(crate) async fn of_resource(
    state: &AppState,
    actor: &crate::domain::Actor,
    id: i64,
    p: &MatchParams,
) -> Result<Vec<NeedMatch>> {
    let lessons = state.lessons.of_city(state.read(), actor.city_id).await?;
    let found = matching::for_resource(
        state.read(),
        state.engine(),
        actor.city_id,
        id,
        &p.options()?,
        lessons.as_deref(),
    )
    .await?;
    let (rows, reasons) = split(found);
    let views = NeedView::many(state.read(), rows).await?;
    let items = views
        .into_iter()
        .zip(reasons)
        .map(|(need, (score, reasons))| NeedMatch {
            need,
            score,
            reasons,
        })
        .collect();
    Ok(items)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    /// `resource` or `need`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: i64,
    pub score: f32,
    /// The title with matched words in `<b>…</b>` (HTML-escaped otherwise).
    pub title_html: String,
    /// The best passage of the description, highlighted the same way.
    pub description_html: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub items: Vec<SearchHit>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// Free-text search of the resource or need list, with highlighted snippets.
#[utoipa::path(get, path = "/search", tag = "matching", params(SearchParams),
    responses((status = 200, body = SearchResults), (status = 422, body = Problem)))]
async fn search(
    State(state): State<AppState>,
    auth: Auth,
    Query(p): Query<SearchParams>,
) -> Result<axum::Json<SearchResults>> {
    let found = matching::search(state.read(), state.engine(), &auth.actor, &p).await?;
    let kind = found.kind.as_str();
    let items = found
        .hits
        .into_iter()
        .map(|h| SearchHit {
            kind: kind.into(),
            id: h.id,
            score: h.score,
            title_html: h.title_html,
            description_html: h.description_html,
        })
        .collect();
    Ok(axum::Json(SearchResults {
        items,
        total: found.total as u64,
        page: found.page,
        per_page: found.per_page,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SynonymsReloaded {
    pub groups: usize,
}

/// Re-read the synonym dictionary (`synonyms.txt` in the data directory) without a restart
/// (admins). A file with a bad line is refused and the old dictionary stays.
#[utoipa::path(post, path = "/admin/synonyms/reload", tag = "matching",
    responses((status = 200, body = SynonymsReloaded), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn reload_synonyms(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<axum::Json<SynonymsReloaded>> {
    auth.actor.require_admin()?;
    let groups = state
        .search
        .reload_synonyms()
        .map_err(|e| Error::field("synonyms", format!("同义词文件有误：{e}")))?;
    Ok(axum::Json(SynonymsReloaded { groups }))
}
