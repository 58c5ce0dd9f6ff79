//! The one place where LSP positions meet byte offsets. LSP counts a line's characters
//! in UTF-16 code units unless the client and server agree on UTF-8 (`positionEncoding`);
//! healthpress counts bytes. Every position a client sends is clamped: a line past the
//! end is the end of the text, a character past the end of its line is the end of the
//! line, a position inside a character (half a surrogate pair) is that character's start.

use lsp_types::{Position, Range};

use crate::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// The LSP position of byte `offset` of `file`'s text (clamped to a character boundary).
pub fn position(file: &SourceFile, offset: usize, enc: Encoding) -> Position {
    let text = &file.text;
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = file.line_of(offset);
    let start = file.line_start(line);
    let character: usize = text[start..offset].chars().map(|c| enc.units(c)).sum();
    Position::new(
        (line - 1).min(u32::MAX as usize) as u32,
        character.min(u32::MAX as usize) as u32,
    )
}

pub fn range(file: &SourceFile, bytes: std::ops::Range<usize>, enc: Encoding) -> Range {
    Range::new(
        position(file, bytes.start, enc),
        position(file, bytes.end.max(bytes.start), enc),
    )
}

/// The byte offset of an LSP position in `file`'s text, clamped as the module says.
pub fn offset(file: &SourceFile, pos: Position, enc: Encoding) -> usize {
    let line = pos.line as usize + 1;
    if line > file.line_count() {
        return file.text.len();
    }
    let line_range = file.line_range(line);
    let mut units = 0usize;
    for (i, c) in file.text[line_range.clone()].char_indices() {
        let next = units + enc.units(c);
        if next > pos.character as usize {
            return line_range.start + i;
        }
        units = next;
    }
    line_range.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::PathBuf;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("a.md"), "a.md".into(), text.to_string())
    }

    /// The plain reference: walk the text character by character, counting lines and units.
    fn reference(text: &str, offset: usize, enc: Encoding) -> Position {
        let (mut line, mut col) = (0u32, 0u32);
        for (i, c) in text.char_indices() {
            if i >= offset {
                break;
            }
            if c == '\n' {
                line += 1;
                col = 0;
            } else {
                col += enc.units(c) as u32;
            }
        }
        Position::new(line, col)
    }

    fn texts() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("a"),
                Just("é"),
                Just("😀"),
                Just("\n"),
                Just("\r\n"),
                Just("中"),
                Just(" ")
            ],
            0..40,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(crate::proptest_cases(256))]
        // Byte offset to LSP position agrees with a plain walk of the text, in both
        // encodings, and the way back lands on the same offset (except inside a CR LF,
        // where the line's end is where the position points).
        #[test]
        fn offsets_and_positions_agree_with_a_plain_walk(text in texts(), pick in 0usize..200) {
            let f = file(&text);
            let offset = if text.is_empty() { 0 } else { pick % (text.len() + 1) };
            prop_assume!(text.is_char_boundary(offset));
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let p = position(&f, offset, enc);
                // SourceFile's lines are split at '\n' only, so a CR counts as a character.
                prop_assert_eq!(p, reference(&text, offset, enc));
                let back = offset_of_reference(&text, p, enc);
                prop_assert_eq!(super::offset(&f, p, enc), back);
            }
        }

        // Any position at all, however far out, gives an offset on a character boundary
        // within the text.
        #[test]
        fn any_position_is_clamped(text in texts(), line in 0u32..50, character in 0u32..100) {
            let f = file(&text);
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let o = super::offset(&f, Position::new(line, character), enc);
                prop_assert!(o <= text.len() && text.is_char_boundary(o));
            }
        }
    }

    /// The reference for the way back: the first offset of the line whose units reach
    /// the character, or the line's end (before its line break).
    fn offset_of_reference(text: &str, p: Position, enc: Encoding) -> usize {
        let mut line = 0u32;
        let mut col = 0usize;
        for (i, c) in text.char_indices() {
            if line == p.line {
                let at_end = c == '\n' || (c == '\r' && text[i..].starts_with("\r\n"));
                if at_end || col + enc.units(c) > p.character as usize {
                    return i;
                }
                col += enc.units(c);
            } else if c == '\n' {
                line += 1;
            }
        }
        text.len()
    }

    // A surrogate pair counts two UTF-16 units and one character; its middle is its start.
    #[test]
    fn emoji_is_two_utf16_units() {
        let f = file("😀x\n");
        assert_eq!(position(&f, 4, Encoding::Utf16), Position::new(0, 2));
        assert_eq!(position(&f, 4, Encoding::Utf8), Position::new(0, 4));
        assert_eq!(offset(&f, Position::new(0, 1), Encoding::Utf16), 0);
        assert_eq!(
            offset(&f, Position::new(9, 9), Encoding::Utf16),
            f.text.len()
        );
    }
}
