//! What stops a command, and the exit status it ends with. An error keeps its cause (the
//! `io::Error`, the parser's error) and the path it concerns as data; its message is
//! made only when it is shown. `RunError::exit_status` is the one place that turns an
//! error into an exit status.

use std::io;
use std::path::PathBuf;

/// Exit status: 0 no errors, 1 the content has errors, 2 the command could not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitStatus {
    Success = 0,
    Failure = 1,
    Error = 2,
}

/// What the command could not do (exit 2), or content that passed every rule but cannot
/// be published (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Bad arguments or options, or a state of the files the command refuses to work in.
    #[error("{0}")]
    Usage(String),
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    /// The content folder could not be walked; `config` sets where it is.
    #[error("{source} (set `content` in {})", config.display())]
    ContentFolder { config: PathBuf, source: io::Error },
    /// The content folder could not be walked, outside a check (its message names it).
    #[error("{0}")]
    Walk(#[source] io::Error),
    #[error("{0}")]
    CurrentDir(#[source] io::Error),
    #[error("no articles (`.md` files) in the content folder {}", dir.display())]
    NoArticles { dir: PathBuf },
    #[error("--changed-since needs git: {0}")]
    Git(#[source] io::Error),
    #[error("cannot watch for changes: {0}")]
    WatchStart(#[source] notify::Error),
    #[error("cannot watch {}: {source}", path.display())]
    Watch {
        path: PathBuf,
        source: notify::Error,
    },
    /// `what`: the bundle, or the file named.
    #[error("cannot serialise {what}: {source}")]
    Serialise {
        what: &'static str,
        source: serde_json::Error,
    },
    #[error(
        "{}: the previous bundle's manifest cannot be read ({source}); move that folder aside to start a new series",
        path.display()
    )]
    PreviousManifest {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("cannot sign: {0}")]
    Sign(#[source] minisign::PError),
    #[error("internal error: a schema does not compile: {0}")]
    SchemaCompile(#[source] Box<jsonschema::ValidationError<'static>>),
    /// Content that passed every rule but cannot be published (exit 1).
    #[error("{0}")]
    Content(String),
    /// The program's output (the terminal, a pipe) could not be written. `verdict`: the
    /// status the content had earned when it happened, which a run whose reader went
    /// away (`| head`) ends with.
    #[error("cannot write the output: {source}")]
    Output {
        source: io::Error,
        verdict: ExitStatus,
    },
    /// The report file (`--output`) could not be written. `path` as shown to people
    /// (escaped). `cause` is not a `source`: a report file whose reader went away is
    /// an error, not the quiet end of `| head`.
    #[error("cannot write the report to {path}: {cause}")]
    Report { path: String, cause: io::Error },
    /// The language server stopped on an error. Not a `source` either: an editor that
    /// goes away mid-session is reported.
    #[error("lsp: {0}")]
    Lsp(anyhow::Error),
}

impl RunError {
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> RunError {
        RunError::Io {
            path: path.into(),
            source,
        }
    }

    /// The status a run that ends with this error exits with.
    pub fn exit_status(&self) -> ExitStatus {
        if self.is_broken_pipe() {
            return match self {
                RunError::Output { verdict, .. } => *verdict,
                _ => ExitStatus::Success,
            };
        }
        match self {
            RunError::Content(_) => ExitStatus::Failure,
            _ => ExitStatus::Error,
        }
    }

    /// The reader of the output went away (`| head`): the run stops quietly, as
    /// ripgrep's does. The Rust runtime ignores SIGPIPE, so this is an `io::Error`
    /// somewhere in the chain of causes.
    pub fn is_broken_pipe(&self) -> bool {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(self);
        while let Some(e) = cause {
            if e.downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            {
                return true;
            }
            cause = e.source();
        }
        false
    }

    /// A broken pipe met once the content's verdict is known ends with that verdict.
    pub fn after(self, verdict: ExitStatus) -> RunError {
        match self {
            RunError::Output { source, .. } => RunError::Output { source, verdict },
            e => e,
        }
    }
}

/// `?` on a write to the program's output, in the command layer. Library code names
/// the file it failed on (`RunError::io`).
impl From<io::Error> for RunError {
    fn from(source: io::Error) -> Self {
        RunError::Output {
            source,
            verdict: ExitStatus::Success,
        }
    }
}

/// A mistake in the configuration (healthpress.toml), at its line; `line` is 0 when it
/// has none (the file is missing or unreadable), and then no line is shown.
#[derive(Debug, thiserror::Error)]
#[error("{}{message}", place(file, *line))]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// `file:line: `, `file: ` or nothing, before a config error's message.
fn place(file: &str, line: usize) -> String {
    match (file.is_empty(), line) {
        (true, _) => String::new(),
        (false, 0) => format!("{file}: "),
        (false, line) => format!("{file}:{line}: "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipe() -> io::Error {
        io::Error::from(io::ErrorKind::BrokenPipe)
    }

    // A broken pipe anywhere in the chain ends the run quietly, with the verdict the
    // output carried; other errors decide the status by their kind.
    #[test]
    fn exit_status_from_the_kind_and_the_chain() {
        let output = RunError::from(pipe()).after(ExitStatus::Failure);
        assert!(output.is_broken_pipe());
        assert_eq!(output.exit_status(), ExitStatus::Failure);
        let file = RunError::io("dist/x", pipe());
        assert!(file.is_broken_pipe());
        assert_eq!(file.exit_status(), ExitStatus::Success);
        let full = RunError::from(io::Error::from(io::ErrorKind::StorageFull));
        assert!(!full.is_broken_pipe());
        assert_eq!(full.exit_status(), ExitStatus::Error);
        assert_eq!(
            RunError::Content("x".into()).exit_status(),
            ExitStatus::Failure
        );
        assert_eq!(RunError::Usage("x".into()).exit_status(), ExitStatus::Error);
    }

    // A report file whose reader went away is an error (exit 2), not the quiet end of
    // `| head`: its cause is kept but is not a source.
    #[test]
    fn a_report_file_is_not_the_output() {
        let e = RunError::Report {
            path: "/dev/stdout".into(),
            cause: pipe(),
        };
        assert!(!e.is_broken_pipe());
        assert_eq!(e.exit_status(), ExitStatus::Error);
        assert!(
            e.to_string()
                .starts_with("cannot write the report to /dev/stdout: ")
        );
    }
}
