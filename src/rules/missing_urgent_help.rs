//! `missing-urgent-help`: the policy requires an `URGENT` callout and there is none.

use crate::diagnostic::Severity;
use crate::rules::missing_callout::MissingCallout;
use crate::rules::{Docs, RuleDef, RuleMeta, Scope};

pub(super) static RULE: RuleDef = RuleDef {
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
    build: |_| {
        Box::new(MissingCallout {
            mine: |kind| kind == "URGENT",
            example: "> [!URGENT]\n> Call 999 or go to A&E if <red flag>. Call your midwife or NHS 111 straight away if <red flag>.",
        })
    },
};
