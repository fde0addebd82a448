//! Response bodies, built from models (never a sea-orm model serialized directly), with
//! times shown in Asia/Shanghai. List views look names up in batches through `domain::lookup`.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::matching::still_confirmed;
use crate::domain::{Actor, lookup, projects};
use crate::error::Result;
use crate::time::local;
use entity::values::{
    DeliveryStatus, Level, MemberRole, NeedStatus, ProjectStatus, ResourceStatus, Role, Urgency,
};
use entity::{
    alliance, alliance_member, audit_log, category, need, organization, project, project_event,
    project_feedback, region, resource, user,
};

#[derive(Debug, Serialize, ToSchema)]
pub struct RegionView {
    pub id: i64,
    /// city, district, street or community.
    pub level: Level,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub city_id: i64,
    /// The alliance of a street or community.
    pub alliance_id: Option<i64>,
}

impl RegionView {
    pub fn new(r: region::Model, alliance_id: Option<i64>) -> Self {
        Self {
            city_id: crate::domain::regions::city_of(&r),
            id: r.id,
            level: r.level,
            code: r.code,
            name: r.name,
            parent_id: r.parent_id,
            alliance_id,
        }
    }

    pub async fn many(db: &impl ConnectionTrait, rows: Vec<region::Model>) -> Result<Vec<Self>> {
        let alliances = lookup::alliances_of_regions(db, rows.iter().map(|r| r.id)).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let a = alliances.get(&r.id).copied();
                Self::new(r, a)
            })
            .collect())
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AllianceView {
    pub id: i64,
    /// street (街道党建联盟) or community (社区党建联席会议).
    pub level: Level,
    pub name: String,
    pub region: Named,
    pub city_id: i64,
}

impl AllianceView {
    pub async fn many(db: &impl ConnectionTrait, rows: Vec<alliance::Model>) -> Result<Vec<Self>> {
        let regions = lookup::regions(db, rows.iter().map(|a| a.region_id)).await?;
        Ok(rows
            .into_iter()
            .map(|a| Self {
                region: Named {
                    id: a.region_id,
                    name: regions
                        .get(&a.region_id)
                        .map(|r| r.name.clone())
                        .unwrap_or_default(),
                },
                id: a.id,
                level: a.level,
                name: a.name,
                city_id: a.city_id,
            })
            .collect())
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub id: i64,
    pub alliance_id: i64,
    pub organization: Named,
    /// 牵头单位 or 成员单位.
    pub role: MemberRole,
    pub joined_on: NaiveDate,
}

impl MemberView {
    pub async fn many(
        db: &impl ConnectionTrait,
        rows: Vec<alliance_member::Model>,
    ) -> Result<Vec<Self>> {
        let names = lookup::organization_names(db, rows.iter().map(|m| m.organization_id)).await?;
        Ok(rows
            .into_iter()
            .map(|m| Self {
                organization: named(&names, m.organization_id),
                id: m.id,
                alliance_id: m.alliance_id,
                role: m.role,
                joined_on: m.joined_on,
            })
            .collect())
    }
}

fn named(names: &HashMap<i64, String>, id: i64) -> Named {
    Named {
        id,
        name: names.get(&id).cloned().unwrap_or_default(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationView {
    pub id: i64,
    pub name: String,
    pub kind: String,
    /// Private: shown to admins, reviewers, the unit's own users, and coordinators of an
    /// alliance that has an approved project with the unit; `None` (and `contacts_hidden`)
    /// to everyone else.
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub contacts_hidden: bool,
    pub address: String,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl OrganizationView {
    /// The view with or without the private contact details.
    pub fn new(o: organization::Model, contacts: bool) -> Self {
        Self {
            id: o.id,
            name: o.name,
            kind: o.kind,
            contact_person: contacts.then_some(o.contact_person),
            contact_phone: contacts.then_some(o.contact_phone),
            contacts_hidden: !contacts,
            address: o.address,
            created_at: local(o.created_at),
            updated_at: local(o.updated_at),
        }
    }

    /// Views for `actor`, each with contacts only where `actor` may see them.
    pub async fn many(
        db: &impl ConnectionTrait,
        actor: &Actor,
        rows: Vec<organization::Model>,
    ) -> Result<Vec<Self>> {
        let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
        let visible = crate::domain::organizations::contacts_visible(db, actor, &ids).await?;
        Ok(rows
            .into_iter()
            .map(|o| {
                let show = visible.contains(&o.id);
                Self::new(o, show)
            })
            .collect())
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    pub id: i64,
    pub name: String,
}

impl From<category::Model> for CategoryView {
    fn from(c: category::Model) -> Self {
        Self {
            id: c.id,
            name: c.name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// admin, coordinator, member or reviewer.
    pub role: Role,
    pub alliance_id: Option<i64>,
    pub organization_id: Option<i64>,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// Still on an initial password, to be replaced at the next login.
    pub must_change_password: bool,
    pub created_at: DateTime<FixedOffset>,
}

impl From<user::Model> for UserView {
    fn from(u: user::Model) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            alliance_id: u.alliance_id,
            organization_id: u.organization_id,
            disabled: u.disabled_at.is_some(),
            must_change_password: u.must_change_password,
            created_at: local(u.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScopeView {
    /// community, street, district or city.
    pub level: Level,
    pub region_id: Option<i64>,
    pub region_name: String,
}

/// What an entry of either list has, whichever list: its text, how much, when it must be
/// confirmed again, and its version and history. Flattened into both views, so a field the
/// two lists share is added here once (and in [`entry_fields!`]).
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryFields {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub category: String,
    pub tags: Vec<String>,
    /// How much is offered or needed; `None` when it is not counted.
    pub quantity: Option<i32>,
    /// 复核日期: unless its editor confirms it (`POST …/{id}/confirm`, or any edit), it is
    /// no longer matched after this day.
    pub review_by: Option<NaiveDate>,
    /// Past its review-by date: out of matching until confirmed.
    pub lapsed: bool,
    /// Send it back as `If-Match` to update safely.
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    pub created_by: i64,
    pub updated_by: i64,
}

/// The [`EntryFields`] of a resource or need row (moving its strings out of it).
macro_rules! entry_fields {
    ($row:ident) => {
        EntryFields {
            id: $row.id,
            title: $row.title,
            description: $row.description,
            category: $row.category,
            tags: $row.tags.0,
            quantity: $row.quantity,
            lapsed: !still_confirmed($row.review_by),
            review_by: $row.review_by,
            version: $row.version,
            created_at: local($row.created_at),
            updated_at: local($row.updated_at),
            created_by: $row.created_by,
            updated_by: $row.updated_by,
        }
    };
}

/// A list's view of many rows at once (one query per kind of name they show), and of one.
macro_rules! one_of_many {
    ($row:ty) => {
        pub async fn one(db: &impl ConnectionTrait, row: $row) -> Result<Self> {
            Ok(Self::many(db, vec![row])
                .await?
                .pop()
                .expect("one in, one out"))
        }
    };
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceView {
    #[serde(flatten)]
    pub entry: EntryFields,
    pub organization: Named,
    /// How much of `quantity` approved projects hold or have used.
    pub reserved: i32,
    /// What is left to offer (`quantity - reserved`).
    pub remaining: Option<i32>,
    pub scope: ScopeView,
    pub available_from: Option<NaiveDate>,
    pub available_until: Option<NaiveDate>,
    /// available, reserved, exhausted or withdrawn.
    pub status: ResourceStatus,
}

impl ResourceView {
    pub async fn many(db: &impl ConnectionTrait, rows: Vec<resource::Model>) -> Result<Vec<Self>> {
        let orgs = lookup::organization_names(db, rows.iter().map(|r| r.organization_id)).await?;
        let regions = lookup::regions(db, rows.iter().filter_map(|r| r.scope_region_id)).await?;
        Ok(rows
            .into_iter()
            .map(|r| Self {
                organization: named(&orgs, r.organization_id),
                scope: ScopeView {
                    region_name: r
                        .scope_region_id
                        .and_then(|id| regions.get(&id).map(|g| g.name.clone()))
                        .unwrap_or_else(|| "全市".into()),
                    level: r.scope_level,
                    region_id: r.scope_region_id,
                },
                reserved: r.reserved,
                remaining: r.quantity.map(|q| q - r.reserved),
                available_from: r.available_from,
                available_until: r.available_until,
                status: r.status,
                entry: entry_fields!(r),
            })
            .collect())
    }

    one_of_many!(resource::Model);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceView {
    pub id: i64,
    /// community or street.
    pub level: Level,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NeedView {
    #[serde(flatten)]
    pub entry: EntryFields,
    pub alliance: Named,
    pub place: PlaceView,
    pub needed_by: Option<NaiveDate>,
    /// low, normal or high.
    pub urgency: Urgency,
    /// open, matched, fulfilled or closed.
    pub status: NeedStatus,
}

impl NeedView {
    pub async fn many(db: &impl ConnectionTrait, rows: Vec<need::Model>) -> Result<Vec<Self>> {
        let alliances = lookup::alliances(db, rows.iter().map(|n| n.alliance_id)).await?;
        let regions = lookup::regions(db, rows.iter().map(|n| n.place_region_id)).await?;
        Ok(rows
            .into_iter()
            .map(|n| {
                let place = regions.get(&n.place_region_id);
                Self {
                    alliance: Named {
                        id: n.alliance_id,
                        name: alliances
                            .get(&n.alliance_id)
                            .map(|a| a.name.clone())
                            .unwrap_or_default(),
                    },
                    place: PlaceView {
                        id: n.place_region_id,
                        // Regions are never deleted: a need's place is always found.
                        level: place.map_or(Level::Community, |p| p.level),
                        name: place.map(|p| p.name.clone()).unwrap_or_default(),
                    },
                    needed_by: n.needed_by,
                    urgency: n.urgency,
                    status: n.status,
                    entry: entry_fields!(n),
                }
            })
            .collect())
    }

    one_of_many!(need::Model);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectView {
    pub id: i64,
    pub need: Named,
    pub alliance_id: i64,
    pub resource_ids: Vec<i64>,
    /// The resources and how much of each the project takes.
    pub resources: Vec<ProjectResourceView>,
    pub title: String,
    /// proposed (拟对接), approved, rejected, in_progress, completed or cancelled.
    pub status: ProjectStatus,
    /// The states the caller may move it to now (`POST /projects/{id}/transitions`).
    pub next: Vec<projects::Status>,
    pub notes: String,
    /// What came of it, written at completion.
    pub outcome: Option<String>,
    pub beneficiaries: Option<i32>,
    /// The need's coordinator's rating (1–5), once given (`GET /projects/{id}/feedback`).
    pub rating: Option<i32>,
    /// Send it back as `If-Match` to move it safely.
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    pub approved_at: Option<DateTime<FixedOffset>>,
    pub completed_at: Option<DateTime<FixedOffset>>,
    pub created_by: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectResourceView {
    pub id: i64,
    pub title: String,
    pub organization: Named,
    /// How much the project takes; `None` for a resource that is not counted.
    pub quantity: Option<i32>,
}

impl ProjectView {
    /// Views for `actor`, whose role decides `next`.
    pub async fn many(
        db: &impl ConnectionTrait,
        actor: &Actor,
        rows: Vec<project::Model>,
    ) -> Result<Vec<Self>> {
        let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
        let mut links = projects::links_by_project(db, &ids).await?;
        let resources =
            lookup::resources(db, links.values().flatten().map(|l| l.resource_id)).await?;
        let orgs =
            lookup::organization_names(db, resources.values().map(|r| r.organization_id)).await?;
        let needs = lookup::need_titles(db, rows.iter().map(|p| p.need_id)).await?;
        let ratings = lookup::ratings(db, ids.iter().copied()).await?;
        Ok(rows
            .into_iter()
            .map(|p| {
                let links = links.remove(&p.id).unwrap_or_default();
                let resources: Vec<ProjectResourceView> = links
                    .iter()
                    .filter_map(|l| {
                        let r = resources.get(&l.resource_id)?;
                        Some(ProjectResourceView {
                            id: r.id,
                            title: r.title.clone(),
                            organization: named(&orgs, r.organization_id),
                            quantity: l.quantity,
                        })
                    })
                    .collect();
                let owners: Vec<i64> = resources.iter().map(|r| r.organization.id).collect();
                let next = Some(p.status)
                    .map(|from| projects::allowed(actor, from, p.alliance_id, &owners))
                    .unwrap_or_default();
                Self {
                    need: named(&needs, p.need_id),
                    resource_ids: links.iter().map(|l| l.resource_id).collect(),
                    resources,
                    next,
                    id: p.id,
                    alliance_id: p.alliance_id,
                    title: p.title,
                    status: p.status,
                    notes: p.notes,
                    outcome: p.outcome,
                    beneficiaries: p.beneficiaries,
                    rating: ratings.get(&p.id).copied(),
                    version: p.version,
                    created_at: local(p.created_at),
                    updated_at: local(p.updated_at),
                    approved_at: p.approved_at.map(local),
                    completed_at: p.completed_at.map(local),
                    created_by: p.created_by,
                }
            })
            .collect())
    }

    pub async fn one(
        db: &impl ConnectionTrait,
        actor: &Actor,
        row: project::Model,
    ) -> Result<Self> {
        Ok(Self::many(db, actor, vec![row])
            .await?
            .pop()
            .expect("one in, one out"))
    }
}

/// A project's feedback (评单).
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackView {
    pub project_id: i64,
    /// 1–5.
    pub rating: i32,
    pub comment: String,
    pub rated_by: Named,
    pub rated_at: DateTime<FixedOffset>,
    pub reply: Option<String>,
    pub replied_by: Option<Named>,
    pub replied_at: Option<DateTime<FixedOffset>>,
    /// Send it back as `If-Match` to change it safely.
    pub version: i32,
}

impl FeedbackView {
    pub async fn one(db: &impl ConnectionTrait, f: project_feedback::Model) -> Result<Self> {
        let users =
            lookup::user_names(db, [Some(f.rated_by), f.replied_by].into_iter().flatten()).await?;
        Ok(Self {
            project_id: f.project_id,
            rating: f.rating,
            comment: f.comment,
            rated_by: named(&users, f.rated_by),
            rated_at: local(f.rated_at),
            reply: f.reply,
            replied_by: f.replied_by.map(|id| named(&users, id)),
            replied_at: f.replied_at.map(local),
            version: f.version,
        })
    }
}

/// One move in a project's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectEventView {
    /// None for the proposal.
    pub from: Option<ProjectStatus>,
    pub to: ProjectStatus,
    pub by: Named,
    pub note: String,
    pub at: DateTime<FixedOffset>,
}

impl ProjectEventView {
    pub async fn many(
        db: &impl ConnectionTrait,
        rows: Vec<project_event::Model>,
    ) -> Result<Vec<Self>> {
        let users = lookup::user_names(db, rows.iter().map(|e| e.actor_id)).await?;
        Ok(rows
            .into_iter()
            .map(|e| Self {
                by: named(&users, e.actor_id),
                from: e.from_status,
                to: e.to_status,
                note: e.note,
                at: local(e.created_at),
            })
            .collect())
    }
}

/// One write in the audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub id: i64,
    pub at: DateTime<FixedOffset>,
    /// None for the system itself (start-up, demo seeding).
    pub actor: Option<Named>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: i64,
    /// The row before and after, as JSON: an object, or for a write of several rows at once
    /// (a project with its resources), an array of them.
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
}

impl AuditView {
    pub async fn many(db: &impl ConnectionTrait, rows: Vec<audit_log::Model>) -> Result<Vec<Self>> {
        let users = lookup::user_names(db, rows.iter().filter_map(|a| a.actor_id)).await?;
        let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        Ok(rows
            .into_iter()
            .map(|a| Self {
                id: a.id,
                at: local(a.created_at),
                actor: a.actor_id.map(|id| named(&users, id)),
                action: a.action,
                entity_type: a.entity_type,
                entity_id: a.entity_id,
                before: json(a.before),
                after: json(a.after),
                request_id: a.request_id,
            })
            .collect())
    }
}

/// One notification of the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: i64,
    /// match, project or review_due.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Where to look (an API path).
    pub link: Option<String>,
    pub need_id: Option<i64>,
    pub resource_id: Option<i64>,
    pub project_id: Option<i64>,
    /// For a match: how well the resource fits the need (0–1).
    pub score: Option<f64>,
    pub created_at: DateTime<FixedOffset>,
    pub read: bool,
    pub read_at: Option<DateTime<FixedOffset>>,
}

impl From<entity::notification::Model> for NotificationView {
    fn from(n: entity::notification::Model) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            link: n.link,
            need_id: n.need_id,
            resource_id: n.resource_id,
            project_id: n.project_id,
            score: n.score,
            created_at: local(n.created_at),
            read: n.read_at.is_some(),
            read_at: n.read_at.map(local),
        }
    }
}

/// An alliance's webhook. The secret is shown only when it is made (or renewed).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: i64,
    pub alliance_id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub description: String,
    pub active: bool,
    /// json (signed JSON), wecom, dingtalk or feishu (a group robot's message).
    pub format: entity::values::WebhookFormat,
    /// The signing key: present only in the answer that created or renewed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Its first characters, to tell keys apart.
    pub secret_hint: String,
    /// A 钉钉 or 飞书 robot's 加签 secret is kept, and each message is signed with it.
    pub robot_signed: bool,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl WebhookView {
    pub fn new(w: entity::webhook::Model, show_secret: bool) -> Self {
        let events = crate::domain::webhooks::events_of(&w);
        Self {
            id: w.id,
            alliance_id: w.alliance_id,
            secret_hint: format!("{}…", w.secret.chars().take(10).collect::<String>()),
            robot_signed: w.robot_secret.is_some(),
            secret: show_secret.then_some(w.secret),
            url: w.url,
            events,
            description: w.description,
            active: w.active,
            format: w.format,
            version: w.version,
            created_at: local(w.created_at),
            updated_at: local(w.updated_at),
        }
    }
}

/// One webhook call and its retries.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    /// pending (waiting or retrying), delivered or failed (given up).
    pub status: DeliveryStatus,
    pub attempts: i32,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<DateTime<FixedOffset>>,
    /// The receiver's HTTP status of the last attempt.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub delivered_at: Option<DateTime<FixedOffset>>,
    /// The JSON body sent.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl From<entity::webhook_delivery::Model> for DeliveryView {
    fn from(d: entity::webhook_delivery::Model) -> Self {
        let pending = d.status == crate::domain::webhooks::DeliveryStatus::Pending;
        Self {
            id: d.id,
            webhook_id: d.webhook_id,
            event: d.event,
            next_attempt_at: pending.then(|| local(d.next_attempt_at)),
            status: d.status,
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            created_at: local(d.created_at),
            delivered_at: d.delivered_at.map(local),
            payload: serde_json::from_str(&d.payload).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// A photo of a project's work (晒单), without its pixels: `url` and `thumb_url` serve them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoView {
    pub id: i64,
    pub project_id: i64,
    pub caption: String,
    /// Of the kept image (at most 1600 px on the longer side).
    pub width: i32,
    pub height: i32,
    pub uploaded_by: Named,
    pub uploaded_at: DateTime<FixedOffset>,
    pub url: String,
    pub thumb_url: String,
}

impl PhotoView {
    /// The views of a project's photos, their addresses under `base` (the API's or the
    /// pages').
    pub async fn many(
        db: &impl ConnectionTrait,
        base: &str,
        rows: Vec<crate::domain::projects::photos::PhotoInfo>,
    ) -> Result<Vec<Self>> {
        let users = lookup::user_names(db, rows.iter().map(|p| p.uploaded_by)).await?;
        Ok(rows
            .into_iter()
            .map(|p| {
                let url = format!("{base}/projects/{}/photos/{}", p.project_id, p.id);
                Self {
                    id: p.id,
                    project_id: p.project_id,
                    caption: p.caption,
                    width: p.width,
                    height: p.height,
                    uploaded_by: named(&users, p.uploaded_by),
                    uploaded_at: local(p.uploaded_at),
                    thumb_url: format!("{url}?size=thumb"),
                    url,
                }
            })
            .collect())
    }
}
