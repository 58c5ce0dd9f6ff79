//! The bundle's files on disk: the output folder's lock, the build's temporary folder
//! and its rename into place, files written with their sha256 computed on the way, and
//! reading a file that must be a plain one.

use std::fs::File;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::RunError;
use crate::publish::model::FileRef;
use crate::publish::prepare::Prepared;
use crate::signoff::hex;

pub(crate) fn io(path: &Path, e: std::io::Error) -> RunError {
    RunError::io(path, e)
}

pub(super) fn json_error(source: serde_json::Error) -> RunError {
    RunError::Serialise {
        what: "the bundle",
        source,
    }
}

pub(crate) fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Read a file that must be a plain file: a named pipe or a device would block or never
/// end, and a symbolic link could point anywhere, so they are refused unread.
pub(crate) fn read_plain(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a plain file",
        ));
    }
    std::fs::read(path)
}

/// An exclusive lock on the output folder, released when dropped (or when the process
/// dies, since it is the operating system's lock on an open file).
pub(super) fn lock(out: &Path) -> Result<File, RunError> {
    let path = out.join(LOCK);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(RunError::Usage(format!(
            "another healthpress build is writing to {}; wait for it to finish and run again",
            out.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(io(&path, e)),
    }
}

/// The lock file's name in the output folder.
pub(super) const LOCK: &str = ".healthpress.lock";

/// The file inside a build's temporary folder that marks it as one.
const TMP_MARKER: &str = ".healthpress-build";

/// Temporary folders left by a build that was killed: `.tmp-*` folders (not links)
/// that hold the marker a build writes into its own. Any other entry, whatever its
/// name, is someone else's and is left alone. Only called under the lock.
pub(super) fn clean_stale_temporaries(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        let ours = e.file_name().to_string_lossy().starts_with(".tmp-")
            && e.file_type().is_ok_and(|t| t.is_dir())
            && std::fs::symlink_metadata(e.path().join(TMP_MARKER)).is_ok_and(|m| m.is_file());
        if ours {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// A fresh folder of the build's own in `out` (created exclusively, unpredictable
/// name), marked as a build's, so that a later build removes it if this one is
/// killed, and never anything else; with its `articles` folder.
pub(super) fn temporary_folder(out: &Path) -> Result<PathBuf, RunError> {
    let tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempdir_in(out)
        .map_err(|e| io(out, e))?
        .keep();
    std::fs::write(tmp.join(TMP_MARKER), b"").map_err(|e| io(&tmp, e))?;
    let articles = tmp.join("articles");
    std::fs::create_dir_all(&articles).map_err(|e| io(&articles, e))?;
    Ok(tmp)
}

/// Rename the finished temporary folder to `dest`, without its marker, which is not
/// part of the bundle.
pub(super) fn put_in_place(tmp: &Path, dest: &Path) -> Result<(), RunError> {
    std::fs::remove_file(tmp.join(TMP_MARKER)).map_err(|e| io(tmp, e))?;
    std::fs::rename(tmp, dest).map_err(|e| io(dest, e))
}

/// Write one prepared article's JSON (`json`) and page into the bundle folder `dir`;
/// the two files, JSON first.
pub(super) fn article_files(
    dir: &Path,
    p: &Prepared,
    json: &[u8],
) -> Result<(FileRef, FileRef), RunError> {
    let id = &p.article.id;
    // Paths come only from ids that the schema has validated; checked again here, where
    // the id becomes a file name, by the one test of what an id is.
    if !crate::vocabulary::is_valid_id(id) {
        return Err(RunError::Content(format!(
            "article id `{id}` cannot be a file name in the bundle"
        )));
    }
    let json = write_file(dir, &format!("articles/{id}.json"), json, None)?;
    let html = write_file(
        dir,
        &format!("articles/{id}.html"),
        p.page.as_bytes(),
        Some(&p.page_sha256),
    )?;
    Ok((json, html))
}

/// Write `bytes` at `rel` in `dir`. `known`: their sha256 when it was computed already
/// (a page's, in prepare).
pub(super) fn write_file(
    dir: &Path,
    rel: &str,
    bytes: &[u8],
    known: Option<&str>,
) -> Result<FileRef, RunError> {
    let path = dir.join(rel);
    std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
    Ok(FileRef {
        path: rel.to_string(),
        sha256: known.map_or_else(|| sha256(bytes), str::to_string),
        bytes: bytes.len() as u64,
    })
}

/// Write `value` as JSON and a final newline at `rel` in `dir`, hashing the bytes on
/// their way to the file. A 10,000-article manifest is megabytes: built in a growing
/// buffer first, it spent most of its time having fresh pages zeroed.
pub(crate) fn write_json<T: serde::Serialize + ?Sized>(
    dir: &Path,
    rel: &str,
    value: &T,
) -> Result<FileRef, RunError> {
    let path = dir.join(rel);
    let file = File::create(&path).map_err(|e| io(&path, e))?;
    let mut w = std::io::BufWriter::with_capacity(256 * 1024, Hashing::new(file));
    serde_json::to_writer(&mut w, value)
        .map_err(std::io::Error::from)
        .and_then(|()| std::io::Write::write_all(&mut w, b"\n"))
        .map_err(|e| io(&path, e))?;
    let h = w.into_inner().map_err(|e| io(&path, e.into_error()))?;
    Ok(FileRef {
        path: rel.to_string(),
        sha256: hex(&h.hash.finalize()),
        bytes: h.bytes,
    })
}

/// A writer that hashes and counts what passes through it to `inner`.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W> Hashing<W> {
    fn new(inner: W) -> Hashing<W> {
        Hashing {
            inner,
            hash: Sha256::new(),
            bytes: 0,
        }
    }
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
