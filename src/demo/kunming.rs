//! Kunming's region tree for the demo city: real district and street names, plausible
//! communities, kept as data in `data/kunming.toml` (compiled into the binary).
//!
//! Districts are Kunming's county-level divisions with their administrative codes.
//! Streets (街道) are concentrated in the six urban districts the city piloted first
//! (五华, 盘龙, 官渡, 西山, 呈贡, 安宁): 68 in all, matching the city's 68 street
//! party-building alliances (街道党建联盟). Counties get the street of their seat town
//! (石林 also 板桥, named in the news), and 富民 and 禄劝 none. The 332 communities (社区)
//! match the 332 community joint meetings (社区党建联席会议). Community names follow local
//! naming (roads, old villages, estates); a few come from news reports (金马社区,
//! 吴井新村社区, 秀苑社区), most are illustrative.

use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct District {
    pub code: String,
    pub name: String,
    pub short: String,
    #[serde(default, rename = "street")]
    pub streets: Vec<Street>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Street {
    pub name: String,
    pub communities: Vec<String>,
}

#[derive(Deserialize)]
struct Tree {
    district: Vec<District>,
}

pub static DISTRICTS: LazyLock<Vec<District>> = LazyLock::new(|| {
    super::catalog::parse::<Tree>("kunming.toml", include_str!("data/kunming.toml")).district
});

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn streets() -> impl Iterator<Item = &'static Street> {
        DISTRICTS.iter().flat_map(|d| d.streets.iter())
    }

    #[test]
    fn districts_are_kunmings_fourteen_divisions() {
        assert_eq!(DISTRICTS.len(), 14);
        let codes: HashSet<_> = DISTRICTS.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes.len(), DISTRICTS.len(), "duplicate district code");
        let names: HashSet<_> = DISTRICTS.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names.len(), DISTRICTS.len(), "duplicate district name");
        for d in DISTRICTS.iter() {
            assert!(
                d.code.len() == 6 && d.code.starts_with("5301"),
                "{}: bad code {}",
                d.name,
                d.code
            );
            assert!(
                d.code.bytes().all(|b| b.is_ascii_digit()),
                "{}: bad code {}",
                d.name,
                d.code
            );
            assert!(
                d.name.starts_with(d.short.as_str()),
                "{}: short name {} is not a prefix",
                d.name,
                d.short
            );
            assert!(
                ["区", "县", "市"].iter().any(|s| d.name.ends_with(s)),
                "{}",
                d.name
            );
        }
    }

    #[test]
    fn sixty_eight_streets_with_unique_names() {
        assert_eq!(streets().count(), 68);
        let mut seen = HashSet::new();
        for s in streets() {
            assert!(
                s.name.ends_with("街道") && s.name.chars().count() > 2,
                "bad street name {}",
                s.name
            );
            assert!(seen.insert(s.name.as_str()), "duplicate street {}", s.name);
        }
    }

    #[test]
    fn three_hundred_thirty_two_communities() {
        assert_eq!(streets().map(|s| s.communities.len()).sum::<usize>(), 332);
        for s in streets() {
            assert!(
                (3..=7).contains(&s.communities.len()),
                "{} has {} communities",
                s.name,
                s.communities.len()
            );
        }
    }

    #[test]
    fn community_names_are_well_formed_and_unique() {
        let mut city = HashSet::new();
        for s in streets() {
            let mut local = HashSet::new();
            for c in &s.communities {
                assert!(
                    c.ends_with("社区") && c.chars().count() > 2,
                    "bad community name {c} in {}",
                    s.name
                );
                assert!(
                    !c.chars().any(|ch| ch.is_ascii_digit()),
                    "placeholder-like community name {c}"
                );
                assert!(
                    local.insert(c.as_str()),
                    "duplicate community {c} in {}",
                    s.name
                );
                assert!(
                    city.insert(c.as_str()),
                    "community {c} appears in more than one street"
                );
            }
        }
    }
}
