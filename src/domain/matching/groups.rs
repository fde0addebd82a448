//! One offer, one item: several units often post the same text (a campaign's template, a
//! circular every member copied), and a coordinator should see it once, with who else offers
//! it, rather than a top three filled by one offer from three units.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use entity::resource;

use crate::search::matching::Ranked;

/// A result as a coordinator sees it: a resource and, when grouped, the same offer from
/// others (see [`same_offer`]).
#[derive(Debug)]
pub struct Matched {
    pub resource: resource::Model,
    pub ranked: Ranked,
    /// The same offer elsewhere, in rank order; each passed the same database re-check as
    /// `resource` (none when not grouped).
    pub others: Vec<(resource::Model, Ranked)>,
}

impl Matched {
    pub fn alone(resource: resource::Model, ranked: Ranked) -> Self {
        Matched {
            resource,
            ranked,
            others: Vec::new(),
        }
    }
}

/// The results in the order given, each offer once: the first of a group (the best ranked)
/// stands for it and the rest become its `others`.
pub fn group_identical(kept: Vec<(resource::Model, Ranked)>) -> Vec<Matched> {
    let mut out: Vec<Matched> = Vec::new();
    let mut at: HashMap<OfferKey, usize> = HashMap::new();
    for (row, r) in kept {
        match at.entry(same_offer(&row)) {
            Entry::Occupied(e) => out[*e.get()].others.push((row, r)),
            Entry::Vacant(e) => {
                e.insert(out.len());
                out.push(Matched::alone(row, r));
            }
        }
    }
    out
}

type OfferKey = (String, String, String);

/// What makes two resources the same offer: the category, and the title and the description
/// each as [`normalise`] leaves them. Tags, quantity, dates and scope are left out on
/// purpose: they tell the copies apart (each is shown with its scope), they do not make
/// another offer. Nothing looser than that: a different word is a different offer, and
/// near-duplicates are `duplicates`' business when an entry is posted.
fn same_offer(r: &resource::Model) -> OfferKey {
    (
        r.category.trim().to_owned(),
        normalise(&r.title),
        normalise(&r.description),
    )
}

/// A text as compared for sameness, differing only in what an input method or a keyboard
/// changes, not in what it says:
/// - full-width forms of ASCII (U+FF01–U+FF5E: ，：（）Ａ１…) become their ASCII sign, the
///   half-width forms of CJK punctuation (｡､｢｣, U+FF61–U+FF64) their usual form;
/// - the CJK punctuation that a Chinese keyboard types where an English one types ASCII,
///   without a width form of its own, becomes that sign: 。→`.`, 、→`,`, “ ”→`"`, ‘ ’→`'`;
/// - ASCII letters are lower-cased (after the width folding, so Ａ, A and a are the same);
///   other scripts are left as they are;
/// - white space (any Unicode space, the ideographic one included) is trimmed at both ends;
///   a run of it inside becomes one ASCII space between two ASCII letters or digits, where it
///   separates words (`wi fi` is not `wifi`), and nothing elsewhere: Chinese is written
///   without spaces, so one between Chinese words or after a comma is layout (送餐 上门 is
///   送餐上门, `热饭，  两荤` is `热饭,两荤`).
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let c = unify(c).to_ascii_lowercase();
        let word = |c: char| c.is_ascii_alphanumeric();
        if space && word(c) && out.chars().next_back().is_some_and(word) {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

fn unify(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{FF61}' | '。' => '.',
        '\u{FF64}' | '、' => ',',
        '\u{FF62}' => '「',
        '\u{FF63}' => '」',
        '“' | '”' => '"',
        '‘' | '’' => '\'',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn only_width_case_and_spacing_are_ignored() {
        assert_eq!(
            normalise("  老年食堂（ＡＡ级）：每日   送餐，“软烂”。 "),
            normalise("老年食堂(aa级):每日 送餐,\"软烂\".")
        );
        assert_eq!(normalise("A\u{3000}b\t\n c"), "a b c");
        assert_eq!(normalise(" 送餐 上门，  每天 "), "送餐上门,每天");
        assert_ne!(normalise("wi fi"), normalise("wifi"));
        assert_eq!(normalise("每日送餐、上门｡"), normalise("每日送餐,上门。"));
        assert_ne!(normalise("送餐上门"), normalise("送餐到家"));
        // Only ASCII case: other scripts keep theirs.
        assert_ne!(normalise("Ä"), normalise("ä"));
    }
}
