//! `healthpress new ID`: a new article from the scaffold (`crate::scaffold`).

use std::io::Write;

use crate::error::{ExitStatus, RunError};
use crate::report;

pub(super) fn run(
    id: &str,
    topics: &[String],
    audience: &str,
    out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let config = super::load_config()?;
    let path = crate::scaffold::new_article(&config, id, topics, audience)?;
    writeln!(out, "wrote {}", report::escape_path(&path))?;
    Ok(ExitStatus::Success)
}
