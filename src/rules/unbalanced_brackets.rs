//! `unbalanced-brackets`: a stray or unclosed bracket, parenthesis or quote.

use crate::content::markdown::BlockKind;
use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub static RULE: RuleDef = RuleDef {
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
pub fn unbalanced(text: &str) -> Vec<(usize, char)> {
    let mut stack: Vec<(usize, char)> = Vec::new();
    let mut bad = Vec::new();
    let mut straight_quotes = Vec::new();
    let mut prev: Vec<char> = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '“' => stack.push((i, c)),
            ')' | ']' | '”' => {
                if c == ')' && is_enumerator(&prev) {
                    prev.push(c);
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
            '"' => straight_quotes.push(i),
            _ => {}
        }
        prev.push(c);
    }
    bad.extend(stack);
    if straight_quotes.len() % 2 == 1 {
        bad.push((*straight_quotes.last().expect("odd means one"), '"'));
    }
    bad.sort();
    bad
}

/// `a)`, `1)`, `ii)` at the start of the text or after white space, or a smiley `:)`.
fn is_enumerator(prev: &[char]) -> bool {
    if prev.last() == Some(&':') || prev.last() == Some(&';') {
        return true;
    }
    let word: Vec<char> = prev
        .iter()
        .rev()
        .take_while(|c| !c.is_whitespace())
        .copied()
        .collect();
    let before_word = prev.len() - word.len();
    let starts_clean = before_word == 0 || prev[before_word - 1].is_whitespace();
    starts_clean
        && !word.is_empty()
        && word.len() <= 3
        && word
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        && (word.iter().all(|c| c.is_ascii_digit())
            || word.len() == 1
            || word.iter().all(|c| "ivx".contains(*c)))
}

impl Check for UnbalancedBrackets {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        for block in cx
            .article
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
