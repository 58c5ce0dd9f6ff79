//! `healthpress completions SHELL`: the shell's completion script.

use std::io::Write;

use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::{ExitStatus, RunError};

pub(super) fn run(shell: Shell, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    // clap_complete panics on a write error: it writes into memory, and the write to
    // the terminal or pipe is ours.
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "healthpress", &mut script);
    out.write_all(&script)?;
    Ok(ExitStatus::Success)
}
