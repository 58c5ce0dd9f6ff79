//! What the corpus rules know of each article once its own rules have run: its id and
//! status, where its id is written, and the articles it points at. `check` reads,
//! parses and checks each file in one pass and lets its text, front matter and body go
//! as soon as its own rules are done (a library of tens of thousands of articles is
//! never in memory at once); links between articles are resolved afterwards, from
//! these entries alone, as zola checks its internal links.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::content::model::Status;
use crate::content::{Article, FileKind};
use crate::diagnostic::Span;

/// One file of the corpus, as the corpus rules see it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: FileKind,
    /// The name reports show (see `SourceFile::name`).
    pub name: Arc<str>,
    /// Where the file was read from, to read it again for the report if a corpus rule
    /// finds something in a file whose text was let go.
    pub path: PathBuf,
    /// The length of the text that was checked: a file that changed before the report
    /// reads it again is shown without its source line rather than with a wrong one.
    pub len: usize,
    pub id: Option<Box<str>>,
    /// Where the id's value is written (the first line when there is none).
    pub id_span: Span,
    /// `status` as written, when it is a string (messages quote it as it is).
    pub status: Option<Box<str>>,
    /// Where the status's value is written (else its key, else the first line).
    pub status_span: Span,
    /// The front matter could not be used as written: the file is unreadable, its
    /// front matter missing or not YAML, or the schema refused it.
    pub invalid: bool,
    /// For a file whose front matter cannot be read: the id it seems to carry, read
    /// loosely from an `id:` line, else its file name. Only to say what such a file
    /// affects (links to it); never an id of the corpus.
    pub loose_id: Option<Box<str>>,
    /// The articles this file points at, in the order its rules met them.
    pub references: Vec<Reference>,
}

impl Entry {
    /// The entry of a parsed file, with the references its rules recorded.
    pub fn of(article: &Article, references: Vec<Reference>) -> Entry {
        Entry {
            kind: article.kind,
            name: article.file.name.clone(),
            path: article.file.path.clone(),
            len: article.file.text.len(),
            id: article.id().map(Box::from),
            id_span: article.file.span(article.value_range("/id")),
            status: article.str("status").map(Box::from),
            status_span: article.file.span(article.value_range("/status")),
            invalid: !article.indexed_only
                && (!article.has_front_matter() || !article.violations().is_empty()),
            loose_id: article.id().is_none().then(|| loose_id(article)).flatten(),
            references,
        }
    }

    /// The file's name without folder and `.md`, which is by convention its id.
    pub fn stem(&self) -> Option<&str> {
        self.path.file_stem().and_then(|s| s.to_str())
    }

    /// Whether the status is one that never reaches the bundle as an article: `draft`
    /// and `review` (not yet, or no longer, published) and `retired`.
    pub fn is_unpublished(&self) -> bool {
        matches!(
            self.status(),
            Some(Status::Draft | Status::Review | Status::Retired)
        )
    }

    pub fn status(&self) -> Option<Status> {
        self.status.as_deref().and_then(Status::parse)
    }

    pub fn is_published(&self) -> bool {
        self.status() == Some(Status::Published)
    }
}

/// The id a file whose front matter cannot be parsed seems to carry: the value of its
/// first top-level `id:` line, else its file name.
fn loose_id(article: &Article) -> Option<Box<str>> {
    let text = &article.file.text;
    let yaml = text.get(article.front_range.clone()).unwrap_or("");
    crate::content::front::loose_id(yaml)
        .filter(|v| !v.is_empty())
        .or_else(|| article.file.path.file_stem()?.to_str())
        .map(Box::from)
}

/// A link from one article to another by id, resolved once the whole corpus is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub id: Box<str>,
    pub kind: ReferenceKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceKind {
    /// `[text](article:ID)` in the body.
    Link,
    /// An id in the front matter's `related` list.
    Related,
}

/// Every article's entry, in file order, with the articles found by id.
#[derive(Debug, Default)]
pub struct Index {
    pub entries: Vec<Entry>,
    /// Article ids (not disclaimers') to the entries that carry them.
    ids: HashMap<Box<str>, Vec<usize>>,
}

impl Index {
    /// `entries` in file order (the order every report and bundle relies on).
    pub fn new(entries: Vec<Entry>) -> Index {
        let mut ids: HashMap<Box<str>, Vec<usize>> = HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            if e.kind == FileKind::Article
                && let Some(id) = &e.id
            {
                ids.entry(id.clone()).or_default().push(i);
            }
        }
        Index { entries, ids }
    }

    /// The entries of the articles that carry `id`.
    pub fn with_id(&self, id: &str) -> impl Iterator<Item = &Entry> {
        self.ids
            .get(id)
            .into_iter()
            .flatten()
            .map(|&i| &self.entries[i])
    }

    /// Every article id, with the indexes of its entries.
    pub fn ids(&self) -> impl Iterator<Item = (&str, &[usize])> {
        self.ids.iter().map(|(k, v)| (&**k, v.as_slice()))
    }

    /// The ids of the articles whose status is `retired`.
    pub fn retired(&self) -> std::collections::BTreeSet<&str> {
        self.entries
            .iter()
            .filter(|e| e.kind == FileKind::Article && e.status() == Some(Status::Retired))
            .filter_map(|e| e.id.as_deref())
            .collect()
    }
}
