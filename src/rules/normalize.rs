//! The text the prose rules read: invisible characters removed and compatibility forms
//! folded, with a map back to where each piece was written, so that `TO\u{200B}DO`,
//! `ＴＯＤＯ`, `9\u{00AD}11` or a `lorem` with a Cyrillic `о` cannot dodge a rule and
//! a finding still points at the exact column of the source.
//!
//! What is folded:
//! - Default-ignorable code points (zero-width spaces and joiners, soft hyphens, word
//!   joiners, bidi controls, variation selectors, tags; Unicode's
//!   `Default_Ignorable_Code_Point`) and the keycap mark U+20E3 are removed.
//! - Each character is replaced by its NFKC form: full-width letters and digits,
//!   ligatures, non-breaking and other spaces, `…`.
//! - Every decimal digit (`Nd`: Arabic-Indic, Devanagari and the rest) becomes its ASCII
//!   digit, and every hyphen, the en dash and the minus sign an ASCII hyphen.
//! - In a word that mixes Latin letters with letters of another script, each of those
//!   that looks like a Latin letter (its UTS 39 skeleton is one) becomes that letter.
//!
//! A text that is all ASCII, the common case, is borrowed as it is.

use std::borrow::Cow;
use std::ops::Range;

use unicode_normalization::{IsNormalized, UnicodeNormalization};
use unicode_script::{Script, UnicodeScript};

/// A text as the prose rules read it.
#[derive(Debug, Clone)]
pub struct Normal<'t> {
    pub text: Cow<'t, str>,
    /// Empty when `text` is the source itself; else, in order, where each piece of
    /// `text` starts and where it came from.
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    /// Start in the normalised text.
    at: usize,
    /// Start in the source.
    from: usize,
    /// For a folded character, its length in the source; 0 for a stretch copied as it is.
    folded: usize,
}

impl<'t> Normal<'t> {
    pub fn new(source: &'t str) -> Normal<'t> {
        if source.is_ascii() {
            return Normal {
                text: Cow::Borrowed(source),
                pieces: Vec::new(),
            };
        }
        let mut text = String::with_capacity(source.len());
        let mut pieces: Vec<Piece> = Vec::new();
        // Whether the last piece is a copied stretch that the next copied character extends.
        let mut copying = false;
        // The end of the current word in the source, and whether it mixes scripts.
        let mut word: Option<(usize, bool)> = None;
        let mut buf = [0u8; 4];
        for (i, c) in source.char_indices() {
            if c.is_ascii() {
                if !copying {
                    pieces.push(Piece {
                        at: text.len(),
                        from: i,
                        folded: 0,
                    });
                    copying = true;
                }
                text.push(c);
                continue;
            }
            let start = text.len();
            let mut mixed = || {
                if word.is_none_or(|(end, _)| i >= end) {
                    word = Some(word_at(source, i));
                }
                word.is_some_and(|(_, m)| m)
            };
            match fold(c, &mut text, &mut mixed) {
                Fold::Same => {
                    if !copying {
                        pieces.push(Piece {
                            at: start,
                            from: i,
                            folded: 0,
                        });
                        copying = true;
                    }
                    text.push_str(c.encode_utf8(&mut buf));
                }
                Fold::Dropped => copying = false,
                Fold::Changed => {
                    pieces.push(Piece {
                        at: start,
                        from: i,
                        folded: c.len_utf8(),
                    });
                    copying = false;
                }
            }
        }
        if pieces.len() == 1 && pieces[0].folded == 0 && text.len() == source.len() {
            // Nothing was folded (typographic quotes, em dashes): the source will do.
            return Normal {
                text: Cow::Borrowed(source),
                pieces: Vec::new(),
            };
        }
        Normal {
            text: Cow::Owned(text),
            pieces,
        }
    }

    /// Whether the text is the source itself.
    pub fn unchanged(&self) -> bool {
        matches!(self.text, Cow::Borrowed(_))
    }

    /// The source range of `self.text[range]`: a folded character is covered whole,
    /// and characters removed at either edge are left out.
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        if self.pieces.is_empty() {
            return range;
        }
        let start = self.source_start(range.start);
        let end = if range.end > range.start {
            self.source_end(range.end)
        } else {
            start
        };
        start..end.max(start)
    }

    fn source_start(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.at <= at);
        match i.checked_sub(1).map(|i| self.pieces[i]) {
            Some(p) if p.folded > 0 => {
                // Past a folded character's text only at the very end of the text.
                let end = self.pieces.get(i).map_or(self.text.len(), |n| n.at);
                if at >= end { p.from + p.folded } else { p.from }
            }
            Some(p) => p.from + (at - p.at),
            None => 0,
        }
    }

    fn source_end(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.at < at);
        match i.checked_sub(1).map(|i| self.pieces[i]) {
            Some(p) if p.folded > 0 => p.from + p.folded,
            Some(p) => p.from + (at - p.at),
            None => 0,
        }
    }
}

enum Fold {
    Same,
    Dropped,
    Changed,
}

/// Append what `c` (not ASCII) reads as to `out`, unless it is the same as `c`.
/// `mixed` says whether the word `c` is in mixes Latin with another script (asked only
/// for a letter that looks like a Latin one).
fn fold(c: char, out: &mut String, mixed: &mut impl FnMut() -> bool) -> Fold {
    if is_ignorable(c) || c == '\u{20e3}' {
        return Fold::Dropped;
    }
    if let Some(d) = ascii_digit(c) {
        out.push(d);
        return Fold::Changed;
    }
    if is_dash(c) {
        out.push('-');
        return Fold::Changed;
    }
    if let Some(l) = latin_lookalike(c)
        && mixed()
    {
        out.push(l);
        return Fold::Changed;
    }
    // Most characters are their own NFKC form, and the quick check says so from a table.
    if unicode_normalization::is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes {
        return Fold::Same;
    }
    let mut nfkc = std::iter::once(c).nfkc();
    let first = nfkc.next();
    let second = nfkc.next();
    if first == Some(c) && second.is_none() {
        return Fold::Same;
    }
    for f in first.into_iter().chain(second).chain(nfkc) {
        match (ascii_digit(f), is_dash(f)) {
            (Some(d), _) => out.push(d),
            (None, true) => out.push('-'),
            (None, false) => out.push(f),
        }
    }
    Fold::Changed
}

/// Unicode's `Default_Ignorable_Code_Point` (DerivedCoreProperties.txt): characters
/// that show nothing, so a reader never sees them. A test holds this to the list
/// `unicode-security` removes when it computes a skeleton.
pub fn is_ignorable(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{115f}'..='\u{1160}' | '\u{17b4}'..='\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}'
        | '\u{ffa0}' | '\u{fff0}'..='\u{fff8}' | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}' | '\u{e0000}'..='\u{e0fff}')
}

/// The controls that reorder the text around them (embeddings, overrides, isolates):
/// what a patient reads is not what the file says.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Hyphens, the figure and en dash (ranges: `111–115`) and the minus sign. The em dash
/// and the bar are kept: they part clauses (`call 911—now`), not numbers.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'..='\u{2013}' | '\u{2212}' | '\u{fe63}' | '\u{ff0d}'
    )
}

/// The ASCII digit a decimal digit of any script stands for. Unicode keeps each
/// script's digits in a run of ten code points from 0 to 9, so the value is the
/// distance from the run's start.
fn ascii_digit(c: char) -> Option<char> {
    use unicode_general_category::{GeneralCategory, get_general_category};
    let is_digit = |c: char| get_general_category(c) == GeneralCategory::DecimalNumber;
    if c.is_ascii() || !is_digit(c) {
        return None;
    }
    let mut n = 0u32;
    let mut at = c as u32;
    while n < 200 {
        match char::from_u32(at.wrapping_sub(1)) {
            Some(p) if is_digit(p) && !p.is_ascii() => {
                n += 1;
                at -= 1;
            }
            _ => break,
        }
    }
    char::from_digit(n % 10, 10)
}

/// The Latin letter that `c`, a letter of another script, looks like (Cyrillic `о`,
/// Greek `ο`), as UTS 39's confusables say; `None` for any other character.
pub fn latin_lookalike(c: char) -> Option<char> {
    if !c.is_alphabetic()
        || matches!(
            c.script(),
            Script::Latin | Script::Common | Script::Inherited
        )
    {
        return None;
    }
    let mut buf = [0u8; 4];
    let mut s = unicode_security::skeleton(c.encode_utf8(&mut buf));
    match (s.next(), s.next()) {
        (Some(l), None) if l.is_ascii_alphabetic() => Some(l),
        _ => None,
    }
}

/// A Latin letter (of any width).
pub fn is_latin_letter(c: char) -> bool {
    c.is_alphabetic() && c.script() == Script::Latin
}

/// Part of a word: a letter, digit or mark, or an invisible character inside one.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_ignorable(c) || (!c.is_ascii() && c.script() == Script::Inherited)
}

/// The end of the word holding the character at `i`, and whether that word mixes Latin
/// letters with letters of another script that look like Latin ones.
fn word_at(text: &str, i: usize) -> (usize, bool) {
    let r = word_range(text, i);
    (r.end, mixes_scripts(&text[r]))
}

/// The word (see `is_word_char`) holding the character at `i`.
pub fn word_range(text: &str, i: usize) -> Range<usize> {
    let start = text[..i]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(0, |(j, c)| j + c.len_utf8());
    let end = text[i..]
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(text.len(), |(j, _)| i + j);
    start..end
}

/// Whether `word` holds a Latin letter and a letter of another script that looks like one.
pub fn mixes_scripts(word: &str) -> bool {
    word.chars().any(is_latin_letter) && word.chars().any(|c| latin_lookalike(c).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    // The examples of the issue read as what a patient sees.
    #[test]
    fn hidden_forms_read_plainly() {
        for (written, read) in [
            ("TO\u{200b}DO", "TODO"),
            ("ＴＯＤＯ", "TODO"),
            ("l\u{43e}rem ipsum", "lorem ipsum"),
            ("\u{441}ur\u{435}", "cure"),
            ("guaran\u{200d}teed", "guaranteed"),
            ("９１１", "911"),
            ("9\u{200b}11", "911"),
            ("9\u{ad}11", "911"),
            ("9\u{2060}11", "911"),
            ("9\u{202e}11", "911"),
            ("\u{669}\u{661}\u{661}", "911"),
            ("\u{96f}\u{967}\u{967}", "911"),
            ("9\u{fe0f}\u{20e3}1\u{fe0f}\u{20e3}1\u{fe0f}\u{20e3}", "911"),
            ("9\u{2011}1\u{2011}1", "9-1-1"),
            ("9\u{a0}1\u{a0}1", "9 1 1"),
            ("It\u{2019}s 5 \u{3bc}g", "It\u{2019}s 5 \u{3bc}g"),
            (
                "\u{43f}\u{440}\u{438}\u{432}\u{435}\u{442}",
                "\u{43f}\u{440}\u{438}\u{432}\u{435}\u{442}",
            ),
        ] {
            assert_eq!(Normal::new(written).text, read, "{written:?}");
        }
    }

    // A match in the normalised text maps back to exactly the characters it came from.
    #[test]
    fn ranges_map_back() {
        let src = "Call ９\u{200b}１１ now";
        let n = Normal::new(src);
        let at = n.text.find("911").unwrap();
        assert_eq!(&src[n.source_range(at..at + 3)], "９\u{200b}１１");
        let at = n.text.find("now").unwrap();
        assert_eq!(&src[n.source_range(at..at + 3)], "now");
    }

    /// What the normaliser is made of: ASCII, the characters it removes or folds, and
    /// characters it keeps.
    const PIECES: &[&str] = &[
        "a",
        "o",
        "e",
        "c",
        " ",
        "9",
        "1",
        "-",
        ".",
        "\u{200b}",
        "\u{ad}",
        "\u{2060}",
        "\u{202e}",
        "\u{200d}",
        "\u{feff}",
        "\u{ff19}",
        "\u{ff34}",
        "\u{661}",
        "\u{969}",
        "\u{43e}",
        "\u{435}",
        "\u{3bf}",
        "\u{3bc}",
        "\u{2019}",
        "\u{2013}",
        "\u{a0}",
        "\u{fb01}",
        "\u{2026}",
        "\u{e9}",
        "e\u{301}",
        "\u{5d0}",
        "\u{4e2d}",
        "\u{1f600}",
        "\u{20e3}",
        "\u{fe0f}",
    ];

    /// The reference: one character at a time, by the definitions above, with its
    /// source range.
    fn naive(src: &str) -> (String, Vec<(Range<usize>, String)>) {
        let mut out = String::new();
        let mut parts = Vec::new();
        for (i, c) in src.char_indices() {
            let r = i..i + c.len_utf8();
            let read: String = if is_ignorable(c) || c == '\u{20e3}' {
                String::new()
            } else if let (Some(l), true) =
                (latin_lookalike(c), mixes_scripts(&src[word_range(src, i)]))
            {
                l.to_string()
            } else {
                std::iter::once(c)
                    .nfkc()
                    .map(|f| match f {
                        f if f.is_ascii() => f,
                        f if is_dash(f) => '-',
                        f => ascii_digit(f).unwrap_or(f),
                    })
                    .collect()
            };
            out.push_str(&read);
            parts.push((r, read));
        }
        (out, parts)
    }

    proptest! {
        #![proptest_config(crate::proptest_cases(2000))]

        // The normalised text is the reference's, and each character's text maps back
        // to that character's place in the source.
        #[test]
        fn matches_the_naive_reference(pieces in proptest::collection::vec(select(PIECES), 0..24)) {
            let src: String = pieces.concat();
            let n = Normal::new(&src);
            let (want, parts) = naive(&src);
            prop_assert_eq!(n.text.as_ref(), want.as_str());
            let mut at = 0;
            for (range, read) in parts {
                if !read.is_empty() {
                    let back = n.source_range(at..at + read.len());
                    prop_assert_eq!(back, range.clone(), "{:?} of {:?}", read, src);
                }
                at += read.len();
            }
        }
    }

    // Every character `unicode-security` drops from a skeleton is one `is_ignorable`
    // names, and the other way round.
    #[test]
    fn ignorable_is_unicodes_list() {
        let mut buf = [0u8; 4];
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            let dropped = unicode_security::skeleton(c.encode_utf8(&mut buf))
                .next()
                .is_none();
            assert_eq!(dropped, is_ignorable(c), "U+{:04X}", c as u32);
        }
    }

    // Each run of decimal digits reads as 0 to 9, whatever the script.
    #[test]
    fn digits_of_every_script() {
        for zero in [
            '\u{660}',
            '\u{966}',
            '\u{9e6}',
            '\u{ff10}',
            '\u{1d7ce}',
            '\u{1d7d8}',
        ] {
            for d in 0..10u32 {
                let c = char::from_u32(zero as u32 + d).unwrap();
                let read = Normal::new(&c.to_string()).text.into_owned();
                assert_eq!(read, d.to_string(), "U+{:04X}", c as u32);
            }
        }
    }
}
