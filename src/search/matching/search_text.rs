//! Free-text search of one list (needs or resources), with filters and highlighted snippets:
//! the same query terms and text query as a match, scored by tantivy's own top-k.

use std::collections::HashMap;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, TantivyDocument, Term};

use super::query::{BodyStats, Lookup, text_query};
use super::terms::query_terms;
use crate::error::Result;
use crate::search::documents::{self, Kind};
use crate::search::schema::Fields;
use crate::search::{Search, analyzer, blocking_err};

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

/// A page of free-text search on the index; `regions` is the city's tree (as cached by the
/// caller), which tells this city's parts of the index from other cities'.
pub fn search_text(
    search: &Search,
    sq: &SearchQuery,
    regions: &documents::Regions,
) -> Result<(usize, Vec<Hit>)> {
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
            let mut parts = parts_in_index(&searcher, f)?;
            // This city's parts: a district the cached tree does not know yet is kept.
            let city = documents::region_term("city", sq.city_id);
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
