//! `manifest.json` and the content hash. The manifest is written by serde from the
//! typed `Manifest`, with each article's entry as the JSON serialised in the parallel
//! pass (`entry_json`), so the single-threaded end of a build does not serialise
//! 10,000 entries again; it is written last, since a folder with a manifest is a whole
//! bundle.

use std::path::Path;

use semver::Version;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::RunError;
use crate::publish::Written;
use crate::publish::model::*;
use crate::publish::plan::Plan;
use crate::publish::write::{json_error, write_json};
use crate::signoff::hex;

/// An article's entry in the manifest, from its published form and its two files.
pub(super) fn entry(
    config: &Config,
    a: &PublishedArticle,
    json: FileRef,
    html: FileRef,
) -> ManifestArticle {
    let fm = &a.front_matter;
    ManifestArticle {
        id: a.id.clone(),
        title: fm.title.clone(),
        summary: fm.summary.clone(),
        locale: fm.locale.clone().unwrap_or_else(|| config.locale.clone()),
        audience: fm.audience.as_str().to_string(),
        topics: fm.topics.clone(),
        revision: a.revision,
        last_reviewed: fm.last_reviewed.map(|d| d.to_string()).unwrap_or_default(),
        next_review: fm.next_review.map(|d| d.to_string()).unwrap_or_default(),
        json,
        html,
    }
}

/// The entry as it reads in `manifest.json`.
pub(super) fn entry_json(entry: &ManifestArticle) -> Result<Box<RawValue>, RunError> {
    serde_json::value::to_raw_value(entry).map_err(json_error)
}

/// Write the manifest into the bundle folder `dir`; its sha256 and size. `written`:
/// the articles, by id.
#[allow(clippy::too_many_arguments)]
pub(super) fn write(
    config: &Config,
    dir: &Path,
    plan: &Plan,
    written: &[Written],
    files: BundleFiles,
    content_hash: &str,
    generated_at: &str,
    media: Vec<MediaFile>,
) -> Result<FileRef, RunError> {
    let manifest: Manifest<&RawValue> = Manifest {
        format: FORMAT_VERSION,
        version: plan.version.to_string(),
        previous: plan.previous.as_ref().map(Version::to_string),
        generated_at: generated_at.to_string(),
        content_hash: content_hash.to_string(),
        locale: config.locale.clone(),
        articles: written.iter().map(|w| &*w.manifest_json).collect(),
        retired: plan.retired.clone(),
        files,
        media,
    };
    write_json(dir, "manifest.json", &manifest)
}

/// The content hash as far as the articles and the retired ones: a line for each.
/// `content_hash` adds the index page's.
pub(super) fn articles_hash(written: &[Written], retired: &[RetiredArticle]) -> Sha256 {
    use std::fmt::Write;
    let mut h = Sha256::new();
    let mut line = String::new();
    for w in written {
        let e = &w.entry;
        line.clear();
        let _ = writeln!(
            line,
            "{} {} {} {}",
            e.id, e.revision, e.json.sha256, e.html.sha256
        );
        h.update(&line);
    }
    for r in retired {
        // A withdrawn article's line differs from a retired one's, so that retiring it
        // later changes the hash; retired and removed lines are as they always were.
        let word = match r.reason {
            RetiredReason::Withdrawn => "withdrawn",
            _ => "retired",
        };
        h.update(format!("{word} {} {}\n", r.id, r.revision));
    }
    h
}

/// The manifest's `content_hash`: the articles' and retired ones' lines, then the
/// index page's.
pub(super) fn content_hash(mut articles: Sha256, index: &FileRef) -> String {
    articles.update(format!("index {}\n", index.sha256));
    format!("sha256:{}", hex(&articles.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The manifest written from entries serialised one by one in the parallel pass
    // reads exactly as serde_json writes the typed manifest, with no article, one, or
    // several, with retired articles and a previous version, and strings that need
    // escaping; its size and sha256 are the file's.
    #[test]
    fn entries_serialised_apart_give_the_typed_manifest() {
        let file = |path: &str| FileRef {
            path: path.into(),
            sha256: "ab".repeat(32),
            bytes: 1234,
        };
        let entry = |id: &str| ManifestArticle {
            id: id.into(),
            title: format!("{id}: \"quoted\" \\ and ’curly’ \u{1}"),
            summary: "A summary\nover two lines".into(),
            locale: "en-GB".into(),
            audience: "patient".into(),
            topics: vec!["pregnancy".into(), "exercise".into()],
            revision: 3,
            last_reviewed: "2026-01-02".into(),
            next_review: "2027-01-02".into(),
            json: file(&format!("articles/{id}.json")),
            html: file(&format!("articles/{id}.html")),
        };
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = Config::load(&root.join("healthpress.toml")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        for (n, retired, previous) in [(0, 0, None), (1, 0, None), (3, 2, Some("1.2.3"))] {
            let written: Vec<Written> = (0..n)
                .map(|i| {
                    let entry = entry(&format!("article-{i}"));
                    Written {
                        manifest_json: entry_json(&entry).unwrap(),
                        entry,
                        change: None,
                    }
                })
                .collect();
            let version = Version::new(2, 0, 0);
            let plan = Plan {
                changelog: Changelog {
                    format: FORMAT_VERSION,
                    version: version.to_string(),
                    previous: None,
                    added: Vec::new(),
                    changed: Vec::new(),
                    retired: Vec::new(),
                },
                previous: previous.map(|v| Version::parse(v).unwrap()),
                retired: (0..retired)
                    .map(|i| RetiredArticle {
                        id: format!("gone-{i}"),
                        reason: RetiredReason::Removed,
                        revision: 2,
                        since: "1.0.0".into(),
                    })
                    .collect(),
                version,
            };
            let files = BundleFiles {
                index: file("index.html"),
                changelog: file("changelog.json"),
                deltas: Vec::new(),
            };
            let content_hash = format!("sha256:{}", "c".repeat(64));
            let at = "2026-11-25T00:00:00Z";
            let r = write(
                &config,
                dir.path(),
                &plan,
                &written,
                files.clone(),
                &content_hash,
                at,
                Vec::new(),
            )
            .unwrap();
            let typed = Manifest {
                format: FORMAT_VERSION,
                version: plan.version.to_string(),
                previous: previous.map(String::from),
                generated_at: at.into(),
                content_hash,
                locale: config.locale.clone(),
                articles: written.into_iter().map(|w| w.entry).collect(),
                retired: plan.retired,
                files,
                media: Vec::new(),
            };
            let mut expected = serde_json::to_string(&typed).unwrap();
            expected.push('\n');
            let text = std::fs::read_to_string(dir.path().join(&r.path)).unwrap();
            assert_eq!(text, expected, "{n} articles");
            assert_eq!(r.bytes, text.len() as u64);
            assert_eq!(r.sha256, crate::publish::write::sha256(text.as_bytes()));
        }
    }
}
