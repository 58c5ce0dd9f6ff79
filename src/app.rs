//! The edge of the program: parse arguments, find the config, call the library, write
//! to the terminal, and turn the outcome into an exit status. Time is read here and
//! nowhere else.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;

use crate::check::{CheckOptions, RunError, check};
use crate::cli::{BuildArgs, CheckArgs, Cli, Command};
use crate::config::Config;
use crate::diagnostic::Tally;
use crate::publish::{self, BuildOptions, Built};
use crate::report::{self, Format, Report};
use crate::rules;

/// Exit status: 0 no errors, 1 the content has errors, 2 the command could not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitStatus {
    Success = 0,
    Failure = 1,
    Error = 2,
}

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
    let mut stdout = anstream::stdout().lock();
    let mut stderr = anstream::stderr().lock();
    match dispatch(cli, &mut stdout, &mut stderr) {
        Ok(status) => status,
        Err(Failure::BrokenPipe) => ExitStatus::Success,
        Err(Failure::Run(e)) => {
            let _ = writeln!(stderr, "error: {e}");
            match e {
                RunError::Content(_) => ExitStatus::Failure,
                _ => ExitStatus::Error,
            }
        }
    }
}

enum Failure {
    BrokenPipe,
    Run(RunError),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Run(RunError::Io(e.to_string()))
        }
    }
}

impl From<RunError> for Failure {
    fn from(e: RunError) -> Self {
        Failure::Run(e)
    }
}

fn dispatch(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus, Failure> {
    match cli.command {
        Command::Check(args) => run_check(args, out, err),
        Command::Build(args) => run_build(args, out, err),
        Command::Schema { name } => {
            out.write_all(crate::schema::print(&name).as_bytes())?;
            Ok(ExitStatus::Success)
        }
        Command::Rules => {
            print_rules(out)?;
            Ok(ExitStatus::Success)
        }
        Command::Explain { rule } => explain(&rule, out),
        Command::SignOff { paths } => sign_off(&paths, out, err),
    }
}

fn load_config() -> Result<Config, RunError> {
    let cwd = std::env::current_dir().map_err(|e| RunError::Io(e.to_string()))?;
    let path = Config::discover(&cwd)?;
    // Report paths relative to the project root when it is the current folder or above.
    let path = relative_to(&cwd, &path);
    Ok(Config::load(&path)?)
}

fn relative_to(cwd: &std::path::Path, path: &std::path::Path) -> PathBuf {
    match path.parent().and_then(|p| cwd.strip_prefix(p).ok()) {
        Some(rel) if rel.as_os_str().is_empty() => PathBuf::from(crate::config::FILE_NAME),
        _ => path.to_path_buf(),
    }
}

fn today(arg: Option<chrono::NaiveDate>) -> chrono::NaiveDate {
    arg.unwrap_or_else(|| chrono::Local::now().date_naive())
}

fn run_check(
    args: CheckArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Failure> {
    let started = Instant::now();
    let config = load_config()?;
    let options = CheckOptions {
        paths: args.paths,
        today: today(args.common.today),
        render: false,
    };
    let checked = check(&config, &options)?;
    let outcome = &checked.outcome;
    let report = Report {
        diagnostics: &outcome.diagnostics,
        sources: &outcome.sources,
        files_checked: outcome.files_checked,
    };
    report::render(args.common.format, &report, out)?;
    let tally = report.tally();
    if args.common.format == Format::Human {
        writeln!(
            out,
            "{}",
            report::human::summary(
                outcome.files_checked,
                tally,
                started.elapsed().as_secs_f64()
            )
        )?;
    }
    let _ = err;
    Ok(status(tally, args.common.deny_warnings))
}

fn run_build(
    args: BuildArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Failure> {
    let started = Instant::now();
    let config = load_config()?;
    let options = CheckOptions {
        paths: Vec::new(),
        today: today(args.common.today),
        render: true,
    };
    let checked = check(&config, &options)?;
    let outcome = &checked.outcome;
    let report = Report {
        diagnostics: &outcome.diagnostics,
        sources: &outcome.sources,
        files_checked: outcome.files_checked,
    };
    report::render(args.common.format, &report, out)?;
    let tally = report.tally();
    let human = args.common.format == Format::Human;
    let summary = |out: &mut dyn Write| -> io::Result<()> {
        if human {
            writeln!(
                out,
                "{}",
                report::human::summary(
                    outcome.files_checked,
                    tally,
                    started.elapsed().as_secs_f64()
                )
            )?;
        }
        Ok(())
    };
    if tally.fails(args.common.deny_warnings) {
        summary(out)?;
        writeln!(err, "error: the content has errors; no bundle was written")?;
        return Ok(ExitStatus::Failure);
    }
    let build = BuildOptions {
        out: args.out.unwrap_or_else(|| config.bundle_out.clone()),
        bundle_version: args.bundle_version,
        generated_at: generated_at()?,
    };
    let built = publish::build(&config, &checked.corpus, &build)?;
    summary(out)?;
    // In machine formats stdout is the report alone; what was written goes to stderr.
    let note: &mut dyn Write = if human { out } else { err };
    match built {
        Built::Written {
            version,
            path,
            changelog,
        } => writeln!(
            note,
            "wrote bundle {version} to {} ({} added, {} changed, {} retired)",
            path.display(),
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

fn status(tally: Tally, deny_warnings: bool) -> ExitStatus {
    if tally.fails(deny_warnings) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

fn sign_off(
    paths: &[PathBuf],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Failure> {
    let config = load_config()?;
    let loader = crate::content::Loader::new(&config);
    let files = crate::check::resolve_paths(&config, &loader, paths)?;
    let mut status = ExitStatus::Success;
    for (path, kind) in files {
        if kind != crate::content::FileKind::Article {
            continue;
        }
        let article = loader.load_file(path.clone(), kind);
        let Some(hash) = crate::signoff::clinical_hash(&article) else {
            writeln!(
                err,
                "error: {}: cannot sign off: the file or its front matter cannot be read; run `healthpress check` on it",
                article.name()
            )?;
            status = ExitStatus::Failure;
            continue;
        };
        if article.str(crate::signoff::FIELD) == Some(hash.as_str()) {
            writeln!(out, "unchanged  {}", article.name())?;
            continue;
        }
        let text =
            crate::signoff::with_sign_off(&article.file.text, article.front_range.clone(), &hash);
        let text = if std::fs::read(&path).is_ok_and(|b| b.starts_with("\u{feff}".as_bytes())) {
            format!("\u{feff}{text}")
        } else {
            text
        };
        crate::signoff::write_atomically(&path, &text)
            .map_err(|e| RunError::Io(format!("{}: {e}", path.display())))?;
        writeln!(out, "signed off {}  {}", article.name(), &hash[..19])?;
    }
    Ok(status)
}

fn print_rules(out: &mut dyn Write) -> io::Result<()> {
    let width = rules::all()
        .iter()
        .map(|r| r.meta.name.len())
        .max()
        .unwrap_or(0);
    for r in rules::all() {
        let m = &r.meta;
        writeln!(
            out,
            "{:width$}  {:7}  {:7}  {}{}",
            m.name,
            m.severity.as_str(),
            m.scope.as_str(),
            m.summary,
            if m.safety { " [safety]" } else { "" },
        )?;
    }
    Ok(())
}

fn explain(name: &str, out: &mut dyn Write) -> Result<ExitStatus, Failure> {
    let Some(rule) = rules::find(name) else {
        return Err(RunError::Usage(format!(
            "no rule named `{name}`{}; `healthpress rules` lists them",
            crate::config::suggest(name, rules::all().iter().map(|r| r.meta.name))
        ))
        .into());
    };
    out.write_all(rules::explain(&rule.meta).as_bytes())?;
    Ok(ExitStatus::Success)
}
