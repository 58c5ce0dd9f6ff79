//! `healthpress explain RULE`: a rule's documentation.

use std::io::Write;

use crate::error::{ExitStatus, RunError};
use crate::rules;

pub(super) fn run(name: &str, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    let Some(rule) = rules::find(name) else {
        return Err(RunError::Usage(format!(
            "no rule named `{name}`{}; `healthpress rules` lists them",
            crate::config::suggest(name, rules::all().iter().map(|r| r.meta.name))
        )));
    };
    out.write_all(rules::explain(&rule.meta).as_bytes())?;
    Ok(ExitStatus::Success)
}
