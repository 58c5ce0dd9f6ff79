//! The binary as users run it, in temporary copies of the repository's content.

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
            "is after today (2026-11-25)",
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
