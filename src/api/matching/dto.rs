//! What the match lists answer: each match with its score and the reasons for it, and for a
//! grouped offer the other units' copies.

use serde::Serialize;
use utoipa::ToSchema;

use crate::api::views::{Named, NeedView, ResourceView, ScopeView};
use crate::domain::matching::Ranked;
use crate::domain::matching::lessons::WORTH_SAYING;

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchedTerm {
    /// The word found in the match.
    pub term: String,
    /// When it matched as a synonym: the word of the query it stands for.
    pub synonym_of: Option<String>,
}

/// Why a match ranked where it did, in words a coordinator can read.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reasons {
    pub matched_terms: Vec<MatchedTerm>,
    /// 本社区, 本街道, 本区县 or 全市: how close the resource's service scope is.
    pub scope: String,
    pub category_match: bool,
    /// The resource's unit is a member of the need's alliance.
    pub same_alliance: bool,
    /// Found among the nearest in meaning (意思相近), with or without a shared word.
    pub similar_meaning: bool,
    /// What reviewers' past decisions added to the score (negative: took from it), when
    /// anything; from 0.01 on, the summary says 「评审曾通过类似对接」 or 「类似对接曾被退回」.
    pub learned: Option<f64>,
    /// The same in one sentence.
    pub summary: String,
}

impl Reasons {
    /// Says who else offers the same (`others`, copies of an offer of `unit`): 「另有 N 家单位
    /// 提供」 for other units, and the unit's own further copies apart, so that N counts units.
    pub fn offered_also_by(mut self, unit: i64, others: &[AlsoOfferedBy]) -> Self {
        let mut units: Vec<i64> = others
            .iter()
            .map(|o| o.organization.id)
            .filter(|o| *o != unit)
            .collect();
        units.sort_unstable();
        units.dedup();
        let own = others.iter().filter(|o| o.organization.id == unit).count();
        if !units.is_empty() {
            self.summary
                .push_str(&format!("；另有 {} 家单位提供", units.len()));
        }
        if own > 0 {
            self.summary
                .push_str(&format!("；该单位另有 {own} 条相同资源"));
        }
        self
    }
}

impl From<&Ranked> for Reasons {
    fn from(r: &Ranked) -> Self {
        let matched_terms: Vec<MatchedTerm> = r
            .matched_terms
            .iter()
            .map(|(term, synonym_of)| MatchedTerm {
                term: term.clone(),
                synonym_of: synonym_of.clone(),
            })
            .collect();
        let mut parts = Vec::new();
        if !matched_terms.is_empty() {
            let words: Vec<String> = matched_terms
                .iter()
                .map(|t| match &t.synonym_of {
                    Some(of) => format!("{}（{}的近义词）", t.term, of),
                    None => t.term.clone(),
                })
                .collect();
            parts.push(format!("匹配词：{}", words.join("、")));
        }
        if r.meaning.is_some() {
            parts.push("意思相近".into());
        }
        match r.learned {
            Some(by) if by >= WORTH_SAYING => parts.push("评审曾通过类似对接".into()),
            Some(by) if by <= -WORTH_SAYING => parts.push("类似对接曾被退回".into()),
            _ => {}
        }
        parts.push(format!("服务范围：{}", r.scope_relation));
        if r.category_match {
            parts.push("类别相同".into());
        }
        if r.same_alliance {
            parts.push("同一联盟成员单位".into());
        }
        Reasons {
            matched_terms,
            scope: r.scope_relation.into(),
            category_match: r.category_match,
            same_alliance: r.same_alliance,
            similar_meaning: r.meaning.is_some(),
            learned: r.learned,
            summary: parts.join("；"),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceMatch {
    pub resource: ResourceView,
    /// 0–1; higher is better.
    pub score: f64,
    pub reasons: Reasons,
    /// The same offer from other units (or from the same unit elsewhere), best first: this
    /// item is its best-ranked copy. Empty unless grouped (`group=true`, the default).
    pub also_offered_by: Vec<AlsoOfferedBy>,
}

/// Another unit's copy of a grouped offer: who offers it and where, to tell the copies apart.
/// Built from the copy's [`ResourceView`], so it shows nothing a result of its own would not.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlsoOfferedBy {
    pub resource_id: i64,
    pub organization: Named,
    pub scope: ScopeView,
    /// 本社区, 本街道, 本区县 or 全市, as `reasons.scope` of an item.
    pub scope_relation: String,
    /// What is left to offer; `None` when it is not counted.
    pub remaining: Option<i32>,
    /// 0–1, as the item's score.
    pub score: f64,
}

impl AlsoOfferedBy {
    pub fn new(view: ResourceView, r: &Ranked) -> Self {
        AlsoOfferedBy {
            resource_id: view.entry.id,
            organization: view.organization,
            scope: view.scope,
            scope_relation: r.scope_relation.into(),
            remaining: view.remaining,
            score: r.score,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NeedMatch {
    pub need: NeedView,
    pub score: f64,
    pub reasons: Reasons,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Matches<T> {
    pub items: Vec<T>,
}
