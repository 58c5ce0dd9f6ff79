//! The channel around the version folders: `latest.json`, the pointer to the newest
//! bundle, and each bundle's deltas, `delta/<from>.json`, which let an app that is one
//! or more versions behind sync from small signed documents instead of the whole
//! manifest.
//!
//! A delta from an older version is the previous bundle's delta from it, composed with
//! this build's changes: the ids either one touches are put (with their entry as it now
//! stands) or deleted. So deltas reach back `MAX_DELTAS` versions without reading more
//! than the previous bundle's own deltas.

use std::collections::BTreeSet;
use std::path::Path;

use semver::Version;

use crate::error::RunError;
use crate::publish::model::*;
use crate::publish::sign::Signer;
use crate::publish::{io, sha256, write_json};

/// How many versions back a bundle carries deltas from.
pub const MAX_DELTAS: usize = 10;

/// A delta with more articles than this and than a quarter of the library is not
/// written: the manifest serves as well.
pub const MIN_LARGE_DELTA: usize = 64;

/// The pointer's file name in the channel folder.
pub const LATEST: &str = "latest.json";

/// What the build knows of the previous bundle's deltas: for each version it had a
/// delta from, the ids that delta touched.
pub struct PreviousDeltas {
    pub version: Version,
    pub from: Vec<(String, BTreeSet<String>)>,
}

/// The deltas listed in the previous bundle's manifest, each read and checked against
/// its listed sha256; one that cannot be read or does not match is left out (apps
/// that held that version then make a full sync).
pub fn read_previous_deltas(dir: &Path, version: &Version, listed: &[FileRef]) -> PreviousDeltas {
    let mut from = Vec::new();
    for r in listed {
        let Ok(bytes) = crate::publish::read_plain(&dir.join(&r.path)) else {
            continue;
        };
        if sha256(&bytes) != r.sha256 {
            continue;
        }
        let Ok(d) = serde_json::from_slice::<Delta>(&bytes) else {
            continue;
        };
        if d.version != version.to_string() {
            continue;
        }
        let ids = d
            .put
            .iter()
            .map(|a| a.id.clone())
            .chain(d.delete.iter().map(|r| r.id.clone()))
            .collect();
        from.push((d.from, ids));
    }
    PreviousDeltas {
        version: version.clone(),
        from,
    }
}

/// Write `delta/<from>.json` into the bundle folder `dir` for the previous version and
/// the versions the previous bundle had deltas from (newest first, at most
/// `MAX_DELTAS`). `touched`: the ids this build added, changed or took out.
#[allow(clippy::too_many_arguments)]
pub fn write_deltas(
    dir: &Path,
    previous: Option<&PreviousDeltas>,
    touched: &BTreeSet<&str>,
    version: &Version,
    articles: &[&ManifestArticle],
    retired: &[RetiredArticle],
    content_hash: &str,
    index: &FileRef,
) -> Result<Vec<FileRef>, RunError> {
    let Some(previous) = previous else {
        return Ok(Vec::new());
    };
    let delta_dir = dir.join("delta");
    std::fs::create_dir_all(&delta_dir).map_err(|e| io(&delta_dir, e))?;
    let mut sources: Vec<(String, BTreeSet<&str>)> =
        vec![(previous.version.to_string(), touched.clone())];
    let mut older: Vec<&(String, BTreeSet<String>)> = previous.from.iter().collect();
    // Newest first, by semver precedence; a name that is not a version is skipped.
    older.retain(|(f, _)| Version::parse(f).is_ok());
    older.sort_by(|a, b| {
        Version::parse(&b.0)
            .expect("kept above")
            .cmp_precedence(&Version::parse(&a.0).expect("kept above"))
    });
    for (from, ids) in older {
        if sources.len() >= MAX_DELTAS || sources.iter().any(|(f, _)| f == from) {
            continue;
        }
        let mut all = touched.clone();
        all.extend(ids.iter().map(String::as_str));
        sources.push((from.clone(), all));
    }
    let mut refs = Vec::with_capacity(sources.len());
    for (from, ids) in sources {
        // A delta that touches most of the library is no smaller than the manifest
        // (after a format change, every article): apps that far behind take the
        // manifest, and the build does not write, nor the next one read, a copy of it.
        if ids.len() > MIN_LARGE_DELTA.max(articles.len() / 4) {
            continue;
        }
        let mut put = Vec::new();
        let mut delete = Vec::new();
        for id in ids {
            if let Ok(i) = articles.binary_search_by(|a| a.id.as_str().cmp(id)) {
                put.push(articles[i].clone());
            } else if let Some(r) = retired.iter().find(|r| r.id == id) {
                delete.push(r.clone());
            }
        }
        let delta = Delta {
            format: FORMAT_VERSION,
            version: version.to_string(),
            from: from.clone(),
            content_hash: content_hash.to_string(),
            put,
            delete,
            index: index.clone(),
        };
        refs.push(write_json(dir, &format!("delta/{from}.json"), &delta)?);
    }
    Ok(refs)
}

/// Rewrite `out/latest.json` (and its signature) to point at the bundle `version`,
/// whose manifest's checksum and size are `manifest`. The signature goes first,
/// then the pointer, each by an atomic rename, so the pointer never names a bundle that
/// is not there.
#[allow(clippy::too_many_arguments)]
pub fn write_latest(
    out: &Path,
    version: &Version,
    manifest: &FileRef,
    content_hash: &str,
    deltas: &[FileRef],
    generated_at: &str,
    expires: &str,
    signer: Option<&Signer>,
) -> Result<Latest, RunError> {
    let v = version.to_string();
    let latest = Latest {
        format: FORMAT_VERSION,
        version: v.clone(),
        manifest: format!("{v}/manifest.json"),
        sha256: manifest.sha256.clone(),
        bytes: manifest.bytes,
        content_hash: content_hash.to_string(),
        generated_at: generated_at.to_string(),
        expires: expires.to_string(),
        deltas: deltas
            .iter()
            .map(|d| DeltaRef {
                from: d
                    .path
                    .trim_start_matches("delta/")
                    .trim_end_matches(".json")
                    .to_string(),
                path: format!("{v}/{}", d.path),
                sha256: d.sha256.clone(),
                bytes: d.bytes,
            })
            .collect(),
    };
    let mut text = serde_json::to_vec(&latest).map_err(|source| RunError::Serialise {
        what: LATEST,
        source,
    })?;
    text.push(b'\n');
    if let Some(signer) = signer {
        let comment = latest_comment(&latest);
        let sig = signer.sign(&text, &comment)?;
        replace(out, &format!("{LATEST}.minisig"), sig.as_bytes())?;
    }
    replace(out, LATEST, &text)?;
    Ok(latest)
}

/// The trusted comment signed with `manifest.json`.
pub fn manifest_comment(version: &str, format: u32, content_hash: &str) -> String {
    format!("healthpress manifest version:{version} format:{format} content_hash:{content_hash}")
}

/// The trusted comment signed with `latest.json`.
pub fn latest_comment(l: &Latest) -> String {
    format!(
        "healthpress channel version:{} format:{} content_hash:{} expires:{}",
        l.version, l.format, l.content_hash, l.expires
    )
}

/// Write `bytes` at `name` in `dir` through a temporary file and a rename.
fn replace(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), RunError> {
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let path = dir.join(name);
    std::fs::write(&tmp, bytes).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(&path, e)
    })
}
