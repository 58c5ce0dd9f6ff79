//! `unreadable-file`: a content file that cannot be read as UTF-8 text.

use crate::content::Unreadable;
use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "unreadable-file",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "a content file that cannot be read as UTF-8 text",
        docs: Docs {
            what: "A `.md` file in the content folder that cannot be read: it is not UTF-8, \
                   holds binary data, is larger than `max_file_bytes`, is a symbolic link (never \
                   followed), or the system refused to read it; or a Markdown file named with \
                   another extension (`.markdown`, `.mdown`, `.mkd`, `.MD`, ...), which is not read.",
            why: "Nothing in such a file can be checked or published, so a patient-facing \
                  article could silently go missing from the bundle.",
            bad: "a file saved as Windows-1252, where `é` is the single byte 0xE9",
            good: "the same file saved as UTF-8",
        },
    },
    build: |_| Box::new(UnreadableFile),
};

struct UnreadableFile;

impl Check for UnreadableFile {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let Some(why) = &cx.article.unreadable else {
            return;
        };
        let file = &cx.article.file;
        match why {
            Unreadable::Io(e) => sink.report(0..0, format!("cannot read this file: {e}"), None),
            Unreadable::Link(target) => sink.report(
                0..0,
                format!("this is a symbolic link (to {target}); links are not followed"),
                Some(
                    "put the article itself in the content folder: a link may point outside it, \
                     or in a loop"
                        .to_string(),
                ),
            ),
            Unreadable::TooLarge { bytes, limit } => sink.report(
                0..0,
                format!("this file is {bytes} bytes, over the limit of {limit} bytes"),
                Some(
                    "split it into smaller articles, or raise `max_file_bytes` in healthpress.toml"
                        .into(),
                ),
            ),
            Unreadable::Binary => sink.report(
                0..0,
                "this file holds binary data (a NUL byte), not text",
                Some(
                    "only Markdown articles belong in the content folder with a `.md` name"
                        .to_string(),
                ),
            ),
            Unreadable::OtherExtension(ext) => sink.report(
                0..0,
                format!(
                    "this Markdown file is named `.{}`, so it is not read: only `.md` files are \
                     articles",
                    crate::escape::escape_name(ext)
                ),
                Some("rename it to end in `.md` (lower case) to check and publish it".to_string()),
            ),
            Unreadable::NotUtf8 { offset, .. } => {
                let at = (*offset).min(file.text.len());
                sink.report(
                    at..at,
                    "this file is not valid UTF-8 text: the first bad byte is here",
                    Some("save the file as UTF-8 in your editor".to_string()),
                )
            }
        }
    }
}
