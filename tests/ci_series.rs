//! The CI templates keep one version series across runs that each start from a fresh
//! clone: their fetch, build and publish commands, run as written with a local bare
//! repository standing in for GitHub or GitLab, give 1.0.0 and then 1.0.1 with the
//! changed article at revision 2.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

/// The shell block that follows `# healthpress-step: NAME` in a template (a GitHub
/// step's `run: |` or a GitLab `- |` script item), dedented.
fn step(template: &str, name: &str) -> String {
    let lines: Vec<&str> = template.lines().collect();
    let marker = format!("# healthpress-step: {name}");
    let at = lines
        .iter()
        .position(|l| l.trim() == marker)
        .unwrap_or_else(|| panic!("no step {name}"));
    let indent = |l: &str| l.len() - l.trim_start().len();
    let open = (at + 1..lines.len())
        .find(|&i| {
            let t = lines[i].trim();
            t == "run: |" || t == "- |"
        })
        .unwrap();
    let base = indent(lines[open]);
    let block: Vec<&str> = lines[open + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || indent(l) > base)
        .copied()
        .collect();
    let cut = block
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent(l))
        .min()
        .unwrap();
    block
        .iter()
        .map(|l| l.get(cut..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        // The machine's own git settings (commit signing, hooks) are not the CI's.
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Editor")
        .env("GIT_AUTHOR_EMAIL", "editor@example.org")
        .env("GIT_COMMITTER_NAME", "Editor")
        .env("GIT_COMMITTER_EMAIL", "editor@example.org")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One CI run of a template's bundle job in a fresh clone of `origin`.
fn ci_run(template: &str, origin: &Path, work: &Path) -> String {
    git(
        work.parent().unwrap(),
        &[
            "clone",
            "--quiet",
            origin.to_str().unwrap(),
            work.to_str().unwrap(),
        ],
    );
    let temp = work.with_extension("temp");
    std::fs::create_dir_all(&temp).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_healthpress"))
        .parent()
        .unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let mut log = String::new();
    for name in ["fetch-previous", "build", "publish"] {
        let script = step(template, name);
        // As GitHub runs a step (bash -eo pipefail) and GitLab a script item.
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
            .current_dir(work)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("PATH", &path)
            .env("RUNNER_TEMP", &temp)
            .env("HEALTHPRESS_CHANNEL_BRANCH", "healthpress-bundles")
            .env("HEALTHPRESS_CHANNEL_REMOTE", origin)
            .env("SOURCE_DATE_EPOCH", "1764000000")
            .env("NO_COLOR", "1")
            .env_remove("HEALTHPRESS_SIGN_KEY")
            .env_remove("HEALTHPRESS_PUBLIC_KEY")
            .output()
            .unwrap();
        log.push_str(&String::from_utf8_lossy(&out.stdout));
        log.push_str(&String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "step {name} failed:\n{log}");
    }
    log
}

#[allow(clippy::print_stdout)] // the CI runs' logs, shown with --nocapture
fn series(template_path: &str) {
    let template = std::fs::read_to_string(common::repo().join(template_path)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let origin = t.join("origin.git");
    git(
        t,
        &[
            "init",
            "--quiet",
            "--bare",
            "-b",
            "main",
            origin.to_str().unwrap(),
        ],
    );
    // The content repository's first commit.
    let editor = t.join("editor");
    git(t, &["clone", "--quiet", origin.to_str().unwrap(), "editor"]);
    common::copy_tree(&common::repo().join("content"), &editor.join("content"));
    std::fs::copy(
        common::repo().join("healthpress.toml"),
        editor.join("healthpress.toml"),
    )
    .unwrap();
    git(&editor, &["add", "."]);
    git(&editor, &["commit", "--quiet", "-m", "content"]);
    git(&editor, &["push", "--quiet", "origin", "HEAD:main"]);

    let first = ci_run(&template, &origin, &t.join("run1"));
    assert!(first.contains("first bundle"), "{first}");
    let show = |rev: &str| git(&origin, &["show", &format!("healthpress-bundles:{rev}")]);
    let latest: serde_json::Value = serde_json::from_str(&show("latest.json")).unwrap();
    assert_eq!(latest["version"], "1.0.0");

    // An editor changes one article and signs it off.
    common::edit(
        &editor.join("content/pregnancy/posture-in-pregnancy.md"),
        "Stand tall",
        "Stand up tall",
    );
    common::healthpress(&editor)
        .args([
            "sign-off",
            "--reviewer",
            "Sarah Okafor",
            "content/pregnancy/posture-in-pregnancy.md",
        ])
        .assert()
        .code(0);
    git(&editor, &["commit", "--quiet", "-am", "posture"]);
    git(&editor, &["push", "--quiet", "origin", "HEAD:main"]);

    let second = ci_run(&template, &origin, &t.join("run2"));
    assert!(second.contains("wrote bundle 1.0.1"), "{second}");
    let latest: serde_json::Value = serde_json::from_str(&show("latest.json")).unwrap();
    assert_eq!(latest["version"], "1.0.1");
    let m: serde_json::Value = serde_json::from_str(&show("1.0.1/manifest.json")).unwrap();
    let posture = m["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "posture-in-pregnancy")
        .unwrap();
    assert_eq!(posture["revision"], 2);
    assert_eq!(m["previous"], "1.0.0");
    // The channel keeps every version, and its history: one commit per bundle.
    assert!(!show("1.0.0/manifest.json").is_empty());
    let commits = git(&origin, &["rev-list", "--count", "healthpress-bundles"]);
    assert_eq!(commits.trim(), "2");
    println!("run 1:\n{first}\nrun 2:\n{second}");

    // A third run with nothing changed publishes nothing and keeps the series.
    let third = ci_run(&template, &origin, &t.join("run3"));
    assert!(third.contains("no new bundle to publish"), "{third}");
}

// GitHub Actions: the channel branch fetched with git, the new bundle pushed to it.
#[test]
fn github_template_continues_the_series() {
    series("ci/github/healthpress.yml");
}

// GitLab CI/CD: the same, through HEALTHPRESS_CHANNEL_REMOTE.
#[test]
fn gitlab_template_continues_the_series() {
    series("ci/gitlab/healthpress.gitlab-ci.yml");
}
