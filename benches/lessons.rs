//! What learning from reviewers costs: `cargo bench --bench lessons`.
//!
//! A city's reviewed projects are made from the labelled sets' real texts (every need of the
//! three sets paired with resources of the three sets, drawn by a fixed sequence, nine in
//! ten approved), at 1,000 and 10,000 projects. Criterion times learning them all (once per
//! change of the city's projects) and the lift of the 50 rows a match reads, their titles cut
//! into words as a match does (every match of a city with reviewed projects).

use std::time::Duration;

use criterion::{BenchmarkId, Criterion};
use serde_json::Value;

use lianmeng::domain::matching::{Example, Lessons};

struct Text {
    main: String,
    description: String,
    category: String,
}

fn texts(list: &str) -> Vec<Text> {
    let mut out = Vec::new();
    for set in ["eval", "eval_holdout", "eval_c"] {
        let path = format!("{}/tests/fixtures/{set}.json", env!("CARGO_MANIFEST_DIR"));
        let f: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
        for t in f[list].as_array().expect("list") {
            let tags: Vec<&str> = t["tags"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            out.push(Text {
                main: format!("{} {}", t["title"].as_str().unwrap(), tags.join(" ")),
                description: t["description"].as_str().unwrap().to_owned(),
                category: t["category"].as_str().unwrap().to_owned(),
            });
        }
    }
    out
}

fn main() {
    let needs = texts("needs");
    let resources = texts("resources");
    let need_words: Vec<Vec<(String, f32)>> = needs
        .iter()
        .map(|n| Example::need_words(&n.main, &n.description))
        .collect();
    let resource_words: Vec<Vec<String>> = resources
        .iter()
        .map(|r| Example::resource_words(&r.main, &[]))
        .collect();
    let mut seed: u64 = 7;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    let mut criterion = Criterion::default()
        .sample_size(20)
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    for projects in [1_000, 10_000] {
        let examples: Vec<Example> = (0..projects)
            .map(|i| {
                let (n, r) = (next(needs.len()), next(resources.len()));
                Example {
                    need: need_words[n].clone(),
                    resource_id: r as i64,
                    resource_words: resource_words[r].clone(),
                    same_category: needs[n].category == resources[r].category,
                    approved: i % 10 != 0,
                }
            })
            .collect();
        criterion.bench_with_input(
            BenchmarkId::new("learn", projects),
            &examples,
            |b, examples| b.iter(|| Lessons::learn(examples.iter().cloned(), 10)),
        );
        let lessons = Lessons::learn(examples, 10);
        criterion.bench_function(&format!("words_50_rows/{projects}"), |b| {
            b.iter(|| {
                (0..50)
                    .map(|r| Example::resource_words(&resources[r].main, &[]).len())
                    .sum::<usize>()
            })
        });
        let rows: Vec<usize> = (0..50).map(|_| next(resources.len())).collect();
        let need = &need_words[next(needs.len())];
        criterion.bench_with_input(
            BenchmarkId::new("lift_50_rows", projects),
            &rows,
            |b, rows| {
                b.iter(|| {
                    // As a match does: the need's words looked up once, then each row's
                    // title cut into words and its lift.
                    let known = lessons.for_need(need);
                    rows.iter()
                        .map(|r| {
                            let words = Example::resource_words(&resources[*r].main, &[]);
                            known.lift(*r as i64, &words)
                        })
                        .sum::<f64>()
                })
            },
        );
    }
    criterion.final_summary();
}
