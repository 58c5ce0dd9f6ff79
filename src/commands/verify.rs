//! `healthpress verify DIR`: check a channel or version folder (`crate::verify`).

use std::io::Write;
use std::path::Path;

use crate::error::{ExitStatus, RunError};

pub(super) fn run(
    dir: &Path,
    public_key: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let problems = crate::verify::verify(dir, public_key)?;
    for p in &problems {
        writeln!(out, "{p}")?;
    }
    Ok(if problems.is_empty() {
        writeln!(out, "verified {}", dir.display())?;
        ExitStatus::Success
    } else {
        writeln!(
            err,
            "error: {} problem(s) in {}",
            problems.len(),
            dir.display()
        )?;
        ExitStatus::Failure
    })
}
