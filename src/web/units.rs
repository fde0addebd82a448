//! 成员单位: the city's member units. Admins and coordinators list and register them (a
//! coordinator's new unit joins their alliance at once) and add them to alliances; a unit's
//! own users keep its contact details up to date (`/units/mine`).

use askama::Template;
use axum::extract::{Path, RawQuery, State};

use super::forms::{Choice, Filters, Messages, answer_form};
use super::pages::{self, Chrome, PageResult};
use super::session::{Fields, Posted, Visitor};
use crate::api::views::OrganizationView;
use crate::domain::alliances::{self, MemberRole, NewMember};
use crate::domain::organizations::{self, NewOrganization, OrganizationFilter, OrganizationPatch};
use crate::domain::{PageParams, Role, lookup};
use crate::error::{Error, Result};
use crate::state::AppState;
use entity::alliance;

/// What the unit form holds: as typed on a refused post, or the unit as it is.
#[derive(Default)]
pub struct UnitInput {
    pub name: String,
    pub kind: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub address: String,
}

impl UnitInput {
    fn from_fields(f: &Fields) -> UnitInput {
        UnitInput {
            name: f.get("name").to_owned(),
            kind: f.get("kind").to_owned(),
            contact_person: f.get("contact_person").to_owned(),
            contact_phone: f.get("contact_phone").to_owned(),
            address: f.get("address").to_owned(),
        }
    }

    fn of(o: &entity::organization::Model) -> UnitInput {
        UnitInput {
            name: o.name.clone(),
            kind: o.kind.clone(),
            contact_person: o.contact_person.clone(),
            contact_phone: o.contact_phone.clone(),
            address: o.address.clone(),
        }
    }
}

fn some(text: &str) -> Option<String> {
    Some(text.to_owned()).filter(|t| !t.is_empty())
}

/// A unit as a list row shows it.
pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub address: String,
    pub alliances: String,
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    chrome: Chrome,
    /// A coordinator's alliance, when the list shows only its members.
    alliance: Option<String>,
    /// A coordinator's choice between the alliance's members and every unit.
    all: bool,
    coordinator: bool,
    q: String,
    rows: Vec<UnitRow>,
    total: u64,
    prev: Option<String>,
    next: Option<String>,
    input: UnitInput,
    errors: Messages,
}

impl UnitsPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field)
    }
}

fn may_list(v: &Visitor) -> Result<()> {
    if matches!(v.actor.role, Role::Admin | Role::Coordinator) {
        Ok(())
    } else {
        Err(Error::forbidden("只有管理员和协调员可以查看单位名录"))
    }
}

async fn units_page(state: &AppState, v: &Visitor, query: Option<&str>) -> Result<UnitsPage> {
    may_list(v)?;
    let f = Filters::parse(query);
    let db = state.read();
    let all = v.actor.role == Role::Admin || f.get("all") == "1";
    let own = v.actor.alliance_id.filter(|_| !all);
    let filter = OrganizationFilter {
        q: some(f.get("q")),
        kind: None,
        alliance_id: own,
    };
    let params = PageParams {
        page: Some(f.page()),
        per_page: Some(30),
    };
    let found = organizations::list(db, &v.actor, &filter, params).await?;
    let pages = found.total.div_ceil(30).max(1);
    let ids: Vec<i64> = found.items.iter().map(|o| o.id).collect();
    let memberships = alliances::memberships(db, &ids).await?;
    let names = lookup::alliances(db, memberships.iter().map(|m| m.alliance_id)).await?;
    let rows = found
        .items
        .into_iter()
        .map(|o| {
            let of: Vec<&str> = memberships
                .iter()
                .filter(|m| m.organization_id == o.id)
                .filter_map(|m| names.get(&m.alliance_id).map(|a| a.name.as_str()))
                .collect();
            UnitRow {
                id: o.id,
                name: o.name,
                kind: o.kind,
                address: o.address,
                alliances: of.join("、"),
            }
        })
        .collect();
    let alliance = match own {
        Some(a) => lookup::alliances(db, [a]).await?.remove(&a).map(|a| a.name),
        None => None,
    };
    Ok(UnitsPage {
        chrome: Chrome::of(state, v, "/units").await?,
        alliance,
        all,
        coordinator: v.actor.role == Role::Coordinator,
        q: f.get("q").to_owned(),
        rows,
        total: found.total,
        prev: (found.page > 1).then(|| f.with_page(found.page - 1)),
        next: (found.page < pages).then(|| f.with_page(found.page + 1)),
        input: UnitInput::default(),
        errors: Messages::default(),
    })
}

/// The list of units, with a search and the form to register one.
pub async fn list(State(state): State<AppState>, v: Visitor, RawQuery(q): RawQuery) -> PageResult {
    Ok(pages::render(&units_page(&state, &v, q.as_deref()).await?))
}

/// Registers a unit; a coordinator's joins their alliance in the same transaction.
pub async fn create(State(state): State<AppState>, post: Posted) -> PageResult {
    let v = &post.visitor;
    let f = &post.fields;
    let outcome = async {
        may_list(v)?;
        f.acceptable()?;
        let input = NewOrganization {
            name: some(f.get("name")),
            kind: some(f.get("kind")),
            contact_person: some(f.get("contact_person")),
            contact_phone: some(f.get("contact_phone")),
            address: some(f.get("address")),
        };
        let tx = state.db.begin().await?;
        let org = organizations::create(&tx, &v.actor, input).await?;
        if let Some(alliance) = v
            .actor
            .alliance_id
            .filter(|_| v.actor.role == Role::Coordinator)
        {
            let member = NewMember {
                organization_id: org.id,
                role: None,
                joined_on: None,
            };
            alliances::add_member(&tx, &v.actor, alliance, member).await?;
        }
        state.commit(tx).await?;
        Ok(org.id)
    }
    .await;
    answer_form(
        outcome,
        |id| format!("/units/{id}"),
        |problems| async {
            let mut page = units_page(&state, v, None).await?;
            page.input = UnitInput::from_fields(f);
            page.errors = Messages::of(problems, &[]);
            Ok(page)
        },
    )
    .await
}

/// An alliance the unit belongs to, as its page shows it.
pub struct Membership {
    pub alliance: String,
    pub role: &'static str,
    pub joined_on: chrono::NaiveDate,
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    chrome: Chrome,
    unit: OrganizationView,
    memberships: Vec<Membership>,
    /// A coordinator whose alliance the unit has not joined yet: 「加入本联盟」.
    join_own: Option<String>,
    /// An admin's picker of every alliance the unit is not in.
    join_any: Vec<Choice>,
    roles: Vec<Choice>,
    /// The unit's own users and admins keep its details.
    editable: bool,
    /// The visitor reached it from the list of units (not a unit's own user).
    listed: bool,
    input: UnitInput,
    errors: Messages,
    saved: bool,
}

impl UnitPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field)
    }
}

async fn unit_page(state: &AppState, v: &Visitor, id: i64) -> Result<UnitPage> {
    let db = state.read();
    let org = organizations::get(db, v.actor.city_id, id).await?;
    let editable = v.actor.speaks_for(org.id);
    if !editable && !matches!(v.actor.role, Role::Admin | Role::Coordinator) {
        return Err(Error::forbidden("只能查看本单位的信息"));
    }
    let rows = alliances::memberships(db, &[org.id]).await?;
    let names = lookup::alliances(db, rows.iter().map(|m| m.alliance_id)).await?;
    let memberships = rows
        .iter()
        .map(|m| Membership {
            alliance: names
                .get(&m.alliance_id)
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            role: m.role.label(),
            joined_on: m.joined_on,
        })
        .collect();
    let joined = |a: i64| rows.iter().any(|m| m.alliance_id == a);
    let join_own = match v.actor.alliance_id {
        Some(a) if v.actor.role == Role::Coordinator && !joined(a) => {
            lookup::alliances(db, [a]).await?.remove(&a).map(|a| a.name)
        }
        _ => None,
    };
    let join_any = if v.actor.is_admin() {
        let all: Vec<alliance::Model> = alliances::all(db, v.actor.city_id).await?;
        Choice::list(
            all.into_iter()
                .filter(|a| !joined(a.id))
                .map(|a| (a.id.to_string(), a.name)),
            "",
        )
    } else {
        Vec::new()
    };
    let contacts = organizations::contacts_visible(db, &v.actor, &[org.id])
        .await?
        .contains(&org.id);
    Ok(UnitPage {
        chrome: Chrome::of(
            state,
            v,
            if editable && !v.actor.is_admin() {
                "/units/mine"
            } else {
                "/units"
            },
        )
        .await?,
        input: UnitInput::of(&org),
        unit: OrganizationView::new(org, contacts),
        memberships,
        join_own,
        join_any,
        roles: Choice::list(
            MemberRole::ALL
                .iter()
                .map(|r| (r.as_str().to_owned(), r.label().to_owned())),
            MemberRole::Member.as_str(),
        ),
        editable,
        listed: matches!(v.actor.role, Role::Admin | Role::Coordinator),
        errors: Messages::default(),
        saved: false,
    })
}

/// A unit's page: its details, its alliances, and what the visitor may do with it.
pub async fn show(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<i64>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let mut page = unit_page(&state, &v, id).await?;
    page.saved = Filters::parse(q.as_deref()).get("saved") == "1";
    Ok(pages::render(&page))
}

/// 本单位: a member's own unit.
pub async fn mine(v: Visitor) -> PageResult {
    match v.actor.organization_id {
        Some(id) => Ok(pages::see_other(&format!("/units/{id}"))),
        None => Err(Error::NotFound("您的账号没有所属单位".into()).into()),
    }
}

/// Saves the unit's details (its own users, or admins).
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    post: Posted,
) -> PageResult {
    let v = &post.visitor;
    let f = &post.fields;
    let outcome = async {
        f.acceptable()?;
        let patch = OrganizationPatch {
            name: Some(f.get("name").to_owned()),
            kind: Some(f.get("kind").to_owned()),
            contact_person: Some(f.get("contact_person").to_owned()),
            contact_phone: Some(f.get("contact_phone").to_owned()),
            address: Some(f.get("address").to_owned()),
        };
        let tx = state.db.begin().await?;
        organizations::update(&tx, &v.actor, id, patch).await?;
        state.commit(tx).await
    }
    .await;
    answer_form(
        outcome,
        |()| format!("/units/{id}?saved=1"),
        |problems| async {
            let mut page = unit_page(&state, v, id).await?;
            page.input = UnitInput::from_fields(f);
            page.errors = Messages::of(problems, &[]);
            Ok(page)
        },
    )
    .await
}

/// Adds the unit to an alliance: a coordinator to theirs, an admin to the one picked.
pub async fn join(State(state): State<AppState>, Path(id): Path<i64>, post: Posted) -> PageResult {
    let v = &post.visitor;
    let f = &post.fields;
    let outcome = async {
        let alliance = match f.get("alliance_id") {
            "" => v
                .actor
                .alliance_id
                .ok_or_else(|| Error::field("alliance_id", "请选择联盟"))?,
            text => text
                .parse()
                .map_err(|_| Error::field("alliance_id", "请选择联盟"))?,
        };
        let role = match f.get("role") {
            "" => None,
            text => Some(
                MemberRole::parse(text).ok_or_else(|| Error::field("role", "请选择成员身份"))?,
            ),
        };
        let member = NewMember {
            organization_id: id,
            role,
            joined_on: None,
        };
        let tx = state.db.begin().await?;
        alliances::add_member(&tx, &v.actor, alliance, member).await?;
        state.commit(tx).await
    }
    .await;
    super::forms::answer_action(outcome, &format!("/units/{id}"), |m| async move {
        let mut page = unit_page(&state, v, id).await?;
        page.errors = Messages(std::iter::once(("join".to_owned(), m)).collect());
        Ok(page)
    })
    .await
}
