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
fn count(text: &str) -> (usize, usize, usize, usize) {
    let mut words = 0;
    let mut syllables = 0;
    let mut poly = 0;
    for token in text.split_whitespace() {
        let letters: String = token
            .chars()
            .filter(|c| c.is_alphabetic())
            .flat_map(char::to_lowercase)
            .collect();
        if letters.is_empty() {
            if token.chars().any(|c| c.is_ascii_digit()) {
                words += 1;
                syllables += 1;
            }
            continue;
        }
        words += 1;
        let n = syllables_in(&letters);
        syllables += n;
        if n >= 3 {
            poly += 1;
        }
    }
    let mut sentences = 0;
    let mut prev_end = false;
    for c in text.chars() {
        let end = matches!(c, '.' | '!' | '?');
        if end && !prev_end {
            sentences += 1;
        }
        prev_end = end;
    }
    (words, sentences, syllables, poly)
}

/// A standard heuristic: vowel groups, less a silent final e, at least one.
pub fn syllables_in(word: &str) -> usize {
    let chars: Vec<char> = word.chars().collect();
    let is_vowel = |c: char| "aeiouy".contains(c);
    let mut count: usize = 0;
    let mut prev = false;
    for &c in &chars {
        let v = is_vowel(c);
        if v && !prev {
            count += 1;
        }
        prev = v;
    }
    let n = chars.len();
    // A final e is silent ("hope"), except after a consonant and l ("table").
    let consonant_le = n > 2 && chars[n - 2] == 'l' && !is_vowel(chars[n - 3]);
    if n > 2 && chars[n - 1] == 'e' && !is_vowel(chars[n - 2]) && !consonant_le {
        count = count.saturating_sub(1);
    }
    if word.ends_with("es") || word.ends_with("ed") {
        // "hopes", "moved": usually silent; "rested" keeps it.
        if n > 3 && !matches!(chars[n - 3], 't' | 'd' | 's' | 'x' | 'z' | 'c' | 'g') {
            count = count.saturating_sub(1);
        }
    }
    count.max(1)
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
