//! A plain copy, per segment, of the columns the filters and the final score read for each
//! document the text query offers, and the per-generation word counts, kept in one cache
//! that follows the index reader.

use std::collections::HashMap;

use super::query::WordCounts;
use crate::error::Result;
use crate::search::blocking_err;
use crate::search::vectors::Slots;

/// Per segment, a plain copy of the columns that every document the text query offers is
/// tested on. Reading them through tantivy's columns (optional index, bit-unpacking,
/// multi-value ranges) for each of them costs a large share of a match; a segment never changes
/// once written (deletions are a separate bitset, still checked), so the copy is made once,
/// when the reader loads a searcher that has the segment (tantivy's `Warmer`: before any
/// query sees it), and dropped once no live searcher has it. The record also has what the
/// final score of a document that passes reads (its id, quantity and which set of alliances it
/// has), which is most of them since a need's query reads only its part of the city. A record
/// is a few dozen bytes, so a million documents cost tens of megabytes, plus the few distinct
/// alliance sets.
pub(super) struct SegmentAttrs {
    pub(super) docs: Vec<DocAttrs>,
    /// The distinct sets of alliances the segment's documents belong to (a unit is often a
    /// member of several: then every one of its resources has the same set), each sorted;
    /// [`DocAttrs::alliances`] points into it. A query tests each set once per segment.
    pub(super) alliance_sets: Vec<Box<[u64]>>,
    /// Where each document's sentence vector was last found (see [`Slots`]).
    pub(super) slots: Slots,
}

/// One document's filter and score columns; term values as their ordinals in the segment, days as
/// `i32` (see [`day32`]; open ends stay the furthest days, which keeps every comparison).
#[derive(Clone, Copy)]
pub(super) struct DocAttrs {
    /// `covers` ordinal; [`SEVERAL`] for a need (whose place is a chain of terms, read from
    /// the column then), [`NONE`] without any.
    pub(super) cover: u32,
    /// `kind` ordinal << 16 | `status` ordinal.
    pub(super) kind_status: u32,
    pub(super) city: u32,
    pub(super) category: u32,
    pub(super) from: i32,
    pub(super) until: i32,
    pub(super) review_by: i32,
    /// The index of the document's alliances (its unit's, or a need's own) in
    /// [`SegmentAttrs::alliance_sets`], [`NONE`] without any.
    pub(super) alliances: u32,
    pub(super) quantity: i32,
    pub(super) id: u64,
}

pub(super) const NONE: u32 = u32::MAX;
pub(super) const SEVERAL: u32 = u32::MAX - 1;

/// A term ordinal or id as the `u32` the records keep (`None` for the few values that do not
/// fit below the markers).
pub(super) fn fits(o: Option<u64>) -> Option<u32> {
    o.filter(|o| *o < u64::from(SEVERAL)).map(|o| o as u32)
}

pub(super) fn small_ord(o: Option<u64>) -> u32 {
    fits(o).unwrap_or(NONE)
}

/// [`DocAttrs::kind_status`] from the two ordinals ([`NONE`] when either is wider than 16 bits).
pub(super) fn kind_status(kind: u32, status: u32) -> u32 {
    if kind < 0xFFFF && status < 0xFFFF {
        (kind << 16) | status
    } else {
        NONE
    }
}

/// A day as `i32`, clamped one short of either end: `i32::MIN` / `i32::MAX` mark a missing
/// value, which then fails every comparison as it did on the column.
pub(super) fn day32(d: i64) -> i32 {
    d.clamp(i64::from(i32::MIN) + 1, i64::from(i32::MAX) - 1) as i32
}

impl SegmentAttrs {
    fn read(reader: &tantivy::SegmentReader) -> Result<Self> {
        let ff = reader.fast_fields();
        let str_column = |name: &str| ff.str(name).map_err(blocking_err);
        let first_ord = |c: &Option<tantivy::columnar::StrColumn>, doc| {
            small_ord(c.as_ref().and_then(|c| c.term_ords(doc).next()))
        };
        let (covers, kind, status, category) = (
            str_column("covers")?,
            str_column("kind")?,
            str_column("status")?,
            str_column("category")?,
        );
        let city = ff.u64("city").map_err(blocking_err)?;
        let alliances = ff.u64("alliances").map_err(blocking_err)?;
        let quantity = ff.i64("quantity").map_err(blocking_err)?;
        let id = ff.u64("id").map_err(blocking_err)?;
        let from = ff.i64("from").map_err(blocking_err)?;
        let until = ff.i64("until").map_err(blocking_err)?;
        let review_by = ff.i64("review_by").map_err(blocking_err)?;
        let mut alliance_sets: Vec<Box<[u64]>> = Vec::new();
        let mut set_index: HashMap<Box<[u64]>, u32> = HashMap::new();
        // Reused for every document: only a set not seen before is allocated.
        let mut set: Vec<u64> = Vec::new();
        let docs = (0..reader.max_doc())
            .map(|doc| {
                let cover = match &covers {
                    None => NONE,
                    Some(c) => {
                        let mut ords = c.term_ords(doc);
                        match (ords.next(), ords.next()) {
                            (first, None) => small_ord(first),
                            (Some(_), Some(_)) => SEVERAL,
                            (None, Some(_)) => NONE,
                        }
                    }
                };
                DocAttrs {
                    cover,
                    kind_status: kind_status(first_ord(&kind, doc), first_ord(&status, doc)),
                    city: small_ord(city.first(doc)),
                    category: first_ord(&category, doc),
                    from: from.first(doc).map_or(i32::MAX, day32),
                    until: until.first(doc).map_or(i32::MIN, day32),
                    review_by: review_by.first(doc).map_or(i32::MIN, day32),
                    alliances: {
                        set.clear();
                        set.extend(alliances.values_for_doc(doc));
                        set.sort_unstable();
                        set.dedup();
                        if set.is_empty() {
                            NONE
                        } else if let Some(i) = set_index.get(set.as_slice()) {
                            *i
                        } else {
                            let i = alliance_sets.len() as u32;
                            alliance_sets.push(set.as_slice().into());
                            set_index.insert(set.as_slice().into(), i);
                            i
                        }
                    },
                    quantity: quantity.first(doc).map_or(0, |q| {
                        q.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
                    }),
                    id: id.first(doc).unwrap_or(u64::MAX),
                }
            })
            .collect();
        Ok(SegmentAttrs {
            slots: Slots::new(reader.max_doc() as usize),
            docs,
            alliance_sets,
        })
    }
}

/// The [`SegmentAttrs`] of one index's segments. `Search` registers it as its reader's
/// warmer, so copies are made at reload, off the query path; a reader without one (the
/// evaluation's in-memory baseline) gets them on first use.
#[derive(Default)]
pub struct AttrCache {
    segments: std::sync::Mutex<HashMap<tantivy::index::SegmentId, std::sync::Arc<SegmentAttrs>>>,
    /// Per searcher generation, each word's document count. A match weighs 30–60 candidate
    /// words by how common they are, and each count is a term lookup in two fields of every
    /// segment, repeated by every match for counts that only change when the index does.
    /// Exact, since a generation's segments never change; at most the vocabulary of the index
    /// per generation (a few MB), dropped with the generation.
    words: std::sync::Mutex<Vec<(u64, WordCounts)>>,
}

/// How many generations' word counts are kept when no warmer drops them (a reader without
/// one, like the evaluation's baseline); the live ones are two at most.
const GENERATIONS_KEPT: usize = 4;

impl AttrCache {
    /// The word counts shared by the queries of `searcher`'s generation.
    pub(super) fn word_counts(&self, searcher: &tantivy::Searcher) -> WordCounts {
        let generation = searcher.generation().generation_id();
        let mut all = self.words_lock();
        if let Some((_, counts)) = all.iter().find(|(g, _)| *g == generation) {
            return counts.clone();
        }
        let counts = WordCounts::default();
        all.push((generation, counts.clone()));
        if all.len() > GENERATIONS_KEPT {
            // Generations are numbered in order: the oldest goes.
            if let Some(oldest) = all.iter().map(|(g, _)| *g).min() {
                all.retain(|(g, _)| *g != oldest);
            }
        }
        counts
    }

    pub(super) fn words_lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, WordCounts)>> {
        self.words
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(super) fn get(
        &self,
        reader: &tantivy::SegmentReader,
    ) -> Result<std::sync::Arc<SegmentAttrs>> {
        let id = reader.segment_id();
        if let Some(a) = self.lock().get(&id) {
            return Ok(a.clone());
        }
        // Read outside the lock: two queries meeting a new segment at once may both read it.
        let attrs = std::sync::Arc::new(SegmentAttrs::read(reader)?);
        self.lock().insert(id, attrs.clone());
        Ok(attrs)
    }

    pub(super) fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<tantivy::index::SegmentId, std::sync::Arc<SegmentAttrs>>>
    {
        self.segments
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl tantivy::Warmer for AttrCache {
    fn warm(&self, searcher: &tantivy::Searcher) -> tantivy::Result<()> {
        for reader in searcher.segment_readers() {
            if let Err(e) = self.get(reader) {
                // The query that meets the segment reads it then (and fails as clearly).
                tracing::warn!(error = %e, "could not copy a segment's filter columns");
            }
        }
        Ok(())
    }

    fn garbage_collect(&self, live: &[&tantivy::SearcherGeneration]) {
        self.lock()
            .retain(|id, _| live.iter().any(|g| g.segments().contains_key(id)));
        self.words_lock()
            .retain(|(generation, _)| live.iter().any(|g| g.generation_id() == *generation));
    }
}
