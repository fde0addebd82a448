//! Matching at scale, in process: `cargo bench --bench matching`.
//!
//! For each size (default 10k and 100k resources; `LIANMENG_BENCH_SIZES=10000,100000,1000000`
//! for more) the bench builds a fresh SQLite database with the demo city plus synthetic
//! resources (`demo::synthetic`), rebuilds the search index from it (the bulk-indexing rate,
//! reading the rows from SQLite and waiting for merges included, and the index size), then matches every open demo need — whole need texts, as the
//! endpoint does — and prints percentiles for the index alone and for the full match with its
//! database re-check (the index is asked for 20, as the endpoint does for a page of 10), the
//! throughput with two tasks, and the SQL LIKE baseline on the first 20 needs as a latency
//! ratio to the full match of the same needs. Criterion then measures the full match on its own terms.
//! `LIANMENG_BENCH_MERGE=1` merges the index into one segment first, so that two versions of the
//! code are compared on the same layout (a rebuild leaves between 4 and 11 segments).
//! `LIANMENG_BENCH_REBUILD=0`, with `LIANMENG_BENCH_DIR`, matches against the index the last run
//! left there instead of rebuilding it (no indexing rate then): for comparing query-side changes
//! without waiting a minute per run at a million. An index without every document of the
//! database (rows just seeded, or none kept) is rebuilt anyway.

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::Criterion;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};

use lianmeng::config::Config;
use lianmeng::domain::matching::{NeedProbe, for_need};
use lianmeng::search::matching::{MatchOptions, rank};

const ADMIN_PASSWORD: &str = "bench-admin-password";
/// The SQL baseline scans the table per query: a few needs are enough to see its latency.
const SQL_SAMPLES: usize = 20;

fn main() {
    // The embedder would spend an hour on 100,000 synthetic rows in the background while the
    // matches are timed: the bench embeds a sample itself and fills the vectors (see
    // `fill_vectors`). Set before any thread starts.
    // SAFETY: no other thread exists yet.
    unsafe { std::env::set_var("LIANMENG_EMBEDDINGS", "off") };
    let sizes: Vec<usize> = std::env::var("LIANMENG_BENCH_SIZES")
        .ok()
        .map(|s| {
            s.split(',')
                .map(|n| n.trim().parse().expect("LIANMENG_BENCH_SIZES: numbers"))
                .collect()
        })
        .unwrap_or_else(|| vec![10_000, 100_000]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut criterion = Criterion::default()
        .sample_size(50)
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    for size in sizes {
        bench_size(&rt, &mut criterion, size);
    }
    criterion.final_summary();
}

fn options() -> MatchOptions {
    options_with_limit(10)
}

/// The endpoint asks the index for ten more than it shows (see `domain::matching`).
fn index_options() -> MatchOptions {
    options_with_limit(20)
}

fn options_with_limit(limit: usize) -> MatchOptions {
    MatchOptions {
        limit,
        category: None,
        min_score: 0.0,
        synonyms: true,
        category_weight: None,
    }
}

fn bench_size(rt: &tokio::runtime::Runtime, criterion: &mut Criterion, size: usize) {
    // `LIANMENG_BENCH_DIR=path` keeps the seeded database (one per size) between runs, so
    // that working on the ranking does not mean seeding a million rows each time.
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = match std::env::var_os("LIANMENG_BENCH_DIR") {
        Some(d) => Path::new(&d).join(size.to_string()),
        None => temp.path().to_path_buf(),
    };
    std::fs::create_dir_all(&dir).expect("bench dir");
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let config = Config::new(url, dir.clone());
    let state = rt
        .block_on(lianmeng::AppState::open(config, Some(ADMIN_PASSWORD)))
        .expect("prepare");
    let db = state.db.clone();
    let count = || {
        rt.block_on(entity::resource::Entity::find().count(&db.read))
            .expect("count") as usize
    };
    let mut have = count();
    if have == 0 {
        rt.block_on(async {
            lianmeng::demo::seed(&db, &state.config)
                .await
                .expect("demo city");
            state.search.catch_up(&db).await.expect("index the demo");
        });
        have = count();
    }
    let started = Instant::now();
    let added = rt
        .block_on(lianmeng::demo::synthetic::seed_resources(
            &db,
            size.saturating_sub(have),
            0x5EED,
        ))
        .expect("synthetic resources");
    let seeded = started.elapsed();

    let docs = rt
        .block_on(async {
            let r = entity::resource::Entity::find()
                .filter(entity::resource::Column::DeletedAt.is_null())
                .count(&db.read)
                .await?;
            let n = entity::need::Entity::find()
                .filter(entity::need::Column::DeletedAt.is_null())
                .count(&db.read)
                .await?;
            Ok::<_, sea_orm::DbErr>(r + n)
        })
        .expect("count");
    // The synthetic rows are written without outbox rows, so an index that has not got every
    // document of the database is rebuilt whatever `LIANMENG_BENCH_REBUILD` says: matching
    // against one that lacks them would measure the wrong index without a word.
    let reuse = std::env::var_os("LIANMENG_BENCH_REBUILD").is_some_and(|v| v == "0");
    let indexed = state.search.searcher().num_docs();
    let rebuild = !reuse || indexed != docs;
    if reuse && rebuild {
        eprintln!(
            "LIANMENG_BENCH_REBUILD=0: the index has {indexed} documents, the database {docs}: \
             rebuilding it"
        );
    }
    let started = Instant::now();
    if rebuild {
        rt.block_on(state.search.rebuild(&db)).expect("rebuild");
    }
    let indexing = started.elapsed();
    let (rebuild_s, rebuild_rate) = if rebuild {
        (
            format!("{:.1}", indexing.as_secs_f64()),
            format!("{:.0}", docs as f64 / indexing.as_secs_f64()),
        )
    } else {
        ("skipped".to_owned(), "-".to_owned())
    };
    let index_bytes = dir_size(&dir.join("index"));
    let mut segments = state.search.searcher().segment_readers().len();
    // `LIANMENG_BENCH_MERGE=1` merges the index into one segment before matching: a rebuild
    // leaves a varying number of segments, which moves the latencies more than many changes
    // being compared do (see `Search::merge_segments`).
    let merging = Instant::now();
    if std::env::var_os("LIANMENG_BENCH_MERGE").is_some_and(|v| v == "1") {
        segments = rt.block_on(state.search.merge_segments()).expect("merge");
    }
    let merged_s = merging.elapsed().as_secs_f64();

    let admin = rt
        .block_on(lianmeng::domain::users::by_username(&db.read, "admin"))
        .expect("admin")
        .expect("admin exists");
    let actor = lianmeng::domain::auth::actor_of(&admin, None).expect("actor");
    let needs: Vec<i64> = rt
        .block_on(
            entity::need::Entity::find()
                .select_only()
                .column(entity::need::Column::Id)
                .filter(entity::need::Column::Status.eq("open"))
                .into_tuple::<i64>()
                .all(&db.read),
        )
        .expect("open needs");

    // The first match after the rebuild: the reader's warmer copied the segments' filter
    // columns when the rebuild reloaded it (`search::matching::AttrCache`), so this is what
    // a query right after a merge pays (files opened, caches cold), not the copying.
    // A need's matches as the endpoint answers them (grouped).
    let whole_match = |id: i64| {
        rt.block_on(for_need(
            &db.read,
            state.engine(),
            &actor,
            id,
            &options(),
            true,
            None,
        ))
        .expect("match")
    };
    let t = Instant::now();
    whole_match(needs[0]);
    let first_match = t.elapsed();
    // Warm up (first queries open segment files and fill caches), then percentiles, one
    // query at a time: the index alone, then the whole match.
    for &id in needs.iter().take(50) {
        whole_match(id);
    }
    let measure = || {
        let mut index_only = Vec::with_capacity(needs.len());
        let mut full = Vec::with_capacity(needs.len());
        let mut empty = 0;
        for &id in &needs {
            let np = rt
                .block_on(NeedProbe::load(&db.read, &state.regions, actor.city_id, id))
                .expect("need");
            let t = Instant::now();
            let (_, ranked) = rank(&state.search, &np.probe(), &index_options()).expect("rank");
            index_only.push(t.elapsed());
            if ranked.is_empty() {
                empty += 1;
            }
            let t = Instant::now();
            whole_match(id);
            full.push(t.elapsed());
        }
        (index_only, full, empty)
    };
    // Words alone first (no need has a vector yet), then with meaning, on the same index.
    let (mut words_index, mut words_full, _) = measure();
    let filled = rt.block_on(fill_vectors(&state, &db, &needs));
    let (mut index_only, mut full, empty) = measure();
    println!(
        "RESULT size={size} meaning=off index_p50_ms={:.2} index_p99_ms={:.2} match_p50_ms={:.2} \
         match_p99_ms={:.2}",
        ms(percentile(&mut words_index, 50.0)),
        ms(percentile(&mut words_index, 99.0)),
        ms(percentile(&mut words_full, 50.0)),
        ms(percentile(&mut words_full, 99.0)),
    );
    println!(
        "RESULT size={size} meaning=on vectors={} sample_texts={} passages_per_s={:.1} \
         queries_per_s={:.1} rss_mb={:.0}",
        filled.vectors, filled.texts, filled.passages_per_s, filled.queries_per_s, filled.rss_mb
    );

    // Throughput: two tasks (the machine has two cores) over every open need, twice.
    let started = Instant::now();
    let work: Vec<i64> = needs.iter().chain(needs.iter()).copied().collect();
    rt.block_on(async {
        let halves: Vec<Vec<i64>> = work
            .chunks(work.len().div_ceil(2))
            .map(<[i64]>::to_vec)
            .collect();
        let mut tasks = Vec::new();
        for half in halves {
            let (db, state, actor) = (db.clone(), state.clone(), actor.clone());
            tasks.push(tokio::spawn(async move {
                for id in half {
                    for_need(&db.read, state.engine(), &actor, id, &options(), true, None)
                        .await
                        .expect("match");
                }
            }));
        }
        for t in tasks {
            t.await.expect("task");
        }
    });
    let per_second = work.len() as f64 / started.elapsed().as_secs_f64();

    let mut sql = Vec::new();
    for &id in needs.iter().take(SQL_SAMPLES) {
        let np = rt
            .block_on(NeedProbe::load(&db.read, &state.regions, actor.city_id, id))
            .expect("need");
        let t = Instant::now();
        rt.block_on(lianmeng::eval::sql_like(&state, &np))
            .expect("sql baseline");
        sql.push(t.elapsed());
    }

    // The SQL baseline is compared with the engine on the same needs.
    let sp50 = percentile(&mut sql, 50.0);
    let ep50 = percentile(&mut full[..sql.len()].to_vec(), 50.0);
    let (ip50, ip99) = (
        percentile(&mut index_only, 50.0),
        percentile(&mut index_only, 99.0),
    );
    let (fp50, fp99) = (percentile(&mut full, 50.0), percentile(&mut full, 99.0));
    println!(
        "\nRESULT size={size} resources_added={added} seed_s={:.1} docs={docs} \
         rebuild_s={rebuild_s} rebuild_docs_per_s={rebuild_rate} index_mb={:.1} \
         segments={segments} merged_s={merged_s:.1} first_match_ms={:.1}",
        seeded.as_secs_f64(),
        index_bytes as f64 / 1e6,
        ms(first_match),
    );
    println!(
        "RESULT size={size} needs={} empty={empty} index_p50_ms={:.2} index_p99_ms={:.2} \
         match_p50_ms={:.2} match_p99_ms={:.2} matches_per_s={per_second:.0}",
        needs.len(),
        ms(ip50),
        ms(ip99),
        ms(fp50),
        ms(fp99),
    );
    println!(
        "RESULT size={size} sql_like_p50_ms={:.1} sql_to_engine_p50_ratio={:.0}",
        ms(sp50),
        sp50.as_secs_f64() / ep50.as_secs_f64(),
    );

    let mut next = 0;
    criterion.bench_function(&format!("need_matches/{size}"), |b| {
        b.iter(|| {
            let id = needs[next % needs.len()];
            next += 1;
            rt.block_on(for_need(
                &db.read,
                state.engine(),
                &actor,
                id,
                &options(),
                true,
                None,
            ))
            .expect("match")
        })
    });

    state.search.stop();
    rt.block_on(db.close());
}

/// What [`fill_vectors`] did.
struct Filled {
    vectors: usize,
    texts: usize,
    passages_per_s: f64,
    queries_per_s: f64,
    rss_mb: f64,
}

/// Gives every resource and every open need a vector as the embedder would, without embedding
/// a hundred thousand texts: the distinct texts of the first resources (the demo city's, in
/// its own words) are embedded for real — which measures the encoder's throughput — and each
/// resource gets the vector of one of them (the synthetic resources repeat the demo's
/// phrases, so many offers are near-duplicates, as in a city where several units offer the
/// same service: every match then has its twenty candidates by meaning). The needs are
/// embedded from their own texts.
async fn fill_vectors(
    state: &lianmeng::state::AppState,
    db: &lianmeng::db::Db,
    needs: &[i64],
) -> Filled {
    use lianmeng::search::documents::Kind;
    use lianmeng::search::embedder::text;
    use lianmeng::search::vectors::Vector;
    use lianmeng_embed::{Encoder, Kind as Side, MODEL};
    const SAMPLE: usize = 400;
    let encoder = Encoder::from_bytes(MODEL).expect("model");
    let rows = entity::resource::Entity::find()
        .filter(entity::resource::Column::DeletedAt.is_null())
        .all(&db.read)
        .await
        .expect("resources");
    let mut texts: Vec<String> = Vec::new();
    for r in &rows {
        let t = text(&r.title, &r.tags, &r.description);
        if !texts.contains(&t) {
            texts.push(t);
        }
        if texts.len() == SAMPLE {
            break;
        }
    }
    let embed = |texts: &[String], side: Side| -> (Vec<Vector>, f64) {
        let started = Instant::now();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let out: Vec<Vector> = refs
            .chunks(16)
            .flat_map(|chunk| encoder.embed_batch(chunk, side))
            .map(|v| Vector::quantize(&v))
            .collect();
        (out, texts.len() as f64 / started.elapsed().as_secs_f64())
    };
    let (passages, passages_per_s) = embed(&texts, Side::Passage);
    let vectors = &state.search.embedder.vectors;
    for (i, r) in rows.iter().enumerate() {
        vectors.put(Kind::Resource, r.id, passages[i % passages.len()].clone());
    }
    let need_rows = entity::need::Entity::find()
        .filter(entity::need::Column::Id.is_in(needs.to_vec()))
        .all(&db.read)
        .await
        .expect("needs");
    let need_texts: Vec<String> = need_rows
        .iter()
        .map(|n| text(&n.title, &n.tags, &n.description))
        .collect();
    let (queries, queries_per_s) = embed(&need_texts, Side::Query);
    for (n, v) in need_rows.iter().zip(queries) {
        vectors.put(Kind::Need, n.id, v);
    }
    let rss_mb = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0);
    Filled {
        vectors: rows.len() + need_rows.len(),
        texts: texts.len(),
        passages_per_s,
        queries_per_s,
        rss_mb,
    }
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    let i = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    samples[i.clamp(1, samples.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
