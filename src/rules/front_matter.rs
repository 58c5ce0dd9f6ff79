//! `front-matter`: missing, unterminated or unparseable front matter.

use crate::content::FrontMatterProblem;
use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "front-matter",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "missing, unterminated or unparseable front matter",
        docs: Docs {
            what: "The YAML block between two `---` lines at the top of every article: it must \
                   be there, be closed, and be valid YAML (no duplicate keys, no tabs for \
                   indentation, no unquoted `: ` inside a value).",
            why: "Without readable front matter nothing is known about the article: not its \
                  audience, its review dates nor its disclaimers, so none of the safety checks \
                  can run.",
            bad: "---\nid: back-pain\ntitle: Back pain: what helps\n",
            good: "---\nid: back-pain\ntitle: \"Back pain: what helps\"\n",
        },
    },
    build: |_| Box::new(FrontMatter),
};

struct FrontMatter;

impl Check for FrontMatter {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let Some(problem) = &cx.article.front_problem else {
            return;
        };
        match problem {
            FrontMatterProblem::Missing => sink.report(
                cx.article.opening_line(),
                "the file does not start with front matter",
                Some(
                    "start the file with a line `---`, then the fields (`id:`, `title:`...), \
                     then another line `---`"
                        .to_string(),
                ),
            ),
            FrontMatterProblem::Unterminated(open) => sink.report(
                open.clone(),
                "the front matter is never closed",
                Some("add a line with only `---` after the last field".to_string()),
            ),
            FrontMatterProblem::Yaml(e) => {
                sink.report(e.range.clone(), e.message.clone(), Some(e.help.clone()))
            }
        }
    }
}
