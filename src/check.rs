//! `check`: load -> validate -> rules -> report. One parallel pass loads, validates
//! and checks each file and lets it go, keeping only its findings and its entry in the
//! index (id, status, links to other articles); the corpus rules then run over the
//! index. Keep what concerns the files asked about, sort.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::front::{self, Head};
use crate::content::index::{Entry, Index};
use crate::content::markdown::Body;
use crate::content::{Article, Disclaimers, FileKind, LoadPlan, Loader};
use crate::diagnostic::{Diagnostic, Tally};
use crate::error::RunError;
use crate::rules::{ActiveRules, ArticleContext, CorpusContext};
use crate::schema::Validators;
use crate::source::SourceFile;
use crate::suppress;

pub use crate::content::Progress;

/// What each checked file is handed to as soon as its rules have run (a build's
/// publisher), with its body as parsed for them (rendered when the run renders) and
/// the shared disclaimers. Called from the parallel pass; nothing of the file is kept
/// after it returns.
pub trait Consumer: Sync {
    /// Once, before the pass: the head (`id`, `status`, `title`) of every article, read
    /// from the text the pass then parses. A build's pages name their related articles
    /// by title, before those are checked.
    fn heads(&mut self, heads: Vec<Head>);
    fn checked(&self, article: &Article, body: &Body, disclaimers: &Disclaimers);
}

#[derive(Default)]
pub struct CheckOptions {
    /// Files and folders to report on; empty means the whole corpus.
    pub paths: Vec<PathBuf>,
    /// Report only on files changed since this git revision.
    pub changed_since: Option<String>,
    pub today: NaiveDate,
    /// Render HTML while parsing, for a build that follows.
    pub render: bool,
    pub progress: Option<Arc<dyn Progress>>,
}

/// `check` with a cache of parsed files kept between runs (watch mode).
pub fn check_cached(
    config: &Config,
    options: &CheckOptions,
    cache: &crate::content::ArticleCache,
) -> Result<Checked, RunError> {
    run(config, options, Some(cache), None)
}

/// `check` for a build: each checked file is handed to `consumer` (the publisher) as
/// soon as its rules have run, with the body rendered there, and nothing of it is kept.
pub fn check_and_publish(
    config: &Config,
    options: &CheckOptions,
    consumer: &mut dyn Consumer,
) -> Result<Checked, RunError> {
    run(config, options, None, Some(consumer))
}

/// The build-time error that an article would vanish from the bundle (the publisher
/// finds it, `Checked::add` brings it in): not a rule, so no severity setting or
/// suppression can turn it off, and it is a root cause as a front-matter error is.
pub const VANISHING_ARTICLE: &str = "vanishing-article";

/// The files with findings, by name, so reports can quote their lines.
pub type Sources = BTreeMap<Arc<str>, Arc<SourceFile>>;

pub struct Outcome {
    /// Time spent by phase and by rule (rules only with HEALTHPRESS_PROFILE set).
    pub profile: Vec<(&'static str, std::time::Duration)>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
    /// The files reported on, sorted.
    pub files: Vec<Arc<str>>,
    pub files_checked: usize,
    /// Safety rules healthpress.toml turns off or down: every report says so.
    pub weakened: Vec<crate::diagnostic::WeakenedRule>,
    /// What was checked and why, for the summary line when it is not simply the files
    /// asked for ("changed since HEAD~1"); empty otherwise.
    pub scope: String,
    /// Said at the end of the summary line (a build's findings that do not stop it).
    pub note: String,
}

pub struct Checked {
    /// What the corpus rules saw of every file.
    pub index: Index,
    pub outcome: Outcome,
}

pub fn check(config: &Config, options: &CheckOptions) -> Result<Checked, RunError> {
    run(config, options, None, None)
}

/// load -> validate -> rules -> report: find the files and what to report on, load the
/// disclaimers and the files reported on, then one parallel pass that loads,
/// validates and checks each file; the corpus rules over the index, and the outcome.
fn run(
    config: &Config,
    options: &CheckOptions,
    cache: Option<&crate::content::ArticleCache>,
    mut consumer: Option<&mut dyn Consumer>,
) -> Result<Checked, RunError> {
    let found = Instant::now();
    // The walk waits on the file system; the schemas, patterns and automata are
    // compiled meanwhile.
    let (files, (validators, rules)) = rayon::join(
        || crate::content::discover(config),
        || rayon::join(Validators::new, || ActiveRules::new(config)),
    );
    let files = corpus_files(config, files)?;
    let mut scope = Scope::of(config, options)?;
    let mut targets = scope.targets(config, options, &files)?;
    if let Some(p) = &options.progress {
        p.start(
            files.len(),
            if options.render {
                "building"
            } else {
                "checking"
            },
        );
    }

    let started = Instant::now();
    let old_ids = std::mem::take(&mut scope.old_ids);
    let read_first = consumer.is_some();
    let mut loaded = load(
        config,
        options,
        cache,
        files,
        &mut targets,
        old_ids,
        read_first,
    )?;
    if let Some(c) = consumer.as_deref_mut() {
        c.heads(std::mem::take(&mut loaded.heads));
    }
    let ready = started.elapsed();
    let media = crate::media::Resolver::new(&config.root);
    let pass = Pass {
        config,
        loader: &loaded.loader,
        validators: &validators,
        validate_all: !loaded.index_only,
        rules: &rules,
        disclaimers: &loaded.disclaimers,
        targets: &targets,
        consumer: consumer.as_deref(),
        today: options.today,
        media: &media,
    };
    let results = pass.run(loaded.items, options.progress.as_deref());
    let passed = started.elapsed();
    let (index, diagnostics, sources) = conclude(&pass, results);

    let mut profile = vec![
        ("phase: find files", started - found),
        ("phase: disclaimers and the files reported on", ready),
        ("phase: read, parse and check each file", passed - ready),
        ("phase: corpus rules and report", started.elapsed() - passed),
    ];
    profile.extend(rules.profile());
    let outcome = outcome(
        config,
        options,
        &scope,
        &targets,
        &index,
        diagnostics,
        sources,
    );
    Ok(Checked {
        index,
        outcome: Outcome { profile, ..outcome },
    })
}

/// The corpus's files, or why there is nothing to check.
fn corpus_files(
    config: &Config,
    found: std::io::Result<Vec<(PathBuf, FileKind)>>,
) -> Result<Vec<(PathBuf, FileKind)>, RunError> {
    let files = found.map_err(|source| RunError::ContentFolder {
        config: config.path.clone(),
        source,
    })?;
    if !files.iter().any(|(_, k)| *k == FileKind::Article) {
        return Err(RunError::NoArticles {
            dir: config.content_dir.clone(),
        });
    }
    Ok(files)
}

/// The report's side of a run: the lines of the files with findings, the files reported
/// on, and what was checked and why. The profile is the caller's to fill in.
fn outcome(
    config: &Config,
    options: &CheckOptions,
    scope: &Scope,
    targets: &Targets,
    index: &Index,
    diagnostics: Vec<Diagnostic>,
    mut sources: Sources,
) -> Outcome {
    // The report quotes the lines of the files with findings. A file whose text was
    // let go in the pass (a corpus rule found something there) is read again; if it
    // changed meanwhile it is reported without its lines rather than with wrong ones.
    let with_findings: HashSet<&str> = diagnostics.iter().map(|d| &*d.file).collect();
    sources.retain(|name, _| with_findings.contains(&**name));
    read_sources(index, &diagnostics, &mut sources, config.max_file_bytes);
    let mut files: Vec<Arc<str>> = index
        .entries
        .iter()
        .map(|e| e.name.clone())
        .filter(|n| targets.contains(n))
        .collect();
    files.sort();
    Outcome {
        profile: Vec::new(),
        diagnostics,
        sources,
        files_checked: files.len(),
        files,
        weakened: crate::rules::weakened_safety_rules(config),
        scope: scope.describe(options),
        note: String::new(),
    }
}

/// What a run reports on, from the paths asked for and `--changed-since`.
struct Scope {
    /// The files and folders to report on; empty means the whole corpus (or, with
    /// `--changed-since`, that no content file changed).
    paths: Vec<PathBuf>,
    /// The ids the changed files had at the revision.
    old_ids: Vec<String>,
    /// What a `--changed-since` run reports on the whole corpus for: a change every
    /// article may depend on.
    whole_corpus_because: Option<String>,
}

impl Scope {
    fn of(config: &Config, options: &CheckOptions) -> Result<Scope, RunError> {
        let mut scope = Scope {
            paths: options.paths.clone(),
            old_ids: Vec::new(),
            whole_corpus_because: None,
        };
        let Some(rev) = &options.changed_since else {
            return Ok(scope);
        };
        let dir = if config.root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &config.root
        };
        let changes = crate::git::changed_since(dir, rev)?;
        scope.old_ids = changes.old_ids;
        let content = canonical(&config.content_dir)?;
        scope.whole_corpus_because = affects_all(config, &content, &changes.touched);
        let changed: Vec<PathBuf> = changes
            .files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "md"))
            .filter(|f| std::fs::canonicalize(f).is_ok_and(|c| c.starts_with(&content)))
            .collect();
        if !scope.paths.is_empty() {
            let wanted: Vec<PathBuf> = scope
                .paths
                .iter()
                .filter_map(|p| std::fs::canonicalize(p).ok())
                .collect();
            scope.paths = changed
                .into_iter()
                .filter(|f| {
                    std::fs::canonicalize(f).is_ok_and(|c| wanted.iter().any(|w| c.starts_with(w)))
                })
                .collect();
        } else {
            scope.paths = changed;
        }
        Ok(scope)
    }

    fn targets(
        &self,
        config: &Config,
        options: &CheckOptions,
        files: &[(PathBuf, FileKind)],
    ) -> Result<Targets, RunError> {
        if self.whole_corpus_because.is_some() {
            Targets::new(config, &options.paths, files)
        } else if options.changed_since.is_some() && self.paths.is_empty() {
            Ok(Targets::none())
        } else {
            Targets::new(config, &self.paths, files)
        }
    }

    /// What was checked and why, for the summary line ("changed since HEAD~1"); empty
    /// when it is simply the files asked for.
    fn describe(&self, options: &CheckOptions) -> String {
        match (&options.changed_since, &self.whole_corpus_because) {
            (Some(rev), Some(why)) if options.paths.is_empty() => {
                format!("{why} changed since {rev}: whole corpus")
            }
            (Some(rev), Some(why)) => format!("{why} changed since {rev}: all the files named"),
            (Some(rev), None) => format!("changed since {rev}"),
            _ => String::new(),
        }
    }
}

/// What the pass starts from: the loader and plan for the files still to read, the
/// disclaimers, and every file in file order (parsed already, or to read).
struct Loaded<'c> {
    loader: Loader<'c>,
    disclaimers: Disclaimers,
    items: Vec<Item>,
    /// A plain check of a few files: the others are only indexed (`IndexOnly`).
    index_only: bool,
    /// The head of every article, when the files were read first (`read_first`).
    heads: Vec<Head>,
}

/// The loading stage before the pass: the disclaimers, which every article's rules
/// read, and the files reported on, whose ids (with `old_ids`, the ids they had at the
/// `--changed-since` revision) decide which other files a plain check reads whole.
fn load<'c>(
    config: &'c Config,
    options: &CheckOptions,
    cache: Option<&'c crate::content::ArticleCache>,
    files: Vec<(PathBuf, FileKind)>,
    targets: &mut Targets,
    old_ids: Vec<String>,
    read_first: bool,
) -> Result<Loaded<'c>, RunError> {
    // Each body is parsed in the pass, just before its rules, and let go after them;
    // the watch cache keeps parsed files whole, bodies included, between runs.
    let plan = || LoadPlan {
        bodies: cache.is_some(),
        render: options.render,
        cache,
        index_only: None,
    };
    let loader = Loader::with_plan(config, plan());
    let (disclaimer_files, article_files): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|(_, k)| *k == FileKind::Disclaimer);
    let disclaimers = Disclaimers::new(
        disclaimer_files
            .into_par_iter()
            .map(|(p, k)| loader.load_cached(p, k))
            .collect(),
    );
    check_policy_disclaimers(config, &disclaimers)?;
    // A plain check then only indexes the other files, unless they mention one of the
    // reported files' ids; the watch cache and a build read every file whole.
    let index_only = targets.names.is_some() && cache.is_none() && !options.render;
    let mut rest = plan();
    let mut first: HashMap<PathBuf, Arc<Article>> = HashMap::new();
    if let Some(names) = &targets.names {
        let parsed: Vec<Arc<Article>> = article_files
            .iter()
            .filter(|(p, _)| names.contains(&loader.name_of(p)))
            .cloned()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(p, k)| loader.load_cached(p, k))
            .collect();
        let mut ids = old_ids;
        ids.extend(parsed.iter().filter_map(|a| a.id().map(str::to_string)));
        if index_only {
            rest.index_only = Some(crate::content::IndexOnly::new(&ids));
        }
        targets.ids.extend(ids);
        first = parsed
            .into_iter()
            .map(|a| (a.file.path.clone(), a))
            .collect();
    }
    let loader = Loader::with_plan(config, rest);
    let mut heads = Vec::new();
    let items = if read_first {
        // Every file is read here, in parallel, and each head taken from its text; the
        // pass then parses the text read here (nothing is read twice).
        let (items, found): (Vec<Item>, Vec<Option<Head>>) = article_files
            .into_par_iter()
            .map(|(p, k)| match first.get(&p) {
                Some(a) => (Item::Parsed(Arc::clone(a)), None),
                None => {
                    let read = loader.read(p, k);
                    let head = match (&read.text, read.kind) {
                        (Ok(text), FileKind::Article) => front::head(read.path.clone(), text),
                        _ => None,
                    };
                    (Item::Read(read), head)
                }
            })
            .unzip();
        heads = found.into_iter().flatten().collect();
        items
    } else {
        article_files
            .into_iter()
            .map(|(p, k)| match first.remove(&p) {
                Some(a) => Item::Parsed(a),
                None => Item::Path(p, k),
            })
            .collect()
    };
    let items = items
        .into_iter()
        .chain(disclaimers.list.iter().cloned().map(Item::Parsed))
        .collect();
    Ok(Loaded {
        loader,
        disclaimers,
        items,
        index_only,
        heads,
    })
}

/// Read again, for the report, the files with findings whose text the pass let go. A
/// file that changed meanwhile is reported without its lines rather than wrong ones.
fn read_sources(index: &Index, diagnostics: &[Diagnostic], sources: &mut Sources, max: u64) {
    let with_findings: HashSet<&str> = diagnostics.iter().map(|d| &*d.file).collect();
    let reread: Vec<(Arc<str>, Arc<SourceFile>)> = index
        .entries
        .iter()
        .filter(|e| with_findings.contains(&*e.name) && !sources.contains_key(&e.name))
        .collect::<Vec<_>>()
        .into_par_iter()
        .filter_map(|e| {
            let text = crate::content::read_text(&e.path, max).ok()?;
            let file = SourceFile::new(e.path.clone(), e.name.clone(), text);
            (file.text.len() == e.len).then(|| (e.name.clone(), Arc::new(file)))
        })
        .collect();
    sources.extend(reread);
}

impl Checked {
    /// Add findings made after the check (a build's), in the report's order, with the
    /// lines of their files.
    pub fn add(&mut self, found: Vec<Diagnostic>, config: &Config) {
        if found.is_empty() {
            return;
        }
        let o = &mut self.outcome;
        o.diagnostics.extend(found);
        fold_follow_ons(&self.index, &mut o.diagnostics);
        o.diagnostics.sort_by(Diagnostic::sort_key_cmp);
        o.diagnostics.dedup();
        read_sources(
            &self.index,
            &o.diagnostics,
            &mut o.sources,
            config.max_file_bytes,
        );
    }

    /// For a build, the findings that stop it and those that do not. A finding stops a
    /// build when it is in what the build would publish (a published article, a
    /// disclaimer, a file whose status cannot be read), or involves a published article
    /// (a draft with a published article's id). Findings in drafts, articles in review
    /// and retired articles, which never reach the bundle as articles, do not.
    pub fn build_tallies(&self) -> (Tally, Tally) {
        let by_name: HashMap<&str, &Entry> =
            self.index.entries.iter().map(|e| (&*e.name, e)).collect();
        let published = |r: &str| {
            by_name.get(r).is_some_and(|e| e.is_published())
                || self.index.with_id(r).any(Entry::is_published)
        };
        let (mut blocking, mut not) = (Tally::default(), Tally::default());
        for d in &self.outcome.diagnostics {
            let unpublished = by_name
                .get(&*d.file)
                .is_some_and(|e| e.kind == FileKind::Article && e.is_unpublished());
            // An article about to vanish from the bundle always stops it.
            let t = if !unpublished
                || d.rule == VANISHING_ARTICLE
                || d.refs.iter().any(|r| published(r))
            {
                &mut blocking
            } else {
                &mut not
            };
            match d.severity {
                crate::diagnostic::Severity::Error => t.errors += 1,
                crate::diagnostic::Severity::Warning => t.warnings += 1,
            }
        }
        (blocking, not)
    }
}

/// The end of a build's summary line when some findings do not stop it.
pub fn not_blocking_note(not: Tally) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (not.errors, not.warnings) {
        (0, 0) => String::new(),
        (e, 0) => format!(
            "; {} in articles not published (draft, review, retired), not blocking",
            plural(e, "error")
        ),
        (0, w) => format!(
            "; {} in articles not published (draft, review, retired), not blocking",
            plural(w, "warning")
        ),
        (e, w) => format!(
            "; {} and {} in articles not published (draft, review, retired), not blocking",
            plural(e, "error"),
            plural(w, "warning")
        ),
    }
}

/// A file for the pass: parsed already (a disclaimer, a file reported on), or to read.
enum Item {
    Parsed(Arc<Article>),
    Path(PathBuf, FileKind),
    Read(crate::content::ReadFile),
}

/// What the pass keeps of one file.
struct FileResult {
    entry: Entry,
    diagnostics: Vec<Diagnostic>,
    directives: Vec<suppress::Directive>,
    /// The file, kept only when it has findings or suppressions (for the report, and
    /// for the suppressions to be applied to the corpus rules' findings too).
    source: Option<Arc<SourceFile>>,
}

/// What every file of one run is checked with.
struct Pass<'a> {
    config: &'a Config,
    loader: &'a Loader<'a>,
    validators: &'a Validators,
    /// Validate every file's front matter; else only the disclaimers' and those of the
    /// files reported on (the others' findings are not shown).
    validate_all: bool,
    rules: &'a ActiveRules,
    disclaimers: &'a Disclaimers,
    targets: &'a Targets,
    consumer: Option<&'a dyn Consumer>,
    today: NaiveDate,
    media: &'a crate::media::Resolver,
}

impl Pass<'_> {
    /// Every file, in parallel, in the order given.
    fn run(&self, items: Vec<Item>, progress: Option<&dyn Progress>) -> Vec<FileResult> {
        items
            .into_par_iter()
            .map(|item| {
                let r = self.file(item);
                if let Some(p) = progress {
                    p.tick();
                }
                r
            })
            .collect()
    }

    /// Load (unless given), validate and check one file, hand it to the consumer, and
    /// keep only its entry and findings: its text, front matter and body go when this
    /// returns.
    fn file(&self, item: Item) -> FileResult {
        let article = match item {
            Item::Parsed(a) => a,
            Item::Path(p, k) => self.loader.load_cached(p, k),
            Item::Read(r) => Arc::new(self.loader.load_read(r)),
        };
        let mut diagnostics = Vec::new();
        let mut references = Vec::new();
        let mut directives = Vec::new();
        if !article.indexed_only {
            let mine = self.targets.contains(article.name());
            if self.validate_all || mine || article.kind == FileKind::Disclaimer {
                self.validators.validate(&article);
            }
            // A file outside those reported on matters only through its links to them;
            // unless its text has one, its corpus-scope rules see its front matter alone.
            let parsed;
            let body = if self.loader.plan.bodies || article.kind == FileKind::Disclaimer {
                &article.body
            } else if !mine && !self.targets.linked_from(&article.file.text) {
                &EMPTY_BODY
            } else {
                parsed = self.loader.body_of(&article);
                &parsed
            };
            let cx = ArticleContext {
                article: &article,
                body,
                disclaimers: self.disclaimers,
                config: self.config,
                today: self.today,
                media: self.media,
            };
            self.rules
                .check_article(&cx, !mine, &mut diagnostics, &mut references);
            if let Some(c) = self.consumer {
                c.checked(&article, body, self.disclaimers);
            }
            if !mine {
                diagnostics.retain(|d| self.targets.involved(d));
            }
            directives = suppress::parse(&article.file, body);
        }
        let keep = !diagnostics.is_empty() || !directives.is_empty();
        FileResult {
            entry: Entry::of(&article, references),
            diagnostics,
            directives,
            source: keep.then(|| Arc::clone(&article.file)),
        }
    }
}

/// After the pass: the corpus rules over every file's entry, then the suppressions, in
/// the order every report uses. Returns the index, the findings, and the files the pass
/// kept (those with findings before the suppressions).
fn conclude(pass: &Pass<'_>, results: Vec<FileResult>) -> (Index, Vec<Diagnostic>, Sources) {
    let mut directives = suppress::Directives::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut sources = Sources::new();
    let mut entries = Vec::with_capacity(results.len());
    for r in results {
        diagnostics.extend(r.diagnostics);
        if let Some(file) = r.source {
            if !r.directives.is_empty() {
                directives.insert(file.name.clone(), (Arc::clone(&file), r.directives));
            }
            sources.insert(file.name.clone(), file);
        }
        entries.push(r.entry);
    }
    let index = Index::new(entries);
    let mut corpus_out = Vec::new();
    pass.rules.check_corpus(
        &CorpusContext {
            index: &index,
            config: pass.config,
            today: pass.today,
        },
        &mut corpus_out,
    );
    diagnostics.extend(corpus_out);
    suppress::apply(directives, pass.config, &mut diagnostics);
    // A file outside those reported on is read for what involves them; its own
    // findings (an unused suppression there, say) are not this run's to show.
    diagnostics.retain(|d| pass.targets.contains(&d.file) || pass.targets.involved(d));
    fold_follow_ons(&index, &mut diagnostics);
    diagnostics.sort_by(Diagnostic::sort_key_cmp);
    diagnostics.dedup();
    (index, diagnostics, sources)
}

/// Root causes first: links and `related` ids in other files that point at an article
/// whose own front matter has an error (a status typo, an unknown field, YAML that does
/// not parse) are not reported one by one; that error says how many there are. They
/// are reported as usual when no such error is shown (the schema rule turned off or
/// down to a warning, the article outside the files reported on), and links to ids no
/// file has are always reported.
fn fold_follow_ons(index: &Index, diagnostics: &mut Vec<Diagnostic>) {
    const ROOTS: [&str; 4] = [
        "front-matter",
        "schema",
        "unreadable-file",
        VANISHING_ARTICLE,
    ];
    let root_files: HashSet<&str> = diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error && ROOTS.contains(&d.rule))
        .map(|d| &*d.file)
        .collect();
    if root_files.is_empty() {
        return;
    }
    // The id each such article has, or seems to have when it cannot be read.
    let roots: HashMap<String, Arc<str>> = index
        .entries
        .iter()
        .filter(|e| e.kind == FileKind::Article && e.invalid && root_files.contains(&*e.name))
        .filter_map(|e| {
            Some((
                e.id.as_deref().or(e.loose_id.as_deref())?.to_string(),
                e.name.clone(),
            ))
        })
        .collect();
    if roots.is_empty() {
        return;
    }
    // Per root file: the links folded, and the files they are in.
    let mut folded: HashMap<Arc<str>, (usize, HashSet<Arc<str>>)> = HashMap::new();
    diagnostics.retain(|d| {
        if d.rule != "broken-link" {
            return true;
        }
        let Some(root) = d.refs.first().and_then(|id| roots.get(id)) else {
            return true;
        };
        if *root == d.file {
            return true;
        }
        let (n, files) = folded.entry(root.clone()).or_default();
        *n += 1;
        files.insert(d.file.clone());
        false
    });
    for (root, (links, files)) in folded {
        let first = diagnostics
            .iter_mut()
            .filter(|d| {
                d.file == root
                    && d.severity == crate::diagnostic::Severity::Error
                    && ROOTS.contains(&d.rule)
            })
            .min_by(|a, b| a.sort_key_cmp(b));
        if let Some(d) = first {
            let plural =
                |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            d.message.push_str(&format!(
                " ({} in {} point at this article and fail with it; they are not reported \
                 separately)",
                plural(links, "link"),
                plural(files.len(), "other file"),
            ));
        }
    }
}

/// The content files at or under `paths` (files and folders inside the content folder).
pub fn resolve_paths(
    config: &Config,
    loader: &Loader<'_>,
    paths: &[PathBuf],
) -> Result<Vec<(PathBuf, FileKind)>, RunError> {
    let files = loader
        .discover()
        .map_err(|source| RunError::ContentFolder {
            config: config.path.clone(),
            source,
        })?;
    let targets = Targets::new(config, paths, &files)?;
    Ok(files
        .into_iter()
        .filter(|(p, _)| targets.contains(&loader.name_of(p)))
        .collect())
}

/// Whether a change touched what every article may depend on: the config, a
/// disclaimer, a page template, or another file of the content folder that is not an
/// article (media). Says which, for the summary line.
fn affects_all(config: &Config, content: &Path, touched: &[PathBuf]) -> Option<String> {
    let config_file = std::fs::canonicalize(&config.path).ok();
    let templates = config
        .templates
        .as_ref()
        .and_then(|t| std::fs::canonicalize(t).ok());
    let root = std::fs::canonicalize(if config.root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &config.root
    })
    .ok();
    let hits: Vec<&PathBuf> = touched
        .iter()
        .filter(|t| {
            if config_file.as_ref() == Some(*t)
                || templates.as_ref().is_some_and(|d| t.starts_with(d))
            {
                return true;
            }
            // Inside the content folder: anything but an article (a disclaimer, media,
            // a file under a `_` folder) is read by, or shown with, other articles.
            t.strip_prefix(content).is_ok_and(|rel| {
                rel.extension().is_none_or(|e| e != "md")
                    || rel.components().any(|c| {
                        let c = c.as_os_str().to_string_lossy();
                        c.starts_with('_') || c.starts_with('.')
                    })
            })
        })
        .collect();
    let first = hits.first()?;
    let name = root
        .as_ref()
        .and_then(|r| first.strip_prefix(r).ok())
        .unwrap_or(first)
        .display()
        .to_string();
    Some(match hits.len() {
        1 => name,
        2 => format!("{name} and 1 other file"),
        n => format!("{name} and {} other files", n - 1),
    })
}

/// A policy that requires a disclaimer nobody wrote is a config error: every article
/// would fail for a reason no article can fix.
fn check_policy_disclaimers(config: &Config, disclaimers: &Disclaimers) -> Result<(), RunError> {
    for r in &config.policy.require {
        for d in &r.disclaimers {
            if disclaimers.get(d).is_none() {
                return Err(config
                    .error_at(
                        d,
                        format!(
                            "the policy requires disclaimer `{d}`, but there is no \
                             content/_disclaimers/{d}.md"
                        ),
                    )
                    .into());
            }
        }
    }
    Ok(())
}

static EMPTY_BODY: crate::content::markdown::Body = crate::content::markdown::Body::empty();

/// The files a run reports on.
struct Targets {
    /// None: every file.
    names: Option<HashSet<Arc<str>>>,
    /// The ids those files have, and had at the `--changed-since` revision.
    ids: HashSet<String>,
}

impl Targets {
    fn new(
        config: &Config,
        paths: &[PathBuf],
        files: &[(PathBuf, FileKind)],
    ) -> Result<Targets, RunError> {
        if paths.is_empty() {
            return Ok(Targets::all());
        }
        let content = canonical(&config.content_dir)?;
        let mut wanted = Vec::new();
        for p in paths {
            let c = canonical(p)?;
            if !c.starts_with(&content) {
                return Err(RunError::Usage(format!(
                    "{} is outside the content folder {}",
                    p.display(),
                    config.content_dir.display()
                )));
            }
            wanted.push(c);
        }
        let loader = Loader::new(config);
        let mut names = HashSet::new();
        for (path, _) in files {
            let rel = path.strip_prefix(&config.content_dir).unwrap_or(path);
            let full = content.join(rel);
            if wanted.iter().any(|w| full.starts_with(w)) {
                names.insert(loader.name_of(path));
            }
        }
        for (p, c) in paths.iter().zip(&wanted) {
            if c.is_file()
                && !names
                    .iter()
                    .any(|n| content_rel_matches(config, n, c, &content))
            {
                return Err(RunError::Usage(format!(
                    "{} is not an article: articles are `.md` files whose names do not start \
                     with `_` or `.`",
                    p.display()
                )));
            }
        }
        Ok(Targets {
            names: Some(names),
            ids: HashSet::new(),
        })
    }

    /// Report on every file.
    fn all() -> Targets {
        Targets {
            names: None,
            ids: HashSet::new(),
        }
    }

    /// Report on nothing (no content file changed).
    fn none() -> Targets {
        Targets {
            names: Some(HashSet::new()),
            ids: HashSet::new(),
        }
    }

    fn contains(&self, name: &str) -> bool {
        self.names.as_ref().is_none_or(|n| n.contains(name))
    }

    /// Whether a file's text links to one of the reported files' ids.
    fn linked_from(&self, text: &str) -> bool {
        crate::content::link::article_ids_in(text).any(|id| self.ids.contains(id))
    }

    /// A finding elsewhere that involves a file reported on, or one of its ids.
    fn involved(&self, d: &Diagnostic) -> bool {
        d.refs
            .iter()
            .any(|r| self.ids.contains(r) || self.contains(r))
    }
}

fn content_rel_matches(config: &Config, name: &str, wanted: &Path, content: &Path) -> bool {
    let root_rel = config
        .content_dir
        .strip_prefix(&config.root)
        .unwrap_or(&config.content_dir);
    let prefix = root_rel.to_string_lossy().replace('\\', "/");
    let rel = name
        .strip_prefix(prefix.as_str())
        .map(|r| r.trim_start_matches('/'))
        .unwrap_or(name);
    content.join(rel) == wanted
}

fn canonical(p: &Path) -> Result<PathBuf, RunError> {
    std::fs::canonicalize(p).map_err(|e| RunError::Usage(format!("{}: {e}", p.display())))
}

/// Checks single files held in memory, with the schema and every rule's patterns
/// compiled once: what the fuzz targets and property tests drive.
pub struct Checker<'c> {
    config: &'c Config,
    loader: Loader<'c>,
    validators: Validators,
    rules: ActiveRules,
    disclaimers: Disclaimers,
    targets: Targets,
}

impl<'c> Checker<'c> {
    pub fn new(config: &'c Config) -> Checker<'c> {
        let plan = LoadPlan {
            render: true,
            ..LoadPlan::default()
        };
        Checker {
            config,
            loader: Loader::with_plan(config, plan),
            validators: Validators::new(),
            rules: ActiveRules::new(config),
            disclaimers: Disclaimers::default(),
            targets: Targets::all(),
        }
    }

    /// Check one file given as bytes, as a corpus of its own under the config's policy.
    /// Never panics on any input.
    pub fn check_bytes(
        &self,
        name: &str,
        bytes: &[u8],
        today: NaiveDate,
    ) -> (Arc<SourceFile>, Vec<Diagnostic>) {
        let (text, unreadable) = match std::str::from_utf8(bytes) {
            Ok(t) if !t.contains('\0') => (t.to_string(), None),
            Ok(_) => (String::new(), Some(crate::content::Unreadable::Binary)),
            Err(e) => (
                String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(),
                Some(crate::content::Unreadable::NotUtf8 {
                    line: 1,
                    offset: e.valid_up_to(),
                }),
            ),
        };
        let file = SourceFile::new(PathBuf::from(name), name.into(), text);
        let mut article = self.loader.parse(file, FileKind::Article);
        if unreadable.is_some() {
            article.body = Default::default();
            article.unreadable = unreadable;
        }
        let file = Arc::clone(&article.file);
        let pass = Pass {
            config: self.config,
            loader: &self.loader,
            validators: &self.validators,
            validate_all: true,
            rules: &self.rules,
            disclaimers: &self.disclaimers,
            targets: &self.targets,
            consumer: None,
            today,
            media: &crate::media::Resolver::new(&self.config.root),
        };
        let result = pass.file(Item::Parsed(Arc::new(article)));
        let (_, diagnostics, _) = conclude(&pass, vec![result]);
        (file, diagnostics)
    }
}

/// `Checker::check_bytes` for a single call.
pub fn check_bytes(
    config: &Config,
    name: &str,
    bytes: &[u8],
    today: NaiveDate,
) -> (Arc<SourceFile>, Vec<Diagnostic>) {
    Checker::new(config).check_bytes(name, bytes, today)
}
