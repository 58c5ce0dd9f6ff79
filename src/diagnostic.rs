//! A diagnostic is plain data: which rule, how bad, where, what, and how to fix it.
//! Every output format renders the same sorted list.

use std::cmp::Ordering;
use std::sync::Arc;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in a file: a byte range plus its 1-based line and column (columns count
/// characters, not bytes), start and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Span {
    #[serde(skip)]
    pub start: usize,
    #[serde(skip)]
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    /// The file, relative to the project root, with `/` separators.
    pub file: Arc<str>,
    #[serde(flatten)]
    pub span: Span,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Other files or article ids the finding involves (a duplicate's other file, a
    /// link's target), so a run that reports on some files still shows it.
    #[serde(skip)]
    pub refs: Vec<String>,
}

impl Diagnostic {
    /// The order every report uses: file, line, column, rule, then message so that
    /// two findings of one rule at one place still sort the same on every run.
    pub fn sort_key_cmp(&self, other: &Self) -> Ordering {
        (
            &*self.file,
            self.span.line,
            self.span.column,
            self.rule,
            &self.message,
        )
            .cmp(&(
                &*other.file,
                other.span.line,
                other.span.column,
                other.rule,
                &other.message,
            ))
    }
}

/// Counts of a finished run, for summaries and exit codes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
}

impl Tally {
    pub fn of(diagnostics: &[Diagnostic]) -> Tally {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Tally {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }

    /// True when the run should fail: any error, or any warning under `--deny-warnings`.
    pub fn fails(self, deny_warnings: bool) -> bool {
        self.errors > 0 || (deny_warnings && self.warnings > 0)
    }
}

/// A safety rule that `healthpress.toml` turns off or down from its default. Every
/// report announces it, so that whoever reads the CI output sees the gate was changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeakenedRule {
    pub rule: &'static str,
    pub default: Severity,
    /// `off` or `warning`.
    pub configured: &'static str,
    /// The file that does it, and its line (0 when it cannot be found).
    pub file: String,
    pub line: usize,
}

impl WeakenedRule {
    /// One sentence for people.
    pub fn sentence(&self) -> String {
        let (done, effect) = if self.configured == "off" {
            ("turned off", "its findings are not reported")
        } else {
            ("lowered to a warning", "its findings do not fail the run")
        };
        format!(
            "safety rule `{}` is {done} in {} line {} (its default is {}): {effect}",
            self.rule,
            self.file,
            self.line,
            self.default.as_str(),
        )
    }
}
