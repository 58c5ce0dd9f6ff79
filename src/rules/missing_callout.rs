//! `missing-callout`: the policy requires a callout kind other than CONSULT and URGENT
//! (such as SAFETY) and the article has none.

use crate::diagnostic::Severity;
use crate::rules::missing_urgent_help::MissingCallout;
use crate::rules::{Docs, RuleDef, RuleMeta, Scope};

pub static RULE: RuleDef = RuleDef {
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
    build: |_| Box::new(MissingCallout { kind: "OTHER" }),
};
