//! `absolute-claim`: "cure", "guaranteed", "completely safe", "inevitable" and the like.

use regex::Regex;

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "absolute-claim",
        severity: Severity::Warning,
        scope: Scope::Article,
        safety: false,
        summary: "\"cure\", \"guaranteed\", \"completely safe\", \"inevitable\" and the like",
        docs: Docs {
            what: "Words and phrases from `policy.absolute_claims` in prose. A simple negation \
                   just before the phrase (\"there is no cure\", \"is not guaranteed\") is not \
                   flagged.",
            why: "Health advice is rarely absolute. \"Completely safe\" or \"back pain is \
                  inevitable\" misleads: it reassures where caution is due, or discourages a \
                  patient from seeking help that would work.",
            bad: "Back pain is inevitable when your posture is poor.",
            good: "Poor posture can make back pain more likely.",
        },
    },
    build: |config| {
        Box::new(AbsoluteClaim {
            words: crate::rules::helpers::word_list(&config.policy.absolute_claims, false),
            triggers: crate::rules::helpers::first_words(&config.policy.absolute_claims),
        })
    },
};

struct AbsoluteClaim {
    words: Regex,
    triggers: Vec<String>,
}

const NEGATIONS: &[&str] = &[
    "no", "not", "never", "cannot", "can't", "isn't", "aren't", "wasn't", "won't", "without",
    "nor", "neither", "nothing", "none",
];

/// True when one of the three words before `at` negates the phrase.
fn negated(text: &str, at: usize) -> bool {
    text[..at]
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .rev()
        .take(3)
        .any(|w| {
            let w = w.to_lowercase().replace('’', "'");
            NEGATIONS.contains(&w.as_str()) || w.ends_with("n't")
        })
}

impl Check for AbsoluteClaim {
    fn triggers(&self) -> Vec<String> {
        self.triggers.clone()
    }

    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        for p in sink.prose(cx.body) {
            for caps in self.words.captures_iter(p.text) {
                let m = caps.get(1).expect("the phrase group");
                if negated(p.text, m.start()) {
                    continue;
                }
                sink.report(
                    p.source_range(m.range()),
                    format!("\"{}\" is an absolute claim", m.as_str()),
                    Some("say what is usually true, such as \"can help\", \"for most people\" or \"is generally safe\"".to_string()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::negated;

    // "there is no cure" is negated; "a cure" is not; the window is three words.
    #[test]
    fn negation_window() {
        assert!(negated("there is no ", 12));
        assert!(negated("it is not always ", 17));
        assert!(!negated("this is a ", 10));
        assert!(!negated("no wait, this is a ", 19));
    }
}
