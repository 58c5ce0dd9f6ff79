//! Clinical sign-off: a hash of everything patients see of an article (its title,
//! summary, audience, locale, body with its structure, the disclaimers it shows, its
//! sources and its media), recorded in its front matter with who signed it off and
//! when by `healthpress sign-off` after a clinical review, and checked by
//! `changed-since-review`.
//!
//! White space is folded first, so re-wrapping lines or changing line endings does not
//! count as a change; any change of words does. The body is hashed from its parse
//! (`Body::shape` and its text blocks), not its characters: text moved into or out of
//! a callout, a list or a table changes the hash, however the lines are wrapped.
//!
//! `sign_off` is a mapping, `{hash: "v2:sha256:<hex>", by: NAME, on: YYYY-MM-DD}`. A
//! plain `sign_off: sha256:<hex>` is the first, narrower hash (summary, body text,
//! disclaimers and sources only): it is recognised, and reported as needing one more
//! clinical review.

use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::content::Article;
use crate::content::markdown::Body;
use crate::content::shape::{self, Event};

pub const FIELD: &str = "sign_off";
/// The prefix of the current hash: its version and algorithm.
pub const HASH_PREFIX: &str = "v2:sha256:";

/// What an article's `sign_off` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded<'a> {
    None,
    /// `sha256:<hex>`: the first hash, which covered less than patients see.
    Legacy(&'a str),
    Current {
        hash: &'a str,
        by: &'a str,
        on: &'a str,
    },
    /// Anything else (the schema rule says what is wrong with it).
    Malformed,
}

/// The article's recorded sign-off.
pub fn recorded(article: &Article) -> Recorded<'_> {
    match article.front.value.get(FIELD) {
        None => Recorded::None,
        Some(Value::String(s)) if s.starts_with("sha256:") => Recorded::Legacy(s),
        Some(Value::Object(m)) => {
            let get = |k: &str| m.get(k).and_then(Value::as_str);
            match (get("hash"), get("by"), get("on")) {
                (Some(hash), Some(by), Some(on)) => Recorded::Current { hash, by, on },
                _ => Recorded::Malformed,
            }
        }
        Some(_) => Recorded::Malformed,
    }
}

/// The names of the article's `reviewers`.
pub fn reviewer_names(article: &Article) -> Vec<&str> {
    article
        .front
        .value
        .get("reviewers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("name")?.as_str())
        .collect()
}

/// `v2:sha256:<hex>` of what patients see of the article, from its parsed body, sealed
/// with who signed it off (`by`) and when (`on`, `YYYY-MM-DD`), so that neither can be
/// edited by hand either; None when the front matter is unreadable.
pub fn clinical_hash(article: &Article, body: &Body, by: &str, on: &str) -> Option<String> {
    if !article.has_front_matter() {
        return None;
    }
    let mut h = Canon(Vec::with_capacity(article.file.text.len() + 256));
    h.update(b"by\0");
    h.update(by.as_bytes());
    h.update(b"\0on\0");
    h.update(on.as_bytes());
    h.update([0]);
    let front = &article.front.value;
    for key in ["title", "summary", "audience", "locale"] {
        h.update(key.as_bytes());
        h.update([0]);
        value(&mut h, front.get(key));
    }
    h.update(b"body\0");
    body_into(&mut h, body);
    for key in ["disclaimers", "sources", "media"] {
        h.update(key.as_bytes());
        h.update([0]);
        value(&mut h, front.get(key));
    }
    Some(format!("{HASH_PREFIX}{}", hex(&h.finalize())))
}

/// The canonical form of what is hashed, gathered whole and hashed once: it comes in
/// thousands of small pieces, and feeding each to the hasher cost more than hashing.
struct Canon(Vec<u8>);

impl Canon {
    fn update(&mut self, piece: impl AsRef<[u8]>) {
        self.0.extend_from_slice(piece.as_ref());
    }

    fn finalize(&self) -> [u8; 32] {
        Sha256::digest(&self.0).into()
    }
}

/// A front-matter value, its strings folded and its mappings' keys sorted, each part
/// tagged with its type so that no two values feed the hash the same bytes.
fn value(h: &mut Canon, v: Option<&Value>) {
    match v {
        None => h.update(b"-"),
        Some(Value::Null) => h.update(b"n"),
        Some(Value::Bool(b)) => h.update(if *b { b"t" } else { b"f" }),
        Some(Value::Number(n)) => {
            h.update(b"#");
            h.update(n.to_string().as_bytes());
            h.update([0]);
        }
        Some(Value::String(s)) => {
            h.update(b"s");
            fold_pieces(s, |piece| h.update(piece));
            h.update([0]);
        }
        Some(Value::Array(items)) => {
            h.update(b"[");
            for item in items {
                value(h, Some(item));
            }
            h.update(b"]");
        }
        Some(Value::Object(map)) => {
            h.update(b"{");
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for k in keys {
                h.update(k.as_bytes());
                h.update([0]);
                value(h, map.get(k));
            }
            h.update(b"}");
        }
    }
}

/// The body as its parse saw it: every block and inline element of `Body::shape`, with
/// the folded text of each leaf block (and of code) in its place.
fn body_into(h: &mut Canon, body: &Body) {
    let mut out = Folder::new(|piece: &[u8]| h.update(piece));
    body_stream(body, &mut out);
}

/// Feed `body`'s canonical form to `out` (separate from the hash for the tests).
fn body_stream<F: FnMut(&[u8])>(body: &Body, out: &mut Folder<F>) {
    let mut blocks = body.blocks.iter();
    // The current leaf block's text and how much of it has been fed.
    let mut leaf: Option<(&str, usize)> = None;
    for event in shape::events(&body.shape) {
        match event {
            Event::Open {
                name,
                leaf: is_leaf,
            } => {
                out.block(if is_leaf { shape::LEAF } else { shape::OPEN }, name);
                if is_leaf {
                    leaf = Some((blocks.next().map_or("", |b| b.text.as_str()), 0));
                }
            }
            Event::Inline { at, name } => {
                if let Some((text, fed)) = &mut leaf {
                    out.text(text.get(*fed..at).unwrap_or(""));
                    *fed = at.max(*fed);
                }
                out.inline(shape::INLINE, name);
            }
            Event::End { at } => {
                if let Some((text, fed)) = &mut leaf {
                    out.text(text.get(*fed..at).unwrap_or(""));
                    *fed = at.max(*fed);
                }
                out.inline(shape::END, b"");
            }
            Event::Literal(bytes) => {
                out.text(std::str::from_utf8(bytes).unwrap_or(""));
                out.block(shape::LITERAL, b"");
            }
            Event::Close => {
                if let Some((text, fed)) = leaf.take() {
                    out.text(text.get(fed..).unwrap_or(""));
                }
                out.block(shape::CLOSE, b"");
            }
        }
    }
}

/// An earlier version of `current`'s file, parsed as the check parses it (no schema):
/// the article and its body.
pub fn parse_version(
    current: &Article,
    text: String,
    markdown: &crate::content::markdown::Markdown,
) -> Option<(Article, Body)> {
    let file =
        crate::source::SourceFile::new(current.file.path.clone(), current.file.name.clone(), text);
    parse_text(file, current.kind, markdown)
}

/// A file's text parsed as the check parses it (no schema): the article and its body.
fn parse_text(
    file: crate::source::SourceFile,
    kind: crate::content::FileKind,
    markdown: &crate::content::markdown::Markdown,
) -> Option<(Article, Body)> {
    use crate::content::{split, yaml};
    let file = std::sync::Arc::new(file);
    let parts = split::split(&file.text).ok()?;
    let front = yaml::load(&file, parts.yaml.clone()).ok()?;
    let body = markdown.body(&file, parts.body.clone());
    let article = Article {
        kind,
        file,
        unreadable: None,
        front_problem: None,
        front_range: parts.yaml,
        body_range: parts.body,
        front,
        violations: Default::default(),
        body: Body::default(),
        indexed_only: false,
    };
    Some((article, body))
}

/// Where `new` first differs from `old` in what patients see, and what is there: the
/// first differing front-matter field (by its place in the file), else the first
/// differing block of the body.
pub fn first_difference(
    old: &Article,
    old_body: &Body,
    new: &Article,
    new_body: &Body,
) -> Option<(std::ops::Range<usize>, String)> {
    let fields = [
        "title",
        "summary",
        "audience",
        "locale",
        "disclaimers",
        "sources",
        "media",
    ];
    let front = fields
        .iter()
        .filter_map(|key| {
            let pointer = differing(
                old.front.value.get(*key),
                new.front.value.get(*key),
                format!("/{key}"),
            )?;
            Some((new.value_range(&pointer), pointer))
        })
        .min_by_key(|(range, _)| range.start);
    if let Some((range, pointer)) = front {
        return Some((range, format!("`{}`", &pointer[1..])));
    }
    let (old_segments, new_segments) = (segments(old_body), segments(new_body));
    let i = (0..old_segments.len().max(new_segments.len()))
        .find(|&i| old_segments.get(i) != new_segments.get(i))?;
    let block = new_segments[i.min(new_segments.len())..]
        .iter()
        .chain(new_segments[..i.min(new_segments.len())].iter().rev())
        .find_map(|(_, leaf)| *leaf)
        .and_then(|b| new_body.blocks.get(b));
    let range = match block {
        Some(b) => b.range.clone(),
        None => new.body_range.clone(),
    };
    Some((range, "the body here".into()))
}

/// The JSON pointer of the first place where two front-matter values differ as the
/// hash sees them, or None when they do not.
fn differing(old: Option<&Value>, new: Option<&Value>, pointer: String) -> Option<String> {
    let digest = |v: Option<&Value>| {
        let mut h = Canon(Vec::new());
        value(&mut h, v);
        h.finalize()
    };
    if digest(old) == digest(new) {
        return None;
    }
    match (old, new) {
        (Some(Value::Array(a)), Some(Value::Array(b))) => (0..a.len().max(b.len()))
            .find_map(|i| differing(a.get(i), b.get(i), format!("{pointer}/{i}")))
            .or(Some(pointer)),
        // One field of an entry changed: that field; more (another entry): the entry.
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut found = b
                .keys()
                .chain(a.keys().filter(|k| !b.contains_key(*k)))
                .filter_map(|k| differing(a.get(k), b.get(k), format!("{pointer}/{k}")));
            match (found.next(), found.next()) {
                (Some(one), None) => Some(one),
                _ => Some(pointer),
            }
        }
        _ => Some(pointer),
    }
}

/// The body's canonical form cut at the start of each block, each piece with the
/// index of its text block when it starts a leaf block.
fn segments(body: &Body) -> Vec<(Vec<u8>, Option<usize>)> {
    let mut segments: Vec<(Vec<u8>, Option<usize>)> = vec![(Vec::new(), None)];
    let mut leaves = 0;
    {
        let mut out = Folder::new(|piece: &[u8]| match piece {
            [shape::OPEN] => segments.push((piece.to_vec(), None)),
            [shape::LEAF] => {
                segments.push((piece.to_vec(), Some(leaves)));
                leaves += 1;
            }
            _ => {
                if let Some(last) = segments.last_mut() {
                    last.0.extend_from_slice(piece);
                }
            }
        });
        body_stream(body, &mut out);
    }
    segments
}

/// Text fed in pieces, its white space folded across them as if it were one text,
/// with markers between the pieces: one space stands where any white space was
/// between two words, or between a word and an inline marker.
struct Folder<F: FnMut(&[u8])> {
    emit: F,
    /// A word or inline marker has been fed since the last block marker.
    started: bool,
    /// White space has been fed since then.
    pending: bool,
}

impl<F: FnMut(&[u8])> Folder<F> {
    fn new(emit: F) -> Self {
        Folder {
            emit,
            started: false,
            pending: false,
        }
    }

    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let starts_white = text.chars().next().is_some_and(char::is_whitespace);
        let ends_white = text.chars().next_back().is_some_and(char::is_whitespace);
        let mut first = true;
        let (started, pending, emit) = (self.started, self.pending, &mut self.emit);
        fold_pieces(text, |piece| {
            if first {
                first = false;
                if started && (pending || starts_white) {
                    emit(b" ");
                }
            }
            emit(piece);
        });
        if first {
            // White space alone.
            self.pending = true;
        } else {
            self.started = true;
            self.pending = ends_white;
        }
    }

    /// An inline marker: the white space before it counts as one space.
    fn inline(&mut self, marker: u8, name: &[u8]) {
        if self.started && self.pending {
            (self.emit)(b" ");
        }
        (self.emit)(&[marker]);
        (self.emit)(name);
        (self.emit)(&[0]);
        self.started = true;
        self.pending = false;
    }

    /// A block marker: white space around it does not count.
    fn block(&mut self, marker: u8, name: &[u8]) {
        (self.emit)(&[marker]);
        (self.emit)(name);
        (self.emit)(&[0]);
        self.started = false;
        self.pending = false;
    }
}

/// Append `text` with its white space folded (see `fold_pieces`).
#[cfg(test)]
fn fold_into(text: &str, out: &mut Vec<u8>) {
    fold_pieces(text, |piece| out.extend_from_slice(piece));
}

/// `text` with its white space folded, in pieces to `emit`: the words of
/// `str::split_whitespace` joined by single spaces. The text between irregular bytes
/// (see `next_irregular`) is already folded, so it is passed on whole: every signed
/// article is folded on every check.
fn fold_pieces(text: &str, mut emit: impl FnMut(&[u8])) {
    let bytes = text.as_bytes();
    let mut first = true;
    let mut flush = |run: &[u8]| {
        // A run may end in the single space before the white space that ended it.
        let run = run.strip_suffix(b" ").unwrap_or(run);
        if !run.is_empty() {
            if !first {
                emit(b" ");
            }
            first = false;
            emit(run);
        }
    };
    let mut start = skip_white(text, 0);
    let mut i = start;
    loop {
        i = next_irregular(bytes, i);
        if i == bytes.len() {
            break;
        }
        if white_len(text, i) == 0 {
            // A character like ’ that only shares its first byte with white space.
            i += 1;
        } else {
            flush(&bytes[start..i]);
            start = skip_white(text, i);
            i = start;
        }
    }
    flush(&bytes[start..]);
}

/// The length of the white-space character at `i` (a character boundary), or 0.
fn white_len(text: &str, i: usize) -> usize {
    match text.as_bytes()[i] {
        b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b' ' => 1,
        b if b < 0x80 => 0,
        _ => text[i..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8),
    }
}

/// The end of the white space starting at `i`.
fn skip_white(text: &str, mut i: usize) -> usize {
    while i < text.len() {
        match white_len(text, i) {
            0 => break,
            n => i += n,
        }
    }
    i
}

/// The first irregular byte at or after `i`, or the length: a byte below 0x0e (the
/// ASCII white space but the space, and some controls), the first of two spaces, or a
/// first byte that non-ASCII white space starts with (0xc2, 0xe0 to 0xe3). A single
/// space is regular: white space around it is irregular in its own right.
fn next_irregular(bytes: &[u8], mut i: usize) -> usize {
    // Eight bytes at a time, each test leaving the top bit of the bytes that pass.
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const LOW7: u64 = ONES * 0x7f;
    const HIGH: u64 = ONES * 0x80;
    let below = |x: u64, n: u8| !(((x & LOW7) + ONES * (0x80 - n as u64)) | x) & HIGH;
    let zero = |x: u64| !(((x & LOW7) + LOW7) | x) & HIGH;
    while let (Some(a), Some(b)) = (bytes.get(i..i + 8), bytes.get(i + 1..i + 9)) {
        let w = u64::from_le_bytes(a.try_into().expect("eight bytes"));
        let next = u64::from_le_bytes(b.try_into().expect("eight bytes"));
        let found = below(w, 0x0e)
            | zero(w ^ (ONES * 0xc2))
            | below(w ^ (ONES * 0xe0), 4)
            | zero((w ^ (ONES * 0x20)) | (next ^ (ONES * 0x20)));
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() {
        match bytes[i] {
            0..0x0e | 0xc2 | 0xe0..=0xe3 => return i,
            b' ' if bytes.get(i + 1) == Some(&b' ') => return i,
            _ => i += 1,
        }
    }
    i
}

/// The previous `fold_into`: what the fast one must agree with.
#[cfg(test)]
fn fold_reference(text: &str, out: &mut Vec<u8>) {
    let mut first = true;
    let mut push = |word: &str| {
        if !first {
            out.push(b' ');
        }
        first = false;
        out.extend_from_slice(word.as_bytes());
    };
    for piece in text.split_ascii_whitespace() {
        if piece.is_ascii() && !piece.contains('\u{b}') {
            push(piece);
        } else {
            piece.split_whitespace().for_each(&mut push);
        }
    }
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// What `healthpress sign-off` records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    pub hash: &'a str,
    pub by: &'a str,
    pub on: chrono::NaiveDate,
}

impl Record<'_> {
    /// As the front matter reads it back.
    pub fn value(&self) -> Value {
        serde_json::json!({ "hash": self.hash, "by": self.by, "on": self.on.to_string() })
    }
}

/// Why `sign-off` cannot write to this front matter safely, if it cannot: it only
/// edits the lines of its own field in a block mapping at the left margin.
pub fn unwritable(yaml: &str) -> Option<String> {
    let mut first = true;
    for line in yaml.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let t = line.trim_end();
        if t == "..." || t.starts_with("... ") {
            return Some(
                "its front matter has a YAML document end marker (`...`); remove that line \
                 (the front matter ends at the closing `---`)"
                    .into(),
            );
        }
        if t.starts_with("---") || t.starts_with('%') && first {
            return Some(format!(
                "its front matter holds `{t}`, which starts another YAML document; remove it"
            ));
        }
        if !first || t.is_empty() || t.starts_with('#') {
            continue;
        }
        first = false;
        match t.chars().next() {
            Some('{') | Some('[') => {
                return Some(
                    "its front matter is written in flow style (`{ ... }`); write one \
                     `key: value` per line"
                        .into(),
                );
            }
            Some(' ') | Some('\t') => {
                return Some(
                    "its front matter is indented; start every top-level field at the left \
                     margin"
                        .into(),
                );
            }
            Some('?' | '&' | '!' | '*' | '-' | '|' | '>') => {
                return Some(format!(
                    "its front matter starts with `{t}`, not a `key: value` field"
                ));
            }
            _ => {}
        }
    }
    None
}

/// The file text with `record` as its `sign_off`: the lines of an existing `sign_off`
/// replaced, or new lines added just before the closing `---`. Nothing else changes.
/// Callers check the result with `verify`.
pub fn with_sign_off(article: &Article, record: &Record<'_>) -> String {
    let text = &article.file.text;
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lines = format!(
        "{FIELD}:{nl}  hash: {}{nl}  by: {}{nl}  on: {}{nl}",
        record.hash,
        serde_json::to_string(record.by).unwrap_or_default(),
        record.on
    );
    let file = &article.file;
    let place = article
        .front
        .span(&format!("/{FIELD}"))
        .and_then(|s| Some((s.key?, s.value)))
        .map(|(key, value)| {
            let start = file.line_range(file.line_of(key.start)).start;
            let last = value.end.saturating_sub(1).max(key.start);
            let end = file.line_range(file.line_of(last)).end;
            // The line's ending goes with it.
            let end = text[end..]
                .strip_prefix("\r\n")
                .or_else(|| text[end..].strip_prefix('\n'))
                .map_or(end, |rest| text.len() - rest.len());
            start..end
        });
    let range = place.unwrap_or(article.front_range.end..article.front_range.end);
    format!("{}{lines}{}", &text[..range.start], &text[range.end..])
}

/// Read `written` back as `healthpress check` will and confirm that it holds `record`
/// as its sign-off, every other field as `before` had it, and the same body.
pub fn verify(before: &Article, written: &str, record: &Record<'_>) -> Result<(), String> {
    use crate::content::{split, yaml};
    let file = crate::source::SourceFile::new(
        before.file.path.clone(),
        before.file.name.clone(),
        written.to_string(),
    );
    let parts =
        split::split(&file.text).map_err(|_| "the front matter would not close".to_string())?;
    let doc = yaml::load(&file, parts.yaml.clone()).map_err(|e| {
        format!(
            "the front matter would not read back ({} at line {})",
            e.message,
            file.line_of(e.range.start)
        )
    })?;
    let mut after = doc.value;
    let got = after.as_object_mut().and_then(|m| m.remove(FIELD));
    if got.as_ref() != Some(&record.value()) {
        return Err("the new sign-off would not be read back".into());
    }
    let mut old = before.front.value.clone();
    if let Some(m) = old.as_object_mut() {
        m.remove(FIELD);
    }
    if after != old {
        return Err("other fields of the front matter would read differently".into());
    }
    if file.text[parts.body] != before.file.text[before.body_range.clone()] {
        return Err("the body would change".into());
    }
    Ok(())
}

/// Replace a file's contents without ever leaving it half written.
pub fn write_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A new file with an unpredictable name, created exclusively: a fixed name beside
    // the article could be a link that someone planted in the repository, which the
    // write would follow and the rename would put in the article's place.
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".healthpress-tmp")
        .tempfile_in(dir)?;
    tmp.write_all(contents.as_bytes())?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    tmp.persist(path).map(drop).map_err(|e| e.error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::FileKind;
    use crate::content::markdown::Markdown;
    use crate::source::SourceFile;

    /// An article with every part patients see: front matter, a callout, a list, a
    /// table, a link and a video.
    const ARTICLE: &str = "---\nid: a\ntitle: Back pain\nsummary: Why it aches.\n\
        audience: patient\nlocale: en-GB\ntopics: [pregnancy]\nstatus: published\n\
        disclaimers: [general-medical]\nsources:\n  - title: NHS\n    url: https://nhs.uk\n\
        media:\n  - id: v\n    kind: video\n    src: v.mp4\n    alt: A video\n\
        \x20   caption: Stretching\n    transcript: Stop if it hurts.\n---\n\
        # Back pain\n\nRest and stretch gently every day.\n\n\
        > [!WARNING]\n> Stop if it hurts.\n\n- Walk daily\n- Swim weekly\n\n\
        | Do | Don't |\n| --- | --- |\n| rest | lift |\n\n\
        See [the NHS](https://nhs.uk) and ![a stretch](media:v).\n";

    fn parse(text: &str) -> (Article, Body) {
        let file = SourceFile::new("a.md".into(), "a.md".into(), text.to_string());
        parse_text(file, FileKind::Article, &Markdown::new()).expect("parses")
    }

    fn hash(text: &str) -> String {
        let (a, body) = parse(text);
        clinical_hash(&a, &body, "Dr A", "2026-12-06").expect("a hash")
    }

    // Every part patients see is in the hash: each field of the list, the words, the
    // links, and who signed it off and when.
    #[test]
    fn everything_patients_see_changes_the_hash() {
        let base = hash(ARTICLE);
        for (from, to) in [
            ("title: Back pain", "title: Back ache"),
            ("Why it aches.", "Why it hurts."),
            ("audience: patient", "audience: caregiver"),
            ("locale: en-GB", "locale: en-US"),
            ("[general-medical]", "[general-medical, pregnancy]"),
            ("url: https://nhs.uk\n", "url: https://nhs.uk/x\n"),
            ("src: v.mp4", "src: w.mp4"),
            ("alt: A video", "alt: A film"),
            ("caption: Stretching", "caption: Lifting"),
            ("transcript: Stop if", "transcript: Keep going even if"),
            (
                "    transcript: Stop if it hurts.\n",
                "    transcript: Stop if it hurts.\n  - id: w\n    kind: image\n    src: w.png\n    alt: W\n",
            ),
            ("Rest and stretch", "Rest and lift"),
            ("# Back pain\n", "## Back pain\n"),
            ("[!WARNING]", "[!NOTE]"),
            ("- Swim weekly", "- Swim daily"),
            ("| rest |", "| sleep |"),
            ("(https://nhs.uk)", "(https://example.com)"),
            ("gently every", "*gently* every"),
        ] {
            let changed = ARTICLE.replacen(from, to, 1);
            assert_ne!(changed, ARTICLE, "{from:?} is in the article");
            assert_ne!(hash(&changed), base, "{from:?} -> {to:?}");
        }
        let (a, body) = parse(ARTICLE);
        assert_ne!(
            clinical_hash(&a, &body, "Dr B", "2026-12-06").unwrap(),
            base
        );
        assert_ne!(
            clinical_hash(&a, &body, "Dr A", "2026-12-07").unwrap(),
            base
        );
    }

    // Re-wrapping lines (in paragraphs, callouts, list items and YAML strings), extra
    // spaces and CRLF line endings do not change it.
    #[test]
    fn rewrapping_and_line_endings_do_not_change_it() {
        let base = hash(ARTICLE);
        let rewrapped = ARTICLE
            .replacen(
                "Rest and stretch gently every day.",
                "Rest and\nstretch   gently\n  every day.",
                1,
            )
            .replacen("> Stop if it hurts.", "> Stop if\n> it hurts.", 1)
            .replacen(
                "transcript: Stop if it hurts.",
                "transcript: Stop if\n      it hurts.",
                1,
            )
            .replacen("- Walk daily", "- Walk\n  daily", 1)
            .replacen("See [the NHS]", "See\n[the\nNHS]", 1);
        assert_eq!(hash(&rewrapped), base);
        assert_eq!(hash(&ARTICLE.replace('\n', "\r\n")), base);
        // A lazy continuation line stays in its callout.
        let lazy = ARTICLE.replacen("> Stop if it hurts.", "> Stop if\nit hurts.", 1);
        assert_eq!(hash(&lazy), base);
    }

    // Text moved into or out of a callout, a list or a table, or from one paragraph to
    // the next, changes the hash, though the words and their order stay the same.
    #[test]
    fn structure_moves_change_it() {
        let base = "---\nid: a\ntitle: T\nsummary: S.\naudience: patient\n---\n\
            > [!WARNING]\n> Stop if it hurts.\nKeep going.\n\n\
            - Walk daily\nSwim weekly\n\n\
            | Do | Don't |\n| --- | --- |\n| rest | lift |\nCarry on.\n\n\
            End one.\nEnd two.\n\n    code\n\nafter\n";
        for (from, to) in [
            (
                "> Stop if it hurts.\nKeep going.",
                "> Stop if it hurts.\n\nKeep going.",
            ),
            ("- Walk daily\nSwim weekly", "- Walk daily\n\nSwim weekly"),
            ("| rest | lift |\nCarry on.", "| rest | lift |\n\nCarry on."),
            ("End one.\nEnd two.", "End one.\n\nEnd two."),
            ("\n    code\n", "\ncode\n"),
        ] {
            let moved = base.replacen(from, to, 1);
            assert_ne!(moved, base, "{from:?}");
            assert_ne!(hash(&moved), hash(base), "{from:?} -> {to:?}");
        }
    }

    // An HTML comment is not seen by readers: adding one does not change the hash.
    #[test]
    fn comments_do_not_count() {
        let with = ARTICLE.replacen("# Back pain\n", "# Back pain\n\n<!-- a note -->\n", 1);
        assert_eq!(hash(&with), hash(ARTICLE));
    }

    // The old plain hash is told apart from the current mapping and from anything else.
    #[test]
    fn reads_what_is_recorded() {
        let with = |v: &str| parse(&ARTICLE.replacen("---\n#", &format!("{v}\n---\n#"), 1));
        let (a, _) = with("sign_off: sha256:00");
        assert_eq!(recorded(&a), Recorded::Legacy("sha256:00"));
        let (a, _) = with("sign_off:\n  hash: v2:sha256:1\n  by: Dr A\n  on: 2026-12-06");
        assert_eq!(
            recorded(&a),
            Recorded::Current {
                hash: "v2:sha256:1",
                by: "Dr A",
                on: "2026-12-06"
            }
        );
        for bad in [
            "sign_off:",
            "sign_off: 7",
            "sign_off: {hash: x}",
            "sign_off: [a]",
        ] {
            assert_eq!(recorded(&with(bad).0), Recorded::Malformed, "{bad}");
        }
        assert_eq!(recorded(&parse(ARTICLE).0), Recorded::None);
    }

    // Front matter that sign-off cannot edit line by line is refused by name.
    #[test]
    fn refuses_what_it_cannot_rewrite() {
        assert!(unwritable("id: a\ntitle: T\n").is_none());
        assert!(unwritable("# note\n\nid: a\n").is_none());
        for (yaml, says) in [
            ("id: a\n...\n", "`...`"),
            ("{id: a, title: T}\n", "flow style"),
            ("  id: a\n  title: T\n", "indented"),
            ("id: a\n--- \n", "another YAML document"),
            ("? id\n: a\n", "not a `key: value`"),
        ] {
            let why = unwritable(yaml).unwrap_or_default();
            assert!(why.contains(says), "{yaml:?}: {why}");
        }
    }

    // The sign-off replaces an existing one (old or new, whatever its layout) or is
    // added before the closing line; CRLF is kept, a name with YAML syntax is quoted,
    // and what is written reads back with every other field the same.
    #[test]
    fn writes_the_field_and_reads_it_back() {
        let on = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let record = Record {
            hash: "v2:sha256:ab",
            by: "Dr O'Neil: \"GP\" #1",
            on,
        };
        for (text, want) in [
            (
                "---\nid: a\n---\nbody\n",
                "---\nid: a\nsign_off:\n  hash: v2:sha256:ab\n  by: \"Dr O'Neil: \\\"GP\\\" #1\"\n  on: 2026-12-06\n---\nbody\n",
            ),
            (
                "---\nid: a\nsign_off: sha256:00\nx: 1\n---\n",
                "---\nid: a\nsign_off:\n  hash: v2:sha256:ab\n  by: \"Dr O'Neil: \\\"GP\\\" #1\"\n  on: 2026-12-06\nx: 1\n---\n",
            ),
            (
                "---\r\nid: a\r\nsign_off:\r\n  hash: v2:sha256:00\r\n  by: B\r\n  on: 2026-01-01\r\nx: 1\r\n---\r\n",
                "---\r\nid: a\r\nsign_off:\r\n  hash: v2:sha256:ab\r\n  by: \"Dr O'Neil: \\\"GP\\\" #1\"\r\n  on: 2026-12-06\r\nx: 1\r\n---\r\n",
            ),
            (
                "---\nid: a\nsign_off: {hash: v2:sha256:00, by: B, on: 2026-01-01}\n---\n",
                "---\nid: a\nsign_off:\n  hash: v2:sha256:ab\n  by: \"Dr O'Neil: \\\"GP\\\" #1\"\n  on: 2026-12-06\n---\n",
            ),
        ] {
            let (a, _) = parse(text);
            let written = with_sign_off(&a, &record);
            assert_eq!(written, want, "{text:?}");
            assert_eq!(verify(&a, &written, &record), Ok(()), "{text:?}");
        }
        // A written file that would read differently is caught.
        let (a, _) = parse("---\nid: a\n---\nbody\n");
        let broken =
            "---\nid: b\nsign_off:\n  hash: v2:sha256:ab\n  by: x\n  on: 2026-12-06\n---\nbody\n";
        assert!(verify(&a, broken, &record).is_err());
    }

    // Inside a git history, the first difference from the signed-off version is named:
    // the front-matter field that changed, else the body block.
    #[test]
    fn names_the_first_difference() {
        let (old, old_body) = parse(ARTICLE);
        let at = |text: &str| {
            let (new, body) = parse(text);
            let (range, what) = first_difference(&old, &old_body, &new, &body).expect("differs");
            (new.file.span(range).line, what)
        };
        let t = ARTICLE.replacen("transcript: Stop if", "transcript: Keep going even if", 1);
        assert_eq!(at(&t), (19, "`media/0/transcript`".to_string()));
        let t = ARTICLE.replacen("| rest |", "| sleep |", 1);
        assert_eq!(at(&t), (33, "the body here".to_string()));
        let t = ARTICLE.replacen(
            "> Stop if it hurts.\n\n",
            "> Stop if it hurts.\nKeep going.\n\n",
            1,
        );
        assert_eq!(at(&t).0, 26);
    }

    // Lower-case hex, two digits a byte, as every recorded sign-off and checksum has it.
    #[test]
    fn hex_is_lower_case_two_digits_a_byte() {
        let all: Vec<u8> = (0..=255).collect();
        let expected: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex(&all), expected);
        assert_eq!(hex(&[0x0a, 0xff]), "0aff");
    }

    // Folding agrees with split_whitespace joined by spaces, Unicode spaces included.
    #[test]
    fn folding_matches_split_whitespace() {
        for t in [
            "",
            "  a  b\tc\r\nd ",
            "x\u{a0}y\u{2003}z é\u{b}ü\u{c}",
            "\u{3000}end",
        ] {
            let mut out = Vec::new();
            fold_into(t, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                t.split_whitespace().collect::<Vec<_>>().join(" "),
                "{t:?}"
            );
        }
    }

    /// `t` folded by `f` after some output, as `clinical_hash` folds it.
    fn fold(f: fn(&str, &mut Vec<u8>), t: &str) -> String {
        let mut out = b"x".to_vec();
        f(t, &mut out);
        String::from_utf8(out).unwrap()
    }

    // ASCII letters, ASCII white space, and non-ASCII white space and letters (’ starts
    // with the same byte as most of the white space).
    const PIECES: &[&str] = &[
        "a", "b", "Z", " ", " ", " ", "\n", "\t", "\r", "\u{b}", "\u{c}", "é", "’", "\u{a0}",
        "\u{2003}", "\u{3000}", "\u{85}", "\u{2028}",
    ];

    proptest::proptest! {
        #![proptest_config(crate::proptest_cases(1000))]

        // The fast fold agrees with the reference.
        #[test]
        fn fold_matches_reference(
            parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..200),
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(fold(fold_into, &text), fold(fold_reference, &text));
        }

        // Text fed to the body's folder in pieces folds as the whole text does, wherever
        // it is cut: the pieces of a block's text between its inline elements.
        #[test]
        fn folding_in_pieces_folds_the_whole(
            parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..120),
            cuts in proptest::collection::vec(0usize..=120, 0..6),
        ) {
            let text = parts.concat();
            let mut whole = Vec::new();
            fold_into(&text, &mut whole);
            let mut bounds: Vec<usize> = cuts
                .iter()
                .filter_map(|&c| (0..=c.min(text.len())).rev().find(|&i| text.is_char_boundary(i)))
                .collect();
            bounds.sort_unstable();
            let mut pieces = Vec::new();
            {
                let mut folder = Folder::new(|p: &[u8]| pieces.extend_from_slice(p));
                let mut from = 0;
                for b in bounds.into_iter().chain([text.len()]) {
                    folder.text(&text[from..b]);
                    from = b;
                }
            }
            proptest::prop_assert_eq!(String::from_utf8(pieces).unwrap(), String::from_utf8(whole).unwrap());
        }

        #[test]
        fn fold_matches_reference_on_any_text(text in "\\PC{0,200}") {
            proptest::prop_assert_eq!(fold(fold_into, &text), fold(fold_reference, &text));
        }
    }

    // Edge cases: no words, white space at the ends, runs of it, and every kind of it.
    #[test]
    fn fold_edge_cases() {
        let mut cases: Vec<String> = [
            "",
            " ",
            "   \n\t ",
            "a",
            " a",
            "a ",
            "  a  b  ",
            "a  b",
            "a \nb",
            "a\n b",
            "a \u{a0} b",
            "a ’ b",
            "’ a’b ’",
            " ’",
            "’ ",
            "a\u{2019}\u{2000}b",
            "\u{e000}\u{1680}x",
            "\u{0}\u{1}\u{8}\u{e}\u{1f} a",
            "words and words\nwith one space between them, for more than eight bytes ",
            "first  second   third\t\tfourth \r\n fifth\u{a0}\u{a0}sixth  seventh",
        ]
        .map(String::from)
        .to_vec();
        for c in (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
        {
            cases.push(format!("{c}"));
            cases.push(format!("a{c}b"));
            cases.push(format!("a {c} b{c}"));
            cases.push(format!(
                "{c}long enough to be read eight bytes at a time{c}{c}"
            ));
        }
        for t in &cases {
            let want = t.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(fold(fold_reference, t), format!("x{want}"), "{t:?}");
            assert_eq!(fold(fold_into, t), format!("x{want}"), "{t:?}");
        }
    }

    // A link planted where the temporary file used to go (a fixed name beside the
    // article) is neither written through nor moved into the article's place.
    #[cfg(unix)]
    #[test]
    fn write_atomically_ignores_a_planted_link() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.md");
        let outside = dir.path().join("outside.txt");
        std::fs::write(&article, "old").unwrap();
        std::fs::write(&outside, "untouched").unwrap();
        std::os::unix::fs::symlink(&outside, dir.path().join(".a.md.healthpress-tmp")).unwrap();
        write_atomically(&article, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "untouched");
        assert!(
            !std::fs::symlink_metadata(&article)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&article).unwrap(), "new");
    }
}
