//! Helpers shared by several rules: policy word lists as regexes and as triggers, and
//! where a finding about something missing from the body is reported.

use std::ops::Range;

use regex::Regex;

use crate::content::Article;
use crate::content::markdown::Body;

/// A case-insensitive regex matching any of `words` as whole words (or phrases),
/// longest first so that "completely safe" wins over "safe". ASCII word boundaries
/// keep the search a literal prefilter plus a DFA, several times faster over a
/// large corpus than Unicode boundaries; the lists are English words.
pub(super) fn word_list(words: &[String], plurals: bool) -> Regex {
    let body = alternation(words, plurals);
    Regex::new(&format!(r"(?i)(?-u:\b)({body})(?-u:\b)")).expect("word list compiles")
}

/// `a|b c|...` for a regex: escaped, any white space between the words of a phrase,
/// longest first so that "completely safe" wins over "safe".
pub(super) fn alternation(words: &[String], plurals: bool) -> String {
    let mut words: Vec<&String> = words.iter().filter(|w| !w.trim().is_empty()).collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let alts: Vec<String> = words
        .iter()
        .map(|w| {
            let e = w
                .split_whitespace()
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join(r"\s+");
            if plurals { plural(&e) } else { e }
        })
        .collect();
    if alts.is_empty() {
        // Matches nothing.
        r"[^\s\S]".to_string()
    } else {
        alts.join("|")
    }
}

/// The first word of each phrase, as triggers for the shared scan (`Check::triggers`);
/// none (read every block) when a word is not ASCII, whose case variants an ASCII
/// scan would miss.
pub(super) fn first_words(phrases: &[String]) -> Vec<String> {
    let words: Vec<String> = phrases
        .iter()
        .filter_map(|p| p.split_whitespace().next())
        .map(str::to_string)
        .collect();
    if words.iter().all(|w| w.is_ascii()) {
        words
    } else {
        Vec::new()
    }
}

fn plural(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("wife") {
        format!("{stem}wi(?:fe|ves)")
    } else {
        format!("{word}(?:s|es)?")
    }
}

/// Where an absence in the body is reported: the first heading, else the body's start.
pub(super) fn title_range(a: &Article, body: &Body) -> Range<usize> {
    body.headings
        .first()
        .map(|h| h.range.clone())
        .unwrap_or_else(|| {
            let line = a.file.line_of(body.range.start);
            a.file.line_range(line)
        })
}
