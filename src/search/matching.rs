//! Ranking resources for a need (and needs for a resource), and free-text search.
//!
//! Hard filters (kind, city, status, scope covering the place, availability window) are
//! `Must` clauses with no score, applied inside the index query before the limit. Text
//! relevance is BM25 over the analyzed title (boosted), tags and description, with the query
//! widened by the synonym dictionary. The best candidates are then re-ranked with category,
//! proximity, alliance membership and quantity fit; ties break by id, so the order is stable.

use std::collections::{HashMap, HashSet};
use std::ops::Bound;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, TantivyDocument, Term};

use super::analyzer;
use super::documents::{Kind, day};
use super::schema::Fields;
use super::synonyms::Synonyms;
use super::{Search, blocking_err};
use crate::error::Result;

/// Candidates taken by BM25 before re-ranking.
const CANDIDATES: usize = 100;
/// Query terms kept from a long text (title and tags first).
const MAX_TERMS: usize = 64;
const SYNONYM_WEIGHT: f32 = 0.7;
const DESCRIPTION_WEIGHT: f32 = 0.5;
const WEAK_WEIGHT: f32 = 0.3;
/// How the final score (0–1) is made: text relevance and the need's category carry most of it
/// (the category a coordinator files a need under is a strong hint, measured on the
/// evaluation set); service-scope proximity, alliance membership and quantity fit break ties.
const W_TEXT: f64 = 0.5;
const W_CATEGORY: f64 = 0.4;
const W_PROXIMITY: f64 = 0.05;
const W_ALLIANCE: f64 = 0.03;
const W_QUANTITY: f64 = 0.02;
/// The BM25-scale score a document gets for sharing the query's category.
const CATEGORY_SCORE: f32 = 0.5;

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

/// Text relevance over title, tags and description. With a category, documents of that
/// category are candidates too even when they share no word (a coordinator who files a need
/// under 养老助残 wants to see that category's offers), with a small constant score.
fn text_query(f: &Fields, terms: &[QueryTerm], category: Option<&str>) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(c) = category {
        let same = TermQuery::new(
            Term::from_field_text(f.category, c),
            IndexRecordOption::Basic,
        );
        clauses.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(Box::new(same), CATEGORY_SCORE)),
        ));
    }
    for t in terms {
        for (field, boost) in [(f.title, 3.0), (f.tags, 2.0), (f.description, 1.0)] {
            let q = TermQuery::new(
                Term::from_field_text(field, &t.term),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), boost * t.weight)),
            ));
        }
    }
    Box::new(BooleanQuery::new(clauses))
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

fn day_range(field: Field, low: Bound<i64>, high: Bound<i64>) -> RangeQuery {
    let t = |b: Bound<i64>| match b {
        Bound::Included(v) => Bound::Included(Term::from_field_i64(field, v)),
        Bound::Excluded(v) => Bound::Excluded(Term::from_field_i64(field, v)),
        Bound::Unbounded => Bound::Unbounded,
    };
    RangeQuery::new(t(low), t(high))
}

/// What a match is ranked on, read from the index.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: i64,
    pub address: DocAddress,
    pub bm25: f32,
    pub category: String,
    pub covers: Vec<String>,
    pub alliances: Vec<i64>,
    pub quantity: i64,
}

#[derive(Debug, Clone)]
pub struct Ranked {
    pub candidate: Candidate,
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

/// Ranks the other side for `probe`. Results are ids with scores and reasons; the caller
/// re-checks them against the database before showing them.
pub fn rank(search: &Search, probe: &Probe, opts: &MatchOptions) -> Result<Vec<Ranked>> {
    let synonyms = search.synonyms();
    let terms = query_terms(
        opts.synonyms.then_some(&*synonyms),
        &format!("{} {}", probe.title, probe.tags.join(" ")),
        probe.description,
    );
    rank_with(&search.searcher(), &search.fields, probe, &terms, opts)
}

/// [`rank`] over any index of our schema with the given query terms (the evaluation uses it
/// for its baselines).
pub fn rank_with(
    searcher: &tantivy::Searcher,
    f: &Fields,
    probe: &Probe,
    terms: &[QueryTerm],
    opts: &MatchOptions,
) -> Result<Vec<Ranked>> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let today = day(crate::time::today());
    let target = match probe.kind {
        Kind::Need => Kind::Resource,
        Kind::Resource => Kind::Need,
    };
    let mut clauses = vec![
        (Occur::Must, text_query(f, terms, Some(probe.category))),
        filter(term(f.kind, target.as_str())),
        filter(TermQuery::new(
            Term::from_field_u64(f.city, probe.city_id as u64),
            IndexRecordOption::Basic,
        )),
    ];
    // Only what can still be taken up: an available resource, an open need; in the region
    // terms the probe covers; not past its end (a resource still offered today, a need not
    // past its date, nor due before the resource becomes available).
    let status = match target {
        Kind::Resource => "available",
        Kind::Need => "open",
    };
    let covers: Vec<Term> = probe
        .covers
        .iter()
        .map(|c| Term::from_field_text(f.covers, c))
        .collect();
    clauses.push(filter(term(f.status, status)));
    clauses.push(filter(TermSetQuery::new(covers)));
    clauses.push(filter(day_range(
        f.until,
        Bound::Included(today.max(probe.window.0)),
        Bound::Unbounded,
    )));
    if target == Kind::Resource {
        // ... and a resource that starts before the need's date.
        clauses.push(filter(day_range(
            f.from,
            Bound::Unbounded,
            Bound::Included(probe.window.1),
        )));
    }
    if let Some(c) = &opts.category {
        clauses.push(filter(term(f.category, c)));
    }
    let query = BooleanQuery::new(clauses);
    // Equal scores are ordered by id, inside the collector, so which candidates survive the
    // cut never depends on where documents sit in the index (two instances, a merge or a
    // rebuild give the same answer).
    let by_score_then_id =
        TopDocs::with_limit(CANDIDATES).tweak_score(|segment: &tantivy::SegmentReader| {
            let ids = segment.fast_fields().u64("id").ok();
            move |doc: tantivy::DocId, score: tantivy::Score| {
                (
                    score,
                    std::cmp::Reverse(ids.as_ref().and_then(|c| c.first(doc)).unwrap_or(u64::MAX)),
                )
            }
        });
    let hits: Vec<(f32, DocAddress)> = searcher
        .search(&query, &by_score_then_id)
        .map_err(blocking_err)?
        .into_iter()
        .map(|((score, _), addr)| (score, addr))
        .collect();
    // Ranking signals come from fast fields (columns), not stored documents: decompressing a
    // stored document per candidate would cost more than the whole query.
    let mut ranked = Vec::with_capacity(hits.len());
    let mut columns: HashMap<u32, Columns> = HashMap::new();
    for (bm25, addr) in hits {
        let cols = match columns.entry(addr.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(Columns::open(searcher.segment_reader(addr.segment_ord))?)
            }
        };
        let candidate = cols.candidate(addr, bm25)?;
        ranked.push(score(probe, candidate));
    }
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.candidate.id.cmp(&b.candidate.id))
    });
    ranked.retain(|r| r.score >= opts.min_score);
    ranked.truncate(opts.limit);
    for r in &mut ranked {
        let doc: TantivyDocument = searcher.doc(r.candidate.address).map_err(blocking_err)?;
        let text_of = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let text = format!(
            "{} {} {}",
            text_of(f.title),
            text_of(f.tags),
            text_of(f.description)
        );
        r.matched_terms = matched_terms(terms, &text);
    }
    Ok(ranked)
}

/// The fast-field columns of one segment.
struct Columns {
    id: tantivy::columnar::Column<u64>,
    category: Option<tantivy::columnar::StrColumn>,
    covers: Option<tantivy::columnar::StrColumn>,
    alliances: tantivy::columnar::Column<u64>,
    quantity: tantivy::columnar::Column<i64>,
}

impl Columns {
    fn open(segment: &tantivy::SegmentReader) -> Result<Self> {
        let ff = segment.fast_fields();
        Ok(Columns {
            id: ff.u64("id").map_err(blocking_err)?,
            category: ff.str("category").map_err(blocking_err)?,
            covers: ff.str("covers").map_err(blocking_err)?,
            alliances: ff.u64("alliances").map_err(blocking_err)?,
            quantity: ff.i64("quantity").map_err(blocking_err)?,
        })
    }

    fn strings(column: &Option<tantivy::columnar::StrColumn>, doc: u32) -> Result<Vec<String>> {
        let Some(c) = column else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for ord in c.term_ords(doc) {
            let mut s = String::new();
            c.ord_to_str(ord, &mut s).map_err(blocking_err)?;
            out.push(s);
        }
        Ok(out)
    }

    fn candidate(&self, addr: DocAddress, bm25: f32) -> Result<Candidate> {
        let doc = addr.doc_id;
        Ok(Candidate {
            id: self.id.first(doc).unwrap_or(0) as i64,
            address: addr,
            bm25,
            category: Self::strings(&self.category, doc)?
                .into_iter()
                .next()
                .unwrap_or_default(),
            covers: Self::strings(&self.covers, doc)?,
            alliances: self
                .alliances
                .values_for_doc(doc)
                .map(|a| a as i64)
                .collect(),
            quantity: self.quantity.first(doc).unwrap_or(0),
        })
    }
}

/// Closer service scopes rank higher: community, then street, district, city.
fn proximity(term: &str) -> (&'static str, f64) {
    match term.chars().next() {
        Some('m') => ("本社区", 1.0),
        Some('s') => ("本街道", 0.66),
        Some('d') => ("本区县", 0.33),
        _ => ("全市", 0.0),
    }
}

fn score(probe: &Probe, c: Candidate) -> Ranked {
    // BM25 is unbounded; this maps it onto [0, 1) without depending on the other hits, so a
    // score means the same from one query to the next.
    let text = f64::from(c.bm25) / (f64::from(c.bm25) + 3.0);
    let category_match = c.category == probe.category;
    // The resource's scope term decides the relation: for a need it is the candidate's,
    // for a resource it is the probe's own.
    let scope_term = match probe.kind {
        Kind::Need => c.covers.first().cloned().unwrap_or_default(),
        Kind::Resource => probe.covers.first().cloned().unwrap_or_default(),
    };
    let (scope_relation, near) = proximity(&scope_term);
    let same_alliance = c.alliances.iter().any(|a| probe.alliances.contains(a));
    let quantity_fit = match (probe.quantity.map(i64::from), c.quantity) {
        (Some(p), q) if p > 0 && q > 0 => {
            let (need, offer) = if probe.kind == Kind::Need {
                (p, q)
            } else {
                (q, p)
            };
            (offer as f64 / need as f64).min(1.0)
        }
        _ => 0.5,
    };
    let score = W_TEXT * text
        + if category_match { W_CATEGORY } else { 0.0 }
        + W_PROXIMITY * near
        + if same_alliance { W_ALLIANCE } else { 0.0 }
        + W_QUANTITY * quantity_fit;
    Ranked {
        score: (score * 10_000.0).round() / 10_000.0,
        candidate: c,
        matched_terms: Vec::new(),
        scope_relation,
        category_match,
        same_alliance,
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
    let text = text_query(f, &terms, None);
    let mut clauses = vec![
        (Occur::Must, text.box_clone()),
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
    let searcher = search.searcher();
    let collector = (
        TopDocs::with_limit(sq.limit.max(1))
            .and_offset(sq.offset)
            .order_by_score(),
        Count,
    );
    let (hits, total) = searcher.search(&query, &collector).map_err(blocking_err)?;
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

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
