//! `missing-alt-text`: an image with no alt text.

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "missing-alt-text",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "an image with no alt text",
        docs: Docs {
            what: "Every image in the body, `![alt](...)`, must have alt text between the \
                   brackets. (Front-matter media need `alt` too; the schema checks that.)",
            why: "People who use screen readers, and anyone whose app failed to load the image, \
                  get nothing from an image without alt text, and it may carry the key advice.",
            bad: "![](media:side-lying)",
            good: "![A pregnant woman lying on her left side with a pillow between her knees](media:side-lying)",
        },
    },
    build: |_| Box::new(MissingAltText),
};

struct MissingAltText;

impl Check for MissingAltText {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        for link in cx.body.links.iter().filter(|l| l.image) {
            if link.text.trim().is_empty() {
                sink.report(
                    link.range.clone(),
                    "this image has no alt text",
                    Some(
                        "say what the image shows between the brackets: ![what it shows](...)"
                            .to_string(),
                    ),
                );
            }
        }
    }
}
