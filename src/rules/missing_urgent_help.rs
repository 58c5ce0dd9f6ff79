//! `missing-urgent-help`: the policy requires an `URGENT` callout and there is none.

use crate::diagnostic::Severity;
use crate::rules::helpers::title_range;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "missing-urgent-help",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: true,
        summary: "the policy requires an URGENT callout and there is none",
        docs: Docs {
            what: "Articles the policy names (in this repository, every pregnancy article) need a \
                   `> [!URGENT]` callout listing the red flags and what to do about them.",
            why: "Back pain in pregnancy is usually harmless, but with bleeding, fever or \
                  regular tightenings it can be a sign of infection or early labour. The red \
                  flags must be impossible to miss.",
            bad: "## When to get help\n\nMost back pain in pregnancy is not a sign that anything is wrong.",
            good: "> [!URGENT]\n> Call your midwife or maternity unit straight away if you have back pain with bleeding",
        },
    },
    build: |_| Box::new(MissingCallout { kind: "URGENT" }),
};

/// A required callout kind the article lacks. `URGENT` reports as `missing-urgent-help`;
/// other kinds the policy may require (SAFETY, WARNING...) report as `missing-callout`.
pub(super) struct MissingCallout {
    pub(super) kind: &'static str,
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
                let mine = if self.kind == "URGENT" {
                    c == "URGENT"
                } else {
                    c != "URGENT" && c != "CONSULT"
                };
                if mine && !wanted.iter().any(|(w, _)| w == c) {
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
            let example = if kind == "URGENT" {
                "> [!URGENT]\n> Call 999 or go to A&E if <red flag>. Call your midwife or NHS 111 straight away if <red flag>."
            } else {
                "> [!KIND]\n> <the text>"
            };
            sink.report(
                title_range(a, cx.body),
                format!("{why} need a `[!{kind}]` callout, and this article has none"),
                Some(format!(
                    "add a callout such as:\n{}",
                    example.replace("KIND", kind)
                )),
            );
        }
    }
}
