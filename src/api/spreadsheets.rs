//! Spreadsheets over HTTP: import a 资源清单 or 需求清单 (CSV or XLSX, dry run first), export
//! any list as CSV or XLSX with the same headers.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Path, Query};
use crate::domain::imports::{self, ImportJob};
use crate::domain::spreadsheets::{self, ImportOptions, List};
use crate::error::{Error, Result};
use crate::sheets;
use crate::state::AppState;

/// Spreadsheets are bigger than JSON bodies: up to 20 MiB (about 100,000 rows).
pub(crate) const MAX_FILE: usize = 20 * 1024 * 1024;

/// One sheet is parsed at a time: a parse may hold a hundred MiB and a core for seconds, and
/// two at once would only share the same core and double the memory.
static PARSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_list))
        .layer(DefaultBodyLimit::max(MAX_FILE))
        .routes(routes!(import_job))
        .routes(routes!(export_list))
}

/// The multipart form of an import.
#[derive(ToSchema)]
#[allow(dead_code)]
struct ImportForm {
    /// The CSV (UTF-8, with or without BOM, or GBK) or XLSX file; the first sheet is read.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The alliance needs are posted to (coordinators: theirs by default); for resources, the
    /// units must be its members.
    alliance_id: Option<i64>,
    /// `true` to check every row and write nothing.
    dry_run: Option<bool>,
    /// `true` to import rows nearly the same as open entries anyway.
    allow_duplicates: Option<bool>,
}

/// Import a 资源清单 or 需求清单 (told apart by the headers: 所属单位/服务范围 or 所属社区).
/// The file is read at once (an unreadable file, unknown headers or an alliance the user may
/// not post to answer 422 or 403 here); its rows are then checked and written by a job, which
/// this answers with (202, `Location: /api/v1/imports/{id}`). Every row is checked as
/// `POST /resources` or `POST /needs` checks one entry; every problem is reported by row and
/// column, and nothing is written unless every row is good.
#[utoipa::path(post, path = "/imports", tag = "spreadsheets",
    request_body(content = ImportForm, content_type = "multipart/form-data"),
    responses((status = 202, body = ImportJob), (status = 403, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)))]
async fn import_list(
    State(state): State<AppState>,
    auth: Auth,
    form: std::result::Result<Multipart, MultipartRejection>,
) -> Result<Response> {
    let mut form = form.map_err(|_| {
        Error::BadRequest(
            "请以 multipart/form-data 表单上传文件（请求缺少表单或其分隔符 boundary）".into(),
        )
    })?;
    if let Err(refused) = spreadsheets::may_import(&auth.actor) {
        // Never parsed; only drained (within the body limit), so the client, still sending,
        // reads the refusal instead of a broken connection.
        while let Ok(Some(mut field)) = form.next_field().await {
            while let Ok(Some(_)) = field.chunk().await {}
        }
        return Err(refused);
    }
    let bad = |e| super::extract::unreadable_form(e, "文件不能超过 20 MiB");
    let (mut file, mut alliance_id, mut file_name) = (None, None, None);
    let (mut dry_run, mut allow_duplicates) = (false, false);
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "file" => {
                file_name = field.file_name().map(str::to_owned);
                file = Some(field.bytes().await.map_err(bad)?);
            }
            "alliance_id" => {
                let text = field.text().await.map_err(bad)?;
                alliance_id = Some(
                    text.trim()
                        .parse::<i64>()
                        .map_err(|_| Error::field("alliance_id", "联盟编号须为整数"))?,
                );
            }
            name @ ("dry_run" | "allow_duplicates") => {
                let name = name.to_owned();
                let text = field.text().await.map_err(bad)?;
                let flag = match text.trim() {
                    "true" | "1" | "yes" => true,
                    "false" | "0" | "no" | "" => false,
                    _ => return Err(Error::field(&name, "须为 true 或 false")),
                };
                if name == "dry_run" {
                    dry_run = flag;
                } else {
                    allow_duplicates = flag;
                }
            }
            other => {
                return Err(Error::field(
                    other,
                    "未知的表单字段（只接受 file、alliance_id、dry_run、allow_duplicates）",
                ));
            }
        }
    }
    let file = file.ok_or_else(|| Error::field("file", "请上传 CSV 或 XLSX 文件"))?;
    let table = read_sheet(file).await?;
    let opts = ImportOptions {
        alliance_id,
        dry_run,
        allow_duplicates,
    };
    let job = start_import(state, auth.actor, table, opts, file_name).await?;
    let id = job.id;
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, format!("/api/v1/imports/{id}"))],
        axum::Json(job),
    )
        .into_response())
}

/// Records an import job for a sheet already read and runs it in the background (the API's
/// import and the import page both start one here).
pub(crate) async fn start_import(
    state: AppState,
    actor: crate::domain::Actor,
    table: sheets::Table,
    opts: ImportOptions,
    file_name: Option<String>,
) -> Result<ImportJob> {
    let job = imports::start(&state.db, &actor, &table, &opts, file_name).await?;
    let id = job.id;
    tokio::spawn(async move {
        let published = || state.written();
        if let Err(e) =
            imports::run(&state.db, &actor, id, &table, &opts, &|_, _| {}, &published).await
        {
            tracing::error!(job = id, error = ?e, "import job could not record its end");
        }
    });
    Ok(job)
}

/// An import job: where it is (queued, checking, writing, done), how many rows it has gone
/// through, and at the end every row problem or how many entries it wrote. Its owner and
/// admins may read it.
#[utoipa::path(get, path = "/imports/{id}", tag = "spreadsheets",
    params(("id" = i64, Path)),
    responses((status = 200, body = ImportJob), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn import_job(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<axum::Json<ImportJob>> {
    Ok(axum::Json(
        imports::get(state.read(), &auth.actor, id).await?,
    ))
}

/// Parses an uploaded sheet off the async workers, one at a time, within the limits of
/// [`sheets::Limits`]; its deadline runs from when the parse starts, and the parse checks it
/// itself, so a slow file stops working instead of running on after its request is gone.
pub(crate) async fn read_sheet(file: axum::body::Bytes) -> Result<sheets::Table> {
    let turn = tokio::time::timeout(sheets::READ_TIME, PARSING.acquire())
        .await
        .map_err(|_| Error::Unavailable("另一份表格正在读取，请稍后再试".into()))?
        .expect("the semaphore is never closed");
    let table = tokio::task::spawn_blocking(move || {
        let _turn = turn;
        sheets::read_within(&file, &sheets::Limits::standard())
    })
    .await
    .map_err(|e| Error::Internal(e.into()))?;
    table.map_err(|m| Error::field("file", m))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportParams {
    /// `csv` (default; UTF-8 with BOM) or `xlsx`.
    format: Option<String>,
    /// Only this alliance's list: resources of its member units, its needs, its projects.
    alliance_id: Option<i64>,
}

/// Export a list (`resources`, `needs` or `projects`) with the headers the import reads, so
/// an exported 资源清单 or 需求清单 imports back unchanged (状态 is shown, not imported).
#[utoipa::path(get, path = "/exports/{list}", tag = "spreadsheets",
    params(("list" = List, Path), ExportParams),
    responses((status = 200, description = "the file", content_type = "text/csv"), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn export_list(
    State(state): State<AppState>,
    auth: Auth,
    Path(list): Path<List>,
    Query(p): Query<ExportParams>,
) -> Result<Response> {
    let xlsx = match p.format.as_deref() {
        None | Some("") | Some("csv") => false,
        Some("xlsx") => true,
        Some(_) => return Err(Error::field("format", "格式须为 csv 或 xlsx")),
    };
    export_file(&state, &auth.actor, list, p.alliance_id, xlsx).await
}

/// A list as a CSV or XLSX download (the API's export and the pages' export buttons).
pub(crate) async fn export_file(
    state: &AppState,
    actor: &crate::domain::Actor,
    list: List,
    alliance_id: Option<i64>,
    xlsx: bool,
) -> Result<Response> {
    let (headers, rows) = spreadsheets::export(state.read(), actor, list, alliance_id).await?;
    let name = list.sheet_name();
    let (bytes, content_type, ext) = if xlsx {
        (
            sheets::write_xlsx(name, headers, &rows)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        (
            sheets::write_csv(headers, &rows),
            "text/csv; charset=utf-8",
            "csv",
        )
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                sheets::attachment(&format!("{name}.{ext}")),
            ),
        ],
        bytes,
    )
        .into_response())
}
