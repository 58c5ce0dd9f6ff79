//! The link model: what each link and image of a body points at, read once from its
//! address while the body is parsed (`markdown`), and read from there by the rules
//! (`broken-link`, `unsafe-link`), by rendering and by publishing. Everything this
//! crate knows about `article:` and `media:` addresses and unsafe schemes is here.

use std::ops::Range;

/// The scheme of a link to another article of the corpus: `[text](article:ID)`.
pub const ARTICLE: &str = "article:";
/// The scheme of a link to an entry of the article's own `media` list: `![alt](media:ID)`.
pub const MEDIA: &str = "media:";

/// A link or an image of the body.
#[derive(Debug, Clone)]
pub struct Link {
    /// The address as written.
    pub url: String,
    /// Visible text (for an image, its alt text).
    pub text: String,
    pub image: bool,
    pub range: Range<usize>,
    /// What the address points at, without its parts (those are slices of `url`).
    kind: Kind,
}

/// Where a link points, as `Link::target` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkTarget<'a> {
    /// `article:ID`: another article, by id (everything after the scheme, as written:
    /// a fragment is part of the id, which then names no article).
    Article { id: &'a str },
    /// `media:ID`: an entry of the article's `media` list.
    Media { id: &'a str },
    /// An address whose scheme must never reach a page (`javascript:` ...).
    Unsafe { scheme: &'static str },
    /// Anything else: a web address, a relative path, `tel:`, `mailto:`, an anchor.
    External { url: &'a str },
}

/// `LinkTarget` without the slices of the address, kept in each `Link`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Article,
    Media,
    Unsafe(&'static str),
    External,
}

impl Link {
    /// A link of the body, its address read here once.
    pub fn new(url: String, text: String, image: bool, range: Range<usize>) -> Link {
        // No unsafe scheme starts like `article:` or `media:`, so the order of these
        // tests does not matter; the unsafe one goes first as the one that must not fail.
        let kind = if let Some(scheme) = unsafe_scheme(&url) {
            Kind::Unsafe(scheme)
        } else if url.starts_with(ARTICLE) {
            Kind::Article
        } else if url.starts_with(MEDIA) {
            Kind::Media
        } else {
            Kind::External
        };
        Link {
            url,
            text,
            image,
            range,
            kind,
        }
    }

    pub fn target(&self) -> LinkTarget<'_> {
        match self.kind {
            Kind::Article => LinkTarget::Article {
                id: &self.url[ARTICLE.len()..],
            },
            Kind::Media => LinkTarget::Media {
                id: &self.url[MEDIA.len()..],
            },
            Kind::Unsafe(scheme) => LinkTarget::Unsafe { scheme },
            Kind::External => LinkTarget::External { url: &self.url },
        }
    }
}

/// The scheme of a URL if it is one that must never reach a page. Browsers ignore
/// white space and control characters inside a scheme, so this does too.
pub fn unsafe_scheme(url: &str) -> Option<&'static str> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:", "file:"]
        .into_iter()
        .find(|s| cleaned.starts_with(s))
}

/// The ids after each `article:` in a file's raw text, for a look before its body is
/// parsed: every `article:` link of the body is among them (with its id cut at the
/// first character an id cannot hold), and so are mentions outside links.
pub fn article_ids_in(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let i = rest.find(ARTICLE)?;
        rest = &rest[i + ARTICLE.len()..];
        Some(
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .next()
                .unwrap_or(""),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_target(url: &str, want: LinkTarget<'_>) {
        let link = Link::new(url.into(), String::new(), false, 0..0);
        assert_eq!(link.target(), want, "{url}");
    }

    // Each address is read into the one target it has; unsafe schemes are found
    // whatever their case and the white space or control characters inside them.
    #[test]
    fn targets() {
        assert_target("article:a-b", LinkTarget::Article { id: "a-b" });
        assert_target("article:a#b", LinkTarget::Article { id: "a#b" });
        assert_target("article:", LinkTarget::Article { id: "" });
        assert_target("media:m", LinkTarget::Media { id: "m" });
        let javascript = LinkTarget::Unsafe {
            scheme: "javascript:",
        };
        assert_target(" Java\tScript:alert(1)", javascript);
        assert_target("DATA:text/html", LinkTarget::Unsafe { scheme: "data:" });
        for url in [
            "https://nhs.uk",
            "Article:a",
            " article:a",
            "tel:999",
            "#top",
            "a.png",
        ] {
            assert_target(url, LinkTarget::External { url });
        }
    }

    // The raw scan finds each `article:` id as far as an id's characters go.
    #[test]
    fn ids_in_raw_text() {
        let ids: Vec<&str> =
            article_ids_in("[a](article:back-pain) article:x_y, article:").collect();
        assert_eq!(ids, ["back-pain", "x", ""]);
    }
}
