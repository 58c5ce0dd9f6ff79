//! What changed since a git revision, for `check --changed-since REV`.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::RunError;

#[derive(Debug, Default, Clone)]
pub struct Changes {
    /// Files added, modified or renamed since the revision (and untracked new ones),
    /// as absolute paths.
    pub files: Vec<PathBuf>,
    /// Every path the change touched, as absolute paths: also deleted files and the old
    /// names of renamed ones (a deleted disclaimer matters as much as an edited one).
    pub touched: Vec<PathBuf>,
    /// The `id`s that changed, deleted or renamed files had at the revision, so that
    /// findings elsewhere that involve them (a link to a removed id) are still shown.
    pub old_ids: Vec<String>,
}

/// Run git in `dir`; its standard output as bytes.
fn git_bytes(dir: &Path, args: &[&OsStr]) -> Result<Vec<u8>, RunError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(RunError::Git)?;
    if !out.status.success() {
        let shown: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        return Err(RunError::Usage(format!(
            "git {}: {}",
            shown.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

fn git(dir: &Path, args: &[&str]) -> Result<String, RunError> {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    Ok(String::from_utf8_lossy(&git_bytes(dir, &args)?).into_owned())
}

/// A path as git writes it with `-z`: its bytes, unquoted.
fn path_of(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

pub fn changed_since(dir: &Path, rev: &str) -> Result<Changes, RunError> {
    let top = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|_| {
        RunError::Usage(format!(
            "--changed-since needs a git repository, and {} is not in one",
            dir.display()
        ))
    })?;
    let top = PathBuf::from(top.trim_end_matches(['\n', '\r']));
    // Compared with the canonical paths of the content folder and the config.
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    git(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| {
        RunError::Usage(format!(
            "--changed-since: `{rev}` is not a known git revision"
        ))
    })?;
    // NUL-separated and unquoted, so that any file name comes through as it is (git
    // quotes names with non-ASCII bytes, tabs or newlines in its line output).
    let status = git_bytes(
        &top,
        &[
            "diff",
            "-z",
            "--name-status",
            "-M",
            "--no-color",
            "--no-ext-diff",
            rev,
            "--",
        ]
        .map(OsStr::new),
    )?;
    let mut changes = Changes::default();
    let mut fields = status.split(|&b| b == 0).filter(|f| !f.is_empty());
    while let Some(kind) = fields.next() {
        let kind = kind.first().copied().unwrap_or(b' ');
        // Renames and copies name the old path and the new; the others one path.
        let (old, new) = if matches!(kind, b'R' | b'C') {
            let (Some(old), Some(new)) = (fields.next(), fields.next()) else {
                break;
            };
            (old, new)
        } else {
            let Some(path) = fields.next() else {
                break;
            };
            (path, path)
        };
        if matches!(kind, b'M' | b'R' | b'D' | b'T')
            && old.ends_with(b".md")
            && let Ok(text) = git_bytes(&top, &[OsStr::new("show"), &object_name(rev, old)])
            && let Some(id) = front_matter_id(&String::from_utf8_lossy(&text))
        {
            changes.old_ids.push(id);
        }
        changes.touched.push(top.join(path_of(old)));
        changes.touched.push(top.join(path_of(new)));
        if matches!(kind, b'A' | b'M' | b'R' | b'T' | b'C') {
            changes.files.push(top.join(path_of(new)));
        }
    }
    let untracked = git_bytes(
        &top,
        &["ls-files", "-z", "--others", "--exclude-standard"].map(OsStr::new),
    )?;
    for path in untracked.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        changes.files.push(top.join(path_of(path)));
        changes.touched.push(top.join(path_of(path)));
    }
    changes.files.sort();
    changes.files.dedup();
    changes.touched.sort();
    changes.touched.dedup();
    Ok(changes)
}

/// `REV:path`, the name `git show` reads a file at a revision by, for any path bytes.
fn object_name(rev: &str, path: &[u8]) -> OsString {
    let mut name = OsString::from(format!("{rev}:"));
    name.push(path_of(path).as_os_str());
    name
}

/// The `id:` of a file's front matter, read without a full parse: between a first
/// line `---` and the next (or the end, for one that is not closed).
fn front_matter_id(text: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    if first.trim_end() != "---" {
        return None;
    }
    let mut end = rest.len();
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            end = at;
            break;
        }
        at += line.len();
    }
    crate::content::front::loose_id(&rest[..end]).map(str::to_string)
}

/// `git` run quietly in `dir`: its output, or None when git is missing or fails.
fn git_quiet(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

/// The folder and name of a file, as `git -C` takes them.
fn dir_and_name(path: &Path) -> Option<(&Path, String)> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Some((dir, path.file_name()?.to_str()?.to_string()))
}

/// The commits that changed `path`, newest first, at most `limit` of them: empty
/// outside a git repository or for a file git does not track.
pub fn file_commits(path: &Path, limit: usize) -> Vec<String> {
    let Some((dir, name)) = dir_and_name(path) else {
        return Vec::new();
    };
    let limit = format!("-n{limit}");
    git_quiet(dir, &["log", &limit, "--format=%H", "--", &name])
        .map(|out| {
            String::from_utf8_lossy(&out)
                .lines()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// `path` as committed in `rev`, when it was and is text.
pub fn file_at(path: &Path, rev: &str) -> Option<String> {
    let (dir, name) = dir_and_name(path)?;
    String::from_utf8(git_quiet(dir, &["show", &format!("{rev}:./{name}")])?).ok()
}
