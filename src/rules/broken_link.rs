//! `broken-link`: an `article:` or `media:` link, or a `related` id, that resolves to nothing.

use crate::config::suggest;
use crate::content::model::Status;
use crate::content::{Article, Corpus};
use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub static RULE: RuleDef = RuleDef {
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

/// What an `article:` target is.
enum Target<'a> {
    Ok,
    Missing,
    NotPublished(&'a Article),
}

/// Where an `article:` link or `related` id from an article leads; `published` says
/// whether the article it is in is published.
fn resolve<'a>(corpus: &'a Corpus, published: bool, id: &str) -> Target<'a> {
    let Some(&i) = corpus.articles_with_id(id).first() else {
        return Target::Missing;
    };
    if published && corpus.status(i) != Some(Status::Published) {
        return Target::NotPublished(&corpus.articles[i]);
    }
    Target::Ok
}

fn hint(corpus: &Corpus, id: &str) -> Option<String> {
    let s = suggest(id, corpus.ids().map(|(k, _)| k.as_str()));
    (!s.is_empty()).then(|| format!("check the id{}", s.replacen("; ", " (", 1) + ")"))
}

impl Check for BrokenLink {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        let corpus = cx.corpus;
        let published = a.status() == Some(Status::Published);
        for link in &cx.body.links {
            if let Some(id) = link.url.strip_prefix("article:") {
                match resolve(corpus, published, id) {
                    Target::Ok => {}
                    Target::Missing => sink.report_involving(
                        link.range.clone(),
                        format!("no article has the id `{id}`"),
                        hint(corpus, id).or(Some("link to an existing article's `id`".into())),
                        vec![id.to_string()],
                    ),
                    Target::NotPublished(t) => sink.report_involving(
                        link.range.clone(),
                        format!(
                            "`{id}` is not published ({}), so this link would be broken in the bundle",
                            t.str("status").unwrap_or("no status")
                        ),
                        Some("remove the link until that article is published".into()),
                        vec![id.to_string()],
                    ),
                }
            } else if let Some(id) = link.url.strip_prefix("media:") {
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
        }
        for (i, id) in a.strs("related") {
            let range = || a.value_range(&format!("/related/{i}"));
            match resolve(corpus, published, id) {
                Target::Ok => {}
                Target::Missing => sink.report_involving(
                    range(),
                    format!("related article `{id}` does not exist"),
                    hint(corpus, id).or(Some("use the `id` of an existing article".into())),
                    vec![id.to_string()],
                ),
                Target::NotPublished(t) => sink.report_involving(
                    range(),
                    format!(
                        "related article `{id}` is not published ({})",
                        t.str("status").unwrap_or("no status")
                    ),
                    Some("remove it from `related` until it is published".into()),
                    vec![id.to_string()],
                ),
            }
        }
    }
}
