//! `empty-section`: a heading with no content under it.

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "empty-section",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "a heading with no content under it",
        docs: Docs {
            what: "A heading followed directly by another heading of the same or a higher \
                   level, or by the end of the article. A heading followed by a deeper \
                   sub-heading is fine.",
            why: "An empty section promises information that is not there: \"Common \
                  discomforts in your first trimester\" followed by nothing leaves the reader \
                  wondering what was cut.",
            bad: "## Common aches in the first trimester\n\n## Causes",
            good: "## Common aches in the first trimester\n\nMany women notice a dull ache low in the back.\n\n## Causes",
        },
    },
    build: |_| Box::new(EmptySection),
};

struct EmptySection;

impl Check for EmptySection {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        for h in cx.body.headings.iter().filter(|h| !h.has_content) {
            sink.report(
                h.range.clone(),
                format!("the section \"{}\" has nothing under it", h.text.trim()),
                Some("write the section's content, or remove the heading".to_string()),
            );
        }
    }
}
