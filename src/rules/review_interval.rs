//! `review-interval`: `next_review` further after `last_reviewed` than the policy allows.

use chrono::Months;

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "review-interval",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "next_review further after last_reviewed than the policy allows",
        docs: Docs {
            what: "`next_review` must be at most `policy.max_review_interval_months` (default \
                   36, three years, as the NHS uses) after `last_reviewed`.",
            why: "Setting `next_review` ten years out would keep `review-overdue` quiet while \
                  the advice goes stale. The interval caps it.",
            bad: "last_reviewed: 2026-10-01\nnext_review: 2031-10-01",
            good: "last_reviewed: 2026-10-01\nnext_review: 2028-10-01",
        },
    },
    build: |_| Box::new(ReviewInterval),
};

struct ReviewInterval;

impl Check for ReviewInterval {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        let (Some(last), Some(next)) = (a.date("last_reviewed"), a.date("next_review")) else {
            return;
        };
        let months = cx.config.policy.max_review_interval_months;
        let Some(limit) = last.checked_add_months(Months::new(months)) else {
            return;
        };
        if next > limit {
            sink.report(
                a.value_range("/next_review"),
                format!(
                    "`next_review` is more than {months} months after `last_reviewed` ({last})"
                ),
                Some(format!("set `next_review` to {limit} or earlier")),
            );
        }
    }
}
