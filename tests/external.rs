//! Checks by real external tools. Each needs more than the Rust toolchain, so each is
//! #[ignore]d for a bare `cargo test`; `.ci/run` installs the tools and runs them.
//! npm packages are looked for in $HEALTHPRESS_NODE_MODULES, else
//! target/ci-tools/node_modules (where .ci/run installs them).

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn node_modules() -> PathBuf {
    std::env::var_os("HEALTHPRESS_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::repo().join("target/ci-tools/node_modules"))
}

/// Build the repository's own content, and the same with an article made to trip the
/// pages up (footnotes, an image and a video, headings that are the page's own words,
/// repeated and emoji headings, control characters: `common::hostile_project`), into
/// temporary projects; return the bundles.
fn built_bundles() -> Vec<(tempfile::TempDir, PathBuf)> {
    vec![
        built_bundle(common::repo_project()),
        built_bundle(common::hostile_project()),
    ]
}

fn built_bundle(p: tempfile::TempDir) -> (tempfile::TempDir, PathBuf) {
    let status = assert_cmd::Command::cargo_bin("healthpress")
        .unwrap()
        .current_dir(p.path())
        .env("SOURCE_DATE_EPOCH", "1764000000")
        .args(["build", "--today", "2026-11-25"])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );
    let bundle = p.path().join("dist/1.0.0");
    (p, bundle)
}

fn pages(bundle: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(bundle.join("articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    pages.sort();
    pages.push(bundle.join("index.html"));
    pages
}

// Every page of the bundle passes the Nu HTML Checker with zero errors.
#[test]
#[ignore = "needs Java and the vnu-jar npm package (installed by .ci/run)"]
fn pages_pass_the_nu_html_checker() {
    for (_p, bundle) in built_bundles() {
        nu_html_checker(&bundle);
    }
}

fn nu_html_checker(bundle: &Path) {
    let jar = node_modules().join("vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.exists(),
        "{} is missing: run .ci/run or npm install vnu-jar",
        jar.display()
    );
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "gnu"])
        .args(pages(bundle))
        .output()
        .expect("java runs");
    assert!(
        out.status.success() && out.stderr.is_empty() && out.stdout.is_empty(),
        "vnu found errors:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

// Every page loads in headless Chromium with no request outside the bundle, and axe-core
// finds no WCAG 2.1 A or AA violation.
#[test]
#[ignore = "needs Debian's chromium and the axe-core and playwright-core npm packages (installed by .ci/run)"]
fn pages_pass_axe_in_chromium() {
    for (_p, bundle) in built_bundles() {
        axe(&bundle);
    }
}

fn axe(bundle: &Path) {
    let script = common::repo().join("tests/browser/axe.mjs");
    let out = Command::new("node")
        .arg(&script)
        .arg(bundle)
        .arg(node_modules())
        .output()
        .expect("node runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "axe:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!("{} passed, 0 failed", pages(bundle).len())),
        "{text}"
    );
}
