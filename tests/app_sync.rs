//! An app's sync, end to end, as the channel protocol in the README describes it: over
//! HTTP on the loopback interface the app fetches `latest.json`, verifies it with the
//! public key it pins, fetches the delta from the version it holds (or the manifest,
//! for a first sync), fetches only the files whose sha256 changed, verifies each,
//! deletes what left, and ends with exactly the new bundle's content.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::{edit, repo_project};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn healthpress(dir: &Path) -> assert_cmd::Command {
    let mut cmd = common::healthpress(dir);
    cmd.env("SOURCE_DATE_EPOCH", "1764000000");
    cmd
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A static file host on 127.0.0.1 serving `root`, as a CDN would: GET only, 404 for
/// what is not there. It records each path asked for and the bytes it sent.
struct Host {
    addr: std::net::SocketAddr,
    log: Arc<Mutex<Vec<(String, usize)>>>,
}

impl Host {
    fn serve(root: PathBuf) -> Host {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let log2 = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                // Skip the headers.
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) <= 2 {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                let rel = path.trim_start_matches('/');
                let body = if rel.split('/').any(|c| c == ".." || c.is_empty()) {
                    None
                } else {
                    std::fs::read(root.join(rel)).ok()
                };
                let response = match &body {
                    Some(b) => {
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            b.len()
                        )
                        .into_bytes();
                        r.extend_from_slice(b);
                        r
                    }
                    None => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    }
                };
                let _ = stream.write_all(&response);
                log2.lock().unwrap().push((path, response.len()));
            }
        });
        Host { addr, log }
    }

    fn take_log(&self) -> Vec<(String, usize)> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

/// The app's side of HTTP: GET a path; its body, or None for anything but 200.
fn get(addr: std::net::SocketAddr, path: &str) -> Option<Vec<u8>> {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let split = all.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&all[..split]);
    head.starts_with("HTTP/1.1 200")
        .then(|| all[split + 4..].to_vec())
}

/// What the app holds: the files of one bundle version (paths relative to a version
/// folder), the version, and the pinned public key.
struct App {
    store: PathBuf,
    version: Option<semver::Version>,
    key: minisign::PublicKey,
    /// The app's clock, to compare with `expires`.
    now: chrono::DateTime<chrono::Utc>,
    said: Vec<String>,
}

impl App {
    /// Fetch a file and check its sha256 and size; never store bytes that do not match.
    fn fetch_checked(&self, host: &Host, path: &str, sha: &str, bytes: u64) -> Vec<u8> {
        let b = get(host.addr, path).unwrap_or_else(|| panic!("{path} not served"));
        assert_eq!(sha256(&b), sha, "{path}: checksum");
        assert_eq!(b.len() as u64, bytes, "{path}: size");
        b
    }

    /// Fetch `path` and its `.minisig`, verify with the pinned key and return the bytes
    /// and the signed trusted comment.
    fn fetch_signed(&self, host: &Host, path: &str) -> Result<(Vec<u8>, String), String> {
        let bytes = get(host.addr, path).ok_or(format!("{path} not served"))?;
        let sig = get(host.addr, &format!("{path}.minisig")).ok_or("no signature")?;
        let sig = minisign::SignatureBox::from_string(&String::from_utf8_lossy(&sig))
            .map_err(|e| e.to_string())?;
        minisign::verify(
            &self.key,
            &sig,
            std::io::Cursor::new(&bytes),
            true,
            false,
            false,
        )
        .map_err(|e| format!("{path}: signature: {e}"))?;
        Ok((bytes, sig.trusted_comment().map_err(|e| e.to_string())?))
    }

    fn put(&self, rel: &str, bytes: &[u8]) {
        let path = self.store.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    fn held_sha(&self, rel: &str) -> Option<String> {
        std::fs::read(self.store.join(rel)).ok().map(|b| sha256(&b))
    }

    /// One sync, following the protocol.
    fn sync(&mut self, host: &Host) -> Result<(), String> {
        // 1. The pointer, verified, and its signed comment bound to its fields.
        let (bytes, comment) = self.fetch_signed(host, "latest.json")?;
        let latest: Value = serde_json::from_slice(&bytes).unwrap();
        let s = |k: &str| latest[k].as_str().unwrap().to_string();
        assert_eq!(
            comment,
            format!(
                "healthpress channel version:{} format:{} content_hash:{} expires:{}",
                s("version"),
                latest["format"],
                s("content_hash"),
                s("expires")
            ),
            "the signed comment vouches for the pointer's fields"
        );
        assert!(
            latest["format"].as_u64().unwrap() <= 2,
            "a format this app reads"
        );
        let expires: chrono::DateTime<chrono::Utc> = s("expires").parse().unwrap();
        assert!(self.now < expires, "a stale channel is not trusted");
        let version = semver::Version::parse(&s("version")).unwrap();
        if let Some(held) = &self.version {
            match version.cmp_precedence(held) {
                std::cmp::Ordering::Less => panic!("the channel went backwards"),
                std::cmp::Ordering::Equal => {
                    self.said.push(format!("already at {held}"));
                    return Ok(());
                }
                std::cmp::Ordering::Greater => {}
            }
        }
        let base = format!("{version}/");
        // 2. A delta from the held version, vouched for by the pointer's signature.
        let delta = self.version.as_ref().and_then(|held| {
            latest["deltas"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["from"] == held.to_string())
        });
        let content_hash;
        if let Some(d) = delta {
            let path = d["path"].as_str().unwrap();
            let bytes = self.fetch_checked(
                host,
                path,
                d["sha256"].as_str().unwrap(),
                d["bytes"].as_u64().unwrap(),
            );
            let delta: Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(delta["version"], s("version"));
            content_hash = delta["content_hash"].as_str().unwrap().to_string();
            for a in delta["put"].as_array().unwrap() {
                for part in ["json", "html"] {
                    self.update(host, &base, &a[part]);
                }
            }
            for r in delta["delete"].as_array().unwrap() {
                let id = r["id"].as_str().unwrap();
                for ext in ["json", "html"] {
                    let _ = std::fs::remove_file(self.store.join(format!("articles/{id}.{ext}")));
                }
                self.said
                    .push(format!("deleted {id} ({})", r["reason"].as_str().unwrap()));
            }
            self.update(host, &base, &delta["index"]);
            self.said.push(format!(
                "synced {} -> {version} by {path}",
                d["from"].as_str().unwrap()
            ));
        } else {
            // 3. No delta from here (a first sync, or too far behind): the manifest,
            // checked against the pointer and its own signature.
            let (bytes, comment) = self.fetch_signed(host, &s("manifest"))?;
            assert_eq!(sha256(&bytes), s("sha256"));
            let m: Value = serde_json::from_slice(&bytes).unwrap();
            content_hash = m["content_hash"].as_str().unwrap().to_string();
            assert_eq!(
                comment,
                format!(
                    "healthpress manifest version:{version} format:{} content_hash:{content_hash}",
                    m["format"]
                )
            );
            let mut keep = std::collections::BTreeSet::new();
            for a in m["articles"].as_array().unwrap() {
                for part in ["json", "html"] {
                    self.update(host, &base, &a[part]);
                    keep.insert(a[part]["path"].as_str().unwrap().to_string());
                }
            }
            self.update(host, &base, &m["files"]["index"]);
            keep.insert("index.html".into());
            for (rel, _) in files(&self.store) {
                let rel = rel.to_string_lossy().into_owned();
                if !keep.contains(&rel) {
                    std::fs::remove_file(self.store.join(&rel)).unwrap();
                }
            }
            self.said
                .push(format!("full sync to {version} from the manifest"));
        }
        assert_eq!(content_hash, s("content_hash"));
        self.version = Some(version);
        Ok(())
    }

    /// Fetch one listed file unless the app holds it with that sha256 already.
    fn update(&self, host: &Host, base: &str, file: &Value) {
        let rel = file["path"].as_str().unwrap();
        let sha = file["sha256"].as_str().unwrap();
        if self.held_sha(rel).as_deref() == Some(sha) {
            return;
        }
        let bytes = self.fetch_checked(
            host,
            &format!("{base}{rel}"),
            sha,
            file["bytes"].as_u64().unwrap(),
        );
        self.put(rel, &bytes);
    }
}

/// Every file under `dir`, relative, with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// What an app shows of a version folder: its articles and index page.
fn content_of(version_dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files(version_dir)
        .into_iter()
        .filter(|(p, _)| p.starts_with("articles") || p == Path::new("index.html"))
        .collect()
}

// The app starts from a baseline bundle shipped inside it (1.0.0), syncs to 2.0.0 (one
// article changed, one removed, one that linked to it changed) by the delta, fetching
// only what changed, then makes a first sync from nothing by the manifest; both end
// with exactly the new bundle's content.
#[test]
fn an_app_syncs_what_changed_and_ends_with_the_new_bundle() {
    let p = repo_project();
    let root = p.path();
    let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    std::fs::write(
        root.join("team.key"),
        kp.sk.to_box(None).unwrap().to_string(),
    )
    .unwrap();
    let build = || {
        healthpress(root)
            .args(["build", "--today", "2026-11-25", "--sign-key", "team.key"])
            .assert()
            .code(0);
    };
    build();
    let host = Host::serve(root.join("dist"));

    // The baseline shipped in the app: the 1.0.0 version folder's content.
    let app_dir = tempfile::tempdir().unwrap();
    let mut app = App {
        store: app_dir.path().join("store"),
        version: Some(semver::Version::new(1, 0, 0)),
        key: kp.pk.clone(),
        now: "2025-11-30T00:00:00Z".parse().unwrap(),
        said: Vec::new(),
    };
    for (rel, bytes) in content_of(&root.join("dist/1.0.0")) {
        app.put(&rel.to_string_lossy(), &bytes);
    }
    app.sync(&host).unwrap();
    assert_eq!(app.said, ["already at 1.0.0"]);
    host.take_log();

    // The library changes: one article's words, one article removed (and the link to it
    // turned into plain text in the one article that had it).
    let posture = "content/pregnancy/posture-in-pregnancy.md";
    edit(&root.join(posture), "Stand tall", "Stand up tall");
    let gone = "helping-a-pregnant-partner-with-back-pain";
    std::fs::remove_file(root.join(format!("content/pregnancy/{gone}.md"))).unwrap();
    let stress = "content/pregnancy/stress-and-back-pain-in-pregnancy.md";
    edit(&root.join(stress), &format!(", {gone}]"), "]");
    edit(
        &root.join(stress),
        &format!("[helping a pregnant partner with back pain](article:{gone})"),
        "helping a pregnant partner with back pain",
    );
    healthpress(root)
        .args(["sign-off", "--reviewer", "Sarah Okafor", posture, stress])
        .assert()
        .code(0);
    build();
    let latest: Value =
        serde_json::from_slice(&std::fs::read(root.join("dist/latest.json")).unwrap()).unwrap();
    let new = latest["version"].as_str().unwrap().to_string();
    assert_eq!(new, "2.0.0");

    app.sync(&host).unwrap();
    let log = host.take_log();
    let mut asked: Vec<&str> = log.iter().map(|(p, _)| p.as_str()).collect();
    asked.sort();
    let total: usize = log.iter().map(|(_, b)| b).sum();
    println!("app: {}", app.said.join("; "));
    for (path, bytes) in &log {
        println!("  GET {path:<60} {bytes:>7} bytes");
    }
    println!("  total {total} bytes");
    assert_eq!(
        asked,
        [
            "/2.0.0/articles/posture-in-pregnancy.html",
            "/2.0.0/articles/posture-in-pregnancy.json",
            "/2.0.0/articles/stress-and-back-pain-in-pregnancy.html",
            "/2.0.0/articles/stress-and-back-pain-in-pregnancy.json",
            "/2.0.0/delta/1.0.0.json",
            "/2.0.0/index.html",
            "/latest.json",
            "/latest.json.minisig",
        ],
        "only what changed, and no manifest"
    );
    assert!(
        app.said
            .iter()
            .any(|s| s == &format!("deleted {gone} (removed)"))
    );
    let want = content_of(&root.join(format!("dist/{new}")));
    assert!(
        files(&app.store) == want,
        "the app holds exactly the new bundle"
    );

    // A first sync from nothing goes by the manifest and ends in the same place.
    let mut fresh = App {
        store: app_dir.path().join("fresh"),
        version: None,
        key: kp.pk.clone(),
        now: app.now,
        said: Vec::new(),
    };
    fresh.sync(&host).unwrap();
    assert!(files(&fresh.store) == want);
    assert!(fresh.said[0].starts_with("full sync to 2.0.0"));

    // An app that pins another key refuses the channel.
    let other = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let mut wrong = App {
        store: app_dir.path().join("wrong"),
        version: None,
        key: other.pk,
        now: app.now,
        said: Vec::new(),
    };
    let refused = wrong.sync(&host).unwrap_err();
    assert!(refused.contains("signature"), "{refused}");
    assert!(!wrong.store.exists(), "and nothing of it is stored");
}
