//! `dangling-media-reference`: prose that points at media the article does not have.

use regex::Regex;

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "dangling-media-reference",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "prose that points at media the article does not have",
        docs: Docs {
            what: "Phrases such as \"the video above\", \"see the diagram below\" or \"the \
                   exercise shown here\" when the article carries no video, or no image, to \
                   point at. Articles are often copied from web pages that had media; the \
                   words survive, the media does not.",
            why: "A patient told to copy \"the motion shown in the video above\" has no video and \
                  may guess at an exercise, in pregnancy or with a bad back.",
            bad: "Do the stretch shown in the video above ten times.",
            good: "Sit upright and slowly turn your head to the left, then to the right. Do this ten times.",
        },
    },
    build: |_| Box::new(DanglingMedia::new()),
};

struct DanglingMedia {
    pattern: Regex,
    video: Regex,
    /// A video noun anywhere in a phrase: whether its noun can be one.
    names_video: Regex,
}

const VIDEO: &str = "video|videos|clip|animation|film";
const IMAGE: &str = "image|images|picture|pictures|photo|photos|photograph|diagram|diagrams|illustration|illustrations|chart|charts|figure|figures|graph|graphs|infographic";
/// The verbs that point at media without naming it ("shown above").
const VERBS: &str = "shown|pictured|illustrated|demonstrated";

impl DanglingMedia {
    fn new() -> Self {
        let noun = format!("{VIDEO}|{IMAGE}");
        let pattern = Regex::new(&format!(
            r"(?i)\b(?:(?:the|this|that|these|those|our)\s+(?:\w+\s+)?(?P<n1>{noun})\s+(?:above|below|here|opposite)|(?P<n2>{noun})\s+(?:above|below)|(?:{VERBS})\s+(?:above|below|here|in\s+the\s+(?P<n3>{noun})(?:\s+(?:above|below))?))\b"
        ))
        .expect("media pattern compiles");
        let video = Regex::new(&format!("(?i)^(?:{VIDEO})$")).expect("video nouns compile");
        let names_video = Regex::new(&format!("(?i){VIDEO}")).expect("video nouns compile");
        DanglingMedia {
            pattern,
            video,
            names_video,
        }
    }

    /// The phrases of `text` that point at media the article does not have, each with
    /// what it points at (its noun, or "media").
    ///
    /// Which media a phrase points at takes the capture search, several times slower
    /// than finding the phrase, so it runs only where the answer can be yes: never
    /// with both kinds of media, and with images alone only for a phrase holding a
    /// video noun (its noun cannot be one otherwise; and a text without one is not
    /// searched at all, as most blocks of an illustrated article that mention "the
    /// picture below"). `captures_at` from the start of a match `find_iter` gave
    /// returns that same match.
    fn dangling<'t>(
        &self,
        text: &'t str,
        has_video: bool,
        has_image: bool,
    ) -> Vec<(regex::Match<'t>, String)> {
        let mut out = Vec::new();
        if has_image && (has_video || !self.names_video.is_match(text)) {
            return out;
        }
        for m in self.pattern.find_iter(text) {
            if has_image && !self.names_video.is_match(m.as_str()) {
                continue;
            }
            let caps = self
                .pattern
                .captures_at(text, m.start())
                .expect("the match just found");
            let noun = caps
                .name("n1")
                .or(caps.name("n2"))
                .or(caps.name("n3"))
                .map(|n| n.as_str().to_string());
            let dangling = match &noun {
                Some(n) if self.video.is_match(n) => !has_video,
                Some(_) => !has_image,
                None => !has_video && !has_image,
            };
            if dangling {
                out.push((m, noun.unwrap_or_else(|| "media".into()).to_lowercase()));
            }
        }
        out
    }
}

impl Check for DanglingMedia {
    /// Every match names the media (the first two alternatives of the pattern) or
    /// starts with one of `VERBS` (the third), so holds a noun or a verb. The words
    /// after them ("above", "below", "here") would do too, but "here" is in "where" and
    /// "there", and sent the pattern to one block in thirteen instead of one in a
    /// hundred. (The shared scan drops the words holding another: "photos", "pictured".)
    fn triggers(&self) -> Vec<String> {
        [VIDEO, IMAGE, VERBS]
            .iter()
            .flat_map(|words| words.split('|'))
            .map(String::from)
            .collect()
    }

    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        let media = a.front.value.get("media").and_then(|m| m.as_array());
        let has_kind = |kind: &str| {
            media.is_some_and(|m| {
                m.iter()
                    .any(|e| e.get("kind").and_then(|k| k.as_str()) == Some(kind))
            })
        };
        let body_images = cx.body.links.iter().any(|l| l.image);
        let has_video = has_kind("video");
        let has_image = has_kind("image") || body_images;
        for p in sink.prose(cx.body) {
            for (m, what) in self.dangling(p.text, has_video, has_image) {
                sink.report(
                    p.source_range(m.range()),
                    format!(
                        "\"{}\" points at {what} this article does not have",
                        m.as_str()
                    ),
                    Some(
                        "describe what the reader should do in words, or add the media to \
                         `media` in the front matter and show it with ![alt](media:ID)"
                            .to_string(),
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{DanglingMedia, IMAGE, VERBS, VIDEO};
    use crate::rules::Check;
    use proptest::prelude::*;

    /// What `dangling` finds, the plain way: the capture search over every match.
    fn reference(
        rule: &DanglingMedia,
        text: &str,
        has_video: bool,
        has_image: bool,
    ) -> Vec<(std::ops::Range<usize>, String)> {
        let mut out = Vec::new();
        for caps in rule.pattern.captures_iter(text) {
            let m = caps.get(0).expect("whole match");
            let noun = caps
                .name("n1")
                .or(caps.name("n2"))
                .or(caps.name("n3"))
                .map(|n| n.as_str().to_string());
            let dangling = match &noun {
                Some(n) if rule.video.is_match(n) => !has_video,
                Some(_) => !has_image,
                None => !has_video && !has_image,
            };
            if dangling {
                out.push((
                    m.range(),
                    noun.unwrap_or_else(|| "media".into()).to_lowercase(),
                ));
            }
        }
        out
    }

    #[rustfmt::skip]
    const WORDS: &[&str] = &[
        "the", "this", "our", "those", "exercise", "video", "Videos", "clip", "FILM",
        "animation", "image", "pictures", "photograph", "diagram", "chart", "graph",
        "infographic", "shown", "pictured", "illustrated", "demonstrated", "above", "below",
        "here", "opposite", "in", "the", "\u{17f}hown", "video\u{17f}", "clip\u{17f}", "where",
        "and", ".", "\n",
    ];

    proptest! {
        #![proptest_config(crate::proptest_cases(2000))]

        // The phrases found, and what each points at, are those of the capture search
        // over every match, whatever media the article has.
        #[test]
        fn dangling_matches_the_capture_search(
            words in proptest::collection::vec(
                (proptest::sample::select(WORDS), proptest::sample::select(&[" ", "  ", "\t"][..])),
                0..24),
            has_video in any::<bool>(),
            has_image in any::<bool>(),
        ) {
            let rule = DanglingMedia::new();
            let text: String = words.into_iter().map(|(w, g)| format!("{w}{g}")).collect();
            let found: Vec<(std::ops::Range<usize>, String)> = rule
                .dangling(&text, has_video, has_image)
                .into_iter()
                .map(|(m, what)| (m.range(), what))
                .collect();
            prop_assert_eq!(found, reference(&rule, &text, has_video, has_image));
        }
    }

    // Every way the pattern matches, with one space between its words and no word
    // between determiner and noun, holds one of the triggers in the match: so does
    // any match, whose words are these (case aside, which the scan ignores and
    // FOLDS_TO_ASCII covers) with more letters around them.
    #[test]
    fn every_match_holds_a_trigger() {
        let rule = DanglingMedia::new();
        let triggers = rule.triggers();
        let noun = format!("{VIDEO}|{IMAGE}");
        let nouns: Vec<&str> = noun.split('|').collect();
        let mut phrases = Vec::new();
        for n in &nouns {
            for det in ["the", "this", "that", "these", "those", "our"] {
                for end in ["above", "below", "here", "opposite"] {
                    phrases.push(format!("{det} {n} {end}"));
                    phrases.push(format!("{det} exercise {n} {end}"));
                }
            }
            for end in ["above", "below"] {
                phrases.push(format!("{n} {end}"));
            }
        }
        for v in VERBS.split('|') {
            for end in ["above", "below", "here"] {
                phrases.push(format!("{v} {end}"));
            }
            for n in &nouns {
                phrases.push(format!("{v} in the {n}"));
                for end in ["above", "below"] {
                    phrases.push(format!("{v} in the {n} {end}"));
                }
            }
        }
        for p in phrases {
            let m = rule.pattern.find(&p).unwrap_or_else(|| panic!("{p}"));
            assert!(
                triggers.iter().any(|t| m.as_str().contains(t.as_str())),
                "{p}"
            );
        }
    }
}
