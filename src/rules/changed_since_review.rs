//! `changed-since-review`: a published article whose clinical content no longer matches
//! its recorded sign-off.

use std::ops::Range;

use crate::content::Article;
use crate::content::markdown::Body;
use crate::content::model::Status;
use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};
use crate::signoff::{self, Recorded};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "changed-since-review",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: true,
        summary: "a published article whose clinical content no longer matches its sign-off",
        docs: Docs {
            what: "When `policy.require_sign_off` is on, every published article carries a \
                   `sign_off` written by `healthpress sign-off --reviewer NAME FILE` after a \
                   clinical review: a hash of everything patients see (title, summary, \
                   audience, locale, the body with its structure, disclaimers, sources and \
                   media), who signed it off and when. A missing sign-off, or one that no \
                   longer matches, is an error. Re-wrapping lines or changing line endings \
                   does not count; moving text into or out of a callout, list or table does. \
                   Inside a git repository the finding points at the first line that differs \
                   from the last committed version that was signed off. A sign-off recorded \
                   with the older, narrower hash (`sign_off: sha256:...`) is reported too: \
                   one more clinical review and `healthpress sign-off` fix it.",
            why: "A clinician signed off these words. If anyone changes a dose, a red flag, a \
                  video's transcript or a source afterwards, patients would read advice that \
                  nobody reviewed.",
            bad: "sign_off:\n  hash: v2:sha256:0000000000000000000000000000000000000000000000000000000000000000",
            good: "sign_off:\n  hash: v2:sha256:",
        },
    },
    build: |_| Box::new(ChangedSinceReview),
};

struct ChangedSinceReview;

/// How many of a file's newest commits are searched for the signed-off version (one
/// `git show` each; the newest usually matches, since the sign-off is committed).
const MAX_COMMITS: usize = 30;

impl Check for ChangedSinceReview {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        if !cx.config.policy.require_sign_off
            || a.kind != crate::content::FileKind::Article
            || a.status() != Some(Status::Published)
        {
            return;
        }
        let resign = format!(
            "have a clinician review it, then run `healthpress sign-off --reviewer NAME {}` \
             (NAME: one of its `reviewers`)",
            a.name()
        );
        match signoff::recorded(a) {
            Recorded::None => sink.report(
                a.key_range("/status"),
                "this published article has no clinical sign-off",
                Some(resign),
            ),
            Recorded::Legacy(_) => sink.report(
                a.value_range("/sign_off"),
                "this sign-off was recorded with an older, narrower hash that does not cover \
                 everything patients see (the title, audience, locale, media and the body's \
                 structure), so it can no longer be checked",
                Some(format!("one clinical re-review fixes it: {resign}")),
            ),
            // The schema rule says more about what is wrong with it.
            Recorded::Malformed => sink.report(
                a.value_range("/sign_off"),
                "this sign-off is not one that `healthpress sign-off` writes, so it cannot \
                 be checked",
                Some(resign),
            ),
            Recorded::Current { hash, by, on } => {
                let Some(actual) = signoff::clinical_hash(a, cx.body, by, on) else {
                    return;
                };
                if actual == hash {
                    if !signoff::reviewer_names(a).contains(&by) {
                        sink.report(
                            a.key_range("/sign_off"),
                            format!(
                                "this article was signed off by {by}, who is not one of its \
                                 `reviewers`"
                            ),
                            Some(resign),
                        );
                    }
                    return;
                }
                let help = format!(
                    "have a clinician review the change, then run `healthpress sign-off --reviewer NAME {}`",
                    a.name()
                );
                match signed_version(a, cx.body, hash, by, on) {
                    Some((rev, range, what)) => sink.report(
                        range,
                        format!(
                            "the clinical content has changed since {by} signed it off on {on}: \
                             {what} differs from the signed-off version (commit {})",
                            &rev[..rev.len().min(10)]
                        ),
                        Some(help),
                    ),
                    None => sink.report(
                        a.key_range("/sign_off"),
                        format!(
                            "the clinical content has changed since {by} signed it off on {on}"
                        ),
                        Some(help),
                    ),
                }
            }
        }
    }
}

/// The last committed version of the article whose content matches `hash`, and where
/// the article first differs from it: the commit, the place, and what is there.
fn signed_version(
    a: &Article,
    body: &Body,
    hash: &str,
    by: &str,
    on: &str,
) -> Option<(String, Range<usize>, String)> {
    let markdown = crate::content::markdown::Markdown::new();
    for rev in crate::git::file_commits(&a.file.path, MAX_COMMITS) {
        let Some(text) = crate::git::file_at(&a.file.path, &rev) else {
            continue;
        };
        let Some((old, old_body)) = signoff::parse_version(a, text, &markdown) else {
            continue;
        };
        if signoff::clinical_hash(&old, &old_body, by, on).as_deref() != Some(hash) {
            continue;
        }
        let (range, what) = signoff::first_difference(&old, &old_body, a, body)?;
        return Some((rev, range, what));
    }
    None
}
