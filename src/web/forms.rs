//! What the forms and list pages share: choices of a `<select>`, a list page's query read
//! leniently, and reading typed values (numbers, dates, tags) out of a posted form with a
//! Chinese message for the field that does not hold one.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::pages::{ErrorPage, PageResult, render_with, see_other};
use crate::error::{Duplicate, Error, FieldError, Result};

/// A choice of a `<select>`: the value sent, the text shown, and whether it is chosen.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn list(items: impl IntoIterator<Item = (String, String)>, chosen: &str) -> Vec<Choice> {
        items
            .into_iter()
            .map(|(value, label)| Choice {
                selected: value == chosen,
                value,
                label,
            })
            .collect()
    }
}

/// The query string of a list page, read leniently: a value that does not parse is ignored
/// (the filter shows "全部"), as a hand-edited address should not break the page.
pub struct Filters(BTreeMap<String, String>);

impl Filters {
    pub fn parse(raw: Option<&str>) -> Filters {
        Filters(
            form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.into_owned(), v.trim().to_owned()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    pub fn page(&self) -> u64 {
        self.get("page")
            .parse()
            .ok()
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    }

    /// This query with `page` replaced, for the pager's links.
    pub fn with_page(&self, page: u64) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.0 {
            if k != "page" {
                s.append_pair(k, v);
            }
        }
        s.append_pair("page", &page.to_string());
        format!("?{}", s.finish())
    }
}

/// An enum's values as choices (the stored word sent, the Chinese label shown).
pub fn enum_choices<E: Copy>(
    all: &[E],
    word: fn(E) -> &'static str,
    label: fn(E) -> &'static str,
    chosen: &str,
) -> Vec<Choice> {
    Choice::list(
        all.iter()
            .map(|e| (word(*e).to_owned(), label(*e).to_owned())),
        chosen,
    )
}

/// The fields of a form a page could not read as their type, each with its message.
#[derive(Default)]
pub struct Unreadable(Vec<FieldError>);

impl Unreadable {
    /// An optional whole number.
    pub fn number(&mut self, field: &str, text: &str, message: &str) -> Option<i32> {
        if text.is_empty() {
            return None;
        }
        text.parse().map_err(|_| self.add(field, message)).ok()
    }

    /// An optional date as a date field sends it (YYYY-MM-DD).
    pub fn date(&mut self, field: &str, text: &str) -> Option<NaiveDate> {
        if text.is_empty() {
            return None;
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| self.add(field, "日期格式应为 YYYY-MM-DD"))
            .ok()
    }

    /// An optional choice of an enum.
    pub fn choice<E>(
        &mut self,
        field: &str,
        text: &str,
        parse: fn(&str) -> Option<E>,
        message: &str,
    ) -> Option<E> {
        if text.is_empty() {
            return None;
        }
        let parsed = parse(text);
        if parsed.is_none() {
            self.add(field, message);
        }
        parsed
    }

    pub fn add(&mut self, field: &str, message: &str) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.to_owned(),
        });
    }

    /// The problems found, as the domain's validation error, if any.
    pub fn finish(self) -> Result<(), Error> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.0))
        }
    }
}

/// Tags as typed in one field: separated by commas, 、, semicolons or spaces (either width).
pub fn tags(text: &str) -> Vec<String> {
    text.split(['，', ',', '、', ' ', '　', ';', '；'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A refused form's messages by field, for the template to show beside each field.
#[derive(Default)]
pub struct Messages(pub BTreeMap<String, String>);

impl Messages {
    /// The messages of a validation error, fields renamed where the form names them
    /// otherwise (`("community_id", "community")`).
    pub fn of(problems: Vec<FieldError>, renamed: &[(&str, &str)]) -> Messages {
        let mut out = BTreeMap::new();
        for p in problems {
            let field = renamed
                .iter()
                .find(|(from, _)| *from == p.field)
                .map_or(p.field.as_str(), |(_, to)| to);
            out.entry(field.to_owned()).or_insert(p.message);
        }
        Messages(out)
    }

    pub fn get(&self, field: &str) -> &str {
        self.0.get(field).map_or("", String::as_str)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An entry form that can show why a post was refused: the messages beside its fields, or the
/// open entries nearly the same (and 「仍要发布」).
pub trait Refusable: askama::Template {
    fn refuse(&mut self, messages: Messages, duplicates: Vec<Duplicate>);
}

/// The answer to a posted entry form: the new entry's page (`done`, 303) on success; else the
/// form again, as `form` builds it with what was typed, showing the messages beside the
/// fields (422, fields renamed by `renamed` where the form names them otherwise) or the near
/// duplicates (409).
pub async fn answer_entry<T, P>(
    outcome: Result<T>,
    done: impl FnOnce(T) -> String,
    renamed: &[(&str, &str)],
    form: impl Future<Output = Result<P>>,
) -> PageResult
where
    P: Refusable,
{
    let (status, messages, duplicates) = match outcome {
        Ok(t) => return Ok(see_other(&done(t))),
        Err(Error::Validation(p)) => (
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            Messages::of(p, renamed),
            Vec::new(),
        ),
        Err(Error::Duplicates(d)) => (axum::http::StatusCode::CONFLICT, Messages::default(), d),
        Err(e) => return Err(e.into()),
    };
    let mut page = form.await?;
    page.refuse(messages, duplicates);
    Ok(render_with(status, &page))
}

/// An edit from a form filled from an older version is refused as the form's own problem
/// (shown above the fields, the input kept), not as an error page.
pub fn stale_as_field(e: Error) -> Error {
    match e {
        Error::PreconditionFailed(m) => Error::field("version", m),
        e => e,
    }
}

/// The answer to a posted form that is shown again when refused: `done` (303) on success;
/// on refused input, the page `again` builds around the problems (422; nothing changed);
/// any other error as an error page.
pub async fn answer_form<T, P, Fut>(
    outcome: Result<T>,
    done: impl FnOnce(T) -> String,
    again: impl FnOnce(Vec<FieldError>) -> Fut,
) -> PageResult
where
    Fut: Future<Output = Result<P>>,
    P: askama::Template,
{
    match outcome {
        Ok(t) => Ok(see_other(&done(t))),
        Err(Error::Validation(problems)) => {
            let page = again(problems).await?;
            Ok(render_with(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                &page,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The answer to a post on a detail page (a move, a rating, a proposal): back to `done`
/// (303), or the page again with the reason it was refused (422; nothing changed) when the
/// refusal is about what was sent or the state it met.
pub async fn answer_action<P, Fut>(
    outcome: Result<()>,
    done: &str,
    page: impl FnOnce(String) -> Fut,
) -> PageResult
where
    Fut: Future<Output = Result<P>>,
    P: askama::Template,
{
    match outcome {
        Ok(()) => Ok(see_other(done)),
        Err(e @ (Error::Validation(_) | Error::Conflict(_) | Error::PreconditionFailed(_))) => {
            let message = ErrorPage::from(e).message;
            let page = page(message).await?;
            Ok(render_with(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                &page,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_on_either_width() {
        assert_eq!(
            tags("老年人、体检, 义诊，健康 ;x"),
            ["老年人", "体检", "义诊", "健康", "x"]
        );
        assert!(tags(" 、 ").is_empty());
    }

    #[test]
    fn unreadable_fields_are_named() {
        let mut u = Unreadable::default();
        assert_eq!(u.number("quantity", "30", "数量须为整数"), Some(30));
        assert_eq!(u.number("quantity", "三十", "数量须为整数"), None);
        assert_eq!(
            u.date("needed_by", "2027-01-02"),
            NaiveDate::from_ymd_opt(2027, 1, 2)
        );
        assert_eq!(u.date("needed_by", "明天"), None);
        match u.finish() {
            Err(Error::Validation(p)) => {
                let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
                assert_eq!(fields, ["quantity", "needed_by"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
