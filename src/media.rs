//! Media files: where an article's `media` entry points (a file in the content
//! repository, relative to the article, or an allowed https origin) and what a file is,
//! read from its bytes, never from its name. The media rules (`missing-media-file`,
//! `media-type-mismatch`, `media-too-large`, `media-origin-not-allowed`) and the build,
//! which copies each file into the bundle, share these answers.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::content::model::MediaKind;

/// Where a `src` points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// A file inside the content repository (the folder of `healthpress.toml`).
    File(PathBuf),
    /// An address with a scheme: its origin (`https://host[:port]`, lower-case), or
    /// `None` when it is not an https address with a host.
    Remote { origin: Option<String> },
}

/// Why a local `src` names no publishable file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotFound {
    Absolute,
    Outside,
    Missing,
    Folder,
    Unreadable(String),
}

impl NotFound {
    pub fn message(&self, src: &str) -> String {
        match self {
            NotFound::Absolute => format!("media `{src}` is an absolute path"),
            NotFound::Outside => format!("media `{src}` is outside the content repository"),
            NotFound::Missing => format!("media file `{src}` does not exist"),
            NotFound::Folder => format!("media `{src}` is a folder, not a file"),
            NotFound::Unreadable(e) => format!("media file `{src}` cannot be read: {e}"),
        }
    }
}

/// A scheme at the start of `src` (`https:`, `data:`, `C:`), or `//`: an address.
fn is_address(src: &str) -> bool {
    if src.starts_with("//") {
        return true;
    }
    let Some((scheme, _)) = src.split_once(':') else {
        return false;
    };
    let mut bytes = scheme.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

pub use crate::vocabulary::https_origin;

/// Resolve `src` of a media entry in the article at `article` (a path as read), inside
/// `root`, the content repository's folder (canonical, see `canonical_root`).
pub fn locate(article: &Path, root: &Path, src: &str) -> Result<Located, NotFound> {
    // A Windows drive (`C:\x.png`) is a path, not an address with the scheme `c`.
    let b = src.as_bytes();
    if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'\\' | b'/') {
        return Err(NotFound::Absolute);
    }
    if is_address(src) {
        return Ok(Located::Remote {
            origin: https_origin(src),
        });
    }
    let rel = Path::new(src);
    if rel.has_root() || src.starts_with('\\') {
        return Err(NotFound::Absolute);
    }
    let dir = article.parent().unwrap_or(Path::new(""));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    // Lexically first: `..` that climbs out of the repository is refused even when
    // the file exists; then the real path, which also catches a link that leads out.
    let mut lexical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    for c in rel.components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::Normal(part) => lexical.push(part),
            _ => {}
        }
        if !lexical.starts_with(root) {
            return Err(NotFound::Outside);
        }
    }
    let joined = dir.join(rel);
    let real = match joined.canonicalize() {
        Ok(p) => p,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(NotFound::Missing),
        Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => return Err(NotFound::Missing),
        Err(e) => return Err(NotFound::Unreadable(e.to_string())),
    };
    if !real.starts_with(root) {
        return Err(NotFound::Outside);
    }
    match std::fs::metadata(&real) {
        Ok(m) if m.is_dir() => Err(NotFound::Folder),
        Ok(m) if !m.is_file() => Err(NotFound::Unreadable("it is not a regular file".into())),
        Ok(_) => Ok(Located::File(real)),
        Err(e) => Err(NotFound::Unreadable(e.to_string())),
    }
}

/// What one media file is, as the rules ask: its size and what its first bytes are.
/// `None` where the file cannot be read (then `missing-media-file` has said why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    pub size: Option<u64>,
    pub sniffed: Option<Sniffed>,
}

/// The media answers of one run: where each `src` of each article folder points, and
/// what each file is. A corpus names the same few files from thousands of articles and
/// four rules ask about each entry, so each answer is worked out once per run; a run
/// that ends drops them, so that a file added between two runs of `--watch` or of the
/// language server is seen. The answers are those of [`locate`], [`header`] and
/// [`sniff`] (a test holds them equal).
pub struct Resolver {
    root: PathBuf,
    located: Mutex<HashMap<(PathBuf, String), Result<Located, NotFound>>>,
    files: Mutex<HashMap<PathBuf, Arc<FileFacts>>>,
}

impl Resolver {
    /// For the content repository at `root` (the folder of `healthpress.toml`).
    pub fn new(root: &Path) -> Self {
        Resolver {
            root: canonical_root(root),
            located: Mutex::default(),
            files: Mutex::default(),
        }
    }

    /// [`locate`] `src` of a media entry of the article at `article`.
    pub fn locate(&self, article: &Path, src: &str) -> Result<Located, NotFound> {
        let key = (
            article.parent().unwrap_or(Path::new("")).to_path_buf(),
            src.to_string(),
        );
        if let Some(hit) = self.lock_located().get(&key) {
            return hit.clone();
        }
        // Worked out unlocked: two threads may both do it, and agree.
        let answer = locate(article, &self.root, src);
        self.lock_located().insert(key, answer.clone());
        answer
    }

    /// The size and format of a file that [`Resolver::locate`] found.
    pub fn facts(&self, path: &Path) -> Arc<FileFacts> {
        if let Some(hit) = self
            .files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(path)
        {
            return Arc::clone(hit);
        }
        let facts = Arc::new(FileFacts {
            size: std::fs::metadata(path).map(|m| m.len()).ok(),
            sniffed: header(path).ok().map(|bytes| sniff(&bytes)),
        });
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_path_buf(), Arc::clone(&facts));
        facts
    }

    fn lock_located(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<(PathBuf, String), Result<Located, NotFound>>> {
        self.located.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The folder of `healthpress.toml`, as `locate` compares paths with it.
pub fn canonical_root(root: &Path) -> PathBuf {
    let root = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

/// What the bytes of a file are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    /// The kind a page can show it as, or `None` for a format that is not published.
    pub kind: Option<MediaKind>,
    /// The IANA media type (`image/png`), or a name for what is refused.
    pub media_type: &'static str,
    /// The file name extension used in the bundle.
    pub extension: &'static str,
    /// Pixel size, for images whose header gives it.
    pub size: Option<(u32, u32)>,
}

/// Enough of a file to know its format and, for an image, its size: a JPEG's size
/// comes after its metadata segments, which can hold a thumbnail and colour profile.
pub const HEADER_BYTES: u64 = 1024 * 1024;

/// Read the first `HEADER_BYTES` of a file.
pub fn header(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(HEADER_BYTES)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The format of `bytes` (a whole file or its first `HEADER_BYTES`). Published:
/// PNG, JPEG, GIF and WebP images, MP4 and WebM videos, which every current browser
/// and app web view shows. SVG is refused: it is a document that can carry scripts
/// and links, and whether those run depends on how an app shows the file.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    use imagesize::ImageType;
    let image = |media_type, extension| Sniffed {
        kind: Some(MediaKind::Image),
        media_type,
        extension,
        size: imagesize::blob_size(bytes)
            .ok()
            .and_then(|s| Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?)))
            .filter(|&(w, h)| w > 0 && h > 0),
    };
    match imagesize::image_type(bytes) {
        Ok(ImageType::Png) => return image("image/png", "png"),
        Ok(ImageType::Jpeg) => return image("image/jpeg", "jpg"),
        Ok(ImageType::Gif) => return image("image/gif", "gif"),
        Ok(ImageType::Webp) => return image("image/webp", "webp"),
        _ => {}
    }
    let other = |kind, media_type, extension| Sniffed {
        kind,
        media_type,
        extension,
        size: None,
    };
    // ISO base media: a `ftyp` box first, whose brand says what it holds.
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = &bytes[8..12];
        return match brand {
            b"avif" | b"avis" | b"heic" | b"heix" | b"mif1" | b"msf1" => {
                other(None, "HEIF/AVIF image", "")
            }
            b"qt  " => other(None, "QuickTime video", ""),
            _ => other(Some(MediaKind::Video), "video/mp4", "mp4"),
        };
    }
    // EBML (Matroska); WebM says so in its DocType near the start.
    if bytes.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]) {
        let head = &bytes[..bytes.len().min(64)];
        return if memchr::memmem::find(head, b"webm").is_some() {
            other(Some(MediaKind::Video), "video/webm", "webm")
        } else {
            other(None, "Matroska video", "")
        };
    }
    if looks_like_svg(bytes) {
        return other(None, "SVG", "");
    }
    other(None, "unknown", "")
}

/// An XML or SVG document: `<svg` near the start, after a BOM, white space, an XML
/// declaration or comments.
fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('<') && t.contains("<svg")
}

/// Words for what a file is, in messages: "a JPEG image", "an MP4 video".
pub fn describe(s: &Sniffed) -> String {
    match s.media_type {
        "image/png" => "a PNG image".into(),
        "image/jpeg" => "a JPEG image".into(),
        "image/gif" => "a GIF image".into(),
        "image/webp" => "a WebP image".into(),
        "video/mp4" => "an MP4 video".into(),
        "video/webm" => "a WebM video".into(),
        "unknown" => "not an image or video healthpress recognises".into(),
        other => format!("a {other} file"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const PNG_3X2: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0,
        0, 3, 0, 0, 0, 2, 8, 6, 0, 0, 0, 0, 0, 0, 0,
    ];

    // Formats come from the bytes: a PNG with its size, MP4 and WebM by their headers,
    // HEIF, QuickTime, Matroska, SVG and text refused, whatever the file is called.
    #[test]
    fn sniffs_from_bytes() {
        let png = sniff(PNG_3X2);
        assert_eq!(png.kind, Some(MediaKind::Image));
        assert_eq!(png.media_type, "image/png");
        assert_eq!(png.size, Some((3, 2)));
        let mp4 = sniff(b"\0\0\0\x18ftypisom\0\0\0\0isomiso2");
        assert_eq!(
            (mp4.kind, mp4.media_type),
            (Some(MediaKind::Video), "video/mp4")
        );
        let webm = sniff(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm");
        assert_eq!(webm.media_type, "video/webm");
        for refused in [
            &b"\0\0\0\x18ftypheic\0\0\0\0"[..],
            b"\0\0\0\x14ftypqt  \0\0\0\0",
            b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska",
            b"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            b"  <svg onload=\"alert(1)\"></svg>",
            b"hello",
            b"",
        ] {
            assert_eq!(sniff(refused).kind, None, "{refused:?}");
        }
        // A PNG signature with its header cut off is a PNG with no size.
        assert_eq!(sniff(&PNG_3X2[..10]).size, None);
    }

    // Origins: https only, lower-cased, with a port; no user names, no other schemes.
    #[test]
    fn https_origins() {
        assert_eq!(
            https_origin("https://Video.Example.org/a/b.mp4?x#y").as_deref(),
            Some("https://video.example.org")
        );
        assert_eq!(
            https_origin("HTTPS://cdn.example.org:8443/x").as_deref(),
            Some("https://cdn.example.org:8443")
        );
        for bad in [
            "http://example.org/a.png",
            "https://user@example.org/a.png",
            "https:///a.png",
            "javascript://example.org/%0aalert(1)",
            "data:image/png;base64,AAAA",
        ] {
            assert_eq!(https_origin(bad), None, "{bad}");
        }
        assert!(is_address("data:image/png;base64,AAAA"));
        assert!(is_address("//example.org/a.png"));
        assert!(!is_address("images/a:b.png"));
        assert!(!is_address("a.png"));
    }

    // The run's resolver gives the answers of `locate`, `header` and `sniff`, asked once
    // or many times, from articles in one folder or another.
    #[test]
    fn resolver_answers_as_locate_does() {
        let dir = tempfile::tempdir().unwrap();
        let root = canonical_root(dir.path());
        for d in ["content/a/images", "content/b"] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        std::fs::write(dir.path().join("content/a/images/x.png"), PNG_3X2).unwrap();
        std::fs::write(dir.path().join("content/b/clip.mp4"), b"not a video").unwrap();
        let resolver = Resolver::new(dir.path());
        for article in ["content/a/one.md", "content/a/two.md", "content/b/three.md"] {
            let article = dir.path().join(article);
            for src in [
                "images/x.png",
                "../a/images/x.png",
                "clip.mp4",
                "../b/clip.mp4",
                "images",
                "../../../etc/passwd",
                "https://example.org/a.png",
                "missing.png",
            ] {
                for _ in 0..2 {
                    let found = resolver.locate(&article, src);
                    assert_eq!(found, locate(&article, &root, src), "{src}");
                    if let Ok(Located::File(path)) = found {
                        let facts = resolver.facts(&path);
                        let bytes = std::fs::read(&path).unwrap();
                        assert_eq!(facts.size, Some(bytes.len() as u64));
                        assert_eq!(facts.sniffed, Some(sniff(&header(&path).unwrap())));
                    }
                }
            }
        }
    }

    // Local paths resolve relative to the article and must stay in the repository.
    #[test]
    fn locates_files_in_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        let root = canonical_root(dir.path());
        std::fs::create_dir_all(dir.path().join("content/a/images")).unwrap();
        std::fs::write(dir.path().join("content/a/images/x.png"), PNG_3X2).unwrap();
        std::fs::write(dir.path().join("secret.png"), PNG_3X2).unwrap();
        let article = dir.path().join("content/a/article.md");
        assert_eq!(
            locate(&article, &root, "images/x.png"),
            Ok(Located::File(root.join("content/a/images/x.png")))
        );
        assert_eq!(
            locate(&article, &root, "./images/../images/x.png"),
            Ok(Located::File(root.join("content/a/images/x.png")))
        );
        assert_eq!(
            locate(&article, &root, "../../secret.png"),
            Ok(Located::File(root.join("secret.png")))
        );
        assert_eq!(
            locate(&article, &root, "../../../etc/passwd"),
            Err(NotFound::Outside)
        );
        assert_eq!(
            locate(&article, &root, "/etc/passwd"),
            Err(NotFound::Absolute)
        );
        assert_eq!(
            locate(&article, &root, "C:\\x.png"),
            Err(NotFound::Absolute)
        );
        assert_eq!(
            locate(&article, &root, "images/y.png"),
            Err(NotFound::Missing)
        );
        assert_eq!(locate(&article, &root, "images"), Err(NotFound::Folder));
        assert_eq!(
            locate(&article, &root, "images/x.png/z"),
            Err(NotFound::Missing)
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", dir.path().join("content/a/l.png"))
                .unwrap();
            assert_eq!(locate(&article, &root, "l.png"), Err(NotFound::Outside));
        }
    }
}
