//! Media in the bundle: each file an article shows is copied once into `media/`, named
//! by its content hash, and listed in the manifest; the article's JSON and page point
//! at that copy. The body's HTML holds a placeholder figure where each media entry is
//! shown (`content::render`); `figures` puts the real figure there.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::content::model::{Media, MediaKind};
use crate::content::render::escape;
use crate::error::RunError;
use crate::media::{Located, Resolver, describe, sniff};
use crate::publish::model::{MediaFile, PublishedMedia};
use crate::signoff::hex;

/// The media of one build: where files are copied to, and what was copied.
pub struct MediaStore {
    /// The bundle folder being written, or `None` for a preview, which points at the
    /// files where they are.
    dir: Option<PathBuf>,
    resolver: Resolver,
    allowed: Vec<String>,
    files: Mutex<BTreeMap<String, MediaFile>>,
    /// Each source file's copy (or why it is refused), by its path: many articles show
    /// the same file, which is read and hashed once.
    copies: Mutex<HashMap<PathBuf, Result<MediaFile, String>>>,
}

impl MediaStore {
    pub fn new(config: &Config, dir: Option<&Path>) -> MediaStore {
        MediaStore {
            dir: dir.map(Path::to_path_buf),
            resolver: Resolver::new(&config.root),
            allowed: config.media.allowed_origins.clone(),
            files: Mutex::new(BTreeMap::new()),
            copies: Mutex::default(),
        }
    }

    /// Every file copied, by path.
    pub fn files(&self) -> Vec<MediaFile> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.values().cloned().collect()
    }

    /// Copy (once) each media file of the article at `article` into the bundle, and
    /// say where each is. A file the media rules would refuse is refused here too,
    /// whatever their severity: the bundle never points at what is not there.
    pub fn publish(
        &self,
        article: &Path,
        media: &[Media],
    ) -> Result<Vec<PublishedMedia>, RunError> {
        let refuse = |m: &Media, why: String| {
            RunError::Content(format!(
                "{}: media `{}` cannot be published: {why}",
                article.display(),
                m.id
            ))
        };
        let mut out = Vec::with_capacity(media.len());
        for m in media {
            let (href, file) = match self.resolver.locate(article, &m.src) {
                Err(why) => return Err(refuse(m, why.message(&m.src))),
                Ok(Located::Remote { origin }) => match origin {
                    Some(o) if self.allowed.contains(&o) => (m.src.clone(), None),
                    _ => {
                        return Err(refuse(
                            m,
                            "its origin is not in media.allowed_origins".into(),
                        ));
                    }
                },
                Ok(Located::File(path)) => {
                    let file = self.copy(&path).map_err(|e| refuse(m, e))?;
                    let sniffed_kind = if file.media_type.starts_with("video/") {
                        MediaKind::Video
                    } else {
                        MediaKind::Image
                    };
                    if sniffed_kind != m.kind {
                        return Err(refuse(m, format!("the file is {}", file.media_type)));
                    }
                    let href = match &self.dir {
                        Some(_) => format!("../{}", file.path),
                        None => file_url(&path),
                    };
                    (href, Some(file))
                }
            };
            out.push(PublishedMedia {
                id: m.id.clone(),
                kind: m.kind,
                alt: m.alt.clone(),
                caption: m.caption.clone(),
                transcript: m.transcript.clone(),
                href,
                file,
            });
        }
        Ok(out)
    }

    fn copy(&self, path: &Path) -> Result<MediaFile, String> {
        let known = self
            .copies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .cloned();
        if let Some(copy) = known {
            return copy;
        }
        let copy = self.copy_once(path);
        self.copies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_path_buf(), copy.clone());
        copy
    }

    fn copy_once(&self, path: &Path) -> Result<MediaFile, String> {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        let sniffed = sniff(&bytes);
        if sniffed.kind.is_none() {
            return Err(format!("the file is {}", describe(&sniffed)));
        }
        if sniffed.kind == Some(MediaKind::Image) && sniffed.size.is_none() {
            return Err("the image's size cannot be read".into());
        }
        let sha256 = hex(&Sha256::digest(&bytes));
        let rel = format!("media/{sha256}.{}", sniffed.extension);
        let file = MediaFile {
            path: rel.clone(),
            sha256,
            bytes: bytes.len() as u64,
            media_type: sniffed.media_type.to_string(),
            width: sniffed.size.map(|s| s.0),
            height: sniffed.size.map(|s| s.1),
        };
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(dir) = &self.dir
            && !files.contains_key(&rel)
        {
            let dest = dir.join(&rel);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::fs::write(&dest, &bytes).map_err(|e| format!("{}: {e}", dest.display()))?;
        }
        files.insert(rel, file.clone());
        Ok(file)
    }
}

/// A `file://` address of a file on this machine, for a preview.
fn file_url(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The body's HTML with each placeholder figure replaced by the media's figure; media
/// the body does not show are put first, so that "the video above" has one above it.
pub fn figures(html: &str, media: &[PublishedMedia]) -> String {
    const MARK: &str = "<figure data-healthpress-media=\"";
    const END: &str = "\"></figure>\n";
    if media.is_empty() && !html.contains(MARK) {
        return html.to_string();
    }
    let mut shown = vec![false; media.len()];
    let mut body = String::with_capacity(html.len() + 1024);
    let mut rest = html;
    while let Some(at) = rest.find(MARK) {
        body.push_str(&rest[..at]);
        let after = &rest[at + MARK.len()..];
        let Some(end) = after.find(END) else {
            body.push_str(&rest[at..]);
            rest = "";
            break;
        };
        let id = &after[..end];
        if let Some(i) = media.iter().position(|m| escape(&m.id) == id) {
            figure(&media[i], &mut body);
            shown[i] = true;
        }
        rest = &after[end + END.len()..];
    }
    body.push_str(rest);
    let mut first = String::new();
    for (m, _) in media.iter().zip(&shown).filter(|(_, s)| !**s) {
        figure(m, &mut first);
    }
    first.push_str(&body);
    first
}

/// One media entry as the page shows it: an image with its alt text and size, or a
/// video with controls, its caption under it and its transcript on the page.
fn figure(m: &PublishedMedia, out: &mut String) {
    let href = escape(&m.href);
    let alt = escape(&m.alt);
    match m.kind {
        MediaKind::Image => {
            out.push_str("<figure class=\"media media-image\">\n<img src=\"");
            out.push_str(&href);
            out.push_str("\" alt=\"");
            out.push_str(&alt);
            out.push('"');
            if let Some(f) = &m.file
                && let (Some(w), Some(h)) = (f.width, f.height)
            {
                out.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
            }
            out.push_str(">\n");
            caption(m, out);
            out.push_str("</figure>\n");
        }
        MediaKind::Video => {
            out.push_str(
                "<figure class=\"media media-video\">\n<video controls preload=\"metadata\" src=\"",
            );
            out.push_str(&href);
            out.push_str("\" aria-label=\"");
            out.push_str(&alt);
            out.push_str("\">\n<p><a href=\"");
            out.push_str(&href);
            out.push_str("\">Download the video: ");
            out.push_str(&alt);
            out.push_str("</a></p>\n</video>\n");
            caption(m, out);
            out.push_str("</figure>\n");
            if let Some(t) = m.transcript.as_deref().filter(|t| !t.trim().is_empty()) {
                out.push_str("<div class=\"transcript\">\n<p class=\"transcript-label\">Transcript of the video: ");
                out.push_str(&alt);
                out.push_str("</p>\n");
                for para in t.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                    out.push_str("<p>");
                    out.push_str(&escape(para).replace('\n', "<br>\n"));
                    out.push_str("</p>\n");
                }
                out.push_str("</div>\n");
            }
        }
    }
}

fn caption(m: &PublishedMedia, out: &mut String) {
    if let Some(c) = m.caption.as_deref().filter(|c| !c.trim().is_empty()) {
        out.push_str("<figcaption>");
        out.push_str(&escape(c));
        out.push_str("</figcaption>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn media(id: &str, kind: MediaKind) -> PublishedMedia {
        PublishedMedia {
            id: id.into(),
            kind,
            alt: "A <person> \"stretching\"".into(),
            caption: Some("Do it slowly".into()),
            transcript: Some("Kneel.\n\nBreathe out & round your back.".into()),
            href: "../media/abc.mp4".into(),
            file: Some(MediaFile {
                path: "media/abc.png".into(),
                sha256: "abc".into(),
                bytes: 1,
                media_type: "image/png".into(),
                width: Some(40),
                height: Some(30),
            }),
        }
    }

    // Each placeholder becomes its figure: an image with alt text, size and caption; a
    // video with controls, its caption under it and its transcript after; media the
    // body never shows go first; an unknown id leaves nothing behind.
    #[test]
    fn placeholders_become_figures() {
        let list = [
            media("photo", MediaKind::Image),
            media("clip", MediaKind::Video),
            media("unshown", MediaKind::Image),
        ];
        let html = "<p>a</p>\n<figure data-healthpress-media=\"photo\"></figure>\n<p>b</p>\n\
                    <figure data-healthpress-media=\"clip\"></figure>\n\
                    <figure data-healthpress-media=\"nope\"></figure>\n";
        let out = figures(html, &list);
        assert!(!out.contains("data-healthpress-media"), "{out}");
        assert!(
            out.starts_with("<figure class=\"media media-image\">"),
            "{out}"
        );
        assert!(out.contains(
            "<img src=\"../media/abc.mp4\" alt=\"A &lt;person&gt; &quot;stretching&quot;\" width=\"40\" height=\"30\">"
        ));
        let video = out.find("<video controls").unwrap();
        let caption = out[video..]
            .find("<figcaption>Do it slowly</figcaption>")
            .unwrap();
        let transcript = out[video..].find("<div class=\"transcript\">").unwrap();
        assert!(caption < transcript);
        assert!(out.contains("<p>Breathe out &amp; round your back.</p>"));
        assert_eq!(out.matches("<figure").count(), 3);
        assert!(out.find("<p>a</p>").unwrap() < out.find("<p>b</p>").unwrap());
    }
}
