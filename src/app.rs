//! The edge of the program: parse arguments, find the config, call the library, write
//! to the terminal, and turn the outcome into an exit status. Time is read here and
//! nowhere else.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;

use std::sync::Arc;

use crate::check::{CheckOptions, Outcome, Progress, check};
use crate::cli::{BuildArgs, CheckArgs, Cli, Command, CommonArgs};
use crate::config::Config;
use crate::diagnostic::Tally;
use crate::error::{ExitStatus, RunError};
use crate::publish::{self, BuildOptions, Built};
use crate::report::{self, Format};
use crate::rules;

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
        let result = match crate::lsp::run_stdio() {
            Ok(true) => Ok(ExitStatus::Success),
            Ok(false) => Ok(ExitStatus::Failure),
            Err(e) => Err(RunError::Lsp(e)),
        };
        return finish(result, &mut io::stderr());
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
        Command::Check(args) => run_check(args, out, err),
        Command::Build(args) => run_build(args, out, err),
        Command::Schema { name } => {
            out.write_all(crate::schema::print(&name).as_bytes())?;
            Ok(ExitStatus::Success)
        }
        Command::Rules => {
            // The severities this repository's healthpress.toml sets, when there is one.
            let named = CONFIG_FILE
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_some();
            let found =
                named || std::env::current_dir().is_ok_and(|d| Config::discover(&d).is_ok());
            let config = if found { Some(load_config()?) } else { None };
            print_rules(out, config.as_ref())?;
            Ok(ExitStatus::Success)
        }
        Command::Explain { rule } => explain(&rule, out),
        Command::Verify { dir, public_key } => {
            let problems = crate::verify::verify(&dir, public_key.as_deref())?;
            for p in &problems {
                writeln!(out, "{p}")?;
            }
            Ok(if problems.is_empty() {
                writeln!(out, "verified {}", dir.display())?;
                ExitStatus::Success
            } else {
                writeln!(
                    err,
                    "error: {} problem(s) in {}",
                    problems.len(),
                    dir.display()
                )?;
                ExitStatus::Failure
            })
        }
        Command::SignOff {
            paths,
            reviewer,
            today: date,
        } => sign_off(&paths, &reviewer, today(date), out, err),
        Command::New {
            id,
            topics,
            audience,
        } => {
            let config = load_config()?;
            let path = crate::scaffold::new_article(&config, &id, &topics, &audience)?;
            writeln!(out, "wrote {}", report::escape_path(&path))?;
            Ok(ExitStatus::Success)
        }
        Command::Preview { file, open } => {
            let config = load_config()?;
            let path = publish::preview(&config, &file)?;
            writeln!(out, "{}", report::escape_path(&path))?;
            if open {
                open_in_browser(&path, err)?;
            }
            Ok(ExitStatus::Success)
        }
        // Served by `run` before stdout is locked.
        Command::Lsp => Err(RunError::Usage(
            "the language server runs only from `run`".into(),
        )),
        Command::Completions { shell } => {
            // clap_complete panics on a write error: it writes into memory, and the
            // write to the terminal or pipe is ours.
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "healthpress", &mut script);
            out.write_all(&script)?;
            Ok(ExitStatus::Success)
        }
        Command::Man => {
            out.write_all(&man_page()?)?;
            Ok(ExitStatus::Success)
        }
    }
}

pub(crate) fn load_config() -> Result<Config, RunError> {
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
        return Ok(Config::load(&path)?);
    }
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
) -> Result<ExitStatus, RunError> {
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
) -> Result<Tally, RunError> {
    if std::env::var_os("HEALTHPRESS_PROFILE").is_some() {
        for (name, spent) in &outcome.profile {
            eprintln!("profile: {name:40} {:8.1} ms", spent.as_secs_f64() * 1000.0);
        }
    }
    let report = outcome.report();
    let tally = report.tally();
    let verdict = status(tally, common.deny_warnings);
    let mut summary = report::human::summary(
        outcome.files_checked,
        &outcome.scope,
        tally,
        started.elapsed().as_secs_f64(),
    ) + &outcome.note;
    // A run that fails on warnings alone says so, where people look.
    let why = (common.deny_warnings && tally.errors == 0 && tally.warnings > 0)
        .then_some("the run fails because --deny-warnings makes warnings fail it");
    if let Some(why) = why {
        summary.push_str("; ");
        summary.push_str(why);
    }
    let written = |e: io::Error| RunError::from(e).after(verdict);
    match &common.output {
        Some(path) => {
            let mut file = anstream::StripStream::new(Vec::new());
            report::render(common.format, &report, &mut file)?;
            write_report(path, &file.into_inner()).map_err(|cause| RunError::Report {
                path: report::escape_path(path),
                cause,
            })?;
            for w in report.weakened {
                writeln!(out, "{}", report::human::policy_note(w)).map_err(written)?;
            }
            writeln!(
                out,
                "{summary}; report written to {}",
                report::escape_path(path)
            )
            .map_err(written)?;
        }
        None => {
            report::render(common.format, &report, out).map_err(written)?;
            if common.format == Format::Human {
                writeln!(out, "{summary}").map_err(written)?;
            } else if why.is_some() {
                // stdout is the report alone; the reason goes beside it.
                let _ = writeln!(io::stderr(), "error: {summary}");
            }
        }
    }
    Ok(tally)
}

/// Write a report file. A regular file (or a new one) is replaced atomically through a
/// private temporary file beside it (unpredictable name, created exclusively), which is
/// removed again on any error; anything else, such as `/dev/stdout`, a pipe or
/// `/dev/full`, is written in place and never replaced.
fn write_report(path: &std::path::Path, bytes: &[u8]) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(io::Error::other("it is a folder")),
        Ok(meta) if !meta.is_file() => {
            let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
            file.write_all(bytes)?;
            file.flush()
        }
        existing => {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => std::path::Path::new("."),
            };
            let mut tmp = tempfile::Builder::new()
                .prefix(".healthpress-report-")
                .tempfile_in(dir)?;
            tmp.write_all(bytes)?;
            tmp.flush()?;
            let permissions = match existing {
                Ok(meta) => Some(meta.permissions()),
                Err(_) => new_file_permissions(),
            };
            if let Some(p) = permissions {
                let _ = tmp.as_file().set_permissions(p);
            }
            tmp.persist(path).map(drop).map_err(|e| e.error)
        }
    }
}

/// What a new file gets: read-write for its owner, readable for others (0644 on Unix;
/// the private temporary file it was written as is 0600).
fn new_file_permissions() -> Option<std::fs::Permissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    {
        None
    }
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
) -> Result<ExitStatus, RunError> {
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
    let mut checked = crate::check::check_and_publish(&config, &options, &publisher)?;
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
    let built = publisher.finish(&checked.index.retired())?;
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

/// `healthpress sign-off`: each article is judged on its own, and written only when
/// everything about it is right; the others are reported and left as they were.
fn sign_off(
    paths: &[PathBuf],
    reviewer: &str,
    today: chrono::NaiveDate,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    use crate::signoff::{self, Record};
    let config = load_config()?;
    let loader = crate::content::Loader::new(&config);
    let files = crate::check::resolve_paths(&config, &loader, paths)?;
    let files: Vec<_> = files
        .into_iter()
        .filter(|(_, kind)| *kind == crate::content::FileKind::Article)
        .collect();
    if files.is_empty() {
        return Err(RunError::Usage(
            "no articles to sign off under the given paths".into(),
        ));
    }
    // The errors a full check finds in these files; a sign-off that no longer matches
    // is what signing off fixes, so it does not count.
    let checked = check(
        &config,
        &CheckOptions {
            paths: paths.to_vec(),
            today,
            ..CheckOptions::default()
        },
    )?;
    let errors = |name: &str| -> Vec<&crate::diagnostic::Diagnostic> {
        checked
            .outcome
            .diagnostics
            .iter()
            .filter(|d| {
                &*d.file == name
                    && d.severity == crate::diagnostic::Severity::Error
                    && d.rule != "changed-since-review"
            })
            .collect()
    };
    let reviewer = reviewer.trim();
    let mut status = ExitStatus::Success;
    for (path, kind) in files {
        let article = loader.load_file(path.clone(), kind);
        let refuse = |err: &mut dyn Write, why: String| -> io::Result<()> {
            writeln!(
                err,
                "error: {}: not signed off: {why}",
                report::escape_name(article.name())
            )
        };
        let on = today.to_string();
        let hash = signoff::clinical_hash(&article, &article.body, reviewer, &on);
        let found = errors(article.name());
        let names = signoff::reviewer_names(&article);
        let why = if let Some(why) = hash
            .is_some()
            .then(|| signoff::unwritable(&article.file.text[article.front_range.clone()]))
            .flatten()
        {
            Some(why)
        } else if hash.is_none() {
            Some(
                "the file or its front matter cannot be read; `healthpress check` says why"
                    .to_string(),
            )
        } else if matches!(
            article.status(),
            None | Some(crate::content::model::Status::Draft)
        ) {
            Some("it is a draft; set `status` to `review` or `published` first".to_string())
        } else if let Some(first) = found.first() {
            let line = first.span.line;
            Some(format!(
                "it has {} error{} (first: line {line}: {} [{}]); run `healthpress check {}`",
                found.len(),
                if found.len() == 1 { "" } else { "s" },
                first.message,
                first.rule,
                article.name()
            ))
        } else if !names.contains(&reviewer) {
            Some(format!(
                "`{reviewer}` is not one of its reviewers ({})",
                if names.is_empty() {
                    "it has none".to_string()
                } else {
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))
        } else {
            article
                .date("last_reviewed")
                .filter(|d| *d > today)
                .map(|reviewed| {
                    format!(
                        "`last_reviewed` ({reviewed}) is after today ({today}); a review \
                         cannot be signed off before it happens"
                    )
                })
        };
        if let Some(why) = why {
            refuse(err, why)?;
            status = ExitStatus::Failure;
            continue;
        }
        let hash = hash.unwrap_or_default();
        let record = Record {
            hash: &hash,
            by: reviewer,
            on: today,
        };
        if article.front.value.get(signoff::FIELD) == Some(&record.value()) {
            writeln!(out, "unchanged  {}", report::escape_name(article.name()))?;
            continue;
        }
        let text = signoff::with_sign_off(&article, &record);
        if let Err(why) = signoff::verify(&article, &text, &record) {
            refuse(
                err,
                format!("its front matter cannot be rewritten safely: {why}; nothing was changed"),
            )?;
            status = ExitStatus::Failure;
            continue;
        }
        let text = if std::fs::read(&path).is_ok_and(|b| b.starts_with("\u{feff}".as_bytes())) {
            format!("\u{feff}{text}")
        } else {
            text
        };
        signoff::write_atomically(&path, &text).map_err(|e| RunError::io(&path, e))?;
        writeln!(
            out,
            "signed off {}  by {reviewer} on {today}  {}",
            report::escape_name(article.name()),
            &hash[..hash.len().min(22)]
        )?;
    }
    Ok(status)
}

/// The rule table: name, default severity, and (in a content repository) the severity
/// its healthpress.toml gives the rule, then scope and summary.
fn print_rules(out: &mut dyn Write, config: Option<&Config>) -> io::Result<()> {
    let width = rules::all()
        .iter()
        .map(|r| r.meta.name.len())
        .max()
        .unwrap_or(0);
    match config {
        Some(c) => writeln!(
            out,
            "{:width$}  {:7}  {:9}  {:7}  SUMMARY ([safety]: cannot be silenced in an article)\n\
             {:width$}  {:7}  {:9}",
            "RULE",
            "DEFAULT",
            "THIS REPO",
            "SCOPE",
            "",
            "",
            format!("(from {})", report::escape_path(&c.path)).as_str(),
        )?,
        None => writeln!(
            out,
            "{:width$}  {:7}  {:7}  SUMMARY ([safety]: cannot be silenced in an article)",
            "RULE", "DEFAULT", "SCOPE",
        )?,
    }
    for r in rules::all() {
        let m = &r.meta;
        let effective = config.map(|c| match c.severity(m.name) {
            Some(s) if s == m.severity => s.as_str().to_string(),
            Some(s) => format!("{}*", s.as_str()),
            None => "off*".to_string(),
        });
        match effective {
            Some(e) => write!(
                out,
                "{:width$}  {:7}  {:9}  ",
                m.name,
                m.severity.as_str(),
                e
            )?,
            None => write!(out, "{:width$}  {:7}  ", m.name, m.severity.as_str())?,
        }
        writeln!(
            out,
            "{:7}  {}{}",
            m.scope.as_str(),
            m.summary,
            if m.safety { " [safety]" } else { "" },
        )?;
    }
    if config.is_some() {
        writeln!(out, "\n* changed by this repository's healthpress.toml")?;
    }
    Ok(())
}

/// The man page: clap's page of the command, then a section for each subcommand with
/// its arguments and options, the exit status and the configuration file.
fn man_page() -> io::Result<Vec<u8>> {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let mut page = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    man.render_subcommands_section(&mut page)?;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        writeln!(
            page,
            ".SH \"HEALTHPRESS {}\"",
            roff(&sub.get_name().to_uppercase())
        )?;
        let mut usage = format!("healthpress {}", sub.get_name());
        for a in sub.get_positionals() {
            let name = a
                .get_value_names()
                .and_then(|v| v.first())
                .map(|v| v.to_string())
                .unwrap_or_else(|| a.get_id().to_string().to_uppercase());
            usage.push_str(&format!(" {name}"));
            if matches!(a.get_num_args(), Some(n) if n.max_values() > 1) {
                usage.push_str("...");
            }
        }
        if sub.get_opts().next().is_some() || sub.get_arguments().any(|a| !a.is_positional()) {
            usage.push_str(" [OPTIONS]");
        }
        writeln!(page, ".PP\n\\fB{}\\fR", roff(&usage))?;
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            writeln!(page, ".PP\n{}", roff(&about.to_string()))?;
        }
        for a in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            let mut head = match (a.get_long(), a.get_short()) {
                (Some(l), _) => format!("--{l}"),
                (None, Some(c)) => format!("-{c}"),
                (None, None) => a
                    .get_value_names()
                    .and_then(|v| v.first())
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| a.get_id().to_string().to_uppercase()),
            };
            if !a.is_positional() && a.get_action().takes_values() {
                let value = a
                    .get_value_names()
                    .and_then(|v| v.first())
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| a.get_id().to_string().to_uppercase());
                head.push_str(&format!(" {value}"));
            }
            writeln!(page, ".TP\n\\fB{}\\fR", roff(&head))?;
            let mut help = a
                .get_long_help()
                .or(a.get_help())
                .map(|h| h.to_string())
                .unwrap_or_default();
            let values: Vec<String> = a
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            if !values.is_empty() {
                help.push_str(&format!(" One of: {}.", values.join(", ")));
            }
            writeln!(page, "{}", roff(help.trim()))?;
        }
    }
    page.extend_from_slice(MAN_TAIL.as_bytes());
    man.render_version_section(&mut page)?;
    Ok(page)
}

/// Text for roff: a backslash doubled, a leading `.` or `'` made literal, `-` a minus.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    escaped
        .lines()
        .map(|l| {
            if l.starts_with(['.', '\'']) {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const MAN_TAIL: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
No errors (warnings do not fail a run unless \fB\-\-deny\-warnings\fR is given).
.TP
\fB1\fR
The content has errors (or warnings, with \fB\-\-deny\-warnings\fR); \fBbuild\fR writes no bundle.
.TP
\fB2\fR
The command could not run: bad arguments, a missing or broken configuration file, or an
error reading or writing files.
.SH FILES
.TP
\fBhealthpress.toml\fR
The configuration, found by walking up from the current folder as cargo finds
\fBCargo.toml\fR, or named with \fB\-\-config\fR \fIFILE\fR. Its keys:
\fBcontent\fR (the folder of articles, default \fBcontent\fR),
\fBlocale\fR (default \fBen\-GB\fR),
\fBmax_file_bytes\fR (larger files are refused; default 4 MiB),
\fB[topics]\fR (the taxonomy, \fIid\fR = "\fILabel\fR"; required),
\fBpolicy.clinicians\fR, \fBpolicy.review_window_days\fR,
\fBpolicy.max_review_interval_months\fR, \fBpolicy.readability_max_grade\fR,
\fBpolicy.require_sign_off\fR, \fBpolicy.absolute_claims\fR,
\fBpolicy.emergency_numbers\fR, \fB[[policy.require]]\fR (\fBaudiences\fR,
\fBtopics\fR, \fBdisclaimers\fR, \fBcallouts\fR),
\fB[rules]\fR (\fIrule\-name\fR = "error", "warning" or "off"),
\fBbundle.out\fR (where \fBbuild\fR writes, default \fBdist\fR) and
\fBbundle.templates\fR (a folder of template overrides, which must exist).
A mistake in it is reported at its line, with exit status 2.
.TP
\fIcontent\fR\fB/**/*.md\fR
The articles: Markdown with YAML front matter. Files with another Markdown extension
(\fB.markdown\fR, \fB.mdown\fR, \fB.mkd\fR, \fB.MD\fR and the like) are reported, not read.
"#;

fn explain(name: &str, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    let Some(rule) = rules::find(name) else {
        return Err(RunError::Usage(format!(
            "no rule named `{name}`{}; `healthpress rules` lists them",
            crate::config::suggest(name, rules::all().iter().map(|r| r.meta.name))
        )));
    };
    out.write_all(rules::explain(&rule.meta).as_bytes())?;
    Ok(ExitStatus::Success)
}
