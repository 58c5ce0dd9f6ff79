//! The bundle a build continues: found in the output folder or `--previous`, checked
//! (never trusted), and read as far as numbering the next bundle needs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use semver::Version;
use serde::Deserialize;

use crate::error::RunError;
use crate::publish::channel;
use crate::publish::model::*;
use crate::publish::write::{io, read_plain, sha256};

/// The previous bundle: its version, what its manifest says, and its version folder.
pub(super) struct PreviousBundle {
    pub version: Version,
    pub manifest: PreviousManifest,
    pub dir: PathBuf,
    /// Where each id stands in the manifest, made once at the start.
    ids: HashMap<String, Held>,
}

/// An id's entry in the previous manifest: an index into its articles or its retired.
#[derive(Clone, Copy)]
enum Held {
    Article(usize),
    Retired(usize),
}

impl PreviousBundle {
    fn new(version: Version, manifest: PreviousManifest, dir: PathBuf) -> PreviousBundle {
        let mut ids = HashMap::new();
        for (i, a) in manifest.articles.iter().enumerate() {
            ids.insert(a.id.clone(), Held::Article(i));
        }
        for (i, r) in manifest.retired.iter().enumerate() {
            ids.insert(r.id.clone(), Held::Retired(i));
        }
        PreviousBundle {
            version,
            manifest,
            dir,
            ids,
        }
    }

    /// The id's entry among the manifest's articles, or among its retired.
    pub(super) fn find(&self, id: &str) -> (Option<&PreviousArticle>, Option<&RetiredArticle>) {
        match self.ids.get(id) {
            Some(&Held::Article(i)) => (Some(&self.manifest.articles[i]), None),
            Some(&Held::Retired(i)) => (None, Some(&self.manifest.retired[i])),
            None => (None, None),
        }
    }

    /// Whether the previous bundle is of another format than this build writes.
    pub(super) fn format_changed(&self) -> bool {
        self.manifest.format != FORMAT_VERSION
    }
}

/// What a build reads of the previous bundle's manifest: enough to number the next
/// bundle and each article's revision, from a bundle of this format or an older one
/// (what this format no longer writes, such as format 1's part hashes, is ignored).
#[derive(Debug, Deserialize)]
pub(super) struct PreviousManifest {
    pub format: u32,
    version: String,
    pub articles: Vec<PreviousArticle>,
    pub retired: Vec<RetiredArticle>,
    #[serde(default)]
    pub files: PreviousFiles,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct PreviousFiles {
    #[serde(default)]
    pub deltas: Vec<FileRef>,
}

#[derive(Debug, Deserialize)]
pub(super) struct PreviousArticle {
    pub id: String,
    pub revision: u32,
    pub json: FileRef,
    pub html: FileRef,
}

/// The previous bundle: from `from` (`--previous`) when given, else from `out`. A
/// folder is read as a channel folder (its `latest.json`, checked against the manifest
/// it names), a folder of version folders (the highest by semver precedence), or one
/// version folder (`manifest.json`). Nothing in it is trusted: a newer bundle format, a
/// manifest whose version is not its folder's, or two folders of one precedence are
/// refused, so the series never goes backwards or forks.
pub(super) fn read(out: &Path, from: Option<&Path>) -> Result<Option<PreviousBundle>, RunError> {
    let refuse = |path: &Path, why: String| {
        RunError::Usage(format!(
            "{}: {why}; the previous bundle cannot be continued",
            path.display()
        ))
    };
    let source = from.unwrap_or(out);
    if let Some(from) = from
        && !from.is_dir()
    {
        return Err(RunError::Usage(format!(
            "--previous {}: no such folder",
            from.display()
        )));
    }
    let newest = highest_version_folder(source)?;
    let latest_path = source.join(channel::LATEST);
    let dir = if source.join("manifest.json").is_file() && newest.is_none() {
        // One version folder.
        source.to_path_buf()
    } else if let Some((version, _)) = &newest {
        source.join(version.to_string())
    } else if latest_path.is_file() {
        return Err(refuse(
            &latest_path,
            "it names a bundle that is not in the folder".into(),
        ));
    } else if from.is_some() {
        return Err(RunError::Usage(format!(
            "--previous {}: no bundle in it (no latest.json, version folder or manifest.json)",
            source.display()
        )));
    } else {
        return Ok(None);
    };
    let path = dir.join("manifest.json");
    let bytes = read_plain(&path).map_err(|e| io(&path, e))?;
    if latest_path.is_file() {
        check_latest(&latest_path, source, &dir, &bytes)?;
    }
    let manifest: PreviousManifest =
        serde_json::from_slice(&bytes).map_err(|source| RunError::PreviousManifest {
            path: path.clone(),
            source,
        })?;
    if manifest.format > FORMAT_VERSION {
        return Err(refuse(
            &path,
            format!(
                "bundle format {} is newer than this healthpress writes ({FORMAT_VERSION}); \
                 build with a newer healthpress",
                manifest.format
            ),
        ));
    }
    let version = Version::parse(&manifest.version)
        .map_err(|e| refuse(&path, format!("version `{}`: {e}", manifest.version)))?;
    if let Some((folder, _)) = &newest
        && *folder != version
    {
        return Err(refuse(
            &path,
            format!(
                "it says version {version} but is in the folder {folder}; a bundle must not \
                 be moved to another version"
            ),
        ));
    }
    // The output folder must not already hold a later bundle than the one continued.
    if from.is_some()
        && let Some((ahead, _)) = highest_version_folder(out)?
        && ahead.cmp_precedence(&version) == std::cmp::Ordering::Greater
    {
        return Err(RunError::Usage(format!(
            "{} already holds bundle {ahead}, later than the previous bundle {version} in {}",
            out.display(),
            source.display()
        )));
    }
    Ok(Some(PreviousBundle::new(version, manifest, dir)))
}

/// The version folder with the highest semver precedence in `dir`, if any; two folders
/// of one precedence (`1.0.0` and `1.0.0+again`) are an error.
fn highest_version_folder(dir: &Path) -> Result<Option<(Version, PathBuf)>, RunError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(None);
    };
    let mut versions: Vec<Version> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| Version::parse(&e.file_name().to_string_lossy()).ok())
        .collect();
    versions.sort_by(Version::cmp_precedence);
    let Some(best) = versions.pop() else {
        return Ok(None);
    };
    if let Some(twin) = versions.last()
        && twin.cmp_precedence(&best) == std::cmp::Ordering::Equal
    {
        return Err(RunError::Usage(format!(
            "{}: the folders {twin} and {best} are one version by semver precedence (build \
             metadata does not count); remove one",
            dir.display()
        )));
    }
    let path = dir.join(best.to_string());
    Ok(Some((best, path)))
}

/// A channel's `latest.json` must name the manifest of its newest version folder, with
/// that manifest's sha256: else the folder was tampered with or half copied.
fn check_latest(
    latest_path: &Path,
    source: &Path,
    dir: &Path,
    manifest: &[u8],
) -> Result<(), RunError> {
    let refuse = |why: String| {
        RunError::Usage(format!(
            "{}: {why}; the previous bundle cannot be trusted",
            latest_path.display()
        ))
    };
    let text = read_plain(latest_path).map_err(|e| io(latest_path, e))?;
    let latest: Latest =
        serde_json::from_slice(&text).map_err(|e| refuse(format!("cannot be read ({e})")))?;
    if latest.format > FORMAT_VERSION {
        return Err(refuse(format!(
            "bundle format {} is newer than this healthpress writes ({FORMAT_VERSION}); build \
             with a newer healthpress",
            latest.format
        )));
    }
    let named = source.join(&latest.manifest);
    if named != dir.join("manifest.json") {
        // A build that stopped after renaming its folder and before rewriting the
        // pointer leaves the pointer one version behind; the folder is whole (its
        // manifest is written last), so the series goes on from the folder.
        return Ok(());
    }
    if sha256(manifest) != latest.sha256 {
        return Err(refuse(format!(
            "the sha256 of {} is not the one it lists",
            latest.manifest
        )));
    }
    Ok(())
}
