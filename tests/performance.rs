//! A guard against making check ten times slower: on a generated 1,000-article corpus,
//! the release binary's check must finish within 5x the floor (bench/floor.rs, the
//! unavoidable work) measured in the same run. It is about 3x today (see README).
//! Needs python3 for the corpus generator and release builds of healthpress and the
//! floor; .ci/run provides them and sets HEALTHPRESS_RELEASE_BIN and HEALTHPRESS_FLOOR_BIN.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn time(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    let out = cmd.output().expect("runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed()
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

#[test]
#[ignore = "needs python3 and release builds of healthpress and the floor (run by .ci/run)"]
fn check_stays_within_5x_of_the_floor() {
    let bin = std::fs::canonicalize(
        std::env::var("HEALTHPRESS_RELEASE_BIN").expect("HEALTHPRESS_RELEASE_BIN"),
    )
    .unwrap();
    let floor = std::fs::canonicalize(
        std::env::var("HEALTHPRESS_FLOOR_BIN").expect("HEALTHPRESS_FLOOR_BIN"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path();
    let status = Command::new("python3")
        .arg(common::repo().join("../shared/bench/gen_corpus.py"))
        .arg(corpus)
        .args(["--articles", "1000", "--seed", "3"])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::copy(
        common::repo().join("healthpress.toml"),
        corpus.join("healthpress.toml"),
    )
    .unwrap();
    let ok = Command::new(&bin)
        .current_dir(corpus)
        .args(["sign-off", "content"])
        .output()
        .unwrap();
    assert!(ok.status.success());
    let hp = |c: &Path| {
        let mut cmd = Command::new(&bin);
        cmd.current_dir(c).args(["check", "--today", "2026-11-25"]);
        cmd
    };
    // The corpus is clean: the check must find nothing, so it is doing the real work.
    let out = hp(corpus).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        ours.push(time(&mut hp(corpus)));
        theirs.push(time(
            Command::new(&floor)
                .arg("check")
                .arg(corpus.join("content")),
        ));
    }
    let (ours, theirs) = (median(ours), median(theirs));
    let ratio = ours.as_secs_f64() / theirs.as_secs_f64();
    assert!(
        ratio <= 5.0,
        "check took {ours:?}, the floor {theirs:?}: {ratio:.2}x (limit 5x)"
    );
}
