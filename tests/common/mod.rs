//! Helpers shared by the integration tests: temporary projects built from fixtures,
//! and in-process checks that return the diagnostics and their human rendering.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use healthpress::check::{CheckOptions, check};
use healthpress::config::Config;
use healthpress::diagnostic::Diagnostic;
use healthpress::report::{self, Format};

/// Every file under `dir` (folders walked, not listed), sorted.
pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every file under `dir`, relative to it, with its bytes, sorted.
pub(crate) fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p.strip_prefix(dir).unwrap().to_path_buf(), bytes)
        })
        .collect()
}

/// The date every test checks against, so review rules never depend on the clock.
pub(crate) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run in `dir`, without colour.
pub(crate) fn healthpress(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("healthpress").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// Run the binary in `dir` with `args`, expect exit `code`, and return its stdout.
pub(crate) fn stdout_of(dir: &Path, args: &[&str], code: i32) -> Vec<u8> {
    healthpress(dir)
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone()
}

/// Replace the first `from` in a file with `to`; the text must be there.
pub(crate) fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Copy a folder tree.
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary project holding `base` (a folder with healthpress.toml and content/).
pub(crate) fn project(base: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(base, dir.path());
    dir
}

/// A temporary copy of this repository's own content and config.
pub(crate) fn repo_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &dir.path().join("content"));
    std::fs::copy(
        repo().join("healthpress.toml"),
        dir.path().join("healthpress.toml"),
    )
    .unwrap();
    dir
}

pub(crate) struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    /// The human report, without colour and without the timing summary.
    pub human: String,
}

impl Checked {
    pub(crate) fn rules(&self) -> Vec<&'static str> {
        let mut r: Vec<_> = self.diagnostics.iter().map(|d| d.rule).collect();
        r.sort();
        r.dedup();
        r
    }
}

/// Check a project in-process, reporting on `paths` (relative to the project).
pub(crate) fn check_project(root: &Path, paths: &[&str]) -> Checked {
    let config = Config::load(&root.join("healthpress.toml")).unwrap();
    let options = CheckOptions {
        paths: paths.iter().map(|p| root.join(p)).collect(),
        today: today(),
        ..CheckOptions::default()
    };
    let checked = check(&config, &options).unwrap();
    let outcome = checked.outcome;
    let report = healthpress::report::Report::of(&outcome);
    let mut out = anstream::StripStream::new(Vec::new());
    report::render(Format::Human, &report, &mut out).unwrap();
    let human = String::from_utf8(out.into_inner()).unwrap();
    // Paths inside the temporary folder are absolute; show them relative to it.
    let prefix = format!("{}/", root.display());
    let human = human.replace(&prefix, "");
    Checked {
        human,
        diagnostics: outcome.diagnostics,
    }
}

/// The repository's content with an article made to trip the pages up
/// (`tests/fixtures/hostile`): headings that are the page's own words ("Main",
/// "Sources", "Footnotes", "Top"), repeated and emoji headings, footnotes, an image and
/// a video with caption and transcript, control characters in front matter and body.
/// Signed off, so that it builds.
pub(crate) fn hostile_project() -> tempfile::TempDir {
    let p = repo_project();
    let dir = p.path().join("content/pregnancy");
    copy_tree(&fixtures().join("hostile"), &dir);
    // Its reviewer's name carries a control character, as written in its front matter.
    healthpress(p.path())
        .args(["sign-off", "--reviewer", "Dr Helen Ward\u{2}"])
        .args(["--today", SIGNED_ON, "content/pregnancy/odd-headings.md"])
        .assert()
        .code(0);
    p
}

/// The date the repository's own content was signed off.
pub(crate) const SIGNED_ON: &str = "2026-12-06";

/// `healthpress sign-off` of one article (a path relative to `dir`) by its first
/// reviewer, on the date the repository's content was signed off (so that a re-sign
/// changes nothing but the hash); it must succeed.
pub(crate) fn sign_off(dir: &Path, rel: &str) {
    let text = std::fs::read_to_string(dir.join(rel)).unwrap();
    let reviewer = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("- name:"))
        .expect("the article has a reviewer")
        .trim()
        .to_string();
    healthpress(dir)
        .args([
            "sign-off",
            "--reviewer",
            &reviewer,
            "--today",
            SIGNED_ON,
            rel,
        ])
        .assert()
        .code(0);
}
