//! `schema`: front matter that fails the JSON Schema, one diagnostic per violation.

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "schema",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "front matter that fails the JSON Schema, one diagnostic per violation",
        docs: Docs {
            what: "Every front-matter field against `schema/front-matter.schema.json`: required \
                   fields, allowed values, real dates, well-formed ids, DOIs and web addresses, \
                   and no unknown fields. Review dates, reviewers and sources may be left out \
                   only while `status: draft`. `next_review` must be after `last_reviewed`.",
            why: "A misspelt field is silently ignored by every app that reads the bundle: a \
                  `sumary` means no summary, a missing reviewer means nobody vouches for the \
                  advice.",
            bad: "sumary: Why your back may ache in pregnancy.\naudience: patients\n",
            good: "summary: Why your back may ache in pregnancy.\naudience: patient\n",
        },
    },
    build: |_| Box::new(Schema),
};

struct Schema;

impl Check for Schema {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        for v in cx.article.violations() {
            sink.report(v.range.clone(), v.message.clone(), v.help.clone());
        }
    }
}
