//! Statistics over HTTP, as JSON or as a CSV a coordinator opens in Excel.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Query};
use crate::domain::stats::{self, OrganizationStats, RegionStats, Stats, StatsFilter};
use crate::error::{Error, Result};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(region_stats))
        .routes(routes!(organization_stats))
}

const RESOURCE_STATES: [(&str, &str); 4] = [
    ("available", "可对接资源"),
    ("reserved", "已预留资源"),
    ("exhausted", "已用完资源"),
    ("withdrawn", "已撤回资源"),
];
const NEED_STATES: [(&str, &str); 4] = [
    ("open", "待对接需求"),
    ("matched", "已对接需求"),
    ("fulfilled", "已完成需求"),
    ("closed", "已关闭需求"),
];
const PROJECT_STATES: [(&str, &str); 6] = [
    ("proposed", "拟对接项目"),
    ("approved", "已批准项目"),
    ("rejected", "已驳回项目"),
    ("in_progress", "实施中项目"),
    ("completed", "已完成项目"),
    ("cancelled", "已取消项目"),
];

fn wants_csv(f: &StatsFilter) -> Result<bool> {
    match f.format.as_deref() {
        None | Some("") | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(_) => Err(Error::field("format", "格式须为 json 或 csv")),
    }
}

/// Per region one level down from the city, a district (`district_id`) or a street
/// (`street_id`), plus the region's own level (本级) and the total: resources, needs and
/// projects by status, match rate, median days from need to approval, beneficiaries, ratings.
/// Counts what was posted in `from`–`to` (Asia/Shanghai days) when given. `format=csv` for a
/// spreadsheet.
#[utoipa::path(get, path = "/stats", tag = "stats", params(StatsFilter),
    responses((status = 200, body = Stats), (status = 422, body = Problem)))]
async fn region_stats(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<StatsFilter>,
) -> Result<Response> {
    let csv = wants_csv(&f)?;
    let s = stats::compute(state.read(), &auth.actor, &f).await?;
    if !csv {
        return Ok(axum::Json(s).into_response());
    }
    Ok(region_csv(&s))
}

/// The regions' statistics as a spreadsheet (the API's `format=csv`, and the page's link).
pub(crate) fn region_csv(s: &Stats) -> Response {
    let mut head = vec!["区域".to_owned(), "层级".to_owned()];
    for (_, label) in RESOURCE_STATES
        .iter()
        .chain(&NEED_STATES)
        .chain(&PROJECT_STATES)
    {
        head.push((*label).to_owned());
    }
    head.extend(
        [
            "对接率",
            "需求至批准天数（中位数）",
            "受益人数",
            "平均评分",
            "评价数",
        ]
        .map(String::from),
    );
    let line = |r: &RegionStats, name: String| {
        let level = r.level.label().to_owned();
        let mut cells = vec![name, level];
        for (states, counts) in [
            (&RESOURCE_STATES[..], &r.resources),
            (&NEED_STATES[..], &r.needs),
            (&PROJECT_STATES[..], &r.projects),
        ] {
            for (key, _) in states {
                cells.push(counts.get(*key).copied().unwrap_or(0).to_string());
            }
        }
        cells.push(opt(r.match_rate));
        cells.push(opt(r.median_days_to_approval));
        cells.push(r.beneficiaries.to_string());
        cells.push(opt(r.average_rating));
        cells.push(r.ratings.to_string());
        cells
    };
    let mut rows = vec![head];
    for r in &s.rows {
        let name = if r.own {
            format!("{}（本级）", r.region_name)
        } else {
            r.region_name.clone()
        };
        rows.push(line(r, name));
    }
    rows.push(line(&s.total, format!("{}合计", s.total.region_name)));
    csv_response("统计.csv", rows)
}

/// Per member unit: resources posted, projects using them (approved or later), completed
/// projects, beneficiaries and ratings. `from`/`to` and `format=csv` as for `/stats`.
#[utoipa::path(get, path = "/stats/organizations", tag = "stats", params(StatsFilter),
    responses((status = 200, body = Vec<OrganizationStats>), (status = 422, body = Problem)))]
async fn organization_stats(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<StatsFilter>,
) -> Result<Response> {
    let csv = wants_csv(&f)?;
    let list = stats::organizations(state.read(), &auth.actor, &f).await?;
    if !csv {
        return Ok(axum::Json(list).into_response());
    }
    let mut rows = vec![
        [
            "单位",
            "资源数",
            "项目数",
            "已完成项目",
            "受益人数",
            "平均评分",
            "评价数",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for o in &list {
        rows.push(vec![
            o.name.clone(),
            o.resources.to_string(),
            o.projects.to_string(),
            o.completed.to_string(),
            o.beneficiaries.to_string(),
            opt(o.average_rating),
            o.ratings.to_string(),
        ]);
    }
    Ok(csv_response("单位统计.csv", rows))
}

fn opt(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// The first row is the header.
fn csv_response(filename: &str, mut rows: Vec<Vec<String>>) -> Response {
    let head = rows.remove(0);
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                crate::sheets::attachment(filename),
            ),
        ],
        crate::sheets::write_csv(&head, &rows),
    )
        .into_response()
}
