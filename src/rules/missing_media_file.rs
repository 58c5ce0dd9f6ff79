//! `missing-media-file`: a media entry whose `src` names no file in the repository.

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "missing-media-file",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "a media entry whose `src` names no file in the content repository",
        docs: Docs {
            what: "Each local `src` in the front matter's `media` list must name a file in the \
                   content repository (the folder of healthpress.toml), relative to the \
                   article's own file: not a folder, not an absolute path, not a path that \
                   climbs out of the repository, and not a link that leads out of it.",
            why: "The build copies each media file into the bundle. A file that is not there \
                  leaves the patient with a gap where the picture or video of an exercise or a \
                  warning sign should be.",
            bad: "    src: images/side-lying.png",
            good: "    src: side-lying.png",
        },
    },
    build: |_| Box::new(MissingMediaFile),
};

struct MissingMediaFile;

/// Each media entry's index, `src` and `kind`, as written (entries without a string
/// `src` are the schema's to report).
pub(super) fn entries<'a>(
    cx: &'a ArticleContext<'_>,
) -> impl Iterator<Item = (usize, &'a str, Option<&'a str>)> {
    cx.article
        .front
        .value
        .get("media")
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, m)| {
            let src = m.get("src")?.as_str().filter(|s| !s.is_empty())?;
            Some((i, src, m.get("kind").and_then(|k| k.as_str())))
        })
}

impl Check for MissingMediaFile {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        // An address is `media-origin-not-allowed`'s to judge.
        for (i, src, _) in entries(cx) {
            if let Err(why) = cx.media.locate(&cx.article.file.path, src) {
                sink.report(
                    cx.article.value_range(&format!("/media/{i}/src")),
                    why.message(src),
                    Some(
                        "put the file in the content repository and give its path relative to \
                         this article's file, such as `images/side-lying.png`"
                            .to_string(),
                    ),
                );
            }
        }
    }
}
