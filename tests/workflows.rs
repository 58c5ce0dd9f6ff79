//! CI and editor workflows: every output format against its consumer's format,
//! --output, --changed-since, new, watch, preview, completions and the man page.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use common::{edit, healthpress, repo_project, stdout_of};

const POSTURE: &str = "content/pregnancy/posture-in-pregnancy.md";

/// A project with one schema error and one warning, for the format tests.
fn project_with_findings() -> tempfile::TempDir {
    let p = repo_project();
    let file = p.path().join(POSTURE);
    edit(&file, "audience: patient", "audience: patients");
    edit(&file, "next_review: ", "next_review: 2026-12-20\n# was: ");
    // The audience is signed off too: without this, the edit would also be a
    // (correct) changed-since-review error, and these tests are about the formats.
    edit(
        &p.path().join("healthpress.toml"),
        "require_sign_off = true",
        "require_sign_off = false",
    );
    p
}

fn git(dir: &Path, args: &[&str]) {
    let ok = StdCommand::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

/// The published SARIF 2.1.0 schema, vendored (see tests/vendor/README.md).
fn sarif_schema() -> serde_json::Value {
    let path = common::repo().join("tests/vendor/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

// SARIF validates against the published SARIF 2.1.0 schema, with a rule table and a
// result at the right line.
#[test]
fn sarif_validates_against_the_official_schema() {
    let p = project_with_findings();
    let out = stdout_of(
        p.path(),
        &["check", "--today", "2026-11-25", "--format", "sarif"],
        1,
    );
    let log: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let validator = jsonschema::validator_for(&sarif_schema()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &log["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len(),
        healthpress::rules::all().len()
    );
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "schema")
        .unwrap();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 5);
    assert_eq!(region["startColumn"], 11);
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        POSTURE
    );
    let rule = &run["tool"]["driver"]["rules"][result["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "schema");
    assert!(
        rule["help"]["text"]
            .as_str()
            .unwrap()
            .contains("Why it matters")
    );
}

// GitHub workflow commands: one line per finding, escaped as the toolkit does.
#[test]
fn github_annotations() {
    let p = project_with_findings();
    let out = stdout_of(
        p.path(),
        &["check", "--today", "2026-11-25", "--format", "github"],
        1,
    );
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("::error file={POSTURE},line=5,col=11,")))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::warning ")
                && l.contains("title=healthpress review-due-soon::"))
    );
    assert!(
        lines.iter().all(|l| !l.contains('\r')),
        "raw line breaks must be %0A"
    );
    assert!(text.contains("%0Ahelp: "));
}

// --output writes the report to a file and a one-line summary to the terminal.
#[test]
fn output_file_and_summary() {
    let p = project_with_findings();
    healthpress(p.path())
        .args([
            "check",
            "--today",
            "2026-11-25",
            "--format",
            "sarif",
            "--output",
            "report.sarif",
        ])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("1 error, 1 warning")
                .and(predicate::str::contains("report written to report.sarif")),
        )
        .stdout(predicate::str::contains("\"version\"").not());
    let log: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.path().join("report.sarif")).unwrap()).unwrap();
    assert_eq!(log["version"], "2.1.0");
}

// JUnit: one test case per file checked, one failure per finding, parsed by
// junitparser (the library GitLab-style tooling uses).
#[test]
#[ignore = "needs python3 with the junitparser package (installed by .ci/run)"]
fn junit_is_read_by_junitparser() {
    let p = project_with_findings();
    healthpress(p.path())
        .args([
            "check",
            "--today",
            "2026-11-25",
            "--format",
            "junit",
            "--output",
            "junit.xml",
        ])
        .assert()
        .code(1);
    let script = r#"
import sys
from junitparser import JUnitXml, Failure
xml = JUnitXml.fromfile(sys.argv[1])
cases = [c for s in xml for c in s]
fails = [(c.name, r.type) for c in cases for r in c.result if isinstance(r, Failure)]
print(len(cases), len(fails), sorted(set(t for _, t in fails)), sorted(set(n for n, _ in fails)))
"#;
    let out =
        StdCommand::new(std::env::var("HEALTHPRESS_PYTHON").unwrap_or_else(|_| "python3".into()))
            .args(["-c", script])
            .arg(p.path().join("junit.xml"))
            .output()
            .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The warning is no failure: one failed test case, for the one error.
    assert_eq!(text.trim(), format!("17 1 ['schema'] ['{POSTURE}']"));
}

// JUnit: warnings are not failures (a green pipeline shows no failed test), and the
// counts never have more failures than tests.
#[test]
fn junit_warnings_are_not_failures() {
    let p = repo_project();
    edit(
        &p.path().join(POSTURE),
        "next_review: ",
        "next_review: 2026-12-20\n# was: ",
    );
    let out = stdout_of(
        p.path(),
        &["check", "--today", "2026-11-25", "--format", "junit"],
        0,
    );
    let xml = String::from_utf8(out).unwrap();
    assert!(!xml.contains("<failure"), "{xml}");
    assert!(xml.contains(r#"tests="17" failures="0""#), "{xml}");
    assert!(
        xml.contains("<system-out>") && xml.contains("review-due-soon"),
        "{xml}"
    );
    let p = project_with_findings();
    let out = stdout_of(
        p.path(),
        &["check", "--today", "2026-11-25", "--format", "junit"],
        1,
    );
    let xml = String::from_utf8(out).unwrap();
    assert!(xml.contains(r#"tests="17" failures="1""#), "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
}

/// A project whose posture article has a control-character file name and findings.
fn project_with_hostile_name() -> tempfile::TempDir {
    let p = project_with_findings();
    let from = p.path().join(POSTURE);
    let to = from.with_file_name("a\u{1b}]0;owned\u{7}\r\n\u{1b}[2J\u{7f}.md");
    std::fs::rename(from, to).unwrap();
    p
}

// The JUnit report validates against the schema Jenkins' xUnit plugin reads
// (tests/vendor/junit-10.xsd), with findings, with none, and with a hostile file name.
#[test]
#[ignore = "needs xmllint from Debian's libxml2-utils (installed by .ci/run)"]
fn junit_validates_against_the_jenkins_schema() {
    let xsd = common::repo().join("tests/vendor/junit-10.xsd");
    for (p, code) in [
        (repo_project(), 0),
        (project_with_findings(), 1),
        (project_with_hostile_name(), 1),
    ] {
        healthpress(p.path())
            .args(["check", "--today", "2026-11-25", "--format", "junit"])
            .args(["--output", "junit.xml"])
            .assert()
            .code(code);
        let out = StdCommand::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(&xsd)
            .arg(p.path().join("junit.xml"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// A file name with control characters is shown escaped, the same way, in every report
// for people and CI (JSON keeps it, escaped by JSON; SARIF percent-encodes the URI):
// it cannot retitle or clear a terminal or a CI log.
#[test]
fn control_characters_in_file_names_are_escaped_everywhere() {
    let p = project_with_hostile_name();
    let shown = "a\\u{1b}]0;owned\\u{7}\\u{d}\\u{a}\\u{1b}[2J\\u{7f}.md";
    for format in ["human", "github", "junit"] {
        let out = stdout_of(
            p.path(),
            &["check", "--today", "2026-11-25", "--format", format],
            1,
        );
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\r', '\u{7f}']),
            "{format}: {text:?}"
        );
        assert!(text.contains(shown), "{format}: {text}");
    }
    let out = stdout_of(
        p.path(),
        &["check", "--today", "2026-11-25", "--format", "json"],
        1,
    );
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let names: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.ends_with("a\u{1b}]0;owned\u{7}\r\n\u{1b}[2J\u{7f}.md")),
        "{names:?}"
    );
    let out = stdout_of(
        p.path(),
        &["check", "--today", "2026-11-25", "--format", "sarif"],
        1,
    );
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("content/pregnancy/a%1B%5D0%3Bowned%07%0D%0A%1B%5B2J%7F.md"),
        "{text}"
    );
}

// --deny-warnings says on the summary line why a run without errors failed.
#[test]
fn deny_warnings_says_why_it_failed() {
    let p = repo_project();
    edit(
        &p.path().join(POSTURE),
        "next_review: ",
        "next_review: 2026-12-20\n# was: ",
    );
    healthpress(p.path())
        .args(["check", "--today", "2026-11-25", "--deny-warnings"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("0 errors, 1 warning"))
        .stdout(predicate::str::contains(
            "--deny-warnings makes warnings fail",
        ));
    healthpress(p.path())
        .args([
            "check",
            "--today",
            "2026-11-25",
            "--deny-warnings",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "--deny-warnings makes warnings fail",
        ));
}

// --changed-since reports only the changed files' findings, plus corpus-wide findings
// elsewhere that involve them; outside git it exits 2.
#[test]
fn changed_since_in_a_git_repository() {
    let p = repo_project();
    let root = p.path();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "content"]);
    // An old problem in a file that does not change must not be reported.
    edit(
        &root.join("content/pregnancy/sleeping-positions-in-pregnancy.md"),
        "audience: patient",
        "audience: x",
    );
    git(root, &["commit", "-q", "-am", "old problem"]);
    // The change: posture gets an error, a new article duplicates an existing id,
    // and an article that others link to is deleted.
    edit(
        &root.join(POSTURE),
        "audience: patient",
        "audience: patients",
    );
    let dup =
        std::fs::read_to_string(root.join("content/pregnancy/back-pain-in-early-pregnancy.md"))
            .unwrap();
    std::fs::write(root.join("content/pregnancy/copy.md"), dup).unwrap();
    std::fs::remove_file(root.join("content/pregnancy/exercise-in-the-third-trimester.md"))
        .unwrap();
    let out = stdout_of(
        root,
        &[
            "check",
            "--today",
            "2026-11-25",
            "--format",
            "json",
            "--changed-since",
            "HEAD",
        ],
        1,
    );
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let found: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        found.contains(&(POSTURE.into(), "schema".into())),
        "{found:?}"
    );
    assert!(found.contains(&("content/pregnancy/copy.md".into(), "duplicate-id".into())));
    // The unchanged original of the duplicate is involved, so it is shown too.
    assert!(found.contains(&(
        "content/pregnancy/back-pain-in-early-pregnancy.md".into(),
        "duplicate-id".into()
    )));
    // Links to the deleted article, in unchanged files, are shown.
    assert!(
        found
            .iter()
            .any(|(f, r)| r == "broken-link" && f != POSTURE)
    );
    // The old problem in an unchanged file is not.
    assert!(
        !found
            .iter()
            .any(|(f, _)| f.ends_with("sleeping-positions-in-pregnancy.md")),
        "{found:?}"
    );
    // Only files that changed were checked.
    assert_eq!(v["summary"]["files_checked"], 2);

    let not_git = repo_project();
    healthpress(not_git.path())
        .args(["check", "--changed-since", "HEAD~1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not in one"));
    healthpress(root)
        .args(["check", "--changed-since", "no-such-rev"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a known git revision"));
}

// `new` writes a draft whose check reports only placeholders.
#[test]
fn new_scaffold_reports_only_placeholders() {
    let p = repo_project();
    healthpress(p.path())
        .args([
            "new",
            "back-stretches-in-pregnancy",
            "--topic",
            "pregnancy",
            "--topic",
            "exercise",
            "--audience",
            "patient",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "content/pregnancy/back-stretches-in-pregnancy.md",
        ));
    let out = stdout_of(
        p.path(),
        &[
            "check",
            "--today",
            "2026-11-25",
            "--format",
            "json",
            "content/pregnancy/back-stretches-in-pregnancy.md",
        ],
        1,
    );
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let rules: std::collections::BTreeSet<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules.into_iter().collect::<Vec<_>>(),
        vec!["placeholder-text"]
    );
    // The same id twice, an unknown topic and a bad id are refused.
    healthpress(p.path())
        .args([
            "new",
            "back-stretches-in-pregnancy",
            "--topic",
            "pregnancy",
            "--audience",
            "patient",
        ])
        .assert()
        .code(2);
    healthpress(p.path())
        .args(["new", "x", "--topic", "pregnant", "--audience", "patient"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `pregnancy`"));
    healthpress(p.path())
        .args([
            "new",
            "Bad_Id",
            "--topic",
            "pregnancy",
            "--audience",
            "patient",
        ])
        .assert()
        .code(2);
}

// --watch reports an edit within a second of the save, and survives a deleted file.
#[test]
fn watch_picks_up_an_edit() {
    let p = repo_project();
    let bin = assert_cmd::cargo::cargo_bin("healthpress");
    let mut child = StdCommand::new(bin)
        .current_dir(p.path())
        .env("NO_COLOR", "1")
        .args(["check", "--watch", "--today", "2026-11-25"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let wait_for = |needle: &str, limit: Duration| -> Result<Duration, String> {
        let start = Instant::now();
        let mut seen = String::new();
        while start.elapsed() < limit {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(20)) {
                seen.push_str(&line);
                seen.push('\n');
                if line.contains(needle) {
                    return Ok(start.elapsed());
                }
            }
        }
        Err(seen)
    };
    let result = (|| -> Result<(), String> {
        wait_for("watching for changes", Duration::from_secs(20))?;
        edit(
            &p.path().join(POSTURE),
            "audience: patient",
            "audience: patients",
        );
        let took = wait_for("error[schema]", Duration::from_secs(1))?;
        assert!(took < Duration::from_secs(1));
        wait_for("watching for changes", Duration::from_secs(5))?;
        std::fs::remove_file(p.path().join(POSTURE)).unwrap();
        wait_for("0 errors", Duration::from_secs(5))?;
        Ok(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    if let Err(seen) = result {
        panic!("watch did not report in time; output so far:\n{seen}");
    }
}

// preview renders a draft to a standalone page and prints its path.
#[test]
fn preview_a_draft() {
    let p = repo_project();
    let out = stdout_of(
        p.path(),
        &["preview", "content/pregnancy/back-care-after-birth.md"],
        0,
    );
    let path = String::from_utf8(out).unwrap().trim().to_string();
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(
        html.contains("<h1>Back care after birth</h1>") || html.contains("<h1>"),
        "{path}"
    );
    assert!(html.contains("has not been clinically reviewed"));
    assert!(html.contains("About this information"));
}

// Completions and the man page come from the clap definitions.
#[test]
fn completions_and_man_page() {
    let p = repo_project();
    for shell in ["bash", "zsh", "fish"] {
        healthpress(p.path())
            .args(["completions", shell])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("changed-since"));
    }
    healthpress(p.path())
        .arg("man")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(".TH healthpress"));
}

// The GitHub workflow template validates against the published workflow schema.
#[test]
#[ignore = "needs check-jsonschema from PyPI (installed by .ci/run)"]
fn ci_templates_validate() {
    let bin =
        std::env::var("HEALTHPRESS_CHECK_JSONSCHEMA").unwrap_or_else(|_| "check-jsonschema".into());
    for (schema, file) in [
        ("vendor.github-workflows", "ci/github/healthpress.yml"),
        ("vendor.gitlab-ci", "ci/gitlab/healthpress.gitlab-ci.yml"),
    ] {
        let out = StdCommand::new(&bin)
            .args(["--builtin-schema", schema])
            .arg(common::repo().join(file))
            .output()
            .unwrap_or_else(|e| panic!("{bin}: {e}"));
        assert!(
            out.status.success(),
            "{file}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// A check of a few files indexes the rest of the library (id and status from the front
// matter's lines) instead of parsing it. Each file's own findings must be exactly those
// of the full check, whatever the others hold: a duplicate of its id, a link to a
// draft, front matter the quick index cannot read and must parse.
#[test]
fn one_file_check_matches_the_full_check() {
    let p = repo_project();
    let root = p.path();
    let dir = root.join("content/pregnancy");
    // A draft that does not mention posture (so it is only indexed), which posture
    // links to: the index must give its status.
    let third = dir.join("exercise-in-the-third-trimester.md");
    let text = std::fs::read_to_string(&third).unwrap();
    assert!(!text.contains("posture-in-pregnancy"));
    std::fs::write(
        root.join("content/musculoskeletal/notes.md"),
        text.replacen("id: exercise-in-the-third-trimester", "id: notes-draft", 1)
            .replacen("status: published", "status: draft", 1),
    )
    .unwrap();
    edit(
        &root.join(POSTURE),
        "\n## ",
        "\nSee also [notes](article:notes-draft).\n\n## ",
    );
    // A copy of another article takes posture's id.
    let other = std::fs::read_to_string(dir.join("why-pregnancy-causes-back-pain.md")).unwrap();
    std::fs::write(
        dir.join("copy.md"),
        other.replacen(
            "id: why-pregnancy-causes-back-pain",
            "id: posture-in-pregnancy",
            1,
        ),
    )
    .unwrap();
    // Front matter the line index cannot read: a quoted status, an anchored id, a flow
    // sequence, a comment after the id. Each still has to come out right.
    edit(
        &dir.join("sleeping-positions-in-pregnancy.md"),
        "status: published",
        "status: \"published\"",
    );
    edit(
        &dir.join("stress-and-back-pain-in-pregnancy.md"),
        "id: stress-and-back-pain-in-pregnancy",
        "id: &a stress-and-back-pain-in-pregnancy",
    );
    edit(
        &dir.join("exercise-in-the-first-trimester.md"),
        "id: exercise-in-the-first-trimester",
        "id: exercise-in-the-first-trimester # first",
    );
    // An unrelated problem elsewhere, which a one-file check must not show.
    edit(
        &dir.join("pelvic-girdle-pain-in-pregnancy.md"),
        "audience: patient",
        "audience: x",
    );
    let full = common::check_project(root, &[]);
    let key = |d: &healthpress::diagnostic::Diagnostic| {
        (
            d.file.to_string(),
            d.rule,
            d.span.line,
            d.span.column,
            d.message.clone(),
        )
    };
    let names = [
        POSTURE,
        "content/pregnancy/copy.md",
        "content/pregnancy/why-pregnancy-causes-back-pain.md",
        "content/pregnancy/sleeping-positions-in-pregnancy.md",
        "content/pregnancy/stress-and-back-pain-in-pregnancy.md",
        "content/pregnancy/exercise-in-the-first-trimester.md",
        "content/pregnancy/back-care-after-birth.md",
    ];
    for name in names {
        let one = common::check_project(root, &[name]);
        let own = |c: &common::Checked| {
            let mut v: Vec<_> = c
                .diagnostics
                .iter()
                .filter(|d| &*d.file == name)
                .map(key)
                .collect();
            v.sort();
            v
        };
        assert_eq!(own(&one), own(&full), "{name}");
        assert!(
            !one.diagnostics
                .iter()
                .any(|d| d.file.ends_with("pelvic-girdle-pain-in-pregnancy.md")),
            "{name}: {:?}",
            one.diagnostics
        );
    }
    let posture = common::check_project(root, &[POSTURE]);
    let found: Vec<(&str, &str)> = posture
        .diagnostics
        .iter()
        .map(|d| (&*d.file, d.rule))
        .collect();
    // The draft link, from the index's status; the duplicate id on both files.
    assert!(found.contains(&(POSTURE, "broken-link")), "{found:?}");
    assert!(found.contains(&(POSTURE, "duplicate-id")), "{found:?}");
    assert!(
        found.contains(&("content/pregnancy/copy.md", "duplicate-id")),
        "{found:?}"
    );
}

// A one-file check reads the files that link to it (their findings can involve it),
// but their own findings are not its to show: here an unused suppression in a file
// that links to posture, which the full check reports.
#[test]
fn one_file_check_shows_no_other_files_own_findings() {
    let p = repo_project();
    let root = p.path();
    let linking = "content/pregnancy/back-care-after-birth.md";
    edit(
        &root.join(linking),
        "see [posture in pregnancy](article:posture-in-pregnancy).",
        "see [posture in pregnancy](article:posture-in-pregnancy).\n\n\
         <!-- healthpress-disable-next-line absolute-claim -->\nRest when you can.",
    );
    let full = common::check_project(root, &[]);
    assert_eq!(full.rules(), ["unused-suppression"], "{}", full.human);
    let one = common::check_project(root, &[POSTURE]);
    assert!(one.diagnostics.is_empty(), "{}", one.human);
}

// SARIF passes Microsoft's SARIF multitool with GitHub's rules (`validate --rule-kind
// Gh`) with no result: on the repository's content, on findings, and on a file name
// with control characters.
#[test]
#[ignore = "needs the @microsoft/sarif-multitool npm package (installed by .ci/run)"]
fn sarif_passes_the_multitool_for_github() {
    let modules = std::env::var("HEALTHPRESS_NODE_MODULES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| common::repo().join("target/ci-tools/node_modules"));
    let tool = modules.join(".bin/sarif-multitool");
    for (p, code) in [
        (repo_project(), 0),
        (project_with_findings(), 1),
        (project_with_hostile_name(), 1),
    ] {
        healthpress(p.path())
            .args(["check", "--today", "2026-11-25", "--format", "sarif"])
            .args(["--output", "report.sarif"])
            .assert()
            .code(code);
        let log = p.path().join("validation.sarif");
        let out = StdCommand::new(&tool)
            .args(["validate", "--rule-kind", "Gh", "--output"])
            .arg(&log)
            .arg(p.path().join("report.sarif"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&log).unwrap()).unwrap();
        let results = v["runs"][0]["results"].as_array().unwrap();
        assert!(results.is_empty(), "{results:#?}");
    }
}

// --changed-since reads git's paths NUL-separated, so a file name git would quote
// (non-ASCII, a space) is checked; a change to healthpress.toml, a disclaimer or a
// team template is checked against the whole corpus; the summary line says which.
#[test]
fn changed_since_sees_what_a_change_touches() {
    let p = repo_project();
    let root = p.path();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["config", "core.quotepath", "true"]);
    let odd = "content/pregnancy/grossesse enceinte é.md";
    std::fs::rename(root.join(POSTURE), root.join(odd)).unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "content"]);
    let summary = |code: i32| {
        let out = stdout_of(
            root,
            &["check", "--today", "2026-11-25", "--changed-since", "HEAD"],
            code,
        );
        String::from_utf8(out).unwrap()
    };

    // The oddly named file changes: it is checked, and its error shown.
    edit(&root.join(odd), "audience: patient", "audience: patients");
    let out = summary(1);
    assert!(out.contains("checked 1 file (changed since HEAD)"), "{out}");
    assert!(out.contains("grossesse enceinte é.md"), "{out}");
    git(root, &["commit", "-q", "-am", "odd"]);
    // Committed with its name in the log too: a rename is seen under its new name.
    git(root, &["mv", odd, "content/pregnancy/ünïcode.md"]);
    let out = summary(1);
    assert!(out.contains("checked 1 file (changed since HEAD)"), "{out}");
    assert!(out.contains("ünïcode.md"), "{out}");
    edit(
        &root.join("content/pregnancy/ünïcode.md"),
        "audience: patients",
        "audience: patient",
    );
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "fixed"]);
    assert!(summary(0).contains("checked 0 files (changed since HEAD)"));

    // A topic that articles use is removed from the config: every article is checked.
    let config = root.join("healthpress.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        toml.replace("musculoskeletal = \"Bones, joints and muscles\"\n", ""),
    )
    .unwrap();
    let out = summary(1);
    assert!(out.contains("error[unknown-topic]"), "{out}");
    assert!(
        out.contains("checked 17 files (healthpress.toml changed since HEAD: whole corpus)"),
        "{out}"
    );
    // With files named, those are reported on in full.
    let out = stdout_of(
        root,
        &[
            "check",
            "--today",
            "2026-11-25",
            "--changed-since",
            "HEAD",
            "content/musculoskeletal",
        ],
        1,
    );
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("checked 1 file (healthpress.toml changed since HEAD: all the files named)"),
        "{out}"
    );
    std::fs::write(&config, &toml).unwrap();

    // A disclaimer's text changes: every article that shows it is affected.
    let disclaimer = root.join("content/_disclaimers/general-medical.md");
    let d = std::fs::read_to_string(&disclaimer).unwrap();
    std::fs::write(&disclaimer, format!("{d}\nA new sentence.\n")).unwrap();
    let out = summary(0);
    assert!(
        out.contains(
            "checked 17 files (content/_disclaimers/general-medical.md changed since HEAD: whole corpus)"
        ),
        "{out}"
    );
    std::fs::write(&disclaimer, d).unwrap();

    // A team template changes: every article is checked.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        &config,
        format!("{toml}\n[bundle]\ntemplates = \"templates\"\n"),
    )
    .unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "templates"]);
    std::fs::write(root.join("templates/style.css"), "body { margin: 0 }\n").unwrap();
    assert!(
        summary(0)
            .contains("checked 17 files (templates/style.css changed since HEAD: whole corpus)")
    );
}
