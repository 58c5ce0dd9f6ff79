//! Reading scores of an article's prose: Flesch-Kincaid grade and SMOG, computed on
//! paragraphs and list items only (not headings, tables, lists of links or code). Part
//! of content because the parsed body caches them (`Body::reading`) for the
//! `readability` rule and the bundle alike.

use serde::Serialize;

use super::markdown::{BlockKind, Body};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Scores {
    pub words: usize,
    pub sentences: usize,
    /// Flesch-Kincaid grade level, rounded to one decimal.
    pub flesch_kincaid_grade: f64,
    /// SMOG grade, rounded to one decimal.
    pub smog_grade: f64,
}

/// The scores of an article's prose, or None when it has no prose. Computed once per
/// body.
pub fn scores(body: &Body) -> Option<Scores> {
    *body.reading.get_or_init(|| compute(body))
}

fn compute(body: &Body) -> Option<Scores> {
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
/// This runs over every paragraph of every patient article, so it reads 64 bytes at a
/// time as bit masks (a bit per byte), with no branch per byte or per word. It gives
/// exactly what a byte-at-a-time count gives (`count_reference` in the tests): the
/// scores are published. Words are split at ASCII white space; a non-ASCII letter
/// counts as a consonant, which is right for the English these scores are made for.
fn count(text: &str) -> (usize, usize, usize, usize) {
    let bytes = text.as_bytes();
    let mut c = Counter::default();
    let mut chunks = bytes.chunks_exact(64);
    for (i, chunk) in (&mut chunks).enumerate() {
        c.block(bytes, 64 * i, chunk.try_into().expect("chunks of 64 bytes"));
    }
    // A space after the text ends its last word; the zero bytes after it count for nothing.
    let rest = chunks.remainder();
    let mut last = [0u8; 64];
    last[..rest.len()].copy_from_slice(rest);
    last[rest.len()] = b' ';
    c.block(bytes, bytes.len() - rest.len(), &last);
    (c.words, c.sentences, c.syllables, c.poly)
}

/// The counts so far, and what a block needs to know of the bytes before it: the
/// previous block's letter masks, and the value of each fill at its last byte.
#[derive(Default)]
struct Counter {
    words: usize,
    sentences: usize,
    syllables: usize,
    poly: usize,
    prev: Letters,
    prev_has_letter: u64,
    space: u64,
    end: u64,
    in_vowels: u64,
    groups: [u64; 4],
    has_letter: u64,
    has_word: u64,
    silent: u64,
    odd: u64,
}

/// Letter masks of a block, one bit per byte.
#[derive(Default, Clone, Copy)]
struct Letters {
    letter: u64,
    vowel: u64,
    e: u64,
    l: u64,
    /// `s` or `d`.
    sd: u64,
    /// One of `tdsxzcg` (non-ASCII letters count as `x`).
    tdsxzcg: u64,
}

impl Counter {
    /// Count a block of 64 bytes that starts at `base` in `text`. Each count is a
    /// population count of masks: a word's totals are read at the space after it.
    #[inline(always)]
    fn block(&mut self, text: &[u8], base: usize, block: &[u8; 64]) {
        let m = planes(block);
        let (space, end) = (m[SPACE_PLANE], m[END_PLANE]);
        let (letter, vowel) = (m[LETTER_PLANE], m[VOWEL_PLANE]);
        let (b, c) = (m[E_OR_TDSXZCG_PLANE], m[SDL_PLANE]);
        let now = Letters {
            letter,
            vowel,
            e: vowel & b,
            l: c & !b,
            sd: c & b,
            tdsxzcg: b & !vowel,
        };
        let prev = std::mem::replace(&mut self.prev, now);
        // The mask `k` bytes back, continuing into the previous block.
        let back = |x: u64, px: u64, k: u32| (x << k) | (px >> (64 - k));

        self.sentences += (end & !((end << 1) | self.end)).count_ones() as usize;
        self.end = end >> 63;

        // A vowel group starts at a vowel with no vowel since the last consonant or space.
        let in_vowels = fill(vowel, space | (letter & !vowel), self.in_vowels);
        let starts = vowel & !((in_vowels << 1) | self.in_vowels);
        self.in_vowels = in_vowels >> 63;
        // Whether the word has at least 1, 2, 3, 4 groups before each byte.
        let mut rest = starts;
        let mut at_least = [0u64; 4];
        for (k, carry) in self.groups.iter_mut().enumerate() {
            let f = fill(rest, space, *carry);
            at_least[k] = (f << 1) | *carry;
            rest &= at_least[k];
            *carry = f >> 63;
        }
        let [g1, g2, g3, g4] = at_least;

        let has_letter = fill(letter, space, self.has_letter);
        let has_word = fill(letter | m[DIGIT_PLANE], space, self.has_word);
        // The silent-e rules of `syllables_from`, at a letter with two letters just before
        // it; a last letter with other letters further back is `odd`, recounted below.
        let letter_1 = back(letter, prev.letter, 1);
        let three = letter_1 & back(letter, prev.letter, 2);
        let has_letter_back = |k| back(has_letter, self.prev_has_letter, k);
        let vowel_1 = back(vowel, prev.vowel, 1);
        let vowel_2 = back(vowel, prev.vowel, 2);
        let silent_e = now.e & !vowel_1 & !(back(now.l, prev.l, 1) & !vowel_2);
        let silent_es = back(now.e, prev.e, 1)
            & now.sd
            & !back(now.tdsxzcg, prev.tdsxzcg, 2)
            & has_letter_back(3);
        let silent_here = letter & three & (silent_e | silent_es);
        let odd_here =
            letter & !three & ((letter_1 & has_letter_back(2)) | (!letter_1 & has_letter_back(1)));
        self.prev_has_letter = has_letter;
        let silent = fill(silent_here, space | (letter & !silent_here), self.silent);
        let odd = fill(odd_here, space | (letter & !odd_here), self.odd);

        // Word totals, at the first space after each word.
        let ends = space & !((space << 1) | self.space);
        let word = ends & ((has_word << 1) | self.has_word);
        let lettered = ends & ((has_letter << 1) | self.has_letter);
        let silent_end = ends & ((silent << 1) | self.silent);
        let mut odd_end = ends & ((odd << 1) | self.odd);
        self.space = space >> 63;
        self.has_word = has_word >> 63;
        self.has_letter = has_letter >> 63;
        self.silent = silent >> 63;
        self.odd = odd >> 63;

        self.words += word.count_ones() as usize;
        // A word has max(1, groups - silent) syllables, one if it has digits only: every
        // group, less the silent ones, plus one where none is left.
        let none_left = (lettered & !g1) | (silent_end & g1 & !g2) | (word & !lettered);
        self.syllables += (starts | none_left).count_ones() as usize;
        self.syllables -= silent_end.count_ones() as usize;
        self.poly += (lettered & ((g3 & !silent_end) | (g4 & silent_end))).count_ones() as usize;
        while odd_end != 0 {
            let at = odd_end.trailing_zeros();
            odd_end &= odd_end - 1;
            self.recount(text, base + at as usize, (silent_end >> at & 1) as usize);
        }
    }

    /// Count again the word that ends at `end`, counted above with `silent` silent groups.
    #[cold]
    fn recount(&mut self, text: &[u8], end: usize, silent: usize) {
        let start = text[..end]
            .iter()
            .rposition(u8::is_ascii_whitespace)
            .map_or(0, |i| i + 1);
        let (mut groups, mut n, mut last, mut in_vowels) = (0, 0, [0u8; 3], false);
        for &b in &text[start..end] {
            let class = CLASS[b as usize];
            if class == VOWEL || class == CONSONANT {
                let v = class == VOWEL;
                groups += (v && !in_vowels) as usize;
                in_vowels = v;
                last = [last[1], last[2], LOWER[b as usize]];
                n += 1;
            }
        }
        let counted = groups.saturating_sub(silent).max(1);
        let exact = syllables_from(groups, n, last);
        self.syllables = self.syllables + exact - counted;
        self.poly = self.poly + usize::from(exact >= 3) - usize::from(counted >= 3);
    }
}

/// The bytes whose last event (a `set` or `reset` bit at or before them) is a set, and
/// `carry` (0 or 1) up to the first event; `set` and `reset` must not overlap. It is an
/// addition: the carry out of a set bit runs up through the bits that are not reset.
#[inline(always)]
fn fill(set: u64, reset: u64, carry: u64) -> u64 {
    let pass = !reset;
    ((pass.wrapping_add(set | carry) ^ pass) | set) & pass
}

/// The bit planes of a 64-byte block: eight table lookups give eight bytes' planes, one
/// byte per plane, and an 8x8 byte transpose gathers each plane's 64 bits.
#[inline(always)]
fn planes(block: &[u8; 64]) -> [u64; 8] {
    let mut r = [0u64; 8];
    for (w, chunk) in r.iter_mut().zip(block.chunks_exact(8)) {
        for (j, &b) in chunk.iter().enumerate() {
            *w |= PLANES[j][b as usize];
        }
    }
    let mut swap = |g: usize, h: usize, s: u32, mask: u64| {
        let (a, b) = (r[g], r[h]);
        r[g] = (a & mask) | ((b & mask) << s);
        r[h] = ((a >> s) & mask) | (b & !mask);
    };
    for g in [0, 1, 2, 3] {
        swap(g, g + 4, 32, 0x0000_0000_ffff_ffff);
    }
    for g in [0, 1, 4, 5] {
        swap(g, g + 2, 16, 0x0000_ffff_0000_ffff);
    }
    for g in [0, 2, 4, 6] {
        swap(g, g + 1, 8, 0x00ff_00ff_00ff_00ff);
    }
    r
}

const SPACE_PLANE: usize = 0;
const LETTER_PLANE: usize = 1;
const VOWEL_PLANE: usize = 2;
const DIGIT_PLANE: usize = 3;
const END_PLANE: usize = 4;
/// `e`, or a consonant of `tdsxzcg`: with the vowels, this and the next plane tell apart
/// every letter the silent-e rules test.
const E_OR_TDSXZCG_PLANE: usize = 5;
const SDL_PLANE: usize = 6;

/// `PLANES[j][b]`: the planes of byte `b`, each in the byte of the plane's number, at bit
/// `j`; the entries of eight bytes or-ed together hold eight bits of each plane.
static PLANES: [[u64; 256]; 8] = {
    let mut t = [[0u64; 256]; 8];
    let mut b = 0;
    while b < 256 {
        let class = CLASS[b];
        let lower = LOWER[b];
        let letter = class == VOWEL || class == CONSONANT;
        let planes = [
            (SPACE_PLANE, class == SPACE),
            (LETTER_PLANE, letter),
            (VOWEL_PLANE, class == VOWEL),
            (DIGIT_PLANE, class == DIGIT),
            (END_PLANE, class == END),
            (
                E_OR_TDSXZCG_PLANE,
                letter && matches!(lower, b'e' | b't' | b'd' | b's' | b'x' | b'z' | b'c' | b'g'),
            ),
            (SDL_PLANE, letter && matches!(lower, b's' | b'd' | b'l')),
        ];
        let mut f = 0u64;
        let mut p = 0;
        while p < planes.len() {
            f |= (planes[p].1 as u64) << (8 * planes[p].0);
            p += 1;
        }
        let mut j = 0;
        while j < 8 {
            t[j][b] = f << j;
            j += 1;
        }
        b += 1;
    }
    t
};

/// The previous, byte-at-a-time `count`: what the fast one must agree with.
#[cfg(test)]
fn count_reference(text: &str) -> (usize, usize, usize, usize) {
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

    // Letters of both cases (all those the silent-e rules test), digits, white space,
    // sentence ends and the non-ASCII and punctuation that split or join words.
    const PIECES: &[&str] = &[
        "a", "e", "i", "o", "u", "y", "b", "c", "d", "g", "h", "l", "m", "s", "t", "x", "z", "A",
        "E", "Y", "L", "S", "D", "T", "0", "7", " ", " ", " ", "\n", "\t", "\r", ".", "!", "?",
        ",", "’", "é", "-", "'", "le", "es", "ed",
    ];

    // Long words: few spaces, so words run over the 64-byte blocks.
    const WORDY: &[&str] = &[
        "a", "e", "i", "o", "y", "b", "d", "l", "s", "t", "x", "E", "L", "’", "'", "-", ".", "1",
        "é", "le", "es", "ed", " ",
    ];

    proptest::proptest! {
        #![proptest_config(crate::proptest_cases(1000))]

        // The fast count agrees with the byte-at-a-time one.
        #[test]
        fn count_matches_reference(
            parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..400),
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(count(&text), count_reference(&text), "{:?}", text);
        }

        #[test]
        fn count_matches_reference_on_long_words(
            parts in proptest::collection::vec(proptest::sample::select(WORDY), 0..400),
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(count(&text), count_reference(&text), "{:?}", text);
        }

        #[test]
        fn count_matches_reference_on_any_text(text in "\\PC{0,300}") {
            proptest::prop_assert_eq!(count(&text), count_reference(&text), "{:?}", text);
        }
    }

    // Edge cases: empty text, lone marks, words that end or cross a 64-byte block.
    #[test]
    fn count_edge_cases() {
        let long = "unbelievably ".repeat(10);
        let cases = [
            "",
            " ",
            "\n\n",
            "a",
            "...",
            "1 2 3.",
            "the table hopes rested, don't it’s Children's A&E e.g. en-GB",
            "x's it's toes’ lle eses hop'e tabl’e us-es",
            &"a".repeat(63),
            &format!("{} hope", "b".repeat(61)),
            &format!("{}sted", "ab".repeat(31)),
            &long,
            &format!("{long}!?! ..."),
        ];
        for t in cases {
            assert_eq!(count(t), count_reference(t), "{t:?}");
        }
        assert_eq!(count(""), (0, 0, 0, 0));
    }
}
