//! Guards against making check or build ten times slower: on a generated 1,000-article
//! corpus, the release binary's check and build must each finish within 3x the floor's
//! (bench/floor.rs, the unavoidable work) measured in the same run. See README for the
//! figures of the day.
//! Each side's fastest of seven alternating runs is compared: noise on a shared machine
//! only ever adds time, so the minimum is the steadiest figure.
//! The corpus comes from the project's own generator (bench/corpus.rs). Needs release
//! builds of healthpress and the floor; .ci/run provides them and sets
//! HEALTHPRESS_RELEASE_BIN and HEALTHPRESS_FLOOR_BIN.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

mod common;

#[path = "../bench/corpus.rs"]
mod corpus;
#[path = "../bench/sign_off.rs"]
mod sign_off;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
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

fn binary(var: &str) -> PathBuf {
    std::fs::canonicalize(std::env::var(var).unwrap_or_else(|_| panic!("{var} is not set")))
        .unwrap()
}

/// A signed-off 1,000-article corpus, made once for both guards.
fn corpus() -> &'static Path {
    static CORPUS: OnceLock<tempfile::TempDir> = OnceLock::new();
    CORPUS
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let options = corpus::Options {
                articles: 1000,
                seed: 3,
                ..corpus::Options::default()
            };
            corpus::generate(dir.path(), &options).unwrap();
            // Each article by its own reviewer, as `healthpress sign-off` would.
            sign_off::sign_off_all(dir.path(), common::today()).unwrap();
            dir
        })
        .path()
}

/// The fastest of seven alternating runs of each, and their ratio, with `before` run
/// (untimed) ahead of every run. One measurement at a time: the test harness runs the
/// guards on threads of their own, and two at once would time each other.
#[allow(clippy::print_stderr)] // the measurement, shown with --nocapture
fn ratio(
    what: &str,
    ours: impl Fn() -> Command,
    floor: impl Fn() -> Command,
    before: impl Fn(),
) -> f64 {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        before();
        a.push(time(&mut ours()));
        before();
        b.push(time(&mut floor()));
    }
    let (a, b) = (a.into_iter().min().unwrap(), b.into_iter().min().unwrap());
    let ratio = a.as_secs_f64() / b.as_secs_f64();
    eprintln!("{what}: healthpress {a:?}, floor {b:?}: {ratio:.2}x (fastest of seven each)");
    ratio
}

#[test]
#[ignore = "needs release builds of healthpress and the floor (run by .ci/run)"]
fn check_stays_within_3x_of_the_floor() {
    let (bin, floor, corpus) = (
        binary("HEALTHPRESS_RELEASE_BIN"),
        binary("HEALTHPRESS_FLOOR_BIN"),
        corpus(),
    );
    let hp = || {
        let mut cmd = Command::new(&bin);
        cmd.current_dir(corpus)
            .args(["check", "--today", corpus::TODAY]);
        cmd
    };
    // The corpus is clean: the check must find nothing, so it is doing the real work.
    let out = hp().output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let floor = || {
        let mut cmd = Command::new(&floor);
        cmd.arg("check").arg(corpus.join("content"));
        cmd
    };
    let ratio = ratio("check", hp, floor, || {});
    assert!(ratio <= 3.0, "check: {ratio:.2}x the floor (limit 3x)");
}

#[test]
#[ignore = "needs release builds of healthpress and the floor (run by .ci/run)"]
fn build_stays_within_3x_of_the_floor() {
    let (bin, floor, corpus) = (
        binary("HEALTHPRESS_RELEASE_BIN"),
        binary("HEALTHPRESS_FLOOR_BIN"),
        corpus(),
    );
    // Both write to memory where the machine has it: its disk is too noisy to time.
    let out = match Path::new("/dev/shm") {
        d if d.is_dir() => tempfile::tempdir_in(d).unwrap(),
        _ => tempfile::tempdir().unwrap(),
    };
    let (ours_dir, floor_dir) = (out.path().join("hp"), out.path().join("floor"));
    let hp = || {
        let mut cmd = Command::new(&bin);
        cmd.current_dir(corpus)
            .env("SOURCE_DATE_EPOCH", "1764000000")
            .args(["build", "--today", corpus::TODAY, "--out"])
            .arg(&ours_dir);
        cmd
    };
    let floor = || {
        let mut cmd = Command::new(&floor);
        cmd.arg("build").arg(corpus.join("content")).arg(&floor_dir);
        cmd
    };
    // The build must write a whole bundle every time, so each starts from nothing.
    let clean = || {
        let _ = std::fs::remove_dir_all(&ours_dir);
        let _ = std::fs::remove_dir_all(&floor_dir);
    };
    clean();
    let first = hp().output().unwrap();
    assert!(
        first.status.success() && ours_dir.join("1.0.0/manifest.json").is_file(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let ratio = ratio("build", hp, floor, clean);
    assert!(ratio <= 3.0, "build: {ratio:.2}x the floor (limit 3x)");
}

// `verify` reads and hashes every file of a bundle and validates its JSON: it must stay
// within 1.5x of `sha256sum` over the same files, the least a checksum check can do.
#[test]
#[ignore = "needs python3 and release builds of healthpress and the floor (run by .ci/run)"]
fn verify_stays_within_1_5x_of_sha256sum() {
    let (bin, corpus) = (binary("HEALTHPRESS_RELEASE_BIN"), corpus());
    let out = match Path::new("/dev/shm") {
        d if d.is_dir() => tempfile::tempdir_in(d).unwrap(),
        _ => tempfile::tempdir().unwrap(),
    };
    let built = Command::new(&bin)
        .current_dir(corpus)
        .env("SOURCE_DATE_EPOCH", "1764000000")
        .args(["build", "--today", "2026-11-25", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(built.status.success());
    let bundle = out.path().join("1.0.0");
    let files = common::files_under(&bundle);
    let hp = || {
        let mut cmd = Command::new(&bin);
        cmd.arg("verify").arg(&bundle);
        cmd
    };
    let out = hp().output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let sums = || {
        let mut cmd = Command::new("sha256sum");
        cmd.args(&files).stdout(std::process::Stdio::null());
        cmd
    };
    let ratio = ratio("verify", hp, sums, || {});
    assert!(ratio <= 1.5, "verify: {ratio:.2}x sha256sum (limit 1.5x)");
}
