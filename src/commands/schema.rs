//! `healthpress schema NAME`: a JSON Schema healthpress reads or writes.

use std::io::Write;

use crate::error::{ExitStatus, RunError};

pub(super) fn run(name: &str, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    out.write_all(crate::publish::model::schema(name).as_bytes())?;
    Ok(ExitStatus::Success)
}
