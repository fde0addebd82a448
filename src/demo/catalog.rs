//! Phrase banks for the demo lists: what member units offer and what communities ask for,
//! kept as data in `data/*.toml` (compiled into the binary) and checked by the tests below.
//!
//! Entries read the way a unit's party secretary or a community worker fills in a
//! 资源清单 or 需求清单. Many asks are answered by an offer that words the same thing
//! differently (独居老人吃饭难 ↔ 长者饭堂送餐上门), and generic words such as 服务 or
//! 活动 recur across unrelated entries.
//!
//! Placeholders: org-name patterns use `{district}` (五华区), `{short}` (五华),
//! `{street}` (华山, without 街道) and `{n}` (a digit 1–9); offer descriptions use
//! `{org}` and `{street}`; ask descriptions use `{community}` (full name, e.g.
//! 金马社区). Titles contain no placeholders.

use std::sync::LazyLock;

use serde::Deserialize;

/// A kind of member unit (医疗卫生, 教育 …) with the patterns its names are drawn from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgKind {
    pub kind: String,
    pub patterns: Vec<String>,
}

/// Member-unit kinds and the people's names.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Units {
    /// The ten kinds of member unit.
    #[serde(rename = "org_kind")]
    pub kinds: Vec<OrgKind>,
    /// One-character surnames.
    pub surnames: Vec<String>,
    /// Common one- and two-character given names.
    pub given_names: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    /// One of the ten categories, e.g. 养老助残.
    pub category: String,
    /// Which `OrgKind::kind` values plausibly offer it.
    pub kinds: Vec<String>,
    /// 6–30 characters.
    pub title: String,
    /// 40–160 characters; may use {org} (the unit's name) and {street} (without 街道).
    pub description: String,
    /// 2–5 tags, each at most 8 characters.
    pub tags: Vec<String>,
    /// A min–max range when countable (places, people, items), None otherwise.
    #[serde(default)]
    pub quantity: Option<(i32, i32)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ask {
    /// One of the ten categories, e.g. 养老助残.
    pub category: String,
    /// 6–30 characters.
    pub title: String,
    /// 40–160 characters; may use {community} (full name, e.g. 金马社区).
    pub description: String,
    /// 2–5 tags, each at most 8 characters.
    pub tags: Vec<String>,
    /// A min–max range when countable (places, people, items), None otherwise.
    #[serde(default)]
    pub quantity: Option<(i32, i32)>,
    pub urgency: entity::values::Urgency,
}

#[derive(Deserialize)]
struct Offers {
    offer: Vec<Offer>,
}

#[derive(Deserialize)]
struct Asks {
    ask: Vec<Ask>,
}

/// Parses a data file compiled into the binary; the tests parse every one, so a broken file
/// fails them rather than a demo start.
pub(super) fn parse<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> T {
    toml::from_str(text).unwrap_or_else(|e| panic!("src/demo/data/{name}: {e}"))
}

pub static UNITS: LazyLock<Units> =
    LazyLock::new(|| parse("units.toml", include_str!("data/units.toml")));

pub static OFFERS: LazyLock<Vec<Offer>> =
    LazyLock::new(|| parse::<Offers>("offers.toml", include_str!("data/offers.toml")).offer);

pub static ASKS: LazyLock<Vec<Ask>> =
    LazyLock::new(|| parse::<Asks>("asks.toml", include_str!("data/asks.toml")).ask);

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const CATEGORIES: [&str; 10] = crate::domain::categories::DEFAULTS;
    const KINDS: [&str; 10] = [
        "医疗卫生",
        "教育",
        "法律服务",
        "企业",
        "党政机关",
        "社会组织",
        "志愿服务队",
        "文化体育",
        "金融",
        "物业",
    ];

    fn chars(s: &str) -> usize {
        s.chars().count()
    }

    /// Removes the allowed placeholders and checks no other braces remain.
    fn only_placeholders(s: &str, allowed: &[&str]) -> bool {
        let rest = allowed
            .iter()
            .fold(s.to_owned(), |acc, p| acc.replace(p, ""));
        !rest.contains('{') && !rest.contains('}')
    }

    /// Fills placeholders with long-ish realistic values.
    fn expand(s: &str) -> String {
        s.replace("{org}", "中国邮政储蓄银行昆明盘龙支行")
            .replace("{street}", "太平新城")
            .replace("{community}", "吴井新村社区")
    }

    fn check_common(title: &str, description: &str, tags: &[String], quantity: Option<(i32, i32)>) {
        assert!(
            (6..=30).contains(&chars(title)),
            "title length {}: {title}",
            chars(title)
        );
        assert!(!title.contains('{'), "placeholder in title: {title}");
        assert!(
            (40..=160).contains(&chars(description)),
            "description length {}: {title}",
            chars(description)
        );
        let expanded = expand(description);
        assert!(
            (40..=160).contains(&chars(&expanded)),
            "expanded description too long: {title}"
        );
        assert!(
            (2..=5).contains(&tags.len()),
            "{} tags: {title}",
            tags.len()
        );
        let unique: HashSet<_> = tags.iter().collect();
        assert_eq!(unique.len(), tags.len(), "duplicate tag: {title}");
        for t in tags {
            assert!((1..=8).contains(&chars(t)), "tag {t:?} in {title}");
            assert!(!t.contains(' '), "tag {t:?} in {title}");
        }
        if let Some((lo, hi)) = quantity {
            assert!(lo >= 1 && lo <= hi, "quantity {lo}..{hi}: {title}");
        }
    }

    #[test]
    fn org_kinds_cover_all_ten_with_patterns() {
        let kinds: Vec<_> = UNITS.kinds.iter().map(|k| k.kind.as_str()).collect();
        assert_eq!(kinds.len(), KINDS.len());
        for k in KINDS {
            assert!(kinds.contains(&k), "missing kind {k}");
        }
        for k in &UNITS.kinds {
            assert!(
                k.patterns.len() >= 6,
                "{} has {} patterns",
                k.kind,
                k.patterns.len()
            );
            let unique: HashSet<_> = k.patterns.iter().collect();
            assert_eq!(
                unique.len(),
                k.patterns.len(),
                "duplicate pattern in {}",
                k.kind
            );
            for p in &k.patterns {
                assert!(
                    only_placeholders(p, &["{district}", "{short}", "{street}", "{n}"]),
                    "bad pattern {p}"
                );
                assert!(p.contains('{'), "pattern {p} never varies");
            }
        }
    }

    #[test]
    fn person_names() {
        assert!(UNITS.surnames.len() >= 40);
        assert!(UNITS.given_names.len() >= 60);
        assert_eq!(
            UNITS.surnames.iter().collect::<HashSet<_>>().len(),
            UNITS.surnames.len(),
            "duplicate surname"
        );
        assert_eq!(
            UNITS.given_names.iter().collect::<HashSet<_>>().len(),
            UNITS.given_names.len(),
            "duplicate given name"
        );
        assert!(UNITS.surnames.iter().all(|s| chars(s) == 1));
        assert!(
            UNITS
                .given_names
                .iter()
                .all(|s| (1..=2).contains(&chars(s)))
        );
    }

    #[test]
    fn offers() {
        assert!(OFFERS.len() >= 140, "{} offers", OFFERS.len());
        for c in CATEGORIES {
            let n = OFFERS.iter().filter(|o| o.category == c).count();
            assert!(n >= 12, "{n} offers in {c}");
        }
        let mut titles = HashSet::new();
        for o in OFFERS.iter() {
            assert!(
                CATEGORIES.contains(&o.category.as_str()),
                "unknown category {}",
                o.category
            );
            assert!(titles.insert(&o.title), "duplicate offer title {}", o.title);
            assert!(!o.kinds.is_empty(), "no kinds: {}", o.title);
            for k in &o.kinds {
                assert!(
                    KINDS.contains(&k.as_str()),
                    "unknown kind {k} in {}",
                    o.title
                );
            }
            assert!(
                only_placeholders(&o.description, &["{org}", "{street}"]),
                "bad placeholder: {}",
                o.title
            );
            check_common(&o.title, &o.description, &o.tags, o.quantity);
        }
    }

    #[test]
    fn asks() {
        assert!(ASKS.len() >= 140, "{} asks", ASKS.len());
        for c in CATEGORIES {
            let n = ASKS.iter().filter(|a| a.category == c).count();
            assert!(n >= 12, "{n} asks in {c}");
        }
        let mut titles = HashSet::new();
        for a in ASKS.iter() {
            assert!(
                CATEGORIES.contains(&a.category.as_str()),
                "unknown category {}",
                a.category
            );
            assert!(titles.insert(&a.title), "duplicate ask title {}", a.title);
            assert!(
                only_placeholders(&a.description, &["{community}"]),
                "bad placeholder: {}",
                a.title
            );
            check_common(&a.title, &a.description, &a.tags, a.quantity);
        }
        for u in entity::values::Urgency::ALL {
            assert!(ASKS.iter().any(|a| a.urgency == *u), "no {u} asks");
        }
    }

    #[test]
    fn every_kind_has_offers() {
        for k in KINDS {
            let n = OFFERS
                .iter()
                .filter(|o| o.kinds.iter().any(|x| x == k))
                .count();
            assert!(n >= 8, "only {n} offers for {k}");
        }
    }

    #[test]
    fn offer_and_ask_titles_do_not_collide() {
        let offers: HashSet<_> = OFFERS.iter().map(|o| o.title.as_str()).collect();
        for a in ASKS.iter() {
            assert!(
                !offers.contains(a.title.as_str()),
                "{} is both an offer and an ask",
                a.title
            );
        }
    }
}
