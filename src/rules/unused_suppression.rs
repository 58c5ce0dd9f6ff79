//! `unused-suppression`: a suppression comment that silences nothing. Reported by
//! `crate::suppress`, which sees every other rule's findings.

use crate::diagnostic::Severity;
use crate::rules::{Docs, RuleDef, RuleMeta, Scope};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "unused-suppression",
        severity: Severity::Warning,
        scope: Scope::Article,
        safety: false,
        summary: "a suppression comment that silences nothing",
        docs: Docs {
            what: "A `healthpress-disable-next-line` or `healthpress-disable` comment whose rule \
                   does not fire on the lines it covers.",
            why: "A stale suppression hides the next real problem that appears on that line; \
                  removing it keeps the article honest.",
            bad: "<!-- healthpress-disable-next-line placeholder-text -->\nMost back pain in pregnancy eases with time.",
            good: "Most back pain in pregnancy eases with time.",
        },
    },
    build: |_| Box::new(super::invalid_suppression::ReportedBySuppress),
};
