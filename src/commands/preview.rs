//! `healthpress preview FILE`: one article's page, written where a browser can open it.

use std::io::{self, Write};
use std::path::Path;

use crate::error::{ExitStatus, RunError};
use crate::publish;
use crate::report;

pub(super) fn run(
    file: &Path,
    open: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let config = super::load_config()?;
    let path = publish::preview(&config, file)?;
    writeln!(out, "{}", report::escape_path(&path))?;
    if open {
        open_in_browser(&path, err)?;
    }
    Ok(ExitStatus::Success)
}

fn open_in_browser(path: &Path, err: &mut dyn Write) -> io::Result<()> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener)
        .arg(path)
        .spawn()
        .is_err()
    {
        writeln!(
            err,
            "could not run {opener}; open the file above in a browser"
        )?;
    }
    Ok(())
}
