//! Departures: what the previous bundle held that this build would leave out although
//! no file says so. Such an article would vanish from apps, so the build fails instead.

use std::collections::BTreeSet;

use crate::check::VANISHING_ARTICLE;
use crate::content::FileKind;
use crate::content::index::{Entry, Index};
use crate::diagnostic::Diagnostic;
use crate::publish::previous::PreviousBundle;

fn vanishing(
    e: &Entry,
    span: crate::diagnostic::Span,
    message: String,
    help: String,
) -> Diagnostic {
    Diagnostic {
        rule: VANISHING_ARTICLE,
        severity: crate::diagnostic::Severity::Error,
        file: e.name.clone(),
        span,
        message,
        help: Some(help),
        refs: Vec::new(),
    }
}

/// What the previous bundle held that this build would leave out although no file
/// says so, as errors at the line that decides it. An article leaves the bundle
/// only when its file says so: `status: retired`, `draft` or `review` (withdrawn),
/// or the file is gone. One that is still in the library but cannot be published
/// (its front matter refused under whatever severity, a status that is not one, an
/// id that cannot be read or was changed in place) fails the build instead of
/// vanishing from apps. `written`: the ids of the articles written into the bundle.
pub(super) fn departures(
    index: &Index,
    written: &BTreeSet<String>,
    previous: Option<&PreviousBundle>,
) -> Vec<Diagnostic> {
    let articles: Vec<&Entry> = index
        .entries
        .iter()
        .filter(|e| e.kind == FileKind::Article)
        .collect();
    let last = previous.map(|p| &p.version);
    let held: BTreeSet<&str> = previous
        .iter()
        .flat_map(|p| p.manifest.articles.iter().map(|a| a.id.as_str()))
        .collect();
    let mut out = Vec::new();
    let to_leave = "to take it out of the bundle on purpose, set `status: draft` or \
                    `review` (withdrawn; it may come back) or `retired` (for good)";
    // Every article whose file says `published`, or says no status at all, and that
    // is not in the bundle: its front matter was refused (under any severity), or
    // its status is a typo. Whether the last bundle held it or not.
    for e in &articles {
        let Some(id) = e.id.as_deref() else {
            continue;
        };
        // A published article with a valid front matter that is not in the bundle
        // could not be written: `finish` says why.
        if written.contains(id) || e.is_unpublished() || (e.is_published() && !e.invalid) {
            continue;
        }
        let was = match (held.contains(id), last) {
            (true, Some(v)) => format!(" (bundle {v} holds it)"),
            _ => String::new(),
        };
        let (message, help) = match (e.status(), e.status.as_deref()) {
            (Some(_), _) => (
                format!(
                    "article `{id}` is published{was}, but its front matter cannot be \
                     published, so the build would leave it out"
                ),
                format!(
                    "fix the front matter (see the findings in this file): it must pass \
                     the schema to be published, whatever severity the `schema` rule has; \
                     {to_leave}"
                ),
            ),
            (None, Some(s)) => (
                format!(
                    "`{s}` is not a status (draft, review, published or retired), so the \
                     build cannot tell whether to publish article `{id}`{was}"
                ),
                format!("write `status: published`; {to_leave}"),
            ),
            (None, None) => (
                format!(
                    "article `{id}` has no status, so the build cannot tell whether to \
                     publish it{was}"
                ),
                format!("add `status: published`; {to_leave}"),
            ),
        };
        out.push(vanishing(e, e.status_span, message, help));
    }
    let Some(version) = last else {
        return out;
    };
    // Held by the last bundle, and no file carries the id any more: its file may
    // still be here under its name, with the id changed in place or unreadable.
    let mut gone = Vec::new();
    for id in &held {
        if written.contains(*id) || index.with_id(id).next().is_some() {
            continue;
        }
        let named: Vec<&&Entry> = articles.iter().filter(|e| e.stem() == Some(*id)).collect();
        if named.is_empty() {
            gone.push(*id);
        }
        for e in named {
            let (message, help) = match &e.id {
                Some(new) => (
                    format!(
                        "this file held article `{id}` in bundle {version}, and its id is \
                         now `{new}`: `{id}` would be removed from apps for good"
                    ),
                    format!(
                        "put `id: {id}` back; to replace the article, retire `{id}` \
                         (`status: retired`) and write `{new}` in a file of its own; to \
                         remove it, delete this file"
                    ),
                ),
                None => (
                    format!(
                        "this file held article `{id}` in bundle {version}, but its id \
                         cannot be read, so the build would leave the article out"
                    ),
                    "fix the front matter (see the finding at the top of the file)".into(),
                ),
            };
            out.push(vanishing(e, e.id_span, message, help));
        }
    }
    if !gone.is_empty() {
        // A file whose id cannot be read, and which is not a draft, may be one of the
        // articles that seem gone: the build cannot tell them removed.
        let list = gone
            .iter()
            .take(5)
            .map(|id| format!("`{id}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let more = if gone.len() > 5 {
            format!(" and {} more", gone.len() - 5)
        } else {
            String::new()
        };
        for e in articles.iter().filter(|e| {
            e.id.is_none() && !e.is_unpublished() && !e.stem().is_some_and(|s| held.contains(s))
        }) {
            out.push(vanishing(
                e,
                e.id_span,
                format!(
                    "this file's id cannot be read, and bundle {version} held articles that \
                     are no longer in the library ({list}{more}): the build cannot tell \
                     whether this file is one of them, which would then leave apps"
                ),
                "fix the front matter (see the finding at the top of the file)".into(),
            ));
        }
    }
    out
}
