//! Every rule has `tests/fixtures/rules/<rule>/bad` and `good` (a `.md` file, or a
//! folder for corpus rules, with an optional `healthpress.toml` that replaces the base
//! one). The bad case must fire its rule, and its human output is a snapshot; the good
//! case must be clean. The docs' bad and good examples are excerpts of these fixtures.

mod common;

use std::path::Path;

use common::{check_project, copy_tree, fixtures, project};
use healthpress::rules;

/// Put one case of a rule's fixture into a fresh copy of the base project.
fn case_project(rule: &str, case: &str) -> tempfile::TempDir {
    let dir = fixtures().join("rules").join(rule);
    let project = project(&fixtures().join("base"));
    let config = dir.join("healthpress.toml");
    if config.exists() {
        std::fs::copy(&config, project.path().join("healthpress.toml")).unwrap();
    }
    let target = project.path().join("content/fixture");
    std::fs::create_dir_all(&target).unwrap();
    let folder = dir.join(case);
    if folder.is_dir() {
        copy_tree(&folder, &target);
    } else {
        let file = dir.join(format!("{case}.md"));
        assert!(
            file.exists(),
            "rule `{rule}` has no fixture {case}.md or {case}/"
        );
        std::fs::copy(&file, target.join(format!("{case}.md"))).unwrap();
    }
    project
}

fn case_bytes(rule: &str, case: &str) -> String {
    let dir = fixtures().join("rules").join(rule);
    let folder = dir.join(case);
    let mut text = Vec::new();
    if folder.is_dir() {
        for e in std::fs::read_dir(folder).unwrap() {
            text.extend(std::fs::read(e.unwrap().path()).unwrap());
        }
    } else {
        text = std::fs::read(dir.join(format!("{case}.md"))).unwrap();
    }
    String::from_utf8_lossy(&text).into_owned()
}

// Each rule's bad fixture fires the rule (snapshot of the whole report for that file).
#[test]
fn bad_fixtures_fire_their_rule() {
    for rule in rules::all() {
        let name = rule.meta.name;
        let project = case_project(name, "bad");
        let checked = check_project(project.path(), &["content/fixture"]);
        assert!(
            checked.rules().contains(&name),
            "bad fixture of `{name}` did not fire it; got {:?}\n{}",
            checked.rules(),
            checked.human
        );
        insta::assert_snapshot!(name, checked.human);
    }
}

// Each rule's good fixture is clean: no finding of any rule.
#[test]
fn good_fixtures_are_clean() {
    for rule in rules::all() {
        let name = rule.meta.name;
        let project = case_project(name, "good");
        let checked = check_project(project.path(), &["content/fixture"]);
        assert!(
            checked.diagnostics.is_empty(),
            "good fixture of `{name}` is not clean:\n{}",
            checked.human
        );
    }
}

// The examples `healthpress explain` prints are the fixtures' own text, so the
// documented bad example is one that fires and the good one is one that passes.
#[test]
fn docs_examples_come_from_the_fixtures() {
    for rule in rules::all() {
        let m = &rule.meta;
        assert!(
            case_bytes(m.name, "bad").contains(m.docs.bad),
            "docs.bad of `{}` is not in its bad fixture",
            m.name
        );
        assert!(
            case_bytes(m.name, "good").contains(m.docs.good),
            "docs.good of `{}` is not in its good fixture",
            m.name
        );
    }
}

// Rule names are unique, kebab-case, and every fixture folder belongs to a rule.
#[test]
fn rule_names_and_fixture_folders_match() {
    let names: Vec<&str> = rules::all().iter().map(|r| r.meta.name).collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "duplicate rule name");
    for n in &names {
        assert!(
            n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{n}"
        );
    }
    for e in std::fs::read_dir(fixtures().join("rules")).unwrap() {
        let folder = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            names.contains(&folder.as_str()),
            "fixture folder `{folder}` names no rule"
        );
    }
    assert!(Path::new(&fixtures().join("base/healthpress.toml")).exists());
}

// `explain` prints every section for every rule, and safety rules say so.
#[test]
fn explain_has_every_section() {
    for rule in rules::all() {
        let text = rules::explain(&rule.meta);
        for section in ["What it checks", "Why it matters", "Bad", "Good"] {
            assert!(text.contains(section), "{} lacks {section}", rule.meta.name);
        }
        assert_eq!(text.contains("cannot be silenced"), rule.meta.safety);
    }
}

// The prose rules read only the blocks where one shared scan found their trigger words
// (ASCII case-insensitively). Their patterns are case-insensitive the Unicode way, so a
// long s or a Kelvin sign must still reach them, and so must any casing.
#[test]
fn trigger_scan_hides_no_match() {
    let config =
        healthpress::config::Config::load(&fixtures().join("base/healthpress.toml")).unwrap();
    let good = case_bytes("absolute-claim", "good");
    for (line, rule) in [
        ("Rest is COMPLETELY SAFE for you.", "absolute-claim"),
        ("Rest is completely \u{17f}afe for you.", "absolute-claim"),
        ("This rest is ris\u{212a}-free.", "absolute-claim"),
        ("Call Todo later. Call TODO now.", "placeholder-text"),
        ("Lorem  IPSUM dolor.", "placeholder-text"),
        (
            "Copy the move \u{17f}hown in the VIDEO.",
            "dangling-media-reference",
        ),
    ] {
        let text = format!("{good}\n{line}\n");
        let (_, diags) = healthpress::check::check_bytes(
            &config,
            "fixture.md",
            text.as_bytes(),
            common::today(),
        );
        assert!(
            diags
                .iter()
                .any(|d| d.rule == rule && d.span.line == text.lines().count()),
            "{line}: {diags:?}"
        );
    }
}

// A number that begins a longer one never hides it: with `11` and `115` both known,
// the `115` in an en-GB article is found (a leftmost-first search stopped at `11`).
#[test]
fn emergency_number_finds_the_longest() {
    let base = std::fs::read_to_string(fixtures().join("base/healthpress.toml")).unwrap();
    let text = format!("{base}\n[policy.emergency_numbers]\nen-XX = [\"11\"]\nen-YY = [\"115\"]\n");
    let config =
        healthpress::config::Config::parse(&fixtures().join("base/healthpress.toml"), &text)
            .unwrap();
    let good = case_bytes("emergency-number", "good");
    let article = format!("{good}\nIf you cannot reach your midwife, dial 115.\n");
    let (_, diags) =
        healthpress::check::check_bytes(&config, "fixture.md", article.as_bytes(), common::today());
    let found: Vec<&str> = diags
        .iter()
        .filter(|d| d.rule == "emergency-number")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        found,
        ["115 is not an emergency number for en-GB"],
        "{diags:?}"
    );
}
