//! `build` as apps rely on it: schemas, checksums, versions, revisions, changelogs,
//! reproducibility, and a failed build that writes nothing.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

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
    // Media files are checked like the others.
    refs.extend(manifest["media"].as_array().into_iter().flatten());
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
            let published = cleaned.contains("\nstatus: published");
            std::fs::write(&f, cleaned).unwrap();
            if published {
                let rel = f.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                common::sign_off(root, &rel);
            }
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
    let v1 = common::tree(&root.join("dist/1.0.0"));

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
    assert_eq!(common::tree(&root.join("dist/1.0.0")), v1);
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
    // Format-1 builds wrote no channel pointer (this one would name the manifest's old
    // checksum, and the build would refuse the folder as tampered with).
    std::fs::remove_file(root.join("dist/latest.json")).unwrap();
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
    // The pages that list the retitled article under "Related information" show its
    // new title: their presentation changed.
    let relating: Vec<(String, serde_json::Value)> = what("1.0.1")
        .into_iter()
        .filter(|(_, w)| *w == serde_json::json!(["presentation"]))
        .collect();
    assert!(!relating.is_empty());
    for (id, _) in &relating {
        let page =
            std::fs::read_to_string(root.join(format!("dist/1.0.1/articles/{id}.html"))).unwrap();
        assert!(
            page.contains("<a href=\"posture-in-pregnancy.html\">Good "),
            "{id}"
        );
    }
    assert_eq!(
        what("1.0.1")
            .into_iter()
            .filter(|(_, w)| *w != serde_json::json!(["presentation"]))
            .collect::<Vec<_>>(),
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
        what("1.0.3")
            .into_iter()
            .filter(|(_, w)| *w != serde_json::json!(["presentation"]))
            .collect::<Vec<_>>(),
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
        common::tree(&p.path().join(out).join("1.0.0"))
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
    assert_eq!(left, [".healthpress.lock", "1.0.0", "latest.json"]);
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

/// The bundle versions in `root/dist`, sorted.
/// The version folders in `dist/` (not the channel's `latest.json` beside them).
fn versions(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root.join("dist"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

// An article the last bundle held never leaves it by accident: whatever the severities,
// a file that is still there but cannot be published (a refused front matter, a status
// typo, unreadable YAML or bytes, an id changed in place) fails the build with an error
// at its line, and nothing is written.
#[test]
fn no_article_vanishes_by_accident() {
    let p = repo_project();
    let root = p.path();
    build(root).code(0);
    let posture = root.join("content/pregnancy/posture-in-pregnancy.md");
    let config = root.join("healthpress.toml");
    let (text, toml) = (
        std::fs::read(&posture).unwrap(),
        std::fs::read_to_string(&config).unwrap(),
    );
    let rules = |extra: &str| toml.replacen("[rules]", &format!("[rules]\n{extra}"), 1);
    let cases: Vec<(&str, String, Vec<u8>, &str)> = vec![
        (
            "an unknown field with schema as a warning",
            rules("schema = \"warning\""),
            String::from_utf8(text.clone())
                .unwrap()
                .replacen("locale: en-GB", "locale: en-GB\nsumary: x", 1)
                .into_bytes(),
            "posture-in-pregnancy.md:7:9",
        ),
        (
            "status: Published with schema off",
            rules("schema = \"off\""),
            String::from_utf8(text.clone())
                .unwrap()
                .replacen("status: published", "status: Published", 1)
                .into_bytes(),
            "posture-in-pregnancy.md:7:9",
        ),
        (
            "status: publish",
            toml.clone(),
            String::from_utf8(text.clone())
                .unwrap()
                .replacen("status: published", "status: publish", 1)
                .into_bytes(),
            "posture-in-pregnancy.md:7:9",
        ),
        (
            "YAML that does not parse, with front-matter off",
            rules("front-matter = \"off\"\nschema = \"off\""),
            String::from_utf8(text.clone())
                .unwrap()
                .replacen("title: ", "title: [unclosed ", 1)
                .into_bytes(),
            "posture-in-pregnancy.md:1:",
        ),
        (
            "bytes that are not UTF-8",
            toml.clone(),
            [&text[..], b"\n\xff\xfe\n"].concat(),
            "posture-in-pregnancy.md:1:",
        ),
        (
            "the id changed in place, in a draft (links to it not checked)",
            rules("broken-link = \"off\""),
            String::from_utf8(text.clone())
                .unwrap()
                .replacen("id: posture-in-pregnancy", "id: posture-in-pregnancy-2", 1)
                .replacen("status: published", "status: draft", 1)
                .into_bytes(),
            "posture-in-pregnancy.md:2:5",
        ),
        (
            "the id changed in place",
            toml.clone(),
            String::from_utf8(text.clone())
                .unwrap()
                .replacen("id: posture-in-pregnancy", "id: posture-in-pregnancy-2", 1)
                .into_bytes(),
            "posture-in-pregnancy.md:2:5",
        ),
    ];
    for (what, config_text, article, at) in cases {
        std::fs::write(&config, &config_text).unwrap();
        std::fs::write(&posture, &article).unwrap();
        let out = build(root).code(1).get_output().clone();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("error[vanishing-article]") && stdout.contains(at),
            "{what}: no error at {at}:\n{stdout}"
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("no bundle was written"),
            "{what}"
        );
        assert_eq!(versions(root), ["1.0.0"], "{what}");
    }
    // Put back, nothing changed.
    std::fs::write(&config, &toml).unwrap();
    std::fs::write(&posture, &text).unwrap();
    build(root).code(0).stdout(predicate::str::contains(
        "nothing changed since bundle 1.0.0",
    ));

    // An article's file is gone while another file's id cannot be read (and its
    // front-matter findings are off): that file may be the article, so the build
    // cannot call it removed.
    const GONE: &str = "exercise-in-the-third-trimester";
    std::fs::remove_file(root.join(format!("content/pregnancy/{GONE}.md"))).unwrap();
    unlink(root, GONE);
    std::fs::write(&config, rules("front-matter = \"off\"")).unwrap();
    let odd = root.join("content/pregnancy/renamed.md");
    std::fs::write(
        &odd,
        "---\nid: [oops\nstatus: published\n---\n# Title\n\nText.\n",
    )
    .unwrap();
    build(root).code(1).stdout(predicate::str::contains(format!(
        "error[vanishing-article]: this file's id cannot be read, and bundle 1.0.0 held \
         articles that are no longer in the library (`{GONE}`)"
    )));
    assert_eq!(versions(root), ["1.0.0"]);
    std::fs::remove_file(&odd).unwrap();
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 2.0.0"));
}

// A new article whose file says `published` but whose front matter the schema refuses
// (as a warning) is not left out silently either.
#[test]
fn a_published_article_refused_as_a_warning_fails_the_build() {
    let p = repo_project();
    let root = p.path();
    let config = root.join("healthpress.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        toml.replacen("[rules]", "[rules]\nschema = \"warning\"", 1),
    )
    .unwrap();
    edit(
        &root.join("content/pregnancy/posture-in-pregnancy.md"),
        "locale: en-GB",
        "locale: en-GB\nsumary: x",
    );
    build(root).code(1).stdout(predicate::str::contains(
        "article `posture-in-pregnancy` is published, but its front matter cannot be published",
    ));
    assert!(!root.join("dist/1.0.0").exists());
}

// Withdrawn (back to review), an article leaves the bundle as `withdrawn`, which apps
// tell apart from `retired`, and stays listed; when it returns its revision goes on
// from the last one apps had. Moving its file to another folder changes nothing. A
// removed file that is restored comes back the same way.
#[test]
fn withdrawal_and_return() {
    let p = repo_project();
    let root = p.path();
    build(root).code(0);
    const ID: &str = "stress-and-back-pain-in-pregnancy";
    let file = root.join(format!("content/pregnancy/{ID}.md"));
    let entry = |m: &serde_json::Value, list: &str| {
        m[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == ID)
            .cloned()
    };

    // Withdrawn for a re-review (links to it removed, as the build requires): major.
    edit(&file, "status: published", "status: review");
    unlink(root, ID);
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 2.0.0"));
    let m = verify_bundle(&root.join("dist/2.0.0"));
    assert!(entry(&m, "articles").is_none());
    let gone = entry(&m, "retired").unwrap();
    assert_eq!(gone["reason"], "withdrawn");
    assert_eq!(gone["revision"], 1);
    let log = read_json(&root.join("dist/2.0.0/changelog.json"));
    assert_eq!(log["retired"][0]["reason"], "withdrawn");

    // Edited while withdrawn, in another folder: still listed as withdrawn.
    edit(&file, "## ", "## Why ");
    let moved = root.join(format!("content/musculoskeletal/{ID}.md"));
    std::fs::rename(&file, &moved).unwrap();
    build(root).code(0).stdout(predicate::str::contains(
        "nothing changed since bundle 2.0.0",
    ));

    // Back: minor, revision 2, no longer listed as gone.
    edit(&moved, "status: review", "status: published");
    healthpress(root)
        .args([
            "sign-off",
            "--reviewer",
            "Sarah Okafor",
            &format!("content/musculoskeletal/{ID}.md"),
        ])
        .assert()
        .code(0);
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 2.1.0"));
    let m = verify_bundle(&root.join("dist/2.1.0"));
    assert_eq!(entry(&m, "articles").unwrap()["revision"], 2);
    assert!(entry(&m, "retired").is_none());
    let log = read_json(&root.join("dist/2.1.0/changelog.json"));
    assert_eq!(log["added"][0]["id"], ID);
    assert_eq!(log["added"][0]["revision"], 2);

    // Withdrawn, then retired: the entry says retired from then on, and the id is burned.
    edit(&moved, "status: published", "status: draft");
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 3.0.0"));
    edit(&moved, "status: draft", "status: retired");
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 4.0.0"));
    let m = verify_bundle(&root.join("dist/4.0.0"));
    let gone = entry(&m, "retired").unwrap();
    assert_eq!(
        (&gone["reason"], &gone["revision"]),
        (&serde_json::json!("retired"), &serde_json::json!(2))
    );
    edit(&moved, "status: retired", "status: published");
    let out = build(root).get_output().clone();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot be used again"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    edit(&moved, "status: published", "status: retired");

    // A file removed and restored comes back with its revision going on.
    let posture = root.join("content/pregnancy/posture-in-pregnancy.md");
    let text = std::fs::read_to_string(&posture).unwrap();
    std::fs::remove_file(&posture).unwrap();
    unlink(root, "posture-in-pregnancy");
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 5.0.0"));
    let m = verify_bundle(&root.join("dist/5.0.0"));
    let removed = m["retired"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "posture-in-pregnancy")
        .unwrap()
        .clone();
    assert_eq!(removed["reason"], "removed");
    std::fs::write(&posture, text.replace("Stand tall", "Stand up tall")).unwrap();
    healthpress(root)
        .args([
            "sign-off",
            "--reviewer",
            "Sarah Okafor",
            "content/pregnancy/posture-in-pregnancy.md",
        ])
        .assert()
        .code(0);
    build(root)
        .code(0)
        .stdout(predicate::str::contains("wrote bundle 5.1.0"));
    let m = verify_bundle(&root.join("dist/5.1.0"));
    let back = m["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "posture-in-pregnancy")
        .unwrap();
    assert_eq!(back["revision"], removed["revision"].as_u64().unwrap() + 1);
}

// Findings in a draft (the scaffold `new` writes, placeholders and all) are shown but
// do not stop the bundle; `check` still fails on them. A published article that links
// to the draft does stop it.
#[test]
fn drafts_never_block_publishing() {
    let p = repo_project();
    let root = p.path();
    healthpress(root)
        .args([
            "new",
            "back-pain-at-work",
            "--topic",
            "musculoskeletal",
            "--audience",
            "patient",
        ])
        .assert()
        .code(0);
    healthpress(root)
        .args(["check", "--today", "2026-11-25"])
        .assert()
        .code(1);
    build(root)
        .code(0)
        .stdout(predicate::str::contains("error[placeholder-text]"))
        .stdout(predicate::str::contains("not blocking"))
        .stdout(predicate::str::contains("wrote bundle 1.0.0"));
    let m = verify_bundle(&root.join("dist/1.0.0"));
    assert!(
        !m["articles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == "back-pain-at-work")
    );
    // A published article that links to the draft would carry a broken link.
    edit(
        &root.join("content/pregnancy/posture-in-pregnancy.md"),
        "Stand tall",
        "Stand tall ([at work](article:back-pain-at-work))",
    );
    // (sign-off refuses it: it has an error.)
    build(root).code(1).stdout(predicate::str::contains(
        "`back-pain-at-work` is not published",
    ));
    assert_eq!(versions(root), ["1.0.0"]);
}

// Media reach the bundle: each file once, named by its hash, listed in the manifest
// with its type and (for images) size; the article JSON and the page point at it; the
// page shows the image with its alt text and size and the video with controls, its
// caption under it and its transcript; the policy allows the bundle's own media.
#[test]
fn media_are_copied_listed_and_shown() {
    let p = common::hostile_project();
    let root = p.path();
    // A second article showing the same image: one file in the bundle.
    let other = root.join("content/pregnancy/posture-in-pregnancy.md");
    let text = std::fs::read_to_string(&other).unwrap();
    assert!(text.contains("media: []"));
    std::fs::write(
        &other,
        text.replace(
            "media: []",
            "media:\n  - id: pelvis\n    kind: image\n    src: media/pelvis.png\n    alt: The pelvis",
        ),
    )
    .unwrap();
    healthpress(root)
        .args([
            "sign-off",
            "--reviewer",
            "Sarah Okafor",
            "content/pregnancy/posture-in-pregnancy.md",
        ])
        .assert()
        .code(0);
    build(root).code(0);
    let bundle = root.join("dist/1.0.0");
    let m = verify_bundle(&bundle);
    let media = m["media"].as_array().unwrap();
    assert_eq!(media.len(), 2, "{media:?}");
    let png = std::fs::read(root.join("content/pregnancy/media/pelvis.png")).unwrap();
    let sha = Sha256::digest(&png)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let image = media
        .iter()
        .find(|f| f["media_type"] == "image/png")
        .unwrap();
    assert_eq!(image["path"], format!("media/{sha}.png"));
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(480), Some(320))
    );
    let video = media
        .iter()
        .find(|f| f["media_type"] == "video/mp4")
        .unwrap();
    assert!(video.get("width").is_none());
    assert_eq!(std::fs::read_dir(bundle.join("media")).unwrap().count(), 2);

    let json = read_json(&bundle.join("articles/odd-headings-in-pregnancy.json"));
    let listed: Vec<&str> = json["media"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["href"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        [
            format!("../{}", image["path"].as_str().unwrap()),
            format!("../{}", video["path"].as_str().unwrap())
        ]
    );
    let page =
        std::fs::read_to_string(bundle.join("articles/odd-headings-in-pregnancy.html")).unwrap();
    assert!(page.contains(&format!(
        "<img src=\"../media/{sha}.png\" alt=\"A drawing of the pelvis from the front, with the joints at the back and the front marked \" width=\"480\" height=\"320\">"
    )));
    let v = page.find("<video controls").expect("a video element");
    let caption = page[v..].find("<figcaption>The cat-cow stretch, done slowly</figcaption>");
    let transcript = page[v..].find("<p>Breathe in and let your tummy drop a little.");
    assert!(caption.is_some() && transcript.is_some() && caption < transcript);
    assert!(!page.contains("data-healthpress-media"));
    assert!(page.contains("img-src 'self'; media-src 'self';"));
    assert!(!page.contains("frame-ancestors"));
    assert!(json["html"].as_str().unwrap().contains("<video controls"));
    let posture = read_json(&bundle.join("articles/posture-in-pregnancy.json"));
    assert_eq!(posture["media"][0]["href"], listed[0]);
}

// The pages give patients what they look for: review dates and reviewers near the
// title, related articles by title, each article under every one of its topics in the
// index, "About this information" once, unique ids that are not the page's own, and
// no control characters.
#[test]
fn pages_show_what_patients_look_for() {
    let p = common::hostile_project();
    let root = p.path();
    build(root).code(0);
    let bundle = root.join("dist/1.0.0");
    let page =
        std::fs::read_to_string(bundle.join("articles/odd-headings-in-pregnancy.html")).unwrap();
    let at = |s: &str| {
        page.find(s)
            .unwrap_or_else(|| panic!("{s} is not on the page"))
    };
    assert!(
        at("<h1>") < at("Last reviewed:") && at("Last reviewed:") < at("Reviewed by Dr Helen Ward")
    );
    assert!(at("Reviewed by Dr Helen Ward") < at("Back pain is common in pregnancy."));
    assert!(page.contains("<a href=\"posture-in-pregnancy.html\">Posture in pregnancy</a>"));
    assert_eq!(page.matches("About this information").count(), 1);
    let mut ids: Vec<&str> = page
        .split(" id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate ids: {ids:?}");
    for own in [
        "main",
        "sources",
        "review",
        "about-this-information",
        "related-articles",
    ] {
        assert!(ids.contains(&own), "{own}");
    }
    for heading in [
        "section-main",
        "section-sources",
        "section-footnotes",
        "section-top",
        "why-2-2",
    ] {
        assert!(ids.contains(&heading), "{heading}");
    }
    assert!(
        !page
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')),
        "a control character reached the page"
    );
    let list = &page[at("<section class=\"footnotes\"")..];
    let ol = &list[list.find("<ol>").unwrap()..list.find("</ol>").unwrap()];
    assert!(!ol.contains("<section") && ol.contains("<li id=\"fn-note\">"));

    let index = std::fs::read_to_string(bundle.join("index.html")).unwrap();
    let m = read_json(&bundle.join("manifest.json"));
    let mut entries = 0;
    for a in m["articles"].as_array().unwrap() {
        let href = format!(
            "<a href=\"articles&#x2f;{}.html\">",
            a["id"].as_str().unwrap()
        );
        assert_eq!(
            index.matches(&href).count(),
            a["topics"].as_array().unwrap().len(),
            "{}",
            a["id"]
        );
        entries += a["topics"].as_array().unwrap().len();
    }
    assert_eq!(index.matches("<li><a href=").count(), entries);
}
