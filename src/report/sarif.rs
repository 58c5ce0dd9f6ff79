//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning reads it. One run, a rule
//! table from the rule list (with each rule's docs as help), and one result per
//! diagnostic with its physical location (columns count Unicode code points).

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::report::Report;
use crate::rules;

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let all = rules::all();
    let rule_table: Vec<Value> = all
        .iter()
        .map(|r| {
            let m = &r.meta;
            let help = format!(
                "{}\n\nWhy it matters: {}\n\nBad:\n{}\n\nGood:\n{}",
                m.docs.what, m.docs.why, m.docs.bad, m.docs.good
            );
            let markdown = format!(
                "{}\n\n**Why it matters.** {}\n\n**Bad**\n\n```markdown\n{}\n```\n\n**Good**\n\n```markdown\n{}\n```",
                m.docs.what, m.docs.why, m.docs.bad, m.docs.good
            );
            let mut tags = vec!["health-content"];
            if m.safety {
                tags.push("safety");
            }
            json!({
                "id": m.name,
                "name": pascal(m.name),
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": m.docs.what },
                "help": { "text": help, "markdown": markdown },
                "defaultConfiguration": { "level": m.severity.as_str() },
                "properties": { "tags": tags, "scope": m.scope.as_str() },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let index = all.iter().position(|r| r.meta.name == d.rule);
            let text = match &d.help {
                Some(h) => format!("{}\nHelp: {h}", d.message),
                None => d.message.clone(),
            };
            let mut result = json!({
                "ruleId": d.rule,
                "level": d.severity.as_str(),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&d.file), "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": d.span.line,
                            "startColumn": d.span.column,
                            "endLine": d.span.end_line.max(d.span.line),
                            "endColumn": if d.span.end_line > d.span.line { d.span.end_column } else { d.span.end_column.max(d.span.column) },
                        }
                    }
                }],
            });
            if let Some(i) = index {
                result["ruleIndex"] = i.into();
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "healthpress",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rule_table,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
            // Safety rules healthpress.toml turns off or down: a reviewer of the CI
            // output sees that the gate was changed.
            "properties": { "weakenedSafetyRules": report.weakened },
        }]
    });
    let json = serde_json::to_vec_pretty(&log)?;
    crate::report::write_json(out, &json)?;
    writeln!(out)
}

/// A relative path as a URI reference (RFC 3986): each byte outside the unreserved
/// characters and `/` is percent-encoded, so a space, `#`, `%` or a control character in
/// a file name reads back to exactly that name.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `missing-consult-note` -> `MissingConsultNote`.
fn pascal(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
