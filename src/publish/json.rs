//! An article's JSON, serialised once. A changed article's file is put together twice
//! (with its old revision, to compare with the previous bundle, then with its new one),
//! and escaping the HTML and text strings is most of the cost, so each part is
//! serialised once and the file is assembled from the same bytes, exactly as
//! `serde_json::to_vec` would have written it.

use serde::Serialize;

use crate::publish::model::PublishedArticle;

/// The compact JSON of the long fields of a `PublishedArticle`.
pub(super) struct Parts {
    pub front_matter: Vec<u8>,
    pub html: Vec<u8>,
    pub sections: Vec<u8>,
    pub callouts: Vec<u8>,
    pub disclaimers: Vec<u8>,
    pub links: Vec<u8>,
}

fn compact<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("bundle types serialise")
}

/// `s` as a JSON string, escaped byte for byte as serde_json escapes it: `\"`, `\\`,
/// `\b`, `\t`, `\n`, `\f`, `\r`, and `\u00xx` for the other control characters;
/// everything else as it is. Eight bytes are tested at a time, since the HTML and text
/// of a page are long runs with nothing to escape, and serde_json looks at each byte.
pub(super) fn string(out: &mut Vec<u8>, s: &str) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Whether any byte of `w` is below 0x20, a quote or a backslash (exact: a word
    // with none of them never says yes).
    let special = |w: u64| {
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
        (w.wrapping_sub(ONES * 0x20) & !w & HIGH)
            | zero(w ^ (ONES * b'"' as u64))
            | zero(w ^ (ONES * b'\\' as u64))
            != 0
    };
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let (mut run, mut i) = (0, 0);
    loop {
        i = super::scan::skip_plain(bytes, i, |w| !special(w));
        let Some(&b) = bytes.get(i) else {
            break;
        };
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..0x20 => b"",
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[run..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]);
        } else {
            out.extend_from_slice(escape);
        }
        i += 1;
        run = i;
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

/// A JSON array of objects whose fields are all strings, as serde_json writes such a
/// `Vec` of structs compactly: `fields` gives each item's fields in declared order.
fn string_objects<'a, T, const N: usize>(
    items: &'a [T],
    fields: impl Fn(&'a T) -> [(&'static str, &'a str); N],
) -> Vec<u8> {
    let mut out = Vec::new();
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'{');
        for (j, (name, value)) in fields(item).into_iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            out.push(b'"');
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
            string(&mut out, value);
        }
        out.push(b'}');
    }
    out.push(b']');
    out
}

impl Parts {
    /// The long strings (the HTML of the body, the HTML and text of its callouts and
    /// disclaimers) go through `string`; the front matter and links through serde. A
    /// test holds the result byte for byte to serde_json's on every repo article, so a
    /// field added to one of these types and not here fails it.
    pub(super) fn of(a: &PublishedArticle) -> Parts {
        let mut html = Vec::new();
        string(&mut html, &a.html);
        Parts {
            front_matter: compact(&a.front_matter),
            html,
            sections: string_objects(&a.sections, |s| {
                [("id", s.id.as_str()), ("heading", &s.heading)]
            }),
            callouts: string_objects(&a.callouts, |c| {
                [
                    ("kind", c.kind.as_str()),
                    ("label", &c.label),
                    ("html", &c.html),
                    ("text", &c.text),
                    ("section", &c.section),
                ]
            }),
            disclaimers: string_objects(&a.disclaimers, |d| {
                [
                    ("id", d.id.as_str()),
                    ("title", &d.title),
                    ("html", &d.html),
                    ("text", &d.text),
                ]
            }),
            links: compact(&a.links),
        }
    }

    /// `serde_json::to_vec(a)`, from the parts already serialised (field order as
    /// declared in `PublishedArticle`; a test holds the two equal).
    pub(super) fn article(&self, a: &PublishedArticle) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            256 + self.front_matter.len()
                + self.html.len()
                + self.sections.len()
                + self.callouts.len()
                + self.disclaimers.len()
                + self.links.len(),
        );
        out.extend_from_slice(b"{\"format\":");
        out.extend_from_slice(a.format.to_string().as_bytes());
        out.extend_from_slice(b",\"id\":");
        out.extend(compact(&a.id));
        out.extend_from_slice(b",\"revision\":");
        out.extend_from_slice(a.revision.to_string().as_bytes());
        for (name, part) in [
            ("front_matter", &self.front_matter),
            ("html", &self.html),
            ("sections", &self.sections),
            ("callouts", &self.callouts),
            ("disclaimers", &self.disclaimers),
            ("links", &self.links),
        ] {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
            out.extend_from_slice(part);
        }
        if !a.media.is_empty() {
            out.extend_from_slice(b",\"media\":");
            out.extend(compact(&a.media));
        }
        if let Some(reading) = &a.reading {
            out.extend_from_slice(b",\"reading\":");
            out.extend(compact(reading));
        }
        if let Some(sign_off) = &a.sign_off {
            out.extend_from_slice(b",\"sign_off\":");
            out.extend(compact(sign_off));
        }
        out.push(b'}');
        out
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(crate::proptest_cases(512))]
        // Every byte below 0x20, quotes, backslashes, DEL and non-ASCII text, in runs
        // longer and shorter than the eight bytes tested at once: escaped as serde does.
        #[test]
        fn string_matches_serde_json(s in "[\\x00-\\x1f\"\\\\\x7fa-z <>=é’😀]{0,40}") {
            let mut out = Vec::new();
            super::string(&mut out, &s);
            prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&s).unwrap());
        }
    }
}
