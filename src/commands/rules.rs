//! `healthpress rules`: the rule table.

use std::io::{self, Write};

use crate::config::Config;
use crate::error::{ExitStatus, RunError};
use crate::report;
use crate::rules;

pub(super) fn run(out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    // The severities this repository's healthpress.toml sets, when there is one.
    let named = super::CONFIG_FILE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .is_some();
    let found = named || std::env::current_dir().is_ok_and(|d| Config::discover(&d).is_ok());
    let config = if found {
        Some(super::load_config()?)
    } else {
        None
    };
    print_rules(out, config.as_ref())?;
    Ok(ExitStatus::Success)
}

/// The rule table: name, default severity, and (in a content repository) the severity
/// its healthpress.toml gives the rule, then scope and summary.
fn print_rules(out: &mut dyn Write, config: Option<&Config>) -> io::Result<()> {
    let width = rules::all()
        .iter()
        .map(|r| r.meta.name.len())
        .max()
        .unwrap_or(0);
    match config {
        Some(c) => writeln!(
            out,
            "{:width$}  {:7}  {:9}  {:7}  SUMMARY ([safety]: cannot be silenced in an article)\n\
             {:width$}  {:7}  {:9}",
            "RULE",
            "DEFAULT",
            "THIS REPO",
            "SCOPE",
            "",
            "",
            format!("(from {})", report::escape_path(&c.path)).as_str(),
        )?,
        None => writeln!(
            out,
            "{:width$}  {:7}  {:7}  SUMMARY ([safety]: cannot be silenced in an article)",
            "RULE", "DEFAULT", "SCOPE",
        )?,
    }
    for r in rules::all() {
        let m = &r.meta;
        let effective = config.map(|c| match rules::severity(c, m.name) {
            Some(s) if s == m.severity => s.as_str().to_string(),
            Some(s) => format!("{}*", s.as_str()),
            None => "off*".to_string(),
        });
        match effective {
            Some(e) => write!(
                out,
                "{:width$}  {:7}  {:9}  ",
                m.name,
                m.severity.as_str(),
                e
            )?,
            None => write!(out, "{:width$}  {:7}  ", m.name, m.severity.as_str())?,
        }
        writeln!(
            out,
            "{:7}  {}{}",
            m.scope.as_str(),
            m.summary,
            if m.safety { " [safety]" } else { "" },
        )?;
    }
    if config.is_some() {
        writeln!(out, "\n* changed by this repository's healthpress.toml")?;
    }
    Ok(())
}
