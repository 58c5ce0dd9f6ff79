//! The command line, as clap definitions. One place: help, completions and the man
//! page all come from here.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "healthpress",
    version,
    about = "Validate, lint and publish structured health articles",
    long_about = "healthpress checks health articles (Markdown with YAML front matter) against \
                  a JSON Schema and the team's safety policy, and publishes them as versioned \
                  JSON and HTML bundles for apps."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Use this configuration file instead of the healthpress.toml found by walking up
    /// from the current folder; paths in it are relative to its folder.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the whole corpus, or the named files and folders.
    Check(CheckArgs),
    /// Check, then write a versioned bundle; writes nothing if any error is found.
    Build(BuildArgs),
    /// Print a JSON Schema (draft 2020-12).
    Schema {
        /// Which schema.
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(crate::schema::NAMES))]
        name: String,
    },
    /// List the rules.
    Rules,
    /// Record, after a clinical review, a hash of everything patients see of each
    /// article, the reviewer and the date in its front matter (a folder means every
    /// article in it). Refuses drafts and articles with errors.
    SignOff {
        /// Articles or folders of articles.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Who reviewed the articles: one of each article's `reviewers`, by name.
        #[arg(long, required = true, value_name = "NAME")]
        reviewer: String,
        /// The date to record (default: today); `last_reviewed` may not be after it.
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<NaiveDate>,
    },
    /// Write a new draft article with every required field and the disclaimers and
    /// callouts the policy requires, as clearly marked placeholders.
    New {
        /// The new article's id: lower-case words joined by hyphens.
        id: String,
        /// A topic from the taxonomy; repeat for more (the first decides the folder).
        #[arg(long = "topic", required = true)]
        topics: Vec<String>,
        /// Who the article is for.
        #[arg(long, value_parser = ["patient", "caregiver", "professional"])]
        audience: String,
    },
    /// Render one article, draft or not, to a standalone page exactly as the bundle
    /// would, and print the page's path.
    Preview {
        /// The article.
        file: PathBuf,
        /// Open the page in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Serve the Language Server Protocol on stdin and stdout, for editors.
    Lsp,
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Explain one rule: what it checks, why it matters, a bad and a good example.
    Explain {
        /// The rule's name, such as `missing-consult-note`.
        rule: String,
    },
    /// Check a channel folder (with latest.json) or a version folder as an app would
    /// before serving it: pointer, checksums, sizes, unlisted files, schemas,
    /// signatures, versions. Exit 0 when all holds, 1 with a line per problem, 2 when
    /// it cannot run.
    Verify {
        /// The channel folder or version folder.
        dir: PathBuf,
        /// Check the signatures with this minisign public key (`minisign.pub`, or its
        /// base64 line); without it, signatures are not checked.
        #[arg(long, value_name = "FILE")]
        public_key: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The date that review checks compare against (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    /// Fail the run on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Write the report to this file; a one-line summary still goes to the terminal.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check; the whole content folder when none are given.
    /// Cross-file rules always see the whole corpus.
    pub paths: Vec<PathBuf>,
    /// Report only on files added, modified or renamed since this git revision
    /// (findings elsewhere that involve them are shown too).
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Check again on every save, until interrupted.
    #[arg(long, conflicts_with = "changed_since")]
    pub watch: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The folder of bundles (default: `bundle.out` in healthpress.toml, or `dist`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Use this version instead of the next one; it must be greater than the last.
    #[arg(long, value_name = "X.Y.Z", value_parser = bundle_version)]
    pub bundle_version: Option<semver::Version>,
    /// Read the previous bundle from this folder (a channel folder with latest.json, a
    /// folder of versions, or one version folder), so that the series goes on when the
    /// output folder is empty, as in CI.
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
    /// Sign manifest.json and latest.json with this minisign secret key (an encrypted
    /// key's password comes from HEALTHPRESS_SIGN_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,
    /// How many days after the build latest.json says the channel goes stale.
    #[arg(long, value_name = "DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=3660))]
    pub expires_in_days: u32,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `--bundle-version`: three numbers, as semantic versioning writes them.
fn bundle_version(s: &str) -> Result<semver::Version, String> {
    semver::Version::parse(s).map_err(|_| {
        format!(
            "expected a version of the form X.Y.Z, three whole numbers such as `1.0.0` or \
             `2.3.1`, not `{s}`"
        )
    })
}
