//! Chinese analysis: jieba search-mode segmentation with a user dictionary of community-service
//! words, lowercased, punctuation and whitespace dropped. The same analyzer indexes documents
//! and analyzes queries (registered as [`TOKENIZER`]); [`Placed`] files a resource's terms
//! under the part of the city it serves ([`PLACED_TOKENIZER`]).

use std::rc::Rc;
use std::sync::{Arc, LazyLock};

use jieba_rs::{Jieba, TokenizeMode};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

pub const TOKENIZER: &str = "zh";
/// The analysis of `placed` text: [`TOKENIZER`]'s terms, each filed under a part of the city.
pub const PLACED_TOKENIZER: &str = "zh_placed";

/// Between a part and the text in a `placed` value (see [`placed_value`]).
const PART_END: char = '\u{1f}';

/// A text to index in a `placed` field, filed under `part` (a region term).
pub fn placed_value(part: &str, text: &str) -> String {
    format!("{part}{PART_END}{text}")
}

/// The indexed term for `term` filed under `part`. Region terms have no `:`, so the first one
/// ends the part.
pub fn placed_term(part: &str, term: &str) -> String {
    let mut out = String::with_capacity(part.len() + 1 + term.len());
    push_placed(&mut out, part, term);
    out
}

fn push_placed(out: &mut String, part: &str, term: &str) {
    out.push_str(part);
    out.push(':');
    out.push_str(term);
}

/// The term a placed term stands for.
pub fn unplaced_term(placed: &str) -> &str {
    placed.split_once(':').map_or(placed, |(_, term)| term)
}

/// The domain words jieba's own dictionary would split or join wrongly (党建联盟, 楼栋长 …).
const USER_DICT: &str = include_str!("dict/user_dict.txt");

static JIEBA: LazyLock<Arc<Jieba>> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    for line in USER_DICT
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let mut parts = line.split_whitespace();
        if let Some(word) = parts.next() {
            let freq = parts.next().and_then(|f| f.parse().ok());
            jieba.add_word(word, freq, None);
        }
    }
    Arc::new(jieba)
});

/// A short fingerprint of the analysis (see the index payload): text indexed with another
/// analysis would not match today's queries, so a change rebuilds the index.
/// Bump when the analysis changes in a way the dictionary and stopwords do not show (mode,
/// normalisation, the jieba version).
const ANALYZER_VERSION: &str = "jieba-rs 0.11 search mode, lowercase, v1";

pub fn fingerprint() -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(ANALYZER_VERSION.as_bytes());
    h.update(USER_DICT.as_bytes());
    h.update(STOPWORDS.join(" ").as_bytes());
    hex::encode(&h.finalize()[..8])
}

/// Function words that say nothing about what is offered or needed; dropped everywhere.
const STOPWORDS: &[&str] = &[
    "的", "了", "着", "过", "和", "与", "及", "或", "等", "也", "都", "还", "就", "又", "很", "太",
    "更", "在", "从", "把", "被", "给", "让", "对", "向", "为", "以", "于", "由", "将", "之", "其",
    "这", "那", "这个", "那个", "这些", "那些", "我", "我们", "你", "你们", "他", "他们", "她",
    "她们", "它", "大家", "是", "有", "没", "没有", "不", "不是", "要", "想", "能", "会", "可以",
    "可", "去", "来", "说", "做", "一", "个", "一个", "些", "一些", "几", "几个", "好", "好多",
    "很多", "多", "啊", "吧", "呢", "吗", "得", "地", "里", "上", "下", "中", "后", "前", "时",
    "时候", "已经", "还是", "但是", "而且", "因为", "所以", "如果", "希望", "需要", "想要", "能够",
    "一下", "怎么", "什么", "哪里", "整天",
];

/// Words so common in this domain's lists that matching on them alone says little; a query
/// counts them at a fraction of the weight of other words.
pub const WEAK_WORDS: &[&str] = &[
    "社区", "居民", "老人", "孩子", "服务", "活动", "街道", "辖区", "小区", "单位", "提供", "开展",
    "免费", "公益", "组织", "帮助", "问题", "情况", "工作", "人员", "群众", "每天", "每周", "每月",
];

static STOPWORD_SET: LazyLock<std::collections::HashSet<&'static str>> =
    LazyLock::new(|| STOPWORDS.iter().copied().collect());

/// CJK ideographs: letters with no case, the bulk of every text here (a fast path past the
/// Unicode tables, which indexing otherwise consults for every character).
fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// Whether a segment carries meaning: not only punctuation, symbols, whitespace or a
/// function word.
fn meaningful(word: &str) -> bool {
    word.chars().any(|c| {
        c.is_ascii_alphanumeric() || is_ideograph(c) || (!c.is_ascii() && c.is_alphanumeric())
    }) && !STOPWORD_SET.contains(word)
}

/// The segment as a term: lowercased (the same as `to_lowercase`, without the per-character
/// case tables for the ideographs that have no case).
fn term_of(word: &str) -> String {
    let mut term = String::with_capacity(word.len());
    push_term(&mut term, word);
    term
}

fn push_term(out: &mut String, word: &str) {
    // Not `is_uppercase`: titlecase letters such as ǅ change too.
    let cased = word.chars().any(|c| {
        if c.is_ascii() {
            c.is_ascii_uppercase()
        } else {
            !is_ideograph(c) && !c.to_lowercase().eq(std::iter::once(c))
        }
    });
    if cased {
        out.push_str(&word.to_lowercase());
    } else {
        out.push_str(word);
    }
}

/// The terms of a text, in order, with repeats (as the index sees them).
pub fn terms(text: &str) -> Vec<String> {
    JIEBA
        .tokenize(text, TokenizeMode::Search, true)
        .into_iter()
        .filter(|t| meaningful(t.word))
        .map(|t| term_of(t.word))
        .collect()
}

/// The distinct terms of a text, in first-seen order.
pub fn distinct_terms(text: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    terms(text)
        .into_iter()
        .filter(|t| seen.insert(t.clone()))
        .collect()
}

/// Search mode (whole words and their parts) for the index and queries; default mode
/// (whole words only, never overlapping) for highlighting.
#[derive(Clone)]
pub struct ChineseTokenizer {
    mode: TokenizeMode,
}

impl Default for ChineseTokenizer {
    fn default() -> Self {
        ChineseTokenizer {
            mode: TokenizeMode::Search,
        }
    }
}

impl ChineseTokenizer {
    pub fn whole_words() -> Self {
        ChineseTokenizer {
            mode: TokenizeMode::Default,
        }
    }
}

/// The meaningful segments of one text, handed to tantivy one at a time through a single
/// reused token (its text buffer is refilled, not reallocated, for each term).
pub struct ChineseTokenStream<'a> {
    text: &'a str,
    words: Spans,
    next: usize,
    token: Token,
}

/// How many texts each thread remembers the segmentation of (see [`segments`]).
const RECENT_TEXTS: usize = 4;

/// The byte spans of a text's meaningful words.
type Spans = Rc<[(usize, usize)]>;

thread_local! {
    static RECENT: std::cell::RefCell<std::collections::VecDeque<(TokenizeMode, String, Spans)>> =
        const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
}

/// The byte spans of the meaningful words of `text`. A document hands the same text to the
/// analyzer several times (a need's `body` or a resource's `placed` has the title three times
/// and the tags twice, a resource's `words` all of it again), so each thread keeps the last
/// few segmentations and runs jieba — most of the indexing time — once per distinct text.
fn segments(mode: TokenizeMode, text: &str) -> Spans {
    let hit = RECENT.with_borrow(|recent| {
        recent
            .iter()
            .find(|(m, t, _)| *m == mode && t == text)
            .map(|(_, _, words)| words.clone())
    });
    if let Some(words) = hit {
        return words;
    }
    let words: Spans = JIEBA
        .tokenize(text, mode, true)
        .into_iter()
        .filter(|t| meaningful(t.word))
        .map(|t| (t.byte_start, t.byte_end))
        .collect();
    RECENT.with_borrow_mut(|recent| {
        if recent.len() == RECENT_TEXTS {
            recent.pop_back();
        }
        recent.push_front((mode, text.to_owned(), words.clone()));
    });
    words
}

impl Tokenizer for ChineseTokenizer {
    type TokenStream<'a> = ChineseTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ChineseTokenStream<'a> {
        ChineseTokenStream {
            text,
            words: segments(self.mode, text),
            next: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for ChineseTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(&(start, end)) = self.words.get(self.next) else {
            return false;
        };
        self.token.text.clear();
        push_term(&mut self.token.text, &self.text[start..end]);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.next;
        self.token.position_length = 1;
        self.next += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Another tokenizer's terms, each prefixed with the part its value names (see
/// [`placed_value`]; a value without one gets an empty part, which no query asks for).
#[derive(Clone)]
pub struct Placed<T>(pub T);

pub struct PlacedTokenStream<'a, S> {
    part: &'a str,
    inner: S,
    token: Token,
}

impl<T: Tokenizer> Tokenizer for Placed<T> {
    type TokenStream<'a> = PlacedTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let (part, text) = text.split_once(PART_END).unwrap_or(("", text));
        PlacedTokenStream {
            part,
            inner: self.0.token_stream(text),
            token: Token::default(),
        }
    }
}

impl<S: TokenStream> TokenStream for PlacedTokenStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        let t = self.inner.token();
        self.token.text.clear();
        push_placed(&mut self.token.text, self.part, &t.text);
        self.token.offset_from = t.offset_from;
        self.token.offset_to = t.offset_to;
        self.token.position = t.position;
        self.token.position_length = t.position_length;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_domain_words_whole_and_drops_punctuation() {
        let t = terms("社区独居长者需要助餐服务，四点半课堂招募志愿者！");
        assert!(t.contains(&"助餐".to_owned()), "{t:?}");
        assert!(t.contains(&"四点半课堂".to_owned()), "{t:?}");
        assert!(!t.iter().any(|w| w == "，" || w == "！"), "{t:?}");
    }

    #[test]
    fn search_mode_also_yields_the_parts_of_long_words() {
        let t = terms("法律咨询");
        assert!(
            t.contains(&"法律".to_owned()) && t.contains(&"咨询".to_owned()),
            "{t:?}"
        );
    }

    #[test]
    fn placed_terms_are_the_terms_under_their_part() {
        let mut placed = Placed(ChineseTokenizer::default());
        let mut stream = placed.token_stream("d12\u{1f}老年食堂 AED");
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        let want: Vec<String> = terms("老年食堂 AED")
            .iter()
            .map(|t| placed_term("d12", t))
            .collect();
        assert_eq!(out, want);
        assert!(out.contains(&"d12:aed".to_owned()), "{out:?}");
        assert_eq!(unplaced_term("d12:aed"), "aed");
        assert_eq!(placed_value("c1", "x"), "c1\u{1f}x");
    }

    #[test]
    fn latin_text_is_lowercased() {
        assert!(terms("AED 培训").contains(&"aed".to_owned()));
    }

    #[test]
    fn terms_are_what_lowercasing_gives() {
        for w in [
            "AED",
            "Wi-Fi",
            "助餐",
            "ＡＢＣ",
            "Ärzte",
            "ΣΟΦΙΑ",
            "0-3岁",
            "㐀",
            "",
        ] {
            assert_eq!(term_of(w), w.to_lowercase(), "{w}");
        }
        for w in ["的", "希望", "，", "  ", "！？"] {
            assert!(!meaningful(w), "{w}");
        }
        for w in ["助餐", "a", "3", "Ä", "㐀"] {
            assert!(meaningful(w), "{w}");
        }
    }
}
