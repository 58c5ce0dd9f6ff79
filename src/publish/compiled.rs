//! The built-in page templates, compiled to Rust by `build.rs` from
//! `templates/article.html` and `templates/index.html`. A team's own template goes
//! through minijinja; the built-in ones are most builds, where the template engine took
//! a fifth of the time spent on each article beyond parsing and checking it. Here are
//! the functions that bind each template's variables, and the few traits its code
//! calls to write and test values as minijinja does. Tests in `page` render pages both
//! ways, for every article of the repository and for unusual ones, and fail on any
//! difference.

use super::page::{ArticlePage, TopicView};

/// A string minijinja would hold as safe: written as it is, even without `| safe`.
pub(super) struct Safe<'a>(pub &'a str);

/// `templates/article.html`.
pub(super) fn article(
    page: &ArticlePage<'_>,
    jsonld: &str,
    css: &str,
    csp: Safe<'_>,
    index_href: Safe<'_>,
) -> String {
    let mut out = String::with_capacity(page.body_html.len() + jsonld.len() + css.len() + 4096);
    let write = include!(concat!(env!("OUT_DIR"), "/article.html.rs"));
    write(&mut out);
    out
}

/// `templates/index.html`.
pub(super) fn index(
    lang: &str,
    title: &str,
    topics: &[TopicView<'_>],
    css: &str,
    csp: Safe<'_>,
) -> String {
    let entries: usize = topics.iter().map(|t| t.articles.len()).sum();
    let mut out = String::with_capacity(css.len() + 1024 + 320 * entries);
    let write = include!(concat!(env!("OUT_DIR"), "/index.html.rs"));
    write(&mut out);
    out
}

/// `{{ value }}` and `{{ value | safe }}`.
pub(super) trait Print {
    /// Written with `<`, `>`, `&`, `"`, `'` and `/` escaped as minijinja escapes them.
    fn escaped_into(&self, out: &mut String);
    fn raw_into(&self, out: &mut String);
}

/// `{% if value %}`: minijinja's truth (an empty string or list, zero, none are false).
pub(super) trait Truthy {
    fn is_true(&self) -> bool;
}

impl Print for str {
    fn escaped_into(&self, out: &mut String) {
        let mut start = 0;
        for (i, b) in self.bytes().enumerate() {
            let entity = match b {
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'&' => "&amp;",
                b'"' => "&quot;",
                b'\'' => "&#x27;",
                b'/' => "&#x2f;",
                _ => continue,
            };
            out.push_str(&self[start..i]);
            out.push_str(entity);
            start = i + 1;
        }
        out.push_str(&self[start..]);
    }
    fn raw_into(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Print for String {
    fn escaped_into(&self, out: &mut String) {
        self.as_str().escaped_into(out);
    }
    fn raw_into(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Print for Safe<'_> {
    fn escaped_into(&self, out: &mut String) {
        out.push_str(self.0);
    }
    fn raw_into(&self, out: &mut String) {
        out.push_str(self.0);
    }
}

/// Digits need no escaping.
impl Print for u16 {
    fn escaped_into(&self, out: &mut String) {
        self.raw_into(out);
    }
    fn raw_into(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(out, "{self}");
    }
}

/// None is written `none`, as minijinja writes it.
impl<T: Print> Print for Option<T> {
    fn escaped_into(&self, out: &mut String) {
        match self {
            Some(v) => v.escaped_into(out),
            None => out.push_str("none"),
        }
    }
    fn raw_into(&self, out: &mut String) {
        match self {
            Some(v) => v.raw_into(out),
            None => out.push_str("none"),
        }
    }
}

impl<T: Print + ?Sized> Print for &T {
    fn escaped_into(&self, out: &mut String) {
        (**self).escaped_into(out);
    }
    fn raw_into(&self, out: &mut String) {
        (**self).raw_into(out);
    }
}

impl Truthy for str {
    fn is_true(&self) -> bool {
        !self.is_empty()
    }
}

impl Truthy for String {
    fn is_true(&self) -> bool {
        !self.is_empty()
    }
}

impl Truthy for bool {
    fn is_true(&self) -> bool {
        *self
    }
}

impl Truthy for u16 {
    fn is_true(&self) -> bool {
        *self != 0
    }
}

impl<T> Truthy for [T] {
    fn is_true(&self) -> bool {
        !self.is_empty()
    }
}

impl<T> Truthy for Vec<T> {
    fn is_true(&self) -> bool {
        !self.is_empty()
    }
}

impl<T: Truthy> Truthy for Option<T> {
    fn is_true(&self) -> bool {
        self.as_ref().is_some_and(Truthy::is_true)
    }
}

impl<T: Truthy + ?Sized> Truthy for &T {
    fn is_true(&self) -> bool {
        (**self).is_true()
    }
}
