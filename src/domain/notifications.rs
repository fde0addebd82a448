//! Notifications: what each user is told, in the app (`GET /notifications`) and — for an
//! alliance's events — by its webhooks.
//!
//! Three sources, each written in a transaction together with what caused it:
//! - **Matches** (`match`): a new or changed resource that fits an open need at least
//!   `match_min_score` well is announced once per resource–need pair to the need's
//!   coordinators (and the alliance's webhooks). The announcer follows the search outbox
//!   behind this instance's index, so the ranking sees the change; its position is a shared
//!   cursor advanced by compare-and-set, so of several instances exactly one announces a row.
//! - **Projects** (`project`): a proposal or a move tells the need's coordinators and the
//!   resources' units (and reviewers, of a proposal), never the person who made it.
//! - **Review-by reminders** (`review_due`): once a day, each owner gets one notification
//!   listing their entries whose review-by date falls within the next 14 days.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Deserialize;

use super::matching::Engine;
use super::{
    Actor, Page, PageParams, Role, lookup, matching, needs, projects, resources, webhooks,
};
use crate::config::NotifyConfig;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::search::matching::{MatchOptions, Ranked};
use entity::{match_alert, need, notification, project, resource, search_outbox, worker_cursor};

pub const MATCH: &str = "match";
pub const PROJECT: &str = "project";
pub const REVIEW_DUE: &str = "review_due";

/// Cursor names (rows of `worker_cursors`).
const MATCH_CURSOR: &str = "match_alerts";
const REVIEW_CURSOR: &str = "review_reminders";
/// Outbox rows one announcing round reads at most.
const MATCH_BATCH: u64 = 200;
/// Owners are reminded this many days before an entry's review-by date.
pub const REMIND_DAYS: u64 = 14;

/// One notification to write.
#[derive(Debug, Clone, Default)]
pub struct Note {
    pub user_id: i64,
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub need_id: Option<i64>,
    pub resource_id: Option<i64>,
    pub project_id: Option<i64>,
    pub score: Option<f64>,
    /// At most one notification per user and key (the key is dropped when `None`).
    pub dedup_key: Option<String>,
}

/// Writes notifications; one whose user already has its `dedup_key` is skipped.
pub async fn insert(db: &impl ConnectionTrait, city_id: i64, notes: Vec<Note>) -> Result<()> {
    let now = Utc::now();
    let rows: Vec<notification::ActiveModel> = notes
        .into_iter()
        .map(|n| notification::ActiveModel {
            city_id: Set(city_id),
            user_id: Set(n.user_id),
            kind: Set(n.kind.to_owned()),
            title: Set(n.title),
            body: Set(n.body),
            link: Set(n.link),
            need_id: Set(n.need_id),
            resource_id: Set(n.resource_id),
            project_id: Set(n.project_id),
            score: Set(n.score),
            dedup_key: Set(n.dedup_key),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        })
        .collect();
    // 13 columns a row: well under SQLite's parameter limit per statement.
    for chunk in rows.chunks(500) {
        notification::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([notification::Column::UserId, notification::Column::DedupKey])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    /// Only unread (`true`) or only read (`false`) ones.
    pub unread: Option<bool>,
    /// match, project or review_due.
    pub kind: Option<String>,
}

/// The caller's notifications, newest first, and how many are unread in all.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &NotificationFilter,
    params: PageParams,
) -> Result<(Page<notification::Model>, u64)> {
    use sea_orm::PaginatorTrait;
    let mine = notification::Entity::find().filter(notification::Column::UserId.eq(actor.user_id));
    let mut select = mine.clone();
    match filter.unread {
        Some(true) => select = select.filter(notification::Column::ReadAt.is_null()),
        Some(false) => select = select.filter(notification::Column::ReadAt.is_not_null()),
        None => {}
    }
    if let Some(k) = filter.kind.as_deref().filter(|k| !k.is_empty()) {
        if ![MATCH, PROJECT, REVIEW_DUE].contains(&k) {
            return Err(Error::field(
                "kind",
                "类型只能是 match、project 或 review_due",
            ));
        }
        select = select.filter(notification::Column::Kind.eq(k));
    }
    let page =
        super::page::fetch(db, select.order_by_desc(notification::Column::Id), params).await?;
    let unread = mine
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?;
    Ok((page, unread))
}

/// Marks one of the caller's notifications read (again is fine: the first time is kept).
pub async fn mark_read(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<notification::Model> {
    let n = notification::Entity::find_by_id(id)
        .filter(notification::Column::UserId.eq(actor.user_id))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("通知"))?;
    if n.read_at.is_some() {
        return Ok(n);
    }
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    // Read back: the database keeps the time at its own precision (microseconds).
    notification::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("通知"))
}

/// Marks the caller's unread notifications read, up to `up_to` (the newest id the client
/// has shown, so one that arrived meanwhile stays unread); returns how many.
pub async fn mark_all_read(
    db: &impl ConnectionTrait,
    actor: &Actor,
    up_to: Option<i64>,
) -> Result<u64> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::UserId.eq(actor.user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = up_to {
        update = update.filter(notification::Column::Id.lte(id));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// Active users of `role` among `users`, grouped by `key`.
fn active_by<K: Ord>(
    users: Vec<entity::user::Model>,
    role: Role,
    key: impl Fn(&entity::user::Model) -> Option<K>,
) -> BTreeMap<K, Vec<i64>> {
    let mut out: BTreeMap<K, Vec<i64>> = BTreeMap::new();
    for u in users {
        if u.disabled_at.is_none()
            && u.role == role
            && let Some(k) = key(&u)
        {
            out.entry(k).or_default().push(u.id);
        }
    }
    out
}

/// The active coordinators of these alliances, by alliance.
pub async fn coordinators(
    db: &impl ConnectionTrait,
    alliance_ids: impl IntoIterator<Item = i64>,
) -> Result<BTreeMap<i64, Vec<i64>>> {
    let users = lookup::users_of_alliances(db, alliance_ids).await?;
    Ok(active_by(users, Role::Coordinator, |u| u.alliance_id))
}

/// The active member users of these organizations, by organization.
pub async fn unit_users(
    db: &impl ConnectionTrait,
    organization_ids: impl IntoIterator<Item = i64>,
) -> Result<BTreeMap<i64, Vec<i64>>> {
    let users = lookup::users_of_organizations(db, organization_ids).await?;
    Ok(active_by(users, Role::Member, |u| u.organization_id))
}

async fn cursor(db: &impl ConnectionTrait, name: &str) -> Result<i64> {
    Ok(worker_cursor::Entity::find_by_id(name)
        .one(db)
        .await?
        .map_or(0, |c| c.position))
}

/// Moves a cursor from `from` to `to` if nobody moved it meanwhile; `false` when another
/// instance got there first (its transaction did the work, so this one must roll back).
async fn advance(db: &impl ConnectionTrait, name: &str, from: i64, to: i64) -> Result<bool> {
    let moved = worker_cursor::Entity::update_many()
        .col_expr(worker_cursor::Column::Position, Expr::value(to))
        .col_expr(worker_cursor::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(worker_cursor::Column::Name.eq(name))
        .filter(worker_cursor::Column::Position.eq(from))
        .exec(db)
        .await?
        .rows_affected;
    Ok(moved == 1)
}

/// Marks every change so far as already announced: a bulk load (the demo city) is history,
/// not news for the coordinators.
pub async fn skip_announcing(db: &impl ConnectionTrait) -> Result<()> {
    let newest = crate::search::newest_seq(db).await?;
    worker_cursor::Entity::update_many()
        .col_expr(worker_cursor::Column::Position, Expr::value(newest))
        .col_expr(worker_cursor::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(worker_cursor::Column::Name.eq(MATCH_CURSOR))
        .exec(db)
        .await?;
    Ok(())
}

/// Failed rounds in a row at one cursor position before a resource that cannot be ranked is
/// skipped.
const GIVE_UP_AFTER: u32 = 5;

/// Counts a failed round at `from` and returns how many there were in a row at that
/// position (`i64::MIN`: a round got through, start over).
fn failing_since(from: i64) -> u32 {
    static FAILED: std::sync::Mutex<(i64, u32)> = std::sync::Mutex::new((i64::MIN, 0));
    let mut f = FAILED.lock().unwrap_or_else(|e| e.into_inner());
    if from == i64::MIN {
        *f = (i64::MIN, 0);
        return 0;
    }
    if f.0 != from {
        *f = (from, 0);
    }
    f.1 += 1;
    f.1
}

/// One announcing round: the resources changed in the outbox rows this instance's index has
/// applied since the cursor, each matched against open needs; new pairs above the threshold
/// are announced. Returns how many outbox rows were consumed (0 when there was nothing new,
/// or another instance announced them first).
pub async fn announce_matches(db: &Db, engine: Engine<'_>, cfg: &NotifyConfig) -> Result<usize> {
    let search = engine.search;
    let from = cursor(&db.read, MATCH_CURSOR).await?;
    let applied = search.applied();
    if applied <= from {
        return Ok(0);
    }
    let rows = search_outbox::Entity::find()
        .filter(search_outbox::Column::Seq.gt(from))
        .filter(search_outbox::Column::Seq.lte(applied))
        .order_by_asc(search_outbox::Column::Seq)
        .limit(MATCH_BATCH)
        .all(&db.read)
        .await?;
    let to = match rows.last() {
        Some(last) if rows.len() as u64 == MATCH_BATCH => last.seq,
        _ => applied,
    };
    let changed: BTreeSet<(i64, i64)> = rows
        .iter()
        .filter(|r| r.entity_type == "resource")
        .map(|r| (r.city_id, r.entity_id))
        .collect();

    // Ranking reads only; the transaction below is short (SQLite has one writer).
    let opts = MatchOptions {
        limit: cfg.match_max_needs,
        category: None,
        min_score: cfg.match_min_score,
        synonyms: true,
        category_weight: None,
    };
    let mut found: Vec<(resource::Model, need::Model, Ranked)> = Vec::new();
    for (city_id, id) in changed {
        let r = match resources::get(&db.read, city_id, id).await {
            Ok(r) => r,
            Err(Error::NotFound(_)) => continue,
            Err(e) => return Err(e),
        };
        if !matching::still_confirmed(r.review_by) {
            continue;
        }
        // Without the reviewers' lessons: what is worth announcing is the engine's score; the
        // lessons only re-order what a coordinator asks to see.
        match matching::for_resource(&db.read, engine, city_id, id, &opts, None).await {
            Ok(matches) => found.extend(matches.into_iter().map(|(n, m)| (r.clone(), n, m))),
            Err(Error::NotFound(_) | Error::Validation(_)) => {}
            // A failure is most likely passing (a busy pool, a deadlock broken, a restart of
            // the database): the round is retried from the same position. Only a resource
            // that keeps failing is skipped, so it cannot stop every announcement after it.
            Err(e) if failing_since(from) < GIVE_UP_AFTER => return Err(e),
            Err(e) => {
                tracing::error!(resource = id, error = ?e, "ranking for an announcement keeps failing; skipped")
            }
        }
    }
    let units =
        lookup::organization_names(&db.read, found.iter().map(|(r, _, _)| r.organization_id))
            .await?;
    let told = coordinators(&db.read, found.iter().map(|(_, n, _)| n.alliance_id)).await?;

    failing_since(i64::MIN);
    let tx = db.begin().await?;
    if !advance(&tx, MATCH_CURSOR, from, to).await? {
        tx.rollback().await?;
        return Ok(0);
    }
    let now = Utc::now();
    // Each alliance's webhooks, read once per round.
    let mut hooks: HashMap<i64, Vec<entity::webhook::Model>> = HashMap::new();
    for (r, n, m) in &found {
        let fresh = match_alert::Entity::insert(match_alert::ActiveModel {
            need_id: Set(n.id),
            resource_id: Set(r.id),
            city_id: Set(r.city_id),
            score: Set(m.score),
            created_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([match_alert::Column::NeedId, match_alert::Column::ResourceId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&tx)
        .await?;
        if fresh == 0 {
            continue;
        }
        let unit = units
            .get(&r.organization_id)
            .map_or("成员单位", String::as_str);
        let words = m
            .matched_terms
            .iter()
            .map(|(t, _)| t.as_str())
            .take(6)
            .collect::<Vec<_>>()
            .join("、");
        let notes = told
            .get(&n.alliance_id)
            .into_iter()
            .flatten()
            .map(|&user_id| Note {
                user_id,
                kind: MATCH,
                title: format!("新资源可能满足需求「{}」", n.title),
                body: format!(
                    "{unit}的资源「{}」与需求「{}」匹配度 {:.2}{}。",
                    r.title,
                    n.title,
                    m.score,
                    if words.is_empty() {
                        String::new()
                    } else {
                        format!("（共同词：{words}）")
                    }
                ),
                link: Some(format!("/api/v1/needs/{}/matches", n.id)),
                need_id: Some(n.id),
                resource_id: Some(r.id),
                score: Some(m.score),
                ..Default::default()
            })
            .collect();
        insert(&tx, r.city_id, notes).await?;
        let data = serde_json::json!({
            "need": {"id": n.id, "title": n.title, "alliance_id": n.alliance_id},
            "resource": {
                "id": r.id, "title": r.title,
                "organization_id": r.organization_id, "organization": unit,
            },
            "score": m.score,
            "matched_terms": m.matched_terms.iter().map(|(t, _)| t).collect::<Vec<_>>(),
            "scope_relation": m.scope_relation,
            "category_match": m.category_match,
        });
        if let std::collections::hash_map::Entry::Vacant(slot) = hooks.entry(n.alliance_id) {
            slot.insert(webhooks::receiving(&tx, n.alliance_id).await?);
        }
        webhooks::enqueue_to(&tx, &hooks[&n.alliance_id], webhooks::MATCH_FOUND, &data).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// Tells the people a project concerns that it was proposed or moved (not the one who did
/// it), and queues the alliance's `project.*` webhooks. Inside the write's transaction.
pub async fn project_changed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    p: &project::Model,
    from: Option<projects::Status>,
    note: Option<&str>,
) -> Result<()> {
    let links = projects::links(db, &[p.id]).await?;
    let found = lookup::resources(db, links.iter().map(|l| l.resource_id)).await?;
    let units: BTreeSet<i64> = found.values().map(|r| r.organization_id).collect();
    let mut users: BTreeSet<i64> = coordinators(db, [p.alliance_id])
        .await?
        .into_values()
        .flatten()
        .collect();
    users.extend(
        unit_users(db, units.iter().copied())
            .await?
            .into_values()
            .flatten(),
    );
    let mut reviewers: BTreeSet<i64> = BTreeSet::new();
    if from.is_none() {
        let found = entity::user::Entity::find()
            .filter(entity::user::Column::CityId.eq(p.city_id))
            .filter(entity::user::Column::Role.eq(Role::Reviewer))
            .filter(entity::user::Column::DisabledAt.is_null())
            .all(db)
            .await?;
        reviewers.extend(found.into_iter().map(|u| u.id));
        users.extend(reviewers.iter().copied());
    }
    users.remove(&actor.user_id);
    let to = p.status;
    let who = lookup::user_names(db, [actor.user_id])
        .await?
        .remove(&actor.user_id)
        .unwrap_or_default();
    let (title, body) = match from {
        None => (
            format!("新项目待审核：「{}」", p.title),
            format!("{who}提出了项目「{}」。", p.title),
        ),
        Some(f) => (
            format!("项目「{}」{}", p.title, to.label()),
            format!(
                "{who}将项目「{}」从「{}」改为「{}」{}",
                p.title,
                f.label(),
                to.label(),
                note.filter(|n| !n.is_empty())
                    .map_or("。".to_owned(), |n| format!("：{n}"))
            ),
        ),
    };
    let notes = users
        .into_iter()
        .map(|user_id| Note {
            user_id,
            kind: PROJECT,
            title: title.clone(),
            // Of a proposal, only reviewers are asked to act.
            body: if reviewers.contains(&user_id) {
                format!("{}，请审核。", body.trim_end_matches('。'))
            } else {
                body.clone()
            },
            link: Some(format!("/api/v1/projects/{}", p.id)),
            need_id: Some(p.need_id),
            project_id: Some(p.id),
            ..Default::default()
        })
        .collect();
    insert(db, p.city_id, notes).await?;
    let data = serde_json::json!({
        "project": {
            "id": p.id, "title": p.title, "status": p.status, "need_id": p.need_id,
            "alliance_id": p.alliance_id, "version": p.version,
            "resource_ids": links.iter().map(|l| l.resource_id).collect::<Vec<_>>(),
        },
        "from": from.map(|f| f.as_str()),
        "to": p.status,
        "note": note,
        "actor": {"id": actor.user_id, "name": who},
    });
    webhooks::enqueue(db, p.alliance_id, &webhooks::project_event(to), data).await?;
    Ok(())
}

/// Rows a reminder round reads per page.
const DUE_PAGE: u64 = 5000;
/// Titles a reminder lists (the earliest due); the rest are counted.
const DUE_LISTED: usize = 5;

/// One owner's entries due for review: how many, and the earliest few.
struct Due {
    count: usize,
    /// (review-by day, id, title), earliest first, at most [`DUE_LISTED`].
    first: Vec<(NaiveDate, i64, String)>,
    city_id: i64,
}

impl Due {
    fn new(city_id: i64) -> Self {
        Due {
            count: 0,
            first: Vec::new(),
            city_id,
        }
    }

    fn add(&mut self, due: NaiveDate, id: i64, title: String) {
        self.count += 1;
        if self.first.len() < DUE_LISTED
            || self.first.last().is_some_and(|l| (due, id) < (l.0, l.1))
        {
            let at = self.first.partition_point(|e| (e.0, e.1) < (due, id));
            self.first.insert(at, (due, id, title));
            self.first.truncate(DUE_LISTED);
        }
    }
}

/// (id, owner, title, review-by, city) of due entries.
type DueRow = (i64, i64, String, Option<NaiveDate>, i64);

/// Reads due entries in pages (`page(after)` selects those with ids after `after`, in id
/// order) and folds them by owner as they come: a city's due entries can be hundreds of
/// thousands of rows, which must not all sit in memory at once.
async fn due_by_owner(
    db: &Db,
    page: impl Fn(i64) -> sea_orm::Selector<sea_orm::SelectGetableTuple<DueRow>>,
) -> Result<BTreeMap<i64, Due>> {
    let mut by_owner: BTreeMap<i64, Due> = BTreeMap::new();
    let mut after = 0;
    loop {
        let rows = page(after).all(&db.read).await?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        for (id, owner, title, due, city_id) in rows {
            // Never None: the rows are selected by a review-by range.
            let due = due.unwrap_or(NaiveDate::MAX);
            by_owner
                .entry(owner)
                .or_insert_with(|| Due::new(city_id))
                .add(due, id, title);
        }
    }
    Ok(by_owner)
}

/// Once a day: reminds owners of the entries whose review-by date has come within
/// [`REMIND_DAYS`] since the last reminder (the first run: all of them from today on; after
/// a long downtime, also those that lapsed meanwhile). One notification per user and day.
/// Returns how many notifications were written.
pub async fn remind_reviews(db: &Db, today: NaiveDate) -> Result<usize> {
    let horizon = today + chrono::Days::new(REMIND_DAYS);
    let from_pos = cursor(&db.read, REVIEW_CURSOR).await?;
    let to_pos = i64::from(horizon.num_days_from_ce());
    if from_pos >= to_pos {
        return Ok(0);
    }
    // Days after the last horizon; the first run starts today.
    let first = i32::try_from(from_pos)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .filter(|_| from_pos > 0)
        .map_or(today, |d| d + chrono::Days::new(1));

    let by_unit = due_by_owner(db, |after| {
        resource::Entity::find()
            .select_only()
            .columns([
                resource::Column::Id,
                resource::Column::OrganizationId,
                resource::Column::Title,
                resource::Column::ReviewBy,
                resource::Column::CityId,
            ])
            .filter(resource::Column::DeletedAt.is_null())
            .filter(resource::Column::Status.eq(resources::Status::Available))
            .filter(resource::Column::ReviewBy.between(first, horizon))
            .filter(resource::Column::Id.gt(after))
            .order_by_asc(resource::Column::Id)
            .limit(DUE_PAGE)
            .into_tuple()
    })
    .await?;
    let by_alliance = due_by_owner(db, |after| {
        need::Entity::find()
            .select_only()
            .columns([
                need::Column::Id,
                need::Column::AllianceId,
                need::Column::Title,
                need::Column::ReviewBy,
                need::Column::CityId,
            ])
            .filter(need::Column::DeletedAt.is_null())
            .filter(need::Column::Status.eq(needs::Status::Open))
            .filter(need::Column::ReviewBy.between(first, horizon))
            .filter(need::Column::Id.gt(after))
            .order_by_asc(need::Column::Id)
            .limit(DUE_PAGE)
            .into_tuple()
    })
    .await?;
    let unit_people = unit_users(&db.read, by_unit.keys().copied()).await?;
    let alliance_people = coordinators(&db.read, by_alliance.keys().copied()).await?;

    let mut by_city: HashMap<i64, Vec<Note>> = HashMap::new();
    let mut remind = |people: &BTreeMap<i64, Vec<i64>>,
                      groups: &BTreeMap<i64, Due>,
                      what: &str,
                      link: &dyn Fn(i64) -> String| {
        for (owner, due) in groups {
            let Some(users) = people.get(owner) else {
                continue;
            };
            let mut listed = due
                .first
                .iter()
                .map(|(d, _, t)| format!("「{t}」（{d}）"))
                .collect::<Vec<_>>()
                .join("、");
            if due.count > due.first.len() {
                listed.push_str(&format!("等 {} 条", due.count));
            }
            for &user_id in users {
                by_city.entry(due.city_id).or_default().push(Note {
                    user_id,
                    kind: REVIEW_DUE,
                    title: format!(
                        "{} 条{what}将于 {horizon}（含）前到期，请复核确认",
                        due.count
                    ),
                    body: format!(
                        "请确认以下{what}仍然有效（到期未确认的不再参与匹配）：{listed}。"
                    ),
                    link: Some(link(*owner)),
                    dedup_key: Some(format!("review_due:{what}:{today}")),
                    ..Default::default()
                });
            }
        }
    };
    remind(&unit_people, &by_unit, "资源", &|org| {
        format!("/api/v1/resources?organization_id={org}&review_before={horizon}")
    });
    remind(&alliance_people, &by_alliance, "需求", &|alliance| {
        format!("/api/v1/needs?alliance_id={alliance}&review_before={horizon}")
    });

    let tx = db.begin().await?;
    if !advance(&tx, REVIEW_CURSOR, from_pos, to_pos).await? {
        tx.rollback().await?;
        return Ok(0);
    }
    let mut written = 0;
    for (city_id, notes) in by_city {
        written += notes.len();
        insert(&tx, city_id, notes).await?;
    }
    tx.commit().await?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_lists_the_earliest_entries_and_counts_the_rest() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2027, 1, d).unwrap();
        let mut due = Due::new(1);
        for (d, id) in [
            (9, 1),
            (3, 2),
            (7, 3),
            (3, 4),
            (1, 5),
            (8, 6),
            (2, 7),
            (9, 8),
        ] {
            due.add(day(d), id, format!("条目{id}"));
        }
        assert_eq!(due.count, 8);
        let listed: Vec<i64> = due.first.iter().map(|e| e.1).collect();
        assert_eq!(listed, [5, 7, 2, 4, 3]);
    }
}
