//! Every input gets an answer: bad files give a diagnostic at the right file (and
//! line), the run goes on to the other files, the exit status is 1 or 2, never a panic
//! or a hang. Nothing unsafe reaches a page; nothing is lost when a build fails.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use proptest::prelude::*;

use common::repo_project;

fn healthpress(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("healthpress").unwrap();
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(60));
    cmd
}

/// Check the project; return the JSON report and the exit code. Panics and timeouts fail.
fn check_json(dir: &Path) -> (serde_json::Value, i32) {
    let out = healthpress(dir)
        .args(["check", "--today", "2026-11-25", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let code = out.status.code().expect("exited, not killed");
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    (serde_json::from_slice(&out.stdout).unwrap(), code)
}

fn findings<'a>(report: &'a serde_json::Value, file: &str) -> Vec<(&'a str, u64, &'a str)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == file)
        .map(|d| {
            (
                d["rule"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap(),
            )
        })
        .collect()
}

const GOOD: &str = "content/pregnancy/posture-in-pregnancy.md";

/// Put `bytes` at content/pregnancy/NAME, break one good article too, check, and
/// return the findings for NAME. The other file's error must still be reported.
fn bad_file(name: &str, bytes: &[u8]) -> Vec<(String, u64, String)> {
    let p = repo_project();
    std::fs::write(p.path().join("content/pregnancy").join(name), bytes).unwrap();
    let good = p.path().join(GOOD);
    let t = std::fs::read_to_string(&good).unwrap();
    std::fs::write(&good, t.replacen("audience: patient", "audience: x", 1)).unwrap();
    let (report, code) = check_json(p.path());
    assert_eq!(code, 1);
    assert!(
        findings(&report, GOOD)
            .iter()
            .any(|(r, l, _)| *r == "schema" && *l == 5),
        "one bad file hid another's problems"
    );
    findings(&report, &format!("content/pregnancy/{name}"))
        .into_iter()
        .map(|(r, l, m)| (r.to_string(), l, m.to_string()))
        .collect()
}

fn has(found: &[(String, u64, String)], rule: &str, line: u64, words: &str) -> bool {
    found
        .iter()
        .any(|(r, l, m)| r == rule && *l == line && m.contains(words))
}

// Invalid UTF-8: unreadable-file at the line of the first bad byte.
#[test]
fn invalid_utf8() {
    let found = bad_file("latin1.md", b"---\nid: a\n---\ncaf\xe9\n");
    assert!(
        has(&found, "unreadable-file", 4, "not valid UTF-8"),
        "{found:?}"
    );
}

// A binary file named .md, and an empty one.
#[test]
fn binary_and_empty() {
    let found = bad_file("image.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    assert!(has(&found, "unreadable-file", 1, "binary"), "{found:?}");
    let found = bad_file("empty.md", b"");
    assert!(
        has(
            &found,
            "front-matter",
            1,
            "does not start with front matter"
        ),
        "{found:?}"
    );
}

// A file over the size limit is refused without being read whole.
#[test]
fn over_the_size_limit() {
    let p = repo_project();
    let cfg = p.path().join("healthpress.toml");
    let t = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        t.replace("max_file_bytes = 4194304", "max_file_bytes = 20000"),
    )
    .unwrap();
    let big = format!("---\nid: big\n---\n{}", "word ".repeat(10_000));
    std::fs::write(p.path().join("content/pregnancy/big.md"), big).unwrap();
    let (report, code) = check_json(p.path());
    assert_eq!(code, 1);
    let found = findings(&report, "content/pregnancy/big.md");
    assert_eq!(found.len(), 1);
    assert!(
        found[0].2.contains("over the limit of 20000 bytes"),
        "{found:?}"
    );
}

// YAML alias bombs, deep nesting (flow and block) and duplicate keys.
#[test]
fn hostile_yaml() {
    let mut bomb = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    bomb.push_str("---\n");
    let found = bad_file("bomb.md", bomb.as_bytes());
    assert!(
        found.iter().any(|(r, _, _)| r == "front-matter"),
        "{found:?}"
    );

    let flow = format!(
        "---\nid: x\ntopics: {}{}\n---\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let found = bad_file("flow.md", flow.as_bytes());
    assert!(has(&found, "front-matter", 3, ""), "{found:?}");

    let block: String = (1..=1_000)
        .map(|i| format!("{}- \n", " ".repeat(i)))
        .collect();
    let found = bad_file(
        "block.md",
        format!("---\nid: x\ntopics:\n{block}---\n").as_bytes(),
    );
    assert!(
        found
            .iter()
            .any(|(r, _, m)| r == "front-matter" && m.contains("nested")),
        "{found:?}"
    );

    let found = bad_file("dup.md", b"---\nid: a\ntitle: One\ntitle: Two\n---\n");
    assert!(
        has(&found, "front-matter", 4, "key `title` twice"),
        "{found:?}"
    );
}

// Markdown nested tens of thousands deep, and very long lines: an answer, in time.
#[test]
fn hostile_markdown() {
    let head = "---\nid: deep\ntitle: Deep\nsummary: S.\naudience: professional\ntopics: [sleep]\nstatus: draft\n---\n";
    for body in [
        format!("{}text\n", "> ".repeat(20_000)),
        (0..20_000)
            .map(|i| format!("{}- item\n", "  ".repeat(i % 100)))
            .collect::<String>(),
        format!("{}x{}\n", "[".repeat(50_000), "](a)".repeat(50_000)),
        format!("{}x{}\n", "*".repeat(50_000), "*".repeat(50_000)),
        format!("{}\n", "word ".repeat(400_000)),
    ] {
        let start = Instant::now();
        let found = bad_file("deep.md", format!("{head}{body}").as_bytes());
        assert!(start.elapsed() < Duration::from_secs(60));
        // Nesting past the limit is reported; the long line is simply checked.
        let deep = !(body.starts_with('[') || body.starts_with("word"));
        assert_eq!(
            found.iter().any(|(r, _, _)| r == "nesting-too-deep"),
            deep,
            "{found:?}"
        );
    }
}

// Symbolic links are never followed: a loop does not hang, a link out of the content
// folder is not read; each is reported at its file.
#[test]
#[cfg(unix)]
fn symlinks_are_not_followed() {
    let p = repo_project();
    let dir = p.path().join("content/pregnancy");
    std::os::unix::fs::symlink("/etc/hostname", dir.join("outside.md")).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    std::os::unix::fs::symlink("loop2.md", dir.join("loop1.md")).unwrap();
    std::os::unix::fs::symlink("loop1.md", dir.join("loop2.md")).unwrap();
    let (report, code) = check_json(p.path());
    assert_eq!(code, 1);
    for f in ["outside.md", "loop1.md", "loop2.md"] {
        let found = findings(&report, &format!("content/pregnancy/{f}"));
        assert!(
            found
                .iter()
                .any(|(r, _, m)| *r == "unreadable-file" && m.contains("symbolic link")),
            "{f}: {found:?}"
        );
    }
    let read_outside = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["file"].as_str().unwrap().contains("loop/"));
    assert!(!read_outside, "followed a directory link");
}

// A file that cannot be read (here a folder named like an article) and a file name
// that is not UTF-8 both get an answer; the rest of the corpus is still checked.
#[test]
#[cfg(unix)]
fn unreadable_and_strange_names() {
    use std::os::unix::ffi::OsStrExt;
    let p = repo_project();
    let dir = p.path().join("content/pregnancy");
    let text = std::fs::read(dir.join("posture-in-pregnancy.md")).unwrap();
    let odd = dir.join(std::ffi::OsStr::from_bytes(b"caf\xe9.md"));
    std::fs::write(&odd, text.clone()).unwrap();
    let (report, _) = check_json(p.path());
    // Same id twice: the odd-named file is read and checked like any other.
    let dup = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["rule"] == "duplicate-id" && d["file"].as_str().unwrap().contains("caf"));
    assert!(dup, "{report:#}");
}

// A file deleted between discovery and reading is reported, not a crash.
#[test]
fn file_deleted_during_the_run() {
    let p = repo_project();
    let config = healthpress::config::Config::load(&p.path().join("healthpress.toml")).unwrap();
    let loader = healthpress::content::Loader::new(&config);
    let files = loader.discover().unwrap();
    let (gone, _) = files
        .iter()
        .find(|(f, _)| f.ends_with("posture-in-pregnancy.md"))
        .unwrap()
        .clone();
    std::fs::remove_file(&gone).unwrap();
    let corpus = loader.load(files, None);
    let a = corpus
        .articles
        .iter()
        .find(|a| a.name().ends_with("posture-in-pregnancy.md"))
        .unwrap();
    assert!(matches!(
        a.unreadable,
        Some(healthpress::content::Unreadable::Io(_))
    ));
}

// A content folder that does not exist, or holds no article, cannot run: exit 2.
#[test]
fn missing_or_empty_content_folder() {
    let p = repo_project();
    std::fs::remove_dir_all(p.path().join("content/pregnancy")).unwrap();
    std::fs::remove_dir_all(p.path().join("content/musculoskeletal")).unwrap();
    healthpress(p.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no articles"));
    std::fs::remove_dir_all(p.path().join("content")).unwrap();
    healthpress(p.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
}

// A million-item list: answered, with at most 100 findings per rule and a count of the rest.
#[test]
fn a_million_item_list() {
    let p = repo_project();
    let cfg = p.path().join("healthpress.toml");
    let t = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        t.replace("max_file_bytes = 4194304", "max_file_bytes = 67108864"),
    )
    .unwrap();
    let mut text = String::from(
        "---\nid: huge\ntitle: Huge\nsummary: S.\naudience: professional\nstatus: draft\ntopics:\n",
    );
    for _ in 0..1_000_000 {
        text.push_str("  - nope\n");
    }
    text.push_str("---\n# Huge\n\nText.\n");
    std::fs::write(p.path().join("content/pregnancy/huge.md"), text).unwrap();
    let (report, code) = check_json(p.path());
    assert_eq!(code, 1);
    let found = findings(&report, "content/pregnancy/huge.md");
    let topics = found
        .iter()
        .filter(|(r, _, _)| *r == "unknown-topic")
        .count();
    assert_eq!(topics, 101, "100 findings and one count");
    assert!(
        found
            .iter()
            .any(|(_, _, m)| m.contains("999900 more `unknown-topic` findings")),
        "{found:?}"
    );
}

// Nothing unsafe reaches a page: raw HTML, script URLs and event handlers are dropped
// even from a preview of a draft that fails its checks.
#[test]
fn nothing_unsafe_is_rendered() {
    let p = repo_project();
    let body = "# Title\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n\
                [a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](vbscript:x) [d](data:text/html,<b>x</b>) \
                [e]( java\tscript:alert(1)) ![f](data:image/png;base64,AAAA) <a href=\"javascript:x\">g</a>\n";
    let file = p.path().join("content/pregnancy/xss.md");
    std::fs::write(&file, format!("---\nid: xss\ntitle: \"</script><script>alert(1)</script>\"\nsummary: \"<b>bold</b>\"\naudience: patient\ntopics: [pregnancy]\nstatus: draft\n---\n{body}")).unwrap();
    let (report, _) = check_json(p.path());
    let rules: Vec<&str> = findings(&report, "content/pregnancy/xss.md")
        .iter()
        .map(|f| f.0)
        .collect();
    assert!(
        rules.contains(&"raw-html") && rules.contains(&"unsafe-link"),
        "{rules:?}"
    );
    let out = healthpress(p.path())
        .args(["preview", "content/pregnancy/xss.md"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    let lower = page.to_lowercase();
    assert_eq!(
        lower.matches("<script").count(),
        1,
        "only the JSON-LD element"
    );
    assert!(
        !lower.contains("</script><script"),
        "the title broke out of JSON-LD"
    );
    for bad in [
        "javascript:",
        "vbscript:",
        "data:",
        "onerror",
        "alert(1)</script>",
        "<img src=x",
        "<b>bold",
    ] {
        assert!(!lower.contains(bad), "{bad} reached the page");
    }
}

// Paths come only from validated ids: an id that tries to leave the folder fails the
// schema, so the build writes nothing at all.
#[test]
fn ids_cannot_escape_the_bundle() {
    let p = repo_project();
    let f = p.path().join(GOOD);
    let t = std::fs::read_to_string(&f).unwrap();
    std::fs::write(
        &f,
        t.replacen("id: posture-in-pregnancy", "id: ../../evil", 1),
    )
    .unwrap();
    healthpress(p.path())
        .args(["build", "--today", "2026-11-25"])
        .assert()
        .code(1);
    assert!(!p.path().join("dist").exists());
    assert!(!p.path().join("evil.html").exists());
}

// A build killed part-way leaves only a temporary folder, which the next build removes;
// earlier versions are untouched. A second build while one holds the lock is refused.
#[test]
fn nothing_is_lost() {
    let p = repo_project();
    let root = p.path();
    healthpress(root)
        .env("SOURCE_DATE_EPOCH", "1764000000")
        .args(["build", "--today", "2026-11-25"])
        .assert()
        .code(0);
    let v1 = std::fs::read(root.join("dist/1.0.0/manifest.json")).unwrap();
    // What a kill leaves: a half-written temporary folder (the rename never happened).
    std::fs::create_dir_all(root.join("dist/.tmp-1.0.1-12345/articles")).unwrap();
    std::fs::write(root.join("dist/.tmp-1.0.1-12345/articles/half.json"), "{").unwrap();
    // A build marks its own temporary folder; only marked ones are removed.
    std::fs::write(root.join("dist/.tmp-1.0.1-12345/.healthpress-build"), "").unwrap();
    // While another build holds the lock, a second one is refused with a clear message.
    let lock = std::fs::File::options()
        .write(true)
        .open(root.join("dist/.healthpress.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let f = root.join(GOOD);
    let t = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, t.replacen("Stand tall", "Stand up tall", 1)).unwrap();
    common::sign_off(root, GOOD);
    healthpress(root)
        .args(["build", "--today", "2026-11-25"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "another healthpress build is writing",
        ));
    drop(lock);
    healthpress(root)
        .args(["build", "--today", "2026-11-25"])
        .assert()
        .code(0);
    assert!(
        !root.join("dist/.tmp-1.0.1-12345").exists(),
        "stale temporary folder kept"
    );
    assert_eq!(
        std::fs::read(root.join("dist/1.0.0/manifest.json")).unwrap(),
        v1
    );
    assert!(root.join("dist/1.0.1/manifest.json").exists());
    // A config error writes nothing.
    std::fs::write(root.join("healthpress.toml"), "this is not toml [").unwrap();
    healthpress(root).args(["build"]).assert().code(2);
    let versions = std::fs::read_dir(root.join("dist")).unwrap().count();
    assert_eq!(
        versions, 4,
        "dist holds 1.0.0, 1.0.1, latest.json and the lock file only"
    );
}

// Every input the fuzzers or this suite ever found troublesome stays a regression
// fixture: each must get an answer, quickly, with every position inside the file.
#[test]
fn fuzz_findings_stay_fixed() {
    let dir = common::fixtures().join("fuzz");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let start = Instant::now();
        let (file, diags) =
            healthpress::check::check_bytes(&config(), "fuzz.md", &bytes, common::today());
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{} took {:?}",
            path.display(),
            start.elapsed()
        );
        positions_are_inside(file.line_count(), &diags);
        n += 1;
    }
    assert!(n >= 3, "the fixtures are missing");
}

fn config() -> healthpress::config::Config {
    healthpress::config::Config::load(&common::repo().join("healthpress.toml")).unwrap()
}

/// Diagnostics must point inside their file.
fn positions_are_inside(text_lines: usize, diags: &[healthpress::diagnostic::Diagnostic]) {
    for d in diags {
        assert!(
            d.span.line >= 1 && d.span.line <= text_lines.max(1),
            "{d:?}"
        );
        assert!(
            d.span.column >= 1 && d.span.end_line >= d.span.line,
            "{d:?}"
        );
    }
}

/// Markdown and YAML pieces, shuffled into articles: the grammar-shaped inputs.
fn article_strategy() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "id",
        "title",
        "summary",
        "audience",
        "topics",
        "status",
        "locale",
        "last_reviewed",
        "next_review",
        "reviewers",
        "sources",
        "disclaimers",
        "related",
        "media",
        "sign_off",
        "sumary",
    ]);
    let value = prop::sample::select(vec![
        "x",
        "\"quoted: value\"",
        "[a, b]",
        "[pregnancy]",
        "patient",
        "published",
        "draft",
        "2026-02-30",
        "2026-10-01",
        "",
        "{a: 1}",
        "&anchor x",
        "*anchor",
        "- a",
        "|\n  block",
        "[",
        "null",
        "12",
        "\"\\u0000\"",
    ]);
    let line = prop::sample::select(vec![
        "# Heading",
        "## Section",
        "",
        "Plain text with (a bracket.",
        "> [!CONSULT]",
        "> Ask your GP.",
        "> [!URGENT]",
        "> [!WEIRD]",
        "- item",
        "1) item",
        "[link](article:nope)",
        "![](media:x)",
        "<b>raw</b>",
        "<!-- healthpress-disable-next-line absolute-claim -->",
        "This is a cure.",
        "See the video above.",
        "TODO",
        "call 911",
        "| a | b |",
        "|---|---|",
        "```",
        "[^1]",
        "[^1]: note",
        "\u{feff}",
        "\r",
        "é ü ✓",
        "***",
        "    code",
    ]);
    (
        prop::collection::vec((key, value), 0..12),
        prop::collection::vec(line, 0..40),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(fields, lines, crlf, close)| {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut s = format!("---{nl}");
            for (k, v) in fields {
                s.push_str(&format!("{k}: {v}{nl}"));
            }
            if close {
                s.push_str(&format!("---{nl}"));
            }
            for l in lines {
                s.push_str(l);
                s.push_str(nl);
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, .. ProptestConfig::default() })]

    // Arbitrary bytes: an answer, never a panic, every position inside the file.
    #[test]
    fn any_bytes_get_an_answer(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let (file, diags) = healthpress::check::check_bytes(&config(), "fuzz.md", &bytes, common::today());
        positions_are_inside(file.line_count(), &diags);
    }

    // Grammar-shaped articles: the same, through every rule and the renderer.
    #[test]
    fn article_shaped_inputs_get_an_answer(text in article_strategy()) {
        let (file, diags) = healthpress::check::check_bytes(&config(), "fuzz.md", text.as_bytes(), common::today());
        positions_are_inside(file.line_count(), &diags);
    }
}
