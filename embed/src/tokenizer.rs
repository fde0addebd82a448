//! XLM-RoBERTa's SentencePiece Unigram tokenizer, exactly as `e5.c`'s
//! `tok_content` runs it.
//!
//! Pipeline: per-codepoint normalisation map (the precompiled `nmt_nfkc`
//! table flattened by `convert.py`) → collapse runs of U+0020 → metaspace
//! (prepend one space unless the text already starts with one; every space
//! becomes U+2581 "▁") → Viterbi over the pieces, where any single character
//! may also be taken as `<unk>` at (lowest piece score − 10), so every input
//! has a segmentation. Ties keep the first path found, as in C, because the
//! ids must match the reference bit for bit.

use crate::Error;

const META: char = '\u{2581}';

pub(crate) struct Tokenizer {
    blob: &'static [u8],
    offs: Vec<u32>,
    scores: Vec<f32>,
    /// Open-addressing table (FNV-1a, linear probing) of piece index + 1;
    /// 0 = empty. The same table as C, so duplicate pieces resolve alike.
    table: Vec<u32>,
    mask: usize,
    unk_score: f32,
    max_piece_bytes: usize,
    norm_cp: Vec<u32>,
    norm_off: Vec<u32>,
    norm_out: Vec<char>,
    pub bos: u32,
    pub eos: u32,
    pub unk: u32,
    /// Original id of each piece, when the vocabulary was pruned.
    orig: Option<Vec<u32>>,
}

#[inline]
fn fnv1a_step(h: u64, b: u8) -> u64 {
    (h ^ b as u64).wrapping_mul(1_099_511_628_211)
}
const FNV_OFFSET: u64 = 1_469_598_103_934_665_603;

impl Tokenizer {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        blob: &'static [u8],
        offs: Vec<u32>,
        scores: Vec<f32>,
        n_norm: usize,
        nm: &[u8],
        bos: u32,
        eos: u32,
        unk: u32,
        orig: Option<Vec<u32>>,
    ) -> Result<Tokenizer, Error> {
        let n = scores.len();
        // Normalisation map: n_norm × (cp u32, count u8, count × cp u32).
        let bad_map = || Error::new("corrupt normalization map");
        let mut norm_cp = Vec::with_capacity(n_norm);
        let mut norm_off = Vec::with_capacity(n_norm + 1);
        let mut norm_out = Vec::new();
        let mut p = 0usize;
        let u32_at = |p: usize| -> Result<u32, Error> {
            nm.get(p..p + 4)
                .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
                .ok_or_else(bad_map)
        };
        for _ in 0..n_norm {
            norm_cp.push(u32_at(p)?);
            let cnt = *nm.get(p + 4).ok_or_else(bad_map)? as usize;
            p += 5;
            norm_off.push(norm_out.len() as u32);
            for _ in 0..cnt {
                // An invalid scalar could not be re-encoded as UTF-8 the way C
                // blindly does; such a table is not one convert.py writes.
                norm_out.push(char::from_u32(u32_at(p)?).ok_or_else(bad_map)?);
                p += 4;
            }
        }
        norm_off.push(norm_out.len() as u32);

        let mut min_score = 1e30f32;
        let mut max_piece_bytes = 1usize;
        for i in 0..n {
            min_score = min_score.min(scores[i]);
            max_piece_bytes = max_piece_bytes.max((offs[i + 1] - offs[i]) as usize);
        }
        let mut bits = 1;
        while (1usize << bits) < n * 2 {
            bits += 1;
        }
        let mask = (1usize << bits) - 1;
        let mut table = vec![0u32; mask + 1];
        for i in 0..n {
            let piece = &blob[offs[i] as usize..offs[i + 1] as usize];
            if piece.is_empty() {
                continue;
            }
            let mut h = piece.iter().fold(FNV_OFFSET, |h, &b| fnv1a_step(h, b)) as usize & mask;
            while table[h] != 0 {
                h = (h + 1) & mask;
            }
            table[h] = i as u32 + 1;
        }
        Ok(Tokenizer {
            blob,
            offs,
            scores,
            table,
            mask,
            unk_score: min_score - 10.0,
            max_piece_bytes,
            norm_cp,
            norm_off,
            norm_out,
            bos,
            eos,
            unk,
            orig,
        })
    }

    pub fn pieces(&self) -> usize {
        self.scores.len()
    }

    /// The id a piece index is reported as: its original id in a pruned model.
    pub fn external_id(&self, idx: u32) -> u32 {
        match &self.orig {
            Some(o) => o[idx as usize],
            None => idx,
        }
    }

    /// Piece whose bytes are `s`, given `hash` = FNV-1a of `s`.
    #[inline]
    fn lookup(&self, s: &[u8], hash: u64) -> Option<u32> {
        let mut i = hash as usize & self.mask;
        loop {
            let v = self.table[i];
            if v == 0 {
                return None;
            }
            let idx = (v - 1) as usize;
            if &self.blob[self.offs[idx] as usize..self.offs[idx + 1] as usize] == s {
                return Some(idx as u32);
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Binary search as C's `norm_find` (so even an unsorted map behaves alike).
    fn norm_find(&self, cp: u32) -> Option<usize> {
        let (mut lo, mut hi) = (0isize, self.norm_cp.len() as isize - 1);
        while lo <= hi {
            let mid = (lo + hi) >> 1;
            let v = self.norm_cp[mid as usize];
            if v == cp {
                return Some(mid as usize);
            }
            if v < cp {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        None
    }

    /// Content piece indices of `text` (no `<s>`/`</s>`, not truncated).
    pub fn content(&self, text: &str) -> Vec<u32> {
        // Normalise, then collapse runs of spaces.
        let mut cps: Vec<char> = Vec::with_capacity(text.len() + 1);
        for ch in text.chars() {
            let mapped: &[char] = match self.norm_find(ch as u32) {
                Some(i) => &self.norm_out[self.norm_off[i] as usize..self.norm_off[i + 1] as usize],
                None => std::slice::from_ref(&ch),
            };
            for &c in mapped {
                if c == ' ' && cps.last() == Some(&' ') {
                    continue;
                }
                cps.push(c);
            }
        }
        // Metaspace, and the byte offset where each character starts.
        let mut buf = Vec::with_capacity(cps.len() * 3 + 3);
        let mut starts = Vec::with_capacity(cps.len() + 2);
        let mut utf8 = [0u8; 4];
        if cps.first() != Some(&' ') {
            starts.push(0);
            buf.extend_from_slice(META.encode_utf8(&mut utf8).as_bytes());
        }
        for &c in &cps {
            starts.push(buf.len());
            let c = if c == ' ' { META } else { c };
            buf.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        }
        starts.push(buf.len());
        self.viterbi(&buf, &starts)
    }

    fn viterbi(&self, buf: &[u8], starts: &[usize]) -> Vec<u32> {
        const NONE: f32 = -1e30;
        const UNK: u32 = u32::MAX;
        let n = starts.len() - 1;
        let mut best = vec![NONE; n + 1];
        let mut piece = vec![UNK; n + 1];
        let mut from = vec![0usize; n + 1];
        best[0] = 0.0;
        for i in 0..n {
            if best[i] <= -1e29 {
                continue;
            }
            let bi = starts[i];
            // Extend the hash one character at a time instead of rehashing.
            let mut h = FNV_OFFSET;
            let mut hashed = bi;
            for e in i + 1..=n {
                let end = starts[e];
                if end - bi > self.max_piece_bytes {
                    break;
                }
                for &b in &buf[hashed..end] {
                    h = fnv1a_step(h, b);
                }
                hashed = end;
                if let Some(idx) = self.lookup(&buf[bi..end], h)
                    && idx != self.unk
                {
                    let sc = best[i] + self.scores[idx as usize];
                    if sc > best[e] {
                        best[e] = sc;
                        piece[e] = idx;
                        from[e] = i;
                    }
                }
            }
            let us = best[i] + self.unk_score;
            if us > best[i + 1] {
                best[i + 1] = us;
                piece[i + 1] = UNK;
                from[i + 1] = i;
            }
        }
        let mut out = Vec::new();
        let mut i = n;
        while i > 0 {
            out.push(if piece[i] == UNK { self.unk } else { piece[i] });
            i = from[i];
        }
        out.reverse();
        out
    }
}
