//! `unbalanced-brackets`: a stray or unclosed bracket, parenthesis or quote.

use crate::content::markdown::BlockKind;
use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "unbalanced-brackets",
        severity: Severity::Warning,
        scope: Scope::Article,
        safety: false,
        summary: "a stray or unclosed bracket, parenthesis or quote",
        docs: Docs {
            what: "Within each paragraph, every `(` and `[` must be closed in order, and \
                   double quotes (straight or curly) must pair up. Enumerations such as `a)` \
                   or `1)` and smileys are not counted.",
            why: "A stray bracket is often the trace of a sentence that lost a part in editing, \
                  such as a dose or a condition in parentheses. It is worth a second look.",
            bad: "If you are worried, ask your midwife or GP. ).",
            good: "If you are worried, ask your midwife or GP.",
        },
    },
    build: |_| Box::new(UnbalancedBrackets),
};

struct UnbalancedBrackets;

/// Offsets of the brackets and quotes that do not pair up in `text`.
pub(super) fn unbalanced(text: &str) -> Vec<(usize, char)> {
    let mut stack: Vec<(usize, char)> = Vec::new();
    let mut bad = Vec::new();
    let mut straight_quotes = 0usize;
    let mut last_quote = 0;
    // Only ASCII brackets and quotes and the curly quotes (E2 80 9C / 9D) matter, so
    // the bytes are scanned and only those are turned into characters.
    let bytes = text.as_bytes();
    // Two vectorised searches, merged in order, find them: most prose has few.
    let mut round = memchr::memchr3_iter(b'(', b')', b'"', bytes).peekable();
    let mut square = memchr::memchr3_iter(b'[', b']', 0xe2, bytes).peekable();
    let mut next = move || match (round.peek(), square.peek()) {
        (Some(&r), Some(&s)) if r < s => round.next(),
        (Some(_), None) => round.next(),
        _ => square.next(),
    };
    while let Some(i) = next() {
        let c = match bytes[i] {
            b @ (b'(' | b')' | b'[' | b']' | b'"') => b as char,
            0xe2 if bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0x9c | 0x9d)) =>
            {
                if bytes[i + 2] == 0x9c {
                    '“'
                } else {
                    '”'
                }
            }
            _ => continue,
        };
        match c {
            '(' | '[' | '“' => stack.push((i, c)),
            ')' | ']' | '”' => {
                if c == ')' && is_enumerator(&text[..i]) {
                    continue;
                }
                let open = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '“',
                };
                match stack.iter().rposition(|&(_, o)| o == open) {
                    Some(pos) => {
                        // Anything opened after the match and not closed is itself unclosed.
                        bad.extend(stack.drain(pos + 1..));
                        stack.pop();
                    }
                    None => bad.push((i, c)),
                }
            }
            '"' => {
                straight_quotes += 1;
                last_quote = i;
            }
            _ => {}
        }
    }
    bad.extend(stack);
    if straight_quotes % 2 == 1 {
        bad.push((last_quote, '"'));
    }
    bad.sort();
    bad
}

/// `a)`, `1)`, `ii)` at the start of the text or after white space, or a smiley `:)`.
fn is_enumerator(before: &str) -> bool {
    if before.ends_with([':', ';']) {
        return true;
    }
    // An enumerator is at most three characters after white space: look back no
    // further (a whole-prefix search here made a line of brackets quadratic).
    let mut from = before.len().saturating_sub(5);
    while !before.is_char_boundary(from) {
        from -= 1;
    }
    let whole = from == 0;
    let before = &before[from..];
    let word_start = match before.rfind(char::is_whitespace) {
        Some(i) => i + before[i..].chars().next().map_or(1, char::len_utf8),
        // No white space in the window: an enumerator only if the text starts there.
        None if whole => 0,
        None => return false,
    };
    let word = &before[word_start..];
    !word.is_empty()
        && word.len() <= 3
        && (word.bytes().all(|b| b.is_ascii_digit())
            || (word.len() == 1 && word.bytes().all(|b| b.is_ascii_lowercase()))
            || word.bytes().all(|b| b"ivx".contains(&b)))
}

impl Check for UnbalancedBrackets {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        for block in cx
            .body
            .blocks
            .iter()
            .filter(|b| b.kind != BlockKind::TableCell)
        {
            for (at, c) in unbalanced(&block.text) {
                let (message, help) = match c {
                    '(' | '[' | '“' => (
                        format!("`{c}` is never closed"),
                        "close it, or remove it if it is left over from an edit",
                    ),
                    '"' => (
                        "a double quote is never closed".to_string(),
                        "pair the quotes, or remove the stray one",
                    ),
                    _ => (
                        format!("`{c}` closes nothing"),
                        "remove it, or add the opening bracket and what it encloses",
                    ),
                };
                sink.report(
                    block.source_range(at..at + c.len_utf8()),
                    message,
                    Some(help.to_string()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unbalanced;

    /// Brackets and quotes found one character at a time: what the two merged
    /// byte searches must agree with.
    fn reference(text: &str) -> Vec<(usize, char)> {
        let mut stack: Vec<(usize, char)> = Vec::new();
        let mut bad = Vec::new();
        let mut quotes = Vec::new();
        for (i, c) in text.char_indices() {
            match c {
                '(' | '[' | '“' => stack.push((i, c)),
                ')' if super::is_enumerator(&text[..i]) => {}
                ')' | ']' | '”' => {
                    let open = [('(', ')'), ('[', ']'), ('“', '”')]
                        .iter()
                        .find(|p| p.1 == c)
                        .unwrap()
                        .0;
                    match stack.iter().rposition(|&(_, o)| o == open) {
                        Some(pos) => {
                            bad.extend(stack.drain(pos + 1..));
                            stack.pop();
                        }
                        None => bad.push((i, c)),
                    }
                }
                '"' => quotes.push(i),
                _ => {}
            }
        }
        bad.extend(stack);
        if quotes.len() % 2 == 1 {
            bad.push((*quotes.last().unwrap(), '"'));
        }
        bad.sort();
        bad
    }

    proptest::proptest! {
        #![proptest_config(crate::proptest_cases(2000))]

        #[test]
        fn matches_the_reference(text in "[a-c 1)(\\[\\]\"“”’:é]{0,40}") {
            proptest::prop_assert_eq!(unbalanced(&text), reference(&text));
        }
    }

    // Stray closers, unclosed openers, odd quotes; enumerators and smileys are fine.
    #[test]
    fn finds_only_real_strays() {
        assert_eq!(unbalanced("ask your GP. )."), vec![(13, ')')]);
        assert_eq!(unbalanced("a (b [c] d"), vec![(2, '(')]);
        assert_eq!(unbalanced("say \"hi"), vec![(4, '"')]);
        assert!(unbalanced("a) one b) two 1) three ii) four :)").is_empty());
        assert!(unbalanced("(a [b] “c”) \"d\"").is_empty());
    }
}
