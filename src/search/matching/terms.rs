//! The query terms of a text: its words, weighted by where they stand, widened by the
//! synonym dictionary, and cut to the few that say most about it.

use std::collections::HashSet;

use super::query::BodyStats;
use crate::search::analyzer;
use crate::search::synonyms::Synonyms;

/// Query terms kept from a long text (title and tags first).
const MAX_TERMS: usize = 64;
/// Of those, the ones a match is scored on (see [`most_telling`]).
pub(super) const MAX_SCORED_TERMS: usize = 16;
/// A synonym counts this much of the word it comes from.
const SYNONYM_WEIGHT: f32 = 0.85;
const DESCRIPTION_WEIGHT: f32 = 0.5;
const WEAK_WEIGHT: f32 = 0.3;

/// One weighted query term, and the word of the text it stands for when it is a synonym.
#[derive(Debug, Clone)]
pub struct QueryTerm {
    pub term: String,
    pub weight: f32,
    pub synonym_of: Option<String>,
    /// A word of the title or the tags (not a synonym): always kept by [`most_telling`].
    pub main: bool,
}

/// The terms of a text, widened by synonyms: title and tags at full weight, the description
/// lower, each synonym a little lower than the word it comes from.
pub fn query_terms(synonyms: Option<&Synonyms>, main: &str, secondary: &str) -> Vec<QueryTerm> {
    let mut out: Vec<QueryTerm> = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |term: String,
                    weight: f32,
                    synonym_of: Option<String>,
                    main: bool,
                    out: &mut Vec<QueryTerm>| {
        if out.len() < MAX_TERMS && seen.insert(term.clone()) {
            out.push(QueryTerm {
                term,
                weight,
                main: main && synonym_of.is_none(),
                synonym_of,
            });
        }
    };
    let main_terms = analyzer::distinct_terms(main);
    let secondary_terms = analyzer::distinct_terms(secondary);
    for (terms, weight, main) in [
        (main_terms, 1.0, true),
        (secondary_terms, DESCRIPTION_WEIGHT, false),
    ] {
        for t in &terms {
            let weak = analyzer::WEAK_WORDS.contains(&t.as_str());
            let weight = if weak { weight * WEAK_WEIGHT } else { weight };
            push(t.clone(), weight, None, main && !weak, &mut out);
        }
        for t in terms.iter().filter(|_| synonyms.is_some()) {
            for s in synonyms.map(|s| s.expand(t)).unwrap_or_default() {
                push(s, weight * SYNONYM_WEIGHT, Some(t.clone()), false, &mut out);
            }
        }
    }
    out
}

/// The `keep` terms that say most about the text — weight times inverse document frequency,
/// as "more like this" queries pick them — in their original order. A whole need text gives
/// 30–60 terms; scoring every document that shares any of them (社区, 居民 …) is what makes a
/// query slow at a million resources, and those common words barely move BM25 anyway.
///
/// The words of the title and tags always stay (they are what the coordinator chose to say
/// first), and a synonym never weighs more than the word it stands for: its boost is lowered
/// so that boost × idf stays at most [`SYNONYM_WEIGHT`] of the word's own, which keeps the
/// rare synonyms of a common word (老人 → 失能老人) from outscoring the word itself.
pub(super) fn most_telling(
    stats: &BodyStats,
    terms: Vec<QueryTerm>,
    keep: usize,
) -> Vec<QueryTerm> {
    let n = stats.searcher.num_docs() as f64;
    let idf = |word: &str| -> f64 {
        let df = stats.word_freq(word).unwrap_or(0) as f64;
        if df > 0.0 {
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        } else {
            0.0
        }
    };
    let mut weighed = terms;
    for t in &mut weighed {
        if let Some(of) = &t.synonym_of {
            let (own, source) = (idf(&t.term), idf(of));
            if own > 0.0 && source > 0.0 && source < own {
                t.weight *= (source / own) as f32;
            }
        }
    }
    let mut scored: Vec<(bool, f64, usize)> = weighed
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let idf = idf(&t.term);
            (idf > 0.0).then(|| (t.main, f64::from(t.weight) * idf, i))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    let mains = scored.iter().filter(|s| s.0).count();
    scored.truncate(keep.max(mains));
    let mut chosen: Vec<usize> = scored.into_iter().map(|(_, _, i)| i).collect();
    chosen.sort_unstable();
    chosen.into_iter().map(|i| weighed[i].clone()).collect()
}

/// The query terms the candidate's text contains, each with the word it stands for when it
/// matched as a synonym.
pub(super) fn matched_terms(terms: &[QueryTerm], text: &str) -> Vec<(String, Option<String>)> {
    let present: HashSet<String> = analyzer::terms(text).into_iter().collect();
    terms
        .iter()
        .filter(|t| present.contains(&t.term))
        .map(|t| (t.term.clone(), t.synonym_of.clone()))
        .collect()
}
