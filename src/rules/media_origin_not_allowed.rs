//! `media-origin-not-allowed`: remote media from an origin the configuration does not
//! allow.

use crate::diagnostic::Severity;
use crate::media::Located;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "media-origin-not-allowed",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "remote media from an origin `media.allowed_origins` does not list",
        docs: Docs {
            what: "A media `src` that is an address (`https://…`, `data:…`, `//…`) rather than a \
                   file in the repository. Pages work offline by default, so remote media is \
                   allowed only over https from an origin listed in `media.allowed_origins` in \
                   healthpress.toml; the page's Content-Security-Policy then allows exactly the \
                   origins its media come from.",
            why: "A page that loads media from elsewhere does not work offline, tells that \
                  server who is reading about which condition, and shows whatever the server \
                  sends, which no clinician reviewed.",
            bad: "    src: https://videos.example.org/cat-cow.mp4",
            good: "    src: cat-cow.mp4",
        },
    },
    build: |_| Box::new(OriginNotAllowed),
};

struct OriginNotAllowed;

impl Check for OriginNotAllowed {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let allowed = &cx.config.media.allowed_origins;
        for (i, src, _) in super::missing_media_file::entries(cx) {
            let Ok(Located::Remote { origin }) = cx.media.locate(&cx.article.file.path, src) else {
                continue;
            };
            let range = cx.article.value_range(&format!("/media/{i}/src"));
            match origin {
                Some(o) if allowed.contains(&o) => {}
                Some(o) => sink.report(
                    range,
                    format!("media from `{o}`, an origin healthpress.toml does not allow"),
                    Some(format!(
                        "put the file in the content repository and give its path, or, if this \
                         origin is trusted to serve it, add `\"{o}\"` to `allowed_origins` under \
                         [media] in healthpress.toml"
                    )),
                ),
                None => sink.report(
                    range,
                    "media `src` is an address but not an https one".to_string(),
                    Some(
                        "put the file in the content repository and give its path relative to \
                         this article's file"
                            .to_string(),
                    ),
                ),
            }
        }
    }
}
