//! `unknown-disclaimer`: a referenced disclaimer that does not exist.

use crate::config::suggest;
use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "unknown-disclaimer",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "a referenced disclaimer that does not exist",
        docs: Docs {
            what: "Each id in `disclaimers` must have a file `content/_disclaimers/<id>.md`.",
            why: "A disclaimer that does not exist is a disclaimer the patient never sees, \
                  while the article looks as if it carries one.",
            bad: "disclaimers: [general-medical, pregnancey]",
            good: "disclaimers: [general-medical, pregnancy]",
        },
    },
    build: |_| Box::new(UnknownDisclaimer),
};

struct UnknownDisclaimer;

impl Check for UnknownDisclaimer {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        for (i, id) in cx.article.strs("disclaimers") {
            if cx.disclaimers.get(id).is_some() {
                continue;
            }
            let known = cx.disclaimers.ids();
            let hint = suggest(id, known);
            sink.report(
                cx.article.value_range(&format!("/disclaimers/{i}")),
                format!("there is no disclaimer `{id}` in content/_disclaimers/"),
                Some(if hint.is_empty() {
                    format!("fix the id, or add content/_disclaimers/{id}.md")
                } else {
                    format!("check the spelling{}", hint.replacen("; ", " (", 1) + ")")
                }),
            );
        }
    }
}
