//! `healthpress check`: check the content and report what is wrong with it.

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use super::output::{emit, status};
use super::progress::progress_bar;
use super::today;
use crate::check::{CheckOptions, Progress, check};
use crate::cli::CheckArgs;
use crate::error::{ExitStatus, RunError};

pub(super) fn run(
    args: CheckArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    if args.watch {
        return super::watch::run(args, out, err);
    }
    let started = Instant::now();
    let config = super::load_config()?;
    let progress = progress_bar(&args.common);
    let options = CheckOptions {
        paths: args.paths,
        changed_since: args.changed_since,
        today: today(args.common.today),
        render: false,
        progress: progress.clone().map(|p| p as Arc<dyn Progress>),
    };
    let checked = check(&config, &options)?;
    if let Some(p) = progress {
        p.finish();
    }
    let tally = emit(&args.common, &checked.outcome, started, out)?;
    // The process ends next: freeing the index of a large library entry by entry
    // would only delay the exit.
    std::mem::forget(checked);
    Ok(status(tally, args.common.deny_warnings))
}
