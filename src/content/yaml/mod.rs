//! YAML front matter to a JSON value plus a map from JSON pointer to the source span
//! of each key and value, so that a schema error's instance path lands on its line.
//!
//! saphyr keeps positions for every node and bounds alias expansion; nesting depth
//! is bounded here, in a pass over the parser's flat event stream, before anything
//! recursive sees the document.

use std::collections::HashMap;
use std::ops::Range;

use saphyr::Scalar;
use saphyr_parser::{Event, Parser, ScanError, Span as YSpan};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

use crate::source::SourceFile;

mod fast;

/// Deeper front matter is refused before it is built: nothing real nests this far,
/// and a hostile file nested thousands deep would otherwise exhaust the stack.
pub const MAX_DEPTH: usize = 64;
/// At most this many nodes may come from alias expansion (a "billion laughs" guard).
pub const ALIAS_LIMIT: usize = 10_000;

/// Where a key and its value are in the file, as byte ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpan {
    pub key: Option<Range<usize>>,
    pub value: Range<usize>,
}

#[derive(Debug, Default)]
pub struct YamlDoc {
    pub value: Value,
    spans: Spans,
}

/// Every node's span by JSON pointer, packed: the pointers in one string and the
/// ranges as 32-bit offsets, two allocations per file instead of one per node. Every
/// file's front matter is kept for the corpus rules, so this is most of a check's
/// memory after the text itself. Looked up only to place a finding.
#[derive(Debug, Default)]
struct Spans {
    pointers: String,
    /// Per node: where its pointer ends in `pointers`, then its key and value ranges
    /// (a key range of `NONE` when it has no key).
    entries: Vec<[u32; 5]>,
    /// The entries in pointer order, made at the first lookup in a large document
    /// (a hostile list of a million items must not make each lookup a scan).
    sorted: std::sync::OnceLock<Vec<u32>>,
}

const NONE: u32 = u32::MAX;

/// Below this many nodes a lookup scans the entries.
const SCAN_LIMIT: usize = 64;

impl Spans {
    fn insert(&mut self, pointer: &str, span: &NodeSpan) {
        let at = |n: usize| u32::try_from(n).unwrap_or(NONE - 1);
        self.pointers.push_str(pointer);
        let (ks, ke) = match &span.key {
            Some(k) => (at(k.start), at(k.end)),
            None => (NONE, NONE),
        };
        self.entries.push([
            at(self.pointers.len()),
            ks,
            ke,
            at(span.value.start),
            at(span.value.end),
        ]);
    }

    fn pointer(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |p| self.entries[p][0] as usize);
        &self.pointers[start..self.entries[i][0] as usize]
    }

    fn span(&self, i: usize) -> NodeSpan {
        let e = &self.entries[i];
        NodeSpan {
            key: (e[1] != NONE).then(|| e[1] as usize..e[2] as usize),
            value: e[3] as usize..e[4] as usize,
        }
    }

    /// Every (pointer, span), in the order they were recorded.
    #[cfg(test)]
    fn iter(&self) -> impl Iterator<Item = (&str, NodeSpan)> {
        (0..self.entries.len()).map(|i| (self.pointer(i), self.span(i)))
    }

    /// The last span recorded for `pointer`.
    fn get(&self, pointer: &str) -> Option<NodeSpan> {
        let n = self.entries.len();
        if n <= SCAN_LIMIT {
            return (0..n)
                .rev()
                .find(|&i| self.pointer(i) == pointer)
                .map(|i| self.span(i));
        }
        let sorted = self.sorted.get_or_init(|| {
            let mut order: Vec<u32> = (0..n as u32).collect();
            // Stable: among equal pointers the last recorded stays last.
            order.sort_by(|&a, &b| self.pointer(a as usize).cmp(self.pointer(b as usize)));
            order
        });
        let end = sorted.partition_point(|&i| self.pointer(i as usize) <= pointer);
        let last = *sorted.get(end.checked_sub(1)?)? as usize;
        (self.pointer(last) == pointer).then(|| self.span(last))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub range: Range<usize>,
    pub message: String,
    pub help: String,
}

impl YamlDoc {
    /// The spans recorded for a JSON pointer such as `/reviewers/0/credentials`.
    pub fn span(&self, pointer: &str) -> Option<NodeSpan> {
        self.spans.get(pointer)
    }

    /// The closest recorded place for a pointer: the pointer itself, else its nearest
    /// ancestor that has a span.
    pub fn nearest(&self, pointer: &str) -> Option<NodeSpan> {
        let mut p = pointer;
        loop {
            if let Some(s) = self.spans.get(p) {
                return Some(s);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }

    /// The range of a key's name if there is one, else of its value.
    pub fn key_or_value(&self, pointer: &str) -> Option<Range<usize>> {
        self.nearest(pointer)
            .map(|s| s.key.clone().unwrap_or_else(|| s.value.clone()))
    }
}

/// Parse the YAML that sits at `range` of `file` (it starts at the beginning of a line).
///
/// One pass over saphyr-parser's events builds the JSON value and the span of every
/// key and value together: no intermediate tree, and nesting is bounded as it is met,
/// so nothing recursive ever sees a hostile document.
pub fn load(file: &SourceFile, range: Range<usize>) -> Result<YamlDoc, YamlError> {
    let text = &file.text[range.clone()];
    // Front matter as it is nearly always written takes the fast path; whatever it
    // does not know (and every error) is read by the event loader.
    if let Some((value, spans)) = fast::load(text, range.start) {
        return Ok(YamlDoc { value, spans });
    }
    load_events(file, range)
}

/// The event loader: saphyr-parser's events, for any YAML.
fn load_events(file: &SourceFile, range: Range<usize>) -> Result<YamlDoc, YamlError> {
    let text = &file.text[range.clone()];
    let pos = Positions {
        file,
        range: range.clone(),
        first_line: file.line_of(range.start),
        // saphyr counts characters; in ASCII text (nearly all front matter) they are
        // bytes, and a position is the YAML's start plus the marker's index.
        ascii: text.is_ascii().then_some(range.start),
    };
    let mut b = Builder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| pos.scan_error(&e))?;
        let done = b.event(event, &span, &pos)?;
        if done {
            break;
        }
    }
    match b.root {
        None => Ok(YamlDoc {
            value: Value::Object(Map::new()),
            spans: b.spans,
        }),
        Some((Value::Null, _)) => Ok(YamlDoc {
            value: Value::Object(Map::new()),
            spans: b.spans,
        }),
        Some((value @ Value::Object(_), _)) => Ok(YamlDoc {
            value,
            spans: b.spans,
        }),
        Some((_, range)) => Err(YamlError {
            range,
            message: "front matter must be a set of `key: value` fields".into(),
            help: "write one field per line, such as `title: Back pain in pregnancy`".into(),
        }),
    }
}

/// A collection whose end event has not come yet.
struct Open {
    value: Value,
    start: usize,
    anchor: usize,
    /// What it is in its parent: a key, or a value (with its key's range in a mapping).
    role: Role,
    /// The pointer's length before this node's own segment.
    parent_pointer: usize,
    /// In a mapping, the key read and waiting for its value.
    pending: Option<(String, Range<usize>)>,
}

#[derive(Clone)]
enum Role {
    Key,
    Value(Option<Range<usize>>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    /// The JSON pointer of the node being read.
    pointer: String,
    /// Inside a key that is itself a collection: nothing there gets a span.
    in_key: usize,
    anchors: HashMap<usize, (Value, usize)>,
    alias_budget_used: usize,
    spans: Spans,
    root: Option<(Value, Range<usize>)>,
}

impl Builder {
    /// Take one event; true once the first document is complete.
    fn event(
        &mut self,
        event: Event<'_>,
        span: &YSpan,
        pos: &Positions<'_>,
    ) -> Result<bool, YamlError> {
        match event {
            Event::StreamStart | Event::Nothing | Event::DocumentStart(_) => {}
            Event::DocumentEnd | Event::StreamEnd => return Ok(true),
            Event::Scalar(v, style, anchor, tag) => {
                let value = Scalar::parse_from_cow_and_metadata(v, style, tag.as_ref());
                let range = pos.range(span);
                let role = self.role();
                let parent_pointer = self.enter(&role);
                let (value, key) = match value {
                    // A key's text goes to the pointer and the map; its value only to an
                    // anchor on it.
                    Some(s) if matches!(role, Role::Key) => {
                        let value = if anchor > 0 {
                            scalar(s.clone())
                        } else {
                            Value::Null
                        };
                        (value, Some(key_text(s)))
                    }
                    Some(s) => (scalar(s), None),
                    None => (Value::Null, Some("?".to_string())),
                };
                self.finish(value, key, anchor, role, range, parent_pointer)?;
            }
            Event::Alias(id) => {
                let range = pos.range(span);
                let Some((value, size)) = self.anchors.get(&id) else {
                    return Err(pos.error_at(range.start, "found unknown anchor"));
                };
                self.alias_budget_used += size;
                if self.alias_budget_used > ALIAS_LIMIT {
                    return Err(pos.error_at(
                        range.start,
                        "alias expansion exceeded the maximum node budget",
                    ));
                }
                let value = value.clone();
                let role = self.role();
                let parent_pointer = self.enter(&role);
                let key = matches!(role, Role::Key).then(|| match &value {
                    Value::String(s) => s.clone(),
                    Value::Array(_) | Value::Object(_) => "?".to_string(),
                    other => other.to_string(),
                });
                self.finish(value, key, 0, role, range, parent_pointer)?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(YamlError {
                        range: pos.range(span),
                        message: format!(
                            "front matter is nested more than {MAX_DEPTH} levels deep"
                        ),
                        help: "front matter is a flat list of fields with short lists under some \
                               of them; remove the nesting"
                            .into(),
                    });
                }
                let value = if matches!(event, Event::MappingStart(..)) {
                    Value::Object(Map::new())
                } else {
                    Value::Array(Vec::new())
                };
                let role = self.role();
                let parent_pointer = self.enter(&role);
                if matches!(role, Role::Key) {
                    self.in_key += 1;
                }
                self.stack.push(Open {
                    value,
                    start: pos.offset_of(&span.start),
                    anchor,
                    role,
                    parent_pointer,
                    pending: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = self.stack.pop() else {
                    return Ok(false);
                };
                let end = pos.offset_of(&span.start).max(open.start);
                let role = open.role;
                if matches!(role, Role::Key) {
                    self.in_key -= 1;
                }
                let key = matches!(role, Role::Key).then(|| "?".to_string());
                let range = open.start..end;
                self.finish(
                    open.value,
                    key,
                    open.anchor,
                    role,
                    range,
                    open.parent_pointer,
                )?;
            }
        }
        Ok(false)
    }

    /// What the next node is to the collection it is in.
    fn role(&self) -> Role {
        match self.stack.last() {
            Some(Open {
                value: Value::Object(_),
                pending: None,
                ..
            }) => Role::Key,
            Some(Open {
                value: Value::Object(_),
                pending: Some((_, key)),
                ..
            }) => Role::Value(Some(key.clone())),
            _ => Role::Value(None),
        }
    }

    /// Extend the pointer with the segment of the value about to be read (a key has
    /// none); the pointer's length before, for `finish` to go back to.
    fn enter(&mut self, role: &Role) -> usize {
        let before = self.pointer.len();
        if !matches!(role, Role::Value(_)) {
            return before;
        }
        match self.stack.last() {
            Some(Open {
                value: Value::Array(items),
                ..
            }) => push_index(&mut self.pointer, items.len()),
            Some(Open {
                pending: Some((name, _)),
                ..
            }) => push_key(&mut self.pointer, name),
            _ => {}
        }
        before
    }

    /// A node is complete: record its span, remember its anchor, give it to its parent.
    fn finish(
        &mut self,
        value: Value,
        key: Option<String>,
        anchor: usize,
        role: Role,
        range: Range<usize>,
        parent_pointer: usize,
    ) -> Result<(), YamlError> {
        if anchor > 0 {
            self.anchors
                .insert(anchor, (value.clone(), node_count(&value)));
        }
        if let Role::Value(key_range) = &role
            && self.in_key == 0
        {
            self.spans.insert(
                &self.pointer,
                &NodeSpan {
                    key: key_range.clone(),
                    value: range.clone(),
                },
            );
        }
        self.pointer.truncate(parent_pointer);
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some((value, range));
                }
            }
            Some(Open {
                value: Value::Array(items),
                ..
            }) => items.push(value),
            Some(open) => {
                if let Role::Key = role {
                    open.pending = Some((key.unwrap_or_else(|| "?".into()), range));
                } else if let (Value::Object(map), Some((name, key_range))) =
                    (&mut open.value, open.pending.take())
                {
                    match map.entry(name) {
                        Entry::Vacant(e) => {
                            e.insert(value);
                        }
                        // A key that is not text (`?`) never counts as repeated.
                        Entry::Occupied(mut e) if e.key() == "?" => {
                            e.insert(value);
                        }
                        Entry::Occupied(e) => {
                            return Err(YamlError {
                                range: key_range,
                                message: format!("front matter has the key `{}` twice", e.key()),
                                help: "keep one of the two values and delete the other line".into(),
                            });
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// How many nodes an alias to this value adds (keys count one each).
fn node_count(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(node_count).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(|v| 1 + node_count(v)).sum::<usize>(),
        _ => 1,
    }
}

struct Positions<'a> {
    file: &'a SourceFile,
    /// The YAML's region of the file.
    range: Range<usize>,
    first_line: usize,
    /// Where the YAML starts, when it is all ASCII.
    ascii: Option<usize>,
}

impl Positions<'_> {
    fn offset(&self, line: usize, col: usize) -> usize {
        // saphyr: 1-based lines, 0-based character columns, relative to the YAML text.
        self.file
            .offset_of_char_col(self.first_line + line.max(1) - 1, col)
    }

    fn offset_of(&self, m: &saphyr_parser::Marker) -> usize {
        match self.ascii {
            Some(start) => start + m.index(),
            None => self.offset(m.line(), m.col()),
        }
    }

    fn range(&self, span: &YSpan) -> Range<usize> {
        let start = self.offset_of(&span.start);
        let end = self.offset_of(&span.end).max(start);
        start..end
    }

    /// The parser's error in words a writer can act on, at the place to fix: the first
    /// tab in an indentation, or the bracket or quote that was opened and never closed
    /// (the parser only notices a line or more later), else where the parser stopped.
    fn scan_error(&self, e: &ScanError) -> YamlError {
        let at = self.offset_of(e.marker());
        let yaml = &self.file.text[self.range.clone()];
        let upto = at.saturating_sub(self.range.start).min(yaml.len());
        let parser_line = self.file.line_of(at);
        if let Some(tab) = indentation_tab(yaml, upto) {
            let start = self.range.start + tab;
            let mut err = self.error_at(start, "");
            err.message = "front matter is not valid YAML: tabs are not allowed in YAML \
                           indentation"
                .into();
            err.help = "indent with spaces instead of tabs (two spaces a level is usual)".into();
            return err;
        }
        if let Some((opener, offset)) = unclosed(yaml, upto) {
            let start = self.range.start + offset;
            let line = self.file.line_of(start);
            let mut err = self.error_at(start, "");
            let (what, close) = match opener {
                '[' => ("bracket `[`", "`]`"),
                '{' => ("brace `{`", "`}`"),
                '"' => ("double quote `\"`", "another `\"`"),
                _ => ("single quote `'`", "another `'`"),
            };
            err.message = if line == parser_line {
                format!("front matter is not valid YAML: the {what} opened here is never closed")
            } else {
                format!(
                    "front matter is not valid YAML: the {what} opened here, on line {line}, is \
                     never closed (the parser gave up on line {parser_line}: {})",
                    e.info()
                )
            };
            err.help = format!(
                "close it with {close} on the same line, or put the whole value in quotes if \
                 the {what} is part of the text"
            );
            return err;
        }
        self.error_at(at, e.info())
    }

    /// An error from `start` to the end of its line.
    fn error_at(&self, start: usize, info: &str) -> YamlError {
        let end = self
            .file
            .line_range(self.file.line_of(start))
            .end
            .max(start);
        let (message, help) = if info.contains("alias") {
            (
                format!("front matter aliases expand too far: {info}"),
                "write the values out instead of repeating them with anchors and aliases"
                    .to_string(),
            )
        } else {
            (
                format!("front matter is not valid YAML: {info}"),
                "check the indentation and quote values that contain `: ` or start with a \
                 special character such as `[`, `{`, `*`, `&` or `#`"
                    .to_string(),
            )
        };
        YamlError {
            range: start..end,
            message,
            help,
        }
    }
}

/// The offset of the first tab in the indentation of a line that starts at or before
/// `upto` (YAML forbids tabs there; the parser's own message does not say so).
fn indentation_tab(yaml: &str, upto: usize) -> Option<usize> {
    let mut start = 0;
    for line in yaml.split_inclusive('\n') {
        if start > upto {
            break;
        }
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(i) = line[..indent].find('\t')
            && !line[indent..].trim().is_empty()
        {
            return Some(start + i);
        }
        start += line.len();
    }
    None
}

/// The flow bracket or quote still open at `upto`, and its offset: a light scan of the
/// YAML before it that knows where a value starts (after `key: `, `- `, or inside a
/// flow collection), quoted text and comments. `title: [unclosed` gives `[`;
/// `title: it's fine` gives nothing, since a quote inside plain text starts nothing.
fn unclosed(yaml: &str, upto: usize) -> Option<(char, usize)> {
    let bytes = yaml.as_bytes();
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut quote: Option<(char, usize)> = None;
    // Whether the next non-space character starts a value (or a flow item).
    let mut value_start = true;
    let mut i = 0;
    while i < bytes.len() && i <= upto {
        let c = bytes[i];
        if let Some((q, _)) = quote {
            match (q, c) {
                ('"', b'\\') => i += 1,
                ('"', b'"') => {
                    quote = None;
                    value_start = false;
                }
                ('\'', b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 1,
                ('\'', b'\'') => {
                    quote = None;
                    value_start = false;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'\n' => {
                // A new line in block context starts a key or a list item; a plain
                // scalar's text may go on, but what it holds opens nothing.
                if stack.is_empty() {
                    value_start = true;
                }
            }
            b' ' | b'\t' | b'\r' => {}
            b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' if value_start => quote = Some((c as char, i)),
            b'[' | b'{' if value_start => stack.push((c as char, i)),
            b']' | b'}' if !stack.is_empty() => {
                stack.pop();
                value_start = false;
            }
            b',' if !stack.is_empty() => value_start = true,
            b':' if matches!(bytes.get(i + 1), Some(b' ' | b'\t' | b'\n' | b'\r') | None)
                || (!stack.is_empty() && !matches!(bytes.get(i + 1), Some(b'/'))) =>
            {
                value_start = true
            }
            b'-' if value_start
                && matches!(bytes.get(i + 1), Some(b' ' | b'\t' | b'\n' | b'\r') | None) => {}
            b'|' | b'>' if value_start && stack.is_empty() => {
                // A block scalar: its lines are text; skip to the first line indented
                // no deeper than the key's.
                return None;
            }
            _ => value_start = false,
        }
        i += 1;
    }
    quote.or(stack.last().copied())
}

fn scalar(s: Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(b),
        Scalar::Integer(i) => Value::Number(i.into()),
        Scalar::FloatingPoint(f) => Number::from_f64(f.into_inner())
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(f.to_string())),
        // A copy, not `into_owned`: the scanner's own string may have room to spare,
        // and every article's front matter is kept (90 MB more on 10,000 articles).
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

fn key_text(s: Scalar<'_>) -> String {
    match s {
        Scalar::String(s) => s.to_string(),
        s => match scalar(s) {
            Value::String(s) => s,
            other => other.to_string(),
        },
    }
}

/// Extend a JSON pointer by a mapping key.
fn push_key(pointer: &mut String, name: &str) {
    pointer.push('/');
    if name.contains(['~', '/']) {
        pointer.push_str(&escape_pointer(name));
    } else {
        pointer.push_str(name);
    }
}

/// Extend a JSON pointer by a list index.
fn push_index(pointer: &mut String, index: usize) {
    use std::fmt::Write;
    let _ = write!(pointer, "/{index}");
}

/// RFC 6901: `~` and `/` inside a key.
pub fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn load_text(text: &str) -> (SourceFile, Result<YamlDoc, YamlError>) {
        let file = SourceFile::new(PathBuf::from("a.md"), "a.md".into(), text.to_string());
        let result = load(&file, 0..file.text.len());
        (file, result)
    }

    // Every key and value gets its own line, lists included.
    #[test]
    fn pointers_map_to_lines() {
        let (file, doc) = load_text("id: a\nreviewers:\n  - name: X\n    role: GP\n");
        let doc = doc.unwrap();
        let role = doc.span("/reviewers/0/role").unwrap();
        assert_eq!(file.span(role.key.clone().unwrap()).line, 4);
        assert_eq!(&file.text[role.value.clone()], "GP");
        assert_eq!(doc.value["reviewers"][0]["name"], "X");
    }

    // YAML 1.2: yes stays a string and dates stay strings for the schema to check.
    #[test]
    fn yaml_12_scalars() {
        let (_, doc) = load_text("a: yes\nb: 2026-02-30\nc: 3\n");
        let v = doc.unwrap().value;
        assert_eq!(v["a"], "yes");
        assert_eq!(v["b"], "2026-02-30");
        assert_eq!(v["c"], 3);
    }

    // An unclosed bracket or quote is reported where it was opened, of every kind, in
    // a mapping value and in a list item; the parser's own line is named too.
    #[test]
    fn unclosed_brackets_and_quotes_point_at_the_opener() {
        for (text, opener) in [
            (
                "id: a\ntitle: [unclosed\nsummary: x\naudience: patient\n",
                "bracket",
            ),
            (
                "id: a\ntitle: {unclosed\nsummary: x\naudience: patient\n",
                "brace",
            ),
            (
                "id: a\ntitle: \"unclosed\nsummary: x\naudience: \"patient\n",
                "double quote",
            ),
            (
                "id: a\ntitle: 'unclosed\nsummary: x\naudience: 'patient\n",
                "single quote",
            ),
            (
                "id: a\ntopics:\n  - [back\n  - b: c\nsummary: d\n",
                "bracket",
            ),
        ] {
            let (file, result) = load_text(text);
            let Err(err) = result else {
                // Some of these are valid YAML (a quoted scalar may span lines).
                continue;
            };
            let line = file.line_of(err.range.start);
            let expected = if text.contains("topics") { 3 } else { 2 };
            assert_eq!(line, expected, "{text:?}: {}", err.message);
            assert!(err.message.contains(opener), "{text:?}: {}", err.message);
        }
        // Quotes inside plain text open nothing: the parser's own place stands.
        assert_eq!(unclosed("title: it's [fine]\nsummary: a \"b\n", 30), None);
    }

    // A tab in the indentation says so, at the tab.
    #[test]
    fn tab_indentation_is_named() {
        let (file, result) = load_text("id: a\nreviewers:\n\t- name: X\n");
        let err = result.unwrap_err();
        assert_eq!(file.line_of(err.range.start), 3);
        assert!(
            err.message.contains("tabs are not allowed"),
            "{}",
            err.message
        );
    }

    // A duplicate key is an error, not a silent last-one-wins.
    #[test]
    fn duplicate_key_is_an_error() {
        let (file, doc) = load_text("id: a\ntitle: x\nid: b\n");
        let err = doc.unwrap_err();
        assert!(err.message.contains("twice"), "{}", err.message);
        assert_eq!(file.span(err.range).line, 3);
    }

    // Hostile nesting, flow or block, is refused rather than overflowing the stack.
    #[test]
    fn deep_nesting_is_refused() {
        let flow = format!("a: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
        assert!(load_text(&flow).1.is_err());
        let nested = |levels: usize| -> String {
            let items: String = (1..=levels)
                .map(|i| format!("{}- \n", " ".repeat(i * 2)))
                .collect();
            format!("a:\n{items}")
        };
        let err = load_text(&nested(5_000)).1.unwrap_err();
        assert!(err.message.contains("nested"), "{}", err.message);
        assert!(load_text(&nested(10)).1.is_ok());
    }

    // The event loader gives what saphyr's own tree gave: the same value and the same
    // key and value spans, on the repository's articles and on YAML's odd corners.
    #[test]
    fn event_loader_matches_saphyrs_tree() {
        let mut texts: Vec<String> = [
            "id: a\ntitle: 'Quoted: yes'\nn: 3\nf: 1.5\nb: true\nz: ~\nempty:\n",
            "list:\n- a\n-   b\n- [c, {d: e}]\nmap: {x: 1, 'y': [2, 3]}\n",
            "folded: >\n  one\n  two\nliteral: |\n  keep\n   this\nplain: multi\n  line\n",
            "tagged: !!str 3\nint: !!int '7'\nseq: !bag [a]\n",
            "title: Café crème — naïve\nsummary: \"é\\u00e9\"\nlist: [ü, ö]\n",
            "a~b/c: 1\n'': empty key\n? complex\n: value\n",
            "# comment\nid: a # trailing\n\n  \nnested:\n  deeper:\n    deepest: [1]\n",
            "\"quoted key\": 1\nsingle: 'it''s'\ndouble: \"tab\\there\"\n",
            "&k 12: twelve\n&t name: x\nalias: *k\nagain: *t\n",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["content", "tests/fixtures"] {
            for entry in ignore::Walk::new(root.join(dir)).flatten() {
                if entry.path().extension().is_some_and(|e| e == "md")
                    && let Ok(text) = std::fs::read_to_string(entry.path())
                {
                    texts.push(text);
                }
            }
        }
        let mut compared = 0;
        for text in &texts {
            let file = SourceFile::new(PathBuf::from("a.md"), "a.md".into(), text.clone());
            let range = match crate::content::split::split(&file.text) {
                Ok(parts) => parts.yaml,
                Err(_) if !text.starts_with("---") => 0..file.text.len(),
                Err(_) => continue,
            };
            let (Ok(new), Some(old)) = (load(&file, range.clone()), reference::load(&file, range))
            else {
                continue;
            };
            assert_eq!(new.value, old.value, "{text}");
            let new_spans: HashMap<&str, NodeSpan> = new.spans.iter().collect();
            assert_eq!(new_spans.len(), new.spans.entries.len(), "{text}");
            let old_spans: HashMap<&str, NodeSpan> = old
                .spans
                .iter()
                .map(|(p, s)| (p.as_str(), s.clone()))
                .collect();
            assert_eq!(new_spans, old_spans, "{text}");
            compared += 1;
        }
        assert!(compared > 30, "only {compared} documents compared");
        // Where they differ, the event loader is right: saphyr's tree gave a value under
        // an unknown tag no position.
        let (file, doc) = load_text("custom: !thing value\n");
        let span = doc.unwrap().span("/custom").unwrap();
        assert_eq!(&file.text[span.value], "!thing value");
    }

    // In a document too large to scan, lookups go through the sorted index and find
    // the same spans.
    #[test]
    fn large_documents_are_looked_up_by_index() {
        let items: String = (0..500).map(|i| format!("  - item{i}\n")).collect();
        let (file, doc) = load_text(&format!("id: a\nlist:\n{items}title: T\n"));
        let doc = doc.unwrap();
        assert!(doc.spans.entries.len() > SCAN_LIMIT);
        assert_eq!(&file.text[doc.span("/list/321").unwrap().value], "item321");
        assert_eq!(&file.text[doc.span("/title").unwrap().value], "T");
        assert_eq!(doc.span("/list/500"), None);
        assert_eq!(
            doc.nearest("/list/7/x").unwrap(),
            doc.span("/list/7").unwrap()
        );
    }

    // A billion-laughs document is refused by the alias budget.
    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            let items = [prev.as_str(); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        let (_, doc) = load_text(&text);
        assert!(doc.is_err());
    }
}

/// The loader this one replaced: saphyr's marked tree, walked once. Kept as the
/// reference the event loader must agree with, value and spans alike.
#[cfg(test)]
mod reference {
    use super::*;
    use saphyr::{MarkedYaml, YamlData, YamlLoader};

    pub(super) struct Doc {
        pub value: Value,
        pub spans: HashMap<String, NodeSpan>,
    }

    pub(super) fn load(file: &SourceFile, range: Range<usize>) -> Option<Doc> {
        let text = &file.text[range.clone()];
        let pos = Positions {
            file,
            range: range.clone(),
            first_line: file.line_of(range.start),
            ascii: None,
        };
        let mut loader: YamlLoader<'_, MarkedYaml<'_>> = YamlLoader::default();
        loader.alias_limit(ALIAS_LIMIT);
        Parser::new_from_str(text).load(&mut loader, false).ok()?;
        if loader.error().is_some() {
            return None;
        }
        let root = loader.into_documents().into_iter().next()?;
        let mut spans = HashMap::new();
        let value = convert(&root, String::new(), None, &pos, &mut spans);
        Some(Doc { value, spans })
    }

    fn convert(
        node: &MarkedYaml<'_>,
        pointer: String,
        key: Option<Range<usize>>,
        pos: &Positions<'_>,
        spans: &mut HashMap<String, NodeSpan>,
    ) -> Value {
        let value = match &node.data {
            YamlData::Value(s) => scalar(s.clone()),
            YamlData::Sequence(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| convert(item, format!("{pointer}/{i}"), None, pos, spans))
                    .collect(),
            ),
            YamlData::Mapping(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    let name = match &k.data {
                        YamlData::Value(s) => key_text(s.clone()),
                        _ => "?".to_string(),
                    };
                    let child = format!("{pointer}/{}", escape_pointer(&name));
                    let converted = convert(v, child, Some(pos.range(&k.span)), pos, spans);
                    out.insert(name, converted);
                }
                Value::Object(out)
            }
            YamlData::Tagged(_, inner) => return convert(inner, pointer, key, pos, spans),
            _ => Value::Null,
        };
        spans.insert(
            pointer,
            NodeSpan {
                key,
                value: pos.range(&node.span),
            },
        );
        value
    }
}
