//! What changed since a git revision, for `check --changed-since REV`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::check::RunError;

#[derive(Debug, Default, Clone)]
pub struct Changes {
    /// Files added, modified or renamed since the revision (and untracked new ones),
    /// as absolute paths.
    pub files: Vec<PathBuf>,
    /// The `id`s that changed, deleted or renamed files had at the revision, so that
    /// findings elsewhere that involve them (a link to a removed id) are still shown.
    pub old_ids: Vec<String>,
}

fn git(dir: &Path, args: &[&str]) -> Result<String, RunError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| RunError::Usage(format!("--changed-since needs git: {e}")))?;
    if !out.status.success() {
        return Err(RunError::Usage(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn changed_since(dir: &Path, rev: &str) -> Result<Changes, RunError> {
    let top = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|_| {
        RunError::Usage(format!(
            "--changed-since needs a git repository, and {} is not in one",
            dir.display()
        ))
    })?;
    let top = PathBuf::from(top.trim());
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
    let status = git(
        &top,
        &["diff", "--name-status", "-M", "--no-color", rev, "--"],
    )?;
    let mut changes = Changes::default();
    for line in status.lines() {
        let parts: Vec<&str> = line.split('\t').collect();
        let (kind, old, new) = match parts.as_slice() {
            [k, path] => (*k, Some(*path), Some(*path)),
            [k, old, new] => (*k, Some(*old), Some(*new)),
            _ => continue,
        };
        let kind = kind.chars().next().unwrap_or(' ');
        if matches!(kind, 'M' | 'R' | 'D' | 'T')
            && let Some(old) = old
            && old.ends_with(".md")
            && let Ok(text) = git(&top, &["show", &format!("{rev}:{old}")])
            && let Some(id) = front_matter_id(&text)
        {
            changes.old_ids.push(id);
        }
        if matches!(kind, 'A' | 'M' | 'R' | 'T' | 'C')
            && let Some(new) = new
        {
            changes.files.push(top.join(new));
        }
    }
    for path in git(&top, &["ls-files", "--others", "--exclude-standard"])?.lines() {
        changes.files.push(top.join(path));
    }
    changes.files.sort();
    changes.files.dedup();
    Ok(changes)
}

/// The `id:` of a file's front matter, read without a full parse.
fn front_matter_id(text: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    for line in lines {
        if line.trim_end() == "---" {
            return None;
        }
        if let Some(v) = line.strip_prefix("id:") {
            return Some(v.trim().trim_matches(['"', '\'']).to_string());
        }
    }
    None
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
