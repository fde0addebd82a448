//! Collects every bad field of a request so that one answer lists them all.

use std::borrow::Cow;

use validator::{Validate, ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::error::{Error, FieldError};

#[derive(Default, Debug)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    /// Starts with the shape checks declared on the input (`#[derive(Validate)]`).
    pub fn of(input: &impl Validate) -> Self {
        let mut p = Self::default();
        if let Err(e) = input.validate() {
            p.extend_from(&e, "");
        }
        p
    }

    fn extend_from(&mut self, errors: &ValidationErrors, prefix: &str) {
        for (field, kind) in errors.errors() {
            let name = if prefix.is_empty() {
                field.to_string()
            } else {
                format!("{prefix}.{field}")
            };
            match kind {
                ValidationErrorsKind::Field(list) => {
                    for e in list {
                        self.add(&name, message_of(e));
                    }
                }
                ValidationErrorsKind::Struct(inner) => self.extend_from(inner, &name),
                ValidationErrorsKind::List(items) => {
                    for (i, inner) in items {
                        self.extend_from(inner, &format!("{name}[{i}]"));
                    }
                }
            }
        }
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// True when this field already has a problem (so reference checks can skip it).
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing was wrong, else a 422 listing every problem, ordered by field.
    pub fn finish(mut self) -> Result<(), Error> {
        if self.0.is_empty() {
            return Ok(());
        }
        self.0.sort_by(|a, b| a.field.cmp(&b.field));
        Err(Error::Validation(self.0))
    }
}

fn message_of(e: &ValidationError) -> String {
    e.message
        .as_ref()
        .map(Cow::to_string)
        .unwrap_or_else(|| "格式不正确".to_owned())
}

/// Tags: at most 10, each 1–20 characters, no duplicates.
/// What separates tags in one spreadsheet cell.
pub const TAG_SEPARATORS: [char; 5] = ['、', '，', ',', '；', ';'];

pub fn valid_tags(tags: &[String]) -> Result<(), ValidationError> {
    if tags.len() > 10 {
        return Err(ValidationError::new("tags").with_message("标签最多10个".into()));
    }
    for t in tags {
        let n = t.chars().count();
        if n == 0 || n > 20 {
            return Err(ValidationError::new("tag").with_message("每个标签须为1至20个字".into()));
        }
        // Spreadsheets list tags in one cell separated by these: a tag holding one could not
        // come back from an export as itself.
        if t.contains(TAG_SEPARATORS) {
            return Err(ValidationError::new("tag")
                .with_message("标签中不能含有顿号、逗号或分号（多个标签请分开填写）".into()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    if !tags.iter().all(|t| seen.insert(t.as_str())) {
        return Err(ValidationError::new("tags").with_message("标签不能重复".into()));
    }
    Ok(())
}

/// Why `text` cannot be stored as user text, or `None` when it can. The one rule for every
/// text a person sends (JSON fields, spreadsheet cells, CLI arguments): no control characters
/// (PostgreSQL cannot store NUL, terminals obey escapes); no bidi embeddings, overrides or
/// isolates, which reorder what readers see (a title can show other words than it holds); and
/// nothing that looks blank yet is not (only zero-width or other format characters): such a
/// title would be an empty line in every list. Empty or whitespace-only text passes here, as it
/// is trimmed to empty and left to each field's own rule.
pub fn text_problem(text: &str) -> Option<&'static str> {
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Some("包含不允许的控制字符");
    }
    if text.chars().any(is_bidi_control) {
        return Some(
            "包含会改变文字显示顺序的不可见字符（U+202A–U+202E、U+2066–U+2069），请删除后重新填写",
        );
    }
    if !text.trim().is_empty() && is_blank(text) {
        return Some("内容只有空格或不可见字符，看起来是空的");
    }
    None
}

/// [`text_problem`] as a field rule, for text that does not arrive in a JSON body (whose
/// every string is checked as it is parsed): command-line arguments.
pub fn acceptable_text(text: &str) -> Result<(), ValidationError> {
    match text_problem(text) {
        Some(problem) => Err(ValidationError::new("text").with_message(problem.into())),
        None => Ok(()),
    }
}

/// True when nothing of `text` would show: it is empty, or only whitespace and invisible
/// characters.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

/// `text` without its invisible characters: what a reader sees of it.
pub fn visible(text: &str) -> String {
    text.chars().filter(|c| !is_invisible(*c)).collect()
}

/// Embeddings, overrides and isolates: they reorder the text around them (Trojan Source).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that draw nothing by themselves: the format characters (Unicode category Cf:
/// zero-width space and joiners, bidi marks, word joiner, BOM, soft hyphen, tag characters…),
/// variation selectors and the combining grapheme joiner, and the fillers that render as
/// blanks (Hangul fillers, braille blank).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{2800}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Text inputs are trimmed as they are read, so every length rule counts what is stored.
pub fn trimmed<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    use serde::Deserialize;
    String::deserialize(d).map(|s| s.trim().to_owned())
}

pub fn trimmed_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    use serde::Deserialize;
    Option::<String>::deserialize(d).map(|o| o.map(|s| s.trim().to_owned()))
}

pub fn trimmed_list<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<String>>, D::Error> {
    use serde::Deserialize;
    Option::<Vec<String>>::deserialize(d)
        .map(|o| o.map(|v| v.into_iter().map(|s| s.trim().to_owned()).collect()))
}

/// Dates a person can mean, which every database can store: 1949-10-01 to 2199-12-31.
/// Adds a problem and answers `false` for any other date, so later checks can skip it.
pub fn check_date(problems: &mut Problems, field: &str, date: Option<chrono::NaiveDate>) -> bool {
    let (first, last) = (
        chrono::NaiveDate::from_ymd_opt(1949, 10, 1).expect("valid date"),
        chrono::NaiveDate::from_ymd_opt(2199, 12, 31).expect("valid date"),
    );
    match date {
        Some(d) if d < first || d > last => {
            problems.add(field, "日期须在1949-10-01至2199-12-31之间");
            false
        }
        _ => true,
    }
}

/// Quantities: 1 to a million.
pub fn valid_quantity(q: i32) -> Result<(), ValidationError> {
    if (1..=1_000_000).contains(&q) {
        Ok(())
    } else {
        Err(ValidationError::new("quantity").with_message("数量须为1至1000000".into()))
    }
}

/// The value of a field that `#[validate(required)]` has already checked.
pub fn required<T>(value: Option<T>) -> T {
    value.expect("checked by #[validate(required)] before use")
}

/// For PATCH fields that may be cleared: absent → `None`, `null` → `Some(None)`.
pub fn nullable<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    use serde::Deserialize;
    Option::<T>::deserialize(d).map(Some)
}

/// Optimistic concurrency: the client's `If-Match` version must be the stored one.
pub fn check_version(expected: Option<i32>, actual: i32) -> Result<(), Error> {
    match expected {
        Some(v) if v != actual => Err(Error::PreconditionFailed(format!(
            "记录已被他人修改（当前版本 {actual}），请刷新后重试"
        ))),
        _ => Ok(()),
    }
}

/// A period of days as instants: from the first day's start (Asia/Shanghai) up to, not
/// including, the day after the last.
pub type Period = (
    Option<chrono::DateTime<chrono::Utc>>,
    Option<chrono::DateTime<chrono::Utc>>,
);

/// Checks a `from`–`to` filter (sane dates, not backwards: 422 otherwise) and gives its
/// instants.
pub fn period(
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<Period, Error> {
    let mut problems = Problems::default();
    if check_date(&mut problems, "from", from) & check_date(&mut problems, "to", to)
        && let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        problems.add("to", "结束日期不能早于开始日期");
    }
    problems.finish()?;
    Ok((
        from.map(crate::time::day_start),
        to.map(|t| crate::time::day_start(t + chrono::Days::new(1))),
    ))
}

/// `query` restricted to rows whose `column` falls in `period`.
pub fn in_period<Q: sea_orm::QueryFilter, C: sea_orm::ColumnTrait>(
    mut query: Q,
    column: C,
    (since, until): Period,
) -> Q {
    if let Some(s) = since {
        query = query.filter(column.gte(s));
    }
    if let Some(u) = until {
        query = query.filter(column.lt(u));
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_hides_or_reorders_is_refused() {
        for ok in [
            "",
            "   ",
            "社区义诊",
            "第一行\n第二行\t缩进",
            "👩\u{200D}⚕️ 家庭医生",
            "a\u{200B}b",
        ] {
            assert_eq!(text_problem(ok), None, "{ok:?}");
        }
        for bad in [
            "a\u{0}b",
            "\u{1b}[31m",
            "义诊\u{202E}gnp.exe",
            "\u{2066}标题\u{2069}",
            "\u{202A}x",
            "\u{200B}\u{200B}",
            " \u{200D}\u{FEFF} ",
            "\u{2060}",
            "\u{3164}",
            "\u{E0041}",
        ] {
            assert!(text_problem(bad).is_some(), "{bad:?}");
        }
        assert!(is_blank("\u{200B}\u{200C} \u{3000}"));
        assert!(!is_blank("\u{200B}x"));
        assert_eq!(visible("p\u{200B}a\u{FEFF}ss"), "pass");
    }
}
