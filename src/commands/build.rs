//! `healthpress build`: check the content, then write it as the next versioned bundle.

use std::io::{self, Write};
use std::sync::Arc;
use std::time::Instant;

use super::output::emit;
use super::progress::progress_bar;
use super::today;
use crate::check::{CheckOptions, Progress};
use crate::cli::BuildArgs;
use crate::error::{ExitStatus, RunError};
use crate::publish::{self, BuildOptions, Built};
use crate::report::{self, Format};

pub(super) fn run(
    args: BuildArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let started = Instant::now();
    let config = super::load_config()?;
    let progress = progress_bar(&args.common);
    let options = CheckOptions {
        paths: Vec::new(),
        changed_since: None,
        today: today(args.common.today),
        render: true,
        progress: progress.clone().map(|p| p as Arc<dyn Progress>),
    };
    let signer = match &args.sign_key {
        Some(path) => Some(Arc::new(publish::sign::Signer::load(
            path,
            std::env::var(publish::sign::PASSWORD_VAR).ok(),
        )?)),
        None => None,
    };
    let generated_at = generated_at()?;
    let expires = chrono::DateTime::parse_from_rfc3339(&generated_at)
        .ok()
        .and_then(|t| t.checked_add_signed(chrono::Duration::days(args.expires_in_days.into())))
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .ok_or_else(|| RunError::Usage("--expires-in-days is out of range".into()))?;
    let build = BuildOptions {
        out: args.out.unwrap_or_else(|| config.bundle_out.clone()),
        bundle_version: args.bundle_version,
        generated_at,
        previous: args.previous,
        signer,
        expires,
    };
    // Articles are written into a temporary folder while they are checked; it becomes
    // a bundle only if the whole check passes (dropping the publisher removes it).
    let mut publisher = publish::Publisher::start(&config, build)?;
    print_profile(&mut publisher);
    let mut checked = crate::check::check_and_publish(&config, &options, &mut publisher)?;
    if let Some(p) = &progress {
        p.finish();
    }
    // An article the last bundle held leaves it only when its file says so.
    let vanishing = publisher.departures(&checked.index);
    checked.add(vanishing, &config);
    // Findings in drafts, review and retired articles are shown but do not stop it.
    let (tally, not_blocking) = checked.build_tallies();
    checked.outcome.note = crate::check::not_blocking_note(not_blocking);
    // A reader that went away (`build | head`) stops the report, not the build: the
    // exit status must still say whether a bundle was written.
    let quiet = match emit(&args.common, &checked.outcome, started, out) {
        Ok(_) => false,
        Err(e) if e.is_broken_pipe() => true,
        Err(e) => return Err(e),
    };
    if tally.fails(args.common.deny_warnings) {
        let _ = writeln!(err, "error: the content has errors; no bundle was written");
        return Ok(ExitStatus::Failure);
    }
    let built = publisher.finish(&checked.index.retired());
    print_profile(&mut publisher);
    let built = built?;
    drop(publisher);
    // As in `check`: the process ends next.
    std::mem::forget(checked);
    // In machine formats stdout is the report alone; what was written goes to stderr.
    let mut nowhere = io::sink();
    let note: &mut dyn Write = if quiet {
        &mut nowhere
    } else if args.common.format == Format::Human && args.common.output.is_none() {
        out
    } else {
        err
    };
    match built {
        Built::Written {
            version,
            path,
            changelog,
        } => writeln!(
            note,
            "wrote bundle {version} to {} ({} added, {} changed, {} retired)",
            report::escape_path(&path),
            changelog.added.len(),
            changelog.changed.len(),
            changelog.retired.len()
        )?,
        Built::Unchanged { version } => writeln!(
            note,
            "nothing changed since bundle {version}; no new bundle was written"
        )?,
    }
    Ok(ExitStatus::Success)
}

/// The build time: `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
fn generated_at() -> Result<String, RunError> {
    let time = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => {
            let secs: i64 = v.trim().parse().map_err(|_| {
                RunError::Usage(format!(
                    "SOURCE_DATE_EPOCH must be a number of seconds, not `{v}`"
                ))
            })?;
            chrono::DateTime::from_timestamp(secs, 0).ok_or_else(|| {
                RunError::Usage(format!("SOURCE_DATE_EPOCH `{v}` is out of range"))
            })?
        }
        Err(_) => chrono::Utc::now(),
    };
    Ok(time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// With HEALTHPRESS_PROFILE set, how long each build phase took, on stderr (as `check`
/// shows its own).
fn print_profile(publisher: &mut publish::Publisher<'_>) {
    if std::env::var_os("HEALTHPRESS_PROFILE").is_some() {
        for (name, spent) in publisher.take_profile() {
            eprintln!(
                "profile: build: {name:<38} {:>8.1} ms",
                spent.as_secs_f64() * 1e3
            );
        }
    }
}
