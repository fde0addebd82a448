//! 资源清单, 需求清单 and 项目清单 in and out of spreadsheets, with the Chinese headers a
//! coordinator writes. An import checks every row exactly as the API checks one entry (the
//! same create functions, in one transaction) and reports every problem by row and column;
//! the caller keeps the rows only when there is none. An export writes the same headers, so it
//! imports back unchanged.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::imports::Insert;
use super::needs::{self, NewNeed, Urgency};
use super::regions::{self, Level, RegionRef};
use super::resources::{self, NewResource};
use super::validation::{TAG_SEPARATORS, text_problem};
use super::{Actor, alliances, lookup, projects};
use crate::error::{Error, Result};
use crate::sheets::Table;
use entity::{alliance, need, organization, project, region, resource};

pub const RESOURCE_HEADERS: [&str; 10] = [
    "标题",
    "描述",
    "类别",
    "标签",
    "数量",
    "服务范围",
    "所属单位",
    "开始日期",
    "结束日期",
    "状态",
];
pub const NEED_HEADERS: [&str; 9] = [
    "标题",
    "描述",
    "类别",
    "标签",
    "数量",
    "所属社区",
    "紧急程度",
    "需要日期",
    "状态",
];
pub const PROJECT_HEADERS: [&str; 11] = [
    "项目名称",
    "需求",
    "资源",
    "提供单位",
    "状态",
    "提出时间",
    "批准时间",
    "完成时间",
    "受益人数",
    "成效",
    "评分",
];

/// Columns an export writes for reading that an import does not take (new entries start as
/// 可对接 / 待对接).
const READ_ONLY: [&str; 1] = ["状态"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum List {
    Resources,
    Needs,
    Projects,
}

impl List {
    /// Which list a header row is: 所属单位 or 服务范围 make it resources, 所属社区 or 紧急程度
    /// needs.
    pub fn detect(headers: &[String]) -> Option<Self> {
        let has = |h: &str| headers.iter().any(|x| x == h);
        if has("所属单位") || has("服务范围") {
            Some(List::Resources)
        } else if has("所属社区") || has("紧急程度") || has("需要日期") {
            Some(List::Needs)
        } else {
            None
        }
    }

    pub fn sheet_name(self) -> &'static str {
        match self {
            List::Resources => "资源清单",
            List::Needs => "需求清单",
            List::Projects => "项目清单",
        }
    }

    /// The columns an import reads, in order: the headers of a blank template.
    pub fn import_headers(self) -> Vec<&'static str> {
        self.headers()
            .iter()
            .copied()
            .filter(|h| !READ_ONLY.contains(h))
            .collect()
    }

    fn headers(self) -> &'static [&'static str] {
        match self {
            List::Resources => &RESOURCE_HEADERS,
            List::Needs => &NEED_HEADERS,
            List::Projects => &PROJECT_HEADERS,
        }
    }
}

/// One bad cell (or a bad row, or the header row: row 1).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RowProblem {
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub list: List,
    /// Data rows read (blank rows left out).
    pub rows: usize,
    pub dry_run: bool,
    /// Rows without a problem.
    pub valid: usize,
    /// Entries written: 0 on a dry run or when any row has a problem.
    pub created: usize,
    /// Every problem, by row and column; any problem means nothing was written.
    pub problems: Vec<RowProblem>,
    /// Columns the import does not read (kept in the file, not in the lists).
    pub ignored_columns: Vec<String>,
}

/// Names in a sheet resolved against the city: units, regions, the alliance's communities.
struct Names {
    units: HashMap<String, Vec<organization::Model>>,
    regions: HashMap<String, Vec<region::Model>>,
    /// Each region's parent, to walk up to a district.
    parents: HashMap<i64, (Option<i64>, Level)>,
    /// Each region's name, to read paths.
    names: HashMap<i64, String>,
    city: region::Model,
}

impl Names {
    async fn load(db: &impl ConnectionTrait, city_id: i64) -> Result<Self> {
        let mut units: HashMap<String, Vec<organization::Model>> = HashMap::new();
        for o in organization::Entity::find()
            .filter(organization::Column::CityId.eq(city_id))
            .all(db)
            .await?
        {
            units.entry(o.name.clone()).or_default().push(o);
        }
        let mut by_name: HashMap<String, Vec<region::Model>> = HashMap::new();
        let mut parents = HashMap::new();
        let mut names = HashMap::new();
        let mut city = None;
        for r in region::Entity::find().all(db).await? {
            if regions::city_of(&r) != city_id {
                continue;
            }
            if r.level == Level::City {
                city = Some(r.clone());
            }
            parents.insert(r.id, (r.parent_id, r.level));
            names.insert(r.id, r.name.clone());
            by_name.entry(r.name.clone()).or_default().push(r);
        }
        Ok(Names {
            units,
            regions: by_name,
            parents,
            names,
            city: city.ok_or_else(|| Error::not_found("城市"))?,
        })
    }

    /// 服务范围: 全市 (or the city's name), or the name of a district, street or community, or
    /// its path (五华区/华山街道/新村社区, as exports write names several regions share); a
    /// bare name several regions share is narrowed to those in the alliance's district.
    fn scope(
        &self,
        text: &str,
        near: Option<&region::Model>,
    ) -> std::result::Result<(Level, Option<i64>), String> {
        if text == "全市" || text == self.city.name {
            return Ok((Level::City, None));
        }
        let name = text.rsplit(['/', '／']).next().unwrap_or_default().trim();
        let mut found = self.named(text);
        if found.len() > 1
            && let Some(n) = near
        {
            let district = self.district_of(n);
            found.retain(|r| self.district_of(r) == district);
        }
        match found.as_slice() {
            [] => Err(format!(
                "找不到名为「{text}」的区县、街道或社区（全市范围请写“全市”）"
            )),
            [r] => Ok((r.level, Some(r.id))),
            _ => Err(format!(
                "「{text}」对应多个区域，请写出上级区域，如“区县/街道/{name}”"
            )),
        }
    }

    /// The regions a cell names: a bare name, or a path (五华区/华山街道/新村社区) as exports
    /// write names several regions share.
    fn named(&self, text: &str) -> Vec<&region::Model> {
        let mut path: Vec<&str> = text.split(['/', '／']).map(str::trim).collect();
        let name = path.pop().unwrap_or_default();
        self.regions
            .get(name)
            .into_iter()
            .flatten()
            .filter(|r| self.under(r.id, &path))
            .collect()
    }

    /// Whether the region's ancestors, nearest last, end with `path` (names).
    fn under(&self, id: i64, path: &[&str]) -> bool {
        let mut at = id;
        for want in path.iter().rev() {
            let Some(parent) = self.parents.get(&at).and_then(|(p, _)| *p) else {
                return false;
            };
            if self.names.get(&parent).map(String::as_str) != Some(*want) {
                return false;
            }
            at = parent;
        }
        true
    }

    fn district_of(&self, r: &region::Model) -> Option<i64> {
        let mut at = r.id;
        loop {
            let (parent, level) = self.parents.get(&at)?;
            if *level == Level::District {
                return Some(at);
            }
            at = (*parent)?;
        }
    }
}

/// What an import needs to know besides the file.
pub struct ImportOptions {
    /// Needs are posted to this alliance (coordinators: their own by default); resources, when
    /// given, must belong to its member units.
    pub alliance_id: Option<i64>,
    pub dry_run: bool,
    /// Import rows nearly the same as open entries (or as earlier rows) anyway.
    pub allow_duplicates: bool,
}

/// Imports a sheet into `db`, which must be a transaction: every row is created as the API
/// would create it, and the caller commits only when the report has no problem and this is
/// not a dry run (otherwise it drops the transaction, and nothing is kept). `progress` is told
/// how many rows are done.
/// Whether `actor` may import a list at all: reviewers may not (members import their unit's
/// resources, coordinators their alliance's needs). Asked before a file is even read, so an
/// upload nobody may import costs nothing to parse.
pub fn may_import(actor: &Actor) -> Result<()> {
    if actor.role == super::Role::Reviewer {
        return Err(Error::forbidden(
            "审核员不能导入清单：资源清单由成员单位导入，需求清单由协调员导入",
        ));
    }
    Ok(())
}

/// A row that passed every check, with its row number, ready to be written.
pub enum Checked {
    Resource(usize, NewResource),
    Need(usize, NewNeed),
}

impl Checked {
    pub fn row(&self) -> usize {
        match self {
            Checked::Resource(row, _) | Checked::Need(row, _) => *row,
        }
    }

    /// The row once it was compared with the open entries and the earlier rows: writing it
    /// does not look for duplicates again.
    fn duplicates_checked(mut self) -> Self {
        match &mut self {
            Checked::Resource(_, input) => input.allow_duplicate = true,
            Checked::Need(_, input) => input.allow_duplicate = true,
        }
        self
    }

    /// Runs the row through the create function of its list, as `POST /resources` or
    /// `POST /needs` would; `insert` says whether (and how) it is written.
    pub(crate) async fn create(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        known: &mut super::duplicates::Known,
        insert: Insert,
    ) -> Result<()> {
        match self {
            Checked::Resource(_, input) => {
                resources::create_unindexed(db, actor, known, input.clone(), insert)
                    .await
                    .map(drop)
            }
            Checked::Need(_, input) => {
                needs::create_unindexed(db, actor, known, input.clone(), insert)
                    .await
                    .map(drop)
            }
        }
    }
}

/// What can be refused before any row is read: which list the headers are, the alliance, and
/// whether the actor may post needs to it. Asked when a sheet is uploaded, so these answer at
/// once (422, 403) instead of in the job.
pub async fn precheck(
    db: &impl ConnectionTrait,
    actor: &Actor,
    table: &Table,
    opts: &ImportOptions,
) -> Result<(List, Option<alliance::Model>)> {
    let list = List::detect(&table.headers).ok_or_else(|| {
        Error::field(
            "file",
            "无法识别表头：资源清单须有「所属单位」「服务范围」列，需求清单须有「所属社区」列",
        )
    })?;
    let alliance = match opts.alliance_id.or(actor.alliance_id) {
        Some(id) => Some(
            alliances::get(db, actor.city_id, id)
                .await
                .map_err(|e| match e {
                    Error::NotFound(_) => Error::field("alliance_id", "联盟不存在"),
                    e => e,
                })?,
        ),
        None => None,
    };
    // Who may post needs is the same for every row: refused once, as a whole.
    if list == List::Needs
        && let Some(a) = &alliance
        && !actor.coordinates(a.id)
    {
        return Err(Error::forbidden(
            "只有该联盟的协调员或管理员可以导入需求清单",
        ));
    }
    Ok((list, alliance))
}

/// Checks every row of a sheet exactly as `POST /resources` or `POST /needs` checks one
/// entry, writing nothing (so it holds no write lock: on SQLite, other writers never wait
/// for it), and reports every problem by row and column; the rows come back for writing only
/// when there is none.
pub async fn check(
    db: &impl ConnectionTrait,
    actor: &Actor,
    table: &Table,
    opts: &ImportOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<(ImportReport, Vec<Checked>)> {
    let (list, alliance) = precheck(db, actor, table, opts).await?;
    let mut report = ImportReport {
        list,
        rows: table.rows.len(),
        dry_run: opts.dry_run,
        valid: 0,
        created: 0,
        problems: Vec::new(),
        ignored_columns: table
            .headers
            .iter()
            .filter(|h| {
                !h.is_empty()
                    && (!list.headers().contains(&h.as_str()) || READ_ONLY.contains(&h.as_str()))
            })
            .cloned()
            .collect(),
    };
    let mut seen = HashSet::new();
    for h in table.headers.iter().filter(|h| !h.is_empty()) {
        if !seen.insert(h) {
            report.problems.push(RowProblem {
                row: 1,
                column: h.clone(),
                message: "表头重复".into(),
            });
        }
    }
    if table.column("标题").is_none() {
        report.problems.push(RowProblem {
            row: 1,
            column: "标题".into(),
            message: "缺少「标题」列".into(),
        });
    }
    if !report.problems.is_empty() {
        return Ok((report, Vec::new()));
    }
    let names = Names::load(db, actor.city_id).await?;
    let members: Option<HashSet<i64>> = match &alliance {
        Some(a) => Some(
            alliances::member_organization_ids(db, a.id)
                .await?
                .into_iter()
                .collect(),
        ),
        None => None,
    };
    let alliance_region = match &alliance {
        Some(a) => regions::get(db, a.region_id).await?,
        None => None,
    };
    let mut checked: Vec<Checked> = Vec::with_capacity(table.rows.len());
    // The open entries rows are compared with, loaded once for the whole file.
    let mut known = super::duplicates::Known::for_titles(
        table
            .rows
            .iter()
            .map(|(_, cells)| Row { table, cells }.get("标题")),
    );
    if list == List::Resources && !opts.allow_duplicates {
        // Every unit the file names is locked up front, in id order: two imports naming the
        // same units in other orders queue instead of deadlocking.
        let mut units: Vec<i64> = actor.organization_id.into_iter().collect();
        for (_, cells) in &table.rows {
            let name = Row { table, cells }.get("所属单位");
            if let Some([o]) = names.units.get(name).map(Vec::as_slice) {
                units.push(o.id);
            }
        }
        known.preload_units(db, units).await?;
    }
    for (done, (row, cells)) in table.rows.iter().enumerate() {
        // A cell is held to the text rule the API holds JSON text to.
        let hidden: Vec<(usize, &str)> = cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| text_problem(c).map(|m| (i, m)))
            .collect();
        if !hidden.is_empty() {
            for (i, message) in hidden {
                report.problems.push(RowProblem {
                    row: *row,
                    column: table.headers.get(i).cloned().unwrap_or_default(),
                    message: message.into(),
                });
            }
            progress(done + 1);
            continue;
        }
        let cell = Row { table, cells };
        let mut problems: Vec<(&str, String)> = Vec::new();
        let item = match list {
            List::Resources => Ok(resource_row(
                &cell,
                &names,
                alliance_region.as_ref(),
                actor,
                members.as_ref(),
                opts.allow_duplicates,
                &mut problems,
            )
            .map(|input| Checked::Resource(*row, input))),
            List::Needs => Ok(need_row(
                &cell,
                &names,
                alliance.as_ref(),
                alliance_region.as_ref(),
                opts.allow_duplicates,
                &mut problems,
            )
            .map(|input| Checked::Need(*row, input))),
            List::Projects => Err(Error::field("file", "项目清单只能导出，不能导入")),
        };
        // Checked by `create` even with bad cells, so the report lists the row's other
        // problems too (a row with problems is never kept: nothing is written then).
        let outcome = match item {
            Ok(Some(item)) => item
                .create(db, actor, &mut known, Insert::CheckOnly(*row))
                .await
                .map(|()| checked.push(item.duplicates_checked())),
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        };
        // A cell already reported (unreadable, so left empty for `create`) is not reported
        // again as missing.
        let reported: HashSet<&str> = problems.iter().map(|(c, _)| *c).collect();
        match outcome {
            Ok(()) if problems.is_empty() => report.valid += 1,
            Ok(()) => {}
            Err(Error::Validation(errors)) => {
                for e in errors {
                    let column = column_of(list, &e.field);
                    if !reported.contains(column) {
                        problems.push((column, e.message));
                    }
                }
            }
            // For resources the unit is per row (a member may post only its own unit's).
            Err(Error::Forbidden(m)) => problems.push((column_of(list, "organization_id"), m)),
            Err(Error::NotFound(m)) | Err(Error::Conflict(m)) => problems.push(("", m)),
            Err(Error::Duplicates(found)) => {
                // A negative id is an earlier row of this sheet (see `Known::add_pending`).
                let like: Vec<String> = found
                    .iter()
                    .map(|d| {
                        if d.id < 0 {
                            format!("本表第 {} 行「{}」", -d.id, d.title)
                        } else {
                            format!("「{}」（编号 {}）", d.title, d.id)
                        }
                    })
                    .collect();
                problems.push((
                    "标题",
                    format!(
                        "与已有的{}几乎相同；确需重复导入请选择允许重复",
                        like.join("、")
                    ),
                ));
            }
            Err(e) => return Err(e),
        }
        report
            .problems
            .extend(problems.into_iter().map(|(column, message)| RowProblem {
                row: *row,
                column: column.to_owned(),
                message,
            }));
        progress(done + 1);
    }
    if !report.problems.is_empty() {
        checked.clear();
    }
    Ok((report, checked))
}

/// One data row, read by header.
struct Row<'a> {
    table: &'a Table,
    cells: &'a [String],
}

impl<'a> Row<'a> {
    fn get(&self, header: &str) -> &'a str {
        self.table
            .column(header)
            .and_then(|c| self.cells.get(c))
            .map_or("", |s| s.trim())
    }
}

/// The column a create function's field problem belongs to.
fn column_of(list: List, field: &str) -> &'static str {
    match (list, field) {
        (_, "title") => "标题",
        (_, "description") => "描述",
        (_, "category") => "类别",
        (_, "tags") => "标签",
        (_, "quantity") => "数量",
        (List::Resources, "scope_level" | "scope_region_id") => "服务范围",
        (_, "organization_id") => "所属单位",
        (List::Resources, "available_from") => "开始日期",
        (List::Resources, "available_until") => "结束日期",
        (List::Needs, "community_id") => "所属社区",
        (List::Needs, "urgency") => "紧急程度",
        (List::Needs, "needed_by") => "需要日期",
        (_, "alliance_id") => "联盟",
        _ => "",
    }
}

fn resource_row(
    cell: &Row,
    names: &Names,
    near: Option<&region::Model>,
    actor: &Actor,
    members: Option<&HashSet<i64>>,
    allow_duplicate: bool,
    problems: &mut Vec<(&'static str, String)>,
) -> Option<NewResource> {
    let organization_id = match cell.get("所属单位") {
        "" => match actor.organization_id {
            Some(own) => Some(own),
            None => {
                problems.push(("所属单位", "请填写所属单位".into()));
                None
            }
        },
        name => match names.units.get(name).map(Vec::as_slice) {
            Some([o]) => {
                if members.is_some_and(|m| !m.contains(&o.id)) {
                    problems.push(("所属单位", format!("「{name}」不是本联盟的成员单位")));
                }
                Some(o.id)
            }
            Some(_) => {
                problems.push(("所属单位", format!("有多个名为「{name}」的单位")));
                None
            }
            None => {
                problems.push(("所属单位", format!("找不到成员单位「{name}」")));
                None
            }
        },
    };
    let (scope_level, scope_region_id) = match cell.get("服务范围") {
        "" => {
            problems.push((
                "服务范围",
                "请填写服务范围（全市，或区县、街道、社区的名称）".into(),
            ));
            (None, None)
        }
        text => match names.scope(text, near) {
            Ok((level, id)) => (Some(level), id),
            Err(m) => {
                problems.push(("服务范围", m));
                (None, None)
            }
        },
    };
    Some(NewResource {
        organization_id,
        title: text(cell.get("标题")),
        description: text(cell.get("描述")),
        category: text(cell.get("类别")),
        tags: tags(cell.get("标签")),
        quantity: quantity(cell.get("数量"), problems),
        scope_level,
        scope_region_id: scope_region_id.map(RegionRef::Id),
        available_from: date(cell.get("开始日期"), "开始日期", problems),
        available_until: date(cell.get("结束日期"), "结束日期", problems),
        allow_duplicate,
    })
}

fn need_row(
    cell: &Row,
    names: &Names,
    alliance: Option<&alliance::Model>,
    alliance_region: Option<&region::Model>,
    allow_duplicate: bool,
    problems: &mut Vec<(&'static str, String)>,
) -> Option<NewNeed> {
    let Some(alliance) = alliance else {
        problems.push(("", "请选择导入需求的联盟".into()));
        return None;
    };
    let community_id = match cell.get("所属社区") {
        "" => None,
        name if alliance_region.is_some_and(|r| r.name == name) => None,
        name => {
            let inside: Vec<&region::Model> = names
                .named(name)
                .into_iter()
                .filter(|r| {
                    r.level == Level::Community
                        && (r.id == alliance.region_id || r.parent_id == Some(alliance.region_id))
                })
                .collect();
            match inside.as_slice() {
                [c] => Some(c.id),
                _ => {
                    problems.push(("所属社区", format!("「{name}」不是本联盟范围内的社区")));
                    None
                }
            }
        }
    };
    let urgency = match cell.get("紧急程度") {
        "" => None,
        "一般" | "普通" | "normal" => Some(Urgency::Normal),
        "紧急" | "急" | "high" => Some(Urgency::High),
        "不急" | "较缓" | "low" => Some(Urgency::Low),
        other => {
            problems.push(("紧急程度", format!("「{other}」应为 不急、一般 或 紧急")));
            None
        }
    };
    Some(NewNeed {
        alliance_id: Some(alliance.id),
        community_id: community_id.map(RegionRef::Id),
        title: text(cell.get("标题")),
        description: text(cell.get("描述")),
        category: text(cell.get("类别")),
        tags: tags(cell.get("标签")),
        quantity: quantity(cell.get("数量"), problems),
        needed_by: date(cell.get("需要日期"), "需要日期", problems),
        urgency,
        allow_duplicate,
    })
}

fn text(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// 标签: separated by 、，, or ；; (as people type them; a tag cannot hold one).
fn tags(s: &str) -> Option<Vec<String>> {
    let list: Vec<String> = s
        .split(TAG_SEPARATORS)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    (!list.is_empty()).then_some(list)
}

fn quantity(s: &str, problems: &mut Vec<(&'static str, String)>) -> Option<i32> {
    if s.is_empty() {
        return None;
    }
    match s.parse::<i32>() {
        Ok(q) => Some(q),
        Err(_) => {
            problems.push(("数量", format!("「{s}」不是整数")));
            None
        }
    }
}

fn date(
    s: &str,
    column: &'static str,
    problems: &mut Vec<(&'static str, String)>,
) -> Option<NaiveDate> {
    if s.is_empty() {
        return None;
    }
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Some(d);
        }
    }
    problems.push((column, format!("「{s}」不是日期（如 2026-12-31）")));
    None
}

/// Rows of a list for a spreadsheet, newest first, optionally one alliance's: resources of
/// its member units, its needs, its projects.
pub async fn export(
    db: &impl ConnectionTrait,
    actor: &Actor,
    list: List,
    alliance_id: Option<i64>,
) -> Result<(&'static [&'static str], Vec<Vec<String>>)> {
    if let Some(a) = alliance_id {
        alliances::get(db, actor.city_id, a).await?;
    }
    let regions = region_labels(db, actor.city_id).await?;
    let region_name = |id: i64| regions.get(&id).cloned().unwrap_or_default();
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let rows = match list {
        List::Resources => {
            let mut q = resource::Entity::find()
                .filter(resource::Column::CityId.eq(actor.city_id))
                .filter(resource::Column::DeletedAt.is_null());
            if let Some(a) = alliance_id {
                let orgs = alliances::member_organization_ids(db, a).await?;
                q = q.filter(resource::Column::OrganizationId.is_in(orgs));
            }
            let rows = q.order_by_desc(resource::Column::Id).all(db).await?;
            let units =
                lookup::organization_names(db, rows.iter().map(|r| r.organization_id)).await?;
            rows.into_iter()
                .map(|r| {
                    vec![
                        r.title,
                        r.description,
                        r.category,
                        r.tags.join("、"),
                        r.quantity.map(|q| q.to_string()).unwrap_or_default(),
                        r.scope_region_id
                            .map_or_else(|| "全市".to_owned(), region_name),
                        units.get(&r.organization_id).cloned().unwrap_or_default(),
                        day(r.available_from),
                        day(r.available_until),
                        r.status.label().to_owned(),
                    ]
                })
                .collect()
        }
        List::Needs => {
            let mut q = need::Entity::find()
                .filter(need::Column::CityId.eq(actor.city_id))
                .filter(need::Column::DeletedAt.is_null());
            if let Some(a) = alliance_id {
                q = q.filter(need::Column::AllianceId.eq(a));
            }
            let rows = q.order_by_desc(need::Column::Id).all(db).await?;
            let alliance_regions =
                lookup::alliances(db, rows.iter().map(|n| n.alliance_id)).await?;
            rows.into_iter()
                .map(|n| {
                    // The alliance's own region is written blank (the default on import).
                    let own = alliance_regions.get(&n.alliance_id).map(|a| a.region_id);
                    let place = if Some(n.place_region_id) == own {
                        String::new()
                    } else {
                        region_name(n.place_region_id)
                    };
                    vec![
                        n.title,
                        n.description,
                        n.category,
                        n.tags.join("、"),
                        n.quantity.map(|q| q.to_string()).unwrap_or_default(),
                        place,
                        n.urgency.label().to_owned(),
                        day(n.needed_by),
                        n.status.label().to_owned(),
                    ]
                })
                .collect()
        }
        List::Projects => {
            let mut q = project::Entity::find().filter(project::Column::CityId.eq(actor.city_id));
            if let Some(a) = alliance_id {
                q = q.filter(project::Column::AllianceId.eq(a));
            }
            let rows = q.order_by_desc(project::Column::Id).all(db).await?;
            let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
            let mut links = projects::links_by_project(db, &ids).await?;
            let res =
                lookup::resources(db, links.values().flatten().map(|l| l.resource_id)).await?;
            let units =
                lookup::organization_names(db, res.values().map(|r| r.organization_id)).await?;
            let needs = lookup::need_titles(db, rows.iter().map(|p| p.need_id)).await?;
            let ratings = lookup::ratings(db, ids.iter().copied()).await?;
            let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
                t.map(|t| crate::time::local(t).format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default()
            };
            rows.into_iter()
                .map(|p| {
                    let links = links.remove(&p.id).unwrap_or_default();
                    let used: Vec<&resource::Model> = links
                        .iter()
                        .filter_map(|l| res.get(&l.resource_id))
                        .collect();
                    let mut orgs: Vec<String> = used
                        .iter()
                        .filter_map(|r| units.get(&r.organization_id).cloned())
                        .collect();
                    orgs.dedup();
                    vec![
                        p.title,
                        needs.get(&p.need_id).cloned().unwrap_or_default(),
                        links
                            .iter()
                            .filter_map(|l| {
                                let r = res.get(&l.resource_id)?;
                                Some(match l.quantity {
                                    Some(q) => format!("{}×{q}", r.title),
                                    None => r.title.clone(),
                                })
                            })
                            .collect::<Vec<_>>()
                            .join("、"),
                        orgs.join("、"),
                        p.status.label().to_owned(),
                        time(Some(p.created_at)),
                        time(p.approved_at),
                        time(p.completed_at),
                        p.beneficiaries.map(|b| b.to_string()).unwrap_or_default(),
                        p.outcome.unwrap_or_default(),
                        ratings
                            .get(&p.id)
                            .map(|r| r.to_string())
                            .unwrap_or_default(),
                    ]
                })
                .collect()
        }
    };
    Ok((list.headers(), rows))
}

/// How each region of the city is written in a sheet: its name, or — when several regions of
/// the city share it (新村社区 is in many streets) — its path from the district, such as
/// 五华区/华山街道/新村社区, which the import reads back to the same region.
async fn region_labels(db: &impl ConnectionTrait, city_id: i64) -> Result<HashMap<i64, String>> {
    let all: HashMap<i64, region::Model> = region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|r| regions::city_of(r) == city_id)
        .map(|r| (r.id, r))
        .collect();
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for r in all.values() {
        *uses.entry(r.name.as_str()).or_default() += 1;
    }
    Ok(all
        .values()
        .map(|r| {
            if uses[r.name.as_str()] < 2 {
                return (r.id, r.name.clone());
            }
            let mut path = vec![r.name.as_str()];
            let mut at = r;
            while at.level != Level::District
                && let Some(parent) = at.parent_id.and_then(|p| all.get(&p))
                && parent.level != Level::City
            {
                path.push(parent.name.as_str());
                at = parent;
            }
            path.reverse();
            (r.id, path.join("/"))
        })
        .collect())
}
