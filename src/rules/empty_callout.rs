//! `empty-callout`: a callout with no text.

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "empty-callout",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "a callout with no text",
        docs: Docs {
            what: "A `> [!KIND]` callout with no words under it: nothing but white space, \
                   punctuation or invisible characters. Such a callout does not count as the \
                   callout the policy requires.",
            why: "A blank line after `> [!URGENT]` ends the callout: the red flags written \
                  below it are ordinary text, and the page shows an empty \"Get help urgently\" \
                  box. A patient looking for when to get help finds nothing there.",
            bad: "> [!URGENT]\n\nCall 999 if you have heavy bleeding.",
            good: "> [!URGENT]\n> Call 999 if you have heavy bleeding.",
        },
    },
    build: |_| Box::new(EmptyCallout),
};

struct EmptyCallout;

impl Check for EmptyCallout {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        for c in cx.body.callouts.iter().filter(|c| !c.has_text()) {
            sink.report(
                c.marker.clone(),
                format!(
                    "this `[!{}]` callout has no text: the page would show an empty box, and it \
                     does not count as the callout the policy requires",
                    c.kind
                ),
                Some(format!(
                    "write the text on the lines right under `> [!{}]`, each starting with `> `; \
                     a blank line ends the callout",
                    c.kind
                )),
            );
        }
    }
}
