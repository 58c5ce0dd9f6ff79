//! `nesting-too-deep`: Markdown nested deeper than any article needs.

use crate::content::markdown::MAX_NESTING;
use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "nesting-too-deep",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "Markdown nested more than 100 levels deep",
        docs: Docs {
            what: "Block quotes, lists, links or emphasis nested more than 100 levels deep. \
                   Nothing below that depth is checked or published.",
            why: "No article needs it; it comes from a broken conversion or a hostile file, and \
                  apps cannot show it. Stopping at a fixed depth keeps every run bounded.",
            bad: "> > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > deep",
            good: "> A quotation, one level deep.",
        },
    },
    build: |_| Box::new(NestingTooDeep),
};

struct NestingTooDeep;

impl Check for NestingTooDeep {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        if let Some(range) = &cx.body.too_deep {
            sink.report(
                range.clone(),
                format!("the Markdown here is nested more than {MAX_NESTING} levels deep; nothing deeper is checked or published"),
                Some("flatten the quotes or lists: a converter or a stray character usually causes this".to_string()),
            );
        }
    }
}
