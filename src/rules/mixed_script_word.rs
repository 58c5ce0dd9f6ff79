//! `mixed-script-word`: a word that mixes Latin letters with look-alikes from another script.

use unicode_script::UnicodeScript;

use crate::diagnostic::Severity;
use crate::rules::normalize::{is_word_char, latin_lookalike, mixes_scripts};
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "mixed-script-word",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "a word that mixes Latin letters with look-alikes from another script",
        docs: Docs {
            what: "A word with Latin letters and a letter of another script that looks like \
                   a Latin one (Unicode's confusables, UTS 39): a Cyrillic `о` in `lorem`, a \
                   Greek `ο` in `dose`. Words wholly in one script, and symbols such as `μg` \
                   or `Aβ`, are not reported.",
            why: "The word looks right to a reader but is not the word to search, spell-check \
                  or the safety rules: `сure` passes a check for \"cure\", `lоrem` one for \
                  placeholder text. The other rules read such a word with its look-alikes \
                  as the Latin letters; this one asks for them to be typed again.",
            bad: "This cream is a \u{441}ure for eczema.",
            good: "This cream can help with eczema.",
        },
    },
    build: |_| Box::new(MixedScriptWord),
};

struct MixedScriptWord;

/// The words of `text` that mix scripts, with what their look-alikes are.
pub(super) fn findings(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    if text.is_ascii() {
        return out;
    }
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (is_word_char(c) && i < text.len(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                start = None;
                let word = &text[s..i];
                if word.is_ascii() || !mixes_scripts(word) {
                    continue;
                }
                let alikes: Vec<String> = word
                    .chars()
                    .filter_map(|c| {
                        latin_lookalike(c).map(|l| {
                            format!(
                                "{} `{c}` (U+{:04X}) looks like `{l}`",
                                c.script().full_name(),
                                c as u32
                            )
                        })
                    })
                    .collect();
                out.push((
                    s..i,
                    format!(
                        "`{word}` mixes Latin letters with look-alikes from another script: {}",
                        alikes.join(", ")
                    ),
                ));
            }
            _ => {}
        }
    }
    out
}

impl Check for MixedScriptWord {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        // A block with a mixed-script word is one that normalising changed.
        for block in sink.folded_blocks(cx.body) {
            for (range, message) in findings(&block.text) {
                sink.report(
                    block.source_range(range),
                    message,
                    Some("type the word again in Latin letters".to_string()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::findings;

    // Latin with a Cyrillic or Greek look-alike is reported; one script, or a symbol
    // that looks like no Latin letter, is not.
    #[test]
    fn what_is_reported() {
        let n = |t: &str| findings(t).len();
        assert_eq!(n("l\u{43e}rem ipsum"), 1);
        assert_eq!(n("\u{441}ure"), 1);
        assert_eq!(n("d\u{3bf}se"), 1);
        assert_eq!(n("\u{43f}\u{440}\u{438}\u{432}\u{435}\u{442} world"), 0);
        assert_eq!(n("5 \u{3bc}g and A\u{3b2} and TNF-\u{3b1}"), 0);
        assert_eq!(n("caf\u{e9} na\u{ef}ve"), 0);
    }
}
