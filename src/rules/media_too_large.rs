//! `media-too-large`: a media file over the configured size.

use crate::diagnostic::Severity;
use crate::media::Located;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "media-too-large",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "a media file larger than `media.max_bytes`",
        docs: Docs {
            what: "A media file larger than `max_bytes` under [media] in healthpress.toml \
                   (10 MiB unless set).",
            why: "Apps download every media file of the bundle, often on a phone's data plan; \
                  one oversized video can stall a sync and keep patients on stale advice.",
            bad: "    src: full-length-class.mp4",
            good: "    src: short-clip.mp4",
        },
    },
    build: |_| Box::new(TooLarge),
};

struct TooLarge;

impl Check for TooLarge {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let limit = cx.config.media.max_bytes;
        for (i, src, _) in super::missing_media_file::entries(cx) {
            let Ok(Located::File(path)) = cx.media.locate(&cx.article.file.path, src) else {
                continue;
            };
            let Some(size) = cx.media.facts(&path).size else {
                continue;
            };
            if size > limit {
                sink.report(
                    cx.article.value_range(&format!("/media/{i}/src")),
                    format!("media file `{src}` is {size} bytes, over the limit of {limit}"),
                    Some(format!(
                        "make the file smaller (a shorter clip, a lower resolution, or a \
                         compressed format), or raise `max_bytes` under [media] in \
                         healthpress.toml if {size} bytes is acceptable for apps to download"
                    )),
                );
            }
        }
    }
}
