//! `missing-callout`: the policy requires a callout kind other than CONSULT and URGENT
//! (such as SAFETY) and the article has none.

use crate::diagnostic::Severity;
use crate::rules::helpers::title_range;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "missing-callout",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "the policy requires a callout kind (other than CONSULT or URGENT) that is missing",
        docs: Docs {
            what: "A `[[policy.require]]` entry may require any callout kind, such as `SAFETY` \
                   for medication articles. CONSULT and URGENT have rules of their own \
                   (missing-consult-note, missing-urgent-help); this rule covers the others.",
            why: "A team that requires a safety warning on every medicines page needs to know \
                  when one is missing.",
            bad: "## Taking paracetamol\n\nParacetamol is usually the first choice in pregnancy.",
            good: "> [!SAFETY]\n> Do not take more than the dose on the packet.",
        },
    },
    build: |_| {
        Box::new(MissingCallout {
            // CONSULT and URGENT are missing-consult-note's and missing-urgent-help's.
            mine: |kind| kind != "URGENT" && kind != "CONSULT",
            example: "> [!KIND]\n> <the text>",
        })
    },
};

/// A callout kind the policy requires and the article lacks, for the kinds one rule
/// reports: this one, and missing-urgent-help for URGENT.
pub(super) struct MissingCallout {
    /// Whether a required kind is this rule's to report.
    pub(super) mine: fn(&str) -> bool,
    /// The callout the help suggests adding; `KIND` stands for the missing kind.
    pub(super) example: &'static str,
}

impl Check for MissingCallout {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        if !a.has_front_matter() || a.kind != crate::content::FileKind::Article {
            return;
        }
        let topics = a.topics();
        let mut wanted: Vec<(&str, String)> = Vec::new();
        for req in cx.config.requirements(a.audience(), &topics) {
            for c in &req.callouts {
                if (self.mine)(c) && !wanted.iter().any(|(w, _)| w == c) {
                    wanted.push((c, req.describe()));
                }
            }
        }
        for (kind, why) in wanted {
            if cx.body.has_callout(kind) {
                continue;
            }
            if let Some(c) = cx.body.uncounted_callout(kind) {
                let reason = c.why_not_counted().unwrap_or_default();
                sink.report(
                    c.marker.clone(),
                    format!("{why} need a `[!{kind}]` callout; this one {reason}, so it does not count"),
                    Some(format!(
                        "write it as a callout of its own at the top level, with its text:\n> [!{kind}]\n> <the text>"
                    )),
                );
                continue;
            }
            sink.report(
                title_range(a, cx.body),
                format!("{why} need a `[!{kind}]` callout, and this article has none"),
                Some(format!(
                    "add a callout such as:\n{}",
                    self.example.replace("KIND", kind)
                )),
            );
        }
    }
}
