//! The channel apps trust: `latest.json`, `build --previous`, deltas, signatures, the
//! previous bundle checked rather than trusted, and `healthpress verify`.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use predicates::prelude::*;

use common::{edit, repo_project, tree};

fn healthpress(dir: &Path) -> Command {
    let mut cmd = common::healthpress(dir);
    cmd.env("SOURCE_DATE_EPOCH", "1764000000")
        .env_remove("HEALTHPRESS_SIGN_PASSWORD");
    cmd
}

fn build(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    healthpress(dir)
        .args(["build", "--today", "2026-11-25"])
        .args(extra)
        .assert()
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// One article's words change and are signed off.
fn change_posture(root: &Path, from: &str, to: &str) {
    edit(
        &root.join("content/pregnancy/posture-in-pregnancy.md"),
        from,
        to,
    );
    healthpress(root)
        .args([
            "sign-off",
            "--reviewer",
            "James Whitfield",
            "--today",
            common::SIGNED_ON,
            "content/pregnancy/posture-in-pregnancy.md",
        ])
        .assert()
        .code(0);
}

fn revision_of(manifest: &serde_json::Value, id: &str) -> u64 {
    manifest["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap()["revision"]
        .as_u64()
        .unwrap()
}

/// A minisign key pair made by the crate (the same format as `minisign -G -W`).
fn key_pair(dir: &Path) -> (PathBuf, PathBuf) {
    let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let sk = dir.join("test.key");
    let pk = dir.join("test.pub");
    std::fs::write(&sk, kp.sk.to_box(None).unwrap().to_string()).unwrap();
    std::fs::write(&pk, kp.pk.to_box().unwrap().to_string()).unwrap();
    (sk, pk)
}

// A CI job with an empty output folder continues the series from --previous: the new
// version folder is byte for byte the one a build beside the previous bundle writes,
// and latest.json points at it.
#[test]
fn previous_continues_the_series_exactly() {
    let p = repo_project();
    let root = p.path();
    build(root, &[]).code(0);
    std::fs::rename(root.join("dist"), root.join("published")).unwrap();
    change_posture(root, "Stand tall", "Stand up tall");

    build(root, &["--out", "fresh", "--previous", "published"])
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 1.0.1"));
    let m = read_json(&root.join("fresh/1.0.1/manifest.json"));
    assert_eq!(revision_of(&m, "posture-in-pregnancy"), 2);
    let log = read_json(&root.join("fresh/1.0.1/changelog.json"));
    assert_eq!(log["previous"], "1.0.0");
    assert_eq!(log["changed"][0]["what"], serde_json::json!(["body"]));

    // The same build with the previous bundle in place.
    common::copy_tree(&root.join("published"), &root.join("in-place"));
    build(root, &["--out", "in-place"]).code(0);
    assert_eq!(
        tree(&root.join("fresh/1.0.1")),
        tree(&root.join("in-place/1.0.1"))
    );
    assert_eq!(
        std::fs::read(root.join("fresh/latest.json")).unwrap(),
        std::fs::read(root.join("in-place/latest.json")).unwrap()
    );
    // --previous may also name the version folder itself.
    build(root, &["--out", "fresh2", "--previous", "published/1.0.0"]).code(0);
    assert_eq!(
        tree(&root.join("fresh/1.0.1")),
        tree(&root.join("fresh2/1.0.1"))
    );
    // A --previous that holds nothing is refused, not read as a first build.
    std::fs::create_dir(root.join("empty")).unwrap();
    build(root, &["--out", "fresh3", "--previous", "empty"])
        .code(2)
        .stderr(predicate::str::contains("no bundle in it"));
    assert!(!root.join("fresh3").exists());
}

// latest.json names the newest version, its format, its manifest's path and sha256,
// and an expiry from SOURCE_DATE_EPOCH plus --expires-in-days; it is rewritten by each
// build that writes a version.
#[test]
fn latest_points_at_the_newest_version() {
    let p = repo_project();
    let root = p.path();
    build(root, &["--expires-in-days", "7"]).code(0);
    let latest = read_json(&root.join("dist/latest.json"));
    assert_eq!(latest["version"], "1.0.0");
    assert_eq!(latest["format"], 2);
    assert_eq!(latest["manifest"], "1.0.0/manifest.json");
    assert_eq!(latest["generated_at"], "2025-11-24T16:00:00Z");
    assert_eq!(latest["expires"], "2025-12-01T16:00:00Z");
    let manifest = std::fs::read(root.join("dist/1.0.0/manifest.json")).unwrap();
    assert_eq!(latest["sha256"], sha256(&manifest));
    assert_eq!(latest["bytes"], manifest.len());

    change_posture(root, "Stand tall", "Stand up tall");
    build(root, &[]).code(0);
    let latest = read_json(&root.join("dist/latest.json"));
    assert_eq!(latest["version"], "1.0.1");
    assert_eq!(latest["expires"], "2025-12-24T16:00:00Z");
    assert_eq!(latest["deltas"][0]["from"], "1.0.0");
    assert_eq!(latest["deltas"][0]["path"], "1.0.1/delta/1.0.0.json");
    // Valid against the published schema.
    let schema = read_json(&common::repo().join("schema/latest.schema.json"));
    let v = jsonschema::draft202012::new(&schema).unwrap();
    assert!(v.is_valid(&latest));
}

// A delta from each earlier version lists exactly the articles to fetch and delete to
// reach the new version from it, with the new files' sha256.
#[test]
fn deltas_reach_back_over_several_versions() {
    let p = repo_project();
    let root = p.path();
    build(root, &[]).code(0); // 1.0.0
    change_posture(root, "Stand tall", "Stand up tall");
    build(root, &[]).code(0); // 1.0.1: posture changed
    let lbp = root.join("content/musculoskeletal/lower-back-pain-in-adults.md");
    // The summary, not the title: other pages show its title in their related lists.
    edit(&lbp, "summary: ", "summary: Briefly, ");
    healthpress(root)
        .args([
            "sign-off",
            "--reviewer",
            "James Whitfield",
            "content/musculoskeletal/lower-back-pain-in-adults.md",
        ])
        .assert()
        .code(0);
    build(root, &[]).code(0); // 1.0.2: lower-back-pain-in-adults changed
    let latest = read_json(&root.join("dist/latest.json"));
    let v = latest["version"].as_str().unwrap().to_string();
    let m = read_json(&root.join(format!("dist/{v}/manifest.json")));
    let ids = |d: &serde_json::Value, k: &str| -> Vec<String> {
        d[k].as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect()
    };
    let from_101 = read_json(&root.join(format!("dist/{v}/delta/1.0.1.json")));
    assert_eq!(ids(&from_101, "put"), ["lower-back-pain-in-adults"]);
    let from_100 = read_json(&root.join(format!("dist/{v}/delta/1.0.0.json")));
    assert_eq!(
        ids(&from_100, "put"),
        ["lower-back-pain-in-adults", "posture-in-pregnancy"]
    );
    // Each put entry is the new manifest's entry, checksums and all.
    for a in from_100["put"].as_array().unwrap() {
        let entry = m["articles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == a["id"])
            .unwrap();
        assert_eq!(a, entry);
    }
    assert_eq!(from_100["content_hash"], m["content_hash"]);
    let listed: Vec<&str> = latest["deltas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["from"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["1.0.1", "1.0.0"]);
}

// A previous bundle of a newer format is refused: exit 2, nothing written.
#[test]
fn newer_format_is_refused() {
    let p = repo_project();
    let root = p.path();
    build(root, &[]).code(0);
    let path = root.join("dist/1.0.0/manifest.json");
    let mut m = read_json(&path);
    m["format"] = serde_json::json!(99);
    std::fs::write(&path, serde_json::to_string(&m).unwrap()).unwrap();
    std::fs::remove_file(root.join("dist/latest.json")).unwrap();
    change_posture(root, "Stand tall", "Stand up tall");
    build(root, &[])
        .code(2)
        .stderr(predicate::str::contains("bundle format 99 is newer"));
    let left: Vec<String> = std::fs::read_dir(root.join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !left
            .iter()
            .any(|n| n != "1.0.0" && n != ".healthpress.lock"),
        "{left:?}"
    );
    // From another folder, the fresh output folder is not even made.
    build(root, &["--out", "fresh", "--previous", "dist"]).code(2);
    assert!(!root.join("fresh").exists());
}

// A latest.json that does not vouch for its manifest (a changed manifest) is refused.
#[test]
fn tampered_previous_is_refused() {
    let p = repo_project();
    let root = p.path();
    build(root, &[]).code(0);
    let path = root.join("dist/1.0.0/manifest.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("\"revision\":1", "\"revision\":7")).unwrap();
    change_posture(root, "Stand tall", "Stand up tall");
    build(root, &["--out", "fresh", "--previous", "dist"])
        .code(2)
        .stderr(predicate::str::contains("is not the one it lists"));
}

// Version arithmetic is checked: a patch number at its maximum is an error, never a
// wrap to 5.0.0; so is a revision at its maximum.
#[test]
fn overflow_is_an_error_never_a_wrap() {
    let p = repo_project();
    let root = p.path();
    build(root, &["--bundle-version", "5.0.18446744073709551615"]).code(0);
    change_posture(root, "Stand tall", "Stand up tall");
    build(root, &[])
        .code(2)
        .stderr(predicate::str::contains("patch number cannot rise"));
    assert!(!root.join("dist/5.0.0").exists());
    let latest = read_json(&root.join("dist/latest.json"));
    assert_eq!(latest["version"], "5.0.18446744073709551615");

    // A revision at u32::MAX.
    let q = repo_project();
    let root = q.path();
    build(root, &[]).code(0);
    let path = root.join("dist/1.0.0/manifest.json");
    let mut m = read_json(&path);
    for a in m["articles"].as_array_mut().unwrap() {
        if a["id"] == "posture-in-pregnancy" {
            a["revision"] = serde_json::json!(u32::MAX);
        }
    }
    std::fs::write(&path, serde_json::to_string(&m).unwrap()).unwrap();
    std::fs::remove_file(root.join("dist/latest.json")).unwrap();
    change_posture(root, "Stand tall", "Stand up tall");
    build(root, &[])
        .code(2)
        .stderr(predicate::str::contains("its revision cannot rise"));
    assert!(!root.join("dist/1.0.1").exists());
}

// Versions compare by semver precedence: build metadata does not make one greater, and
// two folders of one precedence are refused rather than one picked.
#[test]
fn build_metadata_is_not_greater() {
    let p = repo_project();
    let root = p.path();
    build(root, &[]).code(0);
    change_posture(root, "Stand tall", "Stand up tall");
    build(root, &["--bundle-version", "1.0.0+again"])
        .code(2)
        .stderr(predicate::str::contains("not greater than the last bundle"));
    assert!(!root.join("dist/1.0.0+again").exists());
    common::copy_tree(&root.join("dist/1.0.0"), &root.join("dist/1.0.0+b"));
    build(root, &[])
        .code(2)
        .stderr(predicate::str::contains("one version by semver precedence"));
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn verify(root: &Path, args: &[&str]) -> (i32, String) {
    let out = healthpress(root).arg("verify").args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

// verify accepts a signed channel and a version folder as built, and catches a changed
// byte, a removed file, an unlisted file, a wrong key, a pointer that goes backwards
// and a replayed signature, each at its path; it cannot run on a folder with no bundle.
#[test]
fn verify_catches_what_an_app_must_not_serve() {
    let p = repo_project();
    let root = p.path();
    let (sk, pk) = key_pair(root);
    let sk = sk.to_str().unwrap();
    let pk = pk.to_str().unwrap();
    build(root, &["--sign-key", sk]).code(0);
    change_posture(root, "Stand tall", "Stand up tall");
    build(root, &["--sign-key", sk]).code(0);
    assert_eq!(verify(root, &["dist", "--public-key", pk]).0, 0);
    assert_eq!(verify(root, &["dist/1.0.1", "--public-key", pk]).0, 0);
    assert_eq!(verify(root, &["nowhere"]).0, 2);
    assert_eq!(verify(root, &["content"]).0, 2);
    assert_eq!(verify(root, &["dist", "--public-key", "content"]).0, 2);

    let broken = |name: &str, damage: &dyn Fn(&Path), args: &[&str], expect: &str| {
        let copy = root.join(name);
        common::copy_tree(&root.join("dist"), &copy);
        damage(&copy);
        let mut all = vec![name];
        all.extend_from_slice(args);
        let (code, text) = verify(root, &all);
        assert_eq!(code, 1, "{name}: {text}");
        assert!(text.contains(expect), "{name}: {text}");
    };
    let article = "1.0.1/articles/posture-in-pregnancy.html";
    broken(
        "byte",
        &|d| {
            let f = d.join(article);
            let mut b = std::fs::read(&f).unwrap();
            b[100] ^= 1;
            std::fs::write(&f, b).unwrap();
        },
        &[],
        &format!("{article}: its sha256 is not the one the manifest lists"),
    );
    broken(
        "removed",
        &|d| std::fs::remove_file(d.join(article)).unwrap(),
        &[],
        &format!("{article}: listed in the manifest but missing"),
    );
    broken(
        "unlisted",
        &|d| std::fs::write(d.join("1.0.1/articles/extra.js"), "x").unwrap(),
        &[],
        "extra.js: not listed in the manifest",
    );
    let other = tempfile::tempdir().unwrap();
    let (_, other_pk) = key_pair(other.path());
    broken(
        "wrongkey",
        &|_| {},
        &["--public-key", other_pk.to_str().unwrap()],
        "manifest.json.minisig: does not verify with the public key",
    );
    broken(
        "backwards",
        &|d| {
            // A pointer turned back to the older version beside a newer one.
            let mut l = read_json(&d.join("latest.json"));
            l["version"] = serde_json::json!("1.0.0");
            l["manifest"] = serde_json::json!("1.0.0/manifest.json");
            std::fs::write(d.join("latest.json"), l.to_string()).unwrap();
        },
        &["--public-key", pk],
        "points at 1.0.0, but 1.0.1 is newer",
    );
    broken(
        "replayed",
        &|d| {
            // 1.0.0's manifest signature put beside 1.0.1's manifest.
            std::fs::copy(
                d.join("1.0.0/manifest.json.minisig"),
                d.join("1.0.1/manifest.json.minisig"),
            )
            .unwrap();
        },
        &["--public-key", pk],
        "1.0.1/manifest.json.minisig: does not verify",
    );
}

// An encrypted minisign key needs its password from HEALTHPRESS_SIGN_PASSWORD; it is
// never prompted for, and without it nothing is built.
#[test]
fn encrypted_key_needs_its_password() {
    let p = repo_project();
    let root = p.path();
    let kp = minisign::KeyPair::generate_encrypted_keypair(Some("hunter2".into())).unwrap();
    let sk = root.join("enc.key");
    std::fs::write(&sk, kp.sk.to_box(None).unwrap().to_string()).unwrap();
    std::fs::write(root.join("enc.pub"), kp.pk.to_box().unwrap().to_string()).unwrap();
    build(root, &["--sign-key", "enc.key"])
        .code(2)
        .stderr(predicate::str::contains("set HEALTHPRESS_SIGN_PASSWORD"));
    assert!(!root.join("dist").exists());
    healthpress(root)
        .env("HEALTHPRESS_SIGN_PASSWORD", "wrong")
        .args(["build", "--today", "2026-11-25", "--sign-key", "enc.key"])
        .assert()
        .code(2);
    healthpress(root)
        .env("HEALTHPRESS_SIGN_PASSWORD", "hunter2")
        .args(["build", "--today", "2026-11-25", "--sign-key", "enc.key"])
        .assert()
        .code(0);
    assert_eq!(
        verify(root, &["dist", "--public-key", "enc.pub"]).0,
        0,
        "signed with the decrypted key"
    );
}

// Keys made by the standard `minisign -G` (unencrypted with -W, and encrypted) sign
// bundles that Debian's `minisign -V`, a verifier this project did not write, accepts,
// with the version and content hash in the trusted comment.
#[test]
#[ignore = "needs minisign (Debian package), installed by .ci/run"]
fn minisign_verifies_the_signatures() {
    let p = repo_project();
    let root = p.path();
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = Process::new("minisign")
            .args(args)
            .current_dir(root)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("minisign is installed");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    assert!(run(&["-G", "-W", "-p", "plain.pub", "-s", "plain.key"], "").0);
    assert!(run(&["-G", "-p", "enc.pub", "-s", "enc.key"], "pw\npw\n").0);
    for (key, public, out, password) in [
        ("plain.key", "plain.pub", "plain", None),
        ("enc.key", "enc.pub", "enc", Some("pw")),
    ] {
        let mut cmd = healthpress(root);
        if let Some(pw) = password {
            cmd.env("HEALTHPRESS_SIGN_PASSWORD", pw);
        }
        cmd.args(["build", "--today", "2026-11-25", "--out", out])
            .args(["--sign-key", key])
            .assert()
            .code(0);
        let m = read_json(&root.join(format!("{out}/1.0.0/manifest.json")));
        for file in ["1.0.0/manifest.json", "latest.json"] {
            let (ok, text) = run(&["-V", "-p", public, "-m", &format!("{out}/{file}")], "");
            assert!(ok, "minisign -V {file}: {text}");
            assert!(text.contains("version:1.0.0"), "{text}");
            assert!(text.contains(m["content_hash"].as_str().unwrap()), "{text}");
        }
        // A changed byte fails minisign too.
        let f = root.join(format!("{out}/1.0.0/manifest.json"));
        let mut b = std::fs::read(&f).unwrap();
        b[10] ^= 1;
        std::fs::write(&f, b).unwrap();
        let (ok, _) = run(
            &[
                "-V",
                "-p",
                public,
                "-m",
                &format!("{out}/1.0.0/manifest.json"),
            ],
            "",
        );
        assert!(!ok);
    }
}

// A named pipe where a bundle file should be never hangs verify or build: it is
// reported (verify) or refused (build) without being read.
#[cfg(unix)]
#[test]
fn a_named_pipe_never_hangs() {
    let p = repo_project();
    let root = p.path();
    build(root, &[]).code(0);
    let fifo = |path: &Path| {
        std::fs::remove_file(path).unwrap();
        assert!(Process::new("mkfifo").arg(path).status().unwrap().success());
    };
    fifo(&root.join("dist/1.0.0/articles/posture-in-pregnancy.json"));
    healthpress(root)
        .args(["verify", "dist"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "posture-in-pregnancy.json: listed in the manifest but missing (or not a plain file)",
        ));
    fifo(&root.join("dist/1.0.0/manifest.json"));
    change_posture(root, "Stand tall", "Stand up tall");
    healthpress(root)
        .args([
            "build",
            "--today",
            "2026-11-25",
            "--out",
            "fresh",
            "--previous",
            "dist",
        ])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a plain file"));
}
