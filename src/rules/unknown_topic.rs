//! `unknown-topic`: a topic that is not in the taxonomy.

use crate::config::suggest;
use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "unknown-topic",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "a topic not in the taxonomy",
        docs: Docs {
            what: "Each entry of `topics` must be one of the topics in `[topics]` of \
                   healthpress.toml.",
            why: "Topics decide which disclaimers and safety callouts the policy requires. An \
                  article filed under `pregancy` would escape the pregnancy rules and go \
                  missing from the app's pregnancy section.",
            bad: "topics: [pregancy, musculoskeletal]",
            good: "topics: [pregnancy, musculoskeletal]",
        },
    },
    build: |_| Box::new(UnknownTopic),
};

struct UnknownTopic;

impl Check for UnknownTopic {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let topics = &cx.config.topics;
        for (i, topic) in cx.article.strs("topics") {
            if topics.contains_key(topic) {
                continue;
            }
            // Past the cap a finding is only counted: a hostile list of a million
            // unknown topics must not cost a million spelling suggestions.
            if sink.full() {
                sink.skip();
                continue;
            }
            let hint = suggest(topic, topics.keys().map(String::as_str));
            sink.report(
                cx.article.value_range(&format!("/topics/{i}")),
                format!("topic `{topic}` is not in the taxonomy"),
                Some(if hint.is_empty() {
                    format!(
                        "use one of: {}; or add it to [topics] in healthpress.toml",
                        topics.keys().cloned().collect::<Vec<_>>().join(", ")
                    )
                } else {
                    format!("check the spelling{}", hint.replacen("; ", " (", 1) + ")")
                }),
            );
        }
    }
}
