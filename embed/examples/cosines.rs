//! Cosines of relevant and irrelevant pairs of an evaluation set (for choosing thresholds).
use lianmeng_embed::{Encoder, Kind, MODEL};
fn text(v: &serde_json::Value) -> String {
    let tags: Vec<&str> = v["tags"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t.as_str()).collect())
        .unwrap_or_default();
    [
        v["title"].as_str().unwrap_or(""),
        &tags.join("、"),
        v["description"].as_str().unwrap_or(""),
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join("。")
}
fn main() {
    let e = Encoder::from_bytes(MODEL).unwrap();
    let path = std::env::args().nth(1).unwrap();
    let f: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let res: Vec<(String, [f32; 384])> = f["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_string(),
                e.embed(&text(r), Kind::Passage),
            )
        })
        .collect();
    let (mut rel, mut irr, mut gap_best) = (Vec::new(), Vec::new(), Vec::new());
    for n in f["needs"].as_array().unwrap() {
        let q = e.embed(&text(n), Kind::Query);
        let mut cs: Vec<(f32, bool)> = res
            .iter()
            .map(|(k, v)| {
                let c: f32 = q.iter().zip(v.iter()).map(|(a, b)| a * b).sum();
                (
                    c,
                    n["relevant"].get(k).and_then(|g| g.as_u64()).unwrap_or(0) > 0,
                )
            })
            .collect();
        cs.sort_by(|a, b| b.0.total_cmp(&a.0));
        let best = cs[0].0;
        for (c, r) in cs {
            if r {
                rel.push(c);
                gap_best.push(best - c);
            } else {
                irr.push(c);
            }
        }
    }
    let pct = |v: &mut Vec<f32>, p: f64| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[((v.len() - 1) as f64 * p) as usize]
    };
    for p in [0.05, 0.25, 0.5, 0.75, 0.95, 0.99] {
        println!(
            "p{:>2}: relevant {:.4}  irrelevant {:.4}  relevant's gap to the best {:.4}",
            (p * 100.0) as u32,
            pct(&mut rel, p),
            pct(&mut irr, p),
            pct(&mut gap_best, p)
        );
    }
}
