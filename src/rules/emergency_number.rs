//! `emergency-number`: an emergency number wrong for the article's locale.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "emergency-number",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "an emergency number wrong for the article's locale",
        docs: Docs {
            what: "An emergency or urgent-care number in the body (any number from \
                   `policy.emergency_numbers`, built in for common locales: 999, 111 and 112 \
                   for en-GB; 911 for en-US; 112 across the EU) that is not one of the \
                   numbers for the article's `locale`.",
            why: "A UK patient told to dial 911 in an emergency loses time they may not have. \
                  Articles adapted from another country's page carry this error easily.",
            bad: "If you have heavy bleeding, dial 911.",
            good: "If you have heavy bleeding, call 999.",
        },
    },
    build: |config| {
        let mut all: Vec<String> = config
            .policy
            .emergency_numbers
            .values()
            .flatten()
            .cloned()
            .collect();
        all.retain(|n| !n.is_empty());
        all.sort();
        all.dedup();
        // Plain literals in an automaton that needs no per-thread cache. Longest first,
        // so that a number never hides a longer one it begins (`11` and `112`); whether
        // a match stands on its own is decided by `alone`.
        let pattern = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&all)
            .expect("emergency numbers build an automaton");
        Box::new(EmergencyNumber {
            pattern,
            numbers: all,
        })
    },
};

struct EmergencyNumber {
    pattern: AhoCorasick,
    /// The numbers `pattern` finds.
    numbers: Vec<String>,
}

/// A number on its own, not part of a longer one such as 1,000, 0111 or 24/7/365.
fn alone(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let joins = |c: u8| c.is_ascii_digit() || matches!(c, b',' | b'.' | b'-' | b'/');
    let before_ok = start == 0 || !joins(b[start - 1]);
    let after_ok = match b.get(end) {
        None => true,
        Some(c) if c.is_ascii_digit() || matches!(c, b'-' | b'/') => false,
        // A full stop or comma after it ends the sentence or clause, unless a digit follows.
        Some(b'.' | b',') => b.get(end + 1).is_none_or(|c| !c.is_ascii_digit()),
        Some(_) => true,
    };
    before_ok && after_ok
}

impl Check for EmergencyNumber {
    /// Every match is one of the numbers: the shared scan finds them with the other
    /// rules' words, and this rule reads only the few blocks that hold one, where it
    /// ran its own search over every block.
    fn triggers(&self) -> Vec<String> {
        self.numbers.clone()
    }

    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        let locale = a.locale(cx.config);
        let Some(allowed) = cx.config.emergency_numbers(locale) else {
            return;
        };
        for block in sink.blocks(cx.body) {
            for m in self.pattern.find_iter(&block.text) {
                let number = &block.text[m.range()];
                if !alone(&block.text, m.start(), m.end()) || allowed.iter().any(|n| n == number) {
                    continue;
                }
                sink.report(
                    block.source_range(m.range()),
                    format!("{number} is not an emergency number for {locale}"),
                    Some(format!("for {locale}, use {}", allowed.join(" or "))),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::alone;

    // 911 on its own is a number; inside 1,911 or 9111 or 911.5 it is not.
    #[test]
    fn numbers_on_their_own() {
        let t = "dial 911. or 1,911 or 9111 or 911.5 or (911)";
        let at = |n: usize| t.match_indices("911").nth(n).unwrap().0;
        assert!(alone(t, at(0), at(0) + 3));
        assert!(!alone(t, at(1), at(1) + 3));
        assert!(!alone(t, at(2), at(2) + 3));
        assert!(!alone(t, at(3), at(3) + 3));
        assert!(alone(t, at(4), at(4) + 3));
    }
}
