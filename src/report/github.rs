//! `--format github`: GitHub Actions workflow commands, one per diagnostic, so each
//! finding shows as an annotation on its line of the pull request.

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::report::{Report, escape_name, escape_text};

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    // A weakened safety rule shows on the line of healthpress.toml that weakens it.
    for w in report.weakened {
        writeln!(
            out,
            "::warning file={},line={},title={}::{}",
            property(&w.file),
            w.line.max(1),
            property(&format!("healthpress: safety rule {} weakened", w.rule)),
            data(&w.sentence()),
        )?;
    }
    for d in report.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Control characters would reach the log as they are (the log shows terminal
        // escapes): they are written as every report writes them.
        let message = match &d.help {
            Some(h) => format!("{}\nhelp: {h}", d.message),
            None => d.message.clone(),
        };
        let message = escape_text(&message);
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&escape_name(&d.file)),
            d.span.line,
            d.span.column,
            d.span.end_line.max(d.span.line),
            d.span.end_column.max(1),
            property(&format!("healthpress {}", d.rule)),
            data(&message),
        )?;
    }
    Ok(())
}

/// The escaping GitHub's toolkit applies to a command's message.
pub fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The escaping GitHub's toolkit applies to a command's properties.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    // Percent first, then line breaks; properties also escape `:` and `,`.
    #[test]
    fn escaping() {
        assert_eq!(data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
