//! `media-type-mismatch`: a media file whose bytes are not the `kind` it claims, or not
//! a format pages can show.

use crate::content::model::MediaKind;
use crate::diagnostic::Severity;
use crate::media::{Located, describe};
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "media-type-mismatch",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "a media file whose bytes are not the `kind` it claims",
        docs: Docs {
            what: "What a media file is, read from its bytes (not its name): an `image` must be \
                   a PNG, JPEG, GIF or WebP image whose size can be read, a `video` an MP4 or \
                   WebM video. SVG is refused: it is a document that can carry scripts and \
                   links; export it as PNG.",
            why: "A video given as an image, or a format the app cannot show, reaches the \
                  patient as a broken picture with the advice it carried lost.",
            bad: "    kind: image\n    src: cat-cow.mp4",
            good: "    kind: video\n    src: cat-cow.mp4",
        },
    },
    build: |_| Box::new(TypeMismatch),
};

struct TypeMismatch;

impl Check for TypeMismatch {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        for (i, src, kind) in super::missing_media_file::entries(cx) {
            let kind = match kind {
                Some("image") => MediaKind::Image,
                Some("video") => MediaKind::Video,
                _ => continue,
            };
            let Ok(Located::File(path)) = cx.media.locate(&cx.article.file.path, src) else {
                continue;
            };
            let Some(found) = cx.media.facts(&path).sniffed else {
                continue;
            };
            let range = cx.article.value_range(&format!("/media/{i}/src"));
            let what = describe(&found);
            match found.kind {
                None if found.media_type == "SVG" => sink.report(
                    range,
                    format!("media file `{src}` is an SVG image, which is not published"),
                    Some(
                        "an SVG file can carry scripts and links; export it as a PNG and use that"
                            .to_string(),
                    ),
                ),
                None => sink.report(
                    range,
                    format!("media file `{src}` is {what}"),
                    Some("use a PNG, JPEG, GIF or WebP image, or an MP4 or WebM video".to_string()),
                ),
                Some(k) if k != kind => {
                    let (said, is) = match kind {
                        MediaKind::Image => ("image", "video"),
                        MediaKind::Video => ("video", "image"),
                    };
                    sink.report(
                        cx.article.value_range(&format!("/media/{i}/kind")),
                        format!("media `{src}` says `kind: {said}` but the file is {what}"),
                        Some(format!(
                            "set `kind: {is}`, or point `src` at the {said} you meant"
                        )),
                    );
                }
                Some(MediaKind::Image) if found.size.is_none() => sink.report(
                    range,
                    format!("media file `{src}` starts as {what} but its size cannot be read"),
                    Some("the file is cut short or damaged; export it again".to_string()),
                ),
                Some(_) => {}
            }
        }
    }
}
