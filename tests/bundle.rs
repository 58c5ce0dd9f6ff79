//! `build` as apps rely on it: schemas, checksums, versions, revisions, changelogs,
//! reproducibility, and a failed build that writes nothing.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use sha2::{Digest, Sha256};

use common::{edit, repo_project};

/// The binary with a fixed build time, so bundles are reproducible.
fn healthpress(dir: &Path) -> Command {
    let mut cmd = common::healthpress(dir);
    cmd.env("SOURCE_DATE_EPOCH", "1764000000");
    cmd
}

fn build(dir: &Path) -> assert_cmd::assert::Assert {
    healthpress(dir)
        .args(["build", "--today", "2026-11-25"])
        .assert()
}

fn schema(name: &str) -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(common::repo().join(format!("schema/{name}.schema.json"))).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Validate a bundle against the published schemas and verify every checksum.
pub fn verify_bundle(bundle: &Path) -> serde_json::Value {
    let manifest = read_json(&bundle.join("manifest.json"));
    let errors: Vec<String> = schema("manifest")
        .iter_errors(&manifest)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "manifest fails its schema: {errors:?}");
    let article_schema = schema("published-article");
    let mut refs: Vec<&serde_json::Value> =
        vec![&manifest["files"]["index"], &manifest["files"]["changelog"]];
    for a in manifest["articles"].as_array().unwrap() {
        refs.push(&a["json"]);
        refs.push(&a["html"]);
        let json = read_json(&bundle.join(a["json"]["path"].as_str().unwrap()));
        let errors: Vec<String> = article_schema
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{} fails its schema: {errors:?}",
            a["id"]
        );
        assert_eq!(json["revision"], a["revision"]);
    }
    for r in refs {
        let bytes = std::fs::read(bundle.join(r["path"].as_str().unwrap())).unwrap();
        let sha = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        assert_eq!(
            r["sha256"].as_str().unwrap(),
            sha,
            "checksum of {}",
            r["path"]
        );
        assert_eq!(r["bytes"].as_u64().unwrap(), bytes.len() as u64);
    }
    manifest
}

fn dir_digest(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// What an editor does when an article goes: drop it from every `related` list, turn
/// links to it into plain text, and sign off the articles that changed.
fn unlink(root: &Path, id: &str) {
    let dir = root.join("content/pregnancy");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.push(root.join("content/musculoskeletal/lower-back-pain-in-adults.md"));
    for f in files {
        let Ok(t) = std::fs::read_to_string(&f) else {
            continue;
        };
        let link = regex::Regex::new(&format!(r"\[([^\]]*)\]\(article:{id}\)")).unwrap();
        let cleaned = link
            .replace_all(&t, "$1")
            .replace(&format!(", {id}"), "")
            .replace(&format!("{id}, "), "")
            .replace(&format!("[{id}]"), "[]");
        if cleaned != t {
            std::fs::write(&f, cleaned).unwrap();
            let rel = f.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            common::sign_off(root, &rel);
        }
    }
}

// The repository's content builds into dist/1.0.0, valid against the schemas, with
// every checksum right, and only published articles in it.
#[test]
fn first_build_is_valid() {
    let p = repo_project();
    build(p.path())
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 1.0.0"));
    let bundle = p.path().join("dist/1.0.0");
    let manifest = verify_bundle(&bundle);
    assert_eq!(manifest["version"], "1.0.0");
    assert_eq!(manifest["generated_at"], "2025-11-24T16:00:00Z");
    let ids: Vec<&str> = manifest["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"upper-back-pain-in-pregnancy"));
    assert!(
        !ids.contains(&"back-care-after-birth"),
        "a draft was published"
    );
    assert!(!bundle.join("articles/back-care-after-birth.json").exists());
    let changelog = read_json(&bundle.join("changelog.json"));
    assert_eq!(changelog["added"].as_array().unwrap().len(), ids.len());
    // Each page carries its disclaimers' text and its callouts, labelled.
    let page =
        std::fs::read_to_string(bundle.join("articles/upper-back-pain-in-pregnancy.html")).unwrap();
    assert!(page.contains("Get help urgently") && page.contains("Talk to a health professional"));
    assert!(page.contains("About this information"));
    assert!(page.contains("\"@type\":\"MedicalWebPage\""));
    let json = read_json(&bundle.join("articles/upper-back-pain-in-pregnancy.json"));
    // Who signed it off and when: in the article JSON (not in its front matter) and on
    // the page right under the title.
    assert_eq!(
        json["sign_off"],
        serde_json::json!({ "by": "Dr Helen Ward", "on": "2026-12-06" })
    );
    assert!(json["front_matter"].get("sign_off").is_none());
    assert!(page.contains(
        "</h1>\n<p class=\"sign-off\">Clinically signed off by Dr Helen Ward on <time datetime=\"2026-12-06\">"
    ));
    assert!(json["sections"].as_array().unwrap().len() >= 3);
    assert!(
        json["disclaimers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == "pregnancy")
    );
    assert!(
        json["callouts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "URGENT")
    );
    assert!(
        json["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["kind"] == "article")
    );
}

// add, change, retire, remove and no-op, in sequence: versions, revisions, changelogs,
// and earlier bundles never touched.
#[test]
fn version_sequence() {
    let p = repo_project();
    let root = p.path();
    build(root).code(0);
    let v1 = dir_digest(&root.join("dist/1.0.0"));

    // No change: nothing written.
    build(root).code(0).stdout(predicate::str::contains(
        "nothing changed since bundle 1.0.0",
    ));
    assert!(!root.join("dist/1.0.1").exists());

    // One article's words change (and are signed off): patch, revision 2.
    let posture = root.join("content/pregnancy/posture-in-pregnancy.md");
    edit(&posture, "Stand tall", "Stand up tall");
    common::sign_off(root, "content/pregnancy/posture-in-pregnancy.md");
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 1.0.1"));
    let m = verify_bundle(&root.join("dist/1.0.1"));
    let posture_entry = m["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "posture-in-pregnancy")
        .unwrap();
    assert_eq!(posture_entry["revision"], 2);
    let log = read_json(&root.join("dist/1.0.1/changelog.json"));
    assert_eq!(log["changed"][0]["id"], "posture-in-pregnancy");
    assert_eq!(log["changed"][0]["old_revision"], 1);
    assert_eq!(log["changed"][0]["new_revision"], 2);
    assert_eq!(log["changed"][0]["what"], serde_json::json!(["body"]));
    assert_eq!(log["changed"].as_array().unwrap().len(), 1);

    // The draft is published: minor.
    let draft = root.join("content/pregnancy/back-care-after-birth.md");
    edit(
        &draft,
        "status: draft",
        "status: published\nlast_reviewed: 2026-11-01\nnext_review: 2028-11-01\nreviewers:\n  - name: Sarah Okafor\n    credentials: RM\n    role: Community midwife",
    );
    common::sign_off(root, "content/pregnancy/back-care-after-birth.md");
    let out = build(root).get_output().clone();
    let text = String::from_utf8_lossy(&out.stdout);
    if !text.contains("wrote bundle 1.1.0") {
        panic!("expected 1.1.0:\n{text}");
    }
    let log = read_json(&root.join("dist/1.1.0/changelog.json"));
    assert_eq!(log["added"][0]["id"], "back-care-after-birth");

    // A disclaimer's text changes: every article that shows it changes.
    let disclaimer = root.join("content/_disclaimers/pregnancy.md");
    let d = std::fs::read_to_string(&disclaimer).unwrap();
    std::fs::write(
        &disclaimer,
        format!("{}\nThis sentence is new.\n", d.trim_end()),
    )
    .unwrap();
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 1.1.1"));
    let log = read_json(&root.join("dist/1.1.1/changelog.json"));
    let changed = log["changed"].as_array().unwrap();
    assert!(changed.len() >= 10);
    assert!(
        changed
            .iter()
            .all(|c| c["what"] == serde_json::json!(["disclaimers"]))
    );
    assert!(
        changed
            .iter()
            .all(|c| c["id"] != "lower-back-pain-in-adults")
    );

    // One article is retired (and the links to it removed, as an editor must):
    // major, listed as retired, its files gone.
    let stress = root.join("content/pregnancy/stress-and-back-pain-in-pregnancy.md");
    edit(&stress, "status: published", "status: retired");
    unlink(root, "stress-and-back-pain-in-pregnancy");
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 2.0.0"));
    let m = verify_bundle(&root.join("dist/2.0.0"));
    assert_eq!(m["retired"][0]["id"], "stress-and-back-pain-in-pregnancy");
    assert_eq!(m["retired"][0]["reason"], "retired");
    assert_eq!(m["retired"][0]["since"], "2.0.0");
    assert!(
        !root
            .join("dist/2.0.0/articles/stress-and-back-pain-in-pregnancy.html")
            .exists()
    );

    // One article's file is deleted: major again, listed as removed; the retired list
    // carries forward.
    std::fs::remove_file(root.join("content/pregnancy/exercise-in-the-third-trimester.md"))
        .unwrap();
    unlink(root, "exercise-in-the-third-trimester");
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 3.0.0"));
    let m = verify_bundle(&root.join("dist/3.0.0"));
    let retired: Vec<(&str, &str)> = m["retired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        retired,
        vec![
            ("exercise-in-the-third-trimester", "removed"),
            ("stress-and-back-pain-in-pregnancy", "retired"),
        ]
    );

    // A retired id cannot come back.
    edit(&stress, "status: retired", "status: published");
    unlink(root, "none");
    build(root)
        .code(1)
        .stderr(predicate::str::contains("cannot be used again"));
    edit(&stress, "status: published", "status: retired");

    // --bundle-version must be greater than the last.
    healthpress(root)
        .args([
            "build",
            "--today",
            "2026-11-25",
            "--bundle-version",
            "1.5.0",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not greater than the last bundle"));

    // The first bundle is exactly as it was.
    assert_eq!(dir_digest(&root.join("dist/1.0.0")), v1);
}

// After a bundle of an older format, every article is written anew under a major
// version, marked `format` in the changelog rather than as a body change (an older
// format's body hash says nothing), while a front-matter change still shows as one.
#[test]
fn format_change_rewrites_every_article() {
    let p = repo_project();
    let root = p.path();
    build(root).code(0);
    // What a format-1 bundle holds: another format, each article's part hashes in the
    // manifest, and sections that carry their HTML and text.
    let path = root.join("dist/1.0.0/manifest.json");
    let mut m = read_json(&path);
    m["format"] = serde_json::json!(1);
    let published = m["articles"].as_array().unwrap().len();
    for a in m["articles"].as_array_mut().unwrap() {
        a["hashes"] = serde_json::json!({
            "metadata": "1".repeat(64), "body": "2".repeat(64),
            "disclaimers": "3".repeat(64), "html": "4".repeat(64),
        });
        let file = root
            .join("dist/1.0.0")
            .join(a["json"]["path"].as_str().unwrap());
        let mut article = read_json(&file);
        article["format"] = serde_json::json!(1);
        for section in article["sections"].as_array_mut().unwrap() {
            section["html"] = serde_json::json!("<p>The section.</p>");
            section["text"] = serde_json::json!("The section.");
        }
        std::fs::write(&file, serde_json::to_string_pretty(&article).unwrap()).unwrap();
    }
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    edit(
        &root.join("content/pregnancy/posture-in-pregnancy.md"),
        "title: ",
        "title: Good ",
    );
    common::sign_off(root, "content/pregnancy/posture-in-pregnancy.md");
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 2.0.0"));
    let m = verify_bundle(&root.join("dist/2.0.0"));
    assert_eq!(m["format"], 2);
    let log = read_json(&root.join("dist/2.0.0/changelog.json"));
    let changed = log["changed"].as_array().unwrap();
    assert_eq!(changed.len(), published);
    for c in changed {
        let want = if c["id"] == "posture-in-pregnancy" {
            serde_json::json!(["metadata", "format"])
        } else {
            serde_json::json!(["format"])
        };
        assert_eq!(c["what"], want, "{c}");
        assert_eq!(c["new_revision"], 2, "{c}");
    }
}

// What changed is read from the previous bundle's files: a title is metadata, a
// sentence is body, a template change alone is presentation, and an article whose
// previous JSON cannot be read counts every part as changed.
#[test]
fn changelog_says_what_changed() {
    let p = repo_project();
    let root = p.path();
    build(root).code(0);
    let what = |version: &str| -> Vec<(String, serde_json::Value)> {
        let log = read_json(&root.join(format!("dist/{version}/changelog.json")));
        let mut v: Vec<_> = log["changed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].as_str().unwrap().to_string(), c["what"].clone()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };

    edit(
        &root.join("content/pregnancy/posture-in-pregnancy.md"),
        "title: ",
        "title: Good ",
    );
    edit(
        &root.join("content/pregnancy/upper-back-pain-in-pregnancy.md"),
        "Small changes",
        "Small, simple changes",
    );
    common::sign_off(root, "content/pregnancy/posture-in-pregnancy.md");
    common::sign_off(root, "content/pregnancy/upper-back-pain-in-pregnancy.md");
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 1.0.1"));
    verify_bundle(&root.join("dist/1.0.1"));
    assert_eq!(
        what("1.0.1"),
        [
            (
                "posture-in-pregnancy".into(),
                serde_json::json!(["metadata"])
            ),
            (
                "upper-back-pain-in-pregnancy".into(),
                serde_json::json!(["body"])
            ),
        ]
    );

    // A team's page template: every page changes, nothing else.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let template = std::fs::read_to_string(common::repo().join("templates/article.html"))
        .unwrap()
        .replace("<main id=\"main\">", "<main id=\"main\" class=\"team\">");
    std::fs::write(root.join("templates/article.html"), template).unwrap();
    let config = root.join("healthpress.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}\n[bundle]\ntemplates = \"templates\"\n"),
    )
    .unwrap();
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 1.0.2"));
    let m = verify_bundle(&root.join("dist/1.0.2"));
    let all = what("1.0.2");
    assert_eq!(all.len(), m["articles"].as_array().unwrap().len());
    assert!(
        all.iter()
            .all(|(_, w)| *w == serde_json::json!(["presentation"])),
        "{all:?}"
    );

    // The previous JSON of an article that changes is gone: every part counts.
    std::fs::remove_file(root.join("dist/1.0.2/articles/posture-in-pregnancy.json")).unwrap();
    edit(
        &root.join("content/pregnancy/posture-in-pregnancy.md"),
        "title: Good ",
        "title: ",
    );
    common::sign_off(root, "content/pregnancy/posture-in-pregnancy.md");
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 1.0.3"));
    assert_eq!(
        what("1.0.3"),
        [(
            "posture-in-pregnancy".into(),
            serde_json::json!(["metadata", "body", "disclaimers"])
        )]
    );
}

// With SOURCE_DATE_EPOCH, two builds are byte-identical, on one thread or many.
#[test]
fn builds_are_reproducible() {
    let p = repo_project();
    let run = |threads: &str, out: &str| {
        healthpress(p.path())
            .env("RAYON_NUM_THREADS", threads)
            .args(["build", "--today", "2026-11-25", "--out", out])
            .assert()
            .code(0);
        dir_digest(&p.path().join(out).join("1.0.0"))
    };
    let one = run("1", "a");
    assert!(!one.is_empty());
    assert_eq!(one, run("4", "b"));
    assert_eq!(one, run("2", "c"));
}

// Content with an error writes nothing at all, and exits 1.
#[test]
fn errors_write_nothing() {
    let p = repo_project();
    edit(
        &p.path().join("content/pregnancy/posture-in-pregnancy.md"),
        "audience: patient",
        "audience: x",
    );
    build(p.path())
        .code(1)
        .stderr(predicate::str::contains("no bundle was written"));
    assert!(!p.path().join("dist").exists());

    // Articles are written into a temporary folder while they are checked: a check
    // that fails leaves the earlier bundle, and nothing else, behind.
    edit(
        &p.path().join("content/pregnancy/posture-in-pregnancy.md"),
        "audience: x",
        "audience: patient",
    );
    build(p.path()).code(0);
    edit(
        &p.path().join("content/pregnancy/posture-in-pregnancy.md"),
        "audience: patient",
        "audience: x",
    );
    build(p.path()).code(1);
    let mut left: Vec<String> = std::fs::read_dir(p.path().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".healthpress.lock", "1.0.0"]);
}

// With duplicate-id turned off, two published articles with one id still never make a
// bundle: their files would overwrite each other.
#[test]
fn one_file_per_id() {
    let p = repo_project();
    edit(
        &p.path().join("healthpress.toml"),
        "[rules]\n",
        "[rules]\nduplicate-id = \"off\"\n",
    );
    let original = p.path().join("content/pregnancy/posture-in-pregnancy.md");
    std::fs::copy(
        &original,
        p.path().join("content/pregnancy/posture-again.md"),
    )
    .unwrap();
    build(p.path()).code(1).stderr(predicate::str::contains(
        "two published articles have the id",
    ));
    assert!(!p.path().join("dist").exists());
}

// Nothing unsafe reaches a page: no script but JSON-LD, a CSP, lang, a skip link.
#[test]
fn pages_are_safe_and_standalone() {
    let p = repo_project();
    build(p.path()).code(0);
    let dir = p.path().join("dist/1.0.0");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.join("articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    pages.push(dir.join("index.html"));
    for page in pages {
        let html = std::fs::read_to_string(&page).unwrap();
        let scripts = html.matches("<script").count();
        let ld = html
            .matches("<script type=\"application/ld+json\">")
            .count();
        assert_eq!(
            scripts,
            ld,
            "{}: a script that is not JSON-LD",
            page.display()
        );
        assert!(html.contains("http-equiv=\"Content-Security-Policy\""));
        assert!(html.contains("<html lang=\"en-GB\">"));
        assert!(html.contains("href=\"#main\""));
        for bad in [
            "javascript:",
            "vbscript:",
            "data:",
            "<link ",
            "src=\"http",
            "@import",
        ] {
            assert!(!html.contains(bad), "{}: {bad}", page.display());
        }
    }
}
