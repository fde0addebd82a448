//! 项目清单, the review queue (待审核, `?status=proposed`) and 项目详情 with the moves the
//! visitor may make (approve, reject, start, complete, cancel) and the timeline.

use askama::Template;
use axum::extract::{Path, RawQuery, State};

use super::forms::{Choice, Filters, Unreadable, answer_action};
use super::pages::{self, Chrome, PageResult};
use super::session::{Posted, Uploaded, Visitor};
use crate::api::photos::PhotoSize;
use crate::api::views::{FeedbackView, OrganizationView, PhotoView, ProjectEventView, ProjectView};
use crate::domain::projects::feedback::{self, Rating, Reply};
use crate::domain::projects::photos;
use crate::domain::projects::{self, ProjectFilter, Status, TransitionRequest};
use crate::domain::{PageParams, lookup};
use crate::error::{Error, Result};
use crate::state::AppState;

/// A project as a list row shows it.
pub struct ProjectRow {
    pub view: ProjectView,
    pub status: &'static str,
    pub units: String,
}

impl ProjectRow {
    pub fn many(views: Vec<ProjectView>) -> Vec<ProjectRow> {
        views
            .into_iter()
            .map(|view| {
                let mut units: Vec<&str> = view
                    .resources
                    .iter()
                    .map(|r| r.organization.name.as_str())
                    .collect();
                units.dedup();
                ProjectRow {
                    status: view.status.label(),
                    units: units.join("、"),
                    view,
                }
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ProjectsPage {
    chrome: Chrome,
    heading: &'static str,
    rows: Vec<ProjectRow>,
    total: u64,
    statuses: Vec<Choice>,
    prev: Option<String>,
    next: Option<String>,
}

/// 项目清单 (a coordinator's: their alliance's), or with `status=proposed` the review queue.
pub async fn list(State(state): State<AppState>, v: Visitor, RawQuery(q): RawQuery) -> PageResult {
    let f = Filters::parse(q.as_deref());
    let status = Status::parse(f.get("status"));
    let filter = ProjectFilter {
        alliance_id: v.actor.alliance_id,
        need_id: None,
        status,
    };
    let params = PageParams {
        page: Some(f.page()),
        per_page: Some(20),
    };
    let db = state.read();
    let mut found = projects::list(db, &v.actor, &filter, params).await?;
    let views = ProjectView::many(db, &v.actor, std::mem::take(&mut found.items)).await?;
    let pages = found.total.div_ceil(20).max(1);
    let queue = status == Some(Status::Proposed);
    let here = if queue && v.actor.role == crate::domain::Role::Reviewer {
        "/projects?status=proposed"
    } else {
        "/projects"
    };
    let page = ProjectsPage {
        chrome: Chrome::of(&state, &v, here).await?,
        heading: if queue {
            "待审核项目"
        } else {
            "项目清单"
        },
        rows: ProjectRow::many(views),
        total: found.total,
        statuses: Choice::list(
            Status::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), s.label().to_owned())),
            f.get("status"),
        ),
        prev: (found.page > 1).then(|| f.with_page(found.page - 1)),
        next: (found.page < pages).then(|| f.with_page(found.page + 1)),
    };
    Ok(pages::render(&page))
}

/// A move the visitor may make, as a button, and what it asks for.
pub struct Move {
    pub to: &'static str,
    pub label: &'static str,
    /// Rejecting or cancelling needs a reason.
    pub needs_note: bool,
    /// Completing needs the outcome and the number served.
    pub completes: bool,
    pub danger: bool,
}

fn moves(next: &[Status]) -> Vec<Move> {
    next.iter()
        .map(|s| {
            let (label, danger) = match s {
                Status::Approved => ("批准", false),
                Status::Rejected => ("驳回", true),
                Status::InProgress => ("开始实施", false),
                Status::Completed => ("完成", false),
                Status::Cancelled => ("取消项目", true),
                Status::Proposed => ("退回拟对接", true),
            };
            Move {
                to: s.as_str(),
                label,
                needs_note: matches!(s, Status::Rejected | Status::Cancelled),
                completes: *s == Status::Completed,
                danger,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    chrome: Chrome,
    project: ProjectRow,
    units: Vec<OrganizationView>,
    moves: Vec<Move>,
    timeline: Vec<(ProjectEventView, &'static str)>,
    error: Option<String>,
    /// 评单: the need's coordinator's rating of a completed project, and the unit's reply.
    feedback: Option<FeedbackView>,
    can_rate: bool,
    can_reply: bool,
    /// 晒单: the photos of the work, and whether this visitor may add some now.
    photos: Vec<PhotoCard>,
    can_add_photos: bool,
    photo_error: Option<String>,
    /// The caption of a refused upload, kept in its field.
    caption: String,
}

/// A photo as the project page shows it.
pub struct PhotoCard {
    pub view: PhotoView,
    /// Its text for a screen reader: the caption, or who took it when.
    pub alt: String,
    /// The thumbnail's size, so the page does not jump as thumbnails arrive.
    pub thumb_width: i32,
    pub thumb_height: i32,
    pub removable: bool,
}

/// What the page says after a refused post: beside the moves, or beside the photo upload.
#[derive(Default)]
struct Said {
    error: Option<String>,
    photo_error: Option<String>,
    caption: String,
}

async fn project_page(state: &AppState, v: &Visitor, id: i64, said: Said) -> Result<ProjectPage> {
    let db = state.read();
    let row = projects::get(db, v.actor.city_id, id).await?;
    let view = ProjectView::one(db, &v.actor, row).await?;
    // One query for the project's units, however many resources it joins.
    let units = lookup::organizations(db, view.resources.iter().map(|r| r.organization.id)).await?;
    let events = projects::timeline(db, v.actor.city_id, id).await?;
    let timeline = ProjectEventView::many(db, events)
        .await?
        .into_iter()
        .map(|e| {
            let label = e.to.label();
            (e, label)
        })
        .collect();
    let feedback = match feedback::get(db, v.actor.city_id, id).await? {
        Some(f) => Some(FeedbackView::one(db, f).await?),
        None => None,
    };
    let completed = view.status == Status::Completed;
    let owners: Vec<i64> = view.resources.iter().map(|r| r.organization.id).collect();
    let owns = owners.iter().any(|o| v.actor.speaks_for(*o));
    let infos = photos::of_project(db, id).await?;
    let removable: Vec<bool> = infos
        .iter()
        .map(|p| photos::may_remove(&v.actor, view.alliance_id, p))
        .collect();
    let photos = PhotoView::many(db, "", infos)
        .await?
        .into_iter()
        .zip(removable)
        .enumerate()
        .map(|(i, (view, removable))| PhotoCard::new(i, view, removable))
        .collect();
    let can_add_photos =
        photos::takes_photos(view.status) && photos::may_add(&v.actor, view.alliance_id, &owners);
    Ok(ProjectPage {
        photos,
        can_add_photos,
        photo_error: said.photo_error,
        caption: said.caption,
        chrome: Chrome::of(state, v, "/projects").await?,
        can_rate: completed && feedback.is_none() && v.actor.coordinates(view.alliance_id),
        can_reply: feedback.as_ref().is_some_and(|f| f.reply.is_none()) && owns,
        feedback,
        moves: moves(&view.next),
        project: ProjectRow::many(vec![view]).pop().expect("one in, one out"),
        units: OrganizationView::many(db, &v.actor, units).await?,
        timeline,
        error: said.error,
    })
}

impl PhotoCard {
    fn new(i: usize, view: PhotoView, removable: bool) -> PhotoCard {
        let alt = if view.caption.is_empty() {
            format!(
                "第 {} 张照片，{} 上传于 {}",
                i + 1,
                view.uploaded_by.name,
                view.uploaded_at.format("%Y-%m-%d")
            )
        } else {
            view.caption.clone()
        };
        let side = crate::images::THUMB_SIDE as i32;
        let longer = view.width.max(view.height).max(1);
        let scale = |x: i32| {
            if longer <= side {
                x
            } else {
                (x * side + longer / 2) / longer
            }
        };
        PhotoCard {
            alt,
            thumb_width: scale(view.width).max(1),
            thumb_height: scale(view.height).max(1),
            removable,
            view,
        }
    }
}

/// 项目详情.
pub async fn show(State(state): State<AppState>, v: Visitor, Path(id): Path<i64>) -> PageResult {
    let page = project_page(&state, &v, id, Said::default()).await?;
    Ok(pages::render(&page))
}

/// Moves a project (the version the page showed is sent back, so a move made meanwhile by
/// someone else is refused rather than overridden).
pub async fn transition(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    post: Posted,
) -> PageResult {
    let v = &post.visitor;
    let f = &post.fields;
    let outcome = async {
        f.acceptable()?;
        let mut u = Unreadable::default();
        let beneficiaries = u.number("beneficiaries", f.get("beneficiaries"), "受益人数须为整数");
        u.finish()?;
        let input = TransitionRequest {
            to: Status::parse(f.get("to")),
            note: Some(f.get("note").to_owned()).filter(|t| !t.is_empty()),
            outcome: Some(f.get("outcome").to_owned()).filter(|t| !t.is_empty()),
            beneficiaries,
        };
        let version = f.get("version").parse().ok();
        let tx = state.db.begin().await?;
        let p = projects::transition(&tx, &v.actor, id, version, input).await?;
        state.commit(tx).await?;
        Ok::<_, Error>(p)
    }
    .await;
    after_post(&state, v, id, outcome.map(|_| ())).await
}

/// The answer to a post on a project's page: back to it, or it again with the reason.
async fn after_post(state: &AppState, v: &Visitor, id: i64, outcome: Result<()>) -> PageResult {
    let back = format!("/projects/{id}");
    answer_action(outcome, &back, |m| {
        let said = Said {
            error: Some(m),
            ..Said::default()
        };
        project_page(state, v, id, said)
    })
    .await
}

/// 评单: the need's coordinator rates a completed project (1–5, with a comment).
pub async fn rate(State(state): State<AppState>, Path(id): Path<i64>, post: Posted) -> PageResult {
    let v = &post.visitor;
    let f = &post.fields;
    let outcome = async {
        f.acceptable()?;
        let mut u = Unreadable::default();
        let rating = u.number("rating", f.get("rating"), "请打分");
        u.finish()?;
        let input = Rating {
            rating,
            comment: Some(f.get("comment").to_owned()).filter(|t| !t.is_empty()),
        };
        let tx = state.db.begin().await?;
        feedback::rate(&tx, &v.actor, id, None, input).await?;
        state.commit(tx).await
    }
    .await;
    after_post(&state, v, id, outcome).await
}

/// The unit's reply to the rating.
pub async fn reply(State(state): State<AppState>, Path(id): Path<i64>, post: Posted) -> PageResult {
    let v = &post.visitor;
    let f = &post.fields;
    let outcome = async {
        f.acceptable()?;
        let input = Reply {
            reply: Some(f.get("reply").to_owned()).filter(|t| !t.is_empty()),
        };
        let tx = state.db.begin().await?;
        feedback::reply(&tx, &v.actor, id, None, input).await?;
        state.commit(tx).await
    }
    .await;
    after_post(&state, v, id, outcome).await
}

/// 晒单: adds the chosen photos (all of them, or none with the reason beside the form).
pub async fn add_photos(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    up: Uploaded,
) -> PageResult {
    let v = &up.visitor;
    let caption = up.fields.get("caption").to_owned();
    let outcome = async {
        if let Some(p) = up.problem {
            return Err(Error::field("photo", p.message("40 MB，请分几次上传")));
        }
        let files = up
            .files
            .iter()
            .filter(|f| f.field == "photo")
            .map(|f| f.bytes.clone())
            .collect();
        crate::api::photos::save(&state, &v.actor, id, files, Some(&caption)).await
    }
    .await;
    match outcome {
        Ok(_) => Ok(pages::see_other(&format!("/projects/{id}#photos"))),
        Err(e @ (Error::Validation(_) | Error::Conflict(_))) => {
            let said = Said {
                photo_error: Some(pages::ErrorPage::from(e).message),
                caption,
                ..Said::default()
            };
            let page = project_page(&state, v, id, said).await?;
            Ok(pages::render_with(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                &page,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// A photo or its thumbnail (`?size=thumb`), for everyone who may read the project.
pub async fn photo(
    State(state): State<AppState>,
    v: Visitor,
    Path((id, photo_id)): Path<(i64, i64)>,
    axum::extract::Query(q): axum::extract::Query<PhotoSize>,
    headers: axum::http::HeaderMap,
) -> PageResult {
    Ok(crate::api::photos::serve(&state, v.actor.city_id, id, photo_id, &q, &headers).await?)
}

/// Removes a photo (its uploader or the alliance's coordinators).
pub async fn remove_photo(
    State(state): State<AppState>,
    Path((id, photo_id)): Path<(i64, i64)>,
    post: Posted,
) -> PageResult {
    let v = &post.visitor;
    let outcome = async {
        let tx = state.db.begin().await?;
        photos::remove(&tx, &v.actor, id, photo_id).await?;
        state.commit(tx).await
    }
    .await;
    outcome?;
    Ok(pages::see_other(&format!("/projects/{id}#photos")))
}
