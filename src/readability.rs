//! Reading scores of prose: Flesch-Kincaid grade and SMOG, computed on paragraphs and
//! list items only (not headings, tables, lists of links or code).

use serde::Serialize;

use crate::content::markdown::{BlockKind, Body};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Scores {
    pub words: usize,
    pub sentences: usize,
    /// Flesch-Kincaid grade level, rounded to one decimal.
    pub flesch_kincaid_grade: f64,
    /// SMOG grade, rounded to one decimal.
    pub smog_grade: f64,
}

/// The scores of an article's prose, or None when it has no prose.
pub fn scores(body: &Body) -> Option<Scores> {
    let mut words = 0usize;
    let mut sentences = 0usize;
    let mut syllables = 0usize;
    let mut polysyllables = 0usize;
    for block in &body.blocks {
        if block.kind != BlockKind::Paragraph || block.only_links {
            continue;
        }
        let (w, s, syl, poly) = count(&block.text);
        if w == 0 {
            continue;
        }
        words += w;
        sentences += s.max(1);
        syllables += syl;
        polysyllables += poly;
    }
    if words == 0 {
        return None;
    }
    let (w, s) = (words as f64, sentences as f64);
    let fk = 0.39 * (w / s) + 11.8 * (syllables as f64 / w) - 15.59;
    let smog = 1.0430 * (polysyllables as f64 * (30.0 / s)).sqrt() + 3.1291;
    Some(Scores {
        words,
        sentences,
        flesch_kincaid_grade: round1(fk),
        smog_grade: round1(smog),
    })
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// (words, sentences, syllables, words of three or more syllables) in one block of prose.
/// One pass over the bytes, no allocation: this runs over every paragraph of every
/// patient article. Words are split at ASCII white space; a non-ASCII letter counts as
/// a consonant, which is right for the English these scores are made for.
fn count(text: &str) -> (usize, usize, usize, usize) {
    let (mut words, mut syllables, mut poly, mut sentences) = (0, 0, 0, 0);
    // The word in progress, counted as it is read: vowel groups so far, its length,
    // and its last three letters for the silent-e rules.
    let mut groups = 0usize;
    let mut len = 0usize;
    let mut last = [0u8; 3];
    let mut in_vowels = false;
    let mut digits = false;
    let mut prev_end = false;
    let mut finish =
        |groups: &mut usize, len: &mut usize, last: &mut [u8; 3], digits: &mut bool| {
            if *len > 0 {
                words += 1;
                let n = syllables_from(*groups, *len, *last);
                syllables += n;
                if n >= 3 {
                    poly += 1;
                }
            } else if *digits {
                words += 1;
                syllables += 1;
            }
            *groups = 0;
            *len = 0;
            *last = [0; 3];
            *digits = false;
        };
    for &b in text.as_bytes() {
        let class = CLASS[b as usize];
        let end = class == END;
        if end && !prev_end {
            sentences += 1;
        }
        prev_end = end;
        match class {
            SPACE => {
                finish(&mut groups, &mut len, &mut last, &mut digits);
                in_vowels = false;
            }
            VOWEL | CONSONANT => {
                let v = class == VOWEL;
                if v && !in_vowels {
                    groups += 1;
                }
                in_vowels = v;
                last = [last[1], last[2], LOWER[b as usize]];
                len += 1;
            }
            DIGIT => digits = true,
            _ => {}
        }
    }
    finish(&mut groups, &mut len, &mut last, &mut digits);
    (words, sentences, syllables, poly)
}

const OTHER: u8 = 0;
const SPACE: u8 = 1;
const VOWEL: u8 = 2;
const CONSONANT: u8 = 3;
const DIGIT: u8 = 4;
const END: u8 = 5;

/// What each byte is, for the one-pass count: a table lookup instead of a chain of tests.
/// The first byte of a non-ASCII character counts as a consonant letter.
static CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_whitespace() {
            SPACE
        } else if c.is_ascii_digit() {
            DIGIT
        } else if c == b'.' || c == b'!' || c == b'?' {
            END
        } else if c.is_ascii_alphabetic() {
            match c.to_ascii_lowercase() {
                b'a' | b'e' | b'i' | b'o' | b'u' | b'y' => VOWEL,
                _ => CONSONANT,
            }
        } else if c >= 0xc0 {
            CONSONANT
        } else {
            OTHER
        };
        b += 1;
    }
    t
};

/// The lower-case letter of a byte (`x` for the start of a non-ASCII character).
static LOWER: [u8; 256] = {
    let mut t = [b'x'; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).to_ascii_lowercase();
        b += 1;
    }
    t
};

/// Syllables of a word from its vowel groups, its length and its last three letters.
fn syllables_from(groups: usize, n: usize, last: [u8; 3]) -> usize {
    let is_vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let mut count = groups;
    let [c3, c2, c1] = last;
    // A final e is silent ("hope"), except after a consonant and l ("table").
    let consonant_le = n > 2 && c2 == b'l' && !is_vowel(c3);
    if n > 2 && c1 == b'e' && !is_vowel(c2) && !consonant_le {
        count = count.saturating_sub(1);
    }
    // "hopes", "moved": usually silent; "rested" keeps it.
    if n > 3
        && ((c2 == b'e' && (c1 == b's' || c1 == b'd'))
            && !matches!(c3, b't' | b'd' | b's' | b'x' | b'z' | b'c' | b'g'))
    {
        count = count.saturating_sub(1);
    }
    count.max(1)
}

/// A standard heuristic: vowel groups, less a silent final e, at least one.
pub fn syllables_in(word: &str) -> usize {
    let (_, _, syllables, _) = count(word);
    syllables
}

#[cfg(test)]
mod tests {
    use super::*;

    // The heuristic gets common words right.
    #[test]
    fn syllables() {
        for (w, n) in [
            ("back", 1),
            ("pregnancy", 3),
            ("table", 2),
            ("midwife", 2),
            ("hopes", 1),
            ("rested", 2),
        ] {
            assert_eq!(syllables_in(w), n, "{w}");
        }
    }

    // Short plain sentences score low; long polysyllabic ones high.
    #[test]
    fn grades_order() {
        let (w1, s1, y1, _) = count("Rest when you can. Walk a bit each day.");
        let (w2, s2, y2, _) = count(
            "Musculoskeletal discomfort frequently accompanies physiological adaptations throughout gestation.",
        );
        let g = |w: usize, s: usize, y: usize| {
            0.39 * (w as f64 / s as f64) + 11.8 * (y as f64 / w as f64) - 15.59
        };
        assert!(g(w1, s1, y1) < 3.0);
        assert!(g(w2, s2, y2) > 15.0);
    }
}
