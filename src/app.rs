//! The edge of the program: parse arguments, find the config, call the library, write
//! to the terminal, and turn the outcome into an exit status. Time is read here and
//! nowhere else.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;

use std::sync::Arc;

use crate::check::{CheckOptions, Outcome, Progress, RunError, check};
use crate::cli::{BuildArgs, CheckArgs, Cli, Command, CommonArgs};
use crate::config::Config;
use crate::diagnostic::Tally;
use crate::publish::{self, BuildOptions, Built};
use crate::report::{self, Format};
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
    if matches!(cli.command, Command::Lsp) {
        // The server writes to stdout from its own thread: nothing here may hold it.
        return match crate::lsp::run_stdio() {
            Ok(true) => ExitStatus::Success,
            Ok(false) => ExitStatus::Failure,
            Err(e) => {
                eprintln!("error: lsp: {e}");
                ExitStatus::Error
            }
        };
    }
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

pub(crate) enum Failure {
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
        Command::New {
            id,
            topics,
            audience,
        } => {
            let config = load_config()?;
            let path = crate::scaffold::new_article(&config, &id, &topics, &audience)?;
            writeln!(out, "wrote {}", path.display())?;
            Ok(ExitStatus::Success)
        }
        Command::Preview { file, open } => {
            let config = load_config()?;
            let path = publish::preview(&config, &file)?;
            writeln!(out, "{}", path.display())?;
            if open {
                open_in_browser(&path, err)?;
            }
            Ok(ExitStatus::Success)
        }
        // Served by `run` before stdout is locked.
        Command::Lsp => {
            Err(RunError::Usage("the language server runs only from `run`".into()).into())
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "healthpress", out);
            Ok(ExitStatus::Success)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(out)?;
            Ok(ExitStatus::Success)
        }
    }
}

pub(crate) fn load_config() -> Result<Config, RunError> {
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

pub(crate) fn today(arg: Option<chrono::NaiveDate>) -> chrono::NaiveDate {
    arg.unwrap_or_else(|| chrono::Local::now().date_naive())
}

fn run_check(
    args: CheckArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Failure> {
    if args.watch {
        return crate::watch::run(args, out, err);
    }
    let started = Instant::now();
    let config = load_config()?;
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

/// Render the report where it was asked for, then the one-line summary for people.
/// Returns the tally that decides the exit status.
pub(crate) fn emit(
    common: &CommonArgs,
    outcome: &Outcome,
    started: Instant,
    out: &mut dyn Write,
) -> Result<Tally, Failure> {
    if std::env::var_os("HEALTHPRESS_PROFILE").is_some() {
        for (name, spent) in &outcome.profile {
            eprintln!("profile: {name:40} {:8.1} ms", spent.as_secs_f64() * 1000.0);
        }
    }
    let report = outcome.report();
    let tally = report.tally();
    let summary = report::human::summary(
        outcome.files_checked,
        tally,
        started.elapsed().as_secs_f64(),
    );
    match &common.output {
        Some(path) => {
            let mut file = anstream::StripStream::new(Vec::new());
            report::render(common.format, &report, &mut file)?;
            crate::signoff::write_atomically(path, &String::from_utf8_lossy(&file.into_inner()))
                .map_err(|e| RunError::Io(format!("{}: {e}", path.display())))?;
            writeln!(out, "{summary}; report written to {}", path.display())?;
        }
        None => {
            report::render(common.format, &report, out)?;
            if common.format == Format::Human {
                writeln!(out, "{summary}")?;
            }
        }
    }
    Ok(tally)
}

/// A progress bar on stderr, only for people: on a terminal, in human output, not in CI.
fn progress_bar(common: &CommonArgs) -> Option<Arc<Bar>> {
    use std::io::IsTerminal;
    let wanted = common.format == Format::Human
        && io::stderr().is_terminal()
        && std::env::var_os("CI").is_none();
    wanted.then(|| Arc::new(Bar::new()))
}

/// indicatif's bar behind the library's `Progress` trait. It shows itself only for
/// runs long enough to need it.
pub(crate) struct Bar(indicatif::ProgressBar);

impl Bar {
    fn new() -> Bar {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} {pos}/{len} files")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Bar(bar)
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for Bar {
    fn start(&self, total: usize, what: &str) {
        self.0.set_length(total as u64);
        self.0.set_message(what.to_string());
        if total >= 200 {
            self.0
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn tick(&self) {
        self.0.inc(1);
    }
}

fn run_build(
    args: BuildArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Failure> {
    let started = Instant::now();
    let config = load_config()?;
    let progress = progress_bar(&args.common);
    let options = CheckOptions {
        paths: Vec::new(),
        changed_since: None,
        today: today(args.common.today),
        render: true,
        progress: progress.clone().map(|p| p as Arc<dyn Progress>),
    };
    let build = BuildOptions {
        out: args.out.unwrap_or_else(|| config.bundle_out.clone()),
        bundle_version: args.bundle_version,
        generated_at: generated_at()?,
    };
    // Articles are written into a temporary folder while they are checked; it becomes
    // a bundle only if the whole check passes (dropping the publisher removes it).
    let mut publisher = publish::Publisher::start(&config, build)?;
    let checked = crate::check::check_and_publish(&config, &options, &publisher)?;
    if let Some(p) = &progress {
        p.finish();
    }
    let tally = emit(&args.common, &checked.outcome, started, out)?;
    if tally.fails(args.common.deny_warnings) {
        writeln!(err, "error: the content has errors; no bundle was written")?;
        return Ok(ExitStatus::Failure);
    }
    let built = publisher.finish(&checked.index.retired())?;
    drop(publisher);
    // As in `check`: the process ends next.
    std::mem::forget(checked);
    // In machine formats stdout is the report alone; what was written goes to stderr.
    let note: &mut dyn Write =
        if args.common.format == Format::Human && args.common.output.is_none() {
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

pub(crate) fn status(tally: Tally, deny_warnings: bool) -> ExitStatus {
    if tally.fails(deny_warnings) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

fn open_in_browser(path: &std::path::Path, err: &mut dyn Write) -> io::Result<()> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener)
        .arg(path)
        .spawn()
        .is_err()
    {
        writeln!(
            err,
            "could not run {opener}; open the file above in a browser"
        )?;
    }
    Ok(())
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
