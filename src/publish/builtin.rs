//! The built-in page templates (`templates/article.html`, `templates/index.html`)
//! written out in Rust. A team's own template goes through minijinja; the built-in
//! ones are most builds, where the template engine took a fifth of the time spent on
//! each article beyond parsing and checking it. Each function here is its template
//! transliterated, chunk by chunk, with minijinja's escaping and its white space (the
//! newline after each `{% %}` tag is kept; the template's last one is not). Tests in
//! `page` render pages both ways, for every article of the repository and for
//! unusual ones, and fail on any difference: a change to a template must be made here
//! too.

use super::page::{ArticlePage, TopicView};

/// `{{ value }}` in an HTML template: `<`, `>`, `&`, `"`, `'` and `/` escaped as
/// minijinja escapes them.
fn escaped(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            b'/' => "&#x2f;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// `templates/article.html`.
pub(super) fn article(p: &ArticlePage<'_>, jsonld: &str, css: &str, csp: &str) -> String {
    let mut o = String::with_capacity(p.body_html.len() + jsonld.len() + css.len() + 4096);
    o.push_str("<!DOCTYPE html>\n<html lang=\"");
    escaped(&mut o, &p.lang);
    o.push_str(
        "\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"",
    );
    o.push_str(csp);
    o.push_str(
        "\">\n<meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"description\" content=\"",
    );
    escaped(&mut o, p.summary);
    o.push_str("\">\n<title>");
    escaped(&mut o, p.title);
    o.push_str("</title>\n<style>");
    o.push_str(css);
    o.push_str("</style>\n<script type=\"application/ld+json\">");
    o.push_str(jsonld);
    o.push_str(
        "</script>\n</head>\n<body>\n\
         <a class=\"skip-link\" href=\"#main\">Skip to main content</a>\n\
         <header class=\"site-header\">\n\
         <nav aria-label=\"Breadcrumb\"><a href=\"../index.html\">All health topics</a></nav>\n\
         </header>\n<main id=\"main\">\n<article>\n<h1>",
    );
    escaped(&mut o, p.title);
    o.push_str("</h1>");
    if !p.signed_off_by.is_empty() {
        o.push_str("\n<p class=\"sign-off\">Clinically signed off by ");
        escaped(&mut o, p.signed_off_by);
        o.push_str(" on <time datetime=\"");
        escaped(&mut o, &p.signed_off_on_iso);
        o.push_str("\">");
        escaped(&mut o, &p.signed_off_on);
        o.push_str("</time>.</p>");
    }
    o.push_str("\n<p class=\"summary\">");
    escaped(&mut o, p.summary);
    o.push_str("</p>\n<div class=\"review\" id=\"review\">\n");
    if !p.last_reviewed_iso.is_empty() {
        o.push_str("\n<p>Last reviewed: <time datetime=\"");
        escaped(&mut o, &p.last_reviewed_iso);
        o.push_str("\">");
        escaped(&mut o, &p.last_reviewed);
        o.push_str("</time>.\nNext review due: <time datetime=\"");
        escaped(&mut o, &p.next_review_iso);
        o.push_str("\">");
        escaped(&mut o, &p.next_review);
        o.push_str("</time>.</p>\n");
    } else {
        o.push_str(
            "\n<p><strong>Draft: this article has not been clinically reviewed.</strong></p>\n",
        );
    }
    o.push('\n');
    if !p.reviewers.is_empty() {
        o.push_str("\n<p>Reviewed by ");
        for (i, r) in p.reviewers.iter().enumerate() {
            if i > 0 {
                o.push_str("; ");
            }
            escaped(&mut o, r.name);
            o.push_str(" (");
            escaped(&mut o, r.credentials);
            o.push_str("), ");
            escaped(&mut o, r.role);
        }
        o.push_str(".</p>\n");
    }
    o.push_str("\n</div>\n");
    o.push_str(p.body_html);
    o.push('\n');
    if !p.related.is_empty() {
        o.push_str(
            "\n<section class=\"related\" aria-labelledby=\"related-articles\">\n\
             <h2 id=\"related-articles\">Related information</h2>\n<ul>\n",
        );
        for r in &p.related {
            o.push_str("\n<li><a href=\"");
            escaped(&mut o, &r.href);
            o.push_str("\">");
            escaped(&mut o, r.title);
            o.push_str("</a></li>\n");
        }
        o.push_str("\n</ul>\n</section>\n");
    }
    o.push('\n');
    if !p.disclaimers.is_empty() {
        o.push_str(
            "\n<section class=\"disclaimers\" aria-labelledby=\"about-this-information\">\n\
             <h2 id=\"about-this-information\">About this information</h2>\n",
        );
        for d in &p.disclaimers {
            o.push_str("\n<div class=\"disclaimer\" id=\"disclaimer-");
            escaped(&mut o, d.id);
            o.push_str("\">\n");
            if d.show_title {
                o.push_str("\n<h3>");
                escaped(&mut o, d.title);
                o.push_str("</h3>\n");
            }
            o.push('\n');
            o.push_str(d.html);
            o.push_str("\n</div>\n");
        }
        o.push_str("\n</section>\n");
    }
    o.push('\n');
    if !p.sources.is_empty() {
        o.push_str(
            "\n<section class=\"sources\" aria-labelledby=\"sources\">\n\
             <h2 id=\"sources\">Sources</h2>\n<ul>\n",
        );
        for s in &p.sources {
            o.push_str("\n<li>");
            match s.href.as_deref().filter(|h| !h.is_empty()) {
                Some(href) => {
                    o.push_str("<a href=\"");
                    escaped(&mut o, href);
                    o.push_str("\">");
                    escaped(&mut o, s.title);
                    o.push_str("</a>");
                }
                None => escaped(&mut o, s.title),
            }
            if let Some(publisher) = s.publisher.filter(|p| !p.is_empty()) {
                o.push_str(", ");
                escaped(&mut o, publisher);
            }
            if let Some(year) = s.year.filter(|&y| y != 0) {
                o.push_str(" (");
                o.push_str(&year.to_string());
                o.push(')');
            }
            o.push_str("</li>\n");
        }
        o.push_str("\n</ul>\n</section>\n");
    }
    o.push_str(
        "\n</article>\n</main>\n<footer class=\"site-footer\">\n<p class=\"topics\">Topics: ",
    );
    for (i, t) in p.topics.iter().enumerate() {
        if i > 0 {
            o.push_str(", ");
        }
        escaped(&mut o, t.label);
    }
    o.push_str("</p>\n</footer>\n</body>\n</html>\n");
    o
}

/// `templates/index.html`.
pub(super) fn index(
    lang: &str,
    title: &str,
    topics: &[TopicView<'_>],
    css: &str,
    csp: &str,
) -> String {
    let entries: usize = topics.iter().map(|t| t.articles.len()).sum();
    let mut o = String::with_capacity(css.len() + 1024 + 320 * entries);
    o.push_str("<!DOCTYPE html>\n<html lang=\"");
    escaped(&mut o, lang);
    o.push_str(
        "\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"",
    );
    o.push_str(csp);
    o.push_str("\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    escaped(&mut o, title);
    o.push_str("</title>\n<style>");
    o.push_str(css);
    o.push_str(
        "</style>\n</head>\n<body>\n\
         <a class=\"skip-link\" href=\"#main\">Skip to main content</a>\n\
         <main id=\"main\">\n<h1>",
    );
    escaped(&mut o, title);
    o.push_str("</h1>\n");
    for t in topics {
        o.push_str("\n<section aria-labelledby=\"topic-");
        escaped(&mut o, t.id);
        o.push_str("\">\n<h2 id=\"topic-");
        escaped(&mut o, t.id);
        o.push_str("\">");
        escaped(&mut o, t.label);
        o.push_str("</h2>\n<ul class=\"article-list\">\n");
        for a in &t.articles {
            o.push_str("\n<li><a href=\"");
            escaped(&mut o, &a.href);
            o.push_str("\">");
            escaped(&mut o, a.title);
            o.push_str("</a><p>");
            escaped(&mut o, a.summary);
            o.push_str("</p></li>\n");
        }
        o.push_str("\n</ul>\n</section>\n");
    }
    o.push_str("\n</main>\n</body>\n</html>\n");
    o
}
