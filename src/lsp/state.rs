//! What the server knows: the config, the compiled rules, every file of the corpus as
//! the corpus rules see it (`Index`), each file's own findings and suppressions, and
//! the open documents' unsaved text, which is what is checked in place of the disk.
//!
//! Start-up indexes the corpus and checks only the open documents (`index_pass`); a
//! whole pass (after start-up, a changed config or disclaimer) reads and checks every
//! file in parallel as `check` does. An edit re-checks the one document, puts its entry into
//! the index, and runs the corpus rules again (they read only the entries, a few
//! milliseconds for 10,000 articles); the files whose corpus findings changed are the
//! ones whose diagnostics are sent again.

use crate::media::Resolver;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::{Config, ConfigError};
use crate::content::index::{Entry, Index};
use crate::content::{Article, Disclaimers, FileKind, Loader};
use crate::diagnostic::Diagnostic;
use crate::rules::{ActiveRules, ArticleContext, CorpusContext};
use crate::schema::Validators;
use crate::source::SourceFile;
use crate::suppress::{self, Directive};

/// A document the editor has open: its unsaved text is what is checked.
pub struct Doc {
    pub uri: lsp_types::Uri,
    pub text: String,
    pub version: i32,
}

/// The open documents, by path.
pub type Open = HashMap<PathBuf, Doc>;

/// One file's own results (before suppressions and corpus findings).
#[derive(Default)]
pub struct FileData {
    pub path: PathBuf,
    pub kind: Option<FileKind>,
    /// Its text, kept when it has findings or suppressions, or is open.
    pub file: Option<Arc<SourceFile>>,
    pub own: Vec<Diagnostic>,
    pub directives: Vec<Directive>,
    /// Title, summary, status and review dates, for hover and completion.
    pub title: Option<String>,
    pub summary: Option<String>,
    pub reviewers: Vec<String>,
    pub dates: (Option<String>, Option<String>),
}

/// The config, and what is compiled from it once. The config is leaked so that the
/// loader, which borrows it, can live beside it: one leak per config (re)load, which
/// happens when someone edits `healthpress.toml`.
pub struct Engine {
    pub config: &'static Config,
    pub loader: Loader<'static>,
    pub validators: Validators,
    pub rules: ActiveRules,
    pub disclaimers: Disclaimers,
    pub index: Index,
    /// File name -> its position in `index.entries`.
    pub positions: HashMap<Arc<str>, usize>,
    pub files: HashMap<Arc<str>, FileData>,
    /// The corpus rules' findings, by file.
    pub corpus: HashMap<Arc<str>, Vec<Diagnostic>>,
    pub today: NaiveDate,
    /// The last pass was `index_pass`: the files not open are only indexed.
    pub partial: bool,
}

impl Engine {
    pub fn new(config: Config, today: NaiveDate) -> Engine {
        let config: &'static Config = Box::leak(Box::new(config));
        Engine {
            config,
            loader: Loader::new(config),
            validators: Validators::new(),
            rules: ActiveRules::new(config),
            disclaimers: Disclaimers::default(),
            index: Index::default(),
            positions: HashMap::new(),
            files: HashMap::new(),
            corpus: HashMap::new(),
            today,
            partial: false,
        }
    }

    pub fn load_config(path: &Path, text: Option<&str>) -> Result<Config, ConfigError> {
        let config = match text {
            Some(t) => Config::parse(path, t),
            None => Config::load(path),
        }?;
        crate::rules::validate(&config)?;
        Ok(config)
    }

    pub fn name_of(&self, path: &Path) -> Arc<str> {
        self.loader.name_of(path)
    }

    /// The kind of file `path` is in this corpus, or None when it is not one of its files.
    pub fn kind_of(&self, path: &Path) -> Option<FileKind> {
        let rel = path.strip_prefix(&self.config.content_dir).ok()?;
        if path.extension().is_none_or(|e| e != "md") {
            return None;
        }
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match parts.as_slice() {
            [dir, _] if dir == crate::content::DISCLAIMERS_DIR => Some(FileKind::Disclaimer),
            _ if parts
                .iter()
                .any(|p| p.starts_with('_') || p.starts_with('.')) =>
            {
                None
            }
            _ => Some(FileKind::Article),
        }
    }

    /// Read and check every file; `open` texts are checked in place of the disk's.
    pub fn full_pass(&mut self, open: &Open) -> std::io::Result<()> {
        self.pass(open, &Loader::new(self.config))?;
        self.partial = false;
        Ok(())
    }

    /// The start-up pass: the open documents, the disclaimers and the files that mention
    /// an open document's id are read and checked in full, every other file only
    /// indexed (its id and status, as `check FILE` does). An open document's findings
    /// are then exactly a whole pass's, in a tenth of its time; the other files' wait
    /// for the `full_pass` that follows.
    pub fn index_pass(&mut self, open: &Open) -> std::io::Result<()> {
        let ids: Vec<String> = open
            .iter()
            .filter_map(|(path, doc)| crate::content::front::head(path.clone(), &doc.text)?.id)
            .collect();
        let loader = Loader::with_plan(
            self.config,
            crate::content::LoadPlan {
                index_only: Some(crate::content::IndexOnly::new(&ids)),
                ..crate::content::LoadPlan::default()
            },
        );
        self.pass(open, &loader)?;
        self.partial = true;
        Ok(())
    }

    fn pass(&mut self, open: &Open, loader: &Loader<'_>) -> std::io::Result<()> {
        let mut found = crate::content::discover(self.config)?;
        // Open documents that are not on disk yet are part of the corpus too.
        for path in open.keys() {
            if let Some(kind) = self.kind_of(path)
                && !found.iter().any(|(p, _)| p == path)
            {
                found.push((path.clone(), kind));
            }
        }
        found.sort();
        let (disclaimer_files, article_files): (Vec<_>, Vec<_>) = found
            .into_iter()
            .partition(|(_, k)| *k == FileKind::Disclaimer);
        let disclaimers: Vec<Arc<Article>> = disclaimer_files
            .into_par_iter()
            .map(|(p, k)| Arc::new(load(loader, p, k, open)))
            .collect();
        self.disclaimers = Disclaimers::new(disclaimers.clone());
        let this = &*self;
        let media = Resolver::new(&self.config.root);
        let mut results: Vec<(Entry, FileData)> = article_files
            .into_par_iter()
            .map(|(p, k)| this.check_file(Arc::new(load(loader, p, k, open)), open, &media))
            .collect();
        results.extend(
            disclaimers
                .into_iter()
                .map(|a| this.check_file(a, open, &media))
                .collect::<Vec<_>>(),
        );
        self.files.clear();
        self.positions.clear();
        let mut entries = Vec::with_capacity(results.len());
        for (i, (entry, data)) in results.into_iter().enumerate() {
            self.positions.insert(entry.name.clone(), i);
            self.files.insert(entry.name.clone(), data);
            entries.push(entry);
        }
        self.index = Index::new(entries);
        self.corpus = self.run_corpus();
        Ok(())
    }

    /// An article's schema and own rules, its suppressions and its index entry.
    /// `media`: the media answers of this check (one file, or the whole corpus).
    fn check_file(
        &self,
        article: Arc<Article>,
        open: &Open,
        media: &Resolver,
    ) -> (Entry, FileData) {
        if article.indexed_only {
            let data = FileData {
                path: article.file.path.clone(),
                kind: Some(article.kind),
                ..FileData::default()
            };
            return (Entry::of(&article, Vec::new()), data);
        }
        self.validators.validate(&article);
        let mut own = Vec::new();
        let mut references = Vec::new();
        let cx = ArticleContext {
            article: &article,
            body: &article.body,
            disclaimers: &self.disclaimers,
            config: self.config,
            today: self.today,
            media,
        };
        self.rules
            .check_article(&cx, false, &mut own, &mut references);
        let directives = suppress::parse(&article.file, &article.body);
        let keep =
            !own.is_empty() || !directives.is_empty() || open.contains_key(&article.file.path);
        let entry = Entry::of(&article, references);
        (
            entry,
            FileData {
                path: article.file.path.clone(),
                kind: Some(article.kind),
                file: keep.then(|| Arc::clone(&article.file)),
                own,
                directives,
                title: article.str("title").map(str::to_string),
                summary: article.str("summary").map(str::to_string),
                reviewers: article
                    .front
                    .value
                    .get("reviewers")
                    .and_then(serde_json::Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|r| Some(r.get("name")?.as_str()?.to_string()))
                    .collect(),
                dates: (
                    article.str("last_reviewed").map(str::to_string),
                    article.str("next_review").map(str::to_string),
                ),
            },
        )
    }

    fn run_corpus(&self) -> HashMap<Arc<str>, Vec<Diagnostic>> {
        let mut out = Vec::new();
        self.rules.check_corpus(
            &CorpusContext {
                index: &self.index,
                config: self.config,
                today: self.today,
            },
            &mut out,
        );
        let mut by_file: HashMap<Arc<str>, Vec<Diagnostic>> = HashMap::new();
        for d in out {
            by_file.entry(d.file.clone()).or_default().push(d);
        }
        by_file
    }

    /// Check one file's text (an open document, or a file changed on disk) against the
    /// rest of the corpus. Returns the names of the files whose diagnostics may have
    /// changed: this one, and those whose corpus findings changed.
    pub fn update(&mut self, path: &Path, text: Option<&str>, open: &Open) -> Vec<Arc<str>> {
        let Some(kind) = self.kind_of(path) else {
            return Vec::new();
        };
        let article = match text {
            Some(t) => self.loader.parse_text(path.to_path_buf(), t, kind),
            None => self.loader.load_file(path.to_path_buf(), kind),
        };
        let media = Resolver::new(&self.config.root);
        let (entry, data) = self.check_file(Arc::new(article), open, &media);
        let name = entry.name.clone();
        let mut ids: Vec<Box<str>> = entry.id.iter().cloned().collect();
        let mut entries = std::mem::take(&mut self.index.entries);
        match self.positions.get(&name) {
            Some(&i) => {
                ids.extend(entries[i].id.clone());
                entries[i] = entry;
            }
            None => {
                self.positions.insert(name.clone(), entries.len());
                entries.push(entry);
            }
        }
        self.index = Index::new(entries);
        self.files.insert(name.clone(), data);
        self.refresh_around(name, &ids)
    }

    /// The corpus rules again, for the files an edit of `name` can concern: itself, the
    /// files that carry one of its ids (old or new), and those that point at one. The
    /// corpus rules see every file's id and status, but the references of only those
    /// files, so that the cost of an edit does not grow with the broken links elsewhere
    /// (each is compared with every id for a suggestion); the other files' corpus
    /// findings cannot change, since what relates files is ids and references.
    fn refresh_around(&mut self, name: Arc<str>, ids: &[Box<str>]) -> Vec<Arc<str>> {
        let concerned = |e: &Entry| {
            e.name == name
                || e.id.as_ref().is_some_and(|i| ids.contains(i))
                || e.references.iter().any(|r| ids.contains(&r.id))
        };
        let mut affected: HashSet<Arc<str>> = HashSet::new();
        let mut parked = Vec::new();
        for (i, e) in self.index.entries.iter_mut().enumerate() {
            if concerned(e) {
                affected.insert(e.name.clone());
            } else if !e.references.is_empty() {
                parked.push((i, std::mem::take(&mut e.references)));
            }
        }
        let fresh = self.run_corpus();
        for (i, refs) in parked {
            self.index.entries[i].references = refs;
        }
        let mut changed = vec![name.clone()];
        for n in &affected {
            let new = fresh.get(n);
            if new != self.corpus.get(n) {
                if n != &name {
                    changed.push(n.clone());
                }
                match new {
                    Some(list) => self.corpus.insert(n.clone(), list.clone()),
                    None => self.corpus.remove(n),
                };
            }
        }
        changed
    }

    /// Forget a file deleted from disk.
    pub fn remove(&mut self, path: &Path) -> Vec<Arc<str>> {
        let name = self.name_of(path);
        if self.files.remove(&name).is_none() {
            return Vec::new();
        }
        let entries: Vec<Entry> = std::mem::take(&mut self.index.entries)
            .into_iter()
            .filter(|e| e.name != name)
            .collect();
        self.positions = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name.clone(), i))
            .collect();
        self.index = Index::new(entries);
        self.refresh_corpus(vec![name])
    }

    fn refresh_corpus(&mut self, mut changed: Vec<Arc<str>>) -> Vec<Arc<str>> {
        let new = self.run_corpus();
        let names: HashSet<&Arc<str>> = new.keys().chain(self.corpus.keys()).collect();
        for n in names {
            if new.get(n) != self.corpus.get(n) && !changed.contains(n) {
                changed.push(n.clone());
            }
        }
        self.corpus = new;
        changed
    }

    /// A file's diagnostics: its own and the corpus rules', with its suppressions
    /// applied, sorted.
    pub fn diagnostics_of(&self, name: &str) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = Vec::new();
        if let Some(d) = self.files.get(name) {
            out.extend(d.own.iter().cloned());
        }
        if let Some(c) = self.corpus.get(name) {
            out.extend(c.iter().cloned());
        }
        if let Some(data) = self.files.get(name)
            && let Some(file) = &data.file
            && !data.directives.is_empty()
        {
            let mut dirs = suppress::Directives::new();
            dirs.insert(
                file.name.clone(),
                (Arc::clone(file), data.directives.clone()),
            );
            suppress::apply(dirs, self.config, &mut out);
        }
        out.sort_by(Diagnostic::sort_key_cmp);
        out.dedup();
        out
    }

    /// Every file with findings.
    pub fn names_with_findings(&self) -> Vec<Arc<str>> {
        let mut names: Vec<Arc<str>> = self
            .files
            .iter()
            .filter(|(_, d)| !d.own.is_empty() || !d.directives.is_empty())
            .map(|(n, _)| n.clone())
            .chain(self.corpus.keys().cloned())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The text of a file: kept, or read from disk.
    pub fn source(&self, name: &str) -> Option<Arc<SourceFile>> {
        let data = self.files.get(name)?;
        if let Some(f) = &data.file {
            return Some(Arc::clone(f));
        }
        let text = crate::content::read_text(&data.path, self.config.max_file_bytes).ok()?;
        Some(Arc::new(SourceFile::new(
            data.path.clone(),
            name.into(),
            text,
        )))
    }

    /// Parse a file (an open text or the disk's) for the features that read a
    /// document's structure: hover, completion, navigation.
    pub fn article(&self, path: &Path, text: Option<&str>) -> Option<Article> {
        let kind = self.kind_of(path).unwrap_or(FileKind::Article);
        Some(match text {
            Some(t) => self.loader.parse_text(path.to_path_buf(), t, kind),
            None => self.loader.load_file(path.to_path_buf(), kind),
        })
    }

    /// The entries that carry an article id.
    pub fn with_id(&self, id: &str) -> impl Iterator<Item = &Entry> {
        self.index.with_id(id)
    }
}

fn load(loader: &Loader<'_>, path: PathBuf, kind: FileKind, open: &Open) -> Article {
    match open.get(&path) {
        Some(doc) => loader.parse_text(path, &doc.text, kind),
        None => loader.load_file(path, kind),
    }
}
