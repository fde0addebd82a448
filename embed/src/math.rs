//! `exp` and `erf` for the softmax and GELU loops, written so the compiler
//! can vectorise them (libm's `expf`/`erff` are opaque calls, one element at
//! a time, and took a fifth of the run time).
//!
//! Plain `f32` operations only — no FMA, no table — so every build (SSE2 or
//! AVX2) rounds identically. Accuracy: `exp` within 2 ulp (Cephes' `expf`
//! polynomial), `erf` within 3e-7 absolute (Abramowitz & Stegun 7.1.26);
//! both far below the int8 step (amax/127) the values are quantised to next.

/// Round to nearest, ties to even, for |x| < 2^22 (see `QActs::quantize`).
#[inline(always)]
fn rint(x: f32) -> f32 {
    const MAGIC: f32 = 12_582_912.0;
    (x + MAGIC) - MAGIC
}

/// e^x, for x in [-87, 88] (clamped outside, so never inf/NaN from finite x).
#[inline(always)]
pub(crate) fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.0, 88.0);
    let n = rint(x * std::f32::consts::LOG2_E);
    // Cody–Waite reduction: ln 2 split so n·LN2_HI is exact.
    let r = (x - n * 0.693_359_4) - n * -2.121_944_4e-4;
    let p = ((((1.987_569_1e-4 * r + 1.398_2e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 1.666_666_5e-1)
        * r
        + 0.5; // Cephes' 5.0000001201e-1, which rounds to 0.5 in f32
    let y = p * (r * r) + r + 1.0;
    y * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// erf(x).
#[inline(always)]
pub(crate) fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = ((((1.061_405_4 * t - 1.453_152) * t + 1.421_413_8) * t - 0.284_496_74) * t
        + 0.254_829_6)
        * t;
    let y = 1.0 - poly * exp(-(a * a));
    if x < 0.0 { -y } else { y }
}

#[cfg(test)]
mod tests {
    #[test]
    fn close_to_libm() {
        let mut x = -20.0f32;
        while x < 20.0 {
            let (e, want) = (super::exp(x), (x as f64).exp());
            assert!(
                ((e as f64 - want) / want).abs() < 3e-7,
                "exp({x}) = {e}, want {want}"
            );
            x += 0.0137;
        }
        // erf against a high-precision series/continued-fraction-free check:
        // erf is odd, monotone, erf(0)=0, erf(1)=0.8427007929, erf(2)=0.9953222650.
        for (x, want) in [
            (0.0f32, 0.0f64),
            (0.5, 0.5204998778),
            (1.0, 0.8427007929),
            (2.0, 0.9953222650),
            (-1.0, -0.8427007929),
        ] {
            assert!((super::erf(x) as f64 - want).abs() < 3e-7, "erf({x})");
        }
    }
}
