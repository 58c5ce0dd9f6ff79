//! `unknown-callout`: a callout kind healthpress does not know.

use crate::config::{CALLOUT_KINDS, suggest};
use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "unknown-callout",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "a callout kind that healthpress does not know",
        docs: Docs {
            what: "`> [!KIND]` where KIND is not one of CONSULT, URGENT, SAFETY, NOTE, TIP, \
                   IMPORTANT, WARNING or CAUTION.",
            why: "A misspelt `[!CONSLUT]` is not a consult note: the policy does not count it \
                  and apps do not style it, so the advice loses its emphasis silently.",
            bad: "> [!CONSLUT]\n> Ask your midwife before you start.",
            good: "> [!CONSULT]\n> Ask your midwife before you start.",
        },
    },
    build: |_| Box::new(UnknownCallout),
};

struct UnknownCallout;

impl Check for UnknownCallout {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        for c in &cx.body.callouts {
            if CALLOUT_KINDS.contains(&c.kind.as_str()) {
                continue;
            }
            let hint = suggest(&c.kind, CALLOUT_KINDS.iter().copied());
            sink.report(
                c.marker.clone(),
                format!("unknown callout kind `{}`", c.kind),
                Some(format!(
                    "use one of: {}{}",
                    CALLOUT_KINDS.join(", "),
                    hint.replace("; ", " (").replace('?', "?)")
                )),
            );
        }
    }
}
