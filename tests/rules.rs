//! Every rule has `tests/fixtures/rules/<rule>/bad` and `good` (a `.md` file, or a
//! folder for corpus rules, with an optional `healthpress.toml` that replaces the base
//! one). The bad case must fire its rule, and its human output is a snapshot; the good
//! case must be clean. The docs' bad and good examples are excerpts of these fixtures.
//! A folder case may hold `_disclaimers/`: its files join the base project's
//! disclaimers, and are reported on too.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::{check_project, copy_tree, fixtures, project};
use healthpress::rules;

/// Put one case of a rule's fixture into a fresh copy of the base project; with the
/// paths to report on.
fn case_project(rule: &str, case: &str) -> (tempfile::TempDir, Vec<&'static str>) {
    let dir = fixtures().join("rules").join(rule);
    let project = project(&fixtures().join("base"));
    let config = dir.join("healthpress.toml");
    if config.exists() {
        std::fs::copy(&config, project.path().join("healthpress.toml")).unwrap();
    }
    let target = project.path().join("content/fixture");
    std::fs::create_dir_all(&target).unwrap();
    let folder = dir.join(case);
    let mut paths = vec!["content/fixture"];
    if folder.is_dir() {
        copy_tree(&folder, &target);
        if folder.join("_disclaimers").is_dir() {
            copy_tree(
                &folder.join("_disclaimers"),
                &project.path().join("content/_disclaimers"),
            );
            paths.push("content/_disclaimers");
        }
    } else {
        let file = dir.join(format!("{case}.md"));
        assert!(
            file.exists(),
            "rule `{rule}` has no fixture {case}.md or {case}/"
        );
        std::fs::copy(&file, target.join(format!("{case}.md"))).unwrap();
    }
    (project, paths)
}

fn case_bytes(rule: &str, case: &str) -> String {
    let dir = fixtures().join("rules").join(rule);
    let folder = dir.join(case);
    let mut text = Vec::new();
    if folder.is_dir() {
        let mut stack = vec![folder];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    text.extend(std::fs::read(path).unwrap());
                }
            }
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
        let (project, paths) = case_project(name, "bad");
        let checked = check_project(project.path(), &paths);
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
        let (project, paths) = case_project(name, "good");
        let checked = check_project(project.path(), &paths);
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

/// The rules an article gives, with the line of each finding.
fn findings(text: &str) -> Vec<(&'static str, usize)> {
    let config =
        healthpress::config::Config::load(&fixtures().join("base/healthpress.toml")).unwrap();
    let (_, diags) =
        healthpress::check::check_bytes(&config, "fixture.md", text.as_bytes(), common::today());
    diags.iter().map(|d| (d.rule, d.span.line)).collect()
}

/// The good fixture of `missing-urgent-help` with its URGENT callout replaced.
fn with_urgent(callout: &str) -> String {
    let good = case_bytes("missing-urgent-help", "good");
    let start = good.find("> [!URGENT]").unwrap();
    format!("{}{callout}\n", &good[..start])
}

// A callout with no words is no callout: the policy does not count it and it is
// reported, whatever fills it (nothing, white space, punctuation, invisible characters).
#[test]
fn empty_callouts_do_not_count() {
    for urgent in [
        "> [!URGENT]\n\nCall 999 if you have heavy bleeding.",
        "> [!URGENT]\n>\n>   \n",
        "> [!URGENT]\n> ...\n> -",
        "> [!URGENT]\n> \u{200b}\u{2060}",
    ] {
        let text = with_urgent(urgent);
        let line = text.lines().position(|l| l == "> [!URGENT]").unwrap() + 1;
        let got = findings(&text);
        assert!(
            got.contains(&("empty-callout", line)),
            "{urgent:?}: {got:?}"
        );
        assert!(
            got.contains(&("missing-urgent-help", line)),
            "{urgent:?}: {got:?}"
        );
    }
    // A title is text: the page shows it.
    let got = findings(&with_urgent(
        "> [!URGENT] Call 999 if you have heavy bleeding.",
    ));
    assert!(!got.iter().any(|(r, _)| *r == "empty-callout"), "{got:?}");
}

// A callout inside a list item, a block quote, a footnote or another callout is not
// published as a callout: it does not count, and it is reported, in every such place.
#[test]
fn nested_callouts_do_not_count() {
    let urgent = "> [!URGENT]\n> Call 999 if you have heavy bleeding.";
    for (wrapped, place) in [
        (
            format!("- Rest.\n\n  {}", urgent.replace('\n', "\n  ")),
            "list item",
        ),
        (
            format!("1. Rest.\n   {}", urgent.replace('\n', "\n   ")),
            "list item",
        ),
        (format!("> {}", urgent.replace('\n', "\n> ")), "block quote"),
        (
            format!(
                "See the note.[^1]\n\n[^1]: Note.\n\n    {}",
                urgent.replace('\n', "\n    ")
            ),
            "footnote",
        ),
        (
            format!("> [!NOTE]\n> Rest.\n>\n> {}", urgent.replace('\n', "\n> ")),
            "another callout",
        ),
    ] {
        let text = with_urgent(&wrapped);
        let got = findings(&text);
        let line = text.lines().position(|l| l.contains("[!URGENT]")).unwrap() + 1;
        assert!(
            got.contains(&("nested-callout", line)),
            "{place}: {got:?}\n{wrapped}"
        );
        assert!(
            got.contains(&("missing-urgent-help", line)),
            "{place}: {got:?}"
        );
    }
}

// A suppression that names no rule silences nothing and is itself reported.
#[test]
fn a_suppression_must_name_its_rules() {
    let good = case_bytes("absolute-claim", "good");
    for comment in [
        "<!-- healthpress-disable -->",
        "<!-- healthpress-disable-next-line -->",
        "<!--healthpress-disable , -->",
    ] {
        let text = format!("{good}\n{comment}\nRest is completely safe for you.\n");
        let lines = text.lines().count();
        let got = findings(&text);
        assert!(
            got.contains(&("absolute-claim", lines)),
            "{comment}: {got:?}"
        );
        assert!(
            got.contains(&("invalid-suppression", lines - 1)),
            "{comment}: {got:?}"
        );
    }
}
