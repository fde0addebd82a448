//! Times are stored in UTC and shown in Asia/Shanghai (UTC+8, no daylight saving).

use chrono::{DateTime, FixedOffset, Utc};

pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

pub fn local(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&shanghai())
}

/// How long an entry stays matchable without its owner confirming it (复核周期).
pub const REVIEW_DAYS: u64 = 90;

/// The review-by date of an entry written or confirmed today.
pub fn review_by_from_today() -> chrono::NaiveDate {
    today() + chrono::Days::new(REVIEW_DAYS)
}

/// A review-by date pushed to at least 30 days from today: an entry a project held and then
/// released gets time to be confirmed before it lapses.
pub fn with_grace(review_by: Option<chrono::NaiveDate>) -> chrono::NaiveDate {
    let floor = today() + chrono::Days::new(30);
    review_by.map_or(floor, |d| d.max(floor))
}

/// Today's date in Asia/Shanghai, which is the date a coordinator means by "today".
pub fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&shanghai()).date_naive()
}

/// The first instant of a day in Asia/Shanghai, in UTC: where a date filter starts.
pub fn day_start(d: chrono::NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_local_timezone(shanghai())
        .single()
        .expect("a fixed offset has no gaps")
        .with_timezone(&Utc)
}
