//! YAML front matter to a JSON value plus a map from JSON pointer to the source span
//! of each key and value, so that a schema error's instance path lands on its line.
//!
//! saphyr keeps positions for every node and bounds alias expansion; nesting depth
//! is bounded here, in a pass over the parser's flat event stream, before anything
//! recursive sees the document.

use std::collections::HashMap;
use std::ops::Range;

use saphyr::{MarkedYaml, Scalar, YamlData, YamlLoader};
use saphyr_parser::{Event, Parser, ScanError, Span as YSpan};
use serde_json::{Map, Number, Value};

use crate::source::SourceFile;

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
    spans: HashMap<String, NodeSpan>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub range: Range<usize>,
    pub message: String,
    pub help: String,
}

impl YamlDoc {
    /// The spans recorded for a JSON pointer such as `/reviewers/0/credentials`.
    pub fn span(&self, pointer: &str) -> Option<&NodeSpan> {
        self.spans.get(pointer)
    }

    /// The closest recorded place for a pointer: the pointer itself, else its nearest
    /// ancestor that has a span.
    pub fn nearest(&self, pointer: &str) -> Option<&NodeSpan> {
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
pub fn load(file: &SourceFile, range: Range<usize>) -> Result<YamlDoc, YamlError> {
    let text = &file.text[range.clone()];
    let first_line = file.line_of(range.start);
    let pos = Positions { file, first_line };

    // Parser::load recurses once per level, so depth is checked on the flat event
    // stream first, before anything recursive sees the document.
    if may_be_deep(text)
        && let Some(span) = too_deep(text)
    {
        return Err(YamlError {
            range: pos.range(&span),
            message: format!("front matter is nested more than {MAX_DEPTH} levels deep"),
            help: "front matter is a flat list of fields with short lists under some of them; \
                   remove the nesting"
                .into(),
        });
    }
    let mut loader: YamlLoader<'_, MarkedYaml<'_>> = YamlLoader::default();
    loader.alias_limit(ALIAS_LIMIT);
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut loader, false) {
        return Err(pos.scan_error(&e));
    }
    if let Some(e) = loader.error() {
        return Err(pos.scan_error(e));
    }
    let docs: Vec<MarkedYaml> = loader.into_documents();
    let Some(root) = docs.into_iter().next() else {
        return Ok(YamlDoc {
            value: Value::Object(Map::new()),
            spans: HashMap::new(),
        });
    };
    if !root.data.is_mapping() && !matches!(root.data, YamlData::Value(Scalar::Null)) {
        return Err(YamlError {
            range: pos.range(&root.span),
            message: "front matter must be a set of `key: value` fields".into(),
            help: "write one field per line, such as `title: Back pain in pregnancy`".into(),
        });
    }
    let mut doc = YamlDoc::default();
    doc.value = convert(&root, String::new(), None, &pos, &mut doc.spans);
    if doc.value.is_null() {
        doc.value = Value::Object(Map::new());
    }
    Ok(doc)
}

struct Positions<'a> {
    file: &'a SourceFile,
    first_line: usize,
}

impl Positions<'_> {
    fn offset(&self, line: usize, col: usize) -> usize {
        // saphyr: 1-based lines, 0-based character columns, relative to the YAML text.
        self.file
            .offset_of_char_col(self.first_line + line.max(1) - 1, col)
    }

    fn range(&self, span: &YSpan) -> Range<usize> {
        let start = self.offset(span.start.line(), span.start.col());
        let end = self.offset(span.end.line(), span.end.col()).max(start);
        start..end
    }

    fn scan_error(&self, e: &ScanError) -> YamlError {
        let m = e.marker();
        let start = self.offset(m.line(), m.col());
        let end = self
            .file
            .line_range(self.file.line_of(start))
            .end
            .max(start);
        let info = e.info();
        let (message, help) = if info.contains("duplicate") {
            (
                format!("front matter has a key twice: {info}"),
                "keep one of the two values and delete the other line".to_string(),
            )
        } else if info.contains("alias") {
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

/// A cheap upper bound on nesting, from one byte scan. A block collection nested in
/// another starts at a greater indentation, or after a `- ` or `? ` on the same line,
/// or (a sequence under a mapping key) at the key's own indentation, at most once per
/// level; a flow collection needs a `[` or `{`. So the depth is at most
/// 2 * (deepest indentation + most `- `/`? ` on one line + 1) + the number of `[` and `{`.
/// Real front matter scores about 20; only a document that could exceed the limit is
/// given the exact (second-parse) check.
fn may_be_deep(text: &str) -> bool {
    let mut max_indent = 0usize;
    let mut max_markers = 0usize;
    let mut flow = 0usize;
    for line in text.as_bytes().split(|&b| b == b'\n') {
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        max_indent = max_indent.max(indent);
        let markers = line
            .windows(2)
            .filter(|w| (w[0] == b'-' || w[0] == b'?') && (w[1] == b' ' || w[1] == b'\t'))
            .count()
            + usize::from(line.last().is_some_and(|&b| b == b'-' || b == b'?'));
        max_markers = max_markers.max(markers);
        flow += line.iter().filter(|&&b| b == b'[' || b == b'{').count();
        if 2 * (max_indent + max_markers + 1) + flow > MAX_DEPTH {
            return true;
        }
    }
    false
}

/// The span of the first node nested deeper than `MAX_DEPTH`, if any. A syntax
/// error stops the scan; the real load reports it.
fn too_deep(text: &str) -> Option<YSpan> {
    let mut depth = 0usize;
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            return None;
        };
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(span);
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn convert(
    node: &MarkedYaml<'_>,
    pointer: String,
    key: Option<Range<usize>>,
    pos: &Positions<'_>,
    spans: &mut HashMap<String, NodeSpan>,
) -> Value {
    let value_range = pos.range(&node.span);
    let value = match &node.data {
        YamlData::Value(s) => scalar(s),
        YamlData::Representation(text, _, _) => Value::String(text.to_string()),
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
                let name = key_text(k);
                let child = format!("{pointer}/{}", escape_pointer(&name));
                let key_range = pos.range(&k.span);
                let converted = convert(v, child, Some(key_range), pos, spans);
                out.insert(name, converted);
            }
            Value::Object(out)
        }
        YamlData::Tagged(_, inner) => {
            return convert(inner, pointer, key, pos, spans);
        }
        YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    };
    spans.insert(
        pointer,
        NodeSpan {
            key,
            value: value_range,
        },
    );
    value
}

fn scalar(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number((*i).into()),
        Scalar::FloatingPoint(f) => Number::from_f64(f.into_inner())
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(f.to_string())),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

fn key_text(k: &MarkedYaml<'_>) -> String {
    match &k.data {
        YamlData::Value(Scalar::String(s)) => s.to_string(),
        YamlData::Value(s) => match scalar(s) {
            Value::String(s) => s,
            other => other.to_string(),
        },
        YamlData::Representation(text, _, _) => text.to_string(),
        _ => "?".to_string(),
    }
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
        assert!(!may_be_deep(
            "id: a\nreviewers:\n  - name: X\n    role: GP\ntopics: [a, b]\n"
        ));
        assert!(may_be_deep(&nested(40)));
        assert!(may_be_deep(&format!("a: {}", "- ".repeat(40))));
        let err = load_text(&nested(5_000)).1.unwrap_err();
        assert!(err.message.contains("nested"), "{}", err.message);
        assert!(load_text(&nested(10)).1.is_ok());
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
