//! One file's text and the one place where positions are converted: comrak gives
//! lines and byte columns, saphyr lines and character columns, reports want
//! 1-based lines, character columns and byte ranges.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostic::Span;

#[derive(Debug)]
pub struct SourceFile {
    /// Where the file was read from.
    pub path: PathBuf,
    /// The name reports show: relative to the project root, `/`-separated.
    pub name: Arc<str>,
    /// The text, with a leading byte-order mark removed.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: PathBuf, name: Arc<str>, mut text: String) -> SourceFile {
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        // Lines run some 40 to 80 bytes in Markdown: sized once, not grown eight times.
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 8);
        line_starts.push(0);
        line_starts.extend(memchr_newlines(&text));
        SourceFile {
            path,
            name,
            text,
            line_starts,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where 1-based `line` starts (clamped to the end of the text).
    pub fn line_start(&self, line: usize) -> usize {
        match line.checked_sub(1).and_then(|i| self.line_starts.get(i)) {
            Some(&start) => start,
            None => self.text.len(),
        }
    }

    /// The byte range of 1-based `line`, without its line ending.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let start = self.line_start(line);
        let mut end = self.line_start(line + 1);
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    /// 1-based line containing byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Byte offset of a 1-based line and 1-based byte column (comrak's positions).
    pub fn offset_of_byte_col(&self, line: usize, column: usize) -> usize {
        let range = self.line_range(line);
        self.floor_char(range.start + column.saturating_sub(1))
            .min(range.end.max(range.start))
    }

    /// Byte offset of a 1-based line and 0-based character column (saphyr's positions).
    pub fn offset_of_char_col(&self, line: usize, column: usize) -> usize {
        let range = self.line_range(line);
        let text = &self.text[range.clone()];
        match text.char_indices().nth(column) {
            Some((i, _)) => range.start + i,
            None => range.end,
        }
    }

    fn floor_char(&self, mut offset: usize) -> usize {
        offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The span of a byte range, with 1-based lines and character columns.
    pub fn span(&self, range: Range<usize>) -> Span {
        let start = self.floor_char(range.start);
        let end = self.floor_char(range.end.max(start));
        let (line, column) = self.line_col(start);
        let (end_line, end_column) = self.line_col(end);
        Span {
            start,
            end,
            line,
            column,
            end_line,
            end_column,
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let column = self.text[start..offset].chars().count() + 1;
        (line, column)
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("a.md"), "a.md".into(), text.to_string())
    }

    // Character columns, not bytes, after a multi-byte character; CRLF lines keep their ends off.
    #[test]
    fn positions_count_characters_and_ignore_crlf() {
        let f = file("ab\r\né x\r\n");
        let x = f.text.find('x').unwrap();
        let span = f.span(x..x + 1);
        assert_eq!((span.line, span.column), (2, 3));
        assert_eq!(&f.text[f.line_range(1)], "ab");
        assert_eq!(f.offset_of_char_col(2, 2), x);
        assert_eq!(f.offset_of_byte_col(2, 4), x);
    }

    // A byte-order mark is dropped so that column 1 is the first visible character.
    #[test]
    fn bom_is_removed() {
        let f = file("\u{feff}---\n");
        assert_eq!(f.text, "---\n");
    }
}
