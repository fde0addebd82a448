//! The index schema: one document per resource and per need.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::analyzer::{PLACED_TOKENIZER, TOKENIZER};

/// Bump when the schema or the analysis changes: an index of another version is rebuilt.
/// Never reuse a number: an index written under it would be taken as current.
pub const SCHEMA_VERSION: u32 = 10;

#[derive(Clone, Copy)]
pub struct Fields {
    /// `r:<id>` or `n:<id>`: the untokenized key used to replace a document.
    pub key: Field,
    pub id: Field,
    /// `resource` or `need`.
    pub kind: Field,
    pub city: Field,
    pub status: Field,
    pub category: Field,
    /// The category again, as a scored token with frequencies: the text query's category
    /// clause reads it, and a clause on a field without frequencies would switch off
    /// block-max WAND for the whole query.
    pub topic: Field,
    /// Region terms: a resource's scope (`c1`, `d12`, `s34`, `m56`), a need's place and every
    /// region above it, so "scope covers place" is one term lookup.
    pub covers: Field,
    /// The region of the document (a resource's scope, a need's place) and every region
    /// above it, for "in this district/street" filters.
    pub within: Field,
    pub organization: Field,
    /// A resource's unit's alliances, or a need's own alliance.
    pub alliances: Field,
    pub title: Field,
    pub tags: Field,
    pub description: Field,
    /// A need's title (three times), tags (twice) and description in one field: what matching
    /// scores. One posting list per query term instead of three keeps block-max WAND cheap
    /// (its cost grows with the number of term scorers), and repeating the title and tags
    /// weights them.
    pub body: Field,
    /// A resource's text as `body` has a need's, each term filed under the part of the city
    /// the resource serves (`d12:助餐` for anything within district 12, `c1:助餐` for the
    /// whole city 1), and its category likewise (`placed_topic`). A need's query reads only
    /// its own district's part and the city's, so the resources of the other districts (most
    /// of a city's list, and none of them a possible match) are never walked.
    pub placed: Field,
    pub placed_topic: Field,
    /// A resource's alliances (its unit's) filed under its part like `placed_topic`
    /// (`d12:7`), padded to the same number of tokens in every resource that has any (see
    /// `documents::ALLIANCES_KEPT`), so that every resource of an alliance scores the same on
    /// it: a need's query has a clause for its own alliance, which lets pruning tell those
    /// resources (they get the alliance bonus) from the others. (Without length norms the
    /// score would be the same too, but tantivy then records no block maxima for WAND.)
    pub placed_alliance: Field,
    /// A resource's scope term filed under its part like `placed_topic` (`d12:s34`): one
    /// token, so every resource with a scope term scores the same on it. A need's query has a
    /// clause for each region of its chain below the city, worth that region's proximity
    /// lift, so the query score carries the proximity and pruning need not leave room for it.
    pub placed_scope: Field,
    /// A resource's distinct terms, without frequencies: how many resources have a word,
    /// whatever part they are filed under. With `body` and `placed` it gives the statistics of
    /// one body field over both lists (`matching::query::BodyStats`), so a resource scores
    /// exactly as it would if its text were in `body`.
    pub words: Field,
    /// Availability window (resources) or the [today, needed-by] window (needs), as days
    /// since 1970; open ends are `i64::MIN` / `i64::MAX`.
    pub from: Field,
    pub until: Field,
    /// The review-by day: past it, the entry is not matched (until confirmed).
    pub review_by: Field,
    pub quantity: Field,
}

/// Text indexed (not stored) with `tokenizer`, recording `what` of each term.
fn indexed(tokenizer: &str, what: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(what),
    )
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // The text as written, stored for reasons and snippets; what is searched is indexed in
    // `body` (needs), `placed` and `words` (resources).
    let text = TextOptions::default().set_stored();
    let fields = Fields {
        key: b.add_text_field("key", STRING),
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        kind: b.add_text_field("kind", STRING | STORED | FAST),
        city: b.add_u64_field("city", INDEXED | FAST),
        status: b.add_text_field("status", STRING | STORED | FAST),
        category: b.add_text_field("category", STRING | STORED | FAST),
        topic: b.add_text_field("topic", indexed("raw", IndexRecordOption::WithFreqs)),
        covers: b.add_text_field("covers", STRING | STORED | FAST),
        within: b.add_text_field("within", STRING),
        organization: b.add_u64_field("organization", INDEXED | STORED),
        alliances: b.add_u64_field("alliances", INDEXED | STORED | FAST),
        title: b.add_text_field("title", text.clone()),
        tags: b.add_text_field("tags", text.clone()),
        description: b.add_text_field("description", text),
        body: b.add_text_field("body", indexed(TOKENIZER, IndexRecordOption::WithFreqs)),
        placed: b.add_text_field(
            "placed",
            indexed(PLACED_TOKENIZER, IndexRecordOption::WithFreqs),
        ),
        words: b.add_text_field("words", indexed(TOKENIZER, IndexRecordOption::Basic)),
        placed_topic: b
            .add_text_field("placed_topic", indexed("raw", IndexRecordOption::WithFreqs)),
        placed_alliance: b.add_text_field(
            "placed_alliance",
            indexed("raw", IndexRecordOption::WithFreqs),
        ),
        placed_scope: b
            .add_text_field("placed_scope", indexed("raw", IndexRecordOption::WithFreqs)),
        from: b.add_i64_field("from", INDEXED | FAST),
        until: b.add_i64_field("until", INDEXED | FAST),
        review_by: b.add_i64_field("review_by", FAST),
        quantity: b.add_i64_field("quantity", STORED | FAST),
    };
    (b.build(), fields)
}
