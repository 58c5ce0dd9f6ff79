//! `emergency-number`: an emergency number wrong for the article's locale.

use regex::Regex;

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
        all.sort();
        all.dedup();
        let alternation = all
            .iter()
            .map(|n| regex::escape(n))
            .collect::<Vec<_>>()
            .join("|");
        // A number on its own: not part of a longer number such as 1,000 or 0111.
        let pattern = Regex::new(&format!(
            r"(?:^|[^\d,.\-/])({alternation})(?:$|[^\d,\-/]|[.,](?:\s|$))"
        ))
        .expect("emergency numbers compile");
        Box::new(EmergencyNumber { pattern })
    },
};

struct EmergencyNumber {
    pattern: Regex,
}

impl Check for EmergencyNumber {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        let locale = a.locale(cx.config);
        let Some(allowed) = cx.config.emergency_numbers(locale) else {
            return;
        };
        for block in &a.body.blocks {
            let mut at = 0;
            while let Some(caps) = self.pattern.captures_at(&block.text, at) {
                let m = caps.get(1).expect("the number group");
                at = m.end();
                if allowed.iter().any(|n| n == m.as_str()) {
                    continue;
                }
                sink.report(
                    block.source_range(m.range()),
                    format!("{} is not an emergency number for {locale}", m.as_str()),
                    Some(format!("for {locale}, use {}", allowed.join(" or "))),
                );
            }
        }
    }
}
