//! Among offers that score about the same, the one nearer to the need comes first: a
//! coordinator would rather call the community's own clinic than one across the city that
//! scored a hair more.

use entity::resource;

use crate::search::documents::scope_term;
use crate::search::matching::{Ranked, scope_relation};

/// Scores closer than this count as equal when ordering by distance. Near the top one more
/// shared everyday word adds 0.01–0.04, the alliance 0.05, the category 0.4, and the score's
/// own lift for a nearer scope a few thousandths a level; below this lie the quantity fit's
/// last steps, the rounding and a cosine's fourth digit, which no coordinator would call
/// better. It is the widest band that keeps the labelled sets' nDCG (BENCHMARKS.md): wider
/// ones put a nearer offer above a better one.
pub const NEAR_EQUAL: f64 = 0.002;

/// The ranked resources re-ordered so that within each band of near-equal scores the nearer
/// scope comes first, then the higher score, then the lower id. A band starts at the best
/// score not yet placed and takes every score less than [`NEAR_EQUAL`] below it (anchored
/// bands: "within ε" is not transitive, so chaining neighbours could carry a long slope of
/// small steps into one band and sort a far worse offer above a better one).
///
/// Nearness is where the resource's scope stands in `chain`, the need's place and the
/// regions above it up to the city (its own community, its street, its district, the
/// city). The scope shown in the reasons is set from the same row, so what a coordinator
/// reads (本社区, 本街道 …) always agrees with the order.
pub fn nearest_first(
    chain: &[String],
    kept: Vec<(resource::Model, Ranked)>,
) -> Vec<(resource::Model, Ranked)> {
    let mut rows: Vec<(usize, resource::Model, Ranked)> = kept
        .into_iter()
        .map(|(row, mut r)| {
            let scope = scope_term(&row);
            r.scope_relation = scope_relation(&scope);
            let distance = chain
                .iter()
                .position(|t| *t == scope)
                .unwrap_or(chain.len());
            (distance, row, r)
        })
        .collect();
    rows.sort_by(|a, b| b.2.score.total_cmp(&a.2.score).then(a.1.id.cmp(&b.1.id)));
    let mut out = Vec::with_capacity(rows.len());
    let mut rest = rows.into_iter().peekable();
    while let Some(first) = rest.next() {
        let top = first.2.score;
        let mut band = vec![first];
        while let Some(next) = rest.next_if(|(_, _, r)| top - r.score < NEAR_EQUAL) {
            band.push(next);
        }
        band.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.2.score.total_cmp(&a.2.score))
                .then(a.1.id.cmp(&b.1.id))
        });
        out.extend(band.into_iter().map(|(_, row, r)| (row, r)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, level: &str, region: Option<i64>) -> resource::Model {
        let now = chrono::Utc::now();
        resource::Model {
            id,
            city_id: 1,
            organization_id: 1,
            title: String::new(),
            description: String::new(),
            category: String::new(),
            tags: Default::default(),
            quantity: None,
            reserved: 0,
            scope_level: entity::values::Level::parse(level).expect("a level"),
            scope_region_id: region,
            available_from: None,
            available_until: None,
            status: entity::values::ResourceStatus::Available,
            version: 1,
            created_at: now,
            updated_at: now,
            created_by: 1,
            updated_by: 1,
            deleted_at: None,
            review_by: None,
            import_id: None,
        }
    }

    fn ranked(id: i64, score: f64) -> Ranked {
        Ranked {
            id,
            score,
            matched_terms: Vec::new(),
            scope_relation: "全市",
            category_match: true,
            same_alliance: false,
            meaning: None,
            learned: None,
        }
    }

    #[test]
    fn nearer_first_within_a_band_anchored_at_its_best() {
        // The need's place: community 4 of street 3 of district 2 of city 1.
        let chain: Vec<String> = ["m4", "s3", "d2", "c1"].map(String::from).to_vec();
        let kept = vec![
            (row(1, "city", None), ranked(1, 0.800)),
            (row(2, "district", Some(2)), ranked(2, 0.799)),
            (row(3, "community", Some(4)), ranked(3, 0.7985)),
            // More than the band below its best: the next band, though near the last.
            (row(4, "community", Some(4)), ranked(4, 0.7978)),
            (row(5, "street", Some(3)), ranked(5, 0.7965)),
            (row(6, "street", Some(3)), ranked(6, 0.7965)),
            (row(7, "city", None), ranked(7, 0.500)),
        ];
        let order: Vec<(i64, &str)> = nearest_first(&chain, kept)
            .into_iter()
            .map(|(row, r)| (row.id, r.scope_relation))
            .collect();
        assert_eq!(
            order,
            [
                (3, "本社区"),
                (2, "本区县"),
                (1, "全市"),
                (4, "本社区"),
                (5, "本街道"),
                (6, "本街道"),
                (7, "全市"),
            ]
        );
    }
}
