//! The rules. Each lives in its own file with its stable name, default severity,
//! scope and docs; `RULES` below is the one list that `check`, `rules`, `explain`,
//! the SARIF rule table and the config validation all read.
//!
//! To add a rule: name it after the problem; give it a file of its own, shaped like
//! the rules of its scope (`missing_alt_text.rs` reads one article, `duplicate_id.rs`
//! the corpus); add its `RULE` to `RULES`; give it the fixtures its docs quote
//! (`tests/fixtures/rules/<rule>/bad` and `good`). This file holds what a rule is made
//! of: its metadata, the `Check` it implements and what a check sees. The rest of this
//! folder, when a rule needs it:
//! - `engine.rs`: runs the rules; the sinks a rule reports into, the cap per file;
//! - `helpers.rs`: policy word lists as regexes and triggers, where to report an absence;
//! - `normalize.rs`: prose as the reader sees it (what `Sink::prose` gives a rule);
//! - `prefilter.rs`: the one scan of each body behind `Check::triggers`;
//! - `explain.rs`: how `Docs` are printed.

use chrono::NaiveDate;

use crate::config::{Config, ConfigError};
use crate::content::index::Index;
use crate::content::{Article, Disclaimers};
use crate::diagnostic::{Severity, WeakenedRule};

mod engine;
mod explain;
mod helpers;
mod prefilter;

pub use engine::{ActiveRules, CorpusSink, MAX_PER_RULE_PER_FILE, Prose, Sink};
pub use explain::explain;

mod absolute_claim;
mod broken_link;
mod changed_since_review;
mod consult_note_without_clinician;
mod dangling_media_reference;
mod duplicate_id;
mod emergency_number;
mod empty_callout;
mod empty_section;
mod front_matter;
mod invalid_disclaimer;
mod invalid_suppression;
mod invisible_character;
mod last_reviewed_in_future;
mod media_origin_not_allowed;
mod media_too_large;
mod media_type_mismatch;
mod missing_alt_text;
mod missing_callout;
mod missing_consult_note;
mod missing_disclaimer;
mod missing_media_file;
mod missing_urgent_help;
mod mixed_script_word;
mod nested_callout;
mod nesting_too_deep;
pub mod normalize;
mod placeholder_text;
mod raw_html;
mod readability;
mod review_due_soon;
mod review_interval;
mod review_overdue;
mod schema;
mod unbalanced_brackets;
mod unknown_callout;
mod unknown_disclaimer;
mod unknown_topic;
mod unreadable_file;
pub mod unsafe_link;
mod unused_suppression;

/// Whether a rule looks at one article at a time or at the whole corpus at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Article,
    Corpus,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Article => "article",
            Scope::Corpus => "corpus",
        }
    }
}

/// What `healthpress explain` prints. `bad` and `good` are excerpts of the rule's
/// fixtures (`tests/fixtures/rules/<rule>/`), and a test holds them to that.
#[derive(Debug)]
pub struct Docs {
    pub what: &'static str,
    pub why: &'static str,
    pub bad: &'static str,
    pub good: &'static str,
}

#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub severity: Severity,
    pub scope: Scope,
    /// A safety rule cannot be silenced from inside an article, only by the policy.
    pub safety: bool,
    /// One line for `healthpress rules` and SARIF's short description.
    pub summary: &'static str,
    pub docs: Docs,
}

/// A rule: its metadata, and how to build its check for one run's config (so that word
/// lists and patterns are compiled once per run, not per file).
pub struct RuleDef {
    pub meta: RuleMeta,
    pub build: fn(&Config) -> Box<dyn Check>,
}

impl RuleDef {
    pub fn meta(&self) -> &RuleMeta {
        &self.meta
    }
}

/// The work of a rule. Article rules implement `article`, corpus rules `corpus`.
pub trait Check: Send + Sync {
    fn article(&self, _cx: &ArticleContext<'_>, _sink: &mut Sink<'_>) {}
    fn corpus(&self, _cx: &CorpusContext<'_>, _sink: &mut CorpusSink<'_>) {}
    /// Literals that every match of this rule in a block of prose contains (compared
    /// ASCII case-insensitively). A rule that names them reads only the blocks that
    /// hold one (`Sink::blocks`), found by one scan of each body shared by all such
    /// rules, instead of running its own pattern over every block. Empty: every block.
    ///
    /// Any literals will do (words, numbers, a bracket). The rarer they are, the fewer
    /// blocks the rule reads; the scan is fastest with literals of four bytes or more,
    /// and drops a word that holds another of the same rule's words. A rule whose
    /// pattern is case-insensitive in Unicode's sense need not list the non-ASCII
    /// letters that fold to ASCII ones: a block holding one (`FOLDS_TO_ASCII`, in
    /// prefilter.rs) is read by every rule that names triggers.
    fn triggers(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Every rule, in the order `healthpress rules` lists them.
pub static RULES: &[&RuleDef] = &[
    &unreadable_file::RULE,
    &front_matter::RULE,
    &schema::RULE,
    &duplicate_id::RULE,
    &unknown_topic::RULE,
    &missing_disclaimer::RULE,
    &unknown_disclaimer::RULE,
    &invalid_disclaimer::RULE,
    &missing_consult_note::RULE,
    &consult_note_without_clinician::RULE,
    &missing_urgent_help::RULE,
    &missing_callout::RULE,
    &unknown_callout::RULE,
    &empty_callout::RULE,
    &nested_callout::RULE,
    &review_overdue::RULE,
    &last_reviewed_in_future::RULE,
    &review_due_soon::RULE,
    &review_interval::RULE,
    &changed_since_review::RULE,
    &broken_link::RULE,
    &dangling_media_reference::RULE,
    &missing_alt_text::RULE,
    &missing_media_file::RULE,
    &media_type_mismatch::RULE,
    &media_too_large::RULE,
    &media_origin_not_allowed::RULE,
    &empty_section::RULE,
    &placeholder_text::RULE,
    &raw_html::RULE,
    &nesting_too_deep::RULE,
    &unsafe_link::RULE,
    &absolute_claim::RULE,
    &unbalanced_brackets::RULE,
    &readability::RULE,
    &emergency_number::RULE,
    &invisible_character::RULE,
    &mixed_script_word::RULE,
    &invalid_suppression::RULE,
    &unused_suppression::RULE,
];

pub fn all() -> &'static [&'static RuleDef] {
    RULES
}

pub fn find(name: &str) -> Option<&'static RuleDef> {
    RULES.iter().copied().find(|r| r.meta.name == name)
}

/// The severity `rule` runs at under `config`: what `[rules]` sets, else the rule's
/// default; `None` when it is off (or no rule has that name).
pub fn severity(config: &Config, rule: &str) -> Option<Severity> {
    match config.rule_level(rule) {
        Some(level) => level,
        None => find(rule).map(|r| r.meta.severity),
    }
}

/// Hold the names `[rules]` sets a level for to the list of rules: an unknown one is an
/// error at its line, with a suggestion. Run on every configuration loaded (config sits
/// below the rules and cannot ask them itself).
pub fn validate(config: &Config) -> Result<(), ConfigError> {
    match config.configured_rules().find(|name| find(name).is_none()) {
        Some(name) => Err(config.error_at(
            name,
            format!(
                "unknown rule `{name}` in [rules]; `healthpress rules` lists them{}",
                crate::config::suggest(name, RULES.iter().map(|r| r.meta.name))
            ),
        )),
        None => Ok(()),
    }
}

/// The safety rules `[rules]` turns off or down from their default.
pub fn weakened_safety_rules(config: &Config) -> Vec<WeakenedRule> {
    RULES
        .iter()
        .map(|r| &r.meta)
        .filter(|m| m.safety)
        .filter_map(|m| {
            let now = severity(config, m.name);
            (now < Some(m.severity)).then(|| WeakenedRule {
                rule: m.name,
                default: m.severity,
                configured: now.map_or("off", Severity::as_str),
                file: config.path.display().to_string(),
                line: config.line_of(m.name),
            })
        })
        .collect()
}

/// What an article rule sees.
pub struct ArticleContext<'a> {
    pub article: &'a Article,
    /// The article's parsed body. `check` parses it just before the rules run and drops
    /// it after, so that a large corpus is never in memory all at once.
    pub body: &'a crate::content::markdown::Body,
    /// The shared disclaimers. Other articles are not in reach: a rule that needs
    /// them records what it needs (`Sink::refer`) and decides in its `corpus` step.
    pub disclaimers: &'a Disclaimers,
    pub config: &'a Config,
    pub today: NaiveDate,
    /// Where media entries point and what the files are, worked out once per run.
    pub media: &'a crate::media::Resolver,
}

/// What a corpus rule sees: every file's entry, after every file's own rules ran.
pub struct CorpusContext<'a> {
    pub index: &'a Index,
    pub config: &'a Config,
    pub today: NaiveDate,
}
