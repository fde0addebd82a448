//! The final score of a match, the signals it is made of, and the bound that pruning takes
//! from it: every weight, and what the query's constant clauses add for a signal, is here.
//!
//! Adding a signal:
//! 1. its weight here (a lift added to the text's BM25, like proximity and quantity, if it
//!    should only order offers of about the same relevance; a flat weight, like the
//!    alliance, if it should count whatever the text);
//! 2. a field in [`Signals`], filled for each document in `collector` (`offer`), from the
//!    document's record in `attrs` (a new column: a field of `DocAttrs`, read in
//!    `SegmentAttrs::read`);
//! 3. count it in [`final_score`];
//! 4. bound it in [`least_query_score`]: as slack (what a document may add beyond its query
//!    score), or, for tighter pruning, as a constant clause of the query
//!    (`query::text_query`), recorded in [`Constants`] and taken off the query score in
//!    [`document_score`];
//! 5. give the documents of `tests::pruning_keeps_exactly_the_best` a spread of it (the test
//!    fails if the bound misses it), and run the evaluation on the tuned and held-out sets.

use crate::search::documents::Kind;

/// How the final score is made: the evidence — shared words (text relevance) and meaning
/// (the embeddings' cosine) — and, for a document that has some, the need's category and a
/// flat bonus for a unit of the need's alliance. The category a coordinator files a need
/// under is a strong hint on our evaluation sets, but it is a prior, not evidence: a
/// document with neither a word nor a meaning among the nearest is no match at all. The
/// service scope's proximity and the quantity fit count as a little more text
/// (`PROXIMITY_LIFT` and `QUANTITY_LIFT` BM25 at full, added before the text is mapped onto
/// 0–1): they order resources of about the same relevance, but do not lift a weak text over a
/// strong one, and pruning sees them (as flat bonuses it could not, and had to score in full
/// every document whose text came within their reach of the cut). The weights were chosen on
/// the two labelled sets before the third was scored (BENCHMARKS.md).
const W_TEXT: f64 = 0.5;
pub const W_CATEGORY: f64 = 0.4;
const W_ALLIANCE: f64 = 0.05;
pub(super) const PROXIMITY_LIFT: f64 = 0.5;
const QUANTITY_LIFT: f64 = 0.25;
/// What the meaning adds at most (a cosine of 1): see [`meaning_score`].
const W_MEANING: f64 = 1.2;
/// The cosine of two texts' embeddings below which they are taken to say unrelated things:
/// the model puts almost any two Chinese sentences above 0.7, so the scale starts here.
const MEANING_FLOOR: f32 = 0.85;
/// How many of the documents nearest in meaning are offered whether or not they share a word.
pub(super) const MEANING_CANDIDATES: usize = 20;
/// The cosine from which meaning alone is evidence (a document sharing no word may be one
/// of the candidates). The model's cosines are compressed — on the two labelled sets
/// unrelated pairs lie at 0.84–0.89, related ones at 0.87–0.95 — so this is about the 75th
/// percentile of unrelated pairs and the 5th of related ones: it keeps a court or a sandbag
/// loan away from an old man's lunch and leaves both sets' scores where they were without it.
pub(super) const MEANING_EVIDENCE: f32 = 0.87;
/// What the category clause adds inside the query: far above any text score, so that once
/// enough same-category documents are found, WAND skips the blocks without one. The final
/// score counts the category as `W_CATEGORY`; [`document_score`] takes the clause off.
pub(super) const CATEGORY_CLAUSE: f32 = 64.0;
/// What the alliance clause adds inside the query: about the BM25 that the alliance bonus is
/// worth near the top of a match (it varies with the text score), so that pruning's cut is
/// close to exact for resources with and without it alike; any value keeps it exact.
pub(super) const ALLIANCE_CLAUSE: f32 = 8.0;
/// BM25 is unbounded; `b / (b + TEXT_HALF)` maps it onto [0, 1) without depending on the
/// other hits, so a score means the same from one query to the next.
const TEXT_HALF: f64 = 3.0;

/// What a match query's constant clauses add to a document that has them.
#[derive(Clone, Default)]
pub(super) struct Constants {
    /// 0 without a category clause (no document of the parts read has the category).
    pub(super) category: f32,
    /// `Some` when the query tells exactly which documents get the alliance bonus: they,
    /// and only they, score this much more (`Some(0.0)`: none can get it). `None` when it
    /// cannot tell (needs have no alliance terms by part; a probe of several alliances).
    pub(super) alliance: Option<f32>,
    /// `Some` when the query scores proximity: for each region of the probe's chain, in the
    /// order of [`Filter::covers`](super::filter::Filter::covers), what its clause adds to a
    /// resource scoped there (0 for the city, which has no clause, and when no resource has
    /// that scope). Keyed by the region the collector found the resource under, not by its
    /// proximity's value, so two levels may one day be worth the same. `None` when the query
    /// does not score proximity (needs have no scope terms by part).
    pub(super) proximity: Option<Vec<f32>>,
    /// What the category counts in the final score: [`W_CATEGORY`] unless the city's
    /// reviewers have taught otherwise (`MatchOptions::category_weight`).
    pub(super) category_weight: Option<f64>,
}

impl Constants {
    fn category_weight(&self) -> f64 {
        self.category_weight.unwrap_or(W_CATEGORY)
    }

    /// What the proximity clause adds to a document scoped at the probe's `region`-th region.
    fn proximity(&self, region: usize) -> f32 {
        self.proximity
            .as_ref()
            .and_then(|lifts| lifts.get(region))
            .copied()
            .unwrap_or(0.0)
    }
}

/// The least text score (BM25 without the constant clauses) that counts as sharing a word:
/// a document that only has the alliance or the proximity clause is near or an ally but not a
/// match. Far above the float rounding of the clauses (about 1e-5 of the 72 they add up to
/// at most), far below what any word that says something scores (a word in half of all
/// documents, as a weak synonym in a description, scores about 0.03).
const MATCHED_TEXT: f32 = 1e-4;

/// What a document that passes the filters brings to its final score besides its query
/// score, as the collector reads it from the document's record.
#[derive(Clone, Copy)]
pub(super) struct Signals {
    /// It has the probe's category.
    pub(super) category_match: bool,
    /// It belongs to one of the probe's alliances.
    pub(super) same_alliance: bool,
    /// How near its scope is (see [`proximity`]).
    pub(super) near: f64,
    /// Where in [`Filter::covers`](super::filter::Filter::covers) the probe's region it was
    /// found under stands: which proximity clause it has.
    pub(super) region: usize,
    /// See [`quantity_fit`].
    pub(super) quantity_fit: f64,
    /// See [`meaning_score`] (0 without an embedding on either side).
    pub(super) meaning: f64,
    /// It is among the nearest in meaning (see `meaning`): evidence without a shared word.
    pub(super) candidate: bool,
}

/// 0 at [`MEANING_FLOOR`] and below, 1 at a cosine of 1.
pub(super) fn meaning_score(cosine: f32) -> f64 {
    f64::from(((cosine - MEANING_FLOOR) / (1.0 - MEANING_FLOOR)).clamp(0.0, 1.0))
}

/// The final score of a document with `query_score` (what the query gave it, constant clauses
/// included) and `signals`; `None` when it is no match (it shares no word and is not among
/// the nearest in meaning: of the same category, near or an ally only).
pub(super) fn document_score(c: &Constants, query_score: f32, signals: &Signals) -> Option<f64> {
    let category_match = signals.category_match;
    // The text's score without the constant clauses; the final score counts the category and
    // the alliance apart, and the proximity as its exact lift.
    let text = query_score
        - if category_match { c.category } else { 0.0 }
        - match c.alliance {
            Some(clause) if signals.same_alliance => clause,
            _ => 0.0,
        }
        - c.proximity(signals.region);
    if text < MATCHED_TEXT && !signals.candidate {
        return None;
    }
    // A document has the clauses taken off (see `query::text_query`): off by float rounding
    // at most, never by a whole clause.
    debug_assert!(text > -1e-3, "text score {text} of {query_score}");
    Some(final_score(c, text.max(0.0), signals))
}

/// The final score from the text's BM25 and the signals.
fn final_score(c: &Constants, bm25: f32, signals: &Signals) -> f64 {
    let b = f64::from(bm25) + PROXIMITY_LIFT * signals.near + QUANTITY_LIFT * signals.quantity_fit;
    let text = b / (b + TEXT_HALF);
    let score = W_TEXT * text
        + W_MEANING * signals.meaning
        + if signals.category_match {
            c.category_weight()
        } else {
            0.0
        }
        + if signals.same_alliance {
            W_ALLIANCE
        } else {
            0.0
        };
    (score * 10_000.0).round() / 10_000.0
}

/// The query score below which a document cannot reach `worst` (a final score), whatever
/// its quantity fit (and its proximity when the query does not score it): the least over
/// each kind of document the query can tell apart (with or without the category, with or
/// without the alliance; one it cannot tell apart is assumed to have the bonus), of the
/// least text score that kind needs plus what its constant clauses add. The documents the text
/// query offers are not among the nearest in meaning (those are offered apart): their meaning
/// adds at most `meaning_rest` (see `meaning::Meaning::rest`).
pub(super) fn least_query_score(c: &Constants, worst: f64, meaning_rest: f64) -> f32 {
    // Final scores are rounded to 1e-4: a document that rounds to `worst` may still win
    // on its id, so leave that much room.
    let target = worst - 2e-4;
    // What a document may add to its query score on the way to its final score: its
    // quantity fit, and its proximity unless the query's clauses have it already.
    let slack = QUANTITY_LIFT
        + if c.proximity.is_some() {
            0.0
        } else {
            PROXIMITY_LIFT
        };
    // The least BM25 (as `final_score` takes it, with the proximity when the query
    // scores it) that reaches `target` with `bonus`, whatever the slack adds.
    let least_bm25 = |bonus: f64| -> Option<f64> {
        let t = (target - bonus - W_MEANING * meaning_rest) / W_TEXT;
        if t <= 0.0 {
            Some(0.0)
        } else if t >= 1.0 {
            None
        } else {
            Some((TEXT_HALF * t / (1.0 - t) - slack).max(0.0))
        }
    };
    let mut least: Option<f64> = None;
    for category in [false, true] {
        // Without the clause no document of the part has the category.
        if category && c.category <= 0.0 {
            continue;
        }
        for alliance in [false, true] {
            // Which documents the query can tell have the bonus: those of the clause, or
            // none; when it cannot tell, every document may have it.
            let possible = match c.alliance {
                Some(clause) => !alliance || clause > 0.0,
                None => alliance,
            };
            if !possible {
                continue;
            }
            let bonus = if category { c.category_weight() } else { 0.0 }
                + if alliance { W_ALLIANCE } else { 0.0 };
            let Some(b) = least_bm25(bonus) else {
                continue;
            };
            let q = if category {
                b + f64::from(c.category)
            } else {
                b
            } + if alliance {
                f64::from(c.alliance.unwrap_or(0.0))
            } else {
                0.0
            };
            least = Some(least.map_or(q, |l| l.min(q)));
        }
    }
    match least {
        // Leave a little room for float rounding in the scorers.
        Some(least) => (least * 0.999 - 1e-3) as f32,
        None => f32::MAX,
    }
}

/// How near a scope is, as shown to the user and as a score from 0 to 1.
pub(super) type Proximity = (&'static str, f64);

/// Closer service scopes rank higher: community, then street, district, city.
pub(super) fn proximity(term: &str) -> Proximity {
    match term.chars().next() {
        Some('m') => ("本社区", 1.0),
        Some('s') => ("本街道", 0.66),
        Some('d') => ("本区县", 0.33),
        _ => ("全市", 0.0),
    }
}

/// How much of the need's quantity the offer covers (0.5 when either is unknown).
pub(super) fn quantity_fit(probe_kind: Kind, probe_quantity: Option<i32>, other: i64) -> f64 {
    match probe_quantity.map(i64::from) {
        Some(p) if p > 0 && other > 0 => {
            let (need, offer) = if probe_kind == Kind::Need {
                (p, other)
            } else {
                (other, p)
            };
            (offer as f64 / need as f64).min(1.0)
        }
        _ => 0.5,
    }
}
