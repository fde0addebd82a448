//! The BERT (XLM-RoBERTa) encoder forward pass, as `e5.c`'s `forward_batch`.
//!
//! All sequences of a call are stacked into one `[T, H]` activation matrix,
//! so each token-wise matmul streams its 4-bit weights once for the whole
//! batch; only attention runs per sequence. Every row of a matmul depends on
//! its own token alone, so a text gets the same vector whether it is encoded
//! alone or in a batch.

use crate::DIM;
use crate::kernels::{Isa, Q4_BLOCK_BYTES, QActs, QK, f16_to_f32, matmul};
use crate::math::{erf, exp};
use crate::model::Model;

/// Exact (erf) GELU, as BERT and `e5.c` use — not the tanh approximation.
#[inline(always)]
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// GELU over a buffer; the AVX2 build only widens the vectors (no FMA), so
/// both builds give identical results.
fn gelu_all(y: &mut [f32], isa: Isa) {
    #[inline(always)]
    fn run(y: &mut [f32]) {
        y.iter_mut().for_each(|v| *v = gelu(*v));
    }
    #[cfg(target_arch = "x86_64")]
    if isa == Isa::Avx2 {
        #[target_feature(enable = "avx2")]
        fn avx2(y: &mut [f32]) {
            run(y)
        }
        // SAFETY: `Isa::Avx2` is only produced after detecting AVX2.
        return unsafe { avx2(y) };
    }
    let _ = isa;
    run(y)
}

/// Mean-pooled (not yet normalised) final hidden states, one per sequence.
/// `seqs` hold piece indices including `<s>` and `</s>`, each at most
/// `max_pos` long and non-empty.
pub(crate) fn forward(m: &Model, seqs: &[&[u32]], isa: Isa) -> Vec<[f32; DIM]> {
    let h = m.hidden;
    let ff = m.ff;
    let t_all: usize = seqs.iter().map(|s| s.len()).sum();
    let mut x = vec![0f32; t_all * h];
    let mut q = vec![0f32; t_all * h];
    let mut k = vec![0f32; t_all * h];
    let mut v = vec![0f32; t_all * h];
    let mut ctx = vec![0f32; t_all * h];
    let mut tmp = vec![0f32; t_all * h];
    let mut mid = vec![0f32; t_all * ff];
    let mut acts = QActs::default();

    // Embeddings: word (dequantised) + position + token type 0, then LayerNorm.
    let mut t = 0;
    for seq in seqs {
        for (p, &id) in seq.iter().enumerate() {
            let row = &mut x[t * h..(t + 1) * h];
            let blocks = m.word.row(id as usize);
            for (b, blk) in blocks.chunks_exact(Q4_BLOCK_BYTES).enumerate() {
                let d = f16_to_f32(u16::from_le_bytes([blk[0], blk[1]]));
                for j in 0..QK / 2 {
                    row[b * QK + j] = ((blk[2 + j] & 0x0f) as i32 - 8) as f32 * d;
                    row[b * QK + j + 16] = ((blk[2 + j] >> 4) as i32 - 8) as f32 * d;
                }
            }
            let pos = &m.pos[p * h..(p + 1) * h];
            for i in 0..h {
                row[i] += pos[i] + m.type0[i];
            }
            t += 1;
        }
    }
    layer_norm(&mut x, None, &m.eln_w, &m.eln_b, h, m.eps);

    for l in &m.layers {
        acts.quantize(&x, t_all, h);
        matmul(&l.q, &l.qb, &acts, &mut q, isa);
        matmul(&l.k, &l.kb, &acts, &mut k, isa);
        matmul(&l.v, &l.vb, &acts, &mut v, isa);
        let mut s0 = 0;
        for seq in seqs {
            let s1 = s0 + seq.len();
            attention(&q, &k, &v, &mut ctx, s0, s1, h, m.heads, isa);
            s0 = s1;
        }
        acts.quantize(&ctx, t_all, h);
        matmul(&l.ao, &l.aob, &acts, &mut tmp, isa);
        layer_norm(&mut x, Some(&tmp), &l.aln_w, &l.aln_b, h, m.eps);

        acts.quantize(&x, t_all, h);
        matmul(&l.fi, &l.fib, &acts, &mut mid, isa);
        gelu_all(&mut mid, isa);
        acts.quantize(&mid, t_all, ff);
        matmul(&l.fo, &l.fob, &acts, &mut tmp, isa);
        layer_norm(&mut x, Some(&tmp), &l.oln_w, &l.oln_b, h, m.eps);
    }

    // Mean pooling over every position, `<s>` and `</s>` included (as e5.c).
    let mut out = Vec::with_capacity(seqs.len());
    let mut s0 = 0;
    for seq in seqs {
        let mut o = [0f32; DIM];
        for r in x[s0 * h..(s0 + seq.len()) * h].chunks_exact(h) {
            for (o, &r) in o.iter_mut().zip(r) {
                *o += r;
            }
        }
        let inv = 1.0 / seq.len() as f32;
        o.iter_mut().for_each(|o| *o *= inv);
        out.push(o);
        s0 += seq.len();
    }
    out
}

/// `x = LayerNorm(x + y)` per row of `h` (or `LayerNorm(x)` without `y`).
fn layer_norm(x: &mut [f32], y: Option<&[f32]>, w: &[f32], b: &[f32], h: usize, eps: f32) {
    for (t, r) in x.chunks_exact_mut(h).enumerate() {
        if let Some(y) = y {
            for (r, &y) in r.iter_mut().zip(&y[t * h..(t + 1) * h]) {
                *r += y;
            }
        }
        let mean = r.iter().sum::<f32>() / h as f32;
        let var = r.iter().map(|&v| (v - mean) * (v - mean)).sum::<f32>() / h as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for i in 0..h {
            r[i] = (r[i] - mean) * inv * w[i] + b[i];
        }
    }
}

/// Softmax attention of tokens `[s0, s1)` over themselves, all heads.
///
/// The AVX2 build of the same code only widens the vectors the compiler
/// already uses (no FMA, no reordering), so both give identical results.
#[allow(clippy::too_many_arguments)]
fn attention(
    q: &[f32],
    k: &[f32],
    v: &[f32],
    ctx: &mut [f32],
    s0: usize,
    s1: usize,
    h: usize,
    heads: usize,
    isa: Isa,
) {
    #[cfg(target_arch = "x86_64")]
    if isa == Isa::Avx2 {
        #[target_feature(enable = "avx2")]
        #[allow(clippy::too_many_arguments)]
        fn avx2(
            q: &[f32],
            k: &[f32],
            v: &[f32],
            ctx: &mut [f32],
            s0: usize,
            s1: usize,
            h: usize,
            heads: usize,
        ) {
            attention_impl(q, k, v, ctx, s0, s1, h, heads)
        }
        // SAFETY: `Isa::Avx2` is only produced after detecting AVX2.
        return unsafe { avx2(q, k, v, ctx, s0, s1, h, heads) };
    }
    let _ = isa;
    attention_impl(q, k, v, ctx, s0, s1, h, heads)
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn attention_impl(
    q: &[f32],
    k: &[f32],
    v: &[f32],
    ctx: &mut [f32],
    s0: usize,
    s1: usize,
    h: usize,
    heads: usize,
) {
    let hd = h / heads;
    let n = s1 - s0;
    let scale = 1.0 / (hd as f32).sqrt();
    let mut prob = vec![0f32; n];
    // Keys of one head transposed to [hd][n]: the scores of a query against
    // all keys then accumulate as whole vectors, without horizontal sums.
    let mut kt = vec![0f32; hd * n];
    for hh in 0..heads {
        for s in 0..n {
            let ks = &k[(s0 + s) * h + hh * hd..][..hd];
            for e in 0..hd {
                kt[e * n + s] = ks[e];
            }
        }
        for t in s0..s1 {
            let qh = &q[t * h + hh * hd..][..hd];
            prob.fill(0.0);
            for e in 0..hd {
                let qe = qh[e];
                for (p, &kk) in prob.iter_mut().zip(&kt[e * n..(e + 1) * n]) {
                    *p += qe * kk;
                }
            }
            let mut mx = -1e30f32;
            for p in prob.iter_mut() {
                *p *= scale;
                mx = mx.max(*p);
            }
            let mut sum = 0f32;
            for p in prob.iter_mut() {
                *p = exp(*p - mx);
                sum += *p;
            }
            let inv = 1.0 / sum;
            let ch = &mut ctx[t * h + hh * hd..][..hd];
            ch.fill(0.0);
            for (s, &p) in prob.iter().enumerate() {
                let p = p * inv;
                for (c, &vv) in ch.iter_mut().zip(&v[(s0 + s) * h + hh * hd..][..hd]) {
                    *c += p * vv;
                }
            }
        }
    }
}
