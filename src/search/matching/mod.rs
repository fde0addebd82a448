//! Ranking resources for a need (and needs for a resource), and free-text search.
//!
//! A match is scored on the need's most telling terms (at most 16, by weight × idf, with the
//! synonym dictionary widening them) against one body field (title ×3, tags ×2,
//! description), plus a category clause. Resources keep that text filed under the part of the
//! city they serve (`placed`), and a need's query reads its district's part and the city's
//! only, scored with the statistics of one field over both lists (`BodyStats`). The text
//! query is a plain union of term queries, so tantivy prunes it with block-max WAND; the hard
//! filters (kind, city, status, scope covering the place, availability window) are checked
//! from fast fields in the collector, which also computes the final score (text, meaning,
//! category, proximity, alliance, quantity) and keeps the exact top by it, ties broken by id,
//! so the order is stable. Meaning comes from the sentence embeddings the embedder keeps: the
//! documents nearest the probe in meaning are offered whatever their words, the others carry
//! their meaning into the score when the text query finds them. Measured in BENCHMARKS.md.
//!
//! Where each part lives:
//! - `terms`: the query terms of a text (synonyms, the cut to the most telling ones);
//! - `query`: the tantivy query built from them, and the BM25 statistics it is scored with;
//! - `score`: the ranking signals, their weights, the final score and the pruning bound
//!   (what a new signal touches; its checklist is there);
//! - `filter`: what a match must satisfy (kind, status, city, scope, window);
//! - `attrs`: the per-segment copy of the columns the filter and the score read;
//! - `meaning`: the probe's embedding against the documents that pass the filter;
//! - `collector`: the exact top-k under pruning;
//! - `search_text`: free-text search with snippets.

mod attrs;
mod collector;
mod filter;
mod meaning;
mod query;
mod score;
mod search_text;
mod terms;
#[cfg(test)]
mod tests;

pub use attrs::AttrCache;
pub use score::W_CATEGORY;
pub use search_text::{Hit, SearchQuery, search_text};
pub use terms::{QueryTerm, query_terms};

use collector::FilteredTop;
use filter::Filter;
use meaning::Meaning;
use query::{BodyStats, Lookup, text_query};
use score::proximity;
use terms::{MAX_SCORED_TERMS, matched_terms, most_telling};

use super::documents::{Kind, day};
use super::schema::Fields;
use super::vectors::{Vector, Vectors};
use super::{Search, blocking_err};
use crate::error::Result;

/// A ranked match: the other side's id, its final score and the reasons for it.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub id: i64,
    pub score: f64,
    pub matched_terms: Vec<(String, Option<String>)>,
    pub scope_relation: &'static str,
    pub category_match: bool,
    pub same_alliance: bool,
    /// Its meaning score (0–1) when it was found among the nearest in meaning.
    pub meaning: Option<f64>,
    /// What reviewers' past decisions added to (or took from) its score, when anything
    /// (`domain::matching::lessons`).
    pub learned: Option<f64>,
}

/// The side a match is computed from: a need looking for resources, or a resource for needs.
pub struct Probe<'a> {
    pub kind: Kind,
    /// The probe's own row, whose embedding (when made) scores meaning.
    pub id: Option<i64>,
    pub city_id: i64,
    pub title: &'a str,
    pub tags: &'a [String],
    pub description: &'a str,
    pub category: &'a str,
    pub quantity: Option<i32>,
    /// Region terms that a match must cover (need → resources: the place's chain) or be
    /// covered by (resource → needs: the scope term).
    pub covers: Vec<String>,
    pub alliances: Vec<i64>,
    /// Days: the window the match must overlap.
    pub window: (i64, i64),
}

pub struct MatchOptions {
    pub limit: usize,
    pub category: Option<String>,
    pub min_score: f64,
    /// Widen the query with the synonym dictionary (off only to measure what it adds).
    pub synonyms: bool,
    /// What the category counts in the final score, when not the default (a city's
    /// reviewers' lessons set it: `domain::matching::lessons`).
    pub category_weight: Option<f64>,
}

/// Ranks the other side for `probe`. Results are ids with scores and reasons, except the
/// matched terms: the caller re-checks them against the database before showing them and
/// then fills those from the rows it shows ([`explain`]), with the query terms returned here.
pub fn rank(
    search: &Search,
    probe: &Probe,
    opts: &MatchOptions,
) -> Result<(Vec<QueryTerm>, Vec<Ranked>)> {
    let synonyms = search.synonyms();
    let terms = query_terms(
        opts.synonyms.then_some(&*synonyms),
        &format!("{} {}", probe.title, probe.tags.join(" ")),
        probe.description,
    );
    let searcher = search.searcher();
    let stats = BodyStats::new(&searcher, &search.fields, Some(&search.attrs));
    let terms = most_telling(&stats, terms, MAX_SCORED_TERMS);
    let vectors = &search.embedder.vectors;
    let own = probe.id.and_then(|id| vectors.get(probe.kind, id));
    let meaning = own.as_ref().map(|v| (v, &**vectors));
    let ranked = rank_by(&stats, &search.attrs, probe, &terms, opts, meaning)?;
    Ok((terms, ranked))
}

/// Fills a shown result's matched terms from its text (title, tags, description), as the
/// database has it.
pub fn explain(
    r: &mut Ranked,
    terms: &[QueryTerm],
    title: &str,
    tags: &[String],
    description: &str,
) {
    r.matched_terms = matched_terms(terms, &format!("{title} {} {description}", tags.join(" ")));
}

/// How near a resource scoped at region `term` (see `documents::scope_term`) is to a need
/// whose place that region covers, as the reasons say it: 本社区, 本街道, 本区县 or 全市.
pub fn scope_relation(term: &str) -> &'static str {
    proximity(term).0
}

/// [`rank`] over any index of our schema with the given query terms (the evaluation uses it
/// for its baselines).
pub fn rank_with(
    searcher: &tantivy::Searcher,
    f: &Fields,
    cache: &AttrCache,
    probe: &Probe,
    terms: &[QueryTerm],
    opts: &MatchOptions,
    meaning: Option<(&Vector, &Vectors)>,
) -> Result<Vec<Ranked>> {
    rank_by(
        &BodyStats::new(searcher, f, Some(cache)),
        cache,
        probe,
        terms,
        opts,
        meaning,
    )
}

fn rank_by(
    stats: &BodyStats,
    cache: &AttrCache,
    probe: &Probe,
    terms: &[QueryTerm],
    opts: &MatchOptions,
    meaning: Option<(&Vector, &Vectors)>,
) -> Result<Vec<Ranked>> {
    let (searcher, f) = (stats.searcher, stats.f);
    let today = day(crate::time::today());
    let target = match probe.kind {
        Kind::Need => Kind::Resource,
        Kind::Resource => Kind::Need,
    };
    // Only what can still be taken up: an available resource, an open need; in the region
    // terms the probe covers; not past its end (a resource still offered today, a need not
    // past its date), and a resource that starts before the need's date.
    let at = Lookup::of(f, probe);
    let (query, mut constants) = text_query(
        stats,
        &at,
        terms,
        Some(probe.category),
        &probe.alliances,
        &probe.covers,
    )?;
    constants.category_weight = opts.category_weight;
    // No word of the text is in the index and no meaning to go by: nothing to rank.
    if terms.is_empty() && meaning.is_none() {
        return Ok(Vec::new());
    }
    let filter = std::sync::Arc::new(Filter {
        kind: target.as_str(),
        status: match target {
            Kind::Resource => "available",
            Kind::Need => "open",
        },
        city: probe.city_id as u64,
        covers: probe.covers.clone(),
        until_at_least: today.max(probe.window.0),
        today,
        from_at_most: (target == Kind::Resource).then_some(probe.window.1),
        only_category: opts.category.clone(),
        probe_kind: probe.kind,
        probe_category: probe.category.to_owned(),
        probe_quantity: probe.quantity,
        probe_alliances: probe.alliances.clone(),
        own_proximity: (probe.kind == Kind::Resource)
            .then(|| proximity(probe.covers.first().map_or("", String::as_str))),
        constants,
    });
    let meaning = match meaning {
        Some((probe, vectors)) => Some(Meaning::find(
            searcher, &filter, cache, probe, vectors, target,
        )?),
        None => None,
    };
    let collector = FilteredTop::new(opts.limit, filter, cache, meaning);
    // Best first, exactly `limit` at most (see `FilteredTop`).
    let mut ranked = searcher
        .search_with_statistics_provider(&query, &collector, stats)
        .map_err(blocking_err)?;
    ranked.retain(|r| r.score >= opts.min_score);
    Ok(ranked)
}
