//! `missing-consult-note`: the policy requires a `CONSULT` callout and there is none.

use regex::Regex;

use crate::config::Config;
use crate::diagnostic::Severity;
use crate::rules::helpers::title_range;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "missing-consult-note",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: true,
        summary: "the policy requires a CONSULT callout and there is none",
        docs: Docs {
            what: "Articles the policy names (in this repository, every patient and caregiver \
                   article) need a `> [!CONSULT]` callout that says when and whom to ask. \
                   When the advice is there but buried in an ordinary paragraph (\"consult \
                   your midwife\"), the finding points at that sentence.",
            why: "Readers skim. Advice to check with a clinician that sits in the middle of a \
                  paragraph is easily missed; a callout is shown so that it cannot be, and apps \
                  can surface it on its own.",
            bad: "If you have any worries about this, consult your midwife or GP.",
            good: "> [!CONSULT]\n> If you have any worries about this, ask your midwife or GP.",
        },
    },
    build: |config| Box::new(MissingConsultNote::new(config)),
};

struct MissingConsultNote {
    wording: Regex,
}

impl MissingConsultNote {
    fn new(config: &Config) -> Self {
        let inner = crate::rules::helpers::alternation(&config.policy.clinicians, true);
        let wording = Regex::new(&format!(
            r"(?i)\b(?:ask|asking|speak(?:ing)?\s+(?:to|with)|talk(?:ing)?\s+(?:to|with)|consult(?:ing)?|check(?:ing)?\s+with|see|contact|tell)\s+(?:your|a|the|with\s+your)\s+(?:local\s+)?(?:{inner})\b"
        ))
        .expect("consult wording compiles");
        MissingConsultNote { wording }
    }
}

impl Check for MissingConsultNote {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        if !a.has_front_matter() || a.kind != crate::content::FileKind::Article {
            return;
        }
        let topics = a.topics();
        let Some(req) = cx
            .config
            .requirements(a.audience(), &topics)
            .find(|r| r.callouts.iter().any(|c| c == "CONSULT"))
        else {
            return;
        };
        if cx.body.has_callout("CONSULT") {
            return;
        }
        let why = req.describe();
        if let Some(c) = cx.body.uncounted_callout("CONSULT") {
            let reason = c.why_not_counted().unwrap_or_default();
            sink.report(
                c.marker.clone(),
                format!("{why} need a `[!CONSULT]` callout; this one {reason}, so it does not count"),
                Some("write the consult note as a callout of its own at the top level, with its text:\n> [!CONSULT]\n> <when and whom to ask>".to_string()),
            );
            return;
        }
        // Read as the patient sees it (`normalize`): `con\u{200B}sult` is consult wording.
        let inline = sink
            .prose(cx.body)
            .filter(|p| p.block.is_some_and(|b| b.callout.is_none()))
            .find_map(|p| self.wording.find(p.text).map(|m| p.source_range(m.range())));
        match inline {
            Some(range) => {
                let line = a.file.span(range.clone()).line;
                sink.report(
                    range,
                    format!("{why} need a `[!CONSULT]` callout; this consult advice sits in a paragraph instead"),
                    Some(format!(
                        "move the advice on line {line} into a callout:\n> [!CONSULT]\n> <when and whom to ask>"
                    )),
                );
            }
            None => sink.report(
                title_range(a, cx.body),
                format!("{why} need a `[!CONSULT]` callout that says when and whom to ask, and this article has none"),
                Some("add a callout such as:\n> [!CONSULT]\n> Ask your GP or midwife if the pain does not ease within a week.".to_string()),
            ),
        }
    }
}
