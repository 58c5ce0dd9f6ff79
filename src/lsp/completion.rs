//! Completion: in the front matter, topics, audiences, statuses, disclaimer ids,
//! `related` article ids (with titles) and reviewer names; in the body, callout kinds
//! after `> [!`, article ids after `article:` and media ids after `media:`.

use lsp_types as lsp;
use serde_json::{Value, json};

use super::Server;
use super::position;
use crate::content::link;

pub fn complete(server: &mut Server, p: lsp::CompletionParams) -> Value {
    let doc = &p.text_document_position;
    let Some((_, a)) = server.article_at(&doc.text_document.uri) else {
        return Value::Null;
    };
    let Some(engine) = &server.engine else {
        return Value::Null;
    };
    let offset = position::offset(&a.file, doc.position, server.enc);
    let text = &a.file.text;
    let line_no = a.file.line_of(offset);
    let line_start = a.file.line_start(line_no);
    let before = &text[line_start..offset];
    let mut items: Vec<(String, String)> = Vec::new();
    let article_ids = || {
        let mut v: Vec<(String, String)> = engine
            .index
            .ids()
            .filter_map(|(id, _)| {
                let e = engine.with_id(id).next()?;
                let title = engine.files.get(&e.name).and_then(|d| d.title.clone());
                Some((id.to_string(), title.unwrap_or_default()))
            })
            .collect();
        v.sort();
        v
    };
    // Front matter: the key this line belongs to (its own, or the list's above it).
    let in_front = a.front_range.start <= offset && offset <= a.front_range.end;
    if in_front {
        let mut key = None;
        let mut l = line_no;
        while l >= 1 {
            let lt = &text[a.file.line_range(l)];
            if !lt.starts_with([' ', '\t', '-']) && lt.contains(':') {
                key = lt.split(':').next().map(str::trim);
                break;
            }
            if l == 1 {
                break;
            }
            l -= 1;
        }
        let nested_name = before
            .trim_start()
            .trim_start_matches("- ")
            .starts_with("name:");
        match key.unwrap_or("") {
            "topics" => items.extend(
                engine
                    .config
                    .topics
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone())),
            ),
            "audience" => items.extend(
                ["patient", "caregiver", "professional"].map(|s| (s.into(), String::new())),
            ),
            "status" => items.extend(
                ["draft", "review", "published", "retired"].map(|s| (s.into(), String::new())),
            ),
            "disclaimers" => items.extend(engine.disclaimers.list.iter().filter_map(|d| {
                Some((
                    d.id()?.to_string(),
                    d.str("title").unwrap_or("").to_string(),
                ))
            })),
            "related" => items.extend(article_ids()),
            "reviewers" if nested_name => {
                let mut names: Vec<String> = engine
                    .files
                    .values()
                    .flat_map(|d| d.reviewers.iter().cloned())
                    .collect();
                names.sort();
                names.dedup();
                items.extend(names.into_iter().map(|n| (n, "reviewer".into())));
            }
            "sign_off" | "reviewer" => {
                items.extend(
                    a.front
                        .value
                        .get("reviewers")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|r| {
                            Some((
                                r.get("name")?.as_str()?.to_string(),
                                "a reviewer of this article".into(),
                            ))
                        }),
                );
            }
            _ => {}
        }
    } else if let Some(i) = before.rfind("[!") {
        let partial = &before[i + 2..];
        let lead = &before[..i];
        let quote = lead.contains('>')
            && lead.chars().all(|c| {
                matches!(c, ' ' | '\t' | '>' | '-' | '*' | '+' | '.') || c.is_ascii_digit()
            });
        if quote && !partial.contains(']') {
            items.extend(
                crate::config::CALLOUT_KINDS
                    .iter()
                    .map(|k| (k.to_string(), "callout".into())),
            );
        }
    }
    if !in_front {
        if before.ends_with(link::ARTICLE)
            || before
                .rsplit('(')
                .next()
                .is_some_and(|t| t.starts_with(link::ARTICLE))
        {
            items = article_ids();
        } else if before
            .rsplit('(')
            .next()
            .is_some_and(|t| t.starts_with(link::MEDIA))
        {
            items = a
                .front
                .value
                .get("media")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|m| {
                    Some((
                        m.get("id")?.as_str()?.to_string(),
                        m.get("alt")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                    ))
                })
                .collect();
        }
    }
    let list: Vec<Value> = items
        .into_iter()
        .map(|(label, detail)| json!({ "label": label, "detail": detail, "kind": 12 }))
        .collect();
    json!({ "isIncomplete": false, "items": list })
}
