//! `invalid-disclaimer`: a shared disclaimer that is not governed as one text under one
//! id: two files with one id, a file whose name is not its id, a disclaimer with no text.

use std::sync::Arc;

use crate::content::FileKind;
use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "invalid-disclaimer",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: true,
        summary: "a disclaimer file that shares its id, is misnamed or has no text",
        docs: Docs {
            what: "A file in `content/_disclaimers/` whose `id` another disclaimer file also \
                   has, whose file name is not `<id>.md`, or whose body has no text.",
            why: "Every article that names a disclaimer shows its text on every page. A second \
                  file with the same id can silently replace the approved wording, a misnamed \
                  file hides which text an id stands for, and an empty one shows patients a \
                  heading with nothing under it.",
            bad: "id: general-medical\ntitle: About this information\n---\n",
            good: "id: exercise\ntitle: Exercise and your health\n---\nStop exercising and ask \
                   your GP or midwife for advice if you feel pain, dizziness or shortness of breath.",
        },
    },
    build: |_| Box::new(InvalidDisclaimer),
};

struct InvalidDisclaimer;

impl Check for InvalidDisclaimer {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        if a.kind != FileKind::Disclaimer || !a.has_front_matter() {
            return;
        }
        let Some(id) = a.id() else { return };
        let id_range = a.value_range("/id");
        let others: Vec<Arc<str>> = cx
            .disclaimers
            .list
            .iter()
            .filter(|d| d.file.path != a.file.path && d.id() == Some(id))
            .map(|d| d.file.name.clone())
            .collect();
        if !others.is_empty() {
            sink.report(
                id_range.clone(),
                format!(
                    "disclaimer id `{id}` is also used by {}: pages would show only one of the \
                     texts",
                    others.join(", ")
                ),
                Some(
                    "keep one file per disclaimer: edit the approved text in \
                     content/_disclaimers/<id>.md, or give a new disclaimer a new id"
                        .to_string(),
                ),
            );
        }
        let stem = a.file.path.file_stem().and_then(|s| s.to_str());
        if stem != Some(id) {
            sink.report(
                id_range,
                format!(
                    "this disclaimer's file is named `{}.md`, but its id is `{id}`",
                    stem.unwrap_or("?")
                ),
                Some(format!(
                    "name the file `{id}.md`, or set `id: {}`",
                    stem.unwrap_or("?")
                )),
            );
        }
        let has_text = cx
            .body
            .blocks
            .iter()
            .any(|b| b.text.chars().any(char::is_alphanumeric));
        if !has_text {
            sink.report(
                a.opening_line(),
                format!(
                    "disclaimer `{id}` has no text: pages would show its title and nothing under it"
                ),
                Some("write the disclaimer's text under its front matter".to_string()),
            );
        }
    }
}
