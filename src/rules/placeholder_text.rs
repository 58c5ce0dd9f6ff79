//! `placeholder-text`: TODO, TBD, lorem ipsum, `[citation needed]` and the like.

use regex::Regex;

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "placeholder-text",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "TODO, TBD, lorem ipsum, [citation needed] and the like",
        docs: Docs {
            what: "Writers' placeholders in the body (code and code blocks included), \
                   title or summary: `TODO`, `TBD`, `FIXME`, `XXX`, lorem ipsum, \
                   `[citation needed]`, `[insert ...]`, `[placeholder]`; also when written \
                   in full-width letters, with invisible characters inside, or with \
                   look-alike letters of another script.",
            why: "A placeholder published to patients means advice is missing where they \
                  expect it, such as a dose or a number to call.",
            bad: "If the pain is severe, call TODO: add the number.",
            good: "If the pain is severe, call NHS 111.",
        },
    },
    build: |_| Box::new(PlaceholderText::new()),
};

struct PlaceholderText {
    pattern: Regex,
}

impl PlaceholderText {
    fn new() -> Self {
        let pattern = Regex::new(
            r"\b(?:TODO|TBD|TBC|FIXME|XXX+)\b|(?i:\blorem\s+ipsum\b|\[\s*citation\s+needed\s*\]|\[\s*insert\b[^\]]*\]|\[\s*placeholder\s*\]|\[\s*(?:add|fill\s+in)\b[^\]]*\])",
        )
        .expect("placeholder pattern compiles");
        PlaceholderText { pattern }
    }
}

impl Check for PlaceholderText {
    /// Every alternative of the pattern holds one of these.
    fn triggers(&self) -> Vec<String> {
        ["todo", "tbd", "tbc", "fixme", "xxx", "lorem", "["]
            .map(String::from)
            .to_vec()
    }

    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        let help =
            || Some("replace the placeholder with the real text before publishing".to_string());
        for key in ["title", "summary"] {
            // The value's place in the file is looked up only for a finding: finding it
            // costs more than the search.
            let Some(text) = a.str(key) else { continue };
            let text = crate::rules::normalize::Normal::new(text);
            if let Some(m) = self.pattern.find(&text.text)
                && let Some(span) = a.front.span(&format!("/{key}"))
            {
                // Point into the value when it is written plainly, else at the whole value.
                let value = &a.file.text[span.value.clone()];
                let range = match value.find(m.as_str()) {
                    Some(i) => span.value.start + i..span.value.start + i + m.len(),
                    None => span.value.clone(),
                };
                sink.report(
                    range,
                    format!("placeholder `{}` in `{key}`", m.as_str()),
                    help(),
                );
            }
        }
        // Code is shown to patients too; and the text is read as they see it.
        for p in sink.prose_and_code(cx.body) {
            for m in self.pattern.find_iter(p.text) {
                sink.report(
                    p.source_range(m.range()),
                    format!("placeholder text `{}`", m.as_str()),
                    help(),
                );
            }
        }
    }
}
