//! Synthetic resources at benchmark scale (10k, 100k, 1M) on top of the demo city.
//!
//! Each one is a catalog offer varied the way real lists vary — the unit's place in the title,
//! a delivery mode or season, an extra sentence about time, quota or audience, a scope at any
//! level — so term statistics (common words everywhere, service words in a few thousand
//! documents) resemble a real city's list rather than a few hundred exact copies. Rows go in
//! with multi-row inserts and no outbox rows: the caller rebuilds the index afterwards, which
//! is also the bulk-indexing path the benchmarks measure.

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{ResourceDraft, Rng, catalog};
use crate::db::Db;
use crate::error::Result;
use entity::values::Level;
use entity::{organization, region, resource, user};

/// Rows per INSERT statement (19 columns each: well under SQLite's 32,766 parameters).
const ROWS_PER_INSERT: usize = 500;
/// Rows per transaction.
const ROWS_PER_TX: usize = 20_000;

const MODES: &[&str] = &[
    "",
    "",
    "",
    "",
    "（周末班）",
    "（常态化）",
    "（预约制）",
    "进社区",
    "上门服务",
    "公益行",
    "（第二期）",
    "（第三期）",
    "（春季）",
    "（秋季）",
    "（暑期）",
    "（寒假）",
    "专场",
];

const EXTRAS: &[&str] = &[
    "",
    "",
    "每月第一个周六上午开展，请提前一周与联络员预约。",
    "名额有限，优先低保、特困和残疾人家庭。",
    "服务全程免费，所需材料由本单位承担。",
    "可根据社区需要调整时间，节假日照常安排。",
    "已连续开展三年，累计服务居民一千余人次。",
    "需要社区提供场地并组织居民报名。",
    "由党员志愿者带队，结合主题党日开展。",
    "工作日晚上和周末均可安排，单次两小时左右。",
    "面向辖区老年人、儿童和困难群众。",
    "请社区提前统计人数，便于准备物资。",
];

const EXTRA_TAGS: &[&str] = &[
    "",
    "",
    "",
    "免费",
    "公益",
    "党员志愿",
    "便民",
    "常态化",
    "预约",
];

/// Adds `count` synthetic resources to the city of the demo (which must be loaded). Returns
/// how many were written: 0 when there is no unit with an account to write them. Rows commit
/// in transactions of `ROWS_PER_TX`, so an interrupted run keeps the batches already written
/// (benchmark data, added to a demo database).
pub async fn seed_resources(db: &Db, count: usize, seed: u64) -> Result<usize> {
    let orgs = organization::Entity::find().all(&db.read).await?;
    let users = user::Entity::find()
        .filter(user::Column::OrganizationId.is_not_null())
        .all(&db.read)
        .await?;
    let regions = region::Entity::find().all(&db.read).await?;
    let Some(city) = regions.iter().find(|r| r.level == Level::City) else {
        return Ok(0);
    };
    // Each unit's first account writes its resources.
    let mut author: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for u in &users {
        if let Some(org) = u.organization_id {
            author.entry(org).or_insert(u.id);
        }
    }
    let units: Vec<(i64, i64, String)> = orgs
        .iter()
        .filter_map(|o| author.get(&o.id).map(|u| (o.id, *u, o.name.clone())))
        .collect();
    if units.is_empty() {
        return Ok(0);
    }
    let of_level = |level: Level| -> Vec<&region::Model> {
        regions.iter().filter(|r| r.level == level).collect()
    };
    let (districts, streets, communities) = (
        of_level(Level::District),
        of_level(Level::Street),
        of_level(Level::Community),
    );
    let mut rng = Rng(seed);
    let now = Utc::now();
    let today = crate::time::today();
    let mut written = 0;
    while written < count {
        let tx = db.begin().await?;
        let in_tx = (count - written).min(ROWS_PER_TX);
        let mut done = 0;
        while done < in_tx {
            let n = (in_tx - done).min(ROWS_PER_INSERT);
            let rows: Vec<resource::ActiveModel> = (0..n)
                .map(|_| {
                    let offer = rng.pick(&catalog::OFFERS);
                    let (org_id, user_id, org_name) = rng.pick(&units).clone();
                    let (level, region) = match rng.below(10) {
                        0..=2 if !communities.is_empty() => {
                            (Level::Community, Some(*rng.pick(&communities)))
                        }
                        3..=5 if !streets.is_empty() => (Level::Street, Some(*rng.pick(&streets))),
                        6..=7 if !districts.is_empty() => {
                            (Level::District, Some(*rng.pick(&districts)))
                        }
                        _ => (Level::City, None),
                    };
                    let place = region.map_or(city.name.as_str(), |r| r.name.as_str());
                    let title = match rng.below(4) {
                        0 => format!("{place}{}{}", offer.title, rng.pick(MODES)),
                        _ => format!("{}{}", offer.title, rng.pick(MODES)),
                    };
                    let description = format!(
                        "{}{}",
                        offer
                            .description
                            .replace("{org}", &org_name)
                            .replace("{street}", place.trim_end_matches("街道")),
                        rng.pick(EXTRAS)
                    );
                    let mut tags: Vec<String> =
                        offer.tags.iter().map(|t| (*t).to_owned()).collect();
                    let extra = rng.pick(EXTRA_TAGS);
                    if !extra.is_empty() && !tags.iter().any(|t| t == extra) {
                        tags.push((*extra).to_owned());
                    }
                    ResourceDraft {
                        organization_id: org_id,
                        author: user_id,
                        title: title.chars().take(60).collect(),
                        description,
                        category: &offer.category,
                        tags: tags.into(),
                        quantity: offer.quantity,
                        scope_level: level,
                        scope_region_id: region.map(|r| r.id),
                    }
                    .into_row(&mut rng, city.id, (now, today), 365)
                })
                .collect();
            resource::Entity::insert_many(rows).exec(&tx).await?;
            done += n;
        }
        tx.commit().await?;
        written += in_tx;
        tracing::info!(written, count, "synthetic resources");
    }
    Ok(written)
}
