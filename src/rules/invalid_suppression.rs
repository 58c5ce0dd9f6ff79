//! `invalid-suppression`: a suppression comment that names a safety rule or no known
//! rule. Reported by `crate::suppress`, which sees every other rule's findings.

use crate::diagnostic::Severity;
use crate::rules::{Check, Docs, RuleDef, RuleMeta, Scope};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "invalid-suppression",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "a suppression comment that names a safety rule or an unknown rule",
        docs: Docs {
            what: "`<!-- healthpress-disable... -->` comments that try to silence a safety rule \
                   (`healthpress rules` marks them: missing-disclaimer, missing-consult-note, \
                   missing-urgent-help, review-overdue, changed-since-review and others), that \
                   name no rule at all, or that name a rule that does not exist. Such a comment \
                   silences nothing: the findings it aimed at are still reported.",
            why: "A missing consult note or an overdue review is a patient-safety problem. Only \
                  the policy in healthpress.toml can change such a rule, so the change is \
                  reviewed on its own, never hidden inside an article. A comment that names no \
                  rule would silence every rule below it with one line nobody reads.",
            bad: "<!-- healthpress-disable-next-line missing-consult-note -->",
            good: "<!-- healthpress-disable-next-line absolute-claim -->",
        },
    },
    build: |_| Box::new(ReportedBySuppress),
};

/// The findings come from `crate::suppress`; this check has nothing of its own to do.
pub(super) struct ReportedBySuppress;

impl Check for ReportedBySuppress {}
