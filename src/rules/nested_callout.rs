//! `nested-callout`: a callout inside a list item, a block quote, a footnote or another
//! callout, where it is not published as a callout.

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "nested-callout",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "a callout inside a list, a quote, a footnote or another callout",
        docs: Docs {
            what: "A `> [!KIND]` callout that is not at the top level of the body: inside a \
                   list item, a block quote, a footnote or another callout. Only top-level \
                   callouts are published as callouts (the labelled box on the page, the \
                   `callouts` of the article JSON), so a nested one does not count as the \
                   callout the policy requires.",
            why: "A consult note indented under a list item looks like a callout in the editor, \
                  but apps and the page show it as ordinary text: the policy would count a \
                  note that patients never see as one.",
            bad: "- Rest when you can.\n\n  > [!CONSULT]\n  > Ask your midwife if the pain does not ease.",
            good: "- Rest when you can.\n\n> [!CONSULT]\n> Ask your midwife if the pain does not ease.",
        },
    },
    build: |_| Box::new(NestedCallout),
};

struct NestedCallout;

impl Check for NestedCallout {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        for c in &cx.body.callouts {
            let Some(place) = c.nested_in else { continue };
            sink.report(
                c.marker.clone(),
                format!(
                    "this `[!{}]` callout sits inside {place}: it is not published as a callout \
                     and does not count as one",
                    c.kind
                ),
                Some(format!(
                    "move it out, to the start of a line of its own with no indent: `> [!{}]`",
                    c.kind
                )),
            );
        }
    }
}
