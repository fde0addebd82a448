//! The deterministic demo city: Kunming's districts, 68 street alliances and 332 community
//! joint meetings, about 300 member units, and a few thousand resources and needs.
//!
//! Everything comes from a fixed-seed generator over the phrase banks in `catalog` and the
//! region tree in `kunming`, so every run builds the same city (dates are relative to today).
//! It is written in one transaction and only into a database that has no districts yet.

mod catalog;
mod kunming;
pub mod synthetic;

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

use crate::config::Config;
use crate::db::Db;
use crate::domain::regions::{self, Level};
use crate::domain::{alliances, audit, categories, outbox, users};
use crate::error::Result;
use crate::search::analyzer;
use entity::values::{MemberRole, NeedStatus, ProjectStatus, ResourceStatus, Role};
use entity::{
    Tags, alliance_member, need, organization, project, project_event, project_resource, region,
    resource, user,
};

/// The password of every demo account.
pub const PASSWORD: &str = "lianmeng2026";

/// A demo account worth printing.
pub struct Login {
    pub username: String,
    pub description: String,
}

/// SplitMix64: tiny, fast, and the same sequence on every platform and version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, lo: i32, hi: i32) -> i32 {
        lo + self.below((hi - lo + 1) as usize) as i32
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

struct Street {
    alliance_id: i64,
    region_id: i64,
    district_id: i64,
    district_name: &'static str,
    short: &'static str,
    name: &'static str,
    communities: Vec<Community>,
}

struct Community {
    alliance_id: i64,
    region_id: i64,
    name: &'static str,
}

struct Org {
    id: i64,
    kind: &'static str,
    name: String,
    street: usize,
    user_id: i64,
}

/// Member units the demo city has.
const UNITS: usize = 300;

/// Loads the demo city unless the database already has districts. Returns the logins to print.
pub async fn seed(db: &Db, config: &Config) -> Result<Option<Vec<Login>>> {
    if has_districts(&db.read).await? {
        return Ok(None);
    }
    let mut hashes = account_hashes().await?.into_iter();
    let tx = db.begin().await?;
    let city = regions::ensure_city(&tx, &config.city_code, &config.city_name).await?;
    categories::ensure_defaults(&tx).await?;
    // Checked again under the write lock: another instance may have seeded meanwhile.
    if has_districts(&tx).await? {
        return Ok(None);
    }
    let mut rng = Rng(0x6C69_616E_6D65_6E67);
    let now = Utc::now();
    let today = crate::time::today();
    let mut logins = Vec::new();

    // Region tree and alliances.
    let mut streets: Vec<Street> = Vec::new();
    for d in kunming::DISTRICTS.iter() {
        let district = insert_region(
            &tx,
            city.id,
            Level::District,
            city.id,
            d.code.to_owned(),
            &d.name,
        )
        .await?;
        for (si, s) in d.streets.iter().enumerate() {
            let code = format!("{}{:03}", d.code, si + 1);
            let street = insert_region(
                &tx,
                city.id,
                Level::Street,
                district.id,
                code.clone(),
                &s.name,
            )
            .await?;
            let street_alliance = alliances::create_for_region(&tx, None, &street).await?;
            let mut communities = Vec::new();
            for (ci, c) in s.communities.iter().enumerate() {
                let community = insert_region(
                    &tx,
                    city.id,
                    Level::Community,
                    street.id,
                    format!("{code}{:03}", ci + 1),
                    c,
                )
                .await?;
                let a = alliances::create_for_region(&tx, None, &community).await?;
                communities.push(Community {
                    alliance_id: a.id,
                    region_id: community.id,
                    name: c,
                });
            }
            streets.push(Street {
                alliance_id: street_alliance.id,
                region_id: street.id,
                district_id: district.id,
                district_name: &d.name,
                short: &d.short,
                name: &s.name,
                communities,
            });
        }
    }

    // Users: an admin if there is none, a reviewer, one coordinator per alliance.
    let has_admin = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin))
        .count(&tx)
        .await?
        > 0;
    if !has_admin {
        insert_user(
            &tx,
            city.id,
            &mut hashes,
            "admin",
            "系统管理员",
            Role::Admin,
            None,
            None,
        )
        .await?;
        logins.push(Login {
            username: "admin".into(),
            description: "管理员：区域、类别、用户".into(),
        });
    }
    insert_user(
        &tx,
        city.id,
        &mut hashes,
        "shenhe",
        "市委社会工作委员会 审核员",
        Role::Reviewer,
        None,
        None,
    )
    .await?;
    logins.push(Login {
        username: "shenhe".into(),
        description: "审核员：审核项目清单".into(),
    });
    for (i, s) in streets.iter().enumerate() {
        let username = if i == 0 {
            "xietiao".to_owned()
        } else {
            format!("jd{:03}", i + 1)
        };
        insert_user(
            &tx,
            city.id,
            &mut hashes,
            &username,
            &format!("{}协调员", s.name),
            Role::Coordinator,
            Some(s.alliance_id),
            None,
        )
        .await?;
        if i == 0 {
            logins.push(Login {
                username,
                description: format!("协调员：{}党建联盟", s.name),
            });
        }
        for (j, c) in s.communities.iter().enumerate() {
            let username = if i == 0 && j == 0 {
                "shequ".to_owned()
            } else {
                format!("sq{:03}{:02}", i + 1, j + 1)
            };
            insert_user(
                &tx,
                city.id,
                &mut hashes,
                &username,
                &format!("{}协调员", c.name),
                Role::Coordinator,
                Some(c.alliance_id),
                None,
            )
            .await?;
            if i == 0 && j == 0 {
                logins.push(Login {
                    username,
                    description: format!("协调员：{}党建联席会议", c.name),
                });
            }
        }
    }

    // Member units, each joining its street alliance and a few of its communities' meetings.
    let mut orgs: Vec<Org> = Vec::new();
    let mut names = HashSet::new();
    let mut attempts = 0;
    while orgs.len() < UNITS && attempts < 10_000 {
        attempts += 1;
        let kinds = &catalog::UNITS.kinds;
        let kind = &kinds[orgs.len() % kinds.len()];
        let si = rng.below(streets.len());
        let s = &streets[si];
        let name = rng
            .pick(&kind.patterns)
            .replace("{district}", s.district_name)
            .replace("{short}", s.short)
            .replace("{street}", s.name.trim_end_matches("街道"))
            .replace(
                "{n}",
                ["一", "二", "三", "四", "五", "六", "七", "八", "九"][rng.below(9)],
            );
        if !names.insert(name.clone()) {
            continue;
        }
        let contact = format!(
            "{}{}",
            rng.pick(&catalog::UNITS.surnames),
            rng.pick(&catalog::UNITS.given_names)
        );
        let phone = format!(
            "1{}{:09}",
            rng.pick(&["38", "39", "58", "59", "87", "88"]),
            rng.next() % 1_000_000_000
        );
        let phone = phone[..11].to_owned();
        let address = format!("昆明市{}{}{}号", s.district_name, s.name, rng.range(1, 400));
        let org = organization::ActiveModel {
            city_id: Set(city.id),
            search_name: Set(crate::domain::fold(&name)),
            name: Set(name.clone()),
            kind: Set(kind.kind.to_owned()),
            contact_person: Set(contact),
            contact_phone: Set(phone),
            address: Set(address),
            created_at: Set(now - Duration::days(rng.range(200, 400) as i64)),
            updated_at: Set(now - Duration::days(rng.range(0, 199) as i64)),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        let role = if rng.chance(15) {
            MemberRole::Lead
        } else {
            MemberRole::Member
        };
        join(
            &tx,
            s.alliance_id,
            org.id,
            role,
            today - Duration::days(rng.range(30, 900) as i64),
        )
        .await?;
        let mut joined = HashSet::new();
        for _ in 0..rng.range(1, 3) {
            let c = rng.pick(&s.communities);
            if joined.insert(c.alliance_id) {
                join(
                    &tx,
                    c.alliance_id,
                    org.id,
                    MemberRole::Member,
                    today - Duration::days(rng.range(30, 900) as i64),
                )
                .await?;
            }
        }
        let n = orgs.len() + 1;
        let username = if n == 1 {
            "danwei".to_owned()
        } else {
            format!("dw{n:03}")
        };
        let user_id = insert_user(
            &tx,
            city.id,
            &mut hashes,
            &username,
            &format!("{name}联络员"),
            Role::Member,
            None,
            Some(org.id),
        )
        .await?;
        if n == 1 {
            logins.push(Login {
                username,
                description: format!("成员单位：{name}"),
            });
        }
        orgs.push(Org {
            id: org.id,
            kind: &kind.kind,
            name,
            street: si,
            user_id,
        });
    }

    // Resources: each unit offers what units of its kind offer.
    let mut resources: Vec<(resource::Model, &'static str, usize)> = Vec::new();
    for org in &orgs {
        let offers: Vec<&catalog::Offer> = catalog::OFFERS
            .iter()
            .filter(|o| o.kinds.iter().any(|k| k == org.kind))
            .collect();
        let pool: Vec<&catalog::Offer> = if offers.is_empty() {
            catalog::OFFERS.iter().collect()
        } else {
            offers
        };
        let count = rng.range(6, 10);
        let mut used = HashSet::new();
        for _ in 0..count {
            let offer = *rng.pick(&pool);
            if !used.insert(&offer.title) {
                continue;
            }
            let s = &streets[org.street];
            let (level, region_id) = match rng.below(10) {
                0..=2 => (Level::Community, Some(rng.pick(&s.communities).region_id)),
                3..=5 => (Level::Street, Some(s.region_id)),
                6..=7 => (Level::District, Some(s.district_id)),
                _ => (Level::City, None),
            };
            let r = ResourceDraft {
                organization_id: org.id,
                author: org.user_id,
                title: offer.title.to_owned(),
                description: offer
                    .description
                    .replace("{org}", &org.name)
                    .replace("{street}", s.name.trim_end_matches("街道")),
                category: &offer.category,
                tags: Tags(offer.tags.clone()),
                quantity: offer.quantity,
                scope_level: level,
                scope_region_id: region_id,
            }
            .into_row(&mut rng, city.id, (now, today), 180)
            .insert(&tx)
            .await?;
            outbox::push(&tx, city.id, "resource", r.id).await?;
            resources.push((r, &offer.category, org.street));
        }
    }

    // Needs: each community meeting posts a few; each street alliance a few more.
    let coordinators: HashMap<i64, i64> = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Coordinator))
        .all(&tx)
        .await?
        .into_iter()
        .filter_map(|u| u.alliance_id.map(|a| (a, u.id)))
        .collect();
    let mut needs_made: Vec<(need::Model, &'static str, usize)> = Vec::new();
    for (si, s) in streets.iter().enumerate() {
        let mut places: Vec<(i64, i64, &'static str)> = s
            .communities
            .iter()
            .map(|c| (c.alliance_id, c.region_id, c.name))
            .collect();
        places.push((s.alliance_id, s.region_id, s.name));
        for (alliance_id, place_id, place_name) in places {
            let count = if place_id == s.region_id {
                rng.range(3, 6)
            } else {
                rng.range(3, 7)
            };
            let mut used = HashSet::new();
            for _ in 0..count {
                let ask = rng.pick(&catalog::ASKS);
                if !used.insert(&ask.title) {
                    continue;
                }
                let status = match rng.below(20) {
                    0..=1 => NeedStatus::Matched,
                    2 => NeedStatus::Closed,
                    3 => NeedStatus::Fulfilled,
                    _ => NeedStatus::Open,
                };
                let created = now
                    - Duration::days(rng.range(1, 150) as i64)
                    - Duration::minutes(rng.range(0, 1440) as i64);
                let by = coordinators.get(&alliance_id).copied().unwrap_or(1);
                let n = need::ActiveModel {
                    city_id: Set(city.id),
                    alliance_id: Set(alliance_id),
                    place_region_id: Set(place_id),
                    title: Set(ask.title.to_owned()),
                    description: Set(ask.description.replace("{community}", place_name)),
                    category: Set(ask.category.to_owned()),
                    tags: Set(Tags(ask.tags.clone())),
                    quantity: Set(ask.quantity.map(|(lo, hi)| rng.range(lo, hi))),
                    needed_by: Set(if rng.chance(70) {
                        Some(today + Duration::days(rng.range(7, 120) as i64))
                    } else {
                        None
                    }),
                    urgency: Set(ask.urgency),
                    status: Set(status),
                    version: Set(1),
                    created_at: Set(created),
                    updated_at: Set(created),
                    created_by: Set(by),
                    updated_by: Set(by),
                    deleted_at: Set(None),
                    review_by: Set(Some(demo_review_by(today, created, now))),
                    ..Default::default()
                }
                .insert(&tx)
                .await?;
                outbox::push(&tx, city.id, "need", n.id).await?;
                if status != NeedStatus::Open && status != NeedStatus::Closed {
                    needs_made.push((n, &ask.category, si));
                }
            }
        }
    }

    // Projects for the needs already matched or fulfilled, with a resource of the same
    // category, holding quantity as an approval would: the one whose title shares most words
    // with the need's title and tags, as a coordinator would pick it (the matching learns from
    // these projects), of the need's street among equals; a need no title fits stays open.
    let mut holding: HashMap<i64, usize> = HashMap::new();
    let title_words: Vec<HashSet<String>> = resources
        .iter()
        .map(|(r, _, _)| analyzer::distinct_terms(&r.title).into_iter().collect())
        .collect();
    for (n, category, si) in needs_made {
        let asked: HashSet<String> =
            analyzer::distinct_terms(&format!("{} {}", n.title, n.tags.join(" ")))
                .into_iter()
                .collect();
        let fits = |(r, c, s): &&(resource::Model, &str, usize), street: bool| {
            *c == category
                && (!street || *s == si)
                && r.status == ResourceStatus::Available
                && r.quantity.is_none_or(|q| q > r.reserved)
        };
        let best = resources
            .iter()
            .enumerate()
            .filter(|(_, x)| fits(x, false))
            .map(|(i, x)| {
                (
                    i,
                    title_words[i].intersection(&asked).count(),
                    fits(&x, true),
                )
            })
            .filter(|(_, shared, _)| *shared > 0)
            .max_by_key(|(i, shared, street)| (*shared, *street, std::cmp::Reverse(*i)))
            .map(|(i, _, _)| i);
        let Some(pos) = best else {
            // Nothing left that fits it: the need stays open.
            let mut a: need::ActiveModel = n.into();
            a.status = Set(NeedStatus::Open);
            a.update(&tx).await?;
            continue;
        };
        let r = &mut resources[pos].0;
        use ProjectStatus::{Approved, Completed, InProgress, Proposed};
        let path: &[ProjectStatus] = if n.status == NeedStatus::Fulfilled {
            &[Proposed, Approved, InProgress, Completed]
        } else if rng.chance(50) {
            &[Proposed, Approved, InProgress]
        } else {
            &[Proposed, Approved]
        };
        let taken = r
            .quantity
            .map(|q| n.quantity.unwrap_or(1).min(q - r.reserved).max(1));
        let by = coordinators.get(&n.alliance_id).copied().unwrap_or(1);
        // Proposed a few hours to days after both the need and the resource were posted, and
        // moved on every few days since, never later than now.
        let created = n.created_at.max(r.created_at) + Duration::hours(rng.range(2, 72) as i64);
        let created = created.min(now - Duration::hours(1));
        let pace = ((now - created) / path.len() as i32).min(Duration::days(6));
        let step = |i: usize| created + pace * i as i32;
        let done = path.last() == Some(&Completed);
        let p = project::ActiveModel {
            city_id: Set(city.id),
            need_id: Set(n.id),
            alliance_id: Set(n.alliance_id),
            title: Set(format!("{}对接项目", n.title).chars().take(60).collect()),
            status: Set(path[path.len() - 1]),
            notes: Set(String::new()),
            version: Set(path.len() as i32),
            created_at: Set(created),
            updated_at: Set(step(path.len() - 1)),
            created_by: Set(by),
            updated_by: Set(by),
            outcome: Set(done.then(|| "按计划完成，居民反映良好".to_owned())),
            beneficiaries: Set(done.then(|| n.quantity.unwrap_or(rng.range(10, 60)))),
            approved_at: Set(Some(step(1))),
            completed_at: Set(done.then(|| step(3))),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        project_resource::ActiveModel {
            project_id: Set(p.id),
            resource_id: Set(r.id),
            quantity: Set(taken),
        }
        .insert(&tx)
        .await?;
        for (i, to) in path.iter().enumerate() {
            project_event::ActiveModel {
                project_id: Set(p.id),
                city_id: Set(city.id),
                from_status: Set(i.checked_sub(1).map(|j| path[j])),
                to_status: Set(*to),
                actor_id: Set(by),
                note: Set(String::new()),
                created_at: Set(step(i)),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
        }
        let holders = holding.entry(r.id).or_insert(0);
        *holders += usize::from(!done);
        if let (Some(q), Some(t)) = (r.quantity, taken) {
            let mut a: resource::ActiveModel = r.clone().into();
            a.reserved = Set(r.reserved + t);
            if r.reserved + t >= q {
                let used_up = *holders == 0;
                a.status = Set(if used_up {
                    ResourceStatus::Exhausted
                } else {
                    ResourceStatus::Reserved
                });
            }
            *r = a.update(&tx).await?;
        }
    }

    let summary = serde_json::json!({
        "streets": streets.len(),
        "communities": streets.iter().map(|s| s.communities.len()).sum::<usize>(),
        "organizations": orgs.len(),
        "resources": resources.len(),
    });
    let entry = audit::Entry {
        action: "seed-demo",
        entity_type: "city",
        entity_id: city.id,
        city_id: Some(city.id),
        before: None,
        after: Some(summary.to_string()),
    };
    audit::record(&tx, None, entry).await?;
    // The demo's entries are history, not news: nothing of it is announced as a new match.
    crate::domain::notifications::skip_announcing(&tx).await?;
    tx.commit().await?;
    Ok(Some(logins))
}

/// A demo resource before the parts every one of them draws alike.
struct ResourceDraft {
    organization_id: i64,
    author: i64,
    title: String,
    description: String,
    category: &'static str,
    tags: Tags,
    /// The range its quantity is drawn from.
    quantity: Option<(i32, i32)>,
    scope_level: Level,
    scope_region_id: Option<i64>,
}

impl ResourceDraft {
    /// The row, with what is drawn for every demo resource in this order: a status (one in
    /// seven not available), an availability window for three in ten, a creation time within
    /// `max_age_days` of `now`, and the quantity.
    fn into_row(
        self,
        rng: &mut Rng,
        city_id: i64,
        (now, today): (chrono::DateTime<Utc>, NaiveDate),
        max_age_days: i32,
    ) -> resource::ActiveModel {
        let status = match rng.below(20) {
            0 => ResourceStatus::Withdrawn,
            1 => ResourceStatus::Exhausted,
            _ => ResourceStatus::Available,
        };
        let (from, until) = if rng.chance(30) {
            let from = today - Duration::days(rng.range(0, 60) as i64);
            (
                Some(from),
                Some(from + Duration::days(rng.range(60, 365) as i64)),
            )
        } else {
            (None, None)
        };
        let created = now
            - Duration::days(rng.range(1, max_age_days) as i64)
            - Duration::minutes(rng.range(0, 1440) as i64);
        resource::ActiveModel {
            city_id: Set(city_id),
            organization_id: Set(self.organization_id),
            title: Set(self.title),
            description: Set(self.description),
            category: Set(self.category.to_owned()),
            tags: Set(self.tags),
            quantity: Set(self.quantity.map(|(lo, hi)| rng.range(lo, hi))),
            scope_level: Set(self.scope_level),
            scope_region_id: Set(self.scope_region_id),
            available_from: Set(from),
            available_until: Set(until),
            status: Set(status),
            version: Set(1),
            created_at: Set(created),
            updated_at: Set(created),
            created_by: Set(self.author),
            updated_by: Set(self.author),
            deleted_at: Set(None),
            review_by: Set(Some(demo_review_by(today, created, now))),
            ..Default::default()
        }
    }
}

/// A review-by date spread over the coming weeks without a draw (so the other drawn values
/// stay as they were): one entry in about thirty was not confirmed in time and has lapsed.
fn demo_review_by(
    today: NaiveDate,
    created: chrono::DateTime<Utc>,
    now: chrono::DateTime<Utc>,
) -> NaiveDate {
    let age = (now - created).num_minutes();
    if age % 29 == 0 {
        today - Duration::days(1)
    } else {
        today + Duration::days(7 + age % 84)
    }
}

async fn insert_region(
    db: &impl ConnectionTrait,
    city_id: i64,
    level: Level,
    parent_id: i64,
    code: String,
    name: &str,
) -> Result<region::Model> {
    let now = Utc::now();
    Ok(region::ActiveModel {
        city_id: Set(Some(city_id)),
        level: Set(level),
        parent_id: Set(Some(parent_id)),
        code: Set(code),
        name: Set(name.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

async fn join(
    db: &impl ConnectionTrait,
    alliance_id: i64,
    organization_id: i64,
    role: MemberRole,
    joined_on: NaiveDate,
) -> Result<()> {
    alliance_member::ActiveModel {
        alliance_id: Set(alliance_id),
        organization_id: Set(organization_id),
        role: Set(role),
        joined_on: Set(joined_on),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn has_districts(db: &impl ConnectionTrait) -> Result<bool> {
    Ok(region::Entity::find()
        .filter(region::Column::Level.eq(Level::District))
        .count(db)
        .await?
        > 0)
}

/// A hash of the demo password for every account the city may get, each with its own salt:
/// rows sharing one hash would tell whoever reads the table that the accounts share a
/// password, and would stay alike after a copy of the database is put to real use. Made
/// before the write transaction, as Argon2 work must be (see `users`), several at a time.
async fn account_hashes() -> Result<Vec<String>> {
    let (streets, communities) = kunming::DISTRICTS
        .iter()
        .flat_map(|d| &d.streets)
        .fold((0, 0), |(s, c), street| {
            (s + 1, c + street.communities.len())
        });
    // An admin, a reviewer, a coordinator per alliance and a contact per unit.
    let accounts = 2 + streets + communities + UNITS;
    tokio::task::spawn_blocking(move || {
        (0..accounts)
            .map(|_| users::hash_public_password(PASSWORD))
            .collect()
    })
    .await
    .map_err(|e| crate::error::Error::Internal(anyhow::anyhow!("hashing demo passwords: {e}")))?
}

#[allow(clippy::too_many_arguments)]
async fn insert_user(
    db: &impl ConnectionTrait,
    city_id: i64,
    hashes: &mut impl Iterator<Item = String>,
    username: &str,
    display_name: &str,
    role: Role,
    alliance_id: Option<i64>,
    organization_id: Option<i64>,
) -> Result<i64> {
    let now = Utc::now();
    let u = user::ActiveModel {
        city_id: Set(city_id),
        username: Set(username.to_owned()),
        password_hash: Set(hashes.next().ok_or_else(|| {
            crate::error::Error::Internal(anyhow::anyhow!("too few demo hashes"))
        })?),
        display_name: Set(display_name.chars().take(30).collect()),
        role: Set(role),
        alliance_id: Set(alliance_id),
        organization_id: Set(organization_id),
        disabled_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(u.id)
}
