//! The hot path: Q4_0 weights × Q8 activations, with a portable scalar
//! kernel and an AVX2+FMA one chosen at run time.
//!
//! As in `e5.c`, activations are quantised per 32-element block to int8 with
//! scale `amax / 127`, and each output is `bias + Σ_blocks d_w·d_a·⟨w, a⟩`
//! with the inner product done in integers. Two choices make the result
//! independent of the path taken (the unit test below checks bit equality):
//!
//! * the nibble offset is applied before the multiply (`(q − 8)·a`, exact in
//!   integers) rather than as `e5.c`'s separate float correction `−8·Σa`; the
//!   integer sum is the same, only rounding differs, and it needs no per-row
//!   scalar work in the inner loop;
//! * the scalar kernel reproduces the AVX2 reduction order: eight lanes of
//!   four products each, fused multiply-add into eight float accumulators,
//!   then the same pairwise horizontal sum.

use crate::model::Q4Matrix;

/// Weights per quantisation block.
pub(crate) const QK: usize = 32;
/// Bytes per Q4_0 block: f16 scale + 16 bytes of nibbles.
pub(crate) const Q4_BLOCK_BYTES: usize = 2 + QK / 2;
/// Output rows computed together, sharing each activation load.
const ROWS: usize = 4;
/// Tokens per tile: the tile's int8 activations (≤ 128 × 1536 B) stay in L2
/// while every row group of the weight matrix passes over them.
const TILE: usize = 128;

/// IEEE half → single, as `e5.c`'s `fp16_to_fp32` — including its quirk of
/// returning half the true value for subnormal halves (its exponent counter
/// starts at 1). Those are block scales below 6.1e-5, i.e. blocks of
/// near-zero weights; matching the reference matters more than the fix.
pub(crate) fn f16_to_f32(h: u16) -> f32 {
    let sign = ((h & 0x8000) as u32) << 16;
    let exp = ((h >> 10) & 0x1f) as u32;
    let man = (h & 0x3ff) as u32;
    let bits = match (exp, man) {
        (0, 0) => sign,
        (0, mut m) => {
            // Subnormal: renormalise.
            let mut e = 1u32;
            while m & 0x400 == 0 {
                m <<= 1;
                e += 1;
            }
            sign | ((127 - 15 - e + 1) << 23) | ((m & 0x3ff) << 13)
        }
        (31, m) => sign | 0x7f80_0000 | (m << 13),
        (e, m) => sign | ((e + 127 - 15) << 23) | (m << 13),
    };
    f32::from_bits(bits)
}

/// Which kernel to run; detected once per [`crate::Encoder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Isa {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2,
}

impl Isa {
    pub fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            return Isa::Avx2;
        }
        Isa::Scalar
    }
}

/// Activations `[rows, nin]` quantised to int8 per 32-block, with scales.
#[derive(Default)]
pub(crate) struct QActs {
    rows: usize,
    nin: usize,
    q: Vec<i8>,
    d: Vec<f32>,
}

impl QActs {
    /// `quantize_acts` from `e5.c`: scale `amax/127`, round half to even
    /// (`lrintf`). Values land in −127..=127 (C clamps at −128, which
    /// `|x|·127/amax` cannot reach); the kernels rely on that for the sign trick.
    pub fn quantize(&mut self, x: &[f32], rows: usize, nin: usize) {
        assert!(nin.is_multiple_of(QK) && x.len() >= rows * nin);
        self.rows = rows;
        self.nin = nin;
        self.q.resize(rows * nin, 0);
        self.d.resize(rows * nin / QK, 0.0);
        for ((xb, qb), d) in x[..rows * nin]
            .chunks_exact(QK)
            .zip(self.q.chunks_exact_mut(QK))
            .zip(self.d.iter_mut())
        {
            let amax = xb
                .iter()
                .fold(0f32, |m, v| if v.abs() > m { v.abs() } else { m });
            let dd = amax / 127.0;
            let id = if dd > 0.0 { 1.0 / dd } else { 0.0 };
            for (q, &v) in qb.iter_mut().zip(xb) {
                // `lrintf` without a libm call (baseline x86-64 has no
                // `roundss`): adding and removing 1.5·2^23 rounds half to
                // even exactly for |v| < 2^22, and |x·id| ≤ 127.
                const MAGIC: f32 = 12_582_912.0;
                *q = ((((v * id) + MAGIC) - MAGIC) as i32).clamp(-127, 127) as i8;
            }
            *d = dd;
        }
    }
}

/// One group of `ROWS` weight rows unpacked to bytes: `(q − 8)` and its
/// absolute value (for `maddubs`, which wants an unsigned operand), plus the
/// block scales as f32.
struct RowGroup {
    signed: Vec<i8>,
    abs: Vec<u8>,
    d: Vec<f32>,
}

impl RowGroup {
    fn new(nin: usize) -> RowGroup {
        RowGroup {
            signed: vec![0; ROWS * nin],
            abs: vec![0; ROWS * nin],
            d: vec![0.0; ROWS * nin / QK],
        }
    }
    fn load(&mut self, w: &Q4Matrix, first_row: usize, isa: Isa) {
        let nb = w.cols / QK;
        #[cfg(target_arch = "x86_64")]
        if isa == Isa::Avx2 {
            // SAFETY: `Isa::Avx2` is only produced after detecting AVX2.
            return unsafe { avx2::expand(self, w, first_row) };
        }
        let _ = isa;
        for r in 0..ROWS {
            let row = w.row(first_row + r);
            for (b, blk) in row.chunks_exact(Q4_BLOCK_BYTES).enumerate() {
                self.d[r * nb + b] = f16_to_f32(u16::from_le_bytes([blk[0], blk[1]]));
                let o = (r * nb + b) * QK;
                for (j, &byte) in blk[2..].iter().enumerate() {
                    let lo = (byte & 0x0f) as i8 - 8;
                    let hi = (byte >> 4) as i8 - 8;
                    self.signed[o + j] = lo;
                    self.signed[o + j + 16] = hi;
                    self.abs[o + j] = lo.unsigned_abs();
                    self.abs[o + j + 16] = hi.unsigned_abs();
                }
            }
        }
    }
}

/// `y[t, o] = bias[o] + Σ_i W[o, i]·x[t, i]` for all `rows` of `a`,
/// `W` being `[nout, nin]` Q4_0 and `y` row-major `[rows, nout]`.
pub(crate) fn matmul(w: &Q4Matrix, bias: &[f32], a: &QActs, y: &mut [f32], isa: Isa) {
    let (nout, nin) = (w.rows, w.cols);
    assert!(a.nin == nin && nout % ROWS == 0 && bias.len() == nout);
    assert!(y.len() >= a.rows * nout);
    let mut g = RowGroup::new(nin);
    for t0 in (0..a.rows).step_by(TILE) {
        let t1 = (t0 + TILE).min(a.rows);
        for r0 in (0..nout).step_by(ROWS) {
            g.load(w, r0, isa);
            let out = Out {
                y: &mut *y,
                nout,
                r0,
                bias: &bias[r0..r0 + ROWS],
            };
            match isa {
                Isa::Scalar => scalar::tile(&g, a, t0, t1, out),
                #[cfg(target_arch = "x86_64")]
                // SAFETY: `Isa::Avx2` is only produced by `Isa::detect` after
                // confirming AVX2 and FMA on this CPU.
                Isa::Avx2 => unsafe { avx2::tile(&g, a, t0, t1, out) },
            }
        }
    }
}

/// Where a row group's results go.
struct Out<'a> {
    y: &'a mut [f32],
    nout: usize,
    r0: usize,
    bias: &'a [f32],
}

impl Out<'_> {
    #[inline(always)]
    fn put(&mut self, t: usize, r: usize, lanes: [f32; 8]) {
        // The AVX2 horizontal-sum order: (l0+l4 + l2+l6) + (l1+l5 + l3+l7).
        let m = [
            lanes[0] + lanes[4],
            lanes[1] + lanes[5],
            lanes[2] + lanes[6],
            lanes[3] + lanes[7],
        ];
        let h = (m[0] + m[2]) + (m[1] + m[3]);
        self.y[t * self.nout + self.r0 + r] = self.bias[r] + h;
    }
}

mod scalar {
    use super::{Out, QActs, QK, ROWS, RowGroup};

    pub(super) fn tile(g: &RowGroup, a: &QActs, t0: usize, t1: usize, mut out: Out) {
        let nin = a.nin;
        let nb = nin / QK;
        for t in t0..t1 {
            let at = &a.q[t * nin..(t + 1) * nin];
            for r in 0..ROWS {
                let wr = &g.signed[r * nin..(r + 1) * nin];
                let mut acc = [0f32; 8];
                for b in 0..nb {
                    let scale = g.d[r * nb + b] * a.d[t * nb + b];
                    let (wb, ab) = (&wr[b * QK..(b + 1) * QK], &at[b * QK..(b + 1) * QK]);
                    for (lane, acc) in acc.iter_mut().enumerate() {
                        let s: i32 = (4 * lane..4 * lane + 4)
                            .map(|j| wb[j] as i32 * ab[j] as i32)
                            .sum();
                        *acc = (s as f32).mul_add(scale, *acc);
                    }
                }
                out.put(t, r, acc);
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{Out, Q4_BLOCK_BYTES, Q4Matrix, QActs, QK, ROWS, RowGroup, f16_to_f32};
    use std::arch::x86_64::*;

    /// Eight lanes, four products each: `Σ (q−8)·a` via the sign trick
    /// (`|w| · sign(a, w)`, so `maddubs` sees an unsigned operand).
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    fn block_dot(absw: __m256i, sw: __m256i, a: __m256i) -> __m256 {
        let p = _mm256_maddubs_epi16(absw, _mm256_sign_epi8(a, sw));
        _mm256_cvtepi32_ps(_mm256_madd_epi16(p, _mm256_set1_epi16(1)))
    }

    #[target_feature(enable = "avx2,fma")]
    #[inline]
    fn lanes(v: __m256) -> [f32; 8] {
        let mut o = [0f32; 8];
        // SAFETY: `o` is 8 f32s; unaligned store.
        unsafe { _mm256_storeu_ps(o.as_mut_ptr(), v) };
        o
    }

    /// [`RowGroup::load`] in vector registers: the scalar byte loop costs
    /// more than the dot products themselves when only a few tokens follow.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn expand(g: &mut RowGroup, w: &Q4Matrix, first_row: usize) {
        let nb = w.cols / QK;
        let nin = w.cols;
        assert!(
            g.signed.len() >= ROWS * nin && g.abs.len() >= ROWS * nin && g.d.len() >= ROWS * nb
        );
        let mask = _mm_set1_epi8(0x0f);
        let eight = _mm256_set1_epi8(8);
        for r in 0..ROWS {
            let row = w.row(first_row + r);
            assert!(row.len() == nb * Q4_BLOCK_BYTES);
            for b in 0..nb {
                let blk = &row[b * Q4_BLOCK_BYTES..(b + 1) * Q4_BLOCK_BYTES];
                g.d[r * nb + b] = f16_to_f32(u16::from_le_bytes([blk[0], blk[1]]));
                // SAFETY: `blk[2..]` is exactly 16 bytes; the stores write 32
                // bytes at `(r·nb + b)·32 ≤ ROWS·nin − 32`, asserted above.
                unsafe {
                    let bytes = _mm_loadu_si128(blk.as_ptr().add(2) as *const __m128i);
                    let lo = _mm_and_si128(bytes, mask);
                    let hi = _mm_and_si128(_mm_srli_epi16(bytes, 4), mask);
                    let q = _mm256_sub_epi8(_mm256_set_m128i(hi, lo), eight);
                    let o = (r * nb + b) * QK;
                    _mm256_storeu_si256(g.signed.as_mut_ptr().add(o) as *mut __m256i, q);
                    _mm256_storeu_si256(
                        g.abs.as_mut_ptr().add(o) as *mut __m256i,
                        _mm256_abs_epi8(q),
                    );
                }
            }
        }
    }

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn tile(g: &RowGroup, a: &QActs, t0: usize, t1: usize, mut out: Out) {
        let nin = a.nin;
        let nb = nin / QK;
        assert!(
            g.signed.len() >= ROWS * nin && g.abs.len() >= ROWS * nin && g.d.len() >= ROWS * nb
        );
        assert!(a.q.len() >= t1 * nin && a.d.len() >= t1 * nb);
        let w = (g.signed.as_ptr(), g.abs.as_ptr(), g.d.as_ptr());
        let mut t = t0;
        while t + TOKENS <= t1 {
            // SAFETY: tokens t..t+TOKENS ≤ t1 and all ROWS rows are in bounds (asserted).
            let acc = unsafe {
                tokens::<TOKENS>(w, a.q.as_ptr().add(t * nin), a.d.as_ptr().add(t * nb), nin)
            };
            for (n, acc) in acc.iter().enumerate() {
                for (r, &v) in acc.iter().enumerate() {
                    out.put(t + n, r, lanes(v));
                }
            }
            t += TOKENS;
        }
        while t < t1 {
            // SAFETY: as above, for one token.
            let acc =
                unsafe { tokens::<1>(w, a.q.as_ptr().add(t * nin), a.d.as_ptr().add(t * nb), nin) };
            for (r, &v) in acc[0].iter().enumerate() {
                out.put(t, r, lanes(v));
            }
            t += 1;
        }
    }

    /// Tokens handled together: each unpacked weight block is loaded once
    /// for all of them, while the accumulators still fit in 16 registers.
    const TOKENS: usize = 2;

    /// The ROWS × N lane accumulators for N consecutive tokens.
    ///
    /// # Safety
    /// `w` must point at ROWS rows of `nin` unpacked weights (+ scales) and
    /// `aq`/`ad` at N tokens of `nin` activations (+ scales); AVX2+FMA.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    #[allow(clippy::needless_range_loop)] // `r` and `n` index several arrays
    unsafe fn tokens<const N: usize>(
        w: (*const i8, *const u8, *const f32),
        aq: *const i8,
        ad: *const f32,
        nin: usize,
    ) -> [[__m256; ROWS]; N] {
        let nb = nin / QK;
        let mut acc = [[_mm256_setzero_ps(); ROWS]; N];
        for b in 0..nb {
            // SAFETY (all pointer reads below): offsets stay inside the
            // ranges the caller vouches for.
            let av: [__m256i; N] = std::array::from_fn(|n| unsafe {
                _mm256_loadu_si256(aq.add(n * nin + b * QK) as *const __m256i)
            });
            let da: [__m256; N] =
                std::array::from_fn(|n| unsafe { _mm256_broadcast_ss(&*ad.add(n * nb + b)) });
            for r in 0..ROWS {
                let (sw, aw, dw) = unsafe {
                    (
                        _mm256_loadu_si256(w.0.add(r * nin + b * QK) as *const __m256i),
                        _mm256_loadu_si256(w.1.add(r * nin + b * QK) as *const __m256i),
                        _mm256_broadcast_ss(&*w.2.add(r * nb + b)),
                    )
                };
                for n in 0..N {
                    acc[n][r] = _mm256_fmadd_ps(
                        block_dot(aw, sw, av[n]),
                        _mm256_mul_ps(dw, da[n]),
                        acc[n][r],
                    );
                }
            }
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic xorshift, so the test needs no `rand`.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn f(&mut self) -> f32 {
            (self.next() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
        }
    }

    fn random_q4(rng: &mut Rng, rows: usize, cols: usize) -> Q4Matrix {
        let mut bytes = Vec::new();
        for _ in 0..rows * cols / QK {
            let d = 0x2000 + (rng.next() % 0x1000) as u16; // small positive f16
            bytes.extend_from_slice(&d.to_le_bytes());
            bytes.extend((0..16).map(|_| rng.next() as u8));
        }
        Q4Matrix {
            bytes: Vec::leak(bytes),
            rows,
            cols,
        }
    }

    #[test]
    fn f16_matches_known_values() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-25)); // e5.c's subnormal quirk
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert!(f16_to_f32(0x7c00).is_infinite());
    }

    #[test]
    fn scalar_and_simd_kernels_agree_bitwise() {
        let isa = Isa::detect();
        if isa == Isa::Scalar {
            eprintln!("no AVX2+FMA on this CPU; only the scalar kernel exists here");
        }
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for &(rows, nout, nin) in &[(1, 384, 384), (7, 64, 1536), (131, 8, 384), (2, 1536, 384)] {
            let w = random_q4(&mut rng, nout, nin);
            let bias: Vec<f32> = (0..nout).map(|_| rng.f()).collect();
            let x: Vec<f32> = (0..rows * nin).map(|_| rng.f() * 4.0).collect();
            let mut a = QActs::default();
            a.quantize(&x, rows, nin);
            let mut ys = vec![0f32; rows * nout];
            let mut yv = vec![0f32; rows * nout];
            matmul(&w, &bias, &a, &mut ys, Isa::Scalar);
            matmul(&w, &bias, &a, &mut yv, isa);
            assert_eq!(ys, yv, "rows={rows} nout={nout} nin={nin}");
            // And both agree with a plain f64 dequantised product.
            for t in 0..rows {
                for o in 0..nout {
                    let mut s = bias[o] as f64;
                    for (b, blk) in w.row(o).chunks_exact(Q4_BLOCK_BYTES).enumerate() {
                        let dw = f16_to_f32(u16::from_le_bytes([blk[0], blk[1]])) as f64;
                        let da = a.d[t * nin / QK + b] as f64;
                        for j in 0..16 {
                            let (lo, hi) = (
                                (blk[2 + j] & 15) as f64 - 8.0,
                                (blk[2 + j] >> 4) as f64 - 8.0,
                            );
                            s += dw * da * lo * a.q[t * nin + b * QK + j] as f64;
                            s += dw * da * hi * a.q[t * nin + b * QK + j + 16] as f64;
                        }
                    }
                    let got = ys[t * nout + o] as f64;
                    assert!((got - s).abs() <= 1e-4 * (1.0 + s.abs()), "{got} vs {s}");
                }
            }
        }
    }
}
