//! Hover: on a finding, its rule explained (what, why, how to fix); on an article id
//! (`article:ID`, a `related` entry), the target's title, summary, status and review
//! dates; on a disclaimer id, its title and text; on `media:ID`, the media entry.

use lsp_types as lsp;
use serde_json::{Value, json};

use super::Server;
use super::navigation::{Target, media_index, target_at};
use super::position;

pub fn hover(server: &mut Server, p: lsp::HoverParams) -> Value {
    let doc = &p.text_document_position_params;
    let Some((path, a)) = server.article_at(&doc.text_document.uri) else {
        return Value::Null;
    };
    let Some(engine) = &server.engine else {
        return Value::Null;
    };
    let offset = position::offset(&a.file, doc.position, server.enc);
    let mut parts: Vec<String> = Vec::new();
    let mut range = None;
    if let Some((t, r)) = target_at(&a, offset) {
        range = Some(position::range(&a.file, r, server.enc));
        parts.push(match t {
            Target::Article(id) => {
                let mut found = engine.with_id(&id).peekable();
                if found.peek().is_none() {
                    format!("**article:{id}**: no article has this id")
                } else {
                    found
                        .map(|e| {
                            let data = engine.files.get(&e.name);
                            let get = |f: fn(&super::state::FileData) -> Option<&String>| {
                                data.and_then(f).map(String::as_str).unwrap_or("?")
                            };
                            format!(
                                "**{}** (`{}`)\n\n{}\n\nstatus: {} · last reviewed: {} · next review: {}\n\n{}",
                                get(|d| d.title.as_ref()),
                                id,
                                get(|d| d.summary.as_ref()),
                                e.status.as_deref().unwrap_or("none"),
                                get(|d| d.dates.0.as_ref()),
                                get(|d| d.dates.1.as_ref()),
                                e.name
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n\n---\n\n")
                }
            }
            Target::Disclaimer(id) => match engine.disclaimers.get(&id) {
                Some(d) => format!(
                    "**{}** (disclaimer `{id}`)\n\n{}",
                    d.str("title").unwrap_or("?"),
                    d.file.text[d.body_range.clone()].trim()
                ),
                None => format!("disclaimer `{id}`: no such file in content/_disclaimers/"),
            },
            Target::Media(id) => match media_index(&a, &id) {
                Some(i) => {
                    let m = &a.front.value["media"][i];
                    let field = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                    format!(
                        "**media:{id}** ({})\n\nsrc: `{}`\n\nalt: {}\n\n{}",
                        field("kind"),
                        field("src"),
                        field("alt"),
                        field("caption")
                    )
                }
                None => format!("`media:{id}` is not in this article's `media` list"),
            },
        });
    }
    let name = engine.name_of(&path);
    for d in engine.diagnostics_of(&name) {
        if d.span.start <= offset
            && offset <= d.span.end.max(d.span.start + 1)
            && let Some(rule) = crate::rules::find(d.rule)
        {
            {
                let m = rule.meta();
                parts.push(format!(
                    "**{}** ({}{})\n\n{}\n\n**What it checks**: {}\n\n**Why it matters**: {}\n\n**How to fix**: {}",
                    m.name,
                    d.severity.as_str(),
                    if m.safety { ", safety rule: cannot be silenced in an article" } else { "" },
                    d.message,
                    m.docs.what,
                    m.docs.why,
                    d.help.as_deref().unwrap_or("see `healthpress explain` for a good example"),
                ));
                if range.is_none() {
                    range = Some(super::diagnostics::span_range(&a.file, d.span, server.enc));
                }
            }
        }
    }
    if parts.is_empty() {
        return Value::Null;
    }
    json!({
        "contents": { "kind": "markdown", "value": parts.join("\n\n---\n\n") },
        "range": range,
    })
}
