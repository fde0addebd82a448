//! 导入 / 导出: upload a 资源清单 or 需求清单 (a check first, by default), watch the job, read
//! its problems by row and column; blank templates; every list as CSV or XLSX.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::pages::{self, Chrome, ErrorPage, PageResult};
use super::session::{Uploaded, Visitor};
use crate::api::spreadsheets::{export_file, read_sheet, start_import};
use crate::domain::imports::{self, ImportJob};
use crate::domain::spreadsheets::{self, ImportOptions, List};
use crate::domain::{Role, imports::Status};
use crate::error::Error;
use crate::sheets;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "sheets.html")]
struct SheetsPage {
    chrome: Chrome,
    /// What this visitor may import: a unit its resources, a coordinator its needs.
    imports: Option<&'static str>,
    job: Option<JobView>,
    error: Option<String>,
    /// The upload form's "只检查" box starts ticked, unless a clean check was just shown.
    check_first: bool,
}

/// An import job as the page shows it.
struct JobView {
    job: ImportJob,
    running: bool,
    /// A check that found nothing wrong: the file may now be imported.
    clean_check: bool,
}

fn what_to_import(v: &Visitor) -> Option<&'static str> {
    spreadsheets::may_import(&v.actor).ok()?;
    Some(match v.actor.role {
        Role::Member => "资源清单",
        Role::Coordinator => "需求清单",
        _ => "资源清单或需求清单",
    })
}

async fn page(
    state: &AppState,
    v: &Visitor,
    job: Option<ImportJob>,
    error: Option<String>,
) -> Result<SheetsPage, Error> {
    let job = job.map(|job| JobView {
        running: matches!(
            job.status,
            Status::Queued | Status::Checking | Status::Writing
        ),
        clean_check: job.dry_run && job.status == Status::Succeeded,
        job,
    });
    Ok(SheetsPage {
        chrome: Chrome::of(state, v, "/imports").await?,
        imports: what_to_import(v),
        check_first: !job.as_ref().is_some_and(|j| j.clean_check),
        job,
        error,
    })
}

/// The import and export page.
pub async fn show(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(pages::render(&page(&state, &v, None, None).await?))
}

/// An import job's page: it reloads itself every two seconds while the job runs.
pub async fn job(State(state): State<AppState>, v: Visitor, Path(id): Path<i64>) -> PageResult {
    let job = imports::get(state.read(), &v.actor, id).await?;
    Ok(pages::render(&page(&state, &v, Some(job), None).await?))
}

/// Reads the upload form (its CSRF token first), starts the job and shows it.
pub async fn upload(State(state): State<AppState>, up: Uploaded) -> Response {
    let v = &up.visitor;
    let file = up.file("file");
    let file_name = file.and_then(|f| f.name.clone());
    let file = file.map(|f| f.bytes.clone());
    let dry_run = !up.fields.get("dry_run").is_empty();
    let allow_duplicates = !up.fields.get("allow_duplicates").is_empty();
    let unreadable = up.problem.map(|p| p.message("20 MiB"));
    let started = async {
        if let Some(m) = unreadable {
            return Err(Error::field("file", m));
        }
        spreadsheets::may_import(&v.actor)?;
        let file = file.ok_or_else(|| Error::field("file", "请选择要导入的 CSV 或 XLSX 文件"))?;
        let table = read_sheet(file).await?;
        let opts = ImportOptions {
            alliance_id: None,
            dry_run,
            allow_duplicates,
        };
        start_import(state.clone(), v.actor.clone(), table, opts, file_name).await
    }
    .await;
    match started {
        Ok(job) => pages::see_other(&format!("/imports/{}", job.id)),
        Err(e @ (Error::Validation(_) | Error::Unavailable(_))) => {
            let message = ErrorPage::from(e).message;
            match page(&state, v, None, Some(message)).await {
                Ok(p) => pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &p),
                Err(e) => ErrorPage::from(e).into_response(),
            }
        }
        Err(e) => ErrorPage::from(e).into_response(),
    }
}

fn list_of(name: &str) -> Option<List> {
    match name {
        "resources" => Some(List::Resources),
        "needs" => Some(List::Needs),
        "projects" => Some(List::Projects),
        _ => None,
    }
}

/// A blank sheet with the columns an import reads (`/imports/template/needs.csv`).
pub async fn template(_v: Visitor, Path(file): Path<String>) -> PageResult {
    let list = file
        .strip_suffix(".csv")
        .and_then(list_of)
        .filter(|l| *l != List::Projects)
        .ok_or_else(|| Error::NotFound("没有这个模板".into()))?;
    let headers = list.import_headers();
    let name = format!("{}模板.csv", list.sheet_name());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, sheets::attachment(&name)),
        ],
        sheets::write_csv(&headers, &[]),
    )
        .into_response())
}

/// A list as the visitor may see it, in CSV or XLSX (`/exports/needs.xlsx`).
pub async fn export(
    State(state): State<AppState>,
    v: Visitor,
    Path(file): Path<String>,
) -> PageResult {
    let (name, xlsx) = match file.rsplit_once('.') {
        Some((name, "csv")) => (name, false),
        Some((name, "xlsx")) => (name, true),
        _ => return Err(Error::NotFound("没有这个文件".into()).into()),
    };
    let list = list_of(name).ok_or_else(|| Error::NotFound("没有这个清单".into()))?;
    Ok(export_file(&state, &v.actor, list, v.actor.alliance_id, xlsx).await?)
}
