//! Sentence embeddings held in memory for scoring: one signed-byte vector per resource and
//! need, with its scale, so that a cosine is an integer dot product and a million vectors take
//! 390 MB less than as floats.
//!
//! The vectors are the model's unit-length embeddings divided by a per-vector scale (the
//! largest component over 127), which keeps three significant digits of every cosine — far
//! finer than the differences a ranking turns on.

use std::collections::HashMap;
use std::sync::RwLock;

use super::documents::Kind;

/// The embedding's dimension (multilingual-e5-small).
pub const DIM: usize = 384;

/// A unit vector as signed bytes times `scale`.
#[derive(Clone, Debug, PartialEq)]
pub struct Vector {
    pub q: Box<[i8; DIM]>,
    pub scale: f32,
}

impl Vector {
    /// Quantizes a unit-length embedding (a zero vector stays zero).
    pub fn quantize(v: &[f32]) -> Self {
        assert_eq!(v.len(), DIM, "an embedding of the model's dimension");
        let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
        let mut q = Box::new([0i8; DIM]);
        for (o, x) in q.iter_mut().zip(v) {
            *o = (x / scale).round().clamp(-127.0, 127.0) as i8;
        }
        Self { q, scale }
    }

    /// The vector as stored: its bytes (two's complement), and its scale.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.q.iter().map(|&x| x as u8).collect()
    }

    /// A stored vector, or `None` when the bytes are not one of ours.
    pub fn from_bytes(bytes: &[u8], scale: f64) -> Option<Self> {
        if bytes.len() != DIM || !scale.is_finite() {
            return None;
        }
        let mut q = Box::new([0i8; DIM]);
        for (o, &b) in q.iter_mut().zip(bytes) {
            *o = b as i8;
        }
        Some(Self {
            q,
            scale: scale as f32,
        })
    }

    pub fn cosine(&self, other: &Vector) -> f32 {
        dot(&self.q, &other.q) as f32 * self.scale * other.scale
    }
}

/// The integer dot product, written so the compiler vectorizes it (widening multiply-adds).
fn dot(a: &[i8; DIM], b: &[i8; DIM]) -> i32 {
    a.chunks_exact(32)
        .zip(b.chunks_exact(32))
        .map(|(x, y)| {
            x.iter()
                .zip(y)
                .map(|(&p, &q)| i32::from(i16::from(p) * i16::from(q)))
                .sum::<i32>()
        })
        .sum()
}

/// Every live resource's and need's vector, by id; filled at start from the database and kept
/// current by the embedder as it stores new ones.
#[derive(Default)]
pub struct Vectors {
    resources: RwLock<HashMap<i64, Vector>>,
    needs: RwLock<HashMap<i64, Vector>>,
}

impl Vectors {
    fn side(&self, kind: Kind) -> &RwLock<HashMap<i64, Vector>> {
        match kind {
            Kind::Resource => &self.resources,
            Kind::Need => &self.needs,
        }
    }

    pub fn put(&self, kind: Kind, id: i64, v: Vector) {
        let mut side = self.side(kind).write().unwrap_or_else(|e| e.into_inner());
        side.insert(id, v);
    }

    pub fn remove(&self, kind: Kind, id: i64) {
        let mut side = self.side(kind).write().unwrap_or_else(|e| e.into_inner());
        side.remove(&id);
    }

    pub fn get(&self, kind: Kind, id: i64) -> Option<Vector> {
        let side = self.side(kind).read().unwrap_or_else(|e| e.into_inner());
        side.get(&id).cloned()
    }

    pub fn len(&self, kind: Kind) -> usize {
        let side = self.side(kind).read().unwrap_or_else(|e| e.into_inner());
        side.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len(Kind::Resource) == 0 && self.len(Kind::Need) == 0
    }

    /// Runs `f` with a lookup of the vectors of `kind` by id, under one read lock (a ranking
    /// reads thousands).
    pub fn with<R>(
        &self,
        kind: Kind,
        f: impl for<'a> FnOnce(&'a dyn Fn(i64) -> Option<&'a Vector>) -> R,
    ) -> R {
        let side = self.side(kind).read().unwrap_or_else(|e| e.into_inner());
        f(&|id| side.get(&id))
    }

    /// The `m` vectors of `kind` nearest `probe` that `keep` accepts, nearest first (ties by
    /// id), with their cosines.
    pub fn nearest(
        &self,
        kind: Kind,
        probe: &Vector,
        m: usize,
        keep: impl Fn(i64) -> bool,
    ) -> Vec<(i64, f32)> {
        let side = self.side(kind).read().unwrap_or_else(|e| e.into_inner());
        // A bounded heap of the best so far, worst on top.
        let mut best: std::collections::BinaryHeap<Near> = Default::default();
        for (&id, v) in side.iter() {
            let c = probe.cosine(v);
            if best.len() == m && best.peek().is_some_and(|w| Near(c, id) >= *w) {
                continue;
            }
            if !keep(id) {
                continue;
            }
            best.push(Near(c, id));
            if best.len() > m {
                best.pop();
            }
        }
        let mut out: Vec<(i64, f32)> = best.into_iter().map(|Near(c, id)| (id, c)).collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }
}

/// A candidate ordered worst first: lower cosine, then higher id, is "greater" so that the
/// heap's top is the one to drop.
#[derive(PartialEq)]
struct Near(f32, i64);

impl Eq for Near {}

impl Ord for Near {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
    }
}

impl PartialOrd for Near {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(seed: u64) -> Vec<f32> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let v: Vec<f32> = (0..DIM)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 2001) as f32 / 1000.0 - 1.0
            })
            .collect();
        let n = v.iter().map(|a| a * a).sum::<f32>().sqrt();
        v.into_iter().map(|a| a / n).collect()
    }

    fn exact(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn quantized_cosines_keep_three_digits_and_survive_storage() {
        for s in 0..50 {
            let (a, b) = (unit(s), unit(s + 1000));
            let (qa, qb) = (Vector::quantize(&a), Vector::quantize(&b));
            assert!((qa.cosine(&qb) - exact(&a, &b)).abs() < 2e-3);
            assert!((qa.cosine(&qa) - 1.0).abs() < 2e-3);
            let back = Vector::from_bytes(&qa.to_bytes(), f64::from(qa.scale)).unwrap();
            assert_eq!(back, qa);
        }
        assert!(Vector::from_bytes(&[0; 10], 1.0).is_none());
    }

    #[test]
    fn nearest_is_the_exact_top_among_those_kept() {
        let vs = Vectors::default();
        let all: Vec<Vec<f32>> = (0..300).map(unit).collect();
        for (i, v) in all.iter().enumerate() {
            vs.put(Kind::Resource, i as i64, Vector::quantize(v));
        }
        let probe = Vector::quantize(&unit(7777));
        let got = vs.nearest(Kind::Resource, &probe, 10, |id| id % 3 != 0);
        let mut want: Vec<(i64, f32)> = (0..300)
            .filter(|id| id % 3 != 0)
            .map(|id| (id, probe.cosine(&vs.get(Kind::Resource, id).unwrap())))
            .collect();
        want.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        want.truncate(10);
        assert_eq!(got, want);
        vs.remove(Kind::Resource, want[0].0);
        assert_ne!(
            vs.nearest(Kind::Resource, &probe, 1, |_| true)[0].0,
            want[0].0
        );
    }
}
