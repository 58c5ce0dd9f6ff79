//! healthpress diagnostics as LSP diagnostics: the rule as `code`, `source:
//! "healthpress"`, the range in the client's encoding, the help as part of the message,
//! a docs link when the client configured one, and the other file as related
//! information when a finding involves one (a duplicate id, a link's target).

use std::sync::Arc;

use lsp_types::{self as lsp};
use serde_json::{Value, json};

use super::position::{self, Encoding};
use super::state::Engine;
use super::{Server, path_to_uri, uri_to_path};
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::source::SourceFile;

/// The LSP diagnostics of one file, from what the engine holds.
pub fn of_file(server: &Server, engine: &Engine, name: &str) -> Vec<lsp::Diagnostic> {
    let list = engine.diagnostics_of(name);
    if list.is_empty() {
        return Vec::new();
    }
    let Some(file) = engine.source(name) else {
        return Vec::new();
    };
    list.iter()
        .map(|d| convert(server, engine, &file, d))
        .collect()
}

fn convert(server: &Server, engine: &Engine, file: &SourceFile, d: &Diagnostic) -> lsp::Diagnostic {
    let enc = server.enc;
    let range = span_range(file, d.span, enc);
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let code_description = server.options.rule_docs_url.as_ref().and_then(|u| {
        Some(lsp::CodeDescription {
            href: u.replace("{rule}", d.rule).parse().ok()?,
        })
    });
    let related = related(engine, &file.name, d, enc);
    lsp::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.rule.to_string())),
        code_description,
        source: Some("healthpress".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: d.help.as_ref().map(|h| json!({ "help": h })),
    }
}

/// A diagnostic's span as an LSP range. The byte range is what counts; an empty one
/// at a line's start (a finding about the whole file) covers that line.
pub fn span_range(file: &SourceFile, span: Span, enc: Encoding) -> lsp::Range {
    let mut range = position::range(file, span.start..span.end, enc);
    if range.start == range.end {
        let line = file.line_range(span.line.max(1));
        range = position::range(file, line, enc);
    }
    range
}

/// The other files a finding involves: each named file's id, or the articles with a
/// referenced id.
fn related(
    engine: &Engine,
    own: &str,
    d: &Diagnostic,
    enc: Encoding,
) -> Vec<lsp::DiagnosticRelatedInformation> {
    let mut out = Vec::new();
    for r in &d.refs {
        let entries: Vec<&crate::content::index::Entry> = match engine.positions.get(r.as_str()) {
            Some(&i) => vec![&engine.index.entries[i]],
            None => engine.with_id(r).collect(),
        };
        for e in entries {
            if &*e.name == own {
                continue;
            }
            let Some(file) = engine.source(&e.name) else {
                continue;
            };
            out.push(lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri: path_to_uri(&e.path),
                    range: span_range(&file, e.id_span, enc),
                },
                message: format!(
                    "{} (id `{}`, {})",
                    e.name,
                    e.id.as_deref().unwrap_or("none"),
                    e.status.as_deref().unwrap_or("no status")
                ),
            });
        }
    }
    out
}

/// `textDocument/diagnostic`: the document's current diagnostics, checked first if an
/// edit is waiting.
pub fn pull(server: &mut Server, p: lsp::DocumentDiagnosticParams) -> Value {
    let Some(path) = uri_to_path(&p.text_document.uri) else {
        return json!({ "kind": "full", "items": [] });
    };
    server.settle(&path);
    let items = match &server.engine {
        Some(e) => of_file(server, e, &e.name_of(&path)),
        None => Vec::new(),
    };
    json!({ "kind": "full", "items": items })
}

/// `workspace/diagnostic`: every file with findings, open or not.
pub fn pull_workspace(server: &mut Server, _p: lsp::WorkspaceDiagnosticParams) -> Value {
    let dirty: Vec<std::path::PathBuf> = server.docs.keys().cloned().collect();
    for path in dirty {
        server.settle(&path);
    }
    let Some(engine) = &server.engine else {
        return json!({ "items": [] });
    };
    let names: Vec<Arc<str>> = engine.names_with_findings();
    let items: Vec<Value> = names
        .iter()
        .map(|name| {
            let path = engine.config.root.join(&**name);
            let version = server.docs.get(&path).map(|d| d.version);
            json!({
                "kind": "full",
                "uri": path_to_uri(&path),
                "version": version,
                "items": of_file(server, engine, name),
            })
        })
        .collect();
    json!({ "items": items })
}
