//! Safe HTML of a body, from the same comrak tree the model was built from (a body is
//! parsed once). Links are rewritten from their targets (`link`) before rendering:
//! `article:ID` becomes a relative link to the other page, a `media:ID` image a figure
//! of its own after its block (a text link to media has no target), and any address
//! with an unsafe scheme becomes empty. Raw HTML is never passed through (comrak's safe
//! mode), and callouts get labelled, accessible markup of their own.

use std::collections::HashSet;

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Options, format_html};

use crate::content::link::{Link, LinkTarget};

/// One section of a rendered body: the part before the first `##`, or a `##` heading
/// and everything up to the next one.
#[derive(Debug, Clone, Default)]
pub struct RenderedSection {
    /// Stable id from the heading text (`why-it-happens`), or `introduction`.
    pub id: String,
    /// The heading's text; empty for the introduction.
    pub heading: String,
    /// The byte range of the section in the file.
    pub range: std::ops::Range<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The body's HTML, written in one buffer: each section's heading (an `<h2>` with
    /// the section's id; none for the introduction) and content, in order.
    pub html: String,
    pub sections: Vec<RenderedSection>,
    /// HTML of each top-level callout, with the byte offset where it starts.
    pub callouts: Vec<(usize, String)>,
}

/// Where the page of the article `id` is, relative to another article's page.
pub fn article_href(id: &str) -> String {
    format!("{id}.html")
}

/// The human label of a callout kind, shown above its text.
pub fn callout_label(kind: &str) -> &'static str {
    match kind {
        "CONSULT" => "Talk to a health professional",
        "URGENT" => "Get help urgently",
        "SAFETY" => "Safety",
        "NOTE" => "Note",
        "TIP" => "Tip",
        "IMPORTANT" => "Important",
        "WARNING" => "Warning",
        "CAUTION" => "Caution",
        _ => "Note",
    }
}

/// A URL-safe id from heading text: lower-case ASCII words joined by hyphens.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Render the top-level nodes of a parsed body, recording where each section is.
/// `links` are the body's links in document order, as the walk meets their nodes.
pub fn render<'a, 'l>(
    root: &'a AstNode<'a>,
    options: &Options<'_>,
    range_of: &dyn Fn(&'a AstNode<'a>) -> std::ops::Range<usize>,
    body_range: std::ops::Range<usize>,
    mut links: impl Iterator<Item = &'l Link>,
    out: &mut Rendered,
) {
    // HTML is about as long as its source: one buffer, seldom grown.
    let mut html = String::with_capacity(body_range.len() + body_range.len() / 2);
    let mut sections: Vec<RenderedSection> = vec![RenderedSection {
        id: "introduction".into(),
        range: body_range.start..body_range.start,
        ..RenderedSection::default()
    }];
    // Where the introduction ends in `html`: at the first section's heading.
    let mut introduction_end = None;
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut footnotes = String::new();
    let mut first = true;
    for node in root.children() {
        // Media the block shows (`![alt](media:ID)`) are taken out of it and placed
        // after it as figures of their own: an image or a video with its caption and
        // transcript is a block, which cannot sit inside a paragraph or a sentence.
        let lifted = rewrite_links(node, &mut links);
        let emptied = !lifted.is_empty() && is_blank(node);
        let data = node.data();
        let range = range_of(node);
        match &data.value {
            NodeValue::Paragraph if emptied => extend(&mut sections, &range),
            // The page shows the title itself: a leading `# Title` is not repeated.
            NodeValue::Heading(h) if h.level == 1 && first => {}
            NodeValue::Heading(h) if h.level <= 2 => {
                let text = plain_text(node);
                let id = unique_id(slug(&text), &mut used_ids);
                introduction_end.get_or_insert(html.len());
                html.push_str("<h2 id=\"");
                html.push_str(&id);
                html.push_str("\">");
                html.push_str(&inline_html(node, options));
                html.push_str("</h2>\n");
                sections.push(RenderedSection {
                    id,
                    heading: text,
                    range: range.clone(),
                });
            }
            NodeValue::Heading(h) => {
                let level = h.level.clamp(3, 6);
                let inner = inline_html(node, options);
                html.push_str(&format!("<h{level}>{inner}</h{level}>\n"));
                extend(&mut sections, &range);
            }
            NodeValue::Callout(c) => {
                let kind = c.callout_type.to_uppercase();
                let callout = callout_html(node, &kind, out.callouts.len(), options);
                html.push_str(&callout);
                out.callouts.push((range.start, callout));
                extend(&mut sections, &range);
            }
            NodeValue::FootnoteDefinition(f) => {
                footnote_html(node, f, options, &mut footnotes);
            }
            _ => {
                // Straight into the body: a body has dozens of these nodes.
                let _ = format_html(node, options, &mut html);
                extend(&mut sections, &range);
            }
        }
        for id in &lifted {
            html.push_str("<figure data-healthpress-media=\"");
            html.push_str(&escape(id));
            html.push_str("\"></figure>\n");
        }
        first = false;
    }
    if !footnotes.is_empty() {
        html.push_str("<section class=\"footnotes\" aria-label=\"Footnotes\">\n<ol>\n");
        html.push_str(&footnotes);
        html.push_str("</ol>\n</section>\n");
    }
    // An introduction with nothing in it is no section (it has no heading either).
    if html[..introduction_end.unwrap_or(html.len())]
        .trim()
        .is_empty()
    {
        sections.remove(0);
    }
    out.html = html;
    out.sections = sections;
}

/// Ids the page itself gives its own elements, which no heading may take: a heading
/// whose slug is one of these, or starts with one of `PAGE_ID_PREFIXES`, gets
/// `section-` in front (a heading "Sources" becomes `section-sources`).
pub const PAGE_IDS: &[&str] = &[
    "main",
    "content",
    "top",
    "title",
    "review",
    "about-this-information",
    "sources",
    "related-articles",
    "footnotes",
];
/// Prefixes of the ids the page and body give their own elements: footnotes and their
/// references, callout labels, disclaimers, the index's topics.
pub const PAGE_ID_PREFIXES: &[&str] = &["fn-", "fnref-", "callout-", "disclaimer-", "topic-"];

fn reserved(id: &str) -> bool {
    PAGE_IDS.contains(&id) || PAGE_ID_PREFIXES.iter().any(|p| id.starts_with(p))
}

/// A section id from `base` that no other heading of the body and no element of the
/// page has: `base`, or `section-base` when the page uses that id itself, and then
/// `-2`, `-3`, … until it is free (a heading "A 2" after two "A"s does not collide).
fn unique_id(base: String, used: &mut HashSet<String>) -> String {
    let base = if reserved(&base) {
        format!("section-{base}")
    } else {
        base
    };
    if used.insert(base.clone()) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !reserved(id) && used.insert(id.clone()))
        .expect("an unused number")
}

/// Rewrite the addresses of a top-level block's links and images from their targets,
/// and take the media images (`![alt](media:ID)`) out of it; their ids, in order.
/// `links` gives the body's links in document order, so the block's are next.
fn rewrite_links<'a, 'l>(
    node: &'a AstNode<'a>,
    links: &mut impl Iterator<Item = &'l Link>,
) -> Vec<String> {
    let mut media: Vec<(&'a AstNode<'a>, String)> = Vec::new();
    for d in node.descendants() {
        let mut data = d.data_mut();
        let (NodeValue::Link(l) | NodeValue::Image(l)) = &mut data.value else {
            continue;
        };
        match links.next() {
            Some(link) if link.url == l.url => match link.target() {
                LinkTarget::Unsafe { .. } => l.url.clear(),
                LinkTarget::Article { id } => l.url = article_href(id),
                LinkTarget::Media { id } if link.image => media.push((d, id.to_string())),
                // A text link to a media entry: the media itself is shown as a figure
                // where the body shows it with `![alt](media:ID)`; a link has no target.
                LinkTarget::Media { .. } => l.url.clear(),
                LinkTarget::External { .. } => {}
            },
            // The model and the tree come from one walk and cannot disagree; if they
            // ever did, no address reaches the page unchecked.
            _ => l.url.clear(),
        }
    }
    media
        .into_iter()
        .map(|(d, id)| {
            d.detach();
            id
        })
        .collect()
}

/// Whether a block has nothing left to show (only white space and line breaks).
fn is_blank<'a>(node: &'a AstNode<'a>) -> bool {
    node.children().all(|c| match &c.data().value {
        NodeValue::Text(t) => t.trim().is_empty(),
        NodeValue::SoftBreak | NodeValue::LineBreak => true,
        _ => false,
    })
}

/// One footnote as an item of the page's footnote list, with a link back to each
/// place that refers to it (comrak writes a list around each definition rendered on
/// its own, which put a `section` inside the `ol`).
fn footnote_html<'a>(
    node: &'a AstNode<'a>,
    f: &comrak::nodes::NodeFootnoteDefinition,
    options: &Options<'_>,
    out: &mut String,
) {
    let mut name = String::new();
    let _ = comrak::html::escape_href(&mut name, &f.name, false);
    out.push_str("<li id=\"fn-");
    out.push_str(&name);
    out.push_str("\">\n");
    for child in node.children() {
        let _ = format_html(child, options, out);
    }
    out.push_str("<p>");
    for n in 1..=f.total_references.max(1) {
        let suffix = if n > 1 {
            format!("-{n}")
        } else {
            String::new()
        };
        if n > 1 {
            out.push(' ');
        }
        out.push_str("<a href=\"#fnref-");
        out.push_str(&name);
        out.push_str(&suffix);
        out.push_str("\" class=\"footnote-backref\">Back to the text");
        if n > 1 {
            out.push_str(&format!(" ({n})"));
        }
        out.push_str("</a>");
    }
    out.push_str("</p>\n</li>\n");
}

fn extend(sections: &mut [RenderedSection], range: &std::ops::Range<usize>) {
    let last = sections.last_mut().expect("there is always a section");
    if last.range.end < range.end {
        last.range.end = range.end;
    }
}

fn node_html<'a>(node: &'a AstNode<'a>, options: &Options<'_>) -> String {
    let mut s = String::new();
    // Formatting into a String cannot fail.
    let _ = format_html(node, options, &mut s);
    s
}

/// The inline content of a block (a heading's words), as HTML without the block tag.
fn inline_html<'a>(node: &'a AstNode<'a>, options: &Options<'_>) -> String {
    let html = node_html(node, options);
    let start = html.find('>').map(|i| i + 1).unwrap_or(0);
    let end = html.rfind("</").unwrap_or(html.len());
    html[start..end.max(start)].trim().to_string()
}

fn plain_text<'a>(node: &'a AstNode<'a>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => s.push_str(t),
            NodeValue::Code(c) => s.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

fn callout_html<'a>(
    node: &'a AstNode<'a>,
    kind: &str,
    index: usize,
    options: &Options<'_>,
) -> String {
    let class = kind.to_ascii_lowercase();
    let label_id = format!("callout-{}", index + 1);
    let mut inner = String::new();
    let mut title = None;
    for child in node.children() {
        if matches!(child.data().value, NodeValue::CalloutTitle) {
            let t = plain_text(child);
            if !t.is_empty() {
                title = Some(t);
            }
            continue;
        }
        inner.push_str(&node_html(child, options));
    }
    let label = match title {
        Some(t) => format!("{}: {}", callout_label(kind), escape(&t)),
        None => callout_label(kind).to_string(),
    };
    format!(
        "<aside class=\"callout callout-{class}\" aria-labelledby=\"{label_id}\">\n\
         <p class=\"callout-label\" id=\"{label_id}\">{label}</p>\n{inner}</aside>\n"
    )
}

#[cfg(test)]
mod tests {
    use crate::content::markdown::Markdown;
    use crate::source::SourceFile;

    fn render(text: &str) -> super::Rendered {
        let file = SourceFile::new("a.md".into(), "a.md".into(), text.to_string());
        Markdown::new()
            .body_with_html(&file, 0..file.text.len())
            .rendered
            .expect("rendered")
    }

    fn ids(r: &super::Rendered) -> Vec<&str> {
        r.sections.iter().map(|s| s.id.as_str()).collect()
    }

    // A body that opens with a section has no introduction; one with text before its
    // first heading has one. Repeated headings get numbered ids, each on its <h2>.
    #[test]
    fn sections_and_their_ids() {
        let r = render("# Title\n\n## First\n\nText.\n");
        assert_eq!(ids(&r), ["first"]);
        assert!(
            r.html
                .starts_with("<h2 id=\"first\">First</h2>\n<p>Text.</p>")
        );

        let r = render("# Title\n\nIntro.\n\n## A\n\nx\n\n## A\n\ny\n");
        assert_eq!(ids(&r), ["introduction", "a", "a-2"]);
        assert_eq!(r.sections[1].heading, "A");
        assert!(r.html.contains("<h2 id=\"a-2\">A</h2>\n<p>y</p>"));
        assert!(!r.html.contains("Title"), "the title is the page's own h1");
    }

    // A callout is rendered in the body and kept on its own; footnotes come last.
    #[test]
    fn callouts_and_footnotes() {
        let r = render(
            "Intro[^1].\n\n> [!CONSULT]\n> Ask your GP.\n\n## After\n\nMore.\n\n[^1]: A note.\n",
        );
        assert_eq!(ids(&r), ["introduction", "after"]);
        assert_eq!(r.callouts.len(), 1);
        assert!(r.html.contains(&r.callouts[0].1));
        assert!(r.callouts[0].1.contains("Talk to a health professional"));
        assert!(r.html.trim_end().ends_with("</section>"));
        assert!(r.html.contains("A note."));
    }

    // Heading ids are unique and never one the page uses itself: "Main", "Sources"
    // and a heading that slugs to a footnote's id get `section-` in front; a heading
    // "A 2" after two "A"s does not take the second one's `a-2`.
    #[test]
    fn heading_ids_are_unique_and_not_the_pages_own() {
        let r = render(
            "## A\n\nx\n\n## A\n\nx\n\n## A 2\n\nx\n\n## Main\n\nx\n\n## Sources\n\nx\n\n\
             ## Fn 1\n\nx\n\n## Callout 1\n\nx\n\n## 🩺\n\nx\n\n## Section\n\nx\n",
        );
        assert_eq!(
            ids(&r),
            [
                "a",
                "a-2",
                "a-2-2",
                "section-main",
                "section-sources",
                "section-fn-1",
                "section-callout-1",
                "section",
                "section-2"
            ]
        );
    }

    // Footnotes are one list of items, each with its id and a link back, with no
    // `section` inside the `ol`.
    #[test]
    fn footnotes_are_one_valid_list() {
        let r = render("One[^a] and two[^b], again[^a].\n\n[^a]: First.\n\n[^b]: Second.\n");
        let html = &r.html;
        assert_eq!(html.matches("<section").count(), 1, "{html}");
        assert_eq!(html.matches("<ol>").count(), 1, "{html}");
        let list = &html[html.find("<ol>").unwrap()..];
        assert!(!list.contains("<section"), "{html}");
        assert!(list.contains("<li id=\"fn-a\">") && list.contains("<li id=\"fn-b\">"));
        assert!(list.contains("href=\"#fnref-a\"") && list.contains("href=\"#fnref-a-2\""));
        assert!(html.contains("id=\"fnref-a\"") && html.contains("id=\"fnref-a-2\""));
    }

    // A media image is lifted out of its paragraph into a placeholder figure after it;
    // a paragraph that held only the image is gone.
    #[test]
    fn media_become_figures_after_their_block() {
        let r = render(
            "Look ![a stretch](media:cat-cow) here.\n\n![alone](media:photo)\n\n![x](pic.png)\n",
        );
        assert_eq!(
            r.html,
            "<p>Look  here.</p>\n<figure data-healthpress-media=\"cat-cow\"></figure>\n\
             <figure data-healthpress-media=\"photo\"></figure>\n<p><img src=\"pic.png\" alt=\"x\" /></p>\n"
        );
    }

    // Links are rewritten from their targets: another article's page; no address for an
    // unsafe scheme or a text link to media; a media image inside a link is lifted out of
    // it like any other.
    #[test]
    fn links_from_their_targets() {
        let r = render(
            "[a](article:b) [j](javascript:x) [m](media:m) [![i](media:p)](https://x.org) \
             ![d](DATA:x) [e](https://e.org)\n",
        );
        assert_eq!(
            r.html,
            "<p><a href=\"b.html\">a</a> <a href=\"\">j</a> <a href=\"\">m</a> \
             <a href=\"https://x.org\"></a> <img src=\"\" alt=\"d\" /> \
             <a href=\"https://e.org\">e</a></p>\n<figure data-healthpress-media=\"p\"></figure>\n"
        );
    }

    // A body of only a title renders nothing and has no section at all.
    #[test]
    fn title_only() {
        let r = render("# Title\n");
        assert!(r.sections.is_empty());
        assert!(r.html.is_empty());
    }
}
