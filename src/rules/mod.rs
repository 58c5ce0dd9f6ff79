//! The rules. Each lives in its own file with its stable name, default severity,
//! scope and docs; `RULES` below is the one list that `check`, `rules`, `explain`,
//! the SARIF rule table and the config validation all read.

use std::ops::Range;

use chrono::NaiveDate;

use aho_corasick::AhoCorasick;

use crate::config::Config;
use crate::content::index::{Entry, Index, Reference, ReferenceKind};
use crate::content::markdown::{Body, TextBlock};
use crate::content::{Article, Disclaimers};
use crate::diagnostic::{Diagnostic, Severity, Span};

mod absolute_claim;
mod broken_link;
mod changed_since_review;
mod consult_note_without_clinician;
mod dangling_media_reference;
mod duplicate_id;
mod emergency_number;
mod empty_section;
mod front_matter;
mod invalid_suppression;
mod missing_alt_text;
mod missing_callout;
mod missing_consult_note;
mod missing_disclaimer;
mod missing_urgent_help;
mod nesting_too_deep;
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
    &missing_consult_note::RULE,
    &consult_note_without_clinician::RULE,
    &missing_urgent_help::RULE,
    &missing_callout::RULE,
    &unknown_callout::RULE,
    &review_overdue::RULE,
    &review_due_soon::RULE,
    &review_interval::RULE,
    &changed_since_review::RULE,
    &broken_link::RULE,
    &dangling_media_reference::RULE,
    &missing_alt_text::RULE,
    &empty_section::RULE,
    &placeholder_text::RULE,
    &raw_html::RULE,
    &nesting_too_deep::RULE,
    &unsafe_link::RULE,
    &absolute_claim::RULE,
    &unbalanced_brackets::RULE,
    &readability::RULE,
    &emergency_number::RULE,
    &invalid_suppression::RULE,
    &unused_suppression::RULE,
];

pub fn all() -> &'static [&'static RuleDef] {
    RULES
}

pub fn find(name: &str) -> Option<&'static RuleDef> {
    RULES.iter().copied().find(|r| r.meta.name == name)
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
}

/// What a corpus rule sees: every file's entry, after every file's own rules ran.
pub struct CorpusContext<'a> {
    pub index: &'a Index,
    pub config: &'a Config,
    pub today: NaiveDate,
}

/// Collects one rule's findings in one article, at the severity the config gives it.
pub struct Sink<'a> {
    pub(crate) rule: &'static str,
    pub(crate) severity: Severity,
    pub(crate) article: &'a Article,
    pub(crate) out: &'a mut Vec<Diagnostic>,
    /// The article's links to other articles, for the corpus step (`refer`).
    pub(crate) references: &'a mut Vec<Reference>,
    /// Per block of the body, the rules whose triggers it holds (one bit per rule).
    pub(crate) hits: &'a [u64],
    /// This rule's bit; 0 when it names no triggers.
    pub(crate) bit: u64,
    /// Where this rule's findings start in `out`.
    pub(crate) before: usize,
    /// Findings past the cap, counted but not built (see `full`).
    pub(crate) skipped: usize,
}

impl<'a> Sink<'a> {
    /// The blocks of prose this rule needs to read: those holding one of its triggers,
    /// or every block for a rule that names none.
    pub fn blocks<'b>(&self, body: &'b Body) -> impl Iterator<Item = &'b TextBlock> + use<'a, 'b> {
        let (hits, bit) = (self.hits, self.bit);
        body.blocks
            .iter()
            .enumerate()
            .filter(move |(i, _)| bit == 0 || hits.get(*i).is_none_or(|h| h & bit != 0))
            .map(|(_, b)| b)
    }
}

impl Sink<'_> {
    /// True once this rule has more findings in this file than are shown: a rule whose
    /// messages are costly to build (a spelling suggestion each) calls `skip` instead.
    pub fn full(&self) -> bool {
        self.out.len() - self.before > MAX_PER_RULE_PER_FILE
    }

    /// Count a finding past the cap without building it.
    pub fn skip(&mut self) {
        self.skipped += 1;
    }

    /// Report at a byte range of the article's file.
    pub fn report(
        &mut self,
        range: Range<usize>,
        message: impl Into<String>,
        help: impl Into<Option<String>>,
    ) {
        if self.full() {
            self.skip();
            return;
        }
        self.out.push(make(
            self.rule,
            self.severity,
            self.article,
            range,
            message.into(),
            help.into(),
        ));
    }
}

impl Sink<'_> {
    /// Report a finding that also involves other files or article ids, so that a run
    /// reporting on those still shows it.
    pub fn report_involving(
        &mut self,
        range: Range<usize>,
        message: impl Into<String>,
        help: impl Into<Option<String>>,
        refs: Vec<String>,
    ) {
        if self.full() {
            self.skip();
            return;
        }
        self.report(range, message, help);
        if let Some(last) = self.out.last_mut() {
            last.refs = refs;
        }
    }

    /// Record that the article points at article `id` from `range`: whether it resolves
    /// is decided in the corpus step, once every file has been read.
    pub fn refer(&mut self, id: &str, range: Range<usize>, kind: ReferenceKind) {
        self.references.push(Reference {
            id: id.into(),
            kind,
            span: self.article.file.span(range),
        });
    }
}

/// Collects one corpus rule's findings, in any file, from the files' entries.
pub struct CorpusSink<'a> {
    pub(crate) rule: &'static str,
    pub(crate) severity: Severity,
    pub(crate) out: &'a mut Vec<Diagnostic>,
}

impl CorpusSink<'_> {
    /// Report at a place in `entry`'s file; `refs` name the other files or article ids
    /// the finding involves, so that a run reporting on those still shows it.
    pub fn report(
        &mut self,
        entry: &Entry,
        span: Span,
        message: impl Into<String>,
        help: impl Into<Option<String>>,
        refs: Vec<String>,
    ) {
        self.out.push(Diagnostic {
            rule: self.rule,
            severity: self.severity,
            file: entry.name.clone(),
            span,
            message: message.into(),
            help: help.into(),
            refs,
        });
    }
}

fn make(
    rule: &'static str,
    severity: Severity,
    article: &Article,
    range: Range<usize>,
    message: String,
    help: Option<String>,
) -> Diagnostic {
    Diagnostic {
        rule,
        severity,
        file: article.file.name.clone(),
        span: article.file.span(range),
        message,
        help,
        refs: Vec::new(),
    }
}

/// At most this many findings of one rule in one file are kept; the rest are counted.
/// A hostile file (a million-item list of unknown topics) cannot fill memory, and a
/// person could not read more anyway.
pub const MAX_PER_RULE_PER_FILE: usize = 100;

/// Keep at most `MAX_PER_RULE_PER_FILE` of one rule's findings in one file, from
/// `before` on in `out` (all of one file), and say how many more there were.
fn cap(out: &mut Vec<Diagnostic>, before: usize, skipped: usize, rule: &'static str) {
    let found = out.len() - before + skipped;
    // One over is allowed: a rule may end with its own "N more" line (the schema rule).
    if found <= MAX_PER_RULE_PER_FILE + 1 {
        return;
    }
    out.truncate(before + MAX_PER_RULE_PER_FILE);
    let last = out[out.len() - 1].clone();
    out.push(Diagnostic {
        message: format!(
            "{} more `{rule}` findings in this file are not shown",
            found - MAX_PER_RULE_PER_FILE
        ),
        help: Some("fix the ones above and check again".to_string()),
        refs: Vec::new(),
        span: Span {
            end: last.span.start,
            end_line: last.span.line,
            end_column: last.span.column,
            ..last.span
        },
        ..last
    });
}

/// `cap` for a corpus rule's findings from `before` on, for each run of findings in
/// one file (corpus rules report file by file).
fn cap_each_file(out: &mut Vec<Diagnostic>, before: usize, rule: &'static str) {
    let found = out.split_off(before);
    let mut start = 0;
    while start < found.len() {
        let file = &found[start].file;
        let end = found[start..]
            .iter()
            .position(|d| d.file != *file)
            .map_or(found.len(), |n| start + n);
        let at = out.len();
        out.extend_from_slice(&found[start..end]);
        cap(out, at, 0, rule);
        start = end;
    }
}

/// The rules of one run, built for its config, with their severities.
pub struct ActiveRules {
    pub rules: Vec<(&'static RuleMeta, Severity, Box<dyn Check>)>,
    /// Nanoseconds spent in each rule, when HEALTHPRESS_PROFILE is set.
    spent: Option<Vec<std::sync::atomic::AtomicU64>>,
    triggers: Option<Triggers>,
}

/// Every rule's triggers in one automaton, so each body is scanned once for all of
/// them.
struct Triggers {
    automaton: AhoCorasick,
    /// For each pattern, the bits of the rules that named it.
    owners: Vec<u64>,
    /// The bits of all rules with triggers.
    all: u64,
}

/// Letters that a case-insensitive regex matches as `s` and `k` (long s, Kelvin sign)
/// but an ASCII case-insensitive scan does not: a block holding one is read by every
/// rule with triggers, so the shared scan never hides a match.
const FOLDS_TO_ASCII: [&str; 2] = ["\u{17f}", "\u{212a}"];

impl Triggers {
    fn new(rules: &[(&'static RuleMeta, Severity, Box<dyn Check>)]) -> Option<Triggers> {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<u64> = Vec::new();
        let mut all = 0u64;
        for (slot, (_, _, check)) in rules.iter().enumerate().take(64) {
            let bit = 1u64 << slot;
            let words = check.triggers();
            if words.is_empty() {
                continue;
            }
            all |= bit;
            for w in words {
                let w = w.to_ascii_lowercase();
                match patterns.iter().position(|p| *p == w) {
                    Some(i) => owners[i] |= bit,
                    None => {
                        patterns.push(w);
                        owners.push(bit);
                    }
                }
            }
        }
        if all == 0 {
            return None;
        }
        for f in FOLDS_TO_ASCII {
            patterns.push(f.to_string());
            owners.push(all);
        }
        // A full DFA: the patterns are few, and it scans fastest.
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("trigger words build an automaton");
        Some(Triggers {
            automaton,
            owners,
            all,
        })
    }

    /// Per block, the bits of the rules whose triggers it holds.
    fn scan(&self, body: &Body) -> Vec<u64> {
        body.blocks
            .iter()
            .map(|b| {
                let mut mask = 0;
                // Nine blocks in ten hold no trigger, and the plain search says so
                // faster than the overlapping one that finds them all.
                if !self.automaton.is_match(b.text.as_str()) {
                    return mask;
                }
                for m in self.automaton.find_overlapping_iter(b.text.as_str()) {
                    mask |= self.owners[m.pattern().as_usize()];
                    if mask == self.all {
                        break;
                    }
                }
                mask
            })
            .collect()
    }
}

impl ActiveRules {
    pub fn new(config: &Config) -> ActiveRules {
        let rules: Vec<(&'static RuleMeta, Severity, Box<dyn Check>)> = RULES
            .iter()
            .filter_map(|def| {
                config
                    .severity(def.meta.name)
                    .map(|sev| (&def.meta, sev, (def.build)(config)))
            })
            .collect();
        // One more slot for the shared trigger scan.
        let spent = std::env::var_os("HEALTHPRESS_PROFILE").map(|_| {
            (0..=rules.len())
                .map(|_| std::sync::atomic::AtomicU64::new(0))
                .collect()
        });
        let triggers = Triggers::new(&rules);
        ActiveRules {
            rules,
            spent,
            triggers,
        }
    }

    /// Time spent per rule, slowest first (only with HEALTHPRESS_PROFILE set).
    pub fn profile(&self) -> Vec<(&'static str, std::time::Duration)> {
        let Some(spent) = &self.spent else {
            return Vec::new();
        };
        let mut out: Vec<_> = self
            .rules
            .iter()
            .map(|(m, _, _)| m.name)
            .chain(["(trigger scan shared by the prose rules)"])
            .zip(spent)
            .map(|(name, ns)| {
                let ns = ns.load(std::sync::atomic::Ordering::Relaxed);
                (name, std::time::Duration::from_nanos(ns))
            })
            .collect();
        out.sort_by_key(|r| std::cmp::Reverse(r.1));
        out
    }

    /// Run the article rules on one article: all of them, or (for an article outside
    /// the files reported on) only the corpus-scope ones, whose findings may involve
    /// the files reported on.
    pub fn check_article(
        &self,
        cx: &ArticleContext<'_>,
        corpus_only: bool,
        out: &mut Vec<Diagnostic>,
        references: &mut Vec<Reference>,
    ) {
        let unreadable = cx.article.unreadable.is_some();
        let started = self.spent.as_ref().map(|_| std::time::Instant::now());
        let hits = match &self.triggers {
            Some(t) if !corpus_only && !unreadable => t.scan(cx.body),
            _ => Vec::new(),
        };
        if let (Some(spent), Some(t)) = (&self.spent, started) {
            spent[self.rules.len()].fetch_add(
                t.elapsed().as_nanos() as u64,
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        for (i, (meta, severity, check)) in self.rules.iter().enumerate() {
            if unreadable && meta.name != unreadable_file::RULE.meta.name {
                continue;
            }
            if corpus_only && meta.scope != Scope::Corpus {
                continue;
            }
            let started = self.spent.as_ref().map(|_| std::time::Instant::now());
            let before = out.len();
            let mut sink = Sink {
                rule: meta.name,
                severity: *severity,
                article: cx.article,
                out,
                references: &mut *references,
                hits: &hits,
                bit: match &self.triggers {
                    Some(t) if i < 64 => t.all & (1 << i),
                    _ => 0,
                },
                before,
                skipped: 0,
            };
            check.article(cx, &mut sink);
            let skipped = sink.skipped;
            cap(out, before, skipped, meta.name);
            if let (Some(spent), Some(t)) = (&self.spent, started) {
                spent[i].fetch_add(
                    t.elapsed().as_nanos() as u64,
                    std::sync::atomic::Ordering::Relaxed,
                );
            }
        }
    }

    /// Run every corpus rule once. Each reports file by file, and is held to the same
    /// per-file cap as the article rules.
    pub fn check_corpus(&self, cx: &CorpusContext<'_>, out: &mut Vec<Diagnostic>) {
        for (meta, severity, check) in &self.rules {
            let before = out.len();
            let mut sink = CorpusSink {
                rule: meta.name,
                severity: *severity,
                out,
            };
            check.corpus(cx, &mut sink);
            cap_each_file(out, before, meta.name);
        }
    }
}

/// The text `healthpress explain RULE` prints.
pub fn explain(m: &RuleMeta) -> String {
    let indent = |s: &str| s.lines().map(|l| format!("    {l}\n")).collect::<String>();
    format!(
        "{name}  ({severity} by default, {scope} rule{safety})\n\n{summary}\n\n\
         What it checks\n{what}\n\nWhy it matters\n{why}\n\nBad\n{bad}\nGood\n{good}",
        name = m.name,
        severity = m.severity.as_str(),
        scope = m.scope.as_str(),
        safety = if m.safety {
            "; a safety rule: it cannot be silenced inside an article"
        } else {
            ""
        },
        summary = m.summary,
        what = wrap(m.docs.what),
        why = wrap(m.docs.why),
        bad = indent(m.docs.bad),
        good = indent(m.docs.good),
    )
}

fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + word.len() + 1 > 78 {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out
}

/// Text helpers shared by the prose rules.
pub mod text {
    use regex::Regex;

    /// A case-insensitive regex matching any of `words` as whole words (or phrases),
    /// longest first so that "completely safe" wins over "safe".
    /// The words or phrases as whole words, case-insensitive. ASCII word boundaries
    /// keep the search a literal prefilter plus a DFA, several times faster over a
    /// large corpus than Unicode boundaries; the lists are English words.
    pub fn word_list(words: &[String], plurals: bool) -> Regex {
        let body = alternation(words, plurals);
        Regex::new(&format!(r"(?i)(?-u:\b)({body})(?-u:\b)")).expect("word list compiles")
    }

    /// `a|b c|...` for a regex: escaped, any white space between the words of a phrase,
    /// longest first so that "completely safe" wins over "safe".
    pub fn alternation(words: &[String], plurals: bool) -> String {
        let mut words: Vec<&String> = words.iter().filter(|w| !w.trim().is_empty()).collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let alts: Vec<String> = words
            .iter()
            .map(|w| {
                let e = w
                    .split_whitespace()
                    .map(regex::escape)
                    .collect::<Vec<_>>()
                    .join(r"\s+");
                if plurals { plural(&e) } else { e }
            })
            .collect();
        if alts.is_empty() {
            // Matches nothing.
            r"[^\s\S]".to_string()
        } else {
            alts.join("|")
        }
    }

    /// The first word of each phrase, as triggers for the shared scan (`Check::triggers`);
    /// none (read every block) when a word is not ASCII, whose case variants an ASCII
    /// scan would miss.
    pub fn first_words(phrases: &[String]) -> Vec<String> {
        let words: Vec<String> = phrases
            .iter()
            .filter_map(|p| p.split_whitespace().next())
            .map(str::to_string)
            .collect();
        if words.iter().all(|w| w.is_ascii()) {
            words
        } else {
            Vec::new()
        }
    }

    fn plural(word: &str) -> String {
        if let Some(stem) = word.strip_suffix("wife") {
            format!("{stem}wi(?:fe|ves)")
        } else {
            format!("{word}(?:s|es)?")
        }
    }
}
