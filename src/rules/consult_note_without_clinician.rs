//! `consult-note-without-clinician`: a `CONSULT` callout that names no clinician.

use regex::Regex;

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "consult-note-without-clinician",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: true,
        summary: "a CONSULT callout that names no clinician",
        docs: Docs {
            what: "A `[!CONSULT]` callout must name at least one of the clinicians in \
                   `policy.clinicians` of healthpress.toml (GP, doctor, midwife, obstetrician, \
                   nurse, pharmacist, physiotherapist, health visitor...).",
            why: "\"Get advice if you are worried\" leaves a worried patient with nowhere to go. \
                  Naming whom to ask is what makes the note useful.",
            bad: "> [!CONSULT]\n> Get some advice if the pain does not go away.",
            good: "> [!CONSULT]\n> Ask your midwife or GP if the pain does not go away.",
        },
    },
    build: |config| {
        Box::new(ConsultNoteWithoutClinician {
            clinicians: crate::rules::helpers::word_list(&config.policy.clinicians, true),
            list: config.policy.clinicians.join(", "),
        })
    },
};

struct ConsultNoteWithoutClinician {
    clinicians: Regex,
    list: String,
}

impl Check for ConsultNoteWithoutClinician {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        for callout in cx
            .body
            .callouts
            .iter()
            // An empty or nested one is reported as such (`empty-callout`, `nested-callout`).
            .filter(|c| c.kind == "CONSULT" && c.counts())
        {
            if self.clinicians.is_match(&callout.text) {
                continue;
            }
            sink.report(
                callout.marker.clone(),
                "this CONSULT callout does not say whom to ask",
                Some(format!("name a clinician, such as: {}", self.list)),
            );
        }
    }
}
