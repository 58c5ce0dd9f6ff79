//! Runs the rules of one run: builds each for the config, hands each a sink for its
//! findings in one article or across the corpus, holds each to a cap per file, and
//! times them when HEALTHPRESS_PROFILE is set.

use std::ops::Range;

use crate::config::Config;
use crate::content::Article;
use crate::content::index::{Entry, Reference, ReferenceKind};
use crate::content::markdown::{Body, TextBlock};
use crate::diagnostic::{Diagnostic, Severity, Span};

use super::prefilter::Triggers;
use super::{
    ArticleContext, Check, CorpusContext, RULES, RuleMeta, Scope, normalize, unreadable_file,
};

/// Collects one rule's findings in one article, at the severity the config gives it.
pub struct Sink<'a> {
    rule: &'static str,
    severity: Severity,
    article: &'a Article,
    out: &'a mut Vec<Diagnostic>,
    /// The article's links to other articles, for the corpus step (`refer`).
    references: &'a mut Vec<Reference>,
    /// Per block of the body, the rules whose triggers it holds (one bit per rule).
    hits: &'a [u64],
    /// This rule's bit; 0 when it names no triggers.
    bit: u64,
    /// The body's blocks, then its code blocks, as the prose rules read them
    /// (`normalize`): what the trigger scan searched.
    prose: &'a [normalize::Normal<'a>],
    /// Where this rule's findings start in `out`.
    before: usize,
    /// Findings past the cap, counted but not built (see `full`).
    skipped: usize,
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

/// A block of prose as a rule reads it: invisible characters removed, compatibility
/// forms folded (see `normalize`), and the way back to the file.
pub struct Prose<'b, 'n> {
    /// The text to search.
    pub text: &'n str,
    /// The paragraph, heading or table cell; `None` for a code block.
    pub block: Option<&'b TextBlock>,
    normal: &'n normalize::Normal<'n>,
    /// For a code block, where its source starts in the file.
    start: usize,
}

impl Prose<'_, '_> {
    /// Whether normalising changed the text: false for a block with no invisible
    /// character, compatibility form or mixed-script word (any all-ASCII block).
    pub fn folded(&self) -> bool {
        !self.normal.unchanged()
    }

    /// The file range of `self.text[range]`.
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        let r = self.normal.source_range(range);
        match self.block {
            Some(b) => b.source_range(r),
            None => self.start + r.start..self.start + r.end,
        }
    }
}

impl<'a> Sink<'a> {
    /// `blocks`, as the prose rules read them (see `Prose`).
    pub fn prose<'b>(&self, body: &'b Body) -> impl Iterator<Item = Prose<'b, 'a>> + use<'a, 'b> {
        let (hits, bit, prose) = (self.hits, self.bit, self.prose);
        body.blocks
            .iter()
            .zip(prose)
            .enumerate()
            .filter(move |(i, _)| bit == 0 || hits.get(*i).is_none_or(|h| h & bit != 0))
            .map(|(_, (b, n))| Prose {
                text: n.text.as_ref(),
                block: Some(b),
                normal: n,
                start: 0,
            })
    }

    /// The blocks normalising changed (an invisible character, a compatibility form,
    /// a mixed-script word removed or folded), as written: what the rules that report
    /// those characters read. Collected, so that the sink is free to report into.
    pub fn folded_blocks<'b>(&self, body: &'b Body) -> Vec<&'b TextBlock> {
        self.prose(body)
            .filter(|p| p.folded())
            .filter_map(|p| p.block)
            .collect()
    }

    /// `prose`, then the code blocks (their source, fences included) that hold this
    /// rule's triggers: for rules whose findings matter wherever a patient reads them,
    /// as a number in a code block is still shown.
    pub fn prose_and_code<'b>(
        &self,
        body: &'b Body,
    ) -> impl Iterator<Item = Prose<'b, 'a>> + use<'a, 'b> {
        let (hits, bit, prose) = (self.hits, self.bit, self.prose);
        let n = body.blocks.len();
        let code = body
            .code
            .iter()
            .zip(prose.get(n..).unwrap_or_default())
            .enumerate()
            .filter(move |(i, _)| bit == 0 || hits.get(n + *i).is_none_or(|h| h & bit != 0))
            .map(|(_, (r, normal))| Prose {
                text: normal.text.as_ref(),
                block: None,
                normal,
                start: r.start,
            });
        self.prose(body).chain(code)
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
    rule: &'static str,
    severity: Severity,
    out: &'a mut Vec<Diagnostic>,
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
    /// None when no rule names triggers. The prefilter's tests run the rules without it.
    pub(super) triggers: Option<Triggers>,
}

impl ActiveRules {
    pub fn new(config: &Config) -> ActiveRules {
        let rules: Vec<(&'static RuleMeta, Severity, Box<dyn Check>)> = RULES
            .iter()
            .filter_map(|def| {
                super::severity(config, def.meta.name)
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
        // The text the prose rules read, built once for all of them; borrowed as it is
        // for a block that is all ASCII.
        let prose: Vec<normalize::Normal<'_>> = if corpus_only || unreadable {
            Vec::new()
        } else {
            let file = &cx.article.file.text;
            cx.body
                .blocks
                .iter()
                .map(|b| normalize::Normal::new(&b.text))
                .chain(
                    cx.body
                        .code
                        .iter()
                        .map(|r| normalize::Normal::new(file.get(r.clone()).unwrap_or_default())),
                )
                .collect()
        };
        let hits = match &self.triggers {
            Some(t) if !corpus_only && !unreadable => t.scan(&prose),
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
                bit: self.triggers.as_ref().map_or(0, |t| t.bit(i)),
                prose: &prose,
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
