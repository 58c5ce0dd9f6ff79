//! Output formats. Each is one renderer of the same sorted diagnostics, writing into
//! a `Write`; the library never prints on its own.

use std::io::{self, Write};

use crate::check::{Outcome, Sources};
use crate::diagnostic::{Diagnostic, Tally};
pub use crate::escape::{escape_name, escape_path, escape_text};

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

/// Everything a renderer needs.
pub struct Report<'a> {
    pub diagnostics: &'a [Diagnostic],
    pub sources: &'a Sources,
    /// The files checked, with or without findings.
    pub files: &'a [std::sync::Arc<str>],
    pub files_checked: usize,
    /// Safety rules healthpress.toml turns off or down: every format announces them.
    pub weakened: &'a [crate::diagnostic::WeakenedRule],
}

impl Report<'_> {
    /// What a check found, for the reports (report reads check; check knows nothing
    /// of reports).
    pub fn of(outcome: &Outcome) -> Report<'_> {
        Report {
            diagnostics: &outcome.diagnostics,
            sources: &outcome.sources,
            files: &outcome.files,
            files_checked: outcome.files_checked,
            weakened: &outcome.weakened,
        }
    }

    pub fn tally(&self) -> Tally {
        Tally::of(self.diagnostics)
    }
}

/// Write serialised JSON with DEL and the C1 control characters as `\u007f`-style
/// escapes. serde_json leaves them raw (JSON allows it), but the stream to a pipe strips
/// control sequences, which would silently change a file name in the report. They can
/// only occur inside strings, where the escape means the same character.
pub fn write_json(out: &mut dyn Write, json: &[u8]) -> io::Result<()> {
    let Ok(text) = std::str::from_utf8(json) else {
        return out.write_all(json);
    };
    let mut last = 0;
    for (i, c) in text.char_indices() {
        if ('\u{7f}'..='\u{9f}').contains(&c) {
            out.write_all(&json[last..i])?;
            write!(out, "\\u{:04x}", c as u32)?;
            last = i + c.len_utf8();
        }
    }
    out.write_all(&json[last..])
}

pub fn render(format: Format, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Github => github::render(report, out),
        Format::Junit => junit::render(report, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // DEL and C1 become JSON escapes that read back to the same string.
    #[test]
    fn json_escapes_del_and_c1() {
        let json = serde_json::to_vec(&"a\u{7f}b\u{9b}c é").unwrap();
        let mut out = Vec::new();
        write_json(&mut out, &json).unwrap();
        assert_eq!(
            String::from_utf8(out.clone()).unwrap(),
            r#""a\u007fb\u009bc é""#
        );
        let back: String = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, "a\u{7f}b\u{9b}c é");
    }

    // Control characters, bidi overrides and the backslash are escaped; the rest,
    // accents included, is kept; a plain name is not copied.
    #[test]
    fn names_are_escaped_reversibly() {
        assert_eq!(
            escape_name("a\u{1b}]0;t\u{7}\r\n\u{7f}\u{9b}\u{202e}é\\b.md"),
            "a\\u{1b}]0;t\\u{7}\\u{d}\\u{a}\\u{7f}\\u{9b}\\u{202e}é\\\\b.md"
        );
        assert!(matches!(
            escape_name("content/back-pain.md"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
