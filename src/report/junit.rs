//! `--format junit`: JUnit XML as GitLab and Jenkins read it, valid against the
//! `junit-10.xsd` schema of Jenkins' xUnit plugin (`tests/vendor/`). One test case per
//! file checked; a file with errors fails, with one `<failure>` per error. Warnings do
//! not fail a test (a green pipeline shows no failed tests): they are listed in the
//! test case's `<system-out>`. So `failures` counts failed test cases, never more than
//! `tests`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Severity};
use crate::report::{Report, escape_name};

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> =
        report.files.iter().map(|f| (&**f, Vec::new())).collect();
    for d in report.diagnostics {
        by_file.entry(&d.file).or_default().push(d);
    }
    let tests = by_file.len();
    let failures = by_file
        .values()
        .filter(|ds| ds.iter().any(|d| d.severity == Severity::Error))
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="healthpress" tests="{tests}" failures="{failures}" errors="0">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="healthpress check" tests="{tests}" failures="{failures}" errors="0" skipped="0">"#
    )?;
    // A weakened safety rule is a property of the run, so that it is on record.
    if !report.weakened.is_empty() {
        writeln!(out, "    <properties>")?;
        for w in report.weakened {
            writeln!(
                out,
                r#"      <property name="healthpress.weakened-safety-rule" value="{}"/>"#,
                escape(&w.sentence())
            )?;
        }
        writeln!(out, "    </properties>")?;
    }
    for (file, diags) in &by_file {
        let name = escape(&escape_name(file));
        if diags.is_empty() {
            writeln!(
                out,
                r#"    <testcase classname="healthpress" name="{name}"/>"#
            )?;
            continue;
        }
        writeln!(
            out,
            r#"    <testcase classname="healthpress" name="{name}">"#
        )?;
        let mut warnings = String::new();
        for d in diags {
            let mut body = format!(
                "{}:{}:{}: {}[{}] {}",
                escape_name(&d.file),
                d.span.line,
                d.span.column,
                d.severity.as_str(),
                d.rule,
                d.message
            );
            if let Some(h) = &d.help {
                body.push_str("\nhelp: ");
                body.push_str(h);
            }
            if d.severity == Severity::Warning {
                warnings.push_str(&body);
                warnings.push('\n');
                continue;
            }
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                escape(d.rule),
                escape(&format!("{}:{}: {}", d.span.line, d.span.column, d.message)),
                escape(&body)
            )?;
        }
        if !warnings.is_empty() {
            writeln!(out, "      <system-out>{}</system-out>", escape(&warnings))?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// XML text and attribute escaping. A character XML 1.0 cannot hold (most control
/// characters, U+FFFE, U+FFFF) is written as `\u{1b}`, as every other report shows it.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Markup is escaped and what XML cannot hold is written out, not dropped.
    #[test]
    fn escaping_keeps_what_xml_cannot_hold() {
        assert_eq!(escape("a<&\"b"), "a&lt;&amp;&quot;b");
        assert_eq!(escape("x\u{1b}[2J\u{0}"), "x\\u{1b}[2J\\u{0}");
    }
}
