//! `--format junit`: JUnit XML as GitLab and Jenkins read it. One test case per file
//! checked; one failure per diagnostic in that file.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::diagnostic::Diagnostic;
use crate::report::Report;

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> =
        report.files.iter().map(|f| (&**f, Vec::new())).collect();
    for d in report.diagnostics {
        by_file.entry(&d.file).or_default().push(d);
    }
    let tests = by_file.len();
    let failures = report.diagnostics.len();
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
        let name = escape(file);
        if diags.is_empty() {
            writeln!(
                out,
                r#"    <testcase classname="healthpress" name="{name}" file="{name}"/>"#
            )?;
            continue;
        }
        writeln!(
            out,
            r#"    <testcase classname="healthpress" name="{name}" file="{name}">"#
        )?;
        for d in diags {
            let mut body = format!(
                "{}:{}:{}: {}[{}] {}",
                d.file,
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
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                escape(d.rule),
                escape(&format!("{}:{}: {}", d.span.line, d.span.column, d.message)),
                escape(&body)
            )?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// XML text and attribute escaping; characters XML 1.0 cannot hold are dropped.
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
            '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}
