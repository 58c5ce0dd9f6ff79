//! In-article suppressions, written as HTML comments (never published):
//! `<!-- healthpress-disable-next-line RULE -->` and
//! `<!-- healthpress-disable RULE -->` ... `<!-- healthpress-enable RULE -->`.
//!
//! A safety rule is never silenced this way: the comment is itself reported
//! (`invalid-suppression`), as is one that names no rule or an unknown one. A suppression that
//! silenced nothing is reported as `unused-suppression`.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::config::Config;
use crate::content::markdown::Body;
use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    NextLine,
    Disable,
    Enable,
}

#[derive(Debug, Clone)]
pub struct Directive {
    kind: Kind,
    /// The rules it names. A `disable` that names none silences nothing and is
    /// reported; an `enable` that names none ends every open `disable`.
    rules: Vec<String>,
    range: Range<usize>,
    /// First and last line the directive covers.
    lines: (usize, usize),
    used: bool,
}

/// The suppression comments of each file that has any, gathered while its body was
/// parsed (bodies do not outlive their rules).
pub type Directives = HashMap<Arc<str>, (Arc<SourceFile>, Vec<Directive>)>;

/// Apply the suppressions, and report bad or unused ones.
pub fn apply(directives: Directives, config: &Config, diagnostics: &mut Vec<Diagnostic>) {
    if directives.is_empty() {
        return;
    }
    let mut by_file: HashMap<Arc<str>, Vec<Diagnostic>> = HashMap::new();
    for d in diagnostics.drain(..) {
        by_file.entry(d.file.clone()).or_default().push(d);
    }
    let mut out = Vec::new();
    for (name, (file, dirs)) in directives {
        let mut mine = by_file.remove(&name).unwrap_or_default();
        apply_to_file(&file, dirs, config, &mut mine);
        out.extend(mine);
    }
    out.extend(by_file.into_values().flatten());
    *diagnostics = out;
}

fn apply_to_file(
    file: &SourceFile,
    mut directives: Vec<Directive>,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) {
    diagnostics.retain(|d| {
        let safety = rules::find(d.rule).is_some_and(|r| r.meta.safety);
        if safety {
            return true;
        }
        let mut silenced = false;
        for dir in directives.iter_mut() {
            let names_rule = dir.rules.iter().any(|r| r == d.rule);
            if names_rule && d.span.line >= dir.lines.0 && d.span.line <= dir.lines.1 {
                dir.used = true;
                silenced = true;
            }
        }
        !silenced
    });

    for dir in &directives {
        let span = file.span(dir.range.clone());
        let mut report = |rule: &'static str, message: String, help: &str| {
            if let Some(severity) = rules::severity(config, rule) {
                diagnostics.push(Diagnostic {
                    rule,
                    severity,
                    file: file.name.clone(),
                    span,
                    message,
                    help: Some(help.to_string()),
                    refs: Vec::new(),
                });
            }
        };
        let mut bad = false;
        if dir.rules.is_empty() && dir.kind != Kind::Enable {
            bad = true;
            report(
                "invalid-suppression",
                "this suppression names no rule, so it silences nothing".to_string(),
                "name the rules it is for, such as                  `<!-- healthpress-disable-next-line absolute-claim -->`; `healthpress rules`                  lists them",
            );
        }
        for name in &dir.rules {
            match rules::find(name) {
                Some(r) if r.meta.safety => {
                    bad = true;
                    report(
                        "invalid-suppression",
                        format!(
                            "`{name}` is a safety rule and cannot be silenced inside an article"
                        ),
                        "fix the finding; only the policy in healthpress.toml can change a safety \
                         rule, as a reviewed change of its own",
                    );
                }
                None => {
                    bad = true;
                    report(
                        "invalid-suppression",
                        format!(
                            "unknown rule `{name}`{}",
                            crate::config::suggest(name, rules::all().iter().map(|r| r.meta.name))
                        ),
                        "`healthpress rules` lists the rule names",
                    );
                }
                Some(_) => {}
            }
        }
        if !bad && !dir.used && dir.kind != Kind::Enable {
            report(
                "unused-suppression",
                "this suppression silences nothing".to_string(),
                "remove the comment: the rule it names no longer fires here",
            );
        }
    }
}

/// The suppression comments of one parsed body.
pub fn parse(file: &SourceFile, body: &Body) -> Vec<Directive> {
    let last_line = file.line_count();
    let mut out: Vec<Directive> = Vec::new();
    for html in body.html.iter().filter(|h| h.is_comment()) {
        let inner = html
            .literal
            .trim()
            .trim_start_matches("<!--")
            .trim_end_matches("-->")
            .trim();
        let (kind, rest) = if let Some(r) = inner.strip_prefix("healthpress-disable-next-line") {
            (Kind::NextLine, r)
        } else if let Some(r) = inner.strip_prefix("healthpress-disable") {
            (Kind::Disable, r)
        } else if let Some(r) = inner.strip_prefix("healthpress-enable") {
            (Kind::Enable, r)
        } else {
            continue;
        };
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let rules: Vec<String> = rest
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let end_line = file.line_of(html.range.end.saturating_sub(1).max(html.range.start));
        let lines = match kind {
            Kind::NextLine => (end_line + 1, end_line + 1),
            Kind::Disable => (end_line + 1, last_line),
            Kind::Enable => (0, 0),
        };
        if kind == Kind::Enable {
            let start_line = file.line_of(html.range.start);
            // Close the open `disable` ranges this `enable` names.
            for d in out.iter_mut().filter(|d| d.kind == Kind::Disable) {
                let same = rules.is_empty() || d.rules.iter().any(|r| rules.contains(r));
                if same && d.lines.1 == last_line && d.lines.0 <= start_line {
                    d.lines.1 = start_line;
                }
            }
        }
        out.push(Directive {
            kind,
            rules,
            range: html.range.clone(),
            lines,
            used: false,
        });
    }
    out
}
