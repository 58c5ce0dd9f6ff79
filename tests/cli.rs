//! The binary as users run it, in temporary copies of the repository's content.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::Command;
use predicates::prelude::*;

use common::{edit, healthpress, repo_project, stdout_of};

const POSTURE: &str = "content/pregnancy/posture-in-pregnancy.md";

// The repository's own content passes with no findings at all.
#[test]
fn repo_content_is_clean() {
    let p = repo_project();
    healthpress(p.path())
        .args(["check", "--today", "2026-11-25", "--deny-warnings"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 errors, 0 warnings"));
}

// healthpress.toml is found from a subfolder, as cargo finds Cargo.toml.
#[test]
fn config_is_found_from_a_subfolder() {
    let p = repo_project();
    healthpress(&p.path().join("content/pregnancy"))
        .args(["check", "--today", "2026-11-25"])
        .assert()
        .code(0);
}

// A reviewer without credentials is a schema error inside the reviewers list.
#[test]
fn missing_credentials_points_into_reviewers() {
    let p = repo_project();
    let file = p.path().join(POSTURE);
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("credentials:"))
        .unwrap();
    std::fs::write(&file, text.replacen(&format!("{line}\n"), "", 1)).unwrap();
    healthpress(p.path())
        .args(["check", "--today", "2026-11-25", "--format", "json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "reviewers[0] has no `credentials`",
        ))
        .stdout(predicate::str::contains("\"line\": 12"));
}

// A misspelt key, a wrong enum value and an impossible date each land on their own line.
#[test]
fn each_schema_error_on_its_own_line() {
    let p = repo_project();
    let file = p.path().join(POSTURE);
    edit(&file, "summary:", "sumary:");
    edit(&file, "audience: patient", "audience: patiens");
    edit(
        &file,
        "last_reviewed: 2026-",
        "last_reviewed: 2026-02-30\nx_last: 2026-",
    );
    edit(&file, "x_last: ", "# was: ");
    let out = stdout_of(
        p.path(),
        &[
            "check",
            "--today",
            "2026-11-25",
            "--format",
            "json",
            POSTURE,
        ],
        1,
    );
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let at = |needle: &str| {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["message"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no diagnostic with {needle}: {v:#}"))["line"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(at("unknown field `sumary`"), 4);
    assert_eq!(at("`audience` is `patiens`"), 5);
    assert_eq!(at("not a real date"), 9);
}

// Broken YAML and unterminated front matter are `front-matter` errors at their line,
// and the other files are still checked.
#[test]
fn broken_front_matter() {
    let p = repo_project();
    std::fs::write(
        p.path().join("content/pregnancy/broken.md"),
        "---\nid: broken\ntitle: Back pain: what helps\n---\n# Body\n",
    )
    .unwrap();
    std::fs::write(
        p.path().join("content/pregnancy/open.md"),
        "---\nid: open\ntitle: Open\n\n# Body\n",
    )
    .unwrap();
    edit(
        &p.path().join(POSTURE),
        "audience: patient",
        "audience: nobody",
    );
    healthpress(p.path())
        .args(["check", "--today", "2026-11-25"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[front-matter]: front matter is not valid YAML",
        ))
        .stdout(predicate::str::contains("content/pregnancy/broken.md:3:"))
        .stdout(predicate::str::contains(
            "error[front-matter]: the front matter is never closed",
        ))
        .stdout(predicate::str::contains("content/pregnancy/open.md:1:1"))
        .stdout(predicate::str::contains("posture-in-pregnancy.md:5:11"));
}

// Warnings exit 0 unless --deny-warnings.
#[test]
fn warnings_and_deny_warnings() {
    let p = repo_project();
    edit(
        &p.path().join(POSTURE),
        "next_review: ",
        "next_review: 2026-12-20\n# was: ",
    );
    // Keep the sign-off valid: the review date is not clinical content.
    healthpress(p.path())
        .args(["check", "--today", "2026-11-25"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("warning[review-due-soon]"));
    healthpress(p.path())
        .args(["check", "--today", "2026-11-25", "--deny-warnings"])
        .assert()
        .code(1);
}

// Bad arguments, a missing config and an unknown rule in the config exit 2.
#[test]
fn cannot_run_exits_2() {
    let p = repo_project();
    healthpress(p.path())
        .args(["check", "--format", "xml"])
        .assert()
        .code(2);
    healthpress(p.path())
        .args(["check", "--today", "yesterday"])
        .assert()
        .code(2);
    healthpress(p.path())
        .args(["check", "no/such/file.md"])
        .assert()
        .code(2);
    healthpress(p.path())
        .args(["explain", "no-such-rule"])
        .assert()
        .code(2);
    let empty = tempfile::tempdir().unwrap();
    healthpress(empty.path())
        .args(["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no healthpress.toml"));
    let cfg = p.path().join("healthpress.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, format!("{text}\nreadabilty = \"off\"\n")).unwrap();
    healthpress(p.path())
        .args(["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule `readabilty`"))
        .stderr(predicate::str::contains("did you mean `readability`"));
}

// JSON output carries the contract's fields, 1-based.
#[test]
fn json_output_fields() {
    let p = repo_project();
    edit(
        &p.path().join(POSTURE),
        "audience: patient",
        "audience: nobody",
    );
    let out = stdout_of(
        p.path(),
        &["check", "--today", "2026-11-25", "--format", "json"],
        1,
    );
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let d = &v["diagnostics"][0];
    for key in ["rule", "severity", "file", "line", "column", "message"] {
        assert!(!d[key].is_null(), "missing {key} in {d}");
    }
    assert_eq!(d["severity"], "error");
    assert!(d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1);
}

// Output is identical from run to run and whatever the number of threads.
#[test]
fn output_is_deterministic() {
    let p = repo_project();
    for f in [
        "posture-in-pregnancy.md",
        "sleeping-positions-in-pregnancy.md",
    ] {
        edit(
            &p.path().join("content/pregnancy").join(f),
            "audience: patient",
            "audience: x",
        );
    }
    let run = |threads: &str| {
        healthpress(p.path())
            .env("RAYON_NUM_THREADS", threads)
            .args(["check", "--today", "2026-11-25", "--format", "json"])
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("4"));
    assert_eq!(one, run("2"));
}

// No colour when NO_COLOR is set or the output is not a terminal.
#[test]
fn no_colour_in_pipes() {
    let p = repo_project();
    edit(&p.path().join(POSTURE), "audience: patient", "audience: x");
    let out = Command::cargo_bin("healthpress")
        .unwrap()
        .current_dir(p.path())
        .env_remove("NO_COLOR")
        .args(["check", "--today", "2026-11-25"])
        .output()
        .unwrap();
    assert!(!out.stdout.contains(&0x1b), "escape codes in piped output");
}

// `schema front-matter` prints the checked-in schema; `rules` lists every rule;
// `explain` prints the docs.
#[test]
fn schema_rules_explain() {
    let p = repo_project();
    let expected =
        std::fs::read_to_string(common::repo().join("schema/front-matter.schema.json")).unwrap();
    healthpress(p.path())
        .args(["schema", "front-matter"])
        .assert()
        .code(0)
        .stdout(expected);
    let listed = stdout_of(p.path(), &["rules"], 0);
    let listed = String::from_utf8(listed).unwrap();
    for r in healthpress::rules::all() {
        assert!(listed.contains(r.meta.name));
    }
    healthpress(p.path())
        .args(["explain", "missing-consult-note"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Why it matters"))
        .stdout(predicate::str::contains("[!CONSULT]"));
}

/// The file's text without its `sign_off` lines.
fn without_sign_off(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with("sign_off:") {
            inside = true;
            continue;
        }
        if inside && line.starts_with("  ") {
            continue;
        }
        inside = false;
        out.push_str(line);
    }
    out
}

// sign-off records the hash, the reviewer and the date, touching nothing but the
// sign_off lines; an edit of the clinical text then fails changed-since-review, naming
// who signed it off and when, and a re-wrap of the lines does not.
#[test]
fn sign_off_and_changed_since_review() {
    let p = repo_project();
    let file = p.path().join(POSTURE);
    edit(&file, "\n\n## ", "\n\n\n## ");
    let text = std::fs::read_to_string(&file).unwrap();
    let wrapped = text.replacen(". ", ".\n", 1);
    std::fs::write(&file, &wrapped).unwrap();
    healthpress(p.path())
        .args(["check", "--today", "2026-11-25", POSTURE])
        .assert()
        .code(0);
    edit(&file, "## ", "## Changed ");
    healthpress(p.path())
        .args(["check", "--today", "2026-11-25", POSTURE])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[changed-since-review]"))
        .stdout(predicate::str::contains(
            "since James Whitfield signed it off on 2026-12-06",
        ));
    let before = std::fs::read_to_string(&file).unwrap();
    healthpress(p.path())
        .args([
            "sign-off",
            "--reviewer",
            "Sarah Okafor",
            "--today",
            "2026-11-25",
            POSTURE,
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("signed off"));
    let after = std::fs::read_to_string(&file).unwrap();
    assert_eq!(without_sign_off(&after), without_sign_off(&before));
    assert!(
        after.contains("  by: \"Sarah Okafor\"\n  on: 2026-11-25\n"),
        "{after}"
    );
    healthpress(p.path())
        .args(["check", "--today", "2026-11-25", POSTURE])
        .assert()
        .code(0);
    // Signing off the same again changes nothing.
    healthpress(p.path())
        .args([
            "sign-off",
            "--reviewer",
            "Sarah Okafor",
            "--today",
            "2026-11-25",
            POSTURE,
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("unchanged"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), after);
}

// sign-off needs a reviewer, and refuses, changing nothing, a reviewer who is not one of
// the article's, a draft, an article with errors and a `last_reviewed` after today.
// Each path is judged on its own: the others are still signed off.
#[test]
fn sign_off_refusals() {
    let p = repo_project();
    let file = p.path().join(POSTURE);
    let sign = |reviewer: &str, paths: &[&str]| {
        let mut cmd = healthpress(p.path());
        cmd.args(["sign-off", "--reviewer", reviewer, "--today", "2026-11-25"])
            .args(paths);
        cmd.assert()
    };
    healthpress(p.path())
        .args(["sign-off", POSTURE])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--reviewer"));
    let original = std::fs::read_to_string(&file).unwrap();
    sign("Dr Nobody", &[POSTURE])
        .code(1)
        .stderr(predicate::str::contains(
            "`Dr Nobody` is not one of its reviewers (`James Whitfield`, `Sarah Okafor`)",
        ));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
    let last_reviewed = original
        .lines()
        .find(|l| l.starts_with("last_reviewed:"))
        .unwrap();
    for (from, to, says) in [
        ("status: published", "status: draft", "it is a draft"),
        ("## Standing", "## TODO Standing", "[placeholder-text]"),
        (
            last_reviewed,
            "last_reviewed: 2026-11-26",
            "a review cannot have happened yet",
        ),
    ] {
        std::fs::write(&file, original.replacen(from, to, 1)).unwrap();
        let edited = std::fs::read_to_string(&file).unwrap();
        sign("James Whitfield", &[POSTURE])
            .code(1)
            .stderr(predicate::str::contains(says))
            .stderr(predicate::str::contains("not signed off"));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), edited, "{from}");
    }
    // One refused, one signed: exit 1, and the good one is written.
    std::fs::write(
        &file,
        original.replacen("## Standing", "## TODO Standing", 1),
    )
    .unwrap();
    let other = "content/pregnancy/sleeping-positions-in-pregnancy.md";
    edit(&p.path().join(other), "---\n#", "---\n\n#");
    sign("Sarah Okafor", &[POSTURE, other])
        .code(1)
        .stdout(predicate::str::contains(format!("signed off {other}")));
    assert!(
        std::fs::read_to_string(p.path().join(other))
            .unwrap()
            .contains("  on: 2026-11-25\n")
    );
}

// Front matter that sign-off cannot rewrite line by line (a `...` end marker, a flow
// mapping, indented fields) is refused by name, and the file left byte for byte.
#[test]
fn sign_off_refuses_front_matter_it_cannot_round_trip() {
    let p = repo_project();
    let file = p.path().join(POSTURE);
    let original = std::fs::read_to_string(&file).unwrap();
    let (front, body) = original[4..].split_once("\n---\n").unwrap();
    let indented: String = front.lines().map(|l| format!("  {l}\n")).collect();
    let flow = "{id: posture-in-pregnancy, title: Posture in pregnancy, summary: How to stand., \
                audience: patient, topics: [pregnancy], status: published, \
                last_reviewed: 2026-08-03, next_review: 2027-08-03, \
                reviewers: [{name: James Whitfield, credentials: RM, role: Midwife}], \
                sources: [{title: NHS, url: \"https://www.nhs.uk/\"}], \
                disclaimers: [general-medical, pregnancy]}\n";
    for (variant, says) in [
        (
            format!(
                "---\n{}\n...\n---\n{body}",
                front.replacen("\nmedia: []", "", 1)
            ),
            "document end marker",
        ),
        (format!("---\n{flow}---\n{body}"), "flow style"),
        (format!("---\n{indented}---\n{body}"), "indented"),
    ] {
        std::fs::write(&file, &variant).unwrap();
        healthpress(p.path())
            .args([
                "sign-off",
                "--reviewer",
                "James Whitfield",
                "--today",
                "2026-11-25",
                POSTURE,
            ])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(says));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), variant, "{says}");
    }
}

// A sign-off recorded with the old, narrower hash is reported as such, with the fix.
#[test]
fn legacy_sign_off_says_why_and_how_to_fix_it() {
    let p = repo_project();
    let file = p.path().join(POSTURE);
    let text = std::fs::read_to_string(&file).unwrap();
    let legacy = without_sign_off(&text).replacen(
        "\n---\n#",
        &format!("\nsign_off: sha256:{}\n---\n#", "0".repeat(64)),
        1,
    );
    std::fs::write(&file, legacy).unwrap();
    healthpress(p.path())
        .args(["check", "--today", "2026-11-25", POSTURE])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "recorded with an older, narrower hash",
        ))
        .stdout(predicate::str::contains("one clinical re-review fixes it"))
        .stdout(predicate::str::contains(
            "healthpress sign-off --reviewer NAME",
        ));
}

// In a git repository, changed-since-review finds the last committed version that was
// signed off and points at the first line whose clinical content differs from it (a
// re-wrap above it does not count), naming who signed it off and when.
#[test]
fn changed_since_review_points_at_the_first_changed_line() {
    let p = repo_project();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .current_dir(p.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "signed off"]);
    let file = p.path().join(POSTURE);
    // A later commit that changes nothing patients see.
    edit(
        &file,
        "\n## Sitting",
        "\n<!-- reviewed again -->\n\n## Sitting",
    );
    git(&["commit", "-q", "-am", "a comment"]);
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text.replacen(". ", ".\n", 1);
    let target = "## Getting in and out of bed";
    let line = text.lines().position(|l| l == target).unwrap() + 1;
    std::fs::write(&file, text.replacen(target, "## Getting out of bed", 1)).unwrap();
    healthpress(p.path())
        .args(["check", "--today", "2026-11-25", POSTURE])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!("{POSTURE}:{line}:")))
        .stdout(predicate::str::contains(
            "since James Whitfield signed it off on 2026-12-06: the body here differs from the \
             signed-off version (commit",
        ));
    // Outside git (or with no matching commit) it points at the sign-off itself.
    std::fs::remove_dir_all(p.path().join(".git")).unwrap();
    let sign_off_line = text.lines().position(|l| l == "sign_off:").unwrap() + 1;
    healthpress(p.path())
        .args(["check", "--today", "2026-11-25", POSTURE])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "{POSTURE}:{sign_off_line}:"
        )))
        .stdout(predicate::str::contains(
            "since James Whitfield signed it off on 2026-12-06\n",
        ));
}

// Findings made after the pass, from the index alone (a duplicate id, links to an id
// that is gone), still quote their own source lines: the files they are in had no
// other findings, so their text was let go and is read again for the report.
#[test]
fn corpus_findings_quote_their_lines() {
    let p = repo_project();
    edit(
        &p.path().join(POSTURE),
        "id: posture-in-pregnancy",
        "id: upper-back-pain-in-pregnancy",
    );
    let out = stdout_of(p.path(), &["check", "--today", "2026-11-25"], 1);
    let out = String::from_utf8(out).unwrap();
    for (file, line, quoted) in [
        (POSTURE, 2, "id: upper-back-pain-in-pregnancy"),
        (
            "content/pregnancy/upper-back-pain-in-pregnancy.md",
            2,
            "id: upper-back-pain-in-pregnancy",
        ),
        (
            "content/pregnancy/back-care-after-birth.md",
            22,
            "related: [posture-in-pregnancy,",
        ),
        (
            "content/pregnancy/back-care-after-birth.md",
            62,
            "see [posture in pregnancy](article:posture-in-pregnancy).",
        ),
    ] {
        let at = format!("--> {file}:{line}:");
        let finding = out
            .split("\n\n")
            .find(|f| f.contains(&at))
            .unwrap_or_else(|| panic!("no finding at {at} in:\n{out}"));
        let source = finding
            .lines()
            .find(|l| l.starts_with(&format!("{line} |")))
            .unwrap_or_else(|| panic!("no source line in:\n{finding}"));
        assert!(source.contains(quoted), "{source}");
        assert!(finding.contains('^'), "no marker in:\n{finding}");
    }
}

/// Run the binary in `dir` with stdout a pipe whose reader is already gone, or
/// `/dev/full`; return its exit code and stderr.
fn run_into(dir: &std::path::Path, args: &[&str], stdout: std::process::Stdio) -> (i32, String) {
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("healthpress"))
        .current_dir(dir)
        .args(args)
        .stdout(stdout)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn closed_pipe() -> std::process::Stdio {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer.into()
}

fn dev_full() -> std::process::Stdio {
    std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .unwrap()
        .into()
}

// Every output path under a closed pipe ends quietly (exit 0, or the content's
// verdict), and under a full disk is exit 2 with a message: never a panic.
#[test]
fn write_errors_on_every_output() {
    let p = repo_project();
    let commands: &[&[&str]] = &[
        &["check", "--today", "2026-11-25"],
        &["check", "--today", "2026-11-25", "--format", "json"],
        &["check", "--today", "2026-11-25", "--format", "sarif"],
        &["check", "--today", "2026-11-25", "--format", "junit"],
        &["schema", "front-matter"],
        &["rules"],
        &["explain", "missing-consult-note"],
        &["man"],
        &["completions", "bash"],
        &["completions", "zsh"],
        &["completions", "fish"],
        &["completions", "powershell"],
        &["completions", "elvish"],
        &["--help"],
    ];
    for args in commands {
        let (code, err) = run_into(p.path(), args, closed_pipe());
        assert_eq!(code, 0, "{args:?} into a closed pipe: {err}");
        assert!(err.is_empty(), "{args:?} into a closed pipe: {err}");
        if args[0] == "--help" {
            continue;
        }
        let (code, err) = run_into(p.path(), args, dev_full());
        assert_eq!(code, 2, "{args:?} > /dev/full: {err}");
        assert!(err.contains("No space left"), "{args:?} > /dev/full: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // A report file on a full disk: exit 2, and /dev/full is written, never replaced.
    let (code, err) = run_into(
        p.path(),
        &[
            "check",
            "--today",
            "2026-11-25",
            "--format",
            "json",
            "--output",
            "/dev/full",
        ],
        std::process::Stdio::null(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        std::fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device_like()
    );
}

trait CharDevice {
    fn is_char_device_like(&self) -> bool;
}
impl CharDevice for std::fs::FileType {
    fn is_char_device_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt;
        self.is_char_device()
    }
}

// A broken pipe after content errors keeps the verdict: exit 1, quietly.
#[test]
fn broken_pipe_keeps_the_verdict() {
    let p = repo_project();
    edit(&p.path().join(POSTURE), "audience: patient", "audience: x");
    let (code, err) = run_into(p.path(), &["check", "--today", "2026-11-25"], closed_pipe());
    assert_eq!(code, 1, "{err}");
    assert!(err.is_empty(), "{err}");
}

// Outside a content repository: where it looked and `--config FILE`, no `:0`; and
// `--config` works from anywhere.
#[test]
fn outside_a_repository() {
    let empty = tempfile::tempdir().unwrap();
    healthpress(empty.path())
        .args(["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("healthpress.toml:0").not())
        .stderr(predicate::str::contains("looked in"))
        .stderr(predicate::str::contains("--config FILE"));
    let p = repo_project();
    let config = p.path().join("healthpress.toml");
    healthpress(empty.path())
        .args(["check", "--today", "2026-11-25", "--config"])
        .arg(&config)
        .assert()
        .code(0);
    healthpress(empty.path())
        .args(["rules", "--config", "nope.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.toml"));
}

// An unclosed bracket in the front matter is reported at the line that opened it.
#[test]
fn unclosed_bracket_at_its_line() {
    let p = repo_project();
    let file = p.path().join(POSTURE);
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text.lines().position(|l| l.starts_with("title:")).unwrap() + 1;
    edit(&file, "title: ", "title: [unclosed ");
    healthpress(p.path())
        .args(["check", "--today", "2026-11-25", "--format", "json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!("\"line\": {line}")))
        .stdout(predicate::str::contains("bracket `[` opened here"));
}

// Files with another Markdown extension are reported, not skipped in silence.
#[test]
fn other_markdown_extensions_are_reported() {
    let p = repo_project();
    for name in ["a.markdown", "b.mdown", "c.mkd", "d.MD"] {
        std::fs::copy(
            p.path().join(POSTURE),
            p.path().join("content/pregnancy").join(name),
        )
        .unwrap();
    }
    let out = stdout_of(
        p.path(),
        &["check", "--today", "2026-11-25", "--format", "json"],
        1,
    );
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let found: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "unreadable-file")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(found.len(), 4, "{found:?}");
}

// `new` lists the topics when one is unknown, and refuses an id that exists in any
// folder; `--bundle-version` names the form it expects.
#[test]
fn newcomer_messages() {
    let p = repo_project();
    healthpress(p.path())
        .args(["new", "x-y", "--topic", "neck", "--audience", "patient"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the topics are: child-health, exercise",
        ));
    healthpress(p.path())
        .args(["new", "posture-in-pregnancy", "--topic", "exercise"])
        .args(["--audience", "patient"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    healthpress(p.path())
        .args(["build", "--bundle-version", "1.0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("X.Y.Z"));
    // The rules table has a header and this repository's severities beside the defaults.
    edit(
        &p.path().join("healthpress.toml"),
        "[rules]\n",
        "[rules]\nabsolute-claim = \"error\"\n",
    );
    let out = String::from_utf8(stdout_of(p.path(), &["rules"], 0)).unwrap();
    assert!(out.starts_with("RULE"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("absolute-claim") && l.contains("warning  error*")),
        "{out}"
    );
    // The man page has every subcommand, the exit status and the config file.
    let man = String::from_utf8(stdout_of(p.path(), &["man"], 0)).unwrap();
    for section in [
        "HEALTHPRESS CHECK",
        "HEALTHPRESS NEW",
        "EXIT STATUS",
        "FILES",
    ] {
        assert!(man.contains(section), "{section}");
    }
}

// `build` removes only the temporary folders it made (marked as its own), and
// `preview` writes into a new private folder, never through a planted path.
#[test]
fn build_and_preview_touch_only_their_own() {
    let p = repo_project();
    let precious = p.path().join("dist/.tmp-precious");
    std::fs::create_dir_all(&precious).unwrap();
    std::fs::write(precious.join("keep.txt"), "mine").unwrap();
    healthpress(p.path())
        .args(["build", "--today", "2026-11-25"])
        .assert()
        .code(0);
    assert!(precious.join("keep.txt").exists());
    let entries: Vec<String> = std::fs::read_dir(p.path().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !entries
            .iter()
            .any(|e| e.starts_with(".tmp-") && e != ".tmp-precious"),
        "{entries:?}"
    );
    assert!(!p.path().join("dist/1.0.0/.healthpress-build").exists());
    let out = stdout_of(p.path(), &["preview", POSTURE], 0);
    let page = std::path::PathBuf::from(String::from_utf8(out).unwrap().trim());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(page.parent().unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
    let again = stdout_of(p.path(), &["preview", POSTURE], 0);
    assert_ne!(
        String::from_utf8(again).unwrap().trim(),
        page.to_str().unwrap()
    );
}

// Root causes first: an article whose own front matter has an error (a status typo,
// YAML that does not parse) is reported once, saying how many links point at it; the
// links in other files are not reported one by one. A link to an id no file has is.
// Shown as usual when the cause is not shown as an error (schema down to a warning, or
// the article not among the files reported on).
#[test]
fn a_broken_article_is_reported_once_not_at_every_link() {
    let broken_links = |c: &common::Checked| {
        c.diagnostics
            .iter()
            .filter(|d| d.rule == "broken-link")
            .map(|d| (d.file.to_string(), d.message.clone()))
            .collect::<Vec<_>>()
    };
    // A status typo leaves the 18 links from published articles; unreadable YAML also
    // the 2 from a draft, since the id itself is then unknown.
    for (from, to, rule, count) in [
        (
            "status: published",
            "status: Published",
            "schema",
            "18 links in 9",
        ),
        (
            "title: ",
            "title: [unclosed ",
            "front-matter",
            "20 links in 10",
        ),
    ] {
        let p = repo_project();
        let root = p.path();
        edit(&root.join(POSTURE), from, to);
        edit(
            &root.join("content/pregnancy/upper-back-pain-in-pregnancy.md"),
            "](article:posture-in-pregnancy)",
            "](article:posture-in-pregnancy) and [this](article:no-such-article)",
        );
        let c = common::check_project(root, &[]);
        let own: Vec<&str> = c
            .diagnostics
            .iter()
            .filter(|d| &*d.file == POSTURE && d.rule == rule)
            .map(|d| d.message.as_str())
            .collect();
        assert!(
            own.iter()
                .any(|m| m.contains(&format!("{count} other files point at this article"))),
            "{to}: {own:?}"
        );
        assert_eq!(
            broken_links(&c),
            [(
                "content/pregnancy/upper-back-pain-in-pregnancy.md".to_string(),
                "no article has the id `no-such-article`".to_string()
            )],
            "{to}"
        );

        // Only the linking file reported on: its links are shown.
        let c = common::check_project(root, &["content/pregnancy/upper-back-pain-in-pregnancy.md"]);
        assert!(broken_links(&c).len() >= 2, "{to}: {:?}", broken_links(&c));
    }

    // The schema rule as a warning: the cause is no error, so the links that would be
    // broken in the bundle are errors as before.
    let p = repo_project();
    let root = p.path();
    let config = root.join("healthpress.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        toml.replacen("[rules]", "[rules]\nschema = \"warning\"", 1),
    )
    .unwrap();
    edit(
        &root.join(POSTURE),
        "status: published",
        "status: Published",
    );
    let c = common::check_project(root, &[]);
    assert_eq!(broken_links(&c).len(), 18);
}
