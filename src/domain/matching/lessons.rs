//! Learning from reviewers: every approved project says "a need worded like this was well
//! served by this resource", every rejected one the opposite. From them a city learns which
//! words of a need go with which words of a resource (漏水 with 防水, 淹 with 疏通) and which
//! resources served needs worded like a new one, and a match's rows read from the index are
//! lifted (or lowered) by that before they are shown.
//!
//! The association of a need word `a` with a resource key `b` (a word of the resource's title
//! and tags, or the resource itself) is the cosine of their occurrences over the reviewed
//! projects, `n(a, b) / √(n(a) · n(b))`: 1 when they always come together, small for a common
//! word that goes with everything. A pair of two words counts from three projects on (fewer
//! are coincidences of wording: pairs from two lifted stationery for a need for books); a
//! resource from one (a reviewer chose it for that need). A candidate's lift is the mean over
//! the need's words, weighted as the query weighs them, of each word's best association with
//! the candidate, approved minus rejected: a need sharing one telling word with past approvals
//! moves a little, one worded like them moves a lot.
//!
//! Reviewers also say how much the category a need is filed under should count: a city whose
//! approved projects often pair a need with an offer of another category (a flooded gate with
//! the drainage team, an old man's loneliness with a volunteer group) has a weaker category
//! prior than the sets the default was chosen on. The weight follows the log-odds that an
//! approved offer shares the need's category against chance (see [`Lessons::category_weight`]).
//!
//! The lift re-orders the rows a match reads from the index (its limit with headroom), not the
//! whole index: what reviewers taught is a correction among plausible candidates, and the
//! index's pruning stays exact for the score it knows. The evaluation replays each labelled set
//! in time order to show what it is worth (BENCHMARKS.md).

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::super::projects::Status;
use crate::error::Result;
use crate::search::analyzer;
use crate::search::matching::MatchOptions;
use crate::search::matching::{QueryTerm, W_CATEGORY, query_terms};
use entity::{need, project, resource};

/// What the lift adds to a match's score at most (a need worded exactly like past approvals
/// of the resource, every word of it). Chosen on the replays of the two tuned sets before the
/// third was replayed (BENCHMARKS.md).
pub const W_LEARNED: f64 = 0.5;
/// A pair of two words is learned from this many reviewed projects on.
const WORD_PAIR_SUPPORT: u32 = 3;
/// The share of approved pairs within one category on the two labelled sets the default
/// category weight was chosen on (140 of 155 good or excellent pairs).
const SAME_CATEGORY_REFERENCE: f64 = 0.9;
/// How many standard errors below that reference a city's share must be before its category
/// weight moves: near ties of a same-category and an other-category offer are common at the
/// top of a match, and a weight a few hundredths off the default reorders them for nothing
/// (on `eval.json`'s replay, a share of 0.89 cost 0.04 nDCG in its last quarter).
const SIGNIFICANT: f64 = 2.0;
/// How many projects' worth of that reference a city's own share is pulled towards, so that
/// a city's first few reviews do not swing the weight.
const PRIOR_PROJECTS: f64 = 20.0;

/// One reviewed project as learning sees it: the need's words (with their query weights),
/// the resource and its words, and the reviewer's verdict.
#[derive(Clone)]
pub struct Example {
    pub need: Vec<(String, f32)>,
    pub resource_id: i64,
    pub resource_words: Vec<String>,
    /// The need's and the resource's category are the same.
    pub same_category: bool,
    pub approved: bool,
}

impl Example {
    /// The need's own words (not synonyms), weighted as its query weighs them.
    pub fn need_words(title_and_tags: &str, description: &str) -> Vec<(String, f32)> {
        own_words(&query_terms(None, title_and_tags, description))
    }

    /// The words that describe a resource for learning: its title and tags.
    pub fn resource_words(title: &str, tags: &[String]) -> Vec<String> {
        analyzer::distinct_terms(&format!("{title} {}", tags.join(" ")))
    }
}

/// The words of a query that the need itself says.
pub fn own_words(terms: &[QueryTerm]) -> Vec<(String, f32)> {
    terms
        .iter()
        .filter(|t| t.synonym_of.is_none())
        .map(|t| (t.term.clone(), t.weight))
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Word(u32),
    Resource(i64),
}

/// Counts over the projects of one verdict (Fx-hashed: a match looks pairs up by the hundred).
#[derive(Default)]
struct Tally {
    /// Projects whose need has the word.
    need_word: FxHashMap<u32, u32>,
    /// Projects whose resource has the key.
    resource_key: FxHashMap<Key, u32>,
    pairs: FxHashMap<(u32, Key), u32>,
}

impl Tally {
    fn add(&mut self, need: &[u32], keys: &[Key]) {
        for a in need {
            *self.need_word.entry(*a).or_default() += 1;
            for b in keys {
                *self.pairs.entry((*a, *b)).or_default() += 1;
            }
        }
        for b in keys {
            *self.resource_key.entry(*b).or_default() += 1;
        }
    }

    /// The association of need word `a`, in `na` projects, with resource key `b`, in `nb`
    /// (0 when not learned).
    fn association(&self, (a, na): (u32, u32), (b, nb): (Key, u32)) -> f64 {
        if na == 0 || nb == 0 || b == Key::Word(a) {
            // The same word on both sides is the text's evidence, counted there already.
            return 0.0;
        }
        let together = self.pairs.get(&(a, b)).copied().unwrap_or(0);
        let support = match b {
            Key::Word(_) => WORD_PAIR_SUPPORT,
            Key::Resource(_) => 1,
        };
        if together < support {
            return 0.0;
        }
        f64::from(together) / (f64::from(na) * f64::from(nb)).sqrt()
    }
}

/// What a city's reviewers have taught: see the module's documentation.
#[derive(Default)]
pub struct Lessons {
    words: FxHashMap<String, u32>,
    approved: Tally,
    rejected: Tally,
    /// How many reviewed projects it learned from.
    pub projects: usize,
    /// Approved examples, and those of them within the need's category.
    approvals: u32,
    same_category: u32,
    /// How many categories the city files under.
    categories: usize,
}

/// A need's words as the lessons know them, looked up once for all the rows of a match.
pub struct ForNeed<'a> {
    lessons: &'a Lessons,
    /// Each known word with its weight and the projects of each verdict whose need had it.
    known: Vec<(u32, f64, u32, u32)>,
    /// The weight of all the need's words, known or not.
    weights: f64,
}

/// A resource's keys (its words and itself) as the lessons know them, each with the projects
/// of each verdict whose resource had it, looked up once for every need it is matched with.
pub struct ForResource(Vec<(Key, u32, u32)>);

impl ForResource {
    /// Nothing learned bears on this resource: every lift is 0.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl ForNeed<'_> {
    /// Nothing learned bears on this need: every lift is 0, and a match need not cut its
    /// rows into words.
    pub fn is_empty(&self) -> bool {
        self.known.is_empty() || self.weights <= 0.0
    }

    /// The lift of a candidate resource: −1 to 1, 0 when nothing learned bears on the pair.
    pub fn lift(&self, resource_id: i64, resource_words: &[String]) -> f64 {
        if self.is_empty() {
            return 0.0;
        }
        self.lift_of(&self.lessons.for_resource(resource_id, resource_words))
    }

    /// [`ForNeed::lift`] of a resource already looked up.
    pub fn lift_of(&self, resource: &ForResource) -> f64 {
        if self.is_empty() || resource.is_empty() {
            return 0.0;
        }
        let l = self.lessons;
        let keys = &resource.0;
        let mut sum = 0.0;
        for (a, weight, na_approved, na_rejected) in &self.known {
            let best = |t: &Tally, na: u32, nb: fn(&(Key, u32, u32)) -> u32| {
                keys.iter()
                    .map(|k| t.association((*a, na), (k.0, nb(k))))
                    .fold(0.0, f64::max)
            };
            sum += weight
                * (best(&l.approved, *na_approved, |k| k.1)
                    - best(&l.rejected, *na_rejected, |k| k.2));
        }
        sum / self.weights
    }
}

impl Lessons {
    /// Learns from `examples` of a city that files under `categories` categories.
    pub fn learn(examples: impl IntoIterator<Item = Example>, categories: usize) -> Self {
        let mut l = Lessons {
            categories,
            ..Lessons::default()
        };
        for e in examples {
            if e.approved {
                l.approvals += 1;
                l.same_category += u32::from(e.same_category);
            }
            let mut need: Vec<u32> = e.need.iter().map(|(w, _)| l.intern(w)).collect();
            let mut keys: Vec<Key> = e
                .resource_words
                .iter()
                .map(|w| Key::Word(l.intern(w)))
                .collect();
            keys.push(Key::Resource(e.resource_id));
            need.sort_unstable();
            need.dedup();
            keys.sort_unstable_by_key(|k| match k {
                Key::Word(w) => (0, i64::from(*w)),
                Key::Resource(r) => (1, *r),
            });
            keys.dedup();
            if e.approved {
                l.approved.add(&need, &keys);
            } else {
                l.rejected.add(&need, &keys);
            }
            l.projects += 1;
        }
        // Most pairs of two words come together once: never learned, they only slow the
        // look-ups down and hold memory.
        for t in [&mut l.approved, &mut l.rejected] {
            t.pairs.retain(|(_, b), n| match b {
                Key::Word(_) => *n >= WORD_PAIR_SUPPORT,
                Key::Resource(_) => true,
            });
            t.pairs.shrink_to_fit();
        }
        l
    }

    fn intern(&mut self, word: &str) -> u32 {
        let next = self.words.len() as u32;
        *self.words.entry(word.to_owned()).or_insert(next)
    }

    pub fn is_empty(&self) -> bool {
        self.projects == 0
    }

    /// What the lessons know of a need with `need` words (see [`ForNeed::lift`]).
    pub fn for_need(&self, need: &[(String, f32)]) -> ForNeed<'_> {
        let count = |t: &Tally, a: u32| t.need_word.get(&a).copied().unwrap_or(0);
        ForNeed {
            lessons: self,
            known: need
                .iter()
                .filter_map(|(w, weight)| {
                    let a = *self.words.get(w)?;
                    let (approved, rejected) = (count(&self.approved, a), count(&self.rejected, a));
                    (approved > 0 || rejected > 0).then_some((
                        a,
                        f64::from(*weight),
                        approved,
                        rejected,
                    ))
                })
                .collect(),
            weights: need.iter().map(|(_, w)| f64::from(*w)).sum(),
        }
    }

    /// What the lessons know of a resource with `words` (see [`ForNeed::lift_of`]).
    pub fn for_resource(&self, resource_id: i64, words: &[String]) -> ForResource {
        ForResource(
            words
                .iter()
                .filter_map(|w| self.words.get(w).map(|id| Key::Word(*id)))
                .chain([Key::Resource(resource_id)])
                .map(|k| {
                    let count = |t: &Tally| t.resource_key.get(&k).copied().unwrap_or(0);
                    (k, count(&self.approved), count(&self.rejected))
                })
                .filter(|(_, approved, rejected)| *approved > 0 || *rejected > 0)
                .collect(),
        )
    }

    /// The lift of a candidate resource for a need with `need` words: −1 to 1, 0 when nothing
    /// learned bears on the pair. A match lifts its rows with one [`Lessons::for_need`] (or,
    /// from a resource, one [`Lessons::for_resource`]).
    pub fn lift(&self, need: &[(String, f32)], resource_id: i64, resource_words: &[String]) -> f64 {
        self.for_need(need).lift(resource_id, resource_words)
    }

    /// What the category should count in this city's matches: the default weight scaled by
    /// how far the log-odds of an approved offer sharing the need's category stand above
    /// chance (one category in `categories`), against the same for the reference sets — the
    /// city's share pulled towards the reference by [`PRIOR_PROJECTS`]. Never more than the
    /// default; `None` (the default) unless the city's share is [`SIGNIFICANT`]ly below the
    /// reference's.
    pub fn category_weight(&self) -> Option<f64> {
        if self.approvals == 0 || self.categories < 2 {
            return None;
        }
        let n = f64::from(self.approvals);
        let error = (SAME_CATEGORY_REFERENCE * (1.0 - SAME_CATEGORY_REFERENCE) / n).sqrt();
        if f64::from(self.same_category) / n > SAME_CATEGORY_REFERENCE - SIGNIFICANT * error {
            return None;
        }
        let share = (f64::from(self.same_category) + PRIOR_PROJECTS * SAME_CATEGORY_REFERENCE)
            / (f64::from(self.approvals) + PRIOR_PROJECTS);
        let chance = 1.0 / self.categories as f64;
        let logit = |p: f64| (p / (1.0 - p)).ln();
        let ratio =
            (logit(share) - logit(chance)) / (logit(SAME_CATEGORY_REFERENCE) - logit(chance));
        Some(W_CATEGORY * ratio.clamp(0.0, 1.0))
    }
}

/// Moves a ranked match's score by `lift` (see [`Lessons::lift`]) and records by how much.
pub fn adjust(r: &mut crate::search::matching::Ranked, lift: f64) {
    let by = (W_LEARNED * lift * 10_000.0).round() / 10_000.0;
    if by != 0.0 {
        r.score = ((r.score + by).max(0.0) * 10_000.0).round() / 10_000.0;
        r.learned = Some(by);
    }
}

/// The least lift the reasons put in words: what one shared everyday word adds near the top
/// of a match. Below it the lift only breaks near-ties, as the quantity fit does, and a
/// coordinator told 「评审曾通过类似对接」 would look for a review that is not there.
pub const WORTH_SAYING: f64 = 0.01;

/// The most rows a match reads when there are lessons: the lift re-orders only what is read.
const READ_WHEN_LEARNED: usize = 50;

/// Sets a match's options for `lessons` (more rows read, the city's category weight), and
/// gives back the lessons worth applying: none when nothing was learned yet, so that such a
/// match reads and orders exactly as without.
pub fn prepare<'a>(opts: &mut MatchOptions, lessons: Option<&'a Lessons>) -> Option<&'a Lessons> {
    let lessons = lessons.filter(|l| !l.is_empty())?;
    opts.limit = opts.limit.max(READ_WHEN_LEARNED);
    opts.category_weight = lessons.category_weight();
    Some(lessons)
}

/// The statuses whose projects a reviewer approved (and that were not called off since).
const APPROVED: [Status; 3] = [Status::Approved, Status::InProgress, Status::Completed];

/// Every reviewed project of a city as examples: one per resource of the project.
pub async fn examples(db: &impl ConnectionTrait, city_id: i64) -> Result<Vec<Example>> {
    let statuses = APPROVED.iter().chain([&Status::Rejected]).copied();
    let projects = project::Entity::find()
        .filter(project::Column::CityId.eq(city_id))
        .filter(project::Column::Status.is_in(statuses))
        .all(db)
        .await?;
    let needs = super::super::lookup::needs(db, projects.iter().map(|p| p.need_id)).await?;
    let ids: Vec<i64> = projects.iter().map(|p| p.id).collect();
    let links = super::super::projects::links(db, &ids).await?;
    let resources: HashMap<i64, resource::Model> =
        super::super::lookup::resources(db, links.iter().map(|l| l.resource_id)).await?;
    let by_project: HashMap<i64, &project::Model> = projects.iter().map(|p| (p.id, p)).collect();
    // A need or a resource in several projects is cut into words once.
    let mut need_words: HashMap<i64, Vec<(String, f32)>> = HashMap::new();
    let mut resource_words: HashMap<i64, Vec<String>> = HashMap::new();
    let mut out = Vec::with_capacity(links.len());
    for link in &links {
        let (Some(p), Some(r)) = (
            by_project.get(&link.project_id),
            resources.get(&link.resource_id),
        ) else {
            continue;
        };
        let Some(n) = needs.get(&p.need_id) else {
            continue;
        };
        let words = need_words
            .entry(n.id)
            .or_insert_with(|| words_of_need(n))
            .clone();
        let described = resource_words
            .entry(r.id)
            .or_insert_with(|| Example::resource_words(&r.title, &r.tags))
            .clone();
        out.push(Example {
            need: words,
            resource_id: r.id,
            resource_words: described,
            same_category: n.category == r.category,
            approved: p.status != Status::Rejected,
        });
    }
    Ok(out)
}

/// A need's own words as learning weighs them (title and tags, then the description).
pub fn words_of_need(n: &need::Model) -> Vec<(String, f32)> {
    Example::need_words(&format!("{} {}", n.title, n.tags.join(" ")), &n.description)
}

/// What changes when a project is proposed or moves on: their number and their versions'
/// sum (every transition raises a version).
async fn fingerprint(db: &impl ConnectionTrait, city_id: i64) -> Result<(i64, i64)> {
    let row: Option<(i64, Option<i64>)> = project::Entity::find()
        .select_only()
        .column_as(project::Column::Id.count(), "n")
        .column_as(project::Column::Version.sum(), "v")
        .filter(project::Column::CityId.eq(city_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(row.map_or((0, 0), |(n, v)| (n, v.unwrap_or(0))))
}

/// How long a city's lessons are used before the projects are looked at again for a change
/// made elsewhere (another instance's reviews). A review made here is seen at once
/// ([`Memory::forget`]).
const RECHECK: std::time::Duration = std::time::Duration::from_secs(5);

struct Learned {
    /// The projects' [`fingerprint`] when learned.
    seen: (i64, i64),
    /// When that was last confirmed; `None` once forgotten.
    checked: Option<std::time::Instant>,
    lessons: Arc<Lessons>,
}

/// Each city's lessons, learned again when its projects change: a match looks at the projects
/// (one small query) at most every [`RECHECK`], so a second instance learns what the first
/// one's reviewers decided. Each city has its own lock, held while it learns: a burst of
/// matches after a review learns once, and another city's matches do not wait for it.
#[derive(Default)]
pub struct Memory {
    cities: std::sync::Mutex<HashMap<i64, Arc<tokio::sync::Mutex<Option<Learned>>>>>,
}

impl Memory {
    fn slot(&self, city_id: i64) -> Arc<tokio::sync::Mutex<Option<Learned>>> {
        let mut cities = self.cities.lock().unwrap_or_else(|e| e.into_inner());
        cities.entry(city_id).or_default().clone()
    }

    /// The city's lessons, `None` while it has reviewed no project.
    pub async fn of_city(
        &self,
        db: &impl ConnectionTrait,
        city_id: i64,
    ) -> Result<Option<Arc<Lessons>>> {
        let slot = self.slot(city_id);
        let mut learned = slot.lock().await;
        let fresh = |l: &Learned| l.checked.is_some_and(|at| at.elapsed() < RECHECK);
        let lessons = match learned.as_mut() {
            Some(l) if fresh(l) => l.lessons.clone(),
            known => {
                let now = fingerprint(db, city_id).await?;
                match known {
                    Some(l) if l.seen == now => {
                        l.checked = Some(std::time::Instant::now());
                        l.lessons.clone()
                    }
                    _ => {
                        let examples = examples(db, city_id).await?;
                        let categories = super::super::categories::list(db).await?.len();
                        let lessons = Arc::new(
                            tokio::task::spawn_blocking(move || {
                                Lessons::learn(examples, categories)
                            })
                            .await
                            .map_err(|e| crate::error::Error::Internal(e.into()))?,
                        );
                        *learned = Some(Learned {
                            seen: now,
                            checked: Some(std::time::Instant::now()),
                            lessons: lessons.clone(),
                        });
                        lessons
                    }
                }
            }
        };
        Ok((!lessons.is_empty()).then_some(lessons))
    }

    /// A project of the city was reviewed here: the next match looks at the projects again.
    pub async fn forget(&self, city_id: i64) {
        if let Some(l) = self.slot(city_id).lock().await.as_mut() {
            l.checked = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    fn need(s: &str) -> Vec<(String, f32)> {
        s.split(' ').map(|w| (w.to_owned(), 1.0)).collect()
    }

    fn example(n: &str, id: i64, r: &str, approved: bool) -> Example {
        Example {
            need: need(n),
            resource_id: id,
            resource_words: words(r),
            same_category: true,
            approved,
        }
    }

    #[test]
    fn approved_pairs_lift_and_rejected_ones_lower() {
        let l = Lessons::learn(
            [
                example("下雨 淹水 小区", 1, "管道 疏通", true),
                example("暴雨 淹水 门口", 2, "排水 疏通 服务", true),
                example("淹水 车库", 4, "疏通 清淤", true),
                example("淹水 老人", 3, "法律 咨询", false),
            ],
            10,
        );
        // A new resource that says 疏通 is lifted for a need that says 淹水 (three approvals).
        let lifted = l.lift(&need("淹水 路口"), 9, &words("疏通 下水道"));
        assert!(lifted > 0.2, "{lifted}");
        // Two words that came together in fewer projects are not learned as a pair.
        assert_eq!(l.lift(&need("下雨"), 9, &words("管道")), 0.0);
        // The resource a reviewer chose is lifted for a need worded like that one.
        assert!(l.lift(&need("下雨 小区"), 1, &words("其他")) > 0.9);
        // The one a reviewer refused is lowered for a need like the refused one.
        assert!(l.lift(&need("老人 淹水"), 3, &words("法律 咨询")) < 0.0);
        // Words nothing was learned about, and the same word on both sides, lift nothing.
        assert_eq!(l.lift(&need("图书 阅读"), 9, &words("疏通")), 0.0);
        assert_eq!(l.lift(&need("疏通"), 9, &words("疏通")), 0.0);
    }

    #[test]
    fn the_category_counts_less_where_reviewers_approve_across_categories() {
        let city = |same: usize, across: usize| {
            let approvals = (0..same + across).map(|i| Example {
                same_category: i < same,
                ..example("老人", i as i64, "服务", true)
            });
            Lessons::learn(approvals, 12)
                .category_weight()
                .unwrap_or(W_CATEGORY)
        };
        // As often within the category as on the reference sets, or not clearly less: the
        // default.
        assert_eq!(city(90, 10), W_CATEGORY);
        assert_eq!(city(8, 2), W_CATEGORY);
        // More often within it: never more than the default.
        assert_eq!(city(100, 0), W_CATEGORY);
        // Four in ten across categories: about half.
        let across = city(60, 40);
        assert!(across > 0.15 && across < 0.3, "{across}");
        // A few reviews move it a little, many move it more.
        assert!(city(3, 2) > city(30, 20));
        // Rejections say nothing about the category.
        let rejected = Lessons::learn([example("老人", 1, "服务", false)], 12);
        assert_eq!(rejected.category_weight(), None);
    }

    #[test]
    fn nothing_learned_from_nothing() {
        let l = Lessons::learn([], 10);
        assert!(l.is_empty());
        assert_eq!(l.category_weight(), None);
        assert_eq!(l.lift(&need("淹水"), 1, &words("疏通")), 0.0);
    }
}
