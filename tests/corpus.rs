//! The project's own corpus generator (bench/corpus.rs), which the benchmarks and the
//! performance guard use: its articles are clean, and `healthpress check` finds every
//! defect it injects at the file, line and rule it names, and nothing else.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

#[path = "../bench/corpus.rs"]
mod corpus;

use std::collections::BTreeSet;

/// (file, line, rule) of every finding of `healthpress check --format json`.
fn findings(root: &std::path::Path) -> (i32, BTreeSet<(String, usize, String)>) {
    let out = assert_cmd::Command::cargo_bin("healthpress")
        .unwrap()
        .current_dir(root)
        .args(["check", "--format", "json", "--today", corpus::TODAY])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    let set = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap() as usize,
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out.status.code().unwrap(), set)
}

fn options(articles: usize, seed: u64, defects: usize) -> corpus::Options {
    corpus::Options {
        articles,
        seed,
        defects,
        require_sign_off: false,
    }
}

// Without defects, a generated corpus passes every rule: a benchmark of it measures
// a clean check, and a finding in the test below can only come from a defect.
#[test]
fn generated_articles_are_clean() {
    for seed in [1, 2, 3] {
        let dir = tempfile::tempdir().unwrap();
        let defects = corpus::generate(dir.path(), &options(160, seed, 0)).unwrap();
        assert!(defects.is_empty());
        let (code, found) = findings(dir.path());
        assert!(found.is_empty(), "seed {seed}: {found:#?}");
        assert_eq!(code, 0);
    }
}

// Each kind of defect, injected twice over (in different articles and spots), is
// reported at exactly the file, line and rule the generator wrote down; nothing else is.
#[test]
fn check_finds_every_injected_defect_at_its_line() {
    let kinds = corpus::KINDS.len();
    for seed in [1, 7] {
        let dir = tempfile::tempdir().unwrap();
        let defects =
            corpus::generate(dir.path(), &options(4 * kinds + 1, seed, 2 * kinds)).unwrap();
        let expected: BTreeSet<(String, usize, String)> = defects
            .iter()
            .map(|d| (d.file.clone(), d.line, d.rule.to_string()))
            .collect();
        let rules: BTreeSet<&str> = defects.iter().map(|d| d.rule).collect();
        assert_eq!(rules.len(), kinds, "every kind is injected");
        let (code, found) = findings(dir.path());
        let missed: Vec<_> = expected.difference(&found).collect();
        let extra: Vec<_> = found.difference(&expected).collect();
        assert!(
            missed.is_empty() && extra.is_empty(),
            "seed {seed}\nmissed: {missed:#?}\nextra: {extra:#?}"
        );
        assert_eq!(code, 1);
    }
}

// defects.json lists the same findings, for the scripts that read it.
#[test]
fn defects_json_lists_the_defects() {
    let dir = tempfile::tempdir().unwrap();
    let defects = corpus::generate(dir.path(), &options(60, 5, 20)).unwrap();
    let text = std::fs::read_to_string(dir.path().join("defects.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let listed: Vec<(String, usize, String)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().into(),
                d["line"].as_u64().unwrap() as usize,
                d["rule"].as_str().unwrap().into(),
            )
        })
        .collect();
    let ours: Vec<(String, usize, String)> = defects
        .iter()
        .map(|d| (d.file.clone(), d.line, d.rule.to_string()))
        .collect();
    assert_eq!(listed, ours);
    assert!(ours.len() >= 20);
}
