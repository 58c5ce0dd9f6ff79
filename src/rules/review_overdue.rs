//! `review-overdue`: `next_review` is before today.

use crate::content::model::Status;
use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "review-overdue",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: true,
        summary: "next_review is before today",
        docs: Docs {
            what: "`next_review` of any article that is not a draft must not be in the past \
                   (today is the run's date, or `--today`).",
            why: "Clinical advice changes. An article whose review has lapsed may tell patients \
                  something that is no longer safe, with nobody accountable for it.",
            bad: "next_review: 2024-01-31",
            good: "next_review: 2028-01-31",
        },
    },
    build: |_| Box::new(ReviewOverdue),
};

struct ReviewOverdue;

/// The `next_review` of an article under review rules: every status but draft.
pub(super) fn next_review(a: &crate::content::Article) -> Option<chrono::NaiveDate> {
    if matches!(a.status(), Some(Status::Draft) | None) {
        return None;
    }
    a.date("next_review")
}

impl Check for ReviewOverdue {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        let Some(next) = next_review(a) else {
            return;
        };
        if next < cx.today {
            let days = (cx.today - next).num_days();
            sink.report(
                a.value_range("/next_review"),
                format!("the review was due on {next}, {days} days ago"),
                Some(
                    "have the article reviewed by a clinician, then update `last_reviewed` and \
                     `next_review` and run `healthpress sign-off` on it"
                        .to_string(),
                ),
            );
        }
    }
}
