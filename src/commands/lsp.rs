//! `healthpress lsp`: the language server (`crate::lsp`) on stdin and stdout.

use crate::error::{ExitStatus, RunError};

/// Serve until the client says `exit`: 0 when it shut the server down first, 1 when not.
pub(super) fn run() -> Result<ExitStatus, RunError> {
    match crate::lsp::run_stdio() {
        Ok(true) => Ok(ExitStatus::Success),
        Ok(false) => Ok(ExitStatus::Failure),
        Err(e) => Err(RunError::Lsp(e)),
    }
}
