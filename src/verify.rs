//! `healthpress verify DIR`: check a channel folder (with `latest.json`) or one version
//! folder as an app or a CDN step would before serving it. Every problem is reported,
//! one line each, and the check goes on: the pointer names the newest version and that
//! manifest's checksum; every file a manifest lists is there with its sha256 and size;
//! no other file is there; the JSON validates against the schemas; the signatures
//! verify with the given public key and sign what they should; versions never go
//! backwards.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use jsonschema::Validator;
use minisign::PublicKey;
use rayon::prelude::*;
use semver::Version;
use serde_json::Value;

use crate::error::RunError;
use crate::publish::channel::{self, LATEST};
use crate::publish::model::*;
use crate::publish::{read_plain, sha256, sign};
use crate::schema::schema_value;

/// One thing wrong, at a path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

struct Verifier {
    key: Option<PublicKey>,
    manifest: Validator,
    article: Validator,
    latest: Validator,
    delta: Validator,
}

/// Verify `dir`; the problems found, sorted. An error when the check cannot run: `dir`
/// holds no bundle, or the public key cannot be read.
pub fn verify(dir: &Path, public_key: Option<&Path>) -> Result<Vec<Problem>, RunError> {
    if !dir.is_dir() {
        return Err(RunError::Usage(format!(
            "{}: no such folder",
            dir.display()
        )));
    }
    let key = public_key
        .map(sign::public_key)
        .transpose()
        .map_err(|e| RunError::Usage(format!("--public-key {e}")))?;
    let compile = |schema: Value| {
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| RunError::SchemaCompile(Box::new(e)))
    };
    let v = Verifier {
        key,
        manifest: compile(schema_value::<Manifest>())?,
        article: compile(schema_value::<PublishedArticle>())?,
        latest: compile(schema_value::<Latest>())?,
        delta: compile(schema_value::<Delta>())?,
    };
    let mut problems = Vec::new();
    if dir.join(LATEST).is_file() {
        v.channel(dir, &mut problems);
    } else if dir.join("manifest.json").is_file() {
        v.version_folder(dir, None, &mut problems);
    } else {
        return Err(RunError::Usage(format!(
            "{}: no latest.json and no manifest.json: not a channel or a version folder",
            dir.display()
        )));
    }
    problems.sort();
    problems.dedup();
    Ok(problems)
}

fn problem(problems: &mut Vec<Problem>, path: &Path, message: impl Into<String>) {
    problems.push(Problem {
        path: path.to_path_buf(),
        message: message.into(),
    });
}

/// The schema's complaints about `value`, one line each.
fn schema_errors(validator: &Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| {
            let at = e.instance_path().to_string();
            let at = if at.is_empty() { "/".into() } else { at };
            format!("fails its schema at {at}: {e}")
        })
        .collect()
}

impl Verifier {
    fn channel(&self, dir: &Path, problems: &mut Vec<Problem>) {
        let latest_path = dir.join(LATEST);
        // The folders and files beside the pointer.
        let mut versions: Vec<Version> = Vec::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                match (name.as_str(), is_dir) {
                    (LATEST, false) | ("latest.json.minisig", false) => {}
                    // The build's lock file: empty, harmless, and always there.
                    (".healthpress.lock", false) => {}
                    (_, true) => match Version::parse(&name) {
                        Ok(v) => versions.push(v),
                        Err(_) => problem(
                            problems,
                            &e.path(),
                            "a folder that is not a bundle version; no unlisted file may be served",
                        ),
                    },
                    _ => problem(
                        problems,
                        &e.path(),
                        "not part of the channel; no unlisted file may be served",
                    ),
                }
            }
        }
        versions.sort_by(Version::cmp_precedence);
        for pair in versions.windows(2) {
            if pair[0].cmp_precedence(&pair[1]).is_eq() {
                problem(
                    problems,
                    &dir.join(pair[1].to_string()),
                    format!(
                        "the same version as {} by semver precedence; an app cannot tell which is newer",
                        pair[0]
                    ),
                );
            }
        }
        for v in &versions {
            let folder = dir.join(v.to_string());
            self.version_folder(&folder, Some(v), problems);
        }

        let Ok(bytes) = read_plain(&latest_path) else {
            problem(problems, &latest_path, "cannot be read");
            return;
        };
        let value: Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => {
                problem(problems, &latest_path, format!("not JSON: {e}"));
                return;
            }
        };
        let errors = schema_errors(&self.latest, &value);
        if !errors.is_empty() {
            for e in errors {
                problem(problems, &latest_path, e);
            }
            return;
        }
        let Ok(latest) = serde_json::from_value::<Latest>(value) else {
            problem(problems, &latest_path, "does not read as a channel pointer");
            return;
        };
        if let Some(key) = &self.key {
            self.signature(
                key,
                &latest_path,
                &bytes,
                &channel::latest_comment(&latest),
                problems,
            );
        }
        if latest.format > FORMAT_VERSION {
            problem(
                problems,
                &latest_path,
                format!(
                    "bundle format {} is newer than this healthpress knows ({FORMAT_VERSION})",
                    latest.format
                ),
            );
        }
        let Ok(version) = Version::parse(&latest.version) else {
            problem(
                problems,
                &latest_path,
                format!("version `{}` is not a semantic version", latest.version),
            );
            return;
        };
        match versions.last() {
            Some(newest) if newest.cmp_precedence(&version).is_gt() => problem(
                problems,
                &latest_path,
                format!("points at {version}, but {newest} is newer: the pointer goes backwards"),
            ),
            None => problem(problems, &latest_path, "there is no version folder"),
            _ => {}
        }
        if !versions.contains(&version) {
            problem(
                problems,
                &latest_path,
                format!("points at {version}, which is not in the channel"),
            );
        }
        let expected = format!("{version}/manifest.json");
        if latest.manifest != expected {
            problem(
                problems,
                &latest_path,
                format!("`manifest` is `{}`, not `{expected}`", latest.manifest),
            );
        } else if let Ok(m) = read_plain(&dir.join(&expected)) {
            if sha256(&m) != latest.sha256 || m.len() as u64 != latest.bytes {
                problem(
                    problems,
                    &latest_path,
                    format!("the sha256 or size it lists for {expected} is not the file's"),
                );
            }
            if let Ok(manifest) = serde_json::from_slice::<Manifest>(&m)
                && (manifest.content_hash != latest.content_hash
                    || manifest.format != latest.format)
            {
                problem(
                    problems,
                    &latest_path,
                    format!("its content_hash or format is not that of {expected}"),
                );
            }
        }
        let delta_prefix = format!("{version}/delta/");
        for d in &latest.deltas {
            let path = dir.join(&d.path);
            if !d.path.starts_with(&delta_prefix) || !safe_relative(&d.path) {
                problem(
                    problems,
                    &latest_path,
                    format!("delta path `{}` is not in {delta_prefix}", d.path),
                );
                continue;
            }
            match read_plain(&path) {
                Ok(b) if sha256(&b) == d.sha256 && b.len() as u64 == d.bytes => {}
                Ok(_) => problem(
                    problems,
                    &path,
                    "its sha256 or size is not the one latest.json lists",
                ),
                Err(_) => problem(problems, &path, "listed in latest.json but missing"),
            }
        }
    }

    /// Check one version folder; `version`: the version its folder name says.
    fn version_folder(&self, dir: &Path, version: Option<&Version>, problems: &mut Vec<Problem>) {
        let manifest_path = dir.join("manifest.json");
        let bytes = match read_plain(&manifest_path) {
            Ok(b) => b,
            Err(e) => {
                problem(problems, &manifest_path, format!("cannot be read: {e}"));
                return;
            }
        };
        let value: Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => {
                problem(problems, &manifest_path, format!("not JSON: {e}"));
                return;
            }
        };
        for e in schema_errors(&self.manifest, &value) {
            problem(problems, &manifest_path, e);
        }
        let format = value.get("format").and_then(Value::as_u64).unwrap_or(0);
        if format > u64::from(FORMAT_VERSION) {
            problem(
                problems,
                &manifest_path,
                format!(
                    "bundle format {format} is newer than this healthpress knows ({FORMAT_VERSION})"
                ),
            );
        }
        let text = |k: &str| value.get(k).and_then(Value::as_str).unwrap_or_default();
        match Version::parse(text("version")) {
            Ok(v) => {
                if let Some(folder) = version
                    && *folder != v
                {
                    problem(
                        problems,
                        &manifest_path,
                        format!("says version {v}, but its folder is {folder}"),
                    );
                }
                if let Ok(p) = Version::parse(text("previous"))
                    && !p.cmp_precedence(&v).is_lt()
                {
                    problem(
                        problems,
                        &manifest_path,
                        format!(
                            "version {v} does not come after its previous version {p}: versions went backwards"
                        ),
                    );
                }
            }
            Err(_) => problem(
                problems,
                &manifest_path,
                format!("version `{}` is not a semantic version", text("version")),
            ),
        }
        if let Some(key) = &self.key {
            let comment = channel::manifest_comment(
                text("version"),
                u32::try_from(format).unwrap_or(u32::MAX),
                text("content_hash"),
            );
            self.signature(key, &manifest_path, &bytes, &comment, problems);
        }

        // Every file the manifest lists, by path: its sha256 and size, and what the
        // manifest says of it (an article's id and revision).
        let mut listed: HashMap<String, Listed> = HashMap::new();
        collect_files(&value, &mut listed, problems, &manifest_path);
        if let Some(articles) = value.get("articles").and_then(Value::as_array) {
            for a in articles {
                if let Some(p) = a.pointer("/json/path").and_then(Value::as_str)
                    && let Some(l) = listed.get_mut(p)
                {
                    l.article = Some((
                        a.get("id").cloned().unwrap_or_default(),
                        a.get("revision").cloned().unwrap_or_default(),
                    ));
                }
            }
        }
        let mut listed: Vec<(String, Listed)> = listed.into_iter().collect();
        listed.sort_by(|a, b| a.0.cmp(&b.0));
        let found: Vec<Problem> = listed
            .par_iter()
            .flat_map_iter(|(rel, l)| self.file(dir, rel, l))
            .collect();
        problems.extend(found);

        // No file that the manifest does not list.
        let known: std::collections::HashSet<&str> = listed
            .iter()
            .map(|(p, _)| p.as_str())
            .chain(["manifest.json", "manifest.json.minisig"])
            .collect();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                problem(problems, &d, "cannot be read");
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                let Ok(t) = e.file_type() else { continue };
                if t.is_symlink() {
                    problem(
                        problems,
                        &path,
                        "a symbolic link; a bundle holds plain files only",
                    );
                } else if t.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path
                        .strip_prefix(dir)
                        .map(|p| p.to_string_lossy().replace('\\', "/"))
                        .unwrap_or_default();
                    if !known.contains(rel.as_str()) {
                        problem(
                            problems,
                            &path,
                            "not listed in the manifest; no unlisted file may be served",
                        );
                    }
                }
            }
        }
    }

    /// Check one listed file: present, its size and sha256, and its JSON.
    fn file(&self, dir: &Path, rel: &str, l: &Listed) -> Vec<Problem> {
        let path = dir.join(rel);
        let mut out = Vec::new();
        let bytes = match read_plain(&path) {
            Ok(b) => b,
            Err(_) => {
                problem(
                    &mut out,
                    &path,
                    "listed in the manifest but missing (or not a plain file)",
                );
                return out;
            }
        };
        if bytes.len() as u64 != l.bytes {
            problem(
                &mut out,
                &path,
                format!("{} bytes, but the manifest lists {}", bytes.len(), l.bytes),
            );
        }
        if sha256(&bytes) != l.sha256 {
            problem(
                &mut out,
                &path,
                "its sha256 is not the one the manifest lists: the file was changed",
            );
            return out;
        }
        let validator = if rel.starts_with("articles/") && rel.ends_with(".json") {
            &self.article
        } else if rel.starts_with("delta/") && rel.ends_with(".json") {
            &self.delta
        } else {
            return out;
        };
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) => {
                for e in schema_errors(validator, &v) {
                    problem(&mut out, &path, e);
                }
                if let Some((id, revision)) = &l.article
                    && (v.get("id") != Some(id) || v.get("revision") != Some(revision))
                {
                    problem(
                        &mut out,
                        &path,
                        "its id or revision is not the one the manifest lists",
                    );
                }
            }
            Err(e) => problem(&mut out, &path, format!("not JSON: {e}")),
        }
        out
    }

    fn signature(
        &self,
        key: &PublicKey,
        path: &Path,
        bytes: &[u8],
        comment: &str,
        problems: &mut Vec<Problem>,
    ) {
        let sig_path = PathBuf::from(format!("{}.minisig", path.display()));
        let Ok(sig) = read_plain(&sig_path) else {
            problem(problems, &sig_path, "missing: the file is not signed");
            return;
        };
        let sig = String::from_utf8_lossy(&sig);
        match sign::verify(key, bytes, &sig) {
            Ok(signed) if signed == comment => {}
            Ok(signed) => problem(
                problems,
                &sig_path,
                format!(
                    "the signed comment is `{signed}`, not `{comment}`: a replayed or downgraded signature"
                ),
            ),
            Err(e) => problem(
                problems,
                &sig_path,
                format!("does not verify with the public key: {e}"),
            ),
        }
    }
}

struct Listed {
    sha256: String,
    bytes: u64,
    /// For an article's JSON: its id and revision in the manifest.
    article: Option<(Value, Value)>,
}

/// Every object in the manifest with a `path`, a `sha256` and `bytes`: the files it
/// lists, wherever they are listed.
fn collect_files(
    value: &Value,
    out: &mut HashMap<String, Listed>,
    problems: &mut Vec<Problem>,
    manifest: &Path,
) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(path)), Some(Value::String(sha)), Some(bytes)) = (
                map.get("path"),
                map.get("sha256"),
                map.get("bytes").and_then(Value::as_u64),
            ) {
                if !safe_relative(path) {
                    problem(
                        problems,
                        manifest,
                        format!("lists `{path}`, which is not a path inside the bundle"),
                    );
                    return;
                }
                if let Some(old) = out.get(path.as_str())
                    && (old.sha256 != *sha || old.bytes != bytes)
                {
                    problem(
                        problems,
                        manifest,
                        format!("lists `{path}` twice with different checksums"),
                    );
                }
                out.insert(
                    path.clone(),
                    Listed {
                        sha256: sha.clone(),
                        bytes,
                        article: None,
                    },
                );
                return;
            }
            for v in map.values() {
                collect_files(v, out, problems, manifest);
            }
        }
        Value::Array(items) => {
            for v in items {
                collect_files(v, out, problems, manifest);
            }
        }
        _ => {}
    }
}

/// A `/`-separated relative path that stays inside its folder.
fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains('\0')
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}
