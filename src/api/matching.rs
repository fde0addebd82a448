//! Matching and search over HTTP: ranked resources for a need, open needs for a resource,
//! free-text search of both lists, and reloading the synonym dictionary.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Path, Query};
use super::views::{NeedView, ResourceView};
use crate::domain::matching::{self, MatchParams, SearchParams};
use crate::error::{Error, Result};
use crate::search::matching::Ranked;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(need_matches))
        .routes(routes!(resource_matches))
        .routes(routes!(search))
        .routes(routes!(reload_synonyms))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchedTerm {
    /// The word found in the match.
    pub term: String,
    /// When it matched as a synonym: the word of the query it stands for.
    pub synonym_of: Option<String>,
}

/// Why a match ranked where it did, in words a coordinator can read.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reasons {
    pub matched_terms: Vec<MatchedTerm>,
    /// 本社区, 本街道, 本区县 or 全市: how close the resource's service scope is.
    pub scope: String,
    pub category_match: bool,
    /// The resource's unit is a member of the need's alliance.
    pub same_alliance: bool,
    /// Found among the nearest in meaning (意思相近), with or without a shared word.
    pub similar_meaning: bool,
    /// The same in one sentence.
    pub summary: String,
}

impl From<&Ranked> for Reasons {
    fn from(r: &Ranked) -> Self {
        let matched_terms: Vec<MatchedTerm> = r
            .matched_terms
            .iter()
            .map(|(term, synonym_of)| MatchedTerm {
                term: term.clone(),
                synonym_of: synonym_of.clone(),
            })
            .collect();
        let mut parts = Vec::new();
        if !matched_terms.is_empty() {
            let words: Vec<String> = matched_terms
                .iter()
                .map(|t| match &t.synonym_of {
                    Some(of) => format!("{}（{}的近义词）", t.term, of),
                    None => t.term.clone(),
                })
                .collect();
            parts.push(format!("匹配词：{}", words.join("、")));
        }
        if r.meaning.is_some() {
            parts.push("意思相近".into());
        }
        parts.push(format!("服务范围：{}", r.scope_relation));
        if r.category_match {
            parts.push("类别相同".into());
        }
        if r.same_alliance {
            parts.push("同一联盟成员单位".into());
        }
        Reasons {
            matched_terms,
            scope: r.scope_relation.into(),
            category_match: r.category_match,
            same_alliance: r.same_alliance,
            similar_meaning: r.meaning.is_some(),
            summary: parts.join("；"),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceMatch {
    pub resource: ResourceView,
    /// 0–1; higher is better.
    pub score: f64,
    pub reasons: Reasons,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NeedMatch {
    pub need: NeedView,
    pub score: f64,
    pub reasons: Reasons,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Matches<T> {
    pub items: Vec<T>,
}

/// Resources that fit a need, best first: only available ones whose service scope covers the
/// need's place and whose availability overlaps its date.
#[utoipa::path(get, path = "/needs/{id}/matches", tag = "matching", params(("id" = i64, Path), MatchParams),
    responses((status = 200, body = Matches<ResourceMatch>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn need_matches(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(p): Query<MatchParams>,
) -> Result<axum::Json<Matches<ResourceMatch>>> {
    let found =
        matching::for_need(state.read(), &state.search, &auth.actor, id, &p.options()?).await?;
    let (rows, reasons) = split(found);
    let views = ResourceView::many(state.read(), rows).await?;
    let items = views
        .into_iter()
        .zip(reasons)
        .map(|(resource, (score, reasons))| ResourceMatch {
            resource,
            score,
            reasons,
        })
        .collect();
    Ok(axum::Json(Matches { items }))
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
    let found = matching::for_resource(
        state.read(),
        &state.search,
        auth.actor.city_id,
        id,
        &p.options()?,
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
    Ok(axum::Json(Matches { items }))
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
    let found = matching::search(state.read(), &state.search, &auth.actor, &p).await?;
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
