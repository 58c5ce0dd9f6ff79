//! `broken-link`: an `article:` or `media:` link, or a `related` id, that resolves to nothing.

use crate::config::suggest;
use crate::content::index::{Entry, Index, Reference, ReferenceKind};
use crate::content::link::LinkTarget;
use crate::diagnostic::Severity;
use crate::rules::{
    ArticleContext, Check, CorpusContext, CorpusSink, Docs, RuleDef, RuleMeta, Scope, Sink,
};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "broken-link",
        severity: Severity::Error,
        scope: Scope::Corpus,
        safety: false,
        summary: "article: or media: link, or related id, that resolves to nothing",
        docs: Docs {
            what: "Links `[text](article:ID)` and ids in `related` must name an article in the \
                   corpus; a published article may link only to published ones, since drafts \
                   are never in the bundle. `![alt](media:ID)` must name an entry of the \
                   article's `media` list.",
            why: "A patient who taps \"see when to get help\" and lands nowhere has lost the \
                  advice they were looking for, perhaps the red flags.",
            bad: "Read about [sleeping positions](article:sleeping-position-in-pregnancy).",
            good: "Read about [sleeping positions](article:sleeping-positions-in-pregnancy).",
        },
    },
    build: |_| Box::new(BrokenLink),
};

struct BrokenLink;

enum Target<'a> {
    Ok,
    Missing,
    NotPublished(&'a Entry),
}

fn resolve<'a>(index: &'a Index, published: bool, id: &str) -> Target<'a> {
    let Some(target) = index.with_id(id).next() else {
        return Target::Missing;
    };
    if published && !target.is_published() {
        return Target::NotPublished(target);
    }
    Target::Ok
}

fn hint(index: &Index, id: &str) -> Option<String> {
    let s = suggest(id, index.ids().map(|(k, _)| k));
    (!s.is_empty()).then(|| format!("check the id{}", s.replacen("; ", " (", 1) + ")"))
}

/// A reference that does not resolve, with its message and help.
type Finding<'a> = (&'a Reference, String, String);

/// The message and help for a reference that does not resolve, or None.
fn explain(index: &Index, published: bool, r: &Reference) -> Option<(String, String)> {
    let id = &*r.id;
    Some(match (resolve(index, published, id), r.kind) {
        (Target::Ok, _) => return None,
        (Target::Missing, ReferenceKind::Link) => (
            format!("no article has the id `{id}`"),
            hint(index, id).unwrap_or("link to an existing article's `id`".into()),
        ),
        (Target::Missing, ReferenceKind::Related) => (
            format!("related article `{id}` does not exist"),
            hint(index, id).unwrap_or("use the `id` of an existing article".into()),
        ),
        (Target::NotPublished(t), ReferenceKind::Link) => (
            format!(
                "`{id}` is not published ({}), so this link would be broken in the bundle",
                t.status.as_deref().unwrap_or("no status")
            ),
            "remove the link until that article is published".into(),
        ),
        (Target::NotPublished(t), ReferenceKind::Related) => (
            format!(
                "related article `{id}` is not published ({})",
                t.status.as_deref().unwrap_or("no status")
            ),
            "remove it from `related` until it is published".into(),
        ),
    })
}

impl Check for BrokenLink {
    /// Links to media are checked here, against the article's own `media` list; links
    /// to articles and `related` ids are recorded, and resolved in `corpus`.
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        for link in &cx.body.links {
            match link.target() {
                LinkTarget::Article { id } => {
                    sink.refer(id, link.range.clone(), ReferenceKind::Link);
                }
                LinkTarget::Media { id } => {
                    let known: Vec<&str> = a
                        .front
                        .value
                        .get("media")
                        .and_then(|m| m.as_array())
                        .map(|m| m.iter().filter_map(|e| e.get("id")?.as_str()).collect())
                        .unwrap_or_default();
                    if !known.contains(&id) {
                        let s = suggest(id, known.iter().copied());
                        sink.report(
                            link.range.clone(),
                            format!("`media:{id}` is not in this article's `media` list"),
                            Some(if s.is_empty() {
                                format!("add an entry with `id: {id}` to `media`, with its `kind`, `src` and `alt`")
                            } else {
                                format!("check the id{}", s.replacen("; ", " (", 1) + ")")
                            }),
                        );
                    }
                }
                LinkTarget::Unsafe { .. } | LinkTarget::External { .. } => {}
            }
        }
        for (i, id) in a.strs("related") {
            sink.refer(
                id,
                a.value_range(&format!("/related/{i}")),
                ReferenceKind::Related,
            );
        }
    }

    /// Every file's references, resolved on every thread (a library has tens of
    /// thousands, and a broken one is compared with every id for a suggestion), then
    /// reported in file order.
    fn corpus(&self, cx: &CorpusContext<'_>, sink: &mut CorpusSink<'_>) {
        use rayon::prelude::*;
        let index = cx.index;
        let broken: Vec<(&Entry, Vec<Finding<'_>>)> = index
            .entries
            .par_iter()
            .filter_map(|entry| {
                let published = entry.is_published();
                let broken: Vec<_> = entry
                    .references
                    .iter()
                    .filter_map(|r| {
                        let (message, help) = explain(index, published, r)?;
                        Some((r, message, help))
                    })
                    .collect();
                (!broken.is_empty()).then_some((entry, broken))
            })
            .collect();
        for (entry, refs) in broken {
            for (r, message, help) in refs {
                sink.report(entry, r.span, message, Some(help), vec![r.id.to_string()]);
            }
        }
    }
}
