//! `check`: load the corpus, run the article rules in parallel and the corpus rules
//! after them, keep what concerns the files asked about, sort.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::{Corpus, FileKind, Loader};
use crate::diagnostic::Diagnostic;
use crate::rules::{ActiveRules, ArticleContext, CorpusContext};
use crate::source::SourceFile;
use crate::suppress;

/// What the command could not do (exit 2), as opposed to what is wrong with the content.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(String),
    /// Content that passed every rule but cannot be published (exit 1).
    #[error("{0}")]
    Content(String),
}

/// Told how far a long run has got (a progress bar, at the edge of the program).
pub trait Progress: Send + Sync {
    fn start(&self, total: usize, what: &str);
    fn tick(&self);
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

/// `check` for a build: each published article is handed to `publisher` as soon as
/// its rules have run, with the body rendered there, and nothing of it is kept.
pub fn check_and_publish(
    config: &Config,
    options: &CheckOptions,
    publisher: &crate::publish::Publisher<'_>,
) -> Result<Checked, RunError> {
    run(config, options, None, Some(publisher))
}

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
}

impl Outcome {
    pub fn report(&self) -> crate::report::Report<'_> {
        crate::report::Report {
            diagnostics: &self.diagnostics,
            sources: &self.sources,
            files: &self.files,
            files_checked: self.files_checked,
        }
    }
}

pub struct Checked {
    pub corpus: Corpus,
    pub outcome: Outcome,
}

pub fn check(config: &Config, options: &CheckOptions) -> Result<Checked, RunError> {
    run(config, options, None, None)
}

fn run(
    config: &Config,
    options: &CheckOptions,
    cache: Option<&crate::content::ArticleCache>,
    publisher: Option<&crate::publish::Publisher<'_>>,
) -> Result<Checked, RunError> {
    let found = std::time::Instant::now();
    let mut loader = Loader::new(config);
    loader.render = options.render;
    loader.cache = cache;
    // A whole-corpus build needs every body afterwards, and the watch cache keeps them;
    // a plain check, or a build that publishes as it goes, parses each body in the
    // rules pass and lets it go.
    loader.bodies = (options.render && publisher.is_none()) || cache.is_some();
    let files = loader
        .discover()
        .map_err(|e| RunError::Io(format!("{e} (set `content` in {})", config.path.display())))?;
    if !files.iter().any(|(_, k)| *k == FileKind::Article) {
        return Err(RunError::Io(format!(
            "no articles (`.md` files) in the content folder {}",
            config.content_dir.display()
        )));
    }
    let mut paths = options.paths.clone();
    let mut old_ids = Vec::new();
    if let Some(rev) = &options.changed_since {
        let dir = if config.root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &config.root
        };
        let changes = crate::git::changed_since(dir, rev)?;
        old_ids = changes.old_ids;
        let content = canonical(&config.content_dir)?;
        let changed: Vec<PathBuf> = changes
            .files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "md"))
            .filter(|f| std::fs::canonicalize(f).is_ok_and(|c| c.starts_with(&content)))
            .collect();
        if !paths.is_empty() {
            let wanted: Vec<PathBuf> = paths
                .iter()
                .filter_map(|p| std::fs::canonicalize(p).ok())
                .collect();
            paths = changed
                .into_iter()
                .filter(|f| {
                    std::fs::canonicalize(f).is_ok_and(|c| wanted.iter().any(|w| c.starts_with(w)))
                })
                .collect();
        } else {
            paths = changed;
        }
    }
    let mut targets = if options.changed_since.is_some() && paths.is_empty() {
        Targets::none()
    } else {
        Targets::new(config, &paths, &files)?
    };
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
    let started = std::time::Instant::now();
    // Reporting on a few files: parse those first, then only index the others unless
    // they mention one of their ids (`IndexOnly`). The watch cache and a build keep
    // every file whole, so they load everything.
    if let Some(names) = &targets.names
        && cache.is_none()
        && !options.render
    {
        let mine: Vec<(PathBuf, FileKind)> = files
            .iter()
            .filter(|(p, _)| names.contains(&loader.name_of(p)))
            .cloned()
            .collect();
        loader.validate_only = Some(names.clone());
        let parsed: Vec<crate::content::Article> = mine
            .into_par_iter()
            .map(|(p, k)| loader.load_file(p, k))
            .collect();
        let mut ids = old_ids.clone();
        ids.extend(parsed.iter().filter_map(|a| a.id().map(str::to_string)));
        loader.index_only = Some(crate::content::IndexOnly::new(parsed, &ids));
    }
    let corpus = loader.load(files, options.progress.as_deref());
    let loaded = started.elapsed();
    check_policy_disclaimers(config, &corpus)?;
    targets.add_ids(&corpus, old_ids);

    let rules = ActiveRules::new(config);
    let all = corpus.articles.iter().chain(corpus.disclaimers.iter());
    let per_article: Vec<(Vec<Diagnostic>, Vec<suppress::Directive>)> = all
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|article| {
            let mut out = Vec::new();
            let mine = targets.contains(article.name());
            if article.indexed_only || (!mine && !targets.partial()) {
                return (out, Vec::new());
            }
            // The body is parsed here, just before its rules, unless the loader kept it.
            // Another file's body matters to the files reported on only if it links to
            // one of them; otherwise its corpus-scope rules see front matter alone.
            let parsed;
            let body = if loader.bodies || article.kind == FileKind::Disclaimer {
                &article.body
            } else if !mine && !targets.linked_from(&article.file.text) {
                &EMPTY_BODY
            } else {
                parsed = loader.body_of(article);
                &parsed
            };
            let cx = ArticleContext {
                article,
                body,
                corpus: &corpus,
                config,
                today: options.today,
            };
            rules.check_article(&cx, !mine, &mut out);
            if let Some(p) = publisher {
                p.article(article, body, &corpus);
            }
            if !mine {
                out.retain(|d| targets.involved(d));
            }
            (out, suppress::parse(&article.file, body))
        })
        .collect();
    let mut profile = vec![
        ("phase: find files", started - found),
        ("phase: read and parse front matter", loaded),
        (
            "phase: bodies and article rules",
            started.elapsed() - loaded,
        ),
    ];
    profile.extend(rules.profile());
    let mut directives = suppress::Directives::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for ((out, dirs), article) in per_article
        .into_iter()
        .zip(corpus.articles.iter().chain(corpus.disclaimers.iter()))
    {
        diagnostics.extend(out);
        if !dirs.is_empty() {
            directives.insert(article.file.name.clone(), (Arc::clone(&article.file), dirs));
        }
    }

    let mut corpus_out = Vec::new();
    rules.check_corpus(
        &CorpusContext {
            corpus: &corpus,
            config,
            today: options.today,
        },
        &mut corpus_out,
    );
    corpus_out.retain(|d| targets.contains(&d.file) || targets.involved(d));
    diagnostics.extend(corpus_out);
    suppress::apply(directives, config, &mut diagnostics);
    diagnostics.sort_by(Diagnostic::sort_key_cmp);
    diagnostics.dedup();

    let with_findings: HashSet<&str> = diagnostics.iter().map(|d| &*d.file).collect();
    let sources = corpus
        .articles
        .iter()
        .chain(corpus.disclaimers.iter())
        .filter(|a| with_findings.contains(a.name()))
        .map(|a| (a.file.name.clone(), Arc::clone(&a.file)))
        .collect();
    let mut files: Vec<Arc<str>> = corpus
        .articles
        .iter()
        .chain(corpus.disclaimers.iter())
        .map(|a| a.file.name.clone())
        .filter(|n| targets.contains(n))
        .collect();
    files.sort();
    let files_checked = files.len();
    Ok(Checked {
        corpus,
        outcome: Outcome {
            profile,
            diagnostics,
            sources,
            files,
            files_checked,
        },
    })
}

/// The content files at or under `paths` (files and folders inside the content folder).
pub fn resolve_paths(
    config: &Config,
    loader: &Loader<'_>,
    paths: &[PathBuf],
) -> Result<Vec<(PathBuf, FileKind)>, RunError> {
    let files = loader
        .discover()
        .map_err(|e| RunError::Io(format!("{e} (set `content` in {})", config.path.display())))?;
    let targets = Targets::new(config, paths, &files)?;
    Ok(files
        .into_iter()
        .filter(|(p, _)| targets.contains(&loader.name_of(p)))
        .collect())
}

/// A policy that requires a disclaimer nobody wrote is a config error: every article
/// would fail for a reason no article can fix.
fn check_policy_disclaimers(config: &Config, corpus: &Corpus) -> Result<(), RunError> {
    for r in &config.policy.require {
        for d in &r.disclaimers {
            if corpus.disclaimer(d).is_none() {
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
            return Ok(Targets {
                names: None,
                ids: HashSet::new(),
            });
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

    /// Report on nothing (no content file changed).
    fn none() -> Targets {
        Targets {
            names: Some(HashSet::new()),
            ids: HashSet::new(),
        }
    }

    fn add_ids(&mut self, corpus: &Corpus, old: Vec<String>) {
        if self.names.is_none() {
            return;
        }
        self.ids.extend(old);
        for a in &corpus.articles {
            if self.contains(a.name())
                && let Some(id) = a.id()
            {
                self.ids.insert(id.to_string());
            }
        }
    }

    fn contains(&self, name: &str) -> bool {
        self.names.as_ref().is_none_or(|n| n.contains(name))
    }

    /// Whether a file's text links to one of the reported files' ids.
    fn linked_from(&self, text: &str) -> bool {
        let mut rest = text;
        while let Some(i) = rest.find("article:") {
            rest = &rest[i + "article:".len()..];
            let id: &str = rest
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .next()
                .unwrap_or("");
            if self.ids.contains(id) {
                return true;
            }
        }
        false
    }

    /// Reporting on some files only.
    fn partial(&self) -> bool {
        self.names.is_some()
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
    rules: ActiveRules,
}

impl<'c> Checker<'c> {
    pub fn new(config: &'c Config) -> Checker<'c> {
        let mut loader = Loader::new(config);
        loader.render = true;
        Checker {
            config,
            loader,
            rules: ActiveRules::new(config),
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
        let config = self.config;
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
        let corpus = Corpus::single(article);
        let article = &corpus.articles[0];
        let mut out = Vec::new();
        let cx = ArticleContext {
            article,
            body: &article.body,
            corpus: &corpus,
            config,
            today,
        };
        self.rules.check_article(&cx, false, &mut out);
        self.rules.check_corpus(
            &CorpusContext {
                corpus: &corpus,
                config,
                today,
            },
            &mut out,
        );
        let mut directives = suppress::Directives::new();
        let dirs = suppress::parse(&article.file, &article.body);
        if !dirs.is_empty() {
            directives.insert(article.file.name.clone(), (Arc::clone(&article.file), dirs));
        }
        suppress::apply(directives, config, &mut out);
        out.sort_by(Diagnostic::sort_key_cmp);
        (Arc::clone(&article.file), out)
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
