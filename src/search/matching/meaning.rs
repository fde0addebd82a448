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

use std::collections::{BTreeSet, HashMap};
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

#[derive(Default, Clone)]
pub(super) struct SegmentMeaning {
    /// The meaning score of every passing document above the floor.
    pub(super) scores: HashMap<tantivy::DocId, f64>,
    /// The candidates, by document number (ascending, the order a scorer seeks in).
    pub(super) candidates: BTreeSet<tantivy::DocId>,
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
        // (score, id, segment, doc) of every document above the floor.
        let mut all: Vec<(f64, u64, u32, tantivy::DocId)> = Vec::new();
        vectors.with(target, |get| -> Result<()> {
            for (ord, reader) in searcher.segment_readers().iter().enumerate() {
                let Some(columns) = SegmentFilter::open(reader, filter, cache)? else {
                    continue;
                };
                let ord = ord as u32;
                let seg = segments.entry(ord).or_default();
                for doc in 0..reader.max_doc() {
                    if columns.accepts(doc).is_none() {
                        continue;
                    }
                    let id = columns.attrs.docs[doc as usize].id;
                    let Some(v) = i64::try_from(id).ok().and_then(get) else {
                        continue;
                    };
                    let m = meaning_score(probe.cosine(v));
                    if m > 0.0 {
                        seg.scores.insert(doc, m);
                        all.push((m, id, ord, doc));
                    }
                }
            }
            Ok(())
        })?;
        all.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let evidence = meaning_score(MEANING_EVIDENCE);
        let chosen = all
            .iter()
            .take(MEANING_CANDIDATES)
            .take_while(|a| a.0 >= evidence)
            .count();
        let rest = all.get(chosen).map_or(0.0, |r| r.0);
        for &(_, _, ord, doc) in &all[..chosen] {
            segments.entry(ord).or_default().candidates.insert(doc);
        }
        let segments = segments
            .into_iter()
            .map(|(k, v)| (k, Arc::new(v)))
            .collect();
        Ok(Meaning { segments, rest })
    }
}
