//! Single-thread timings on the repository model, printed, not asserted
//! (machines differ). Run: `cargo test -p lianmeng-embed --release --test timing -- --ignored --nocapture`.

mod common;

use common::encoder;
use lianmeng_embed::Kind;
use std::time::Instant;

fn best_ms(reps: usize, mut f: impl FnMut()) -> f64 {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::MAX, f64::min)
}

#[test]
#[ignore]
fn timings() {
    let enc = encoder();
    let short = "社区党支部组织志愿者活动，共建家园";
    let long = "北京市朝阳区望京街道党群服务中心提供法律咨询、心理辅导和就业培训等服务，社区党支部组织志愿者开展环境整治活动，共建美丽家园。企业联合党支部与高校合作开展人才培养项目，促进产学研融合发展。";
    for (name, t) in [("short", short), ("100-char", long)] {
        let ms = best_ms(20, || {
            std::hint::black_box(enc.embed(t, Kind::Passage));
        });
        let (c, n) = (t.chars().count(), enc.token_count(t, Kind::Passage));
        eprintln!("{name}: {c} chars, {n} tokens: {ms:.2} ms");
    }
    let base: Vec<char> = long.chars().chain(short.chars()).collect();
    let texts: Vec<String> = (0..64)
        .map(|i| (0..40).map(|j| base[(i * 7 + j) % base.len()]).collect())
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let ms = best_ms(3, || {
        std::hint::black_box(enc.embed_batch(&refs, Kind::Passage));
    });
    eprintln!("embed_batch 64 × 40 chars: {:.1} texts/s", 64.0 / ms * 1e3);
    let ms1 = best_ms(1, || {
        for t in &refs {
            std::hint::black_box(enc.embed(t, Kind::Passage));
        }
    });
    eprintln!(
        "embed one by one, same 64 texts: {:.1} texts/s",
        64.0 / ms1 * 1e3
    );
    std::fs::write(
        std::env::temp_dir().join("embed_timing_texts.txt"),
        [short, long].join("\n") + "\n" + &texts.join("\n") + "\n",
    )
    .ok();
}
