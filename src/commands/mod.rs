//! The command layer, the edge of the program: parse arguments, find the config, call
//! the library, write to the terminal, and turn the outcome into an exit status. One
//! file per command; the library below never prints. Time is read here and nowhere
//! else.

// Printing is this layer's job (and report/'s, which writes into what it is given):
// the crate denies `print_stdout` and `print_stderr` everywhere else.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod build;
mod check;
mod completions;
mod explain;
mod lsp;
mod man;
mod new;
mod output;
mod preview;
mod progress;
mod rules;
mod schema;
mod sign_off;
mod verify;
mod watch;

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::error::{ExitStatus, RunError};
use crate::report;

/// `--config FILE` for this run: every command that reads the config asks here.
static CONFIG_FILE: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> ExitStatus {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitStatus::Error
            } else {
                ExitStatus::Success
            };
        }
    };
    *CONFIG_FILE.lock().unwrap_or_else(|e| e.into_inner()) = cli.config.clone();
    if matches!(cli.command, Command::Lsp) {
        // The server writes to stdout from its own thread: nothing here may hold it.
        return finish(lsp::run(), &mut io::stderr());
    }
    let mut stdout = anstream::stdout().lock();
    let mut stderr = anstream::stderr().lock();
    // What is still buffered is written before the status is decided, so that a full
    // disk is an error here and not a silent loss at exit.
    let result = dispatch(cli, &mut stdout, &mut stderr).and_then(|status| {
        stdout
            .flush()
            .map(|()| status)
            .map_err(|e| RunError::from(e).after(status))
    });
    finish(result, &mut stderr)
}

/// The exit status, with the error said on stderr, except when the reader went away
/// (`| head`): then the run stops quietly, as ripgrep's does.
fn finish(result: Result<ExitStatus, RunError>, stderr: &mut dyn Write) -> ExitStatus {
    match result {
        Ok(status) => status,
        Err(e) => {
            if !e.is_broken_pipe() {
                let _ = writeln!(stderr, "error: {e}");
            }
            e.exit_status()
        }
    }
}

fn dispatch(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus, RunError> {
    match cli.command {
        Command::Check(args) => check::run(args, out, err),
        Command::Build(args) => build::run(args, out, err),
        Command::Schema { name } => schema::run(&name, out),
        Command::Rules => rules::run(out),
        Command::Explain { rule } => explain::run(&rule, out),
        Command::Verify { dir, public_key } => verify::run(&dir, public_key.as_deref(), out, err),
        Command::SignOff {
            paths,
            reviewer,
            today: date,
        } => sign_off::run(&paths, &reviewer, today(date), out, err),
        Command::New {
            id,
            topics,
            audience,
        } => new::run(&id, &topics, &audience, out),
        Command::Preview { file, open } => preview::run(&file, open, out, err),
        // Served by `run` before stdout is locked.
        Command::Lsp => Err(RunError::Usage(
            "the language server runs only from `run`".into(),
        )),
        Command::Completions { shell } => completions::run(shell, out),
        Command::Man => man::run(out),
    }
}

fn load_config() -> Result<Config, RunError> {
    let cwd = std::env::current_dir().map_err(RunError::CurrentDir)?;
    let named = CONFIG_FILE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if let Some(path) = named {
        if !path.is_file() {
            return Err(RunError::Usage(format!(
                "--config {}: no such file",
                report::escape_path(&path)
            )));
        }
        return checked(Config::load(&path)?);
    }
    let path = Config::discover(&cwd)?;
    // Report paths relative to the project root when it is the current folder or above.
    let path = relative_to(&cwd, &path);
    checked(Config::load(&path)?)
}

/// A loaded config whose `[rules]` names only rules that exist.
fn checked(config: Config) -> Result<Config, RunError> {
    crate::rules::validate(&config)?;
    Ok(config)
}

fn relative_to(cwd: &Path, path: &Path) -> PathBuf {
    match path.parent().and_then(|p| cwd.strip_prefix(p).ok()) {
        Some(rel) if rel.as_os_str().is_empty() => PathBuf::from(crate::config::FILE_NAME),
        _ => path.to_path_buf(),
    }
}

fn today(arg: Option<chrono::NaiveDate>) -> chrono::NaiveDate {
    arg.unwrap_or_else(|| chrono::Local::now().date_naive())
}
