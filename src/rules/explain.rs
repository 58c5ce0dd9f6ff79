//! The text `healthpress explain RULE` prints, from the rule's metadata and docs.

use super::RuleMeta;

/// The text `healthpress explain RULE` prints.
pub fn explain(m: &RuleMeta) -> String {
    let indent = |s: &str| s.lines().map(|l| format!("    {l}\n")).collect::<String>();
    format!(
        "{name}  ({severity} by default, {scope} rule{safety})\n\n{summary}\n\n\
         What it checks\n{what}\n\nWhy it matters\n{why}\n\nBad\n{bad}\nGood\n{good}",
        name = m.name,
        severity = m.severity.as_str(),
        scope = m.scope.as_str(),
        safety = if m.safety {
            "; a safety rule: it cannot be silenced inside an article"
        } else {
            ""
        },
        summary = m.summary,
        what = wrap(m.docs.what),
        why = wrap(m.docs.why),
        bad = indent(m.docs.bad),
        good = indent(m.docs.good),
    )
}

fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + word.len() + 1 > 78 {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out
}
