//! `last-reviewed-in-future`: `last_reviewed` is after today.

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "last-reviewed-in-future",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: true,
        summary: "last_reviewed is after today",
        docs: Docs {
            what: "`last_reviewed` of any article must not be after today (the run's date, or \
                   `--today`): a review cannot have happened yet.",
            why: "A typo such as 2062 for 2026 tells patients the advice was checked decades from \
                  now, and with `next_review` set after it the article would escape review for \
                  as long: `review-overdue` could never fire.",
            bad: "last_reviewed: 2062-06-22",
            good: "last_reviewed: 2026-06-22",
        },
    },
    build: |_| Box::new(LastReviewedInFuture),
};

struct LastReviewedInFuture;

impl Check for LastReviewedInFuture {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        let Some(last) = a.date("last_reviewed") else {
            return;
        };
        if last > cx.today {
            let days = (last - cx.today).num_days();
            sink.report(
                a.value_range("/last_reviewed"),
                format!(
                    "`last_reviewed` is {last}, {days} day{} after today ({}): a review cannot \
                     have happened yet",
                    if days == 1 { "" } else { "s" },
                    cx.today
                ),
                Some(
                    "set `last_reviewed` to the date the clinical review took place (is the \
                     year mistyped?)"
                        .to_string(),
                ),
            );
        }
    }
}
