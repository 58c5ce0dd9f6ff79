//! What is under the cursor (an `article:ID` link, a `related` or `disclaimers` id, a
//! `media:ID`, the article's own `id`), and the navigation built on it: go to
//! definition, find references across the corpus, rename an article id across the
//! corpus as one workspace edit, and the document's sections as symbols.

use std::ops::Range;

use lsp_server::ErrorCode;
use lsp_types as lsp;
use serde_json::{Value, json};

use super::position;
use super::{Server, path_to_uri};
use crate::content::{Article, link};

type Handled = Result<Value, (ErrorCode, String)>;

/// A thing a position can point at, with where it is written in this document.
#[derive(Debug, Clone)]
pub enum Target {
    Article(String),
    Disclaimer(String),
    Media(String),
}

/// What is at byte `offset` of `a`, and the byte range of its id.
pub fn target_at(a: &Article, offset: usize) -> Option<(Target, Range<usize>)> {
    let inside = |r: &Range<usize>| r.start <= offset && offset <= r.end && r.start < r.end;
    if offset < a.front_range.end {
        let own = a.value_range("/id");
        if inside(&own) && a.front.span("/id").is_some() {
            return Some((Target::Article(a.id()?.to_string()), own));
        }
        for (i, id) in a.strs("related") {
            let r = a.value_range(&format!("/related/{i}"));
            if inside(&r) {
                return Some((Target::Article(id.to_string()), r));
            }
        }
        for (i, id) in a.strs("disclaimers") {
            let r = a.value_range(&format!("/disclaimers/{i}"));
            if inside(&r) {
                return Some((Target::Disclaimer(id.to_string()), r));
            }
        }
        return None;
    }
    // In the body: a `article:ID` or `media:ID` token around the offset.
    let text = &a.file.text;
    let line = a.file.line_range(a.file.line_of(offset));
    let is_token = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == ':' || c == '_';
    let mut start = offset.min(line.end);
    while start > line.start {
        let Some(c) = text[..start].chars().next_back() else {
            break;
        };
        if !is_token(c) {
            break;
        }
        start -= c.len_utf8();
    }
    let end = text[start..line.end]
        .find(|c: char| !is_token(c))
        .map(|i| start + i)
        .unwrap_or(line.end);
    let token = &text[start..end];
    for (prefix, make) in [
        (link::ARTICLE, Target::Article as fn(String) -> Target),
        (link::MEDIA, Target::Media as fn(String) -> Target),
    ] {
        if let Some(i) = token.find(prefix) {
            let id = &token[i + prefix.len()..];
            if !id.is_empty() {
                let s = start + i + prefix.len();
                return Some((make(id.to_string()), s..s + id.len()));
            }
        }
    }
    None
}

fn location(server: &Server, name: &str, bytes: Range<usize>) -> Option<Value> {
    let engine = server.engine.as_ref()?;
    let file = engine.source(name)?;
    Some(json!({
        "uri": path_to_uri(&file.path),
        "range": position::range(&file, bytes, server.enc),
    }))
}

/// The place a target is defined.
fn definition_of(server: &Server, a: &Article, t: &Target) -> Option<Value> {
    let engine = server.engine.as_ref()?;
    match t {
        Target::Article(id) => {
            let e = engine.with_id(id).next()?;
            location(server, &e.name, e.id_span.start..e.id_span.end)
        }
        Target::Disclaimer(id) => {
            let d = engine.disclaimers.get(id)?;
            let path = &d.file.path;
            Some(json!({
                "uri": path_to_uri(path),
                "range": position::range(&d.file, d.value_range("/id"), server.enc),
            }))
        }
        Target::Media(id) => {
            let i = media_index(a, id)?;
            Some(json!({
                "uri": path_to_uri(&a.file.path),
                "range": position::range(&a.file, a.value_range(&format!("/media/{i}")), server.enc),
            }))
        }
    }
}

pub fn media_index(a: &Article, id: &str) -> Option<usize> {
    a.front
        .value
        .get("media")?
        .as_array()?
        .iter()
        .position(|m| m.get("id").and_then(Value::as_str) == Some(id))
}

fn at(
    server: &Server,
    doc: &lsp::TextDocumentPositionParams,
) -> Option<(Article, Target, Range<usize>)> {
    let (_, a) = server.article_at(&doc.text_document.uri)?;
    let offset = position::offset(&a.file, doc.position, server.enc);
    let (t, r) = target_at(&a, offset)?;
    Some((a, t, r))
}

pub fn definition(server: &mut Server, p: lsp::GotoDefinitionParams) -> Value {
    at(server, &p.text_document_position_params)
        .and_then(|(a, t, _)| definition_of(server, &a, &t))
        .unwrap_or(Value::Null)
}

/// Every place an article id is written: its own `id` (true: a definition), every
/// link and `related` entry.
fn places_of(server: &Server, id: &str) -> Vec<(std::sync::Arc<str>, Range<usize>, bool)> {
    let Some(engine) = &server.engine else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in engine.with_id(id) {
        out.push((e.name.clone(), e.id_span.start..e.id_span.end, true));
    }
    for e in &engine.index.entries {
        for r in &e.references {
            if &*r.id == id {
                out.push((e.name.clone(), r.span.start..r.span.end, false));
            }
        }
    }
    out
}

pub fn references(server: &mut Server, p: lsp::ReferenceParams) -> Value {
    let Some((_, Target::Article(id), _)) = at(server, &p.text_document_position) else {
        return Value::Null;
    };
    let include_own = p.context.include_declaration;
    let list: Vec<Value> = places_of(server, &id)
        .into_iter()
        .filter(|(_, _, definition)| include_own || !definition)
        .filter_map(|(name, r, _)| location(server, &name, r))
        .collect();
    Value::Array(list)
}

pub fn prepare_rename(server: &mut Server, p: lsp::TextDocumentPositionParams) -> Handled {
    match at(server, &p) {
        Some((a, Target::Article(_), r)) => Ok(json!(position::range(&a.file, r, server.enc))),
        _ => Err((
            ErrorCode::RequestFailed,
            "only an article id (its `id`, a `related` entry or an `article:` link) can be renamed"
                .into(),
        )),
    }
}

/// Rename an article id everywhere: its `id`, every `related` entry, every
/// `article:` link, as one workspace edit.
pub fn rename(server: &mut Server, p: lsp::RenameParams) -> Handled {
    let Some((_, Target::Article(old), _)) = at(server, &p.text_document_position) else {
        return Err((ErrorCode::RequestFailed, "not an article id".into()));
    };
    let new = p.new_name.trim();
    if !crate::content::model::is_valid_id(new) {
        return Err((
            ErrorCode::InvalidParams,
            format!(
                "`{new}` is not an id: lower-case letters and digits in words joined by hyphens"
            ),
        ));
    }
    let engine = server
        .engine
        .as_ref()
        .ok_or((ErrorCode::RequestFailed, "no configuration".to_string()))?;
    if engine.with_id(new).next().is_some() {
        return Err((
            ErrorCode::InvalidParams,
            format!("`{new}` is already the id of an article"),
        ));
    }
    let mut changes: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
    for (name, r, _) in places_of(server, &old) {
        let Some(file) = engine.source(&name) else {
            continue;
        };
        let Some(text) = file.text.get(r.clone()) else {
            continue;
        };
        // A link's span is the whole link: the id is the `article:` target inside it.
        let at = match text.rfind(&format!("article:{old}")) {
            Some(i) => r.start + i + "article:".len(),
            None if text == old => r.start,
            None => match text.find(old.as_str()) {
                Some(i) => r.start + i,
                None => continue,
            },
        };
        changes
            .entry(path_to_uri(&file.path).as_str().to_string())
            .or_default()
            .push(json!({
                "range": position::range(&file, at..at + old.len(), server.enc),
                "newText": new,
            }));
    }
    Ok(json!({ "changes": changes }))
}

/// The headings, each a symbol whose range runs to the next heading of its level or higher.
pub fn symbols(server: &mut Server, p: lsp::DocumentSymbolParams) -> Value {
    let Some((_, a)) = server.article_at(&p.text_document.uri) else {
        return Value::Null;
    };
    let headings = &a.body.headings;
    let mut out = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        let end = headings[i + 1..]
            .iter()
            .find(|n| n.level <= h.level)
            .map(|n| n.range.start)
            .unwrap_or(a.file.text.len());
        #[allow(deprecated)]
        out.push(json!({
            "name": if h.text.trim().is_empty() { "(empty heading)".to_string() } else { h.text.clone() },
            "detail": format!("h{}", h.level),
            "kind": 15,
            "range": position::range(&a.file, h.range.start..end.max(h.range.end), server.enc),
            "selectionRange": position::range(&a.file, h.range.clone(), server.enc),
        }));
    }
    Value::Array(out)
}
