//! `--format json`: one object with a `diagnostics` array and a summary.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Tally};
use crate::report::Report;

/// The version of this JSON shape; raised when a field changes meaning or goes away.
pub const JSON_FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: &'a [Diagnostic],
    summary: Summary,
    /// Safety rules healthpress.toml turns off or down.
    weakened_safety_rules: &'a [crate::diagnostic::WeakenedRule],
}

#[derive(Serialize)]
struct Summary {
    files_checked: usize,
    #[serde(flatten)]
    tally: Tally,
}

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let output = Output {
        version: JSON_FORMAT_VERSION,
        diagnostics: report.diagnostics,
        summary: Summary {
            files_checked: report.files_checked,
            tally: report.tally(),
        },
        weakened_safety_rules: report.weakened,
    };
    let json = serde_json::to_vec_pretty(&output)?;
    crate::report::write_json(out, &json)?;
    writeln!(out)
}
