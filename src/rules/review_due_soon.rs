//! `review-due-soon`: `next_review` is within the configured window.

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "review-due-soon",
        severity: Severity::Warning,
        scope: Scope::Article,
        safety: false,
        summary: "next_review is within the configured window",
        docs: Docs {
            what: "`next_review` falls within `policy.review_window_days` (default 60) of today.",
            why: "A clinical review takes time to arrange. A warning weeks ahead keeps an \
                  article from lapsing into `review-overdue`, which fails the build.",
            bad: "next_review: 2026-12-20",
            good: "next_review: 2028-12-20",
        },
    },
    build: |_| Box::new(ReviewDueSoon),
};

struct ReviewDueSoon;

impl Check for ReviewDueSoon {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        let Some(next) = super::review_overdue::next_review(a) else {
            return;
        };
        let days = (next - cx.today).num_days();
        let window = i64::from(cx.config.policy.review_window_days);
        if (0..=window).contains(&days) {
            sink.report(
                a.value_range("/next_review"),
                format!("the review is due on {next}, in {days} days"),
                Some("arrange the clinical review now, before the article lapses".to_string()),
            );
        }
    }
}
