//! The tantivy query of a match: where it looks (the plain fields, or the parts of the city
//! resources are filed under), the BM25 statistics it is scored with, and its clauses (the
//! terms, and the constant clauses that let pruning see the category, the alliance and the
//! proximity).

use std::collections::HashMap;

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use super::Probe;
use super::attrs::AttrCache;
use super::score::{ALLIANCE_CLAUSE, CATEGORY_CLAUSE, Constants, PROXIMITY_LIFT, proximity};
use super::terms::QueryTerm;
use crate::error::Result;
use crate::search::analyzer;
use crate::search::blocking_err;
use crate::search::documents::{self, Kind};
use crate::search::schema::Fields;

/// Where a query looks: the text and category fields, and for resources the parts of the city
/// their terms are filed under (see [`Fields::placed`]; `None` for the plain fields of needs).
pub(super) struct Lookup {
    pub(super) text: Field,
    topic: Field,
    /// Where a resource's alliances are filed by part (`None` for needs).
    alliance: Option<Field>,
    /// Where a resource's scope is filed by part (`None` for needs).
    scope: Option<Field>,
    parts: Option<Vec<String>>,
}

impl Lookup {
    pub(super) fn of(f: &Fields, probe: &Probe) -> Self {
        match probe.kind {
            Kind::Need => Lookup::placed(f, documents::parts_for(&probe.covers)),
            Kind::Resource => Lookup::plain(f),
        }
    }

    pub(super) fn plain(f: &Fields) -> Self {
        Lookup {
            text: f.body,
            topic: f.topic,
            alliance: None,
            scope: None,
            parts: None,
        }
    }

    pub(super) fn placed(f: &Fields, parts: Vec<String>) -> Self {
        Lookup {
            text: f.placed,
            topic: f.placed_topic,
            alliance: Some(f.placed_alliance),
            scope: Some(f.placed_scope),
            parts: Some(parts),
        }
    }

    /// The index terms for one word of `field`: the word itself, or one per part (none
    /// without parts: a place outside the region tree is served by nothing).
    pub(super) fn terms(&self, field: Field, word: &str) -> Vec<Term> {
        match &self.parts {
            None => vec![Term::from_field_text(field, word)],
            Some(parts) => parts
                .iter()
                .map(|p| Term::from_field_text(field, &analyzer::placed_term(p, word)))
                .collect(),
        }
    }
}

/// BM25 statistics of one body field over both lists: a need's `body` and a resource's
/// `placed` text (whichever part it is filed under) count as one field, a word as common as
/// the needs' `body` and the resources' `words` say, and a placed category as common as
/// `topic` says. A resource then scores exactly as it would with its text in `body`: filing
/// resources by part changes which documents a query reads, never their scores.
pub(super) struct BodyStats<'a> {
    pub(super) searcher: &'a tantivy::Searcher,
    pub(super) f: &'a Fields,
    /// Each word's count, looked up once per searcher (see [`AttrCache::word_counts`]).
    known: WordCounts,
}

/// How many documents of one searcher have each word (see [`BodyStats::word_freq`]).
pub(super) type WordCounts = std::sync::Arc<std::sync::Mutex<HashMap<String, u64>>>;

impl<'a> BodyStats<'a> {
    /// With the counts this searcher's queries share, from `cache`; without a cache, this
    /// query's own.
    pub(super) fn new(
        searcher: &'a tantivy::Searcher,
        f: &'a Fields,
        cache: Option<&AttrCache>,
    ) -> Self {
        BodyStats {
            searcher,
            f,
            known: cache.map_or_else(Default::default, |c| c.word_counts(searcher)),
        }
    }

    /// How many documents have `word` in their text (a need's body or a resource's words).
    pub(super) fn word_freq(&self, word: &str) -> tantivy::Result<u64> {
        let known = || {
            self.known
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(n) = known().get(word) {
            return Ok(*n);
        }
        // Counted outside the lock (two queries may both count a new word: same answer).
        let n = self
            .searcher
            .doc_freq(&Term::from_field_text(self.f.body, word))?
            + self
                .searcher
                .doc_freq(&Term::from_field_text(self.f.words, word))?;
        known().insert(word.to_owned(), n);
        Ok(n)
    }
}

impl tantivy::query::Bm25StatisticsProvider for BodyStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        use tantivy::query::Bm25StatisticsProvider as Stats;
        let f = self.f;
        if field == f.body || field == f.placed {
            Ok(Stats::total_num_tokens(self.searcher, f.body)?
                + Stats::total_num_tokens(self.searcher, f.placed)?)
        } else if field == f.placed_topic {
            Stats::total_num_tokens(self.searcher, f.topic)
        } else {
            Stats::total_num_tokens(self.searcher, field)
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        tantivy::query::Bm25StatisticsProvider::total_num_docs(self.searcher)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let field = term.field();
        let value = term.value();
        let text = value.as_str().unwrap_or("");
        if field == self.f.body {
            self.word_freq(text)
        } else if field == self.f.placed {
            self.word_freq(analyzer::unplaced_term(text))
        } else if field == self.f.placed_topic {
            self.searcher.doc_freq(&Term::from_field_text(
                self.f.topic,
                analyzer::unplaced_term(text),
            ))
        } else {
            self.searcher.doc_freq(term)
        }
    }
}

/// Text relevance over title, tags and description: a plain union of term queries, so tantivy
/// can prune it with block-max WAND. With a category, documents of that category are
/// candidates too even when they share no word (a coordinator who files a need under 养老助残
/// wants to see that category's offers): their category clause adds `CATEGORY_CLAUSE`. With
/// one alliance and resources filed by part, the resources of that alliance's units get
/// `ALLIANCE_CLAUSE`, so that pruning can tell them from the others (see
/// [`least_query_score`](super::score::least_query_score)); likewise the resources whose
/// scope is one of the regions of `place` (the need's place and the regions above it) get
/// that region's proximity lift, so the query score already has it. Neither clause alone
/// makes a match (see `score::MATCHED_TEXT`).
pub(super) fn text_query(
    stats: &BodyStats,
    at: &Lookup,
    terms: &[QueryTerm],
    category: Option<&str>,
    alliances: &[i64],
    place: &[String],
) -> Result<(BooleanQuery, Constants)> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let category_terms = category.map(|c| at.terms(at.topic, c)).unwrap_or_default();
    let category = constant_clauses(stats, category_terms, CATEGORY_CLAUSE, &mut clauses)?;
    let alliance = match (at.alliance, alliances) {
        (_, []) => Some(0.0),
        (Some(field), [one]) => {
            let terms = at.terms(field, &one.to_string());
            Some(constant_clauses(
                stats,
                terms,
                ALLIANCE_CLAUSE,
                &mut clauses,
            )?)
        }
        _ => None,
    };
    let proximity = match at.scope {
        None => None,
        Some(field) => {
            let mut lifts = Vec::with_capacity(place.len());
            for region in place {
                let near = proximity(region).1;
                // A city-wide scope is no nearer than any other: no lift, no clause.
                lifts.push(if near > 0.0 {
                    let lift = (PROXIMITY_LIFT * near) as f32;
                    let terms = at.terms(field, region);
                    constant_clauses(stats, terms, lift, &mut clauses)?
                } else {
                    0.0
                });
            }
            Some(lifts)
        }
    };
    let constants = Constants {
        category,
        alliance,
        proximity,
        category_weight: None,
    };
    for t in terms {
        for term in at.terms(at.text, &t.term) {
            let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), t.weight)),
            ));
        }
    }
    Ok((BooleanQuery::new(clauses), constants))
}

/// Clauses for `terms` of a field on which every document that has a term scores the same
/// (a category or a scope: one token per document; alliances: the same number of tokens in
/// every document that has any): a boost of `bonus / that score` makes it `bonus` while keeping a
/// term query, which WAND can prune.
/// Returns the constant as tantivy computes it (0 when no document has any of the terms).
/// A document matches at most one of them: each is filed under one part.
fn constant_clauses(
    stats: &BodyStats,
    terms: Vec<Term>,
    bonus: f32,
    clauses: &mut Vec<(Occur, Box<dyn Query>)>,
) -> Result<f32> {
    let mut constant = 0.0;
    for t in terms {
        // Each part's term has its own statistics (a category's count as the plain one, see
        // `BodyStats`), hence its own boost; the constants they give differ by float rounding
        // only, far inside the room `least_query_score` leaves.
        let same = TermQuery::new(t, IndexRecordOption::WithFreqs);
        let unit = first_score(stats, &same)?;
        if unit > 0.0 {
            let boosted = BoostQuery::new(Box::new(same), bonus / unit);
            constant = first_score(stats, &boosted)?;
            clauses.push((Occur::Should, Box::new(boosted)));
        }
    }
    Ok(constant)
}

/// The score `q` gives the first document it matches (0 when none; a deleted document still
/// counts until merged away, which only costs its clause some pruning). For a query on a field
/// with one token per document every match scores the same, so this is its score without
/// running a search over all of them (a category has tens of thousands of documents at 1M).
fn first_score(stats: &BodyStats, q: &dyn Query) -> Result<f32> {
    use tantivy::DocSet;
    let searcher = stats.searcher;
    let weight = q
        .weight(tantivy::query::EnableScoring::enabled_from_statistics_provider(stats, searcher))
        .map_err(blocking_err)?;
    for reader in searcher.segment_readers() {
        let mut scorer = weight.scorer(reader, 1.0).map_err(blocking_err)?;
        if scorer.doc() != tantivy::TERMINATED {
            return Ok(scorer.score());
        }
    }
    Ok(0.0)
}
