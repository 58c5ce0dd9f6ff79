//! An article's JSON, serialised once. The changelog hashes three parts of it as
//! compact JSON and the bundle holds it pretty-printed; escaping the HTML and text
//! strings is most of the cost, so each part is serialised compactly once, hashed, and
//! the file is assembled from the same bytes and re-indented exactly as
//! `serde_json::to_string_pretty` would have written it.

use serde::Serialize;

use crate::publish::model::PublishedArticle;

/// The compact JSON of each field of a `PublishedArticle` that the part hashes cover.
pub struct Parts {
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

impl Parts {
    pub fn of(a: &PublishedArticle) -> Parts {
        Parts {
            front_matter: compact(&a.front_matter),
            html: compact(&a.html),
            sections: compact(&a.sections),
            callouts: compact(&a.callouts),
            disclaimers: compact(&a.disclaimers),
            links: compact(&a.links),
        }
    }

    /// The body part as the tuple `(html, sections, callouts, links)` serialises: a
    /// JSON array of the four, in pieces for a hasher.
    pub fn body(&self) -> [&[u8]; 9] {
        [
            b"[",
            &self.html,
            b",",
            &self.sections,
            b",",
            &self.callouts,
            b",",
            &self.links,
            b"]",
        ]
    }

    /// `serde_json::to_vec(a)`, from the parts already serialised (field order as
    /// declared in `PublishedArticle`; a test holds the two equal).
    pub fn article(&self, a: &PublishedArticle) -> Vec<u8> {
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
        if let Some(reading) = &a.reading {
            out.extend_from_slice(b",\"reading\":");
            out.extend(compact(reading));
        }
        out.push(b'}');
        out
    }
}

/// Compact JSON (as serde_json writes it: no white space outside strings) re-indented
/// as `serde_json::to_string_pretty` writes it: two spaces a level, `": "` after a key,
/// and `[]` and `{}` for empty containers.
pub fn pretty(compact: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(compact.len() + compact.len() / 8);
    let mut depth = 0usize;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.resize(out.len() + 2 * depth, b' ');
    };
    let mut i = 0;
    while i < compact.len() {
        match compact[i] {
            b'"' => {
                // A string runs to the first quote that no backslash escapes; its
                // bytes are copied as they are.
                let mut end = i + 1;
                loop {
                    match memchr::memchr2(b'"', b'\\', &compact[end..]) {
                        Some(k) if compact[end + k] == b'\\' => end += k + 2,
                        Some(k) => {
                            end += k + 1;
                            break;
                        }
                        None => {
                            end = compact.len();
                            break;
                        }
                    }
                }
                let end = end.min(compact.len());
                out.extend_from_slice(&compact[i..end]);
                i = end;
                continue;
            }
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                out.push(open);
                if compact.get(i + 1) == Some(&close) {
                    out.push(close);
                    i += 2;
                    continue;
                }
                depth += 1;
                newline(&mut out, depth);
            }
            close @ (b'}' | b']') => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(close);
            }
            b',' => {
                out.push(b',');
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::pretty;
    use proptest::prelude::*;
    use serde_json::Value;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            // Quotes, backslashes, control characters, brackets and punctuation that
            // look like structure, and non-ASCII text, all inside strings.
            "[\"\\\\{}\\[\\],: a\\n\\t\\u{1}é’😀]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[\"\\\\{}:,a-z]{0,6}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(crate::proptest_cases(512))]
        // Byte for byte what serde_json's pretty printer writes.
        #[test]
        fn pretty_matches_serde_json(v in value()) {
            let compact = serde_json::to_vec(&v).unwrap();
            let expected = serde_json::to_string_pretty(&v).unwrap();
            prop_assert_eq!(String::from_utf8(pretty(&compact)).unwrap(), expected);
        }
    }
}
