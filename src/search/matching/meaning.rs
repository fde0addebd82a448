//! The probe's meaning against the documents that pass its filter: the cosine of the two
//! sentence embeddings, for every such document that has one.
//!
//! The [`MEANING_CANDIDATES`] nearest, if at least [`MEANING_EVIDENCE`] near, are offered to
//! the collector before the text query runs, whatever their words, and count as evidence; the others are found by the text query
//! only, with their meaning added to their score, and [`Meaning::rest`] — the most that adds
//! — goes into pruning's bound. Scoring every passing document is a linear pass over the
//! segment's records (the filter reads them anyway) with one byte dot product each; the
//! candidates are chosen over all segments at once, ties by id, so that they never depend on
//! where a document sits in the index.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use super::attrs::AttrCache;
use super::filter::{Filter, SegmentFilter};
use super::score::{MEANING_CANDIDATES, MEANING_EVIDENCE, meaning_score};
use crate::error::Result;
use crate::search::documents::Kind;
use crate::search::vectors::{Vector, Vectors};

pub(super) struct Meaning {
    /// By segment ordinal; shared with each segment's collector, not copied.
    pub(super) segments: HashMap<u32, Arc<SegmentMeaning>>,
    /// The highest meaning score of a document that is not a candidate.
    pub(super) rest: f64,
}

#[derive(Default)]
pub(super) struct SegmentMeaning {
    /// The cosine of every document by its number whose meaning score is above 0, 0 for the
    /// others; an array rather than a map, since most passing documents lie above the floor.
    cosines: Vec<f32>,
    /// The candidates, by document number (ascending, the order a scorer seeks in).
    pub(super) candidates: Vec<tantivy::DocId>,
}

impl SegmentMeaning {
    pub(super) fn score(&self, doc: tantivy::DocId) -> f64 {
        self.cosines
            .get(doc as usize)
            .map_or(0.0, |&c| meaning_score(c))
    }

    pub(super) fn is_candidate(&self, doc: tantivy::DocId) -> bool {
        self.candidates.binary_search(&doc).is_ok()
    }
}

/// A document nearest in meaning so far, ordered best first: higher score, then lower id.
#[derive(PartialEq)]
struct Near {
    score: f64,
    id: u64,
    ord: u32,
    doc: tantivy::DocId,
}

impl Eq for Near {}

impl Ord for Near {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.score
            .total_cmp(&other.score)
            .then(other.id.cmp(&self.id))
    }
}

impl PartialOrd for Near {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Meaning {
    pub(super) fn find(
        searcher: &tantivy::Searcher,
        filter: &Filter,
        cache: &AttrCache,
        probe: &Vector,
        vectors: &Vectors,
        target: Kind,
    ) -> Result<Self> {
        let mut segments: HashMap<u32, SegmentMeaning> = HashMap::new();
        // The best `MEANING_CANDIDATES + 1` so far, the worst on top: the candidates, and the
        // best of the rest for the bound.
        let mut best: BinaryHeap<Reverse<Near>> = BinaryHeap::new();
        let keep = MEANING_CANDIDATES + 1;
        let lookup = vectors.lookup(target);
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let Some(columns) = SegmentFilter::open(reader, filter, cache)? else {
                continue;
            };
            let ord = ord as u32;
            let mut cosines = vec![0f32; reader.max_doc() as usize];
            for doc in 0..reader.max_doc() {
                if columns.accepts(doc).is_none() {
                    continue;
                }
                let id = columns.attrs.docs[doc as usize].id;
                let Some(cosine) = i64::try_from(id)
                    .ok()
                    .and_then(|id| lookup.cosine(probe, id, columns.attrs.slots.get(doc as usize)))
                else {
                    continue;
                };
                let m = meaning_score(cosine);
                if m <= 0.0 {
                    continue;
                }
                cosines[doc as usize] = cosine;
                let near = Near {
                    score: m,
                    id,
                    ord,
                    doc,
                };
                if best.len() < keep {
                    best.push(Reverse(near));
                } else if best.peek().is_some_and(|w| near > w.0) {
                    best.pop();
                    best.push(Reverse(near));
                }
            }
            segments.insert(
                ord,
                SegmentMeaning {
                    cosines,
                    candidates: Vec::new(),
                },
            );
        }
        drop(lookup);
        // Ascending in `Reverse`: the best first.
        let best: Vec<Near> = best.into_sorted_vec().into_iter().map(|r| r.0).collect();
        let evidence = meaning_score(MEANING_EVIDENCE);
        let chosen = best
            .iter()
            .take(MEANING_CANDIDATES)
            .take_while(|n| n.score >= evidence)
            .count();
        let rest = best.get(chosen).map_or(0.0, |n| n.score);
        for n in &best[..chosen] {
            if let Some(seg) = segments.get_mut(&n.ord) {
                seg.candidates.push(n.doc);
            }
        }
        let segments = segments
            .into_iter()
            .map(|(k, mut v)| {
                v.candidates.sort_unstable();
                (k, Arc::new(v))
            })
            .collect();
        Ok(Meaning { segments, rest })
    }
}
