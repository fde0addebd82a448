//! The index schema: one document per resource and per need.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::analyzer::TOKENIZER;

/// Bump when the schema or the analysis changes: an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 2;

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
    /// Availability window (resources) or the [today, needed-by] window (needs), as days
    /// since 1970; open ends are `i64::MIN` / `i64::MAX`.
    pub from: Field,
    pub until: Field,
    pub quantity: Field,
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        key: b.add_text_field("key", STRING),
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        kind: b.add_text_field("kind", STRING | STORED),
        city: b.add_u64_field("city", INDEXED),
        status: b.add_text_field("status", STRING | STORED),
        category: b.add_text_field("category", STRING | STORED | FAST),
        covers: b.add_text_field("covers", STRING | STORED | FAST),
        within: b.add_text_field("within", STRING),
        organization: b.add_u64_field("organization", INDEXED | STORED),
        alliances: b.add_u64_field("alliances", INDEXED | STORED | FAST),
        title: b.add_text_field("title", text.clone()),
        tags: b.add_text_field("tags", text.clone()),
        description: b.add_text_field("description", text),
        from: b.add_i64_field("from", INDEXED | FAST),
        until: b.add_i64_field("until", INDEXED | FAST),
        quantity: b.add_i64_field("quantity", STORED | FAST),
    };
    (b.build(), fields)
}
