//! `--format human`: rustc-style diagnostics with the source line and a marker under
//! the span, then a help line. Colour is decided by the stream the caller hands in
//! (anstream strips it when not a terminal or under `NO_COLOR`).

use std::io::{self, Write};

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diagnostic::{Diagnostic, Severity, Tally};
use crate::report::{Report, escape_name, escape_text};
use crate::source::SourceFile;

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let renderer = Renderer::styled().decor_style(DecorStyle::Ascii);
    for d in report.diagnostics {
        let source = report.sources.get(&d.file);
        // A file name or a quoted value must not be able to retitle or clear the terminal.
        let shown = Shown {
            file: escape_name(&d.file),
            message: escape_text(&d.message),
            help: d.help.as_deref().map(escape_text),
        };
        let text = renderer.render(&[group(d, &shown, source.map(|s| &**s))]);
        writeln!(out, "{text}\n")?;
    }
    for w in report.weakened {
        writeln!(out, "{}", policy_note(w))?;
    }
    Ok(())
}

/// A weakened safety rule, as the line a human report carries before its summary.
pub fn policy_note(w: &crate::diagnostic::WeakenedRule) -> String {
    format!("warning: {}", w.sentence())
}

/// What a diagnostic shows of text from outside, escaped.
struct Shown<'a> {
    file: std::borrow::Cow<'a, str>,
    message: std::borrow::Cow<'a, str>,
    help: Option<std::borrow::Cow<'a, str>>,
}

fn group<'a>(d: &'a Diagnostic, shown: &'a Shown<'a>, source: Option<&'a SourceFile>) -> Group<'a> {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(&*shown.message).id(d.rule);
    let mut group = match source {
        Some(file) if d.span.line >= 1 && d.span.line <= file.line_count() => {
            // Show only the lines of the span, so long files cost nothing extra.
            // A span over several lines is marked on its first line only: the
            // message says what is wrong, the line says where it starts.
            let range = file.line_range(d.span.line);
            let (first, end) = (range.start, range.end);
            let text = &file.text[first..end];
            let start = d.span.start.clamp(first, end) - first;
            let stop = d.span.end.clamp(first, end) - first;
            let stop = if stop > start {
                stop
            } else {
                next_char(text, start)
            };
            title.element(
                Snippet::source(text)
                    .line_start(d.span.line)
                    .path(&*shown.file)
                    .annotation(AnnotationKind::Primary.span(start..stop)),
            )
        }
        _ => title.element(
            annotate_snippets::Origin::path(&*shown.file)
                .line(d.span.line)
                .char_column(d.span.column),
        ),
    };
    if let Some(help) = &shown.help {
        group = group.element(Level::HELP.message(&**help));
    }
    group
}

/// Mark at least one character, so a point span still shows a caret.
fn next_char(text: &str, at: usize) -> usize {
    text[at..]
        .chars()
        .next()
        .map(|c| at + c.len_utf8())
        .unwrap_or(at)
}

/// The line every human run ends with. `scope`: what was checked and why, when it is
/// not simply the files asked for (`changed since HEAD~1`).
pub fn summary(files: usize, scope: &str, tally: Tally, seconds: f64) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let scope = if scope.is_empty() {
        String::new()
    } else {
        format!(" ({scope})")
    };
    format!(
        "checked {}{scope}: {}, {} ({seconds:.2}s)",
        plural(files, "file"),
        plural(tally.errors, "error"),
        plural(tally.warnings, "warning"),
    )
}
