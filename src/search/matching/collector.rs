//! The collector of a match: the exact best `limit` documents by final score among those that
//! pass the filters, giving block-max WAND the least query score that could still make the
//! cut (see [`least_query_score`]) so that it skips the rest.

use super::Ranked;
use super::attrs::AttrCache;
use super::filter::{Filter, SegmentFilter};
use super::meaning::{Meaning, SegmentMeaning};
use super::score::{Signals, document_score, least_query_score, quantity_fit};

/// The best `limit` documents by final score passing a [`Filter`], ties broken by id (so which
/// documents survive the cut never depends on where they sit in the index: two instances, a
/// merge or a rebuild give the same answer).
pub(super) struct FilteredTop<'a> {
    limit: usize,
    filter: std::sync::Arc<Filter>,
    cache: &'a AttrCache,
    meaning: Option<Meaning>,
    /// The best so far over the segments already searched: each segment starts from them, so
    /// WAND prunes from its first block with the bar the earlier segments set, instead of
    /// finding it again from nothing (segments are searched one after the other; were they
    /// searched at once, each would just start with what is there).
    best: std::sync::Mutex<std::collections::BinaryHeap<std::cmp::Reverse<Kept>>>,
}

/// One kept document with its reasons; `Ord` puts the better one last (higher score, then
/// lower id).
#[derive(Clone, Copy, PartialEq)]
pub(super) struct Kept {
    score: f64,
    id: u64,
    scope_relation: &'static str,
    category_match: bool,
    same_alliance: bool,
    /// Its meaning score when it is among the nearest in meaning.
    meaning: Option<f64>,
}

impl Eq for Kept {}

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.score
            .total_cmp(&other.score)
            .then(other.id.cmp(&self.id))
    }
}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

pub(super) struct FilteredTopSegment {
    limit: usize,
    filter: std::sync::Arc<Filter>,
    columns: Option<SegmentFilter>,
    /// A min-heap of the best so far: its top is the one to beat.
    kept: std::collections::BinaryHeap<std::cmp::Reverse<Kept>>,
    /// The query score to beat, as [`Self::work_out_bar`] makes it from the worst kept:
    /// updated when the kept change, since most offers change nothing.
    bar: f32,
    /// The meaning of this segment's documents, when the probe has an embedding.
    meaning: Option<std::sync::Arc<SegmentMeaning>>,
    /// What meaning adds at most to a document that is not a candidate.
    meaning_rest: f64,
}

impl FilteredTopSegment {
    /// Offers a document with its query score; returns the query score a document must now
    /// exceed to have a chance.
    fn offer(&mut self, doc: tantivy::DocId, query_score: f32) -> f32 {
        #[cfg(test)]
        super::tests::OFFERED.set(super::tests::OFFERED.get() + 1);
        let f = &*self.filter;
        if let Some(columns) = &self.columns
            && let Some(((scope_relation, near), region)) = columns.accepts(doc)
        {
            let category_match = columns.same_category(doc);
            let a = &columns.attrs.docs[doc as usize];
            let same_alliance = columns
                .same_alliance
                .get(a.alliances as usize)
                .copied()
                .unwrap_or(false);
            let (meaning, candidate) = match &self.meaning {
                Some(m) => (m.score(doc), m.is_candidate(doc)),
                None => (0.0, false),
            };
            let signals = Signals {
                category_match,
                same_alliance,
                near,
                region,
                quantity_fit: quantity_fit(f.probe_kind, f.probe_quantity, i64::from(a.quantity)),
                meaning,
                candidate,
            };
            let Some(score) = document_score(&f.constants, query_score, &signals) else {
                return self.bar();
            };
            let kept = Kept {
                score,
                id: a.id,
                scope_relation,
                category_match,
                same_alliance,
                meaning: candidate.then_some(meaning),
            };
            self.keep(kept);
        }
        self.bar()
    }

    fn keep(&mut self, kept: Kept) {
        if self.kept.len() < self.limit {
            self.kept.push(std::cmp::Reverse(kept));
        } else if self.kept.peek().is_some_and(|worst| kept > worst.0) {
            self.kept.pop();
            self.kept.push(std::cmp::Reverse(kept));
        } else {
            return;
        }
        self.bar = self.work_out_bar();
    }

    /// The query score a document must exceed to have a chance.
    fn bar(&self) -> f32 {
        self.bar
    }

    fn work_out_bar(&self) -> f32 {
        #[cfg(test)]
        if super::tests::EXHAUSTIVE.get() {
            return f32::MIN;
        }
        match self.kept.peek() {
            Some(worst) if self.kept.len() >= self.limit => {
                least_query_score(&self.filter.constants, worst.0.score, self.meaning_rest)
            }
            _ => f32::MIN,
        }
    }
}

impl tantivy::collector::SegmentCollector for FilteredTopSegment {
    type Fruit = Vec<Kept>;

    fn collect(&mut self, doc: tantivy::DocId, score: tantivy::Score) {
        self.offer(doc, score);
    }

    fn harvest(self) -> Vec<Kept> {
        self.kept.into_iter().map(|k| k.0).collect()
    }
}

impl<'a> FilteredTop<'a> {
    pub(super) fn new(
        limit: usize,
        filter: std::sync::Arc<Filter>,
        cache: &'a AttrCache,
        meaning: Option<Meaning>,
    ) -> Self {
        FilteredTop {
            limit,
            filter,
            cache,
            meaning,
            best: Default::default(),
        }
    }

    fn best(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::BinaryHeap<std::cmp::Reverse<Kept>>> {
        self.best
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl tantivy::collector::Collector for FilteredTop<'_> {
    type Fruit = Vec<Ranked>;
    type Child = FilteredTopSegment;

    fn for_segment(
        &self,
        segment: u32,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<FilteredTopSegment> {
        let columns = SegmentFilter::open(reader, &self.filter, self.cache)
            .map_err(|e| tantivy::TantivyError::InternalError(e.to_string()))?;
        Ok(FilteredTopSegment {
            limit: self.limit,
            filter: self.filter.clone(),
            columns,
            kept: std::collections::BinaryHeap::with_capacity(self.limit + 1),
            bar: f32::MIN,
            meaning: self
                .meaning
                .as_ref()
                .map(|m| m.segments.get(&segment).cloned().unwrap_or_default()),
            meaning_rest: self.meaning.as_ref().map_or(0.0, |m| m.rest),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn collect_segment(
        &self,
        weight: &dyn tantivy::query::Weight,
        segment: u32,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<Vec<Kept>> {
        let mut child = self.for_segment(segment, reader)?;
        if child.columns.is_none() || self.limit == 0 {
            return Ok(Vec::new());
        }
        child.kept = std::mem::take(&mut *self.best());
        child.bar = child.work_out_bar();
        // The nearest in meaning first, each with its query score whatever it is (0 when it
        // has none of the query's words or clauses); then the text query, which skips them.
        let meaning = child.meaning.clone().unwrap_or_default();
        let candidates = &meaning.candidates;
        if !candidates.is_empty() {
            use tantivy::DocSet;
            let mut scorer = weight.scorer(reader, 1.0)?;
            for &doc in candidates {
                let score = if scorer.doc() <= doc && scorer.seek(doc) == doc {
                    scorer.score()
                } else {
                    0.0
                };
                child.offer(doc, score);
            }
        }
        let bar = child.bar();
        weight.for_each_pruning(bar, reader, &mut |doc, score| {
            if meaning.is_candidate(doc) {
                child.bar()
            } else {
                child.offer(doc, score)
            }
        })?;
        let mut best = self.best();
        // Empty unless another segment was searched at the same time: keep the better.
        for k in std::mem::take(&mut *best) {
            child.keep(k.0);
        }
        *best = child.kept;
        Ok(Vec::new())
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Kept>>) -> tantivy::Result<Vec<Ranked>> {
        let best = std::mem::take(&mut *self.best());
        let mut all: Vec<Kept> = fruits
            .into_iter()
            .flatten()
            .chain(best.into_iter().map(|k| k.0))
            .collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        all.truncate(self.limit);
        Ok(all
            .into_iter()
            .map(|k| Ranked {
                id: k.id as i64,
                score: k.score,
                matched_terms: Vec::new(),
                scope_relation: k.scope_relation,
                category_match: k.category_match,
                same_alliance: k.same_alliance,
                meaning: k.meaning,
                learned: None,
            })
            .collect())
    }
}
