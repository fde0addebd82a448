//! What a match must satisfy (kind, status, city, a scope covering the place, the
//! availability window, the caller's category), tested per document from the segment's copy
//! of its columns while the text query runs.

use super::attrs::{AttrCache, NONE, SEVERAL, SegmentAttrs, day32, fits, kind_status, small_ord};
use super::score::{Constants, Proximity, proximity};
use crate::error::Result;
use crate::search::blocking_err;
use crate::search::documents::Kind;

/// What a match must satisfy, and what its final score is made of, checked per document from
/// fast fields while the text query runs. The filters are not `Must` clauses because those
/// would turn off block-max WAND; instead the collector keeps the best documents that pass and
/// tells WAND the least text score that could still displace them, so pruning stays exact.
pub(super) struct Filter {
    pub(super) kind: &'static str,
    pub(super) status: &'static str,
    pub(super) city: u64,
    /// The document must carry one of these region terms.
    pub(super) covers: Vec<String>,
    /// Its window must end on or after this day …
    pub(super) until_at_least: i64,
    /// … it must not be past its review-by date …
    pub(super) today: i64,
    /// … and, for resources, start on or before this one.
    pub(super) from_at_most: Option<i64>,
    /// Only this category (the caller's filter).
    pub(super) only_category: Option<String>,
    /// The probe, for the final score.
    pub(super) probe_kind: Kind,
    pub(super) probe_category: String,
    pub(super) probe_quantity: Option<i32>,
    pub(super) probe_alliances: Vec<i64>,
    /// The scope relation when it is the probe's own scope (a resource looking for needs).
    pub(super) own_proximity: Option<Proximity>,
    /// What the query's category, alliance and proximity clauses add (see
    /// [`text_query`](super::query::text_query)).
    pub(super) constants: Constants,
}

/// [`Filter`] resolved against one segment (terms as its ordinals).
pub(super) struct SegmentFilter {
    pub(super) attrs: std::sync::Arc<SegmentAttrs>,
    /// The kind and status wanted, as
    /// [`DocAttrs::kind_status`](super::attrs::DocAttrs::kind_status) has them.
    kind_status: u32,
    city: u32,
    covers: tantivy::columnar::StrColumn,
    /// The probe's region terms present here, with the proximity each one means and its
    /// place in [`Filter::covers`].
    cover_ords: Vec<(u32, Proximity, usize)>,
    until_at_least: i32,
    today: i32,
    from_at_most: Option<i32>,
    only_category_ord: Option<u32>,
    probe_category_ord: Option<u32>,
    /// Per entry of [`SegmentAttrs::alliance_sets`]: whether it has one of the probe's.
    pub(super) same_alliance: Vec<bool>,
    alive: Option<tantivy::fastfield::AliveBitSet>,
}

impl SegmentFilter {
    /// `None` when no document of the segment can pass (a wanted term is absent from it).
    pub(super) fn open(
        reader: &tantivy::SegmentReader,
        filter: &Filter,
        cache: &AttrCache,
    ) -> Result<Option<Self>> {
        let ff = reader.fast_fields();
        let str_column = |name: &str| -> Result<Option<tantivy::columnar::StrColumn>> {
            ff.str(name).map_err(blocking_err)
        };
        let ord = |c: &tantivy::columnar::StrColumn, value: &str| -> Result<Option<u32>> {
            Ok(fits(c.dictionary().term_ord(value).map_err(blocking_err)?))
        };
        let (Some(kind), Some(status), Some(covers)) = (
            str_column("kind")?,
            str_column("status")?,
            str_column("covers")?,
        ) else {
            return Ok(None);
        };
        let (Some(kind_ord), Some(status_ord), Some(city)) = (
            ord(&kind, filter.kind)?,
            ord(&status, filter.status)?,
            fits(Some(filter.city)),
        ) else {
            return Ok(None);
        };
        let wanted_kind_status = kind_status(kind_ord, status_ord);
        if wanted_kind_status == NONE {
            return Ok(None);
        }
        let mut cover_ords = Vec::new();
        for (i, c) in filter.covers.iter().enumerate() {
            if let Some(o) = ord(&covers, c)? {
                cover_ords.push((o, filter.own_proximity.unwrap_or_else(|| proximity(c)), i));
            }
        }
        if cover_ords.is_empty() {
            return Ok(None);
        }
        let category = str_column("category")?;
        let ord_in_category = |value: &str| -> Result<Option<u32>> {
            match &category {
                Some(c) => ord(c, value),
                None => Ok(None),
            }
        };
        let only_category_ord = match filter.only_category.as_deref() {
            None => None,
            Some(c) => match ord_in_category(c)? {
                Some(o) => Some(o),
                None => return Ok(None),
            },
        };
        let probe_category_ord = ord_in_category(&filter.probe_category)?;
        let attrs = cache.get(reader)?;
        let same_alliance = attrs
            .alliance_sets
            .iter()
            .map(|set| {
                filter
                    .probe_alliances
                    .iter()
                    .any(|a| u64::try_from(*a).is_ok_and(|a| set.binary_search(&a).is_ok()))
            })
            .collect();
        Ok(Some(SegmentFilter {
            attrs,
            kind_status: wanted_kind_status,
            city,
            covers,
            cover_ords,
            until_at_least: day32(filter.until_at_least),
            today: day32(filter.today),
            from_at_most: filter.from_at_most.map(day32),
            only_category_ord,
            probe_category_ord,
            same_alliance,
            alive: reader.alive_bitset().cloned(),
        }))
    }

    /// Whether the document shares the probe's category.
    pub(super) fn same_category(&self, doc: tantivy::DocId) -> bool {
        self.probe_category_ord
            .is_some_and(|c| self.attrs.docs[doc as usize].category == c)
    }

    /// The document's proximity when it passes every filter, with the place in
    /// [`Filter::covers`] of the probe's region it was found under: first what its record says
    /// (one cache line), then its scope (a need's chain of places is read from the column),
    /// then whether it is deleted.
    pub(super) fn accepts(&self, doc: tantivy::DocId) -> Option<(Proximity, usize)> {
        let a = &self.attrs.docs[doc as usize];
        let pass = a.kind_status == self.kind_status
            && a.city == self.city
            && a.until >= self.until_at_least
            && a.review_by >= self.today
            && self.from_at_most.is_none_or(|max| a.from <= max)
            && self.only_category_ord.is_none_or(|c| a.category == c);
        if !pass {
            return None;
        }
        let wanted = |o: u32| {
            self.cover_ords
                .iter()
                .find(|(wanted, _, _)| *wanted == o)
                .map(|(_, proximity, region)| (*proximity, *region))
        };
        let found = match a.cover {
            NONE => None,
            SEVERAL => self
                .covers
                .term_ords(doc)
                .find_map(|o| wanted(small_ord(Some(o)))),
            o => wanted(o),
        }?;
        self.alive
            .as_ref()
            .is_none_or(|alive| alive.is_alive(doc))
            .then_some(found)
    }
}
