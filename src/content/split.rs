//! Split a file into its YAML front matter and its Markdown body.

use std::ops::Range;

/// Where the parts of a file are, as byte ranges of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// The YAML between the two `---` lines.
    pub yaml: Range<usize>,
    /// Everything after the closing `---` line.
    pub body: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The first line is not `---`.
    Missing,
    /// `---` opens the front matter but no line closes it; the range is the opening line.
    Unterminated(Range<usize>),
}

/// Split `text` (a leading BOM already removed). CRLF line endings are fine, and so is
/// trailing white space after a delimiter.
pub fn split(text: &str) -> Result<Parts, SplitError> {
    let mut lines = LineIter { text, pos: 0 };
    let Some(first) = lines.next() else {
        return Err(SplitError::Missing);
    };
    if !is_delimiter(&text[first.content.clone()]) {
        return Err(SplitError::Missing);
    }
    let yaml_start = first.next;
    for line in lines {
        if is_delimiter(&text[line.content.clone()]) {
            return Ok(Parts {
                yaml: yaml_start..line.content.start,
                body: line.next..text.len(),
            });
        }
    }
    Err(SplitError::Unterminated(first.content))
}

fn is_delimiter(line: &str) -> bool {
    line.trim_end() == "---"
}

struct Line {
    /// The line without its ending.
    content: Range<usize>,
    /// Where the next line starts.
    next: usize,
}

struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for LineIter<'_> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.text[start..];
        let (end, next) = match rest.find('\n') {
            Some(i) => (start + i, start + i + 1),
            None => (self.text.len(), self.text.len()),
        };
        let content_end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        self.pos = next;
        Some(Line {
            content: start..content_end,
            next,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // LF and CRLF files split at the same logical places.
    #[test]
    fn splits_lf_and_crlf() {
        for nl in ["\n", "\r\n"] {
            let text = format!("---{nl}id: a{nl}---{nl}# Body{nl}");
            let parts = split(&text).unwrap();
            assert_eq!(text[parts.yaml.clone()].trim_end(), "id: a");
            assert!(text[parts.body.clone()].starts_with("# Body"));
        }
    }

    // No opening line is Missing; an opening line with no closing one is Unterminated.
    #[test]
    fn missing_and_unterminated() {
        assert_eq!(split("# Title\n"), Err(SplitError::Missing));
        assert_eq!(split(""), Err(SplitError::Missing));
        assert_eq!(split("---\nid: a\n"), Err(SplitError::Unterminated(0..3)));
    }

    // Empty front matter and a file that ends right after the closing line.
    #[test]
    fn empty_parts() {
        let parts = split("---\n---").unwrap();
        assert_eq!(parts.yaml, 4..4);
        assert_eq!(parts.body, 7..7);
    }
}
