//! 统计: per district, street or community, the three lists, the match rate, beneficiaries
//! and ratings, with a bar chart drawn on the server as SVG (the numbers are in the table
//! beside it, so the chart adds a picture and hides nothing) and the same rows as CSV.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::IntoResponse;

use super::forms::Filters;
use super::pages::{self, Chrome, PageResult};
use super::session::Visitor;
use crate::domain::regions::Level;
use crate::domain::stats::{self, RegionStats, Stats, StatsFilter};
use crate::error::Result;
use crate::state::AppState;

/// One row of the table and its bar in the chart.
pub struct Row {
    pub name: String,
    /// The page one level down, for a district or street.
    pub href: Option<String>,
    pub resources: u64,
    pub needs: u64,
    /// Needs matched or fulfilled.
    pub met: u64,
    pub match_rate: String,
    pub completed: u64,
    pub beneficiaries: i64,
    pub rating: String,
    /// The bar: its top, and the widths of all needs and of the met ones (in chart units).
    pub y: u32,
    pub needs_w: u32,
    pub met_w: u32,
}

/// Chart geometry: a label column, then the bars.
const LABEL_W: u32 = 150;
const BAR_W: u32 = 380;
const ROW_H: u32 = 28;

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    chrome: Chrome,
    title: String,
    /// Back up one level.
    up: Option<(String, String)>,
    rows: Vec<Row>,
    total: Row,
    chart_h: u32,
    label_w: u32,
    bar_x: u32,
    csv: String,
    from: String,
    to: String,
}

fn count(map: &std::collections::BTreeMap<String, u64>, keys: &[&str]) -> u64 {
    keys.iter().map(|k| map.get(*k).copied().unwrap_or(0)).sum()
}

fn row(r: &RegionStats, name: String, href: Option<String>, y: u32, widest: u64) -> Row {
    let needs: u64 = r.needs.values().sum();
    let met = count(&r.needs, &["matched", "fulfilled"]);
    let scale = |n: u64| (n * u64::from(BAR_W) / widest.max(1)) as u32;
    Row {
        name,
        href,
        resources: r.resources.values().sum(),
        needs,
        met,
        match_rate: r
            .match_rate
            .map_or("—".into(), |m| format!("{:.0}%", m * 100.0)),
        completed: count(&r.projects, &["completed"]),
        beneficiaries: r.beneficiaries,
        rating: r.average_rating.map_or("—".into(), |a| format!("{a:.1}")),
        y,
        needs_w: scale(needs),
        met_w: scale(met),
    }
}

fn filter_of(f: &Filters) -> StatsFilter {
    StatsFilter {
        district_id: f.get("district_id").parse().ok(),
        street_id: f.get("street_id").parse().ok(),
        from: chrono::NaiveDate::parse_from_str(f.get("from"), "%Y-%m-%d").ok(),
        to: chrono::NaiveDate::parse_from_str(f.get("to"), "%Y-%m-%d").ok(),
        format: None,
    }
}

async fn compute(state: &AppState, v: &Visitor, f: &Filters) -> Result<(StatsFilter, Stats)> {
    let filter = filter_of(f);
    let s = stats::compute(state.read(), &v.actor, &filter).await?;
    Ok((filter, s))
}

pub async fn show(State(state): State<AppState>, v: Visitor, RawQuery(q): RawQuery) -> PageResult {
    let f = Filters::parse(q.as_deref());
    let (filter, s) = compute(&state, &v, &f).await?;
    let widest = s
        .rows
        .iter()
        .map(|r| r.needs.values().sum::<u64>())
        .max()
        .unwrap_or(0);
    let period = |s: &mut String| {
        for key in ["from", "to"] {
            if !f.get(key).is_empty() {
                s.push_str(&format!("&{key}={}", f.get(key)));
            }
        }
    };
    let rows: Vec<Row> = s
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (name, href) = if r.own {
                (format!("{}（本级）", r.region_name), None)
            } else {
                let down = match r.level {
                    Level::District => Some(format!("/stats?district_id={}", r.region_id)),
                    Level::Street => Some(format!("/stats?street_id={}", r.region_id)),
                    _ => None,
                };
                let down = down.map(|mut d| {
                    period(&mut d);
                    d
                });
                (r.region_name.clone(), down)
            };
            row(r, name, href, i as u32 * ROW_H, widest)
        })
        .collect();
    let below_city = filter.street_id.is_some() || filter.district_id.is_some();
    let up = below_city.then(|| ("返回全市".to_owned(), "/stats".to_owned()));
    let csv = q.map_or("/stats.csv".to_owned(), |q| format!("/stats.csv?{q}"));
    let page = StatsPage {
        chrome: Chrome::of(&state, &v, "/stats").await?,
        title: format!("{} 统计", s.region_name),
        up,
        chart_h: rows.len() as u32 * ROW_H + 4,
        label_w: LABEL_W,
        bar_x: LABEL_W + 6,
        total: row(
            &s.total,
            format!("{}合计", s.total.region_name),
            None,
            0,
            widest,
        ),
        rows,
        csv,
        from: f.get("from").to_owned(),
        to: f.get("to").to_owned(),
    };
    Ok(pages::render(&page))
}

/// The same rows as a spreadsheet.
pub async fn csv(State(state): State<AppState>, v: Visitor, RawQuery(q): RawQuery) -> PageResult {
    let f = Filters::parse(q.as_deref());
    let (_, s) = compute(&state, &v, &f).await?;
    Ok(crate::api::stats::region_csv(&s).into_response())
}
