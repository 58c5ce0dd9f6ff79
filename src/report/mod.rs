//! Output formats. Each is one renderer of the same sorted diagnostics, writing into
//! a `Write`; the library never prints on its own.

use std::io::{self, Write};

use crate::check::Sources;
use crate::diagnostic::{Diagnostic, Tally};

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
    pub fn tally(&self) -> Tally {
        Tally::of(self.diagnostics)
    }
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
