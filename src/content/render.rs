//! Safe HTML of a body, from the same comrak tree the model was built from (a body is
//! parsed once). Links are rewritten before rendering: `article:ID` becomes a relative
//! link to the other page, `media:ID` the media's file, and any address with an unsafe
//! scheme becomes empty. Raw HTML is never passed through (comrak's safe mode), and
//! callouts get labelled, accessible markup of their own.

use std::collections::{BTreeSet, HashMap};

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Options, format_html};

use crate::rules::unsafe_link::unsafe_scheme;

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
    /// `article:` targets the body links to.
    pub article_links: BTreeSet<String>,
}

/// What links resolve to.
pub struct LinkMap<'a> {
    /// Media id to (src, kind) for `![...](media:ID)`.
    pub media: HashMap<&'a str, &'a str>,
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

/// Rewrite link and image addresses in place.
pub fn rewrite_links<'a>(root: &'a AstNode<'a>, links: &LinkMap<'_>, out: &mut Rendered) {
    for node in root.descendants() {
        let mut data = node.data_mut();
        let (NodeValue::Link(l) | NodeValue::Image(l)) = &mut data.value else {
            continue;
        };
        if unsafe_scheme(&l.url).is_some() {
            l.url.clear();
        } else if let Some(id) = l.url.strip_prefix("article:") {
            out.article_links.insert(id.to_string());
            l.url = format!("{id}.html");
        } else if let Some(id) = l.url.strip_prefix("media:") {
            l.url = links
                .media
                .get(id)
                .map(|s| s.to_string())
                .unwrap_or_default();
        }
    }
}

/// Render the top-level nodes of a parsed body, recording where each section is.
pub fn render<'a>(
    root: &'a AstNode<'a>,
    options: &Options<'_>,
    range_of: &dyn Fn(&'a AstNode<'a>) -> std::ops::Range<usize>,
    body_range: std::ops::Range<usize>,
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
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let mut footnotes = String::new();
    let mut first = true;
    for node in root.children() {
        let data = node.data();
        let range = range_of(node);
        match &data.value {
            // The page shows the title itself: a leading `# Title` is not repeated.
            NodeValue::Heading(h) if h.level == 1 && first => {}
            NodeValue::Heading(h) if h.level <= 2 => {
                let text = plain_text(node);
                let mut id = slug(&text);
                let n = used_ids.entry(id.clone()).or_insert(0);
                *n += 1;
                if *n > 1 {
                    id = format!("{id}-{n}");
                }
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
            NodeValue::FootnoteDefinition(_) => {
                footnotes.push_str(&node_html(node, options));
            }
            _ => {
                // Straight into the body: a body has dozens of these nodes.
                let _ = format_html(node, options, &mut html);
                extend(&mut sections, &range);
            }
        }
        first = false;
    }
    if !footnotes.is_empty() {
        html.push_str(&format!(
            "<section class=\"footnotes\" aria-label=\"Footnotes\">\n<ol>\n{footnotes}</ol>\n</section>\n"
        ));
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
        let links = super::LinkMap {
            media: Default::default(),
        };
        Markdown::new()
            .body_with_html(&file, 0..file.text.len(), &links)
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

    // A body of only a title renders nothing and has no section at all.
    #[test]
    fn title_only() {
        let r = render("# Title\n");
        assert!(r.sections.is_empty());
        assert!(r.html.is_empty());
    }
}
