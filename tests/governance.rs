//! The policy's own changes are visible: a safety rule turned off or down in
//! healthpress.toml is announced in every report format, at the config's line.

mod common;

use common::{healthpress, repo_project};

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
        let out = healthpress(dir)
            .args(["check", "--today", "2026-12-01", "--format", format])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
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
    let out = healthpress(dir)
        .args([
            "check",
            "--today",
            "2026-12-01",
            "--format",
            "sarif",
            "--output",
            "x.sarif",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("safety rule `review-overdue` is turned off"),
        "{out}"
    );

    std::fs::write(&config, text).unwrap();
    for format in ["human", "json", "sarif", "github", "junit"] {
        let out = healthpress(dir)
            .args(["check", "--today", "2026-12-01", "--format", format])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
        assert!(!out.contains("safety rule `"), "{format}:\n{out}");
    }
}
