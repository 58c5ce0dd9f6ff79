//! `changed-since-review`: a published article whose clinical content no longer matches
//! its recorded sign-off.

use crate::content::model::Status;
use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};
use crate::signoff;

pub static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "changed-since-review",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: true,
        summary: "a published article whose clinical content no longer matches its sign-off",
        docs: Docs {
            what: "When `policy.require_sign_off` is on, every published article carries a \
                   `sign_off` hash of its summary, body, disclaimers and sources, written by \
                   `healthpress sign-off FILE` after a clinical review. A missing hash, or one \
                   that no longer matches, is an error. Changes of white space or line endings \
                   alone do not count.",
            why: "A clinician signed off these words. If anyone changes a dose, a red flag or a \
                  source afterwards, patients would read advice that nobody reviewed.",
            bad: "sign_off: sha256:0000000000000000000000000000000000000000000000000000000000000000",
            good: "sign_off: sha256:",
        },
    },
    build: |_| Box::new(ChangedSinceReview),
};

struct ChangedSinceReview;

impl Check for ChangedSinceReview {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        if !cx.config.policy.require_sign_off
            || a.kind != crate::content::FileKind::Article
            || a.status() != Some(Status::Published)
        {
            return;
        }
        let Some(actual) = signoff::clinical_hash(a) else {
            return;
        };
        match a.str(signoff::FIELD) {
            None => sink.report(
                a.key_range("/status"),
                "this published article has no clinical sign-off",
                Some(format!(
                    "after a clinician has reviewed it, run `healthpress sign-off {}`",
                    a.name()
                )),
            ),
            Some(recorded) if recorded != actual => sink.report(
                a.value_range("/sign_off"),
                "the clinical content has changed since it was signed off",
                Some(format!(
                    "have a clinician review the change, then run `healthpress sign-off {}`",
                    a.name()
                )),
            ),
            Some(_) => {}
        }
    }
}
