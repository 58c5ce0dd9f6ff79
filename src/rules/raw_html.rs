//! `raw-html`: raw HTML in the body.

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "raw-html",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "raw HTML in the body",
        docs: Docs {
            what: "HTML tags written in the Markdown body. HTML comments (such as \
                   healthpress suppressions) are allowed: they are never published.",
            why: "Raw HTML is never published: it is dropped from the bundle, so whatever it \
                  said disappears. In an app it could also run script or break the page.",
            bad: "Rest when you can.<br>Use a pillow between your knees.",
            good: "Rest when you can. Use a pillow between your knees.",
        },
    },
    build: |_| Box::new(RawHtml),
};

struct RawHtml;

impl Check for RawHtml {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        for html in cx.body.html.iter().filter(|h| !h.is_comment()) {
            let shown: String = html.literal.trim().chars().take(40).collect();
            sink.report(
                html.range.clone(),
                format!("raw HTML `{shown}` is not published"),
                Some("write it in Markdown: a blank line for a new paragraph, **bold**, lists, tables".to_string()),
            );
        }
    }
}
