//! `duplicate-id`: two articles with one `id`.

use crate::diagnostic::Severity;
use crate::rules::{Check, CorpusContext, CorpusSink, Docs, RuleDef, RuleMeta, Scope};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "duplicate-id",
        severity: Severity::Error,
        scope: Scope::Corpus,
        safety: false,
        summary: "two articles with one `id`",
        docs: Docs {
            what: "Every article's `id` must be unique across the whole content folder.",
            why: "Apps store and link articles by id. Two articles with one id means one \
                  silently replaces the other on patients' phones, and links reach the wrong \
                  advice.",
            bad: "id: back-pain-in-pregnancy",
            good: "id: upper-back-pain-in-pregnancy",
        },
    },
    build: |_| Box::new(DuplicateId),
};

struct DuplicateId;

impl Check for DuplicateId {
    fn corpus(&self, cx: &CorpusContext<'_>, sink: &mut CorpusSink<'_>) {
        let index = cx.index;
        let mut dups: Vec<_> = index.ids().filter(|(_, files)| files.len() > 1).collect();
        dups.sort();
        for (id, files) in dups {
            for &i in files {
                let entry = &index.entries[i];
                let others: Vec<&str> = files
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| &*index.entries[j].name)
                    .collect();
                sink.report(
                    entry,
                    entry.id_span,
                    format!("id `{id}` is also used by {}", others.join(", ")),
                    Some(
                        "give one of the articles a new id (an id is never reused, even after \
                         retirement)"
                            .to_string(),
                    ),
                    others.iter().map(|o| o.to_string()).collect(),
                );
            }
        }
    }
}
