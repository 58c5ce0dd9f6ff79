//! The policy's own changes are visible: a safety rule turned off or down in
//! healthpress.toml is announced in every report format, at the config's line.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

mod common;

use common::{healthpress, repo_project};

/// What `check` prints on stdout (exit 0) with these extra arguments.
fn report(dir: &std::path::Path, args: &[&str]) -> String {
    let out = healthpress(dir)
        .args(["check", "--today", "2026-12-01"])
        .args(args)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

// Every format names each weakened safety rule and the config line that weakens it;
// with nothing weakened, none does.
#[test]
fn weakened_safety_rules_are_announced_in_every_format() {
    let project = repo_project();
    let dir = project.path();
    let config = dir.join("healthpress.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let lines = text.lines().count();
    std::fs::write(
        &config,
        format!("{text}review-overdue = \"off\"\nmissing-consult-note = \"warning\"\n"),
    )
    .unwrap();
    let (off_line, down_line) = (lines + 1, lines + 2);
    for format in ["human", "json", "sarif", "github", "junit"] {
        let out = report(dir, &["--format", format]);
        for (rule, line) in [
            ("review-overdue", off_line),
            ("missing-consult-note", down_line),
        ] {
            assert!(out.contains(rule), "{format} does not name {rule}:\n{out}");
            let at = match format {
                "json" | "sarif" => format!("\"line\": {line}"),
                "github" => format!("file=healthpress.toml,line={line}"),
                _ => format!("healthpress.toml line {line}"),
            };
            assert!(out.contains(&at), "{format} lacks {at}:\n{out}");
        }
    }
    // The summary on the terminal says it too when the report goes to a file.
    let out = report(dir, &["--format", "sarif", "--output", "x.sarif"]);
    assert!(
        out.contains("safety rule `review-overdue` is turned off"),
        "{out}"
    );

    std::fs::write(&config, text).unwrap();
    for format in ["human", "json", "sarif", "github", "junit"] {
        let out = report(dir, &["--format", format]);
        assert!(!out.contains("safety rule `"), "{format}:\n{out}");
    }
}

// A callout nested in a list is not shown as a callout: the page's only labelled
// callout box is the top-level one, and the style sheet gives the nested one's markup
// no box of its own (the rule, the JSON and the page agree that it is no callout).
#[test]
fn a_nested_callout_is_not_shown_as_one() {
    let project = common::project(&common::fixtures().join("base"));
    let dir = project.path();
    std::fs::create_dir_all(dir.join("content/fixture")).unwrap();
    std::fs::copy(
        common::fixtures().join("rules/nested-callout/bad.md"),
        dir.join("content/fixture/bad.md"),
    )
    .unwrap();
    let out = common::stdout_of(dir, &["preview", "content/fixture/bad.md"], 0);
    let page = std::fs::read_to_string(String::from_utf8(out).unwrap().trim()).unwrap();
    assert!(page.contains("Ask your midwife if the pain does not ease."));
    assert_eq!(page.matches("<aside class=\"callout").count(), 1, "{page}");
    assert!(
        page.contains("<aside class=\"callout callout-urgent\""),
        "{page}"
    );
    assert!(
        !page.contains("\n.callout {"),
        "the nested callout's div is styled as a box"
    );
}
