//! `invisible-character`: a character no reader sees, inside a word, or a bidi control.

use crate::diagnostic::Severity;
use crate::rules::normalize::{is_bidi_control, is_ignorable};
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "invisible-character",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "an invisible character inside a word, or a bidi control anywhere in prose",
        docs: Docs {
            what: "A character that shows nothing (a zero-width space or joiner, a soft \
                   hyphen, a word joiner, a byte order mark, a variation selector: Unicode's \
                   default-ignorable characters) between the letters or digits of a word or \
                   number; and a bidi control (U+202A to U+202E, U+2066 to U+2069) anywhere \
                   in prose or code. A zero-width joiner or non-joiner between letters of \
                   scripts that need them (Arabic, Indic) is not reported.",
            why: "What the file says is then not what a patient reads: `TO\u{200b}DO` or \
                  `9\u{200b}11` looks like TODO and 911 but escapes search, and a bidi \
                  control reorders the text after it on screen. The other rules read the \
                  text with these characters removed; this one asks for them to go.",
            bad: "If you have heavy bleeding, call 9\u{200b}99 straight away.",
            good: "If you have heavy bleeding, call 999 straight away.",
        },
    },
    build: |_| Box::new(InvisibleCharacter),
};

struct InvisibleCharacter;

/// How a reader would name `c`.
fn name(c: char) -> &'static str {
    match c {
        '\u{ad}' => "SOFT HYPHEN",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{202a}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202b}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202c}' => "POP DIRECTIONAL FORMATTING",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE",
        _ => "an invisible character",
    }
}

/// Where `text` holds an invisible character that matters, and the message: each run
/// of them inside a word or number once, each bidi control once.
pub(super) fn findings(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    if text.is_ascii() {
        return out;
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let visible = |k: usize, step: isize| {
        let mut k = k as isize + step;
        while k >= 0 && (k as usize) < chars.len() {
            let c = chars[k as usize].1;
            if !is_ignorable(c) {
                return Some(c);
            }
            k += step;
        }
        None
    };
    let mut k = 0;
    while k < chars.len() {
        let (at, c) = chars[k];
        if is_bidi_control(c) {
            out.push((
                at..at + c.len_utf8(),
                format!(
                    "bidi control U+{:04X} ({}) in prose: it can reorder what a patient reads",
                    c as u32,
                    name(c)
                ),
            ));
            k += 1;
            continue;
        }
        if !is_ignorable(c) {
            k += 1;
            continue;
        }
        // A run of invisible characters (no bidi control among them).
        let mut end = k;
        while end < chars.len() && is_ignorable(chars[end].1) && !is_bidi_control(chars[end].1) {
            end += 1;
        }
        let (before, after) = (visible(k, -1), visible(end - 1, 1));
        let inside = before.zip(after).is_some_and(|(b, a)| {
            let joiner = chars[k..end]
                .iter()
                .all(|&(_, c)| matches!(c, '\u{200c}' | '\u{200d}'));
            // Joiners shape Arabic and Indic letters; between Latin letters they hide words.
            let latin =
                |c: char| c.is_ascii_alphanumeric() || crate::rules::normalize::is_latin_letter(c);
            b.is_alphanumeric() && a.is_alphanumeric() && (!joiner || latin(b) || latin(a))
        });
        if inside {
            let from = chars[k].0;
            let to = chars.get(end).map_or(text.len(), |x| x.0);
            let word = crate::rules::normalize::word_range(text, from);
            let shown: String = text[word].chars().filter(|c| !is_ignorable(*c)).collect();
            out.push((
                from..to,
                format!(
                    "invisible character U+{:04X} ({}) inside `{shown}`",
                    c as u32,
                    name(c)
                ),
            ));
        }
        k = end;
    }
    out
}

impl Check for InvisibleCharacter {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let help = || {
            Some(
                "delete it: readers do not see it, and it hides the word from search and from \
                 the safety rules"
                    .to_string(),
            )
        };
        // A block with an invisible character is one that normalising changed.
        for block in sink.folded_blocks(cx.body) {
            for (range, message) in findings(&block.text) {
                sink.report(block.source_range(range), message, help());
            }
        }
        // In code blocks, only bidi controls: code is shown as written, so a control there
        // reorders it too.
        let file = &cx.article.file.text;
        for r in &cx.body.code {
            let Some(code) = file.get(r.clone()) else {
                continue;
            };
            for (range, message) in findings(code) {
                if message.starts_with("bidi") {
                    sink.report(r.start + range.start..r.start + range.end, message, help());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::findings;

    fn found(t: &str) -> Vec<String> {
        findings(t)
            .into_iter()
            .map(|(r, _)| t[r].escape_unicode().to_string())
            .collect()
    }

    // Inside a word or number, reported once a run; between words, or joining emoji or
    // Arabic letters, not; a bidi control always.
    #[test]
    fn what_is_reported() {
        assert_eq!(found("TO\u{200b}DO"), ["\\u{200b}"]);
        assert_eq!(found("9\u{ad}\u{2060}11"), ["\\u{ad}\\u{2060}"]);
        assert_eq!(found("guaran\u{200d}teed"), ["\\u{200d}"]);
        assert!(found("a \u{200b} b").is_empty());
        assert!(found("\u{1f468}\u{200d}\u{1f469}").is_empty());
        assert!(found("\u{644}\u{200c}\u{627}").is_empty());
        assert!(found("\u{2764}\u{fe0f} ok").is_empty());
        assert_eq!(found("call \u{202e}999 now").len(), 1);
        assert_eq!(found("x\u{2066}y\u{2069}").len(), 2);
    }
}
