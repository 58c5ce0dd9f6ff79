//! `missing-disclaimer`: the policy requires a disclaimer the article does not reference.

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "missing-disclaimer",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: true,
        summary: "the policy requires a disclaimer that the article does not reference",
        docs: Docs {
            what: "The `[[policy.require]]` entries of healthpress.toml that apply to the \
                   article's audience and topics name disclaimers; each must be listed in the \
                   article's `disclaimers`. Requirements combine: a patient pregnancy article \
                   needs the patient disclaimers and the pregnancy ones.",
            why: "The disclaimer tells a patient that the page is general information and when \
                  to get personal advice. Legal and clinical governance rely on it being on \
                  every page the policy names.",
            bad: "disclaimers: [general-medical]",
            good: "disclaimers: [general-medical, pregnancy]",
        },
    },
    build: |_| Box::new(MissingDisclaimer),
};

struct MissingDisclaimer;

impl Check for MissingDisclaimer {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        if !a.has_front_matter() || a.kind != crate::content::FileKind::Article {
            return;
        }
        let have: Vec<&str> = a.strs("disclaimers").into_iter().map(|(_, d)| d).collect();
        let topics = a.topics();
        let mut missing: Vec<(&str, String)> = Vec::new();
        for req in cx.config.requirements(a.audience(), &topics) {
            for d in &req.disclaimers {
                if !have.contains(&d.as_str()) && !missing.iter().any(|(m, _)| *m == d) {
                    missing.push((d, req.describe()));
                }
            }
        }
        if missing.is_empty() {
            return;
        }
        let at = if a.front.span("/disclaimers").is_some() {
            a.key_range("/disclaimers")
        } else {
            a.key_range("/topics")
        };
        let mut all: Vec<&str> = have.clone();
        all.extend(missing.iter().map(|(d, _)| *d));
        for (d, why) in &missing {
            sink.report(
                at.clone(),
                format!(
                    "the `{d}` disclaimer is required for {why}, and this article does not list it"
                ),
                Some(format!(
                    "list it in the front matter: `disclaimers: [{}]`",
                    all.join(", ")
                )),
            );
        }
    }
}
