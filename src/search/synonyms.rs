//! The synonym/concept dictionary applied at query time: a need that asks for 助餐 also finds
//! offers of 送餐 or 长者饭堂. One group per line, words separated by spaces, `#` comments.
//!
//! The file lives in the data directory (`synonyms.txt`, written from the built-in default on
//! first start) so an admin can edit it and reload it without a restart.

use std::collections::HashMap;
use std::path::Path;

use super::analyzer;

pub const DEFAULT: &str = include_str!("dict/synonyms.txt");
pub const FILE_NAME: &str = "synonyms.txt";

#[derive(Debug, Default)]
pub struct Synonyms {
    /// Each group's words with the index terms that stand for each: the word itself when
    /// jieba keeps it whole, otherwise its parts (worked out once here, not per query).
    groups: Vec<Vec<(String, Vec<String>)>>,
    /// Each word (lowercased) → the groups it belongs to.
    member_of: HashMap<String, Vec<usize>>,
}

/// A line that could not be read, with its 1-based number.
#[derive(Debug, thiserror::Error)]
#[error("第{line}行：{message}")]
pub struct SynonymError {
    pub line: usize,
    pub message: String,
}

impl Synonyms {
    pub fn parse(text: &str) -> Result<Self, SynonymError> {
        let mut s = Synonyms::default();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<String> = line.split_whitespace().map(str::to_lowercase).collect();
            let err = |message: &str| SynonymError {
                line: i + 1,
                message: message.into(),
            };
            if words.len() < 2 {
                return Err(err("一组同义词至少要有两个词"));
            }
            if words.iter().any(|w| w.chars().count() > 20) {
                return Err(err("词语不能超过20个字"));
            }
            let id = s.groups.len();
            for w in &words {
                let groups = s.member_of.entry(w.clone()).or_default();
                if !groups.contains(&id) {
                    groups.push(id);
                }
            }
            s.groups.push(
                words
                    .into_iter()
                    .map(|w| {
                        let parts = analyzer::distinct_terms(&w);
                        let terms = if parts.contains(&w) {
                            vec![w.clone()]
                        } else {
                            parts
                        };
                        (w, terms)
                    })
                    .collect(),
            );
        }
        Ok(s)
    }

    /// Reads the data directory's file, creating it from the default when it is missing.
    pub fn load(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join(FILE_NAME);
        if !path.exists() {
            std::fs::write(&path, DEFAULT)?;
        }
        let text = std::fs::read_to_string(&path)?;
        Self::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }

    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// The other words of every group `term` belongs to, as index terms.
    pub fn expand(&self, term: &str) -> Vec<String> {
        let Some(groups) = self.member_of.get(term) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &g in groups {
            for (word, terms) in &self.groups[g] {
                if word == term {
                    continue;
                }
                for t in terms {
                    if t != term && !out.contains(t) {
                        out.push(t.clone());
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_dictionary_parses_and_is_large() {
        let s = Synonyms::parse(DEFAULT).unwrap();
        assert!(s.group_count() >= 150, "{} groups", s.group_count());
    }

    #[test]
    fn expands_within_groups_only() {
        let s = Synonyms::parse("# 养老\n助餐 送餐 老年食堂\n法律援助 法律咨询\n").unwrap();
        let e = s.expand("助餐");
        assert!(
            e.contains(&"送餐".to_owned()) && e.contains(&"老年食堂".to_owned()),
            "{e:?}"
        );
        assert!(!e.iter().any(|w| w.contains("法律")));
        assert!(s.expand("篮球").is_empty());
    }

    #[test]
    fn bad_lines_are_reported_by_number() {
        let e = Synonyms::parse("助餐 送餐\n孤词\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
