//! `check --watch`: check, then check again on every save. Parsed files are kept
//! between runs and a file is read again only when its size or modification time
//! changes. Deleted, renamed and half-written files are simply what the next run sees;
//! a broken config is reported and the watch goes on.

use std::io::Write;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::output::emit;
use super::{load_config, today};
use crate::check::{CheckOptions, check_cached};
use crate::cli::CheckArgs;
use crate::content::ArticleCache;
use crate::error::{ExitStatus, RunError};

/// How long to wait for a burst of file events (an editor's save) to end.
const SETTLE: Duration = Duration::from_millis(100);

pub(super) fn run(
    args: CheckArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let first = load_config()?;
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })
    .map_err(RunError::WatchStart)?;
    let root = if first.root.as_os_str().is_empty() {
        Path::new(".").to_path_buf()
    } else {
        first.root.clone()
    };
    // The project root, so that the config, the content folder and a content folder
    // that is deleted and made again are all seen.
    watcher
        .watch(&root, RecursiveMode::Recursive)
        .map_err(|source| RunError::Watch {
            path: root.clone(),
            source,
        })?;
    let cache = ArticleCache::default();
    loop {
        let started = Instant::now();
        match load_config() {
            Ok(config) => {
                let options = CheckOptions {
                    paths: args.paths.clone(),
                    today: today(args.common.today),
                    ..CheckOptions::default()
                };
                match check_cached(&config, &options, &cache) {
                    Ok(checked) => {
                        emit(&args.common, &checked.outcome, started, out)?;
                    }
                    Err(e) => writeln!(err, "error: {e}")?,
                }
            }
            Err(e) => writeln!(err, "error: {e}")?,
        }
        writeln!(out, "watching for changes (Ctrl-C to stop)")?;
        out.flush()?;
        // Wait for a change that is not in the bundle folder or git's own files, then
        // let the burst settle.
        loop {
            match rx.recv() {
                Ok(Ok(event)) if relevant(&event) => break,
                Ok(_) => continue,
                Err(_) => return Ok(ExitStatus::Success),
            }
        }
        while rx.recv_timeout(SETTLE).is_ok() {}
    }
}

fn relevant(event: &notify::Event) -> bool {
    use notify::EventKind;
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    event.paths.iter().any(|p| {
        let s = p.to_string_lossy();
        (s.ends_with(".md") || s.ends_with(".toml") || p.is_dir())
            && !s.contains("/.git/")
            && !s.contains("/target/")
    })
}
