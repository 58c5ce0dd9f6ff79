//! The Markdown body, parsed once with comrak, turned into the model that rules read:
//! headings, callouts, links and images, raw HTML, and blocks of visible text that
//! remember where each piece came from in the file.

use std::ops::Range;

use comrak::nodes::{AstNode, NodeValue, Sourcepos};
use comrak::{Arena, Options, parse_document};

use crate::content::render::{self, Rendered};
use crate::content::shape;
use crate::source::SourceFile;

pub use crate::content::link::Link;

/// comrak options, built once per run and shared by every thread.
pub struct Markdown {
    options: Options<'static>,
}

impl Default for Markdown {
    fn default() -> Self {
        Markdown::new()
    }
}

impl Markdown {
    pub fn new() -> Markdown {
        let mut options = Options::default();
        let ext = &mut options.extension;
        ext.strikethrough = true;
        ext.table = true;
        ext.autolink = true;
        ext.tasklist = true;
        ext.footnotes = true;
        // `> [!CONSULT]`: Obsidian-style callouts accept any kind, GitHub alerts only five.
        ext.ofm_callouts = true;
        options.render.sourcepos = false;
        Markdown { options }
    }

    pub fn options(&self) -> &Options<'static> {
        &self.options
    }

    /// Parse the body at `range` of `file` into the model.
    pub fn body(&self, file: &SourceFile, range: Range<usize>) -> Body {
        self.parse(file, range, false)
    }

    /// Parse the body into the model and, from the same tree, render its HTML.
    pub fn body_with_html(&self, file: &SourceFile, range: Range<usize>) -> Body {
        self.parse(file, range, true)
    }

    fn parse(&self, file: &SourceFile, range: Range<usize>, html: bool) -> Body {
        let arena = Arena::new();
        let root = parse_document(&arena, &file.text[range.clone()], &self.options);
        let mut builder = Builder {
            file,
            first_line: file.line_of(range.start),
            body: Body {
                range: range.clone(),
                // About one byte of structure for every eight of text: few reallocations.
                shape: Vec::with_capacity(range.len() / 8),
                ..Body::default()
            },
            document_order: html.then(Vec::new),
        };
        builder.walk_blocks(root, Context::default());
        // Too deep to publish: the rule says so, and the HTML is not rendered.
        if html && builder.body.too_deep.is_none() {
            let mut rendered = Rendered::default();
            let order = builder.document_order.take().unwrap_or_default();
            let links = order.iter().map(|&i| &builder.body.links[i]);
            let range_of = |n: &AstNode<'_>| builder.range(n.data().sourcepos);
            render::render(root, &self.options, &range_of, range, links, &mut rendered);
            builder.body.rendered = Some(rendered);
        }
        builder.body
    }
}

#[derive(Debug, Default)]
pub struct Body {
    /// Where the body is in the file.
    pub range: Range<usize>,
    pub headings: Vec<Heading>,
    pub callouts: Vec<Callout>,
    /// Links and images, each with its target (`link`), in the order they end: an
    /// image inside a link comes before the link.
    pub links: Vec<Link>,
    pub html: Vec<Html>,
    /// Paragraphs, headings and table cells, in document order.
    pub blocks: Vec<TextBlock>,
    /// Where each code block is in the file (fences included), in document order: a
    /// number or placeholder in one is still shown to patients.
    pub code: Vec<Range<usize>>,
    /// The HTML, when the body was parsed for publishing.
    pub rendered: Option<Rendered>,
    /// Where the body first nests deeper than `MAX_NESTING` (nothing deeper is read).
    pub too_deep: Option<Range<usize>>,
    /// The body's structure, recorded during the parse for the sign-off hash
    /// (`shape` below): every block and inline element in document order, with where
    /// in its `TextBlock` each inline element starts and ends. Text is not copied.
    pub shape: Vec<u8>,
    /// Its reading scores, once computed (the readability rule and a build's page both
    /// need them).
    pub reading: std::sync::OnceLock<Option<crate::content::readability::Scores>>,
}

impl Body {
    /// A body with nothing in it (for files whose body no rule needs).
    pub const fn empty() -> Body {
        Body {
            range: 0..0,
            headings: Vec::new(),
            callouts: Vec::new(),
            links: Vec::new(),
            html: Vec::new(),
            blocks: Vec::new(),
            code: Vec::new(),
            rendered: None,
            too_deep: None,
            shape: Vec::new(),
            reading: std::sync::OnceLock::new(),
        }
    }
}

/// Block quotes, lists and inline markup nested deeper than this are not walked: no
/// real article comes near it, and a hostile one would otherwise exhaust the stack.
pub const MAX_NESTING: usize = 100;

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub range: Range<usize>,
    /// False when the next block is a heading of the same or a higher level, or the
    /// body ends: the heading has nothing under it.
    pub has_content: bool,
}

#[derive(Debug, Clone)]
pub struct Callout {
    /// The kind as written, upper-cased: `CONSULT`, `URGENT`, `NOTE`...
    pub kind: String,
    /// The whole callout.
    pub range: Range<usize>,
    /// The `[!KIND]` marker.
    pub marker: Range<usize>,
    /// The callout's visible text, title included.
    pub text: String,
    /// What holds it when it is not at the top level of the body (a list item, a block
    /// quote, a footnote, another callout): the page then does not show it as a labelled
    /// callout and the article JSON does not list it.
    pub nested_in: Option<&'static str>,
}

impl Callout {
    /// Has words to read: a letter or a digit, not only white space, punctuation or
    /// invisible characters.
    pub fn has_text(&self) -> bool {
        self.text.chars().any(char::is_alphanumeric)
    }

    /// Counts as the callout a policy requires: published as a callout (at the top
    /// level of the body, as the page and the article JSON show it) and not empty.
    pub fn counts(&self) -> bool {
        self.nested_in.is_none() && self.has_text()
    }

    /// Why it does not count, in words that follow "this callout ...".
    pub fn why_not_counted(&self) -> Option<String> {
        match self.nested_in {
            Some(place) => Some(format!(
                "sits inside {place}, where the page does not show it as a callout"
            )),
            None if !self.has_text() => Some("has no text".to_string()),
            None => None,
        }
    }
}

impl Body {
    /// Whether the body has a callout of `kind` that counts (see `Callout::counts`).
    pub fn has_callout(&self, kind: &str) -> bool {
        self.callouts.iter().any(|c| c.kind == kind && c.counts())
    }

    /// The first callout of `kind` that does not count, when none does.
    pub fn uncounted_callout(&self, kind: &str) -> Option<&Callout> {
        if self.has_callout(kind) {
            return None;
        }
        self.callouts.iter().find(|c| c.kind == kind)
    }
}

#[derive(Debug, Clone)]
pub struct Html {
    pub literal: String,
    pub range: Range<usize>,
    pub block: bool,
}

impl Html {
    /// A single HTML comment and nothing else: never published, never raw HTML.
    pub fn is_comment(&self) -> bool {
        is_comment(&self.literal)
    }
}

pub(crate) fn is_comment(literal: &str) -> bool {
    let t = literal.trim();
    t.starts_with("<!--") && t.ends_with("-->") && t.matches("-->").count() == 1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Heading,
    TableCell,
}

#[derive(Debug, Clone)]
pub struct TextBlock {
    pub kind: BlockKind,
    /// Index into `Body::callouts` when the block is inside a callout.
    pub callout: Option<usize>,
    /// Inside a list item.
    pub in_list: bool,
    pub text: String,
    pub range: Range<usize>,
    /// (offset in `text`, offset in the file) at the start of each piece of text.
    map: Vec<(usize, usize)>,
    /// The number of links in the block, and whether the block is nothing but links.
    pub links: usize,
    pub only_links: bool,
}

impl TextBlock {
    /// The file range of `text[range]`.
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.source_offset(range.start);
        let end = self.source_offset(range.end).max(start);
        start..end.min(self.range.end.max(start))
    }

    fn source_offset(&self, text_offset: usize) -> usize {
        let i = self.map.partition_point(|&(t, _)| t <= text_offset);
        match i.checked_sub(1).map(|i| self.map[i]) {
            Some((t, s)) => s + (text_offset - t),
            None => self.range.start,
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Context {
    callout: Option<usize>,
    in_list: bool,
    depth: usize,
}

struct Builder<'f> {
    file: &'f SourceFile,
    first_line: usize,
    body: Body,
    /// When the HTML is rendered: each link's index in `body.links`, in document order
    /// (the order the rendering meets their nodes in).
    document_order: Option<Vec<usize>>,
}

impl Builder<'_> {
    fn range(&self, pos: Sourcepos) -> Range<usize> {
        if pos.start.line == 0 {
            return self.body.range.start..self.body.range.start;
        }
        let start = self.start(pos);
        let end_line = self.first_line + pos.end.line.max(pos.start.line) - 1;
        let end = self
            .file
            .offset_of_byte_col(end_line, pos.end.column + 1)
            .max(start);
        start..end
    }

    /// Where a node starts (all a piece of text needs).
    fn start(&self, pos: Sourcepos) -> usize {
        if pos.start.line == 0 {
            return self.body.range.start;
        }
        self.file
            .offset_of_byte_col(self.first_line + pos.start.line - 1, pos.start.column)
    }

    fn walk_blocks<'a>(&mut self, node: &'a AstNode<'a>, cx: Context) {
        if cx.depth > MAX_NESTING {
            self.mark_too_deep(node);
            return;
        }
        let cx = Context {
            depth: cx.depth + 1,
            ..cx
        };
        for child in node.children() {
            let data = child.data();
            let recorded = shape::open_block(&mut self.body.shape, &data.value);
            // Only the kinds below that keep a range need it.
            let range = || self.range(data.sourcepos);
            match &data.value {
                NodeValue::Heading(h) => {
                    let level = h.level;
                    let range = range();
                    drop(data);
                    let has_content = heading_has_content(level, child);
                    let block = self.text_block(child, BlockKind::Heading, range.clone(), cx);
                    self.body.headings.push(Heading {
                        level,
                        text: block.text.clone(),
                        range,
                        has_content,
                    });
                    self.body.blocks.push(block);
                }
                NodeValue::Paragraph | NodeValue::CalloutTitle => {
                    let range = range();
                    drop(data);
                    let block = self.text_block(child, BlockKind::Paragraph, range, cx);
                    self.body.blocks.push(block);
                }
                NodeValue::TableCell => {
                    let range = range();
                    drop(data);
                    let block = self.text_block(child, BlockKind::TableCell, range, cx);
                    self.body.blocks.push(block);
                }
                NodeValue::Callout(c) => {
                    let kind = c.callout_type.to_uppercase();
                    let range = range();
                    drop(data);
                    let nested_in = match node.data().value {
                        NodeValue::Document => None,
                        NodeValue::Item(_) | NodeValue::TaskItem(_) => Some("a list item"),
                        NodeValue::BlockQuote | NodeValue::MultilineBlockQuote(_) => {
                            Some("a block quote")
                        }
                        NodeValue::FootnoteDefinition(_) => Some("a footnote"),
                        NodeValue::Callout(_) => Some("another callout"),
                        _ => Some("another block"),
                    };
                    let index = self.body.callouts.len();
                    let marker_end = self.file.line_range(self.file.line_of(range.start)).end;
                    self.body.callouts.push(Callout {
                        kind,
                        range: range.clone(),
                        marker: range.start..marker_end.max(range.start),
                        text: String::new(),
                        nested_in,
                    });
                    let first_block = self.body.blocks.len();
                    self.walk_blocks(
                        child,
                        Context {
                            callout: Some(index),
                            ..cx
                        },
                    );
                    let text = self.body.blocks[first_block..]
                        .iter()
                        .map(|b| b.text.as_str())
                        .collect::<Vec<_>>()
                        .join("\n");
                    self.body.callouts[index].text = text;
                }
                NodeValue::Item(_) | NodeValue::TaskItem(_) => {
                    drop(data);
                    self.walk_blocks(
                        child,
                        Context {
                            in_list: true,
                            ..cx
                        },
                    );
                }
                NodeValue::HtmlBlock(h) => {
                    let literal = h.literal.clone();
                    let range = range();
                    drop(data);
                    self.body.html.push(Html {
                        literal,
                        range,
                        block: true,
                    })
                }
                NodeValue::CodeBlock(_) => {
                    let range = range();
                    drop(data);
                    self.body.code.push(range);
                }
                NodeValue::ThematicBreak | NodeValue::FrontMatter(_) => {}
                _ => {
                    drop(data);
                    self.walk_blocks(child, cx);
                }
            }
            if recorded {
                self.body.shape.push(shape::CLOSE);
            }
        }
    }

    fn text_block<'a>(
        &mut self,
        node: &'a AstNode<'a>,
        kind: BlockKind,
        range: Range<usize>,
        cx: Context,
    ) -> TextBlock {
        let mut block = TextBlock {
            kind,
            callout: cx.callout,
            in_list: cx.in_list,
            // The text is at most about as long as its source: one allocation.
            text: String::with_capacity(range.len() + 16),
            range,
            map: Vec::with_capacity(8),
            links: 0,
            only_links: true,
        };
        self.inline(node, &mut block, false, cx.depth);
        if block.links == 0 {
            block.only_links = false;
        }
        block
    }

    fn mark_too_deep<'a>(&mut self, node: &'a AstNode<'a>) {
        if self.body.too_deep.is_none() {
            self.body.too_deep = Some(self.range(node.data().sourcepos));
        }
    }

    fn inline<'a>(
        &mut self,
        node: &'a AstNode<'a>,
        block: &mut TextBlock,
        in_link: bool,
        depth: usize,
    ) {
        if depth > MAX_NESTING {
            self.mark_too_deep(node);
            return;
        }
        for child in node.children() {
            // Borrowed, not cloned: a corpus has millions of text nodes.
            let data = child.data();
            match &data.value {
                NodeValue::Text(t) => {
                    if !in_link && !t.trim().is_empty() {
                        block.only_links = false;
                    }
                    block
                        .map
                        .push((block.text.len(), self.start(data.sourcepos)));
                    block.text.push_str(t);
                }
                NodeValue::Code(c) => {
                    if !in_link {
                        block.only_links = false;
                    }
                    let start = self.start(data.sourcepos) + c.num_backticks;
                    shape::open_inline(&mut self.body.shape, block.text.len(), b"code", b"");
                    block.map.push((block.text.len(), start));
                    block.text.push_str(&c.literal);
                    shape::close_inline(&mut self.body.shape, block.text.len());
                }
                NodeValue::SoftBreak | NodeValue::LineBreak => {
                    if matches!(data.value, NodeValue::LineBreak) {
                        let at = block.text.len();
                        shape::open_inline(&mut self.body.shape, at, b"linebreak", b"");
                        shape::close_inline(&mut self.body.shape, at);
                    }
                    block
                        .map
                        .push((block.text.len(), self.start(data.sourcepos)));
                    block.text.push(' ');
                }
                NodeValue::Link(l) | NodeValue::Image(l) => {
                    let range = self.range(data.sourcepos);
                    let image = matches!(data.value, NodeValue::Image(_));
                    let url = l.url.clone();
                    let name: &[u8] = if image { b"image" } else { b"link" };
                    shape::open_inline(
                        &mut self.body.shape,
                        block.text.len(),
                        name,
                        url.as_bytes(),
                    );
                    drop(data);
                    let slot = self.document_order.as_mut().map(|order| {
                        order.push(usize::MAX);
                        order.len() - 1
                    });
                    let start = block.text.len();
                    block.links += 1;
                    self.inline(child, block, true, depth + 1);
                    shape::close_inline(&mut self.body.shape, block.text.len());
                    if let (Some(order), Some(slot)) = (&mut self.document_order, slot) {
                        order[slot] = self.body.links.len();
                    }
                    let text = block.text[start..].to_string();
                    self.body.links.push(Link::new(url, text, image, range));
                }
                NodeValue::HtmlInline(literal) => {
                    if !is_comment(literal) {
                        let at = block.text.len();
                        shape::open_inline(&mut self.body.shape, at, b"html", literal.as_bytes());
                        shape::close_inline(&mut self.body.shape, at);
                    }
                    self.body.html.push(Html {
                        literal: literal.clone(),
                        range: self.range(data.sourcepos),
                        block: false,
                    })
                }
                NodeValue::FootnoteReference(f) => {
                    let at = block.text.len();
                    shape::open_inline(&mut self.body.shape, at, b"footnote", f.name.as_bytes());
                    shape::close_inline(&mut self.body.shape, at);
                }
                _ => {
                    let at = block.text.len();
                    let name = data.value.xml_node_name().as_bytes();
                    shape::open_inline(&mut self.body.shape, at, name, b"");
                    drop(data);
                    self.inline(child, block, in_link, depth + 1);
                    shape::close_inline(&mut self.body.shape, block.text.len());
                }
            }
        }
    }
}

/// Whether what follows `heading` among its siblings, before a heading of the same or a
/// higher level, is anything but comments.
fn heading_has_content<'a>(level: u8, heading: &'a AstNode<'a>) -> bool {
    for node in heading.following_siblings().skip(1) {
        match &node.data().value {
            NodeValue::Heading(h) => return h.level > level,
            NodeValue::HtmlBlock(h) if is_comment(&h.literal) => continue,
            _ => return true,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn body(text: &str) -> (SourceFile, Body) {
        let file = SourceFile::new(PathBuf::from("a.md"), "a.md".into(), text.to_string());
        let body = Markdown::new().body(&file, 0..file.text.len());
        (file, body)
    }

    // Callouts of any kind are found, with their text and the line of their marker.
    #[test]
    fn callouts() {
        let (file, body) = body("# T\n\nText.\n\n> [!CONSULT]\n> Ask your **midwife**.\n");
        assert_eq!(body.callouts.len(), 1);
        assert_eq!(body.callouts[0].kind, "CONSULT");
        assert!(body.callouts[0].text.contains("Ask your midwife."));
        assert_eq!(file.span(body.callouts[0].marker.clone()).line, 5);
    }

    // A word inside a paragraph maps back to its own line and column.
    #[test]
    fn text_maps_to_source() {
        let (file, body) = body("Intro line\nsee the *video* above here\n");
        let block = &body.blocks[0];
        let at = block.text.find("above").unwrap();
        let span = file.span(block.source_range(at..at + 5));
        assert_eq!((span.line, span.column), (2, 17));
    }

    // An empty last section and a heading followed by a same-level heading are empty;
    // a heading followed by a deeper heading is not.
    #[test]
    fn empty_headings() {
        let (_, body) = body("# A\n\n## B\n\n## C\n\n### D\n\ntext\n\n## E\n");
        let flags: Vec<_> = body.headings.iter().map(|h| h.has_content).collect();
        assert_eq!(flags, vec![true, false, true, true, false]);
    }

    // Links and images are collected with their URLs; HTML comments are told apart.
    #[test]
    fn links_images_html() {
        let (_, body) =
            body("See [x](article:a) and ![alt](media:b).\n\n<!-- note -->\n\n<b>x</b>\n");
        let urls: Vec<_> = body
            .links
            .iter()
            .map(|l| (l.url.as_str(), l.image))
            .collect();
        assert_eq!(urls, vec![("article:a", false), ("media:b", true)]);
        assert!(body.html[0].is_comment());
        assert!(!body.html[1].is_comment());
    }
}
