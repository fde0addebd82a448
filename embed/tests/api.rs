//! Behaviour of the public API on the repository model: batching, edge-case
//! inputs, rejection of bad model images.

mod common;

use common::{cosine, encoder};
use lianmeng_embed::MODEL;
use lianmeng_embed::{DIM, Encoder, Kind};

fn norm(v: &[f32; DIM]) -> f64 {
    v.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt()
}

#[test]
fn batch_equals_single() {
    let enc = encoder();
    let long = "社区党群服务中心为老年人提供助餐、助浴和健康咨询服务，".repeat(40);
    let texts = [
        "党建",
        "",
        "社区党支部组织志愿者开展环境整治活动，共建美丽家园。",
        "how much protein should a woman eat per day",
        long.as_str(),
        "需要会议室场地，周末使用，大约三十人",
        "ＡＢＣ全角 😀 emoji",
    ];
    for kind in [Kind::Query, Kind::Passage] {
        let batch = enc.embed_batch(&texts, kind);
        assert_eq!(batch.len(), texts.len());
        for (t, b) in texts.iter().zip(&batch) {
            let single = enc.embed(t, kind);
            let c = cosine(&single, b);
            assert!(c > 0.9999, "{t:?}: cosine {c}");
            assert_eq!(&single, b, "rows are independent, so results are identical");
        }
    }
    assert!(enc.embed_batch(&[], Kind::Query).is_empty());
}

#[test]
fn empty_text_is_embedded() {
    let enc = encoder();
    let v = enc.embed("", Kind::Query);
    assert!(v.iter().all(|x| x.is_finite()));
    assert!((norm(&v) - 1.0).abs() < 1e-4);
    // "query: " alone: <s> ▁query : ▁ </s> (e5.c keeps the trailing space).
    assert_eq!(enc.token_ids("", Kind::Query), vec![0, 41, 1294, 12, 6, 2]);
}

#[test]
fn long_text_does_not_panic() {
    let enc = encoder();
    let text: String = "党建引领基层治理，资源共享共建共赢。"
        .chars()
        .cycle()
        .take(2000)
        .collect();
    let n = enc.token_count(&text, Kind::Passage);
    assert!(n > 512, "{n} tokens");
    let v = enc.embed(&text, Kind::Passage);
    assert!(v.iter().all(|x| x.is_finite()));
    assert!((norm(&v) - 1.0).abs() < 1e-4);
}

#[test]
fn queries_and_passages_differ_and_related_texts_are_closer() {
    let enc = encoder();
    let q = enc.embed("老年人助餐服务", Kind::Query);
    let near = enc.embed("社区食堂为老人提供午餐", Kind::Passage);
    let far = enc.embed("区块链技术在金融领域的应用", Kind::Passage);
    assert!(cosine(&q, &near) > cosine(&q, &far));
    assert_ne!(enc.embed("老年人助餐服务", Kind::Passage), q);
}

#[test]
fn nul_ends_the_text_as_in_c() {
    let enc = encoder();
    assert_eq!(
        enc.token_ids("党建\0ignored", Kind::Query),
        enc.token_ids("党建", Kind::Query)
    );
}

fn leak(v: Vec<u8>) -> &'static [u8] {
    Vec::leak(v)
}

#[test]
fn bad_magic_is_an_error() {
    let mut bad = MODEL[..4096].to_vec();
    bad[..4].copy_from_slice(b"GGUF");
    let err = Encoder::from_bytes(leak(bad)).err().expect("rejected");
    assert!(err.to_string().contains("bad magic"), "{err}");
    assert!(Encoder::from_bytes(b"").is_err());
    assert!(Encoder::from_bytes(b"E5S").is_err());
}

#[test]
fn truncated_images_are_errors_not_panics() {
    // Every cut through the header and vocabulary region would take long;
    // sample densely at the start, then across the whole file.
    let mut cuts: Vec<usize> = (0..256).collect();
    cuts.extend((1..200).map(|i| MODEL.len() / 200 * i));
    cuts.push(MODEL.len() - 1);
    for cut in cuts {
        let r = Encoder::from_bytes(&MODEL[..cut]);
        let err = r
            .err()
            .unwrap_or_else(|| panic!("accepted an image cut at {cut}"));
        let msg = err.to_string();
        assert!(
            msg.contains("truncated") || msg.contains("only"),
            "cut {cut}: {msg}"
        );
    }
}

#[test]
fn missing_tensor_is_named() {
    // Rename the first "emb.pos" directory entry.
    let mut img = MODEL.to_vec();
    let at = img
        .windows(7)
        .position(|w| w == b"emb.pos")
        .expect("directory entry");
    img[at..at + 7].copy_from_slice(b"emb.xyz");
    let err = Encoder::from_bytes(leak(img)).err().expect("rejected");
    assert!(
        err.to_string().contains("missing tensor 'emb.pos'"),
        "{err}"
    );
}

#[test]
fn corrupt_header_fields_are_errors() {
    // Flip bytes in the fixed header and the vocabulary counts; each must
    // either load (a harmless field) or fail cleanly.
    let mut img = MODEL.to_vec();
    for at in (4..72).step_by(3) {
        for val in [0x00u8, 0xff] {
            let orig = img[at];
            img[at] = val;
            let _ = Encoder::from_bytes(leak(img.clone())).map(|e| e.embed("测试", Kind::Query));
            img[at] = orig;
        }
    }
}
