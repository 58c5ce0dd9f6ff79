//! Loading: walk the content folder, read and parse every file in parallel, once,
//! into the article model that rules and the publisher read. What a run reads, parses
//! and renders is its `LoadPlan`; validating the front matter against the schema is the
//! next stage (`schema::Validators::validate`), not loading's.

pub mod front;
pub mod index;
pub mod link;
pub mod markdown;
pub mod model;
pub mod readability;
pub mod render;
pub mod shape;
pub mod split;
pub mod yaml;

use std::collections::HashMap;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde_json::Value;

use crate::config::Config;
use crate::content::markdown::{Body, Markdown};
use crate::content::model::{Audience, Status};
use crate::content::split::SplitError;
use crate::content::yaml::YamlDoc;
use crate::source::SourceFile;

/// The folder, inside the content folder, that holds the shared disclaimers.
pub const DISCLAIMERS_DIR: &str = "_disclaimers";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    Article,
    Disclaimer,
}

/// Why a file could not be read as text at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    Io(String),
    /// A symbolic link: never followed, so nothing outside the content folder is read
    /// and a link loop cannot hang the walk.
    Link(String),
    TooLarge {
        bytes: u64,
        limit: u64,
    },
    Binary,
    NotUtf8 {
        line: usize,
        offset: usize,
    },
    /// A Markdown file whose extension is not `.md` (`.markdown`, `.MD`, ...): found and
    /// reported, so that an article saved under another name is not silently left out.
    OtherExtension(String),
}

/// What went wrong with the front matter before the schema could look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontMatterProblem {
    Missing,
    Unterminated(Range<usize>),
    Yaml(yaml::YamlError),
}

/// One schema violation, placed in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub range: Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

/// One file of the corpus, parsed.
#[derive(Debug)]
pub struct Article {
    pub kind: FileKind,
    pub file: Arc<SourceFile>,
    pub unreadable: Option<Unreadable>,
    pub front_problem: Option<FrontMatterProblem>,
    /// The YAML region of the file (empty when there is none).
    pub front_range: Range<usize>,
    /// The Markdown body's region of the file.
    pub body_range: Range<usize>,
    pub front: YamlDoc,
    /// What the schema found wrong with the front matter, once the validation stage has
    /// looked (`schema::Validators::validate`); kept with the article, so a file parsed
    /// in an earlier run (watch mode) is not validated again.
    pub violations: std::sync::OnceLock<Vec<Violation>>,
    pub body: Body,
    /// Only indexed (`LoadPlan::index_only`): the front matter holds `id` and `status`
    /// alone and the text was not kept. No rule runs on such a file.
    pub indexed_only: bool,
}

impl Article {
    fn empty(file: Arc<SourceFile>, kind: FileKind) -> Article {
        Article {
            kind,
            file,
            unreadable: None,
            front_problem: None,
            front_range: 0..0,
            body_range: 0..0,
            front: YamlDoc::default(),
            violations: std::sync::OnceLock::new(),
            body: Body::default(),
            indexed_only: false,
        }
    }

    pub fn name(&self) -> &str {
        &self.file.name
    }

    /// A front-matter string field.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.front.value.get(key).and_then(Value::as_str)
    }

    /// The strings of a front-matter list, each with its index.
    pub fn strs(&self, key: &str) -> Vec<(usize, &str)> {
        self.front
            .value
            .get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .enumerate()
                    .filter_map(|(i, v)| v.as_str().map(|s| (i, s)))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn id(&self) -> Option<&str> {
        front::id(&self.front.value)
    }

    pub fn audience(&self) -> Option<Audience> {
        self.str("audience").and_then(Audience::parse)
    }

    pub fn status(&self) -> Option<Status> {
        self.str("status").and_then(Status::parse)
    }

    pub fn topics(&self) -> Vec<&str> {
        self.strs("topics").into_iter().map(|(_, t)| t).collect()
    }

    pub fn locale<'a>(&'a self, config: &'a Config) -> &'a str {
        self.str("locale").unwrap_or(&config.locale)
    }

    pub fn date(&self, key: &str) -> Option<NaiveDate> {
        self.str(key).and_then(parse_date)
    }

    /// Where to point for a front-matter key: its key, else the opening `---` line.
    pub fn key_range(&self, pointer: &str) -> Range<usize> {
        self.front
            .key_or_value(pointer)
            .unwrap_or_else(|| self.opening_line())
    }

    /// Where to point for a front-matter value: its value, else its key, else the top.
    pub fn value_range(&self, pointer: &str) -> Range<usize> {
        self.front
            .span(pointer)
            .map(|s| s.value.clone())
            .unwrap_or_else(|| self.key_range(pointer))
    }

    /// The first line of the file, where absences are reported.
    pub fn opening_line(&self) -> Range<usize> {
        self.file.line_range(1)
    }

    /// True when the front matter was read (it may still have schema violations).
    pub fn has_front_matter(&self) -> bool {
        self.unreadable.is_none() && self.front_problem.is_none()
    }

    /// The schema's findings in the front matter: none until it has been validated.
    pub fn violations(&self) -> &[Violation] {
        self.violations.get().map_or(&[], Vec::as_slice)
    }
}

/// Everything loaded: the articles and the disclaimers, each sorted by file name.
/// `check` never holds this (it keeps an `index::Index`); a preview and callers that
/// want every parsed file at once (benchmarks, tests) do.
#[derive(Debug, Default)]
pub struct Corpus {
    pub articles: Vec<Arc<Article>>,
    pub disclaimers: Disclaimers,
}

impl Corpus {
    /// The ids of the articles whose status is `retired`.
    pub fn retired(&self) -> std::collections::BTreeSet<&str> {
        self.articles
            .iter()
            .filter(|a| a.status() == Some(Status::Retired))
            .filter_map(|a| a.id())
            .collect()
    }
}

/// The shared disclaimers (`content/_disclaimers/`), parsed with their bodies before
/// any article: every article's rules and page need them, and they are few.
#[derive(Debug, Default)]
pub struct Disclaimers {
    pub list: Vec<Arc<Article>>,
    ids: HashMap<String, usize>,
}

impl Disclaimers {
    /// `list` sorted by file name; the first file with an id wins.
    pub fn new(list: Vec<Arc<Article>>) -> Disclaimers {
        let mut ids = HashMap::new();
        for (i, d) in list.iter().enumerate() {
            if let Some(id) = d.id() {
                ids.entry(id.to_string()).or_insert(i);
            }
        }
        Disclaimers { list, ids }
    }

    pub fn get(&self, id: &str) -> Option<&Article> {
        self.ids.get(id).map(|&i| &*self.list[i])
    }

    /// Every disclaimer's id.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.list.iter().filter_map(|d| d.id())
    }
}

/// Told how far a long run has got (a progress bar, at the edge of the program): one
/// tick per file loaded, or checked.
pub trait Progress: Send + Sync {
    fn start(&self, total: usize, what: &str);
    fn tick(&self);
}

/// Shared, compiled-once machinery for parsing, and the plan it loads by.
pub struct Loader<'c> {
    pub config: &'c Config,
    pub markdown: Markdown,
    pub plan: LoadPlan<'c>,
}

/// What loading reads, parses and renders: set once by the caller, for a whole run.
pub struct LoadPlan<'c> {
    /// Parse bodies while loading. Off for `check`, which parses each body just before
    /// its rules run (`Loader::body_of`) and drops it after.
    pub bodies: bool,
    /// Also render each body's HTML, from the same parse (for `build` and `preview`).
    pub render: bool,
    /// Parsed files kept between runs (watch mode): a file whose size and modification
    /// time have not changed is not read again.
    pub cache: Option<&'c ArticleCache>,
    /// For a run that reports on a few files: the others are only indexed, unless they
    /// mention one of those files' ids.
    pub index_only: Option<IndexOnly>,
}

impl Default for LoadPlan<'_> {
    /// Everything parsed, nothing rendered, nothing cached.
    fn default() -> Self {
        LoadPlan {
            bodies: true,
            render: false,
            cache: None,
            index_only: None,
        }
    }
}

/// How a run that reports on a few files loads the rest of the corpus. Their findings
/// are not shown, and the corpus rules need only their `id` and `status`: those are
/// read from the front matter's lines (`front::quick_keys`) without a YAML parse, and
/// the text is not kept. A file that mentions one of the reported files' ids (a link to one of them,
/// the same id) is parsed in full, since its findings can involve them.
pub struct IndexOnly {
    /// The ids whose mention makes a file be parsed in full.
    pub ids: Option<aho_corasick::AhoCorasick>,
}

impl IndexOnly {
    pub fn new(ids: &[String]) -> IndexOnly {
        let ids: Vec<&String> = ids.iter().filter(|i| !i.is_empty()).collect();
        IndexOnly {
            ids: (!ids.is_empty())
                .then(|| aho_corasick::AhoCorasick::new(ids).expect("ids build an automaton")),
        }
    }
}

/// Parsed articles by path, with the size and modification time they were read at.
#[derive(Default)]
pub struct ArticleCache {
    entries: std::sync::Mutex<HashMap<PathBuf, Cached>>,
}

/// A parsed file with the modification time and size it was read at.
type Cached = (std::time::SystemTime, u64, Arc<Article>);

impl<'c> Loader<'c> {
    /// A loader that parses everything and renders nothing (`LoadPlan::default`).
    pub fn new(config: &'c Config) -> Loader<'c> {
        Loader::with_plan(config, LoadPlan::default())
    }

    pub fn with_plan(config: &'c Config, plan: LoadPlan<'c>) -> Loader<'c> {
        Loader {
            config,
            markdown: Markdown::new(),
            plan,
        }
    }

    /// The corpus's files (`discover`).
    pub fn discover(&self) -> std::io::Result<Vec<(PathBuf, FileKind)>> {
        discover(self.config)
    }

    /// Read and parse the given files in parallel and index them.
    pub fn load(&self, files: Vec<(PathBuf, FileKind)>, progress: Option<&dyn Progress>) -> Corpus {
        let parsed: Vec<Arc<Article>> = files
            .into_par_iter()
            .map(|(path, kind)| {
                let a = self.load_cached(path, kind);
                if let Some(p) = progress {
                    p.tick();
                }
                a
            })
            .collect();
        let (disclaimers, articles): (Vec<_>, Vec<_>) = parsed
            .into_iter()
            .partition(|a| a.kind == FileKind::Disclaimer);
        Corpus {
            articles,
            disclaimers: Disclaimers::new(disclaimers),
        }
    }

    pub fn name_of(&self, path: &Path) -> Arc<str> {
        let rel = path.strip_prefix(&self.config.root).unwrap_or(path);
        let mut name = String::new();
        for (i, c) in rel.components().enumerate() {
            if i > 0 {
                name.push('/');
            }
            name.push_str(&c.as_os_str().to_string_lossy());
        }
        name.into()
    }

    pub fn load_cached(&self, path: PathBuf, kind: FileKind) -> Arc<Article> {
        let Some(cache) = self.plan.cache else {
            return Arc::new(self.load_file(path, kind));
        };
        let stamp = std::fs::metadata(&path)
            .ok()
            .and_then(|m| Some((m.modified().ok()?, m.len())));
        if let Some((mtime, len)) = stamp
            && let Ok(entries) = cache.entries.lock()
            && let Some((t, l, a)) = entries.get(&path)
            && *t == mtime
            && *l == len
            && a.kind == kind
        {
            return Arc::clone(a);
        }
        let article = Arc::new(self.load_file(path.clone(), kind));
        if let Some((mtime, len)) = stamp
            && let Ok(mut entries) = cache.entries.lock()
        {
            entries.insert(path, (mtime, len, Arc::clone(&article)));
        }
        article
    }

    /// Read and parse one file. Never fails: problems become part of the article.
    pub fn load_file(&self, path: PathBuf, kind: FileKind) -> Article {
        self.load_read(self.read(path, kind))
    }

    /// Read one file, to be parsed later by `load_read` (a build reads every file
    /// before checking any: see `check`).
    pub fn read(&self, path: PathBuf, kind: FileKind) -> ReadFile {
        let text = if is_markdown(&path) {
            read_text(&path, self.config.max_file_bytes)
        } else {
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_default();
            Err((Unreadable::OtherExtension(ext), String::new()))
        };
        ReadFile { path, kind, text }
    }

    /// Parse a file that `read` read. Never fails: problems become part of the article.
    pub fn load_read(&self, read: ReadFile) -> Article {
        let ReadFile { path, kind, text } = read;
        let name = self.name_of(&path);
        match text {
            Ok(text) => match self.index(&path, &name, &text, kind) {
                Some(article) => article,
                None => self.parse(SourceFile::new(path, name, text), kind),
            },
            Err((unreadable, text)) => {
                // Nothing is parsed: rules would only report the symptoms of a bad read.
                let mut article = Article::empty(Arc::new(SourceFile::new(path, name, text)), kind);
                article.unreadable = Some(unreadable);
                article
            }
        }
    }

    /// The index entry of a file outside the files reported on (`IndexOnly`), or None
    /// when it must be parsed in full.
    fn index(&self, path: &Path, name: &Arc<str>, text: &str, kind: FileKind) -> Option<Article> {
        let ix = self.plan.index_only.as_ref()?;
        if kind != FileKind::Article || ix.ids.as_ref().is_some_and(|ids| ids.is_match(text)) {
            return None;
        }
        let parts = split::split(text).ok()?;
        let (id, status) = front::quick_keys(&text[parts.yaml])?;
        let file = SourceFile::new(path.to_path_buf(), Arc::clone(name), String::new());
        let mut article = Article::empty(Arc::new(file), kind);
        article.front.value = serde_json::json!({ "id": id, "status": status });
        article.indexed_only = true;
        Some(article)
    }

    /// Parse a file's unsaved text (an editor's buffer) as `load_file` would the same
    /// bytes on disk: over the size limit, or with a NUL byte, it is unreadable.
    pub fn parse_text(&self, path: PathBuf, text: &str, kind: FileKind) -> Article {
        let name = self.name_of(&path);
        let limit = self.config.max_file_bytes;
        let unreadable = if text.len() as u64 > limit {
            Some(Unreadable::TooLarge {
                bytes: text.len() as u64,
                limit,
            })
        } else if text.contains('\0') {
            Some(Unreadable::Binary)
        } else {
            None
        };
        match unreadable {
            Some(u) => {
                let file = SourceFile::new(path, name, String::new());
                let mut article = Article::empty(Arc::new(file), kind);
                article.unreadable = Some(u);
                article
            }
            None => self.parse(SourceFile::new(path, name, text.to_string()), kind),
        }
    }

    /// Parse a file already in memory.
    pub fn parse(&self, file: SourceFile, kind: FileKind) -> Article {
        let file = Arc::new(file);
        let mut article = Article::empty(Arc::clone(&file), kind);
        let body_range = match split::split(&file.text) {
            Ok(parts) => {
                article.front_range = parts.yaml.clone();
                match yaml::load(&file, parts.yaml) {
                    Ok(doc) => article.front = doc,
                    Err(e) => article.front_problem = Some(FrontMatterProblem::Yaml(e)),
                }
                parts.body
            }
            Err(SplitError::Missing) => {
                article.front_problem = Some(FrontMatterProblem::Missing);
                0..file.text.len()
            }
            Err(SplitError::Unterminated(open)) => {
                article.front_problem = Some(FrontMatterProblem::Unterminated(open));
                file.text.len()..file.text.len()
            }
        };
        article.body_range = body_range;
        // Disclaimers are few and their text is needed whole: always parsed now.
        if self.plan.bodies || kind == FileKind::Disclaimer {
            article.body = self.body_of(&article);
        }
        article
    }

    /// Parse an article's body (and render its HTML when the loader renders).
    pub fn body_of(&self, article: &Article) -> Body {
        let file = &article.file;
        let range = article.body_range.clone();
        if article.unreadable.is_some() {
            return Body::default();
        }
        if self.plan.render {
            self.markdown.body_with_html(file, range)
        } else {
            self.markdown.body(file, range)
        }
    }
}

/// Every `.md` file of the corpus: articles (not under `_` or `.` folders) and the
/// disclaimers in `_disclaimers/`. Sorted, so that everything after is deterministic.
pub fn discover(config: &Config) -> std::io::Result<Vec<(PathBuf, FileKind)>> {
    let dir = &config.content_dir;
    if !dir.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("the content folder {} does not exist", dir.display()),
        ));
    }
    // The walk runs on every thread (a large library has thousands of folders and
    // files); the sort below makes its order deterministic.
    let found = std::sync::Mutex::new(Vec::new());
    ignore::WalkBuilder::new(dir)
        .hidden(true)
        .follow_links(false)
        .filter_entry(|e| {
            // `_` and `.` names are not articles; `_disclaimers` is read on its own.
            e.depth() == 0 || !e.file_name().to_string_lossy().starts_with(['_', '.'])
        })
        .threads(rayon::current_num_threads())
        .build_parallel()
        .run(|| {
            let mut batch = Batch {
                found: &found,
                mine: Vec::new(),
            };
            Box::new(move |entry| {
                if let Ok(entry) = entry
                    && is_markdown_like(entry.path())
                    && entry.file_type().is_some_and(|t| !t.is_dir())
                {
                    batch.mine.push((entry.into_path(), FileKind::Article));
                }
                ignore::WalkState::Continue
            })
        });
    let mut files = found.into_inner().unwrap_or_default();
    let disclaimers = dir.join(DISCLAIMERS_DIR);
    if disclaimers.is_dir() {
        for entry in std::fs::read_dir(&disclaimers)?.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if is_markdown_like(&path) && !name.to_string_lossy().starts_with(['_', '.']) {
                files.push((path, FileKind::Disclaimer));
            }
        }
    }
    // In the order of `Path`'s own comparison, component by component, but from
    // a key made once per path: comparing `Path`s parses both at every step, which
    // was most of the walk's time on 10,000 files.
    files.sort_by_cached_key(|(path, kind)| (sort_key(path), *kind));
    Ok(files)
}

/// A `YYYY-MM-DD` date as chrono's `%Y-%m-%d` reads it. The review rules and the
/// schema read each article's dates several times; the common form (ten characters,
/// digits and two dashes) is read directly, anything else by chrono (a test holds the
/// two equal).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    match s.as_bytes() {
        [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1]
            if [y0, y1, y2, y3, m0, m1, d0, d1]
                .iter()
                .all(|b| b.is_ascii_digit()) =>
        {
            let n = |d: &[&u8]| d.iter().fold(0u32, |n, &&b| n * 10 + u32::from(b - b'0'));
            let year = i32::try_from(n(&[y0, y1, y2, y3])).ok()?;
            NaiveDate::from_ymd_opt(year, n(&[m0, m1]), n(&[d0, d1]))
        }
        _ => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
    }
}

/// A path's components joined by NUL bytes: compared as bytes, it orders paths as
/// `Path::cmp` does (component by component), since no component holds a NUL.
fn sort_key(path: &Path) -> Vec<u8> {
    let mut key = Vec::with_capacity(path.as_os_str().len() + 1);
    for c in path.components() {
        key.extend_from_slice(c.as_os_str().as_encoded_bytes());
        key.push(0);
    }
    key
}

/// What one walker thread found, added to the whole when the thread is done.
struct Batch<'a> {
    found: &'a std::sync::Mutex<Vec<(PathBuf, FileKind)>>,
    mine: Vec<(PathBuf, FileKind)>,
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        if let Ok(mut all) = self.found.lock() {
            all.append(&mut self.mine);
        }
    }
}

enum NoFollow {
    Link,
    Io(std::io::Error),
}

/// Open a file for reading unless it is a symbolic link, which is never followed (so
/// nothing outside the content folder is read). On Unix the refusal is the open's
/// own (`O_NOFOLLOW`): no separate look at the file first, and nothing can swap a link
/// in between the look and the open.
#[cfg(unix)]
fn open_no_follow(path: &Path) -> Result<std::fs::File, NoFollow> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::File::options()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => NoFollow::Link,
            _ => NoFollow::Io(e),
        })
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> Result<std::fs::File, NoFollow> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(NoFollow::Link);
    }
    std::fs::File::open(path).map_err(NoFollow::Io)
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

/// `.md`, or another extension editors and other tools give Markdown, in any case: all
/// are found, and all but `.md` reported by `unreadable-file`.
fn is_markdown_like(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        let e = e.to_string_lossy();
        [
            "md", "markdown", "mdown", "mkd", "mkdn", "mdwn", "mdtxt", "mdtext",
        ]
        .iter()
        .any(|m| e.eq_ignore_ascii_case(m))
    })
}

/// One file as read from disk and not yet parsed: its text, or why it has none usable
/// (with what could be read of it).
pub struct ReadFile {
    pub path: PathBuf,
    pub kind: FileKind,
    pub text: Result<String, (Unreadable, String)>,
}

/// Read a file as UTF-8 text, within the size limit. On failure, say why and give back
/// what text there is to show (nothing, or the valid part).
pub(crate) fn read_text(path: &Path, limit: u64) -> Result<String, (Unreadable, String)> {
    let io = |e: std::io::Error| (Unreadable::Io(e.to_string()), String::new());
    let f = open_no_follow(path).map_err(|e| match e {
        NoFollow::Link => {
            let target = std::fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_else(|_| "?".into());
            (Unreadable::Link(target), String::new())
        }
        NoFollow::Io(e) => io(e),
    })?;
    let len = f.metadata().map_err(io)?.len();
    if len > limit {
        return Err((Unreadable::TooLarge { bytes: len, limit }, String::new()));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // Read one byte past the limit so a file that grows meanwhile is still caught.
    f.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err((
            Unreadable::TooLarge {
                bytes: bytes.len() as u64,
                limit,
            },
            String::new(),
        ));
    }
    if memchr::memchr(0, &bytes).is_some() {
        return Err((Unreadable::Binary, String::new()));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
        let line = text.matches('\n').count() + 1;
        (
            Unreadable::NotUtf8 {
                line,
                offset: valid,
            },
            text,
        )
    })
}

#[cfg(test)]
mod tests {
    // The walk's sort key orders paths exactly as `Path` does, where a name is a prefix
    // of another and where `-` and `.` sort below the separator.
    #[test]
    fn sort_key_orders_as_path_does() {
        let mut paths: Vec<std::path::PathBuf> = [
            "c/a-b/x.md",
            "c/a/x.md",
            "c/a.md",
            "c/a/b/y.md",
            "c/ab.md",
            "c/a b.md",
            "c/A/x.md",
            "c/a/x-1.md",
            "c/a/x.md.md",
            "c/é/x.md",
            "c/a",
            "c/a0/z.md",
        ]
        .iter()
        .map(std::path::PathBuf::from)
        .collect();
        let mut by_key = paths.clone();
        paths.sort();
        by_key.sort_by_cached_key(|p| super::sort_key(p));
        assert_eq!(by_key, paths);
    }

    // The direct reading of dates agrees with chrono's on dates that exist and do not,
    // on odd widths, signs and spaces, and on anything else.
    #[test]
    fn dates_read_as_chrono_reads_them() {
        let chrono = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let mut cases: Vec<String> = [
            "2026-11-25",
            "2024-02-29",
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "0000-01-01",
            "9999-12-31",
            "2026-1-5",
            "26-11-25",
            "+2026-11-25",
            " 2026-11-25",
            "2026-11-25 ",
            "2026/11/25",
            "2026-11-2x",
            "",
            "2026-11-25T00:00",
        ]
        .map(String::from)
        .to_vec();
        for y in [1999, 2000, 2024, 2100] {
            for m in 0..=13 {
                for d in [0, 1, 28, 29, 30, 31, 32] {
                    cases.push(format!("{y:04}-{m:02}-{d:02}"));
                }
            }
        }
        for s in &cases {
            assert_eq!(super::parse_date(s), chrono(s), "{s:?}");
        }
    }
}
