//! `unsafe-link`: a `javascript:`, `vbscript:` or `data:` link.

use crate::content::link::{LinkTarget, unsafe_scheme};
use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "unsafe-link",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "a javascript:, vbscript: or data: link",
        docs: Docs {
            what: "Links and images whose address uses the `javascript:`, `vbscript:`, \
                   `data:` or `file:` scheme, in the body or in a media `src`. Such links \
                   are never rendered.",
            why: "Such an address runs code or smuggles content into the patient's app, \
                  outside every review.",
            bad: "[Book an appointment](javascript:alert(1))",
            good: "[Book an appointment](https://www.nhs.uk/nhs-services/gps/)",
        },
    },
    build: |_| Box::new(UnsafeLink),
};

struct UnsafeLink;

impl Check for UnsafeLink {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        for link in &cx.body.links {
            if let LinkTarget::Unsafe { scheme } = link.target() {
                sink.report(
                    link.range.clone(),
                    format!("`{scheme}` links are not allowed"),
                    Some("link to an https:// page or another article (article:ID)".to_string()),
                );
            }
        }
        let media = a.front.value.get("media").and_then(|m| m.as_array());
        for (i, m) in media.into_iter().flatten().enumerate() {
            if let Some(scheme) = m
                .get("src")
                .and_then(|s| s.as_str())
                .and_then(unsafe_scheme)
            {
                sink.report(
                    a.value_range(&format!("/media/{i}/src")),
                    format!("`{scheme}` is not allowed as a media `src`"),
                    Some("use a relative path or an https:// address".to_string()),
                );
            }
        }
    }
}
