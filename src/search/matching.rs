//! Ranking resources for a need (and needs for a resource), and free-text search.
//!
//! A match is scored on the need's most telling terms (at most 16, by weight × idf, with the
//! synonym dictionary widening them) against one body field (title ×3, tags ×2,
//! description), plus a category clause. Resources keep that text filed under the part of the
//! city they serve (`placed`), and a need's query reads its district's part and the city's
//! only, scored with the statistics of one field over both lists (`BodyStats`). The text
//! query is a plain union of term queries, so tantivy prunes it with block-max WAND; the hard filters (kind, city, status, scope covering
//! the place, availability window) are checked from fast fields in the collector, which also
//! computes the final score (text, category, proximity, alliance, quantity) and keeps the
//! exact top by it, ties broken by id, so the order is stable. Measured in BENCHMARKS.md.

use std::collections::{HashMap, HashSet};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, TantivyDocument, Term};

use super::analyzer;
use super::documents::{Kind, day};
use super::schema::Fields;
use super::synonyms::Synonyms;
use super::{Search, blocking_err};
use crate::error::Result;

/// Query terms kept from a long text (title and tags first).
const MAX_TERMS: usize = 64;
/// Of those, the ones a match is scored on (see [`most_telling`]).
const MAX_SCORED_TERMS: usize = 16;
const SYNONYM_WEIGHT: f32 = 0.85;
const DESCRIPTION_WEIGHT: f32 = 0.5;
const WEAK_WEIGHT: f32 = 0.3;
/// How the final score (0–1) is made: text relevance and the need's category carry most of it
/// (the category a coordinator files a need under is a strong hint, measured on the
/// evaluation set), and a resource of a unit in the need's alliance gets a flat bonus. The
/// service scope's proximity and the quantity fit count as a little more text
/// (`PROXIMITY_LIFT` and `QUANTITY_LIFT` BM25 at full, added before the text is mapped onto
/// 0–1): they order resources of about the same relevance, but no longer lift a weak text
/// over a strong one. As flat bonuses (0.03 and 0.02, until the sixth slice) they gave the
/// same evaluation, but pruning cannot see them, so every document whose text came within
/// their reach of the cut had to be scored in full: about 10,000 a match at a million
/// resources, where about 40 could make the cut (BENCHMARKS.md). Synonyms count 0.85 of
/// their word; the weights were chosen on the tuned set and checked on the held-out one.
const W_TEXT: f64 = 0.5;
const W_CATEGORY: f64 = 0.4;
const W_ALLIANCE: f64 = 0.05;
const PROXIMITY_LIFT: f64 = 0.5;
const QUANTITY_LIFT: f64 = 0.25;
/// The BM25-scale score a document gets for sharing the query's category.
const CATEGORY_SCORE: f32 = 0.5;
/// What the category clause adds inside the query: far above any text score, so that once
/// enough same-category documents are found, WAND skips the blocks without one. The final
/// score counts the category at `CATEGORY_SCORE`; the collector converts.
const CATEGORY_CLAUSE: f32 = 64.0;
/// What the alliance clause adds inside the query: about the BM25 that the alliance bonus is
/// worth near the top of a match (it varies with the text score), so that pruning's cut is
/// close to exact for resources with and without it alike; any value keeps it exact.
const ALLIANCE_CLAUSE: f32 = 8.0;

/// One weighted query term, and the word of the text it stands for when it is a synonym.
#[derive(Debug, Clone)]
pub struct QueryTerm {
    pub term: String,
    pub weight: f32,
    pub synonym_of: Option<String>,
}

/// The terms of a text, widened by synonyms: title and tags at full weight, the description
/// lower, each synonym a little lower than the word it comes from.
pub fn query_terms(synonyms: Option<&Synonyms>, main: &str, secondary: &str) -> Vec<QueryTerm> {
    let mut out: Vec<QueryTerm> = Vec::new();
    let mut seen = HashSet::new();
    let mut push =
        |term: String, weight: f32, synonym_of: Option<String>, out: &mut Vec<QueryTerm>| {
            if out.len() < MAX_TERMS && seen.insert(term.clone()) {
                out.push(QueryTerm {
                    term,
                    weight,
                    synonym_of,
                });
            }
        };
    let main_terms = analyzer::distinct_terms(main);
    let secondary_terms = analyzer::distinct_terms(secondary);
    for (terms, weight) in [(main_terms, 1.0), (secondary_terms, DESCRIPTION_WEIGHT)] {
        for t in &terms {
            let weight = if analyzer::WEAK_WORDS.contains(&t.as_str()) {
                weight * WEAK_WEIGHT
            } else {
                weight
            };
            push(t.clone(), weight, None, &mut out);
        }
        for t in terms.iter().filter(|_| synonyms.is_some()) {
            for s in synonyms.map(|s| s.expand(t)).unwrap_or_default() {
                push(s, weight * SYNONYM_WEIGHT, Some(t.clone()), &mut out);
            }
        }
    }
    out
}

/// Where a query looks: the text and category fields, and for resources the parts of the city
/// their terms are filed under (see [`Fields::placed`]; `None` for the plain fields of needs).
struct Lookup {
    text: Field,
    topic: Field,
    /// Where a resource's alliances are filed by part (`None` for needs).
    alliance: Option<Field>,
    /// Where a resource's scope is filed by part (`None` for needs).
    scope: Option<Field>,
    parts: Option<Vec<String>>,
}

impl Lookup {
    fn of(f: &Fields, probe: &Probe) -> Self {
        match probe.kind {
            Kind::Need => Lookup::placed(f, super::documents::parts_for(&probe.covers)),
            Kind::Resource => Lookup::plain(f),
        }
    }

    fn plain(f: &Fields) -> Self {
        Lookup {
            text: f.body,
            topic: f.topic,
            alliance: None,
            scope: None,
            parts: None,
        }
    }

    fn placed(f: &Fields, parts: Vec<String>) -> Self {
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
    fn terms(&self, field: Field, word: &str) -> Vec<Term> {
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
/// `topic` says. A resource then scores exactly as it would with its text in `body`, as one
/// index field did before the resources were filed by part (the evaluation is unchanged).
struct BodyStats<'a> {
    searcher: &'a tantivy::Searcher,
    f: &'a Fields,
    /// Each word's count, looked up once per searcher (see [`AttrCache::word_counts`]).
    known: WordCounts,
}

/// How many documents of one searcher have each word (see [`BodyStats::word_freq`]).
type WordCounts = std::sync::Arc<std::sync::Mutex<HashMap<String, u64>>>;

impl<'a> BodyStats<'a> {
    /// With the counts this searcher's queries share, from `cache`; without a cache, this
    /// query's own.
    fn new(searcher: &'a tantivy::Searcher, f: &'a Fields, cache: Option<&AttrCache>) -> Self {
        BodyStats {
            searcher,
            f,
            known: cache.map_or_else(Default::default, |c| c.word_counts(searcher)),
        }
    }

    /// How many documents have `word` in their text (a need's body or a resource's words).
    fn word_freq(&self, word: &str) -> tantivy::Result<u64> {
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
/// [`FilteredTopSegment::least_query_score`]); likewise the resources whose scope is one of
/// the regions of `place` (the need's place and the regions above it) get that region's
/// proximity lift, so the query score already has it. Neither clause alone makes a match
/// (see [`MATCHED_TEXT`]).
fn text_query(
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

/// What a match query's constant clauses add to a document that has them.
#[derive(Clone, Default)]
struct Constants {
    /// 0 without a category clause (no document of the parts read has the category).
    category: f32,
    /// `Some` when the query tells exactly which documents get the alliance bonus: they,
    /// and only they, score this much more (`Some(0.0)`: none can get it). `None` when it
    /// cannot tell (needs have no alliance terms by part; a probe of several alliances).
    alliance: Option<f32>,
    /// `Some` when the query scores proximity: for each region of the probe's chain, in the
    /// order of [`Filter::covers`], what its clause adds to a resource scoped there (0 for the
    /// city, which has no clause, and when no resource has that scope). Keyed by the region
    /// the collector found the resource under, not by its proximity's value, so two levels
    /// may one day be worth the same. `None` when the query does not score proximity (needs
    /// have no scope terms by part).
    proximity: Option<Vec<f32>>,
}

impl Constants {
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

fn filter(q: impl Query) -> (Occur, Box<dyn Query>) {
    (
        Occur::Must,
        Box::new(ConstScoreQuery::new(Box::new(q), 0.0)),
    )
}

fn term(field: Field, value: &str) -> TermQuery {
    TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    )
}

/// What a match must satisfy, and what its final score is made of, checked per document from
/// fast fields while the text query runs. The filters are not `Must` clauses because those
/// would turn off block-max WAND; instead the collector keeps the best documents that pass and
/// tells WAND the least text score that could still displace them, so pruning stays exact.
struct Filter {
    kind: &'static str,
    status: &'static str,
    city: u64,
    /// The document must carry one of these region terms.
    covers: Vec<String>,
    /// Its window must end on or after this day …
    until_at_least: i64,
    /// … it must not be past its review-by date …
    today: i64,
    /// … and, for resources, start on or before this one.
    from_at_most: Option<i64>,
    /// Only this category (the caller's filter).
    only_category: Option<String>,
    /// The probe, for the final score.
    probe_kind: Kind,
    probe_category: String,
    probe_quantity: Option<i32>,
    probe_alliances: Vec<i64>,
    /// The scope relation when it is the probe's own scope (a resource looking for needs).
    own_proximity: Option<Proximity>,
    /// What the query's category, alliance and proximity clauses add (see [`text_query`]).
    constants: Constants,
}

/// Per segment, a plain copy of the columns that every document the text query offers is
/// tested on. Reading them through tantivy's columns (optional index, bit-unpacking,
/// multi-value ranges) was about 40 % of a match at 1M resources; a segment never changes
/// once written (deletions are a separate bitset, still checked), so the copy is made once,
/// when the reader loads a searcher that has the segment (tantivy's `Warmer`: before any
/// query sees it), and dropped once no live searcher has it. The record also has what the
/// final score of a document that passes reads (its id, quantity and which set of alliances it
/// has), which is most of them since a need's query reads only its part of the city. 48 bytes
/// a document: 48 MB at a million, plus the few distinct alliance sets.
struct SegmentAttrs {
    docs: Vec<DocAttrs>,
    /// The distinct sets of alliances the segment's documents belong to (a unit is often a
    /// member of several: then every one of its resources has the same set), each sorted;
    /// [`DocAttrs::alliances`] points into it. A query tests each set once per segment.
    alliance_sets: Vec<Box<[u64]>>,
}

/// One document's filter and score columns; term values as their ordinals in the segment, days as
/// `i32` (see [`day32`]; open ends stay the furthest days, which keeps every comparison).
#[derive(Clone, Copy)]
struct DocAttrs {
    /// `covers` ordinal; [`SEVERAL`] for a need (whose place is a chain of terms, read from
    /// the column then), [`NONE`] without any.
    cover: u32,
    /// `kind` ordinal << 16 | `status` ordinal.
    kind_status: u32,
    city: u32,
    category: u32,
    from: i32,
    until: i32,
    review_by: i32,
    /// The index of the document's alliances (its unit's, or a need's own) in
    /// [`SegmentAttrs::alliance_sets`], [`NONE`] without any.
    alliances: u32,
    quantity: i32,
    id: u64,
}

const NONE: u32 = u32::MAX;
const SEVERAL: u32 = u32::MAX - 1;

/// A term ordinal or id as the `u32` the records keep (`None` for the few values that do not
/// fit below the markers).
fn fits(o: Option<u64>) -> Option<u32> {
    o.filter(|o| *o < u64::from(SEVERAL)).map(|o| o as u32)
}

fn small_ord(o: Option<u64>) -> u32 {
    fits(o).unwrap_or(NONE)
}

/// [`DocAttrs::kind_status`] from the two ordinals ([`NONE`] when either is wider than 16 bits).
fn kind_status(kind: u32, status: u32) -> u32 {
    if kind < 0xFFFF && status < 0xFFFF {
        (kind << 16) | status
    } else {
        NONE
    }
}

/// A day as `i32`, clamped one short of either end: `i32::MIN` / `i32::MAX` mark a missing
/// value, which then fails every comparison as it did on the column.
fn day32(d: i64) -> i32 {
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
    /// segment: about a tenth of a match's time under load, for counts that only change when
    /// the index does. Exact, since a generation's segments never change; at most the
    /// vocabulary of the index per generation (a few MB), dropped with the generation.
    words: std::sync::Mutex<Vec<(u64, WordCounts)>>,
}

/// How many generations' word counts are kept when no warmer drops them (a reader without
/// one, like the evaluation's baseline); the live ones are two at most.
const GENERATIONS_KEPT: usize = 4;

impl AttrCache {
    /// The word counts shared by the queries of `searcher`'s generation.
    fn word_counts(&self, searcher: &tantivy::Searcher) -> WordCounts {
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

    fn words_lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, WordCounts)>> {
        self.words
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, reader: &tantivy::SegmentReader) -> Result<std::sync::Arc<SegmentAttrs>> {
        let id = reader.segment_id();
        if let Some(a) = self.lock().get(&id) {
            return Ok(a.clone());
        }
        // Read outside the lock: two queries meeting a new segment at once may both read it.
        let attrs = std::sync::Arc::new(SegmentAttrs::read(reader)?);
        self.lock().insert(id, attrs.clone());
        Ok(attrs)
    }

    fn lock(
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

/// [`Filter`] resolved against one segment (terms as its ordinals).
struct SegmentFilter {
    attrs: std::sync::Arc<SegmentAttrs>,
    /// The kind and status wanted, as [`DocAttrs::kind_status`] has them.
    kind_status: u32,
    city: u32,
    covers: tantivy::columnar::StrColumn,
    /// The probe's region terms present here, with the proximity each one means and its
    /// place in [`Filter::covers`].
    cover_ords: Vec<(u32, Proximity, usize)>,
    until_at_least: i32,
    today: i32,
    from_at_most: Option<i32>,
    only_category_ord: Option<u32>,
    probe_category_ord: Option<u32>,
    /// Per entry of [`SegmentAttrs::alliance_sets`]: whether it has one of the probe's.
    same_alliance: Vec<bool>,
    alive: Option<tantivy::fastfield::AliveBitSet>,
}

impl SegmentFilter {
    /// `None` when no document of the segment can pass (a wanted term is absent from it).
    fn open(
        reader: &tantivy::SegmentReader,
        filter: &Filter,
        cache: &AttrCache,
    ) -> Result<Option<Self>> {
        let ff = reader.fast_fields();
        let str_column = |name: &str| -> Result<Option<tantivy::columnar::StrColumn>> {
            ff.str(name).map_err(blocking_err)
        };
        let ord = |c: &tantivy::columnar::StrColumn, value: &str| -> Result<Option<u32>> {
            Ok(fits(c.dictionary().term_ord(value).map_err(blocking_err)?))
        };
        let (Some(kind), Some(status), Some(covers)) = (
            str_column("kind")?,
            str_column("status")?,
            str_column("covers")?,
        ) else {
            return Ok(None);
        };
        let (Some(kind_ord), Some(status_ord), Some(city)) = (
            ord(&kind, filter.kind)?,
            ord(&status, filter.status)?,
            fits(Some(filter.city)),
        ) else {
            return Ok(None);
        };
        let wanted_kind_status = kind_status(kind_ord, status_ord);
        if wanted_kind_status == NONE {
            return Ok(None);
        }
        let mut cover_ords = Vec::new();
        for (i, c) in filter.covers.iter().enumerate() {
            if let Some(o) = ord(&covers, c)? {
                cover_ords.push((o, filter.own_proximity.unwrap_or_else(|| proximity(c)), i));
            }
        }
        if cover_ords.is_empty() {
            return Ok(None);
        }
        let category = str_column("category")?;
        let ord_in_category = |value: &str| -> Result<Option<u32>> {
            match &category {
                Some(c) => ord(c, value),
                None => Ok(None),
            }
        };
        let only_category_ord = match filter.only_category.as_deref() {
            None => None,
            Some(c) => match ord_in_category(c)? {
                Some(o) => Some(o),
                None => return Ok(None),
            },
        };
        let probe_category_ord = ord_in_category(&filter.probe_category)?;
        let attrs = cache.get(reader)?;
        let same_alliance = attrs
            .alliance_sets
            .iter()
            .map(|set| {
                filter
                    .probe_alliances
                    .iter()
                    .any(|a| u64::try_from(*a).is_ok_and(|a| set.binary_search(&a).is_ok()))
            })
            .collect();
        Ok(Some(SegmentFilter {
            attrs,
            kind_status: wanted_kind_status,
            city,
            covers,
            cover_ords,
            until_at_least: day32(filter.until_at_least),
            today: day32(filter.today),
            from_at_most: filter.from_at_most.map(day32),
            only_category_ord,
            probe_category_ord,
            same_alliance,
            alive: reader.alive_bitset().cloned(),
        }))
    }

    /// Whether the document shares the probe's category.
    fn same_category(&self, doc: tantivy::DocId) -> bool {
        self.probe_category_ord
            .is_some_and(|c| self.attrs.docs[doc as usize].category == c)
    }

    /// The document's proximity when it passes every filter, with the place in
    /// [`Filter::covers`] of the probe's region it was found under: first what its record says
    /// (one cache line), then its scope (a need's chain of places is read from the column),
    /// then whether it is deleted.
    fn accepts(&self, doc: tantivy::DocId) -> Option<(Proximity, usize)> {
        let a = &self.attrs.docs[doc as usize];
        let pass = a.kind_status == self.kind_status
            && a.city == self.city
            && a.until >= self.until_at_least
            && a.review_by >= self.today
            && self.from_at_most.is_none_or(|max| a.from <= max)
            && self.only_category_ord.is_none_or(|c| a.category == c);
        if !pass {
            return None;
        }
        let wanted = |o: u32| {
            self.cover_ords
                .iter()
                .find(|(wanted, _, _)| *wanted == o)
                .map(|(_, proximity, region)| (*proximity, *region))
        };
        let found = match a.cover {
            NONE => None,
            SEVERAL => self
                .covers
                .term_ords(doc)
                .find_map(|o| wanted(small_ord(Some(o)))),
            o => wanted(o),
        }?;
        self.alive
            .as_ref()
            .is_none_or(|alive| alive.is_alive(doc))
            .then_some(found)
    }
}

/// The best `limit` documents by final score passing a [`Filter`], ties broken by id (so which
/// documents survive the cut never depends on where they sit in the index: two instances, a
/// merge or a rebuild give the same answer).
struct FilteredTop<'a> {
    limit: usize,
    filter: std::sync::Arc<Filter>,
    cache: &'a AttrCache,
    /// The best so far over the segments already searched: each segment starts from them, so
    /// WAND prunes from its first block with the bar the earlier segments set, instead of
    /// finding it again from nothing (segments are searched one after the other; were they
    /// searched at once, each would just start with what is there).
    best: std::sync::Mutex<std::collections::BinaryHeap<std::cmp::Reverse<Kept>>>,
}

/// One kept document with its reasons; `Ord` puts the better one last (higher score, then
/// lower id).
#[derive(Clone, Copy, PartialEq)]
struct Kept {
    score: f64,
    id: u64,
    scope_relation: &'static str,
    category_match: bool,
    same_alliance: bool,
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

struct FilteredTopSegment {
    limit: usize,
    filter: std::sync::Arc<Filter>,
    columns: Option<SegmentFilter>,
    /// A min-heap of the best so far: its top is the one to beat.
    kept: std::collections::BinaryHeap<std::cmp::Reverse<Kept>>,
    /// The query score to beat, as [`Self::work_out_bar`] makes it from the worst kept:
    /// updated when the kept change, since most offers change nothing.
    bar: f32,
}

impl FilteredTopSegment {
    /// Offers a document with its query score; returns the query score a document must now
    /// exceed to have a chance.
    fn offer(&mut self, doc: tantivy::DocId, query_score: f32) -> f32 {
        #[cfg(test)]
        tests::OFFERED.set(tests::OFFERED.get() + 1);
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
            // The text's score without the constant clauses; the final score counts the
            // category as CATEGORY_SCORE more text, the alliance apart, and the proximity as
            // its exact lift.
            let constants = &f.constants;
            let text = query_score
                - if category_match {
                    constants.category
                } else {
                    0.0
                }
                - match constants.alliance {
                    Some(clause) if same_alliance => clause,
                    _ => 0.0,
                }
                - constants.proximity(region);
            if !category_match && text < MATCHED_TEXT {
                return self.bar();
            }
            // A document has the clauses the collector takes off (see `text_query`): off by
            // float rounding at most, never by a whole clause.
            debug_assert!(text > -1e-3, "text score {text} of {query_score}");
            let bm25 = text.max(0.0) + if category_match { CATEGORY_SCORE } else { 0.0 };
            let fit = quantity_fit(f.probe_kind, f.probe_quantity, i64::from(a.quantity));
            let kept = Kept {
                score: final_score(bm25, category_match, near, same_alliance, fit),
                id: a.id,
                scope_relation,
                category_match,
                same_alliance,
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
        if tests::EXHAUSTIVE.get() {
            return f32::MIN;
        }
        match self.kept.peek() {
            Some(worst) if self.kept.len() >= self.limit => self.least_query_score(worst.0.score),
            _ => f32::MIN,
        }
    }

    /// The query score below which a document cannot reach `worst` (a final score), whatever
    /// its quantity fit (and its proximity when the query does not score it): the least over
    /// each kind of document the query can tell apart (with or without the category, with or
    /// without the alliance; one it cannot tell apart is assumed to have the bonus), of the
    /// least text score that kind needs plus what its constant clauses add.
    fn least_query_score(&self, worst: f64) -> f32 {
        // Final scores are rounded to 1e-4: a document that rounds to `worst` may still win
        // on its id, so leave that much room.
        let target = worst - 2e-4;
        let c = &self.filter.constants;
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
            let t = (target - bonus) / W_TEXT;
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
                let bonus = if category { W_CATEGORY } else { 0.0 }
                    + if alliance { W_ALLIANCE } else { 0.0 };
                let Some(b) = least_bm25(bonus) else {
                    continue;
                };
                let q = if category {
                    b - f64::from(CATEGORY_SCORE) + f64::from(c.category)
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

impl FilteredTop<'_> {
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
        _segment: u32,
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
        let bar = child.bar();
        weight.for_each_pruning(bar, reader, &mut |doc, score| child.offer(doc, score))?;
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
            })
            .collect())
    }
}

/// A ranked match: the other side's id, its final score and the reasons for it.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub id: i64,
    pub score: f64,
    pub matched_terms: Vec<(String, Option<String>)>,
    pub scope_relation: &'static str,
    pub category_match: bool,
    pub same_alliance: bool,
}

/// The side a match is computed from: a need looking for resources, or a resource for needs.
pub struct Probe<'a> {
    pub kind: Kind,
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
    let ranked = rank_by(&stats, &search.attrs, probe, &terms, opts)?;
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

/// The `keep` terms that say most about the text — weight times inverse document frequency,
/// as "more like this" queries pick them — in their original order. A whole need text gives
/// 30–60 terms; scoring every document that shares any of them (社区, 居民 …) is what makes a
/// query slow at a million resources, and those common words barely move BM25 anyway.
fn most_telling(stats: &BodyStats, terms: Vec<QueryTerm>, keep: usize) -> Vec<QueryTerm> {
    let n = stats.searcher.num_docs() as f64;
    let mut scored: Vec<(f64, usize)> = terms
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let df = stats.word_freq(&t.term).unwrap_or(0) as f64;
            (df > 0.0).then(|| {
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                (f64::from(t.weight) * idf, i)
            })
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.truncate(keep);
    let mut chosen: Vec<usize> = scored.into_iter().map(|(_, i)| i).collect();
    chosen.sort_unstable();
    chosen.into_iter().map(|i| terms[i].clone()).collect()
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
) -> Result<Vec<Ranked>> {
    rank_by(
        &BodyStats::new(searcher, f, Some(cache)),
        cache,
        probe,
        terms,
        opts,
    )
}

fn rank_by(
    stats: &BodyStats,
    cache: &AttrCache,
    probe: &Probe,
    terms: &[QueryTerm],
    opts: &MatchOptions,
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
    let (query, constants) = text_query(
        stats,
        &at,
        terms,
        Some(probe.category),
        &probe.alliances,
        &probe.covers,
    )?;
    // No word of the text is in the index and no document shares the category: nothing to
    // rank (with only the category, its documents are still offered, best fit first).
    if terms.is_empty() && constants.category == 0.0 {
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
    let collector = FilteredTop {
        limit: opts.limit,
        filter,
        cache,
        best: Default::default(),
    };
    // Best first, exactly `limit` at most (see `FilteredTop`).
    let mut ranked = searcher
        .search_with_statistics_provider(&query, &collector, stats)
        .map_err(blocking_err)?;
    ranked.retain(|r| r.score >= opts.min_score);
    Ok(ranked)
}

/// How near a scope is, as shown to the user and as a score from 0 to 1.
type Proximity = (&'static str, f64);

/// Closer service scopes rank higher: community, then street, district, city.
fn proximity(term: &str) -> Proximity {
    match term.chars().next() {
        Some('m') => ("本社区", 1.0),
        Some('s') => ("本街道", 0.66),
        Some('d') => ("本区县", 0.33),
        _ => ("全市", 0.0),
    }
}

/// BM25 is unbounded; `b / (b + TEXT_HALF)` maps it onto [0, 1) without depending on the
/// other hits, so a score means the same from one query to the next.
const TEXT_HALF: f64 = 3.0;

fn final_score(
    bm25: f32,
    category_match: bool,
    near: f64,
    same_alliance: bool,
    quantity_fit: f64,
) -> f64 {
    let b = f64::from(bm25) + PROXIMITY_LIFT * near + QUANTITY_LIFT * quantity_fit;
    let text = b / (b + TEXT_HALF);
    let score = W_TEXT * text
        + if category_match { W_CATEGORY } else { 0.0 }
        + if same_alliance { W_ALLIANCE } else { 0.0 };
    (score * 10_000.0).round() / 10_000.0
}

/// How much of the need's quantity the offer covers (0.5 when either is unknown).
fn quantity_fit(probe_kind: Kind, probe_quantity: Option<i32>, other: i64) -> f64 {
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

/// The query terms the candidate's text contains, each with the word it stands for when it
/// matched as a synonym.
fn matched_terms(terms: &[QueryTerm], text: &str) -> Vec<(String, Option<String>)> {
    let present: HashSet<String> = analyzer::terms(text).into_iter().collect();
    terms
        .iter()
        .filter(|t| present.contains(&t.term))
        .map(|t| (t.term.clone(), t.synonym_of.clone()))
        .collect()
}

/// Free-text search of one list, with filters and highlighted snippets.
pub struct SearchQuery<'a> {
    pub city_id: i64,
    pub q: &'a str,
    pub kind: Kind,
    pub category: Option<&'a str>,
    pub status: Option<&'a str>,
    pub within: Option<String>,
    pub offset: usize,
    pub limit: usize,
}

pub struct Hit {
    pub id: i64,
    pub score: f32,
    pub title_html: String,
    pub description_html: String,
}

pub fn search_text(search: &Search, sq: &SearchQuery) -> Result<(usize, Vec<Hit>)> {
    let f = &search.fields;
    let synonyms = search.synonyms();
    let terms = query_terms(Some(&*synonyms), sq.q, "");
    if terms.is_empty() {
        return Ok((0, Vec::new()));
    }
    let searcher = search.searcher();
    let stats = BodyStats::new(&searcher, f, Some(&search.attrs));
    let at = match sq.kind {
        Kind::Need => Lookup::plain(f),
        Kind::Resource => {
            let regions = search.regions();
            let mut parts = parts_in_index(&searcher, f)?;
            // This city's parts: a district the cached tree does not know yet is kept.
            let city = super::documents::region_term("city", sq.city_id);
            parts.retain(|p| *p == city || regions.district_of_city(p, sq.city_id) != Some(false));
            Lookup::placed(f, parts)
        }
    };
    let (text, _) = text_query(&stats, &at, &terms, None, &[], &[])?;
    let mut clauses = vec![
        (Occur::Must, Box::new(text.clone()) as Box<dyn Query>),
        filter(term(f.kind, sq.kind.as_str())),
        filter(TermQuery::new(
            Term::from_field_u64(f.city, sq.city_id as u64),
            IndexRecordOption::Basic,
        )),
    ];
    if let Some(c) = sq.category {
        clauses.push(filter(term(f.category, c)));
    }
    if let Some(s) = sq.status {
        clauses.push(filter(term(f.status, s)));
    }
    if let Some(w) = &sq.within {
        clauses.push(filter(term(f.within, w)));
    }
    let query = BooleanQuery::new(clauses);
    let collector = (
        TopDocs::with_limit(sq.limit.max(1))
            .and_offset(sq.offset)
            .order_by_score(),
        Count,
    );
    let (hits, total) = searcher
        .search_with_statistics_provider(&query, &collector, &stats)
        .map_err(blocking_err)?;
    // Snippets cut the text with jieba's default mode, whose tokens never overlap: tantivy's
    // snippet code assumes ordered, non-overlapping offsets, which search mode (parts before
    // the whole word) does not give.
    let highlight: std::collections::BTreeMap<String, f32> =
        terms.iter().map(|t| (t.term.clone(), t.weight)).collect();
    let cut = || tantivy::tokenizer::TextAnalyzer::from(analyzer::ChineseTokenizer::whole_words());
    let title_snippets = SnippetGenerator::new(highlight.clone(), cut(), f.title, 150);
    let description_snippets = SnippetGenerator::new(highlight, cut(), f.description, 120);
    let mut ordered: Vec<(f32, i64, DocAddress)> = Vec::with_capacity(hits.len());
    let mut docs: HashMap<DocAddress, TantivyDocument> = HashMap::new();
    for (score, addr) in hits {
        let doc: TantivyDocument = searcher.doc(addr).map_err(blocking_err)?;
        let id = doc.get_first(f.id).and_then(|v| v.as_u64()).unwrap_or(0) as i64;
        ordered.push((score, id, addr));
        docs.insert(addr, doc);
    }
    ordered.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let hits = ordered
        .into_iter()
        .map(|(score, id, addr)| {
            let doc = &docs[&addr];
            let html = |g: &SnippetGenerator, field: Field| {
                let snippet = g.snippet_from_doc(doc);
                if snippet.fragment().is_empty() {
                    let plain = doc
                        .get_first(field)
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    html_escape(&plain.chars().take(120).collect::<String>())
                } else {
                    snippet.to_html()
                }
            };
            Hit {
                id,
                score,
                title_html: html(&title_snippets, f.title),
                description_html: html(&description_snippets, f.description),
            }
        })
        .collect();
    Ok((total, hits))
}

/// Every part that resources can be filed under (see [`Fields::placed`]), as the index has
/// them: the city and district terms of `within` (a few dozen, read from each segment's term
/// dictionary, so a district added since the region tree was cached is included).
fn parts_in_index(searcher: &tantivy::Searcher, f: &Fields) -> Result<Vec<String>> {
    let mut parts = std::collections::BTreeSet::new();
    for reader in searcher.segment_readers() {
        let index = reader.inverted_index(f.within).map_err(blocking_err)?;
        // Region terms start with their level's letter: city `c`, district `d`.
        let mut stream = index
            .terms()
            .range()
            .ge("c")
            .lt("e")
            .into_stream()
            .map_err(blocking_err)?;
        while stream.advance() {
            if let Ok(part) = std::str::from_utf8(stream.key()) {
                parts.insert(part.to_owned());
            }
        }
    }
    Ok(parts.into_iter().collect())
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::TantivyDocument;

    thread_local! {
        /// Turns pruning off (the collector then sees every document the query matches).
        pub(super) static EXHAUSTIVE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        /// Documents offered to the collector on this thread.
        pub(super) static OFFERED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    /// Pruning is exact: with the bar the collector gives WAND, a need's matches (ids, scores
    /// and order) are the same as when every matching document is scored, over resources
    /// of every scope, alliance, quantity and category, in several segments, with many ties.
    #[test]
    fn pruning_keeps_exactly_the_best() {
        const WORDS: [&str; 12] = [
            "送餐", "老年", "食堂", "助餐", "上门", "午餐", "法律", "咨询", "义诊", "体检", "社区",
            "服务",
        ];
        let (schema, f) = super::super::schema::build();
        let index = tantivy::Index::create_in_ram(schema);
        super::super::register(&index);
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        let mut seed = 0x5EED_u64;
        // What was written of each resource, to tell which the need must match.
        struct Written {
            text: String,
            category: &'static str,
            scope: &'static str,
            available: bool,
            alliances: Vec<i64>,
        }
        let mut written = HashMap::new();
        let mut below = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        for id in 1..=3_000 {
            // The need's own community, another one of its street, its street, another
            // street and a community of it, its district, the city, another district; filed
            // under the part `documents::part_of` gives them (the district, or the city).
            let chain: &[&str] = [
                &["m1", "s1", "d1", "c1"][..],
                &["m2", "s1", "d1", "c1"],
                &["s1", "d1", "c1"],
                &["s2", "d1", "c1"],
                &["m3", "s2", "d1", "c1"],
                &["d1", "c1"],
                &["c1"],
                &["d2", "c1"],
            ][below(8) as usize];
            let scope = chain[0];
            let chain: Vec<String> = chain.iter().map(|t| t.to_string()).collect();
            let part = super::super::documents::part_of(&chain).unwrap_or("c1");
            let text: Vec<&str> = (0..2 + below(5))
                .map(|_| WORDS[below(WORDS.len() as u64) as usize])
                .collect();
            let text = text.join("");
            let status = if below(10) == 0 {
                "withdrawn"
            } else {
                "available"
            };
            let category = ["养老助残", "法律服务"][below(2) as usize];
            let mut d = TantivyDocument::default();
            d.add_u64(f.id, id);
            d.add_text(f.kind, "resource");
            d.add_u64(f.city, 1);
            d.add_text(f.status, status);
            d.add_text(f.category, category);
            d.add_text(f.topic, category);
            d.add_text(f.placed_topic, analyzer::placed_term(part, category));
            d.add_text(f.placed_scope, analyzer::placed_term(part, scope));
            d.add_text(f.covers, scope);
            d.add_i64(f.from, i64::MIN);
            d.add_i64(f.until, i64::MAX);
            d.add_i64(f.review_by, i64::MAX);
            d.add_i64(f.quantity, below(40) as i64);
            d.add_text(f.placed, analyzer::placed_value(part, &text));
            d.add_text(f.words, &text);
            let alliances: Vec<i64> = (0..below(3)).map(|a| (5 + a + below(3)) as i64).collect();
            super::super::documents::add_alliances(&f, &mut d, part, &alliances);
            writer.add_document(d).unwrap();
            written.insert(
                id as i64,
                Written {
                    text,
                    category,
                    scope,
                    available: status == "available",
                    alliances,
                },
            );
            if id % 700 == 0 {
                writer.commit().unwrap();
            }
        }
        // Some deleted (still in the postings until merged away).
        for id in (13..=3_000).step_by(13) {
            writer.delete_term(Term::from_field_u64(f.id, id));
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        let cache = AttrCache::default();
        let run = |probe: &Probe, opts: &MatchOptions, exhaustive: bool| {
            EXHAUSTIVE.set(exhaustive);
            OFFERED.set(0);
            let terms = query_terms(None, probe.title, probe.description);
            let ranked = rank_with(&searcher, &f, &cache, probe, &terms, opts).unwrap();
            let found: Vec<(i64, f64, &str, bool)> = ranked
                .iter()
                .map(|r| (r.id, r.score, r.scope_relation, r.same_alliance))
                .collect();
            (found, OFFERED.get())
        };
        let need = |alliances: Vec<i64>, category: &'static str| Probe {
            kind: Kind::Need,
            city_id: 1,
            title: "老年食堂送餐",
            tags: &[],
            description: "社区老人需要午餐上门",
            category,
            quantity: Some(20),
            covers: ["m1", "s1", "d1", "c1"].map(String::from).into(),
            alliances,
            window: (i64::MIN, i64::MAX),
        };
        // The same need placed higher up: fewer proximity clauses, other regions' resources.
        let placed = |covers: &[&str]| Probe {
            covers: covers.iter().map(|c| c.to_string()).collect(),
            ..need(vec![6], "养老助残")
        };
        let opts = |limit: usize, category: Option<&str>| MatchOptions {
            limit,
            category: category.map(str::to_owned),
            min_score: 0.0,
            synonyms: false,
        };
        // The alliance clause and the category clause, each present or not (an alliance no
        // unit is in, none at all, a category nobody offers), a category filter, small pages,
        // and the need placed at another street and at the district (other proximity clauses).
        let cases = [
            (need(vec![6], "养老助残"), opts(20, None)),
            (need(vec![99], "养老助残"), opts(20, None)),
            (need(Vec::new(), "养老助残"), opts(20, None)),
            (need(vec![6], "文体活动"), opts(20, None)),
            (need(vec![6], "养老助残"), opts(5, Some("法律服务"))),
            (need(vec![6], "养老助残"), opts(1, None)),
            (placed(&["s2", "d1", "c1"]), opts(20, None)),
            (placed(&["d1", "c1"]), opts(20, None)),
        ];
        for (probe, opts) in &cases {
            let (everything, scored) = run(probe, opts, true);
            let (pruned, offered) = run(probe, opts, false);
            assert_eq!(
                pruned, everything,
                "{:?} {}",
                probe.alliances, probe.category
            );
            assert_eq!(pruned.len(), opts.limit);
            assert!(pruned.iter().all(|(id, ..)| id % 13 != 0), "{pruned:?}");
            assert!(offered < scored, "pruned {offered} of {scored}");
        }
        // In the first case several scopes and the alliance made the cut: every bonus was in
        // play; and pruning skipped most documents.
        let (pruned, offered) = run(&cases[0].0, &cases[0].1, false);
        let (_, scored) = run(&cases[0].0, &cases[0].1, true);
        let scopes: HashSet<&str> = pruned.iter().map(|(_, _, s, _)| *s).collect();
        assert!(scopes.len() > 1, "{pruned:?}");
        assert!(pruned.iter().any(|(_, _, _, allied)| *allied), "{pruned:?}");
        assert!(offered * 2 < scored, "pruned {offered} of {scored}");
        // With room for all of them, the matches are exactly the resources that pass the
        // filters and share a word or the category: the near ones and the allied ones that
        // share neither (offered by those clauses alone) are not among them.
        let probe = need(vec![6], "养老助残");
        let words: HashSet<String> = query_terms(None, probe.title, probe.description)
            .into_iter()
            .map(|t| t.term)
            .collect();
        let passes = |id: &i64, w: &Written| {
            w.available && id % 13 != 0 && probe.covers.iter().any(|c| c == w.scope)
        };
        let related = |w: &Written| {
            w.category == probe.category
                || analyzer::terms(&w.text).iter().any(|t| words.contains(t))
        };
        let (all, _) = run(&probe, &opts(3_000, None), false);
        let found: HashSet<i64> = all.iter().map(|(id, ..)| *id).collect();
        let expected: HashSet<i64> = written
            .iter()
            .filter(|(id, w)| passes(id, w) && related(w))
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(found, expected);
        let near_or_allied_only = written
            .iter()
            .filter(|(id, w)| {
                passes(id, w) && !related(w) && (w.scope != "c1" || w.alliances.contains(&6))
            })
            .count();
        assert!(near_or_allied_only >= 10, "{near_or_allied_only}");
    }

    fn resource(f: &Fields, id: u64, scope: &str, status: &str) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        d.add_u64(f.id, id);
        d.add_text(f.kind, "resource");
        d.add_u64(f.city, 1);
        d.add_text(f.status, status);
        d.add_text(f.category, "养老助残");
        d.add_text(f.covers, scope);
        d.add_i64(f.from, i64::MIN);
        d.add_i64(f.until, i64::MAX);
        d.add_i64(f.review_by, i64::MAX);
        d.add_i64(f.quantity, 0);
        d
    }

    /// A resource filed under its part scores exactly as it would with its text in `body`
    /// (the layout before parts: same idf over both lists, same length normalisation), and a
    /// need's body likewise; a part's query finds only that part's resources.
    #[test]
    fn filed_by_part_scores_as_one_body() {
        let docs = [
            (1, "d1", "老年食堂送餐上门"),
            (2, "d1", "送餐"),
            (3, "c9", "社区送餐服务，每天中午送到家里，两荤一素"),
            (4, "d2", "法律咨询"),
            (5, "", "独居老人需要送餐"),
            (6, "", "孩子放学后没人管"),
        ];
        let index = |parts: bool| {
            let (schema, f) = super::super::schema::build();
            let index = tantivy::Index::create_in_ram(schema);
            super::super::register(&index);
            let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
            for (id, part, text) in docs {
                let mut d = resource(&f, id, part, "available");
                if part.is_empty() || !parts {
                    d.add_text(f.body, text);
                } else {
                    d.add_text(f.placed, analyzer::placed_value(part, text));
                    d.add_text(f.words, text);
                }
                writer.add_document(d).unwrap();
            }
            writer.commit().unwrap();
            (index.reader().unwrap().searcher(), f)
        };
        let scores = |searcher: &tantivy::Searcher, f: &Fields, q: &dyn Query| {
            let stats = BodyStats::new(searcher, f, None);
            let top = TopDocs::with_limit(10).order_by_score();
            let hits = searcher
                .search_with_statistics_provider(q, &top, &stats)
                .unwrap();
            let mut out: Vec<(u64, f32)> = hits
                .into_iter()
                .map(|(score, addr)| {
                    let doc: TantivyDocument = searcher.doc(addr).unwrap();
                    (doc.get_first(f.id).unwrap().as_u64().unwrap(), score)
                })
                .collect();
            out.sort_by_key(|(id, _)| *id);
            out
        };
        let with_freqs = |t: Term| -> Box<dyn Query> {
            Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs))
        };
        let (one_body, f) = index(false);
        let before = scores(
            &one_body,
            &f,
            &*with_freqs(Term::from_field_text(f.body, "送餐")),
        );
        assert_eq!(before.len(), 4, "{before:?}");

        let (by_part, f) = index(true);
        let at = Lookup::placed(&f, vec!["d1".into(), "c9".into(), "d2".into()]);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = at
            .terms(at.text, "送餐")
            .into_iter()
            .map(|t| (Occur::Should, with_freqs(t)))
            .collect();
        clauses.push((
            Occur::Should,
            with_freqs(Term::from_field_text(f.body, "送餐")),
        ));
        assert_eq!(scores(&by_part, &f, &BooleanQuery::new(clauses)), before);

        // One part's query reads that part's resources only.
        let only_d1 = Lookup::placed(&f, vec!["d1".into()]);
        let q = with_freqs(only_d1.terms(only_d1.text, "送餐").remove(0));
        let d1: Vec<u64> = scores(&by_part, &f, &*q)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(d1, [1, 2]);
        assert!(
            Lookup::placed(&f, Vec::new())
                .terms(f.placed, "送餐")
                .is_empty()
        );
    }

    /// The copies follow the reader: made for each segment when a searcher is loaded, kept
    /// while a live searcher has the segment, dropped after a merge replaces it; and what
    /// they hold matches the columns (open windows pass, the wrong status or place does not).
    #[test]
    fn segment_copies_follow_the_reader() {
        let (f, cache, reader, mut writer) = warmed_index();
        writer
            .add_document(resource(&f, 1, "c1", "available"))
            .unwrap();
        writer
            .add_document(resource(&f, 2, "m7", "withdrawn"))
            .unwrap();
        writer.commit().unwrap();
        writer
            .add_document(resource(&f, 3, "m8", "available"))
            .unwrap();
        writer.commit().unwrap();
        reader.reload().unwrap();
        let searcher = reader.searcher();
        let ids: Vec<_> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        assert_eq!(ids.len(), 2);
        assert!(ids.iter().all(|id| cache.lock().contains_key(id)));

        let filter = Filter {
            kind: "resource",
            status: "available",
            city: 1,
            covers: vec!["c1".into(), "m7".into()],
            until_at_least: 20_000,
            today: 20_000,
            from_at_most: Some(i64::MAX),
            only_category: None,
            probe_kind: Kind::Need,
            probe_category: "养老助残".into(),
            probe_quantity: None,
            probe_alliances: Vec::new(),
            own_proximity: None,
            constants: Constants::default(),
        };
        let mut accepted = Vec::new();
        for r in searcher.segment_readers() {
            let Some(sf) = SegmentFilter::open(r, &filter, &cache).unwrap() else {
                continue;
            };
            let id = r.fast_fields().u64("id").unwrap();
            for doc in 0..r.max_doc() {
                if sf.accepts(doc).is_some() {
                    accepted.push(id.first(doc).unwrap());
                }
            }
        }
        // 2 is withdrawn, 3 serves another community.
        assert_eq!(accepted, vec![1]);

        writer.merge(&ids).wait().unwrap();
        reader.reload().unwrap();
        drop(searcher);
        let live: Vec<_> = reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        assert!(live.iter().all(|id| cache.lock().contains_key(id)));
        // tantivy collects garbage on its own thread, every second or so, once no searcher
        // holds the old segments.
        let gone = (0..100).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            let cache = cache.lock();
            ids.iter().all(|id| !cache.contains_key(id))
        });
        assert!(gone, "the merged-away segments' copies are dropped");
        assert!(live.iter().all(|id| cache.lock().contains_key(id)));
    }

    /// An index in memory whose reader has an [`AttrCache`] as its warmer (reloaded by hand),
    /// with a writer.
    fn warmed_index() -> (
        Fields,
        std::sync::Arc<AttrCache>,
        tantivy::IndexReader,
        tantivy::IndexWriter,
    ) {
        let (schema, f) = super::super::schema::build();
        let index = tantivy::Index::create_in_ram(schema);
        super::super::register(&index);
        let cache = std::sync::Arc::new(AttrCache::default());
        let warmer: std::sync::Weak<dyn tantivy::Warmer> = std::sync::Arc::downgrade(&cache) as _;
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .warmers(vec![warmer])
            .try_into()
            .unwrap();
        let writer = index.writer(15_000_000).unwrap();
        (f, cache, reader, writer)
    }

    /// A word's count is shared by the queries of one searcher generation, is counted again
    /// for the next one (never stale), and goes with its generation.
    #[test]
    fn word_counts_follow_the_generation() {
        let (f, cache, reader, mut writer) = warmed_index();
        let mut add = |id: u64| {
            let mut d = resource(&f, id, "c1", "available");
            d.add_text(f.words, "送餐");
            writer.add_document(d).unwrap();
            writer.commit().unwrap();
            reader.reload().unwrap();
            reader.searcher()
        };
        let count = |searcher: &tantivy::Searcher| {
            BodyStats::new(searcher, &f, Some(&cache))
                .word_freq("送餐")
                .unwrap()
        };
        let first = add(1);
        assert_eq!(count(&first), 1);
        assert_eq!(cache.words_lock().len(), 1);
        assert_eq!(cache.word_counts(&first).lock().unwrap()["送餐"], 1);
        let second = add(2);
        assert_eq!(count(&second), 2, "a new generation counts again");
        assert_eq!(
            count(&first),
            1,
            "a searcher still in use keeps its own counts"
        );
        let generation = first.generation().generation_id();
        drop(first);
        let gone = (0..100).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            cache.words_lock().iter().all(|(g, _)| *g != generation)
        });
        assert!(gone, "the old generation's counts are dropped");
        assert_eq!(count(&second), 2);
    }
}
