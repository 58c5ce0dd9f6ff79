//! `readability`: reading grade above the configured limit for patient content.

use crate::content::model::Audience;
use crate::diagnostic::Severity;
use crate::rules::helpers::title_range;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "readability",
        severity: Severity::Warning,
        scope: Scope::Article,
        safety: false,
        summary: "reading grade above the configured limit for patient content",
        docs: Docs {
            what: "The Flesch-Kincaid grade of a patient or caregiver article's prose \
                   (paragraphs and list items; not headings, tables, lists of links or code) \
                   must not exceed `policy.readability_max_grade`. The message gives the SMOG \
                   grade too. Articles of under 100 words are not scored.",
            why: "Many adults read at the level of a 9 to 11 year old, and illness or worry \
                  lowers it further. Advice a patient cannot follow does not help them.",
            bad: "Musculoskeletal discomfort frequently accompanies physiological adaptations throughout gestation.",
            good: "Back pain is common in pregnancy. Your body changes to make room for your baby.",
        },
    },
    build: |_| Box::new(Readability),
};

struct Readability;

impl Check for Readability {
    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        if !matches!(a.audience(), Some(Audience::Patient | Audience::Caregiver)) {
            return;
        }
        let Some(s) = crate::content::readability::scores(cx.body) else {
            return;
        };
        let limit = cx.config.policy.readability_max_grade;
        if s.words >= 100 && s.flesch_kincaid_grade > limit {
            sink.report(
                title_range(a, cx.body),
                format!(
                    "reading grade {:.1} (Flesch-Kincaid), SMOG {:.1}; the limit for {} articles is {limit:.1}",
                    s.flesch_kincaid_grade,
                    s.smog_grade,
                    a.str("audience").unwrap_or("patient"),
                ),
                Some("use shorter sentences and everyday words (\"pain\", not \"discomfort\"; \"pregnancy\", not \"gestation\")".to_string()),
            );
        }
    }
}
