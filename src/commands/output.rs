//! What `check`, `build` and `check --watch` write: the report, where it was asked
//! for, and the summary line.

use std::io::{self, Write};
use std::time::Instant;

use crate::check::Outcome;
use crate::cli::CommonArgs;
use crate::diagnostic::Tally;
use crate::error::{ExitStatus, RunError};
use crate::report::{self, Format};

/// Render the report where it was asked for, then the one-line summary for people.
/// Returns the tally that decides the exit status.
pub(super) fn emit(
    common: &CommonArgs,
    outcome: &Outcome,
    started: Instant,
    out: &mut dyn Write,
) -> Result<Tally, RunError> {
    if std::env::var_os("HEALTHPRESS_PROFILE").is_some() {
        for (name, spent) in &outcome.profile {
            eprintln!("profile: {name:40} {:8.1} ms", spent.as_secs_f64() * 1000.0);
        }
    }
    let report = crate::report::Report::of(outcome);
    let tally = report.tally();
    let verdict = status(tally, common.deny_warnings);
    let mut summary = report::human::summary(
        outcome.files_checked,
        &outcome.scope,
        tally,
        started.elapsed().as_secs_f64(),
    ) + &outcome.note;
    // A run that fails on warnings alone says so, where people look.
    let why = (common.deny_warnings && tally.errors == 0 && tally.warnings > 0)
        .then_some("the run fails because --deny-warnings makes warnings fail it");
    if let Some(why) = why {
        summary.push_str("; ");
        summary.push_str(why);
    }
    let written = |e: io::Error| RunError::from(e).after(verdict);
    match &common.output {
        Some(path) => {
            let mut file = anstream::StripStream::new(Vec::new());
            report::render(common.format, &report, &mut file)?;
            write_report(path, &file.into_inner()).map_err(|cause| RunError::Report {
                path: report::escape_path(path),
                cause,
            })?;
            for w in report.weakened {
                writeln!(out, "{}", report::human::policy_note(w)).map_err(written)?;
            }
            writeln!(
                out,
                "{summary}; report written to {}",
                report::escape_path(path)
            )
            .map_err(written)?;
        }
        None => {
            report::render(common.format, &report, out).map_err(written)?;
            if common.format == Format::Human {
                writeln!(out, "{summary}").map_err(written)?;
            } else if why.is_some() {
                // stdout is the report alone; the reason goes beside it.
                let _ = writeln!(io::stderr(), "error: {summary}");
            }
        }
    }
    Ok(tally)
}

/// Write a report file. A regular file (or a new one) is replaced atomically through a
/// private temporary file beside it (unpredictable name, created exclusively), which is
/// removed again on any error; anything else, such as `/dev/stdout`, a pipe or
/// `/dev/full`, is written in place and never replaced.
fn write_report(path: &std::path::Path, bytes: &[u8]) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(io::Error::other("it is a folder")),
        Ok(meta) if !meta.is_file() => {
            let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
            file.write_all(bytes)?;
            file.flush()
        }
        existing => {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => std::path::Path::new("."),
            };
            let mut tmp = tempfile::Builder::new()
                .prefix(".healthpress-report-")
                .tempfile_in(dir)?;
            tmp.write_all(bytes)?;
            tmp.flush()?;
            let permissions = match existing {
                Ok(meta) => Some(meta.permissions()),
                Err(_) => new_file_permissions(),
            };
            if let Some(p) = permissions {
                let _ = tmp.as_file().set_permissions(p);
            }
            tmp.persist(path).map(drop).map_err(|e| e.error)
        }
    }
}

/// What a new file gets: read-write for its owner, readable for others (0644 on Unix;
/// the private temporary file it was written as is 0600).
fn new_file_permissions() -> Option<std::fs::Permissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

pub(super) fn status(tally: Tally, deny_warnings: bool) -> ExitStatus {
    if tally.fails(deny_warnings) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}
