//! The structure of a Markdown body, recorded while it is parsed (`Body::shape`) so
//! that the sign-off hash covers it without parsing again: which blocks there are and
//! how they nest (a callout, a list and its items, a table and its rows and cells),
//! and where each inline element (emphasis, a link and its address, code) starts and
//! ends in its block's text. The text itself is not copied: each leaf block (a
//! paragraph, heading, callout title or table cell) stands for the next `TextBlock`.
//! HTML comments are not recorded: readers never see them.
//!
//! The bytes: `OPEN name 0` a block, `LEAF name 0` a leaf block, `CLOSE` the end of
//! either; `INLINE at len detail` an inline element opening at byte `at` of its
//! block's text and `END at` its end; `LITERAL len bytes` the text of a code or HTML
//! block. Numbers are four bytes, little-endian. The marker bytes never occur in UTF-8.

use comrak::nodes::{ListType, NodeValue};

pub const OPEN: u8 = 0xf8;
pub const CLOSE: u8 = 0xf9;
pub const LEAF: u8 = 0xfa;
pub const INLINE: u8 = 0xfc;
pub const END: u8 = 0xfd;
pub const LITERAL: u8 = 0xfe;

fn number(shape: &mut Vec<u8>, n: usize) {
    shape.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

/// Record the start of a block; false when it is not recorded (an HTML comment), and
/// so is not closed either.
pub fn open_block(shape: &mut Vec<u8>, value: &NodeValue) -> bool {
    use std::io::Write;
    let leaf = matches!(
        value,
        NodeValue::Heading(_)
            | NodeValue::Paragraph
            | NodeValue::CalloutTitle
            | NodeValue::TableCell
    );
    if let NodeValue::HtmlBlock(h) = value
        && super::markdown::is_comment(&h.literal)
    {
        return false;
    }
    shape.push(if leaf { LEAF } else { OPEN });
    shape.extend_from_slice(value.xml_node_name().as_bytes());
    // What of a block's own settings shows on the page (writing to a Vec cannot fail).
    let _ = match value {
        NodeValue::Heading(h) => write!(shape, " {}", h.level),
        NodeValue::List(l) => write!(
            shape,
            " {} {} {} {}",
            matches!(l.list_type, ListType::Ordered),
            l.start,
            l.tight,
            l.is_task_list
        ),
        NodeValue::TaskItem(c) => write!(shape, " {c:?}"),
        NodeValue::Callout(c) => write!(shape, " {}", c.callout_type.to_uppercase()),
        NodeValue::TableRow(header) => write!(shape, " {header}"),
        NodeValue::Table(t) => write!(shape, " {:?}", t.alignments),
        NodeValue::CodeBlock(c) => write!(shape, " {} {}", c.fenced, c.info),
        _ => Ok(()),
    };
    shape.push(0);
    if let NodeValue::CodeBlock(c) = value {
        literal(shape, &c.literal);
    }
    if let NodeValue::HtmlBlock(h) = value {
        literal(shape, &h.literal);
    }
    true
}

fn literal(shape: &mut Vec<u8>, text: &str) {
    shape.push(LITERAL);
    number(shape, text.len());
    shape.extend_from_slice(text.as_bytes());
}

/// An inline element opening at byte `at` of its block's text: its kind and any
/// detail (a link's address, an HTML tag).
pub fn open_inline(shape: &mut Vec<u8>, at: usize, name: &[u8], detail: &[u8]) {
    shape.push(INLINE);
    number(shape, at);
    number(shape, name.len() + 1 + detail.len());
    shape.extend_from_slice(name);
    shape.push(b' ');
    shape.extend_from_slice(detail);
}

/// The end of the innermost open inline element, at byte `at` of the block's text.
pub fn close_inline(shape: &mut Vec<u8>, at: usize) {
    shape.push(END);
    number(shape, at);
}

/// One step of a recorded shape, in document order.
#[derive(Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// A block starts (`leaf`: its text is the next `TextBlock`'s).
    Open {
        name: &'a [u8],
        leaf: bool,
    },
    Close,
    /// An inline element opens at byte `at` of the current leaf's text.
    Inline {
        at: usize,
        name: &'a [u8],
    },
    /// The innermost inline element ends at byte `at`.
    End {
        at: usize,
    },
    /// The text of a code or HTML block.
    Literal(&'a [u8]),
}

/// The events of a shape. It stops at anything it cannot read (never from a shape
/// that `open_block` and the others wrote).
pub fn events(shape: &[u8]) -> impl Iterator<Item = Event<'_>> {
    let mut i = 0;
    std::iter::from_fn(move || {
        let num = |at: usize| -> Option<usize> {
            let b: [u8; 4] = shape.get(at..at + 4)?.try_into().ok()?;
            Some(u32::from_le_bytes(b) as usize)
        };
        let marker = *shape.get(i)?;
        i += 1;
        match marker {
            OPEN | LEAF => {
                let len = shape[i..].iter().position(|&b| b == 0)?;
                let name = &shape[i..i + len];
                i += len + 1;
                Some(Event::Open {
                    name,
                    leaf: marker == LEAF,
                })
            }
            CLOSE => Some(Event::Close),
            INLINE => {
                let at = num(i)?;
                let len = num(i + 4)?;
                let name = shape.get(i + 8..i + 8 + len)?;
                i += 8 + len;
                Some(Event::Inline { at, name })
            }
            END => {
                let at = num(i)?;
                i += 4;
                Some(Event::End { at })
            }
            LITERAL => {
                let len = num(i)?;
                let text = shape.get(i + 4..i + 4 + len)?;
                i += 4 + len;
                Some(Event::Literal(text))
            }
            _ => {
                i = shape.len();
                None
            }
        }
    })
}
