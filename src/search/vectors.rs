//! Sentence embeddings held in memory for scoring: one signed-byte vector per resource and
//! need, with its scale, so that a cosine is an integer dot product and the vectors take a
//! quarter of the memory of floats.
//!
//! The vectors are the model's unit-length embeddings divided by a per-vector scale (the
//! largest component over 127), which keeps three significant digits of every cosine — far
//! finer than the differences a ranking turns on.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU32, Ordering};

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

/// The integer dot product. The same loop is compiled twice, for AVX2 when the processor has
/// it (chosen at run time, since the binary is built for any x86-64) and plain: a match scores
/// every document its filter passes, so this is the inner loop of a ranking by meaning.
fn dot(a: &[i8; DIM], b: &[i8; DIM]) -> i32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2, checked just above.
        return unsafe { dot_avx2(a, b) };
    }
    dot_plain(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn dot_avx2(a: &[i8; DIM], b: &[i8; DIM]) -> i32 {
    dot_plain(a, b)
}

/// Sixteen running sums, one per lane, reduced once at the end: the compiler keeps them in
/// two vector registers (reducing after every chunk instead costs twice the time). Exact: a
/// lane sums 24 products of at most 127², far below `i32::MAX`.
#[inline(always)]
fn dot_plain(a: &[i8; DIM], b: &[i8; DIM]) -> i32 {
    let mut lanes = [0i32; 16];
    for (x, y) in a.chunks_exact(16).zip(b.chunks_exact(16)) {
        for ((lane, &p), &q) in lanes.iter_mut().zip(x).zip(y) {
            *lane += i32::from(p) * i32::from(q);
        }
    }
    lanes.iter().sum()
}

/// Every live resource's and need's vector, by id; filled at start from the database and kept
/// current by the embedder as it stores new ones.
#[derive(Default)]
pub struct Vectors {
    resources: RwLock<Side>,
    needs: RwLock<Side>,
}

/// One kind's vectors in one block, a slot each: a ranking reads thousands of them in the
/// order of its index segments, and a slot remembered per document (see [`Slots`]) reaches
/// one without hashing its id. A slot is reused once its vector is removed; each slot knows
/// whose vector it holds, so a remembered slot that went to another id is noticed.
#[derive(Default)]
struct Side {
    slot_of: HashMap<i64, u32>,
    /// The id whose vector each slot holds; [`FREE`] for a free one.
    owner: Vec<i64>,
    scale: Vec<f32>,
    /// `DIM` bytes a slot.
    data: Vec<i8>,
    free: Vec<u32>,
}

const FREE: i64 = i64::MIN;

impl Side {
    fn put(&mut self, id: i64, v: &Vector) {
        let slot = match self.slot_of.get(&id) {
            Some(&s) => s,
            None => {
                let s = match self.free.pop() {
                    Some(s) => s,
                    None => {
                        self.owner.push(FREE);
                        self.scale.push(0.0);
                        self.data.resize(self.data.len() + DIM, 0);
                        (self.owner.len() - 1) as u32
                    }
                };
                self.slot_of.insert(id, s);
                s
            }
        };
        let i = slot as usize;
        self.owner[i] = id;
        self.scale[i] = v.scale;
        self.data[i * DIM..(i + 1) * DIM].copy_from_slice(&v.q[..]);
    }

    fn remove(&mut self, id: i64) {
        if let Some(s) = self.slot_of.remove(&id) {
            self.owner[s as usize] = FREE;
            self.free.push(s);
        }
    }

    fn at(&self, slot: u32) -> (&[i8; DIM], f32) {
        let i = slot as usize;
        let q = self.data[i * DIM..(i + 1) * DIM]
            .try_into()
            .expect("a slot is DIM bytes");
        (q, self.scale[i])
    }

    fn get(&self, id: i64) -> Option<Vector> {
        let &slot = self.slot_of.get(&id)?;
        let (q, scale) = self.at(slot);
        Some(Vector {
            q: Box::new(*q),
            scale,
        })
    }

    /// The slot of `id`'s vector: the remembered one when it still holds it, else looked up
    /// (and remembered).
    fn slot(&self, id: i64, remembered: &AtomicU32) -> Option<u32> {
        let s = remembered.load(Ordering::Relaxed);
        if self.owner.get(s as usize) == Some(&id) {
            return Some(s);
        }
        let &s = self.slot_of.get(&id)?;
        remembered.store(s, Ordering::Relaxed);
        Some(s)
    }
}

/// A slot remembered per document of an index segment, for [`Lookup::cosine`]; starts empty.
pub struct Slots(Box<[AtomicU32]>);

impl Slots {
    pub fn new(docs: usize) -> Self {
        Self((0..docs).map(|_| AtomicU32::new(u32::MAX)).collect())
    }

    pub fn get(&self, doc: usize) -> &AtomicU32 {
        &self.0[doc]
    }
}

/// The vectors of one kind under one read lock (a ranking reads thousands).
pub struct Lookup<'a>(std::sync::RwLockReadGuard<'a, Side>);

impl Lookup<'_> {
    /// The cosine of `probe` and `id`'s vector, when it has one; `remembered` is the slot
    /// this document had last time.
    pub fn cosine(&self, probe: &Vector, id: i64, remembered: &AtomicU32) -> Option<f32> {
        let (q, scale) = self.0.at(self.0.slot(id, remembered)?);
        Some(dot(&probe.q, q) as f32 * probe.scale * scale)
    }
}

impl Vectors {
    fn side(&self, kind: Kind) -> &RwLock<Side> {
        match kind {
            Kind::Resource => &self.resources,
            Kind::Need => &self.needs,
        }
    }

    fn read(&self, kind: Kind) -> std::sync::RwLockReadGuard<'_, Side> {
        self.side(kind).read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn put(&self, kind: Kind, id: i64, v: Vector) {
        let mut side = self.side(kind).write().unwrap_or_else(|e| e.into_inner());
        side.put(id, &v);
    }

    pub fn remove(&self, kind: Kind, id: i64) {
        let mut side = self.side(kind).write().unwrap_or_else(|e| e.into_inner());
        side.remove(id);
    }

    pub fn get(&self, kind: Kind, id: i64) -> Option<Vector> {
        self.read(kind).get(id)
    }

    pub fn len(&self, kind: Kind) -> usize {
        self.read(kind).slot_of.len()
    }

    /// Vectors held for both lists.
    pub fn total(&self) -> usize {
        self.len(Kind::Resource) + self.len(Kind::Need)
    }

    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }

    pub fn lookup(&self, kind: Kind) -> Lookup<'_> {
        Lookup(self.read(kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dot_product_is_exact_with_and_without_avx2() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut random = || -> [i8; DIM] {
            std::array::from_fn(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 255) as i8
            })
        };
        let extreme_low = [-127i8; DIM];
        let extreme_high = [127i8; DIM];
        let pairs = [
            (random(), random()),
            (extreme_low, extreme_low),
            (extreme_low, extreme_high),
        ];
        for (a, b) in &pairs {
            let want: i32 = a
                .iter()
                .zip(b)
                .map(|(&p, &q)| i32::from(p) * i32::from(q))
                .sum();
            assert_eq!(dot(a, b), want);
            assert_eq!(dot_plain(a, b), want);
        }
        assert_eq!(dot(&extreme_low, &extreme_low), 127 * 127 * DIM as i32);
    }

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
    fn slots_are_reused_and_a_remembered_slot_is_checked() {
        let vs = Vectors::default();
        let all: Vec<Vector> = (0..6).map(|s| Vector::quantize(&unit(s))).collect();
        for (id, v) in all.iter().enumerate().take(3) {
            vs.put(Kind::Resource, id as i64, v.clone());
        }
        let probe = Vector::quantize(&unit(99));
        let slots = Slots::new(3);
        let cos =
            |id: i64, doc: usize| vs.lookup(Kind::Resource).cosine(&probe, id, slots.get(doc));
        for id in 0..3 {
            assert_eq!(cos(id, id as usize), Some(probe.cosine(&all[id as usize])));
        }
        // Id 1 goes; id 7 takes its slot: document 1 (id 1) must not read id 7's vector.
        vs.remove(Kind::Resource, 1);
        vs.put(Kind::Resource, 7, all[4].clone());
        assert_eq!(cos(1, 1), None);
        assert_eq!(cos(7, 1), Some(probe.cosine(&all[4])));
        // A rewritten vector is read in place.
        vs.put(Kind::Resource, 2, all[5].clone());
        assert_eq!(cos(2, 2), Some(probe.cosine(&all[5])));
        assert_eq!(vs.get(Kind::Resource, 2).as_ref(), Some(&all[5]));
        assert_eq!(vs.len(Kind::Resource), 3);
        assert_eq!(vs.get(Kind::Need, 0), None);
    }
}
