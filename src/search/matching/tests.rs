use std::collections::{HashMap, HashSet};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

use super::filter::SegmentFilter;
use super::score::Constants;
use super::*;
use crate::search::analyzer;
use crate::search::vectors::{DIM, Vector, Vectors};

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
    super::super::index::register(&index);
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
    // Meaning: each resource's vector leans to one of eight topics, by a random amount,
    // so that some are near the probe's and most are not (every tenth has none yet).
    let topic = |t: usize| -> Vec<f32> {
        (0..DIM)
            .map(|i| if i % 8 == t { 1.0 } else { 0.0 })
            .collect()
    };
    let unit = |v: Vec<f32>| -> Vector {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        Vector::quantize(&v.iter().map(|x| x / n).collect::<Vec<_>>())
    };
    let vectors = Vectors::default();
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
        if below(10) != 0 {
            let lean = topic(below(8) as usize);
            let strength = (1 + below(4)) as f32;
            let mix: Vec<f32> = lean.iter().map(|x| x * strength + 0.3).collect();
            vectors.put(Kind::Resource, id as i64, unit(mix));
        }
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
    let probe_vector = unit(topic(3).iter().map(|x| x + 0.3).collect());
    let with_meaning = std::cell::Cell::new(false);
    let run = |probe: &Probe, opts: &MatchOptions, exhaustive: bool| {
        EXHAUSTIVE.set(exhaustive);
        OFFERED.set(0);
        let terms = query_terms(None, probe.title, probe.description);
        let meaning = with_meaning.get().then_some((&probe_vector, &vectors));
        let ranked = rank_with(&searcher, &f, &cache, probe, &terms, opts, meaning).unwrap();
        let found: Vec<(i64, f64, &str, bool)> = ranked
            .iter()
            .map(|r| (r.id, r.score, r.scope_relation, r.same_alliance))
            .collect();
        (found, OFFERED.get())
    };
    let need = |alliances: Vec<i64>, category: &'static str| Probe {
        kind: Kind::Need,
        id: None,
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
        category_weight: None,
    };
    // The alliance clause and the category clause, each present or not (an alliance no
    // unit is in, none at all, a category nobody offers), a category filter, small pages,
    // the need placed at another street and at the district (other proximity clauses), and
    // the category weighed less, as a city's reviewers may teach.
    let lighter = MatchOptions {
        category_weight: Some(0.15),
        ..opts(20, None)
    };
    let cases = [
        (need(vec![6], "养老助残"), opts(20, None)),
        (need(vec![99], "养老助残"), opts(20, None)),
        (need(Vec::new(), "养老助残"), opts(20, None)),
        (need(vec![6], "文体活动"), opts(20, None)),
        (need(vec![6], "养老助残"), opts(5, Some("法律服务"))),
        (need(vec![6], "养老助残"), opts(1, None)),
        (placed(&["s2", "d1", "c1"]), opts(20, None)),
        (placed(&["d1", "c1"]), opts(20, None)),
        (need(vec![6], "养老助残"), lighter),
    ];
    // Each with and without meaning (the nearest offered first, the others' meaning in
    // the bound).
    for meaning in [false, true] {
        with_meaning.set(meaning);
        for (probe, opts) in &cases {
            let (everything, scored) = run(probe, opts, true);
            let (pruned, offered) = run(probe, opts, false);
            assert_eq!(
                pruned, everything,
                "meaning {meaning}: {:?} {}",
                probe.alliances, probe.category
            );
            assert_eq!(pruned.len(), opts.limit);
            assert!(pruned.iter().all(|(id, ..)| id % 13 != 0), "{pruned:?}");
            assert!(offered < scored, "pruned {offered} of {scored}");
        }
    }
    with_meaning.set(false);
    // The lighter category weight is in play: it changes the best 20.
    let last = cases.len() - 1;
    assert_ne!(
        run(&cases[0].0, &cases[0].1, false).0,
        run(&cases[last].0, &cases[last].1, false).0
    );
    // In the first case several scopes and the alliance made the cut: every bonus was in
    // play; and pruning skipped most documents.
    let (pruned, offered) = run(&cases[0].0, &cases[0].1, false);
    let (_, scored) = run(&cases[0].0, &cases[0].1, true);
    let scopes: HashSet<&str> = pruned.iter().map(|(_, _, s, _)| *s).collect();
    assert!(scopes.len() > 1, "{pruned:?}");
    assert!(pruned.iter().any(|(_, _, _, allied)| *allied), "{pruned:?}");
    assert!(offered * 2 < scored, "pruned {offered} of {scored}");
    // With room for all of them, the matches are exactly the resources that pass the
    // filters and share a word: those of the same category, the near ones and the allied
    // ones that share none (offered by those clauses alone) are not among them.
    let probe = need(vec![6], "养老助残");
    let words: HashSet<String> = query_terms(None, probe.title, probe.description)
        .into_iter()
        .map(|t| t.term)
        .collect();
    let passes = |id: &i64, w: &Written| {
        w.available && id % 13 != 0 && probe.covers.iter().any(|c| c == w.scope)
    };
    let related = |w: &Written| analyzer::terms(&w.text).iter().any(|t| words.contains(t));
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
    let same_category_only = written
        .iter()
        .filter(|(id, w)| passes(id, w) && !related(w) && w.category == probe.category)
        .count();
    assert!(same_category_only >= 10, "{same_category_only}");
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
        super::super::index::register(&index);
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
    let with_freqs =
        |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) };
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
    super::super::index::register(&index);
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
