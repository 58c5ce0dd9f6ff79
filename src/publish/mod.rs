//! `build`: turn a checked corpus into a versioned bundle. Each published article is
//! prepared and written as soon as its rules have run (`Publisher::article`), so no
//! rendered body or page is held for the whole library; the bundle is written into a
//! temporary folder beside the others, under a lock, and renamed into place only when
//! the check has passed and every article was written (`Publisher::finish`). A failed
//! or interrupted build never leaves a half bundle and never touches earlier versions.

mod builtin;
mod json;
pub mod model;
pub mod page;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use semver::Version;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::check::RunError;
use crate::config::Config;
use crate::content::markdown::Body;
use crate::content::model::{FrontMatter, Status};
use crate::content::render::callout_label;
use crate::content::{Article, Corpus, Disclaimers, FileKind};
use crate::publish::model::*;
use crate::signoff::hex;

#[derive(Clone)]
pub struct BuildOptions {
    /// The folder that holds one sub-folder per bundle version.
    pub out: PathBuf,
    /// Use this version instead of the next one; must be greater than the last.
    pub bundle_version: Option<Version>,
    /// RFC 3339, from `SOURCE_DATE_EPOCH` or the clock (read at the edge).
    pub generated_at: String,
}

#[derive(Debug)]
pub enum Built {
    /// A new bundle at `path`.
    Written {
        version: Version,
        path: PathBuf,
        changelog: Changelog,
    },
    /// Nothing changed since `version`; nothing was written.
    Unchanged { version: Version },
}

/// One article, ready to write.
struct Prepared {
    article: PublishedArticle,
    /// The article's fields as compact JSON, serialised once (their escaping is most of
    /// the cost) for every time the file is put together.
    parts: json::Parts,
    page: String,
    /// The page's sha256.
    page_sha256: String,
}

/// With HEALTHPRESS_PROFILE set, print how long a build phase took (as `check` does).
fn phase(name: &str, since: &mut std::time::Instant) {
    if std::env::var_os("HEALTHPRESS_PROFILE").is_some() {
        eprintln!(
            "profile: build: {name:<38} {:>8.1} ms",
            since.elapsed().as_secs_f64() * 1e3
        );
    }
    *since = std::time::Instant::now();
}

/// Build a bundle from a corpus whose bodies were kept (`Loader::bodies`) and rendered.
/// `healthpress build` streams instead (`check::check_and_publish`); this serves
/// callers that already hold a whole corpus, such as the benchmarks.
pub fn build(config: &Config, corpus: &Corpus, options: &BuildOptions) -> Result<Built, RunError> {
    let mut publisher = Publisher::start(config, options.clone())?;
    corpus
        .articles
        .par_iter()
        .for_each(|a| publisher.article(a, &a.body, &corpus.disclaimers));
    publisher.finish(&corpus.retired())
}

/// A build in progress: the lock on the output folder, the previous bundle, and the
/// temporary folder that each published article is written into as it is checked.
/// Dropped without `finish`, it removes the temporary folder.
pub struct Publisher<'c> {
    config: &'c Config,
    options: BuildOptions,
    pages: page::Pages,
    tmp: PathBuf,
    previous: Option<(Version, PreviousManifest)>,
    /// Where each id stands in the previous manifest, made once at the start.
    previous_ids: HashMap<String, Previous>,
    written: Mutex<Vec<Written>>,
    /// What could not be published, by file name (the first by name is reported).
    failures: Mutex<Vec<(String, RunError)>>,
    /// The output folder did not exist: a build that writes no bundle removes it.
    created_out: bool,
    written_bundle: bool,
    _lock: File,
}

/// One article in the temporary folder, and how it differs from the previous bundle.
struct Written {
    entry: ManifestArticle,
    /// The entry as it reads in `manifest.json`, serialised here in the parallel pass
    /// rather than in `finish`, which runs on one thread.
    manifest_json: Vec<u8>,
    change: Option<Change>,
}

enum Change {
    Added(Added),
    Changed(Changed),
}

/// An id's entry in the previous manifest: an index into its articles or its retired.
#[derive(Clone, Copy)]
enum Previous {
    Article(usize),
    Retired(usize),
}

impl<'c> Publisher<'c> {
    /// Take the output folder's lock, read the previous bundle and make the temporary
    /// folder. Nothing visible changes until `finish`.
    pub fn start(config: &'c Config, options: BuildOptions) -> Result<Publisher<'c>, RunError> {
        let pages = page::Pages::new(config).map_err(|e| RunError::Usage(e.to_string()))?;
        let out = &options.out;
        let created_out = !out.exists();
        std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
        let lock = lock(out)?;
        clean_stale_temporaries(out);
        let previous = previous_bundle(out)?;
        if let (Some(forced), Some((last, _))) = (&options.bundle_version, &previous)
            && forced <= last
        {
            return Err(RunError::Usage(format!(
                "--bundle-version {forced} is not greater than the last bundle, {last}, in {}",
                out.display()
            )));
        }
        let tmp = out.join(format!(".tmp-{}", std::process::id()));
        let articles = tmp.join("articles");
        std::fs::create_dir_all(&articles).map_err(|e| io(&articles, e))?;
        let mut previous_ids = HashMap::new();
        if let Some((_, m)) = &previous {
            for (i, a) in m.articles.iter().enumerate() {
                previous_ids.insert(a.id.clone(), Previous::Article(i));
            }
            for (i, r) in m.retired.iter().enumerate() {
                previous_ids.insert(r.id.clone(), Previous::Retired(i));
            }
        }
        Ok(Publisher {
            config,
            options,
            pages,
            tmp,
            previous,
            previous_ids,
            written: Mutex::new(Vec::new()),
            failures: Mutex::new(Vec::new()),
            created_out,
            written_bundle: false,
            _lock: lock,
        })
    }

    /// Prepare and write one checked article, if it is published. Called from the
    /// parallel rules pass with the body parsed there; problems are kept for `finish`.
    pub fn article(&self, a: &Article, body: &Body, disclaimers: &Disclaimers) {
        if a.kind != FileKind::Article || a.status() != Some(Status::Published) {
            return;
        }
        // Front matter the schema refused fails the check, so no bundle is written;
        // and nothing is written from it meanwhile (its id names files).
        if a.unreadable.is_some() || a.front_problem.is_some() || !a.violations.is_empty() {
            return;
        }
        match self.write_article(a, body, disclaimers) {
            Ok(w) => self
                .written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(w),
            Err(e) => self
                .failures
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((a.name().to_string(), e)),
        }
    }

    fn write_article(
        &self,
        a: &Article,
        body: &Body,
        disclaimers: &Disclaimers,
    ) -> Result<Written, RunError> {
        let mut p = prepare(a, body, disclaimers, self.config, &self.pages)?;
        let id = p.article.id.clone();
        let (old, retired) = match (&self.previous, self.previous_ids.get(&id)) {
            (Some((_, m)), Some(&Previous::Article(i))) => (Some(&m.articles[i]), None),
            (Some((_, m)), Some(&Previous::Retired(i))) => (None, Some(&m.retired[i])),
            _ => (None, None),
        };
        if let Some(r) = retired {
            return Err(RunError::Content(format!(
                "article id `{id}` was {} in bundle {} and cannot be used again; give the article a new id",
                match r.reason {
                    RetiredReason::Retired => "retired",
                    RetiredReason::Removed => "removed",
                },
                r.since
            )));
        }
        let (json, change) = match old {
            None => {
                p.article.revision = 1;
                (
                    article_json(&p),
                    Some(Change::Added(Added { id, revision: 1 })),
                )
            }
            Some(old) => {
                // Unchanged, the article's files are the previous bundle's byte for
                // byte, with its revision: its manifest's checksums say so, and
                // nothing else needs reading. Only a changed article's previous JSON
                // is read, to say what changed.
                p.article.revision = old.revision;
                let json = article_json(&p);
                let format_changed = self
                    .previous
                    .as_ref()
                    .is_some_and(|(_, m)| m.format != FORMAT_VERSION);
                let same = !format_changed
                    && p.page_sha256 == old.html.sha256
                    && sha256(&json) == old.json.sha256;
                if same {
                    (json, None)
                } else {
                    let what = self.what_changed(old, &p, format_changed);
                    p.article.revision = old.revision + 1;
                    let change = Changed {
                        id,
                        old_revision: old.revision,
                        new_revision: old.revision + 1,
                        what,
                    };
                    (article_json(&p), Some(Change::Changed(change)))
                }
            }
        };
        let entry = write_prepared(self.config, &self.tmp, &p, &json)?;
        let manifest_json = serde_json::to_vec(&entry).map_err(json_error)?;
        Ok(Written {
            entry,
            manifest_json,
            change,
        })
    }

    /// What changed in an article whose files differ from the previous bundle's: its
    /// front matter, body or disclaimers, compared with the previous bundle's JSON of
    /// it; `presentation` when none of those did (the page alone changed, such as after
    /// a template change); `format` after a bundle of another format, whose body is not
    /// compared. A part that cannot be read back counts as changed.
    fn what_changed(
        &self,
        old: &PreviousArticle,
        p: &Prepared,
        format_changed: bool,
    ) -> Vec<ChangeKind> {
        let earlier: Option<serde_json::Value> = self.previous.as_ref().and_then(|(v, _)| {
            let path = self.options.out.join(v.to_string()).join(&old.json.path);
            serde_json::from_slice(&std::fs::read(path).ok()?).ok()
        });
        let earlier = earlier.as_ref();
        let field = |name: &str| earlier.and_then(|e| e.get(name));
        let same =
            |name: &str, now: &dyn Fn(&serde_json::Value) -> bool| field(name).is_some_and(now);
        let a = &p.article;
        let mut what = Vec::new();
        // Who signed it off and when is metadata too.
        let sign_off_same = match field("sign_off") {
            Some(v) => PublishedSignOff::deserialize(v).ok() == a.sign_off,
            None => a.sign_off.is_none(),
        };
        if !sign_off_same
            || !same("front_matter", &|v| {
                FrontMatter::deserialize(v).is_ok_and(|f| f == a.front_matter)
            })
        {
            what.push(ChangeKind::Metadata);
        }
        let body_same = same("html", &|v| v.as_str() == Some(a.html.as_str()))
            && same("sections", &|v| {
                Vec::<Section>::deserialize(v).is_ok_and(|s| s == a.sections)
            })
            && same("callouts", &|v| {
                Vec::<PublishedCallout>::deserialize(v).is_ok_and(|c| c == a.callouts)
            })
            && same("links", &|v| {
                Vec::<PublishedLink>::deserialize(v).is_ok_and(|l| l == a.links)
            });
        if !format_changed && !body_same {
            what.push(ChangeKind::Body);
        }
        if !same("disclaimers", &|v| {
            Vec::<PublishedDisclaimer>::deserialize(v).is_ok_and(|d| d == a.disclaimers)
        }) {
            what.push(ChangeKind::Disclaimers);
        }
        if format_changed {
            what.push(ChangeKind::Format);
        } else if what.is_empty() {
            what.push(ChangeKind::Presentation);
        }
        what
    }

    /// After a check that passed: plan the version, write the index, changelog and
    /// manifest, and rename the folder into place. Nothing is written when nothing
    /// changed, or when an article could not be published. `retired`: the ids of the
    /// articles whose status is `retired`.
    pub fn finish(
        &mut self,
        retired: &std::collections::BTreeSet<&str>,
    ) -> Result<Built, RunError> {
        let mut since = std::time::Instant::now();
        let mut failures =
            std::mem::take(self.failures.get_mut().unwrap_or_else(|e| e.into_inner()));
        failures.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some((_, e)) = failures.into_iter().next() {
            return Err(e);
        }
        let mut written = std::mem::take(self.written.get_mut().unwrap_or_else(|e| e.into_inner()));
        // In place: a stable sort of 10,000 entries took a scratch copy of them all. Two
        // with one id are refused just below, so their order never shows.
        written.sort_unstable_by(|a, b| a.entry.id.cmp(&b.entry.id));
        // Only when `duplicate-id` is turned off can two reach here; their files would
        // have overwritten each other.
        if let Some(pair) = written.windows(2).find(|p| p[0].entry.id == p[1].entry.id) {
            return Err(RunError::Content(format!(
                "two published articles have the id `{}`, and a bundle holds one file per id; \
                 give one of them a new id",
                pair[0].entry.id
            )));
        }
        let Some(plan) = plan(retired, &written, self.previous.as_ref(), &self.options)? else {
            let version = self
                .previous
                .as_ref()
                .map(|(v, _)| v.clone())
                .expect("unchanged implies a previous bundle");
            return Ok(Built::Unchanged { version });
        };
        phase("plan versions and changelog", &mut since);
        // The index page, the changelog and the articles' part of the content hash do
        // not depend on each other: they are made at the same time (this runs after the
        // parallel pass, on one thread otherwise).
        let ((index, changelog), articles_hash) = rayon::join(
            || {
                rayon::join(
                    || -> Result<FileRef, RunError> {
                        let refs: Vec<&ManifestArticle> =
                            written.iter().map(|w| &w.entry).collect();
                        let index = self
                            .pages
                            .index(&refs, self.config)
                            .map_err(|e| RunError::Usage(e.to_string()))?;
                        write_file(&self.tmp, "index.html", index.as_bytes(), None)
                    },
                    || write_json(&self.tmp, "changelog.json", &plan.changelog),
                )
            },
            || content_hash_of(&written, &plan.retired),
        );
        phase("index page and changelog", &mut since);
        write_manifest(
            self.config,
            &self.tmp,
            &plan,
            &written,
            (index?, changelog?),
            articles_hash,
            &self.options.generated_at,
        )?;
        let dest = self.options.out.join(plan.version.to_string());
        if dest.exists() {
            return Err(RunError::Usage(format!(
                "{} already exists",
                dest.display()
            )));
        }
        std::fs::rename(&self.tmp, &dest).map_err(|e| io(&dest, e))?;
        self.written_bundle = true;
        phase("manifest and rename", &mut since);
        Ok(Built::Written {
            path: dest,
            version: plan.version,
            changelog: plan.changelog,
        })
    }
}

impl Drop for Publisher<'_> {
    fn drop(&mut self) {
        // Gone already after a successful `finish` (renamed into place).
        let _ = std::fs::remove_dir_all(&self.tmp);
        if self.created_out && !self.written_bundle {
            let _ = std::fs::remove_file(self.options.out.join(".healthpress.lock"));
            let _ = std::fs::remove_dir(&self.options.out);
        }
    }
}

/// Render one article, draft or not, exactly as the bundle would, to a page in the
/// temporary folder; return its path.
pub fn preview(config: &Config, file: &Path) -> Result<PathBuf, RunError> {
    let mut loader = crate::content::Loader::new(config);
    loader.render = true;
    if !file.is_file() {
        return Err(RunError::Usage(format!("{} is not a file", file.display())));
    }
    let mut files: Vec<(PathBuf, crate::content::FileKind)> = loader
        .discover()
        .map_err(|e| RunError::Io(e.to_string()))?
        .into_iter()
        .filter(|(_, k)| *k == crate::content::FileKind::Disclaimer)
        .collect();
    files.push((file.to_path_buf(), crate::content::FileKind::Article));
    let corpus = loader.load(files, None);
    let article = corpus
        .articles
        .first()
        .ok_or_else(|| RunError::Usage(format!("{} is not an article", file.display())))?;
    if !article.has_front_matter() || !article.violations.is_empty() {
        return Err(RunError::Content(format!(
            "{} has front-matter errors; run `healthpress check {}` first",
            article.name(),
            file.display()
        )));
    }
    let pages = page::Pages::new(config).map_err(|e| RunError::Usage(e.to_string()))?;
    let prepared = prepare(article, &article.body, &corpus.disclaimers, config, &pages)?;
    let name = format!("healthpress-preview-{}.html", prepared.article.id);
    let path = std::env::temp_dir().join(name);
    std::fs::write(&path, prepared.page).map_err(|e| io(&path, e))?;
    Ok(path)
}

/// What a build reads of the previous bundle's manifest: enough to number the next
/// bundle and each article's revision, from a bundle of this format or an older one
/// (what this format no longer writes, such as format 1's part hashes, is ignored).
#[derive(Debug, Deserialize)]
struct PreviousManifest {
    format: u32,
    articles: Vec<PreviousArticle>,
    retired: Vec<RetiredArticle>,
}

#[derive(Debug, Deserialize)]
struct PreviousArticle {
    id: String,
    revision: u32,
    json: FileRef,
    html: FileRef,
}

fn io(path: &Path, e: std::io::Error) -> RunError {
    RunError::Io(format!("{}: {e}", path.display()))
}

fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A writer that hashes and counts what passes through it to `inner`.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W> Hashing<W> {
    fn new(inner: W) -> Hashing<W> {
        Hashing {
            inner,
            hash: Sha256::new(),
            bytes: 0,
        }
    }
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn prepare(
    a: &Article,
    body: &Body,
    disclaimers: &Disclaimers,
    config: &Config,
    pages: &page::Pages,
) -> Result<Prepared, RunError> {
    let mut front = FrontMatter::deserialize(&a.front.value).map_err(|e| {
        RunError::Content(format!(
            "{}: front matter cannot be published: {e}",
            a.name()
        ))
    })?;
    let sign_off = match front.sign_off.take() {
        Some(crate::content::model::SignOffField::SignOff(s)) => {
            Some(PublishedSignOff { by: s.by, on: s.on })
        }
        _ => None,
    };
    let none = crate::content::render::Rendered::default();
    let rendered = body.rendered.as_ref().unwrap_or(&none);
    let sections: Vec<Section> = rendered
        .sections
        .iter()
        .map(|s| Section {
            id: s.id.clone(),
            heading: s.heading.clone(),
        })
        .collect();
    let section_of = |offset: usize| -> String {
        rendered
            .sections
            .iter()
            .rev()
            .find(|s| s.range.start <= offset)
            .map(|s| s.id.clone())
            .unwrap_or_else(|| "introduction".into())
    };
    let callouts = body
        .callouts
        .iter()
        .filter_map(|c| {
            let html = rendered
                .callouts
                .iter()
                .find(|(at, _)| *at == c.range.start)?
                .1
                .clone();
            Some(PublishedCallout {
                kind: c.kind.clone(),
                label: callout_label(&c.kind).to_string(),
                html,
                text: c.text.clone(),
                section: section_of(c.range.start),
            })
        })
        .collect();
    let disclaimers = front
        .disclaimers
        .iter()
        .filter_map(|id| disclaimers.get(id))
        .map(|d| PublishedDisclaimer {
            id: d.id().unwrap_or_default().to_string(),
            title: d.str("title").unwrap_or_default().to_string(),
            html: d
                .body
                .rendered
                .as_ref()
                .map(|r| r.html.clone())
                .unwrap_or_default(),
            text: d
                .body
                .blocks
                .iter()
                .map(|b| b.text.trim())
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect::<Vec<_>>();
    let links = body
        .links
        .iter()
        .filter(|l| !l.image && crate::rules::unsafe_link::unsafe_scheme(&l.url).is_none())
        .map(|l| match l.url.strip_prefix("article:") {
            Some(id) => PublishedLink {
                text: l.text.clone(),
                kind: LinkKind::Article,
                target: id.to_string(),
                href: format!("{id}.html"),
            },
            None => PublishedLink {
                text: l.text.clone(),
                kind: LinkKind::External,
                target: l.url.clone(),
                href: l.url.clone(),
            },
        })
        .collect();
    let html = rendered.html.clone();
    let article = PublishedArticle {
        format: FORMAT_VERSION,
        id: front.id.clone(),
        revision: 0,
        html,
        sections,
        callouts,
        disclaimers,
        links,
        reading: crate::readability::scores(body),
        front_matter: front,
        sign_off,
    };
    let page = pages
        .article(&article, config)
        .map_err(|e| RunError::Usage(e.to_string()))?;
    let parts = json::Parts::of(&article);
    Ok(Prepared {
        page_sha256: sha256(page.as_bytes()),
        article,
        parts,
        page,
    })
}

/// What to write: the version, each article's revision, the retired list, the changelog.
struct Plan {
    version: Version,
    previous: Option<Version>,
    retired: Vec<RetiredArticle>,
    changelog: Changelog,
}

fn plan(
    retired_in_content: &BTreeSet<&str>,
    written: &[Written],
    previous: Option<&(Version, PreviousManifest)>,
    options: &BuildOptions,
) -> Result<Option<Plan>, RunError> {
    let mut added = Vec::new();
    let mut changed = Vec::new();
    for w in written {
        match &w.change {
            Some(Change::Added(a)) => added.push(a.clone()),
            Some(Change::Changed(c)) => changed.push(c.clone()),
            None => {}
        }
    }
    let prev_articles: BTreeMap<&str, &PreviousArticle> = previous
        .map(|(_, m)| m.articles.iter().map(|a| (a.id.as_str(), a)).collect())
        .unwrap_or_default();
    let prev_retired: BTreeSet<&str> = previous
        .map(|(_, m)| m.retired.iter().map(|r| r.id.as_str()).collect())
        .unwrap_or_default();

    let now: BTreeSet<&str> = written.iter().map(|w| w.entry.id.as_str()).collect();
    let mut newly_retired = Vec::new();
    for (id, old) in &prev_articles {
        if now.contains(id) {
            continue;
        }
        let reason = if retired_in_content.contains(id) {
            RetiredReason::Retired
        } else {
            RetiredReason::Removed
        };
        newly_retired.push((id.to_string(), reason, old.revision));
    }
    // Retired in the content but never published: listed so that apps that got it
    // some other way still delete it.
    for id in retired_in_content {
        if !prev_articles.contains_key(id) && !prev_retired.contains(id) {
            newly_retired.push((id.to_string(), RetiredReason::Retired, 0));
        }
    }

    let format_changed = previous.is_some_and(|(_, m)| m.format != FORMAT_VERSION);
    let next = match previous {
        None => Some(Version::new(1, 0, 0)),
        Some((v, _)) => {
            if format_changed || !newly_retired.is_empty() {
                Some(Version::new(v.major + 1, 0, 0))
            } else if !added.is_empty() {
                Some(Version::new(v.major, v.minor + 1, 0))
            } else if !changed.is_empty() {
                Some(Version::new(v.major, v.minor, v.patch + 1))
            } else {
                None
            }
        }
    };
    let last = previous.map(|(v, _)| v.clone());
    // A forced version was checked against the last one in `Publisher::start`.
    let version = match (&options.bundle_version, next) {
        (Some(forced), _) => forced.clone(),
        (None, Some(v)) => v,
        (None, None) => return Ok(None),
    };

    let mut retired: Vec<RetiredArticle> =
        previous.map(|(_, m)| m.retired.clone()).unwrap_or_default();
    let new_entries: Vec<RetiredArticle> = newly_retired
        .into_iter()
        .map(|(id, reason, revision)| RetiredArticle {
            id,
            reason,
            revision,
            since: version.to_string(),
        })
        .collect();
    retired.extend(new_entries.iter().cloned());
    retired.sort_by(|a, b| a.id.cmp(&b.id));

    Ok(Some(Plan {
        changelog: Changelog {
            format: FORMAT_VERSION,
            version: version.to_string(),
            previous: last.as_ref().map(Version::to_string),
            added,
            changed,
            retired: new_entries,
        },
        previous: last,
        retired,
        version,
    }))
}

/// Write one prepared article's JSON and page into the bundle folder `dir`; its
/// manifest entry.
fn write_prepared(
    config: &Config,
    dir: &Path,
    p: &Prepared,
    json: &[u8],
) -> Result<ManifestArticle, RunError> {
    let a = &p.article;
    let fm = &a.front_matter;
    // Paths come only from ids that the schema has validated as [a-z0-9-]+; checked
    // again here, where the id becomes a file name.
    if a.id.is_empty()
        || !a
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(RunError::Content(format!(
            "article id `{}` cannot be a file name in the bundle",
            a.id
        )));
    }
    Ok(ManifestArticle {
        id: a.id.clone(),
        title: fm.title.clone(),
        summary: fm.summary.clone(),
        locale: fm.locale.clone().unwrap_or_else(|| config.locale.clone()),
        audience: fm.audience.as_str().to_string(),
        topics: fm.topics.clone(),
        revision: a.revision,
        last_reviewed: fm.last_reviewed.map(|d| d.to_string()).unwrap_or_default(),
        next_review: fm.next_review.map(|d| d.to_string()).unwrap_or_default(),
        json: write_file(dir, &format!("articles/{}.json", a.id), json, None)?,
        html: write_file(
            dir,
            &format!("articles/{}.html", a.id),
            p.page.as_bytes(),
            Some(&p.page_sha256),
        )?,
    })
}

/// The article's JSON file, with its revision as it now stands.
fn article_json(p: &Prepared) -> Vec<u8> {
    let mut json = p.parts.article(&p.article);
    json.push(b'\n');
    json
}

/// Write `bytes` at `rel` in `dir`. `known`: their sha256 when it was computed already
/// (a page's, in prepare).
fn write_file(
    dir: &Path,
    rel: &str,
    bytes: &[u8],
    known: Option<&str>,
) -> Result<FileRef, RunError> {
    let path = dir.join(rel);
    std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
    Ok(FileRef {
        path: rel.to_string(),
        sha256: known.map_or_else(|| sha256(bytes), str::to_string),
        bytes: bytes.len() as u64,
    })
}

/// The manifest, written last: a folder with a manifest is a whole bundle.
fn write_manifest(
    config: &Config,
    dir: &Path,
    plan: &Plan,
    written: &[Written],
    (index, changelog): (FileRef, FileRef),
    mut content_hash: Sha256,
    generated_at: &str,
) -> Result<(), RunError> {
    content_hash.update(format!("index {}\n", index.sha256));
    let skeleton = Manifest {
        format: FORMAT_VERSION,
        version: plan.version.to_string(),
        previous: plan.previous.as_ref().map(Version::to_string),
        generated_at: generated_at.to_string(),
        content_hash: format!("sha256:{}", hex(&content_hash.finalize())),
        locale: config.locale.clone(),
        articles: Vec::new(),
        retired: plan.retired.clone(),
        files: BundleFiles { index, changelog },
    };
    let pieces = manifest_pieces(&skeleton, written)?;
    write_pieces(dir, "manifest.json", &pieces)?;
    Ok(())
}

/// The content hash as far as the articles and the retired ones: a line for each,
/// then (in `write_manifest`) the index page's.
fn content_hash_of(written: &[Written], retired: &[RetiredArticle]) -> Sha256 {
    use std::fmt::Write;
    let mut h = Sha256::new();
    let mut line = String::new();
    for w in written {
        let e = &w.entry;
        line.clear();
        let _ = writeln!(
            line,
            "{} {} {} {}",
            e.id, e.revision, e.json.sha256, e.html.sha256
        );
        h.update(&line);
    }
    for r in retired {
        h.update(format!("retired {} {}\n", r.id, r.revision));
    }
    h
}

/// `manifest.json` as serde_json writes it (a test holds the two equal), in pieces: the
/// manifest without articles, written by serde, with each article's entry (serialised
/// in the parallel pass) put in its `articles` list.
fn manifest_pieces<'a>(
    skeleton: &Manifest,
    written: &'a [Written],
) -> Result<Vec<std::borrow::Cow<'a, [u8]>>, RunError> {
    use std::borrow::Cow;
    let mut text = serde_json::to_vec(skeleton).map_err(json_error)?;
    text.push(b'\n');
    if written.is_empty() {
        return Ok(vec![Cow::Owned(text)]);
    }
    const EMPTY: &[u8] = b",\"articles\":[],";
    let at = memchr::memmem::find(&text, EMPTY).expect("the manifest has an articles list");
    // `text` keeps everything up to the list's `[`, `tail` the rest from its `]`.
    let tail = text.split_off(at + EMPTY.len() - b"],".len());
    let mut pieces: Vec<Cow<'a, [u8]>> = Vec::with_capacity(2 * written.len() + 2);
    pieces.push(Cow::Owned(text));
    for (i, w) in written.iter().enumerate() {
        if i > 0 {
            pieces.push(Cow::Borrowed(b","));
        }
        pieces.push(Cow::Borrowed(&w.manifest_json));
    }
    pieces.push(Cow::Owned(tail));
    Ok(pieces)
}

fn json_error(e: serde_json::Error) -> RunError {
    RunError::Io(format!("cannot serialise the bundle: {e}"))
}

/// Write at `rel` in `dir` what `fill` writes, hashing the bytes on their way to the
/// file. A 10,000-article manifest is megabytes: built in a growing buffer first, it
/// spent most of its time having fresh pages zeroed.
fn write_hashed(
    dir: &Path,
    rel: &str,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<FileRef, RunError> {
    let path = dir.join(rel);
    let file = File::create(&path).map_err(|e| io(&path, e))?;
    let mut w = std::io::BufWriter::with_capacity(256 * 1024, Hashing::new(file));
    fill(&mut w).map_err(|e| io(&path, e))?;
    let h = w.into_inner().map_err(|e| io(&path, e.into_error()))?;
    Ok(FileRef {
        path: rel.to_string(),
        sha256: hex(&h.hash.finalize()),
        bytes: h.bytes,
    })
}

/// Write pieces of bytes one after the other at `rel` in `dir`.
fn write_pieces(
    dir: &Path,
    rel: &str,
    pieces: &[std::borrow::Cow<'_, [u8]>],
) -> Result<FileRef, RunError> {
    write_hashed(dir, rel, |w| pieces.iter().try_for_each(|p| w.write_all(p)))
}

/// Write `value` as JSON and a final newline at `rel` in `dir`.
fn write_json<T: serde::Serialize>(dir: &Path, rel: &str, value: &T) -> Result<FileRef, RunError> {
    write_hashed(dir, rel, |w| {
        serde_json::to_writer(&mut *w, value)?;
        w.write_all(b"\n")
    })
}

/// An exclusive lock on the output folder, released when dropped (or when the process
/// dies, since it is the operating system's lock on an open file).
fn lock(out: &Path) -> Result<File, RunError> {
    let path = out.join(".healthpress.lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(RunError::Usage(format!(
            "another healthpress build is writing to {}; wait for it to finish and run again",
            out.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(io(&path, e)),
    }
}

/// Temporary folders left by a build that was killed. Only called under the lock.
fn clean_stale_temporaries(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(".tmp-") {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// The highest version folder in `out` and its manifest.
fn previous_bundle(out: &Path) -> Result<Option<(Version, PreviousManifest)>, RunError> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(None);
    };
    let best = entries
        .flatten()
        .filter_map(|e| Version::parse(&e.file_name().to_string_lossy()).ok())
        .max();
    let Some(version) = best else {
        return Ok(None);
    };
    let path = out.join(version.to_string()).join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
    let manifest: PreviousManifest = serde_json::from_str(&text).map_err(|e| {
        RunError::Io(format!(
            "{}: the previous bundle's manifest cannot be read ({e}); move that folder aside to start a new series",
            path.display()
        ))
    })?;
    Ok(Some((version, manifest)))
}

#[cfg(test)]
mod tests {
    // The manifest put together from entries serialised one by one reads exactly as
    // serde_json writes the whole manifest, with no article, one, or several, with
    // retired articles and a previous version, and strings that need escaping.
    #[test]
    fn manifest_pieces_match_serde() {
        let file = |path: &str| FileRef {
            path: path.into(),
            sha256: "ab".repeat(32),
            bytes: 1234,
        };
        let entry = |id: &str| ManifestArticle {
            id: id.into(),
            title: format!("{id}: \"quoted\" \\ and ’curly’ \u{1}"),
            summary: "A summary\nover two lines".into(),
            locale: "en-GB".into(),
            audience: "patient".into(),
            topics: vec!["pregnancy".into(), "exercise".into()],
            revision: 3,
            last_reviewed: "2026-01-02".into(),
            next_review: "2027-01-02".into(),
            json: file(&format!("articles/{id}.json")),
            html: file(&format!("articles/{id}.html")),
        };
        for (n, retired, previous) in [(0, 0, None), (1, 0, None), (3, 2, Some("1.2.3"))] {
            let written: Vec<Written> = (0..n)
                .map(|i| {
                    let entry = entry(&format!("article-{i}"));
                    Written {
                        manifest_json: serde_json::to_vec(&entry).unwrap(),
                        entry,
                        change: None,
                    }
                })
                .collect();
            let mut manifest = Manifest {
                format: FORMAT_VERSION,
                version: "2.0.0".into(),
                previous: previous.map(String::from),
                generated_at: "2026-11-25T00:00:00Z".into(),
                content_hash: format!("sha256:{}", "c".repeat(64)),
                locale: "en-GB".into(),
                articles: Vec::new(),
                retired: (0..retired)
                    .map(|i| RetiredArticle {
                        id: format!("gone-{i}"),
                        reason: RetiredReason::Removed,
                        revision: 2,
                        since: "1.0.0".into(),
                    })
                    .collect(),
                files: BundleFiles {
                    index: file("index.html"),
                    changelog: file("changelog.json"),
                },
            };
            let pieces = manifest_pieces(&manifest, &written).unwrap();
            let joined: Vec<u8> = pieces.iter().flat_map(|p| p.iter().copied()).collect();
            manifest.articles = written.into_iter().map(|w| w.entry).collect();
            let mut expected = serde_json::to_string(&manifest).unwrap();
            expected.push('\n');
            assert_eq!(String::from_utf8(joined).unwrap(), expected, "{n} articles");
        }
    }

    use super::*;

    // The article file comes from one serialisation of each part; on every article of
    // the repository it must be byte for byte what serde would have written, whatever
    // the revision, or every revision would move.
    #[test]
    fn one_serialisation_gives_the_same_file() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = Config::load(&root.join("healthpress.toml")).unwrap();
        let mut loader = crate::content::Loader::new(&config);
        loader.render = true;
        loader.bodies = true;
        let corpus = loader.load(loader.discover().unwrap(), None);
        let pages = page::Pages::new(&config).unwrap();
        let mut compared = 0;
        for a in &corpus.articles {
            let Ok(mut p) = prepare(a, &a.body, &corpus.disclaimers, &config, &pages) else {
                continue;
            };
            for (revision, reading) in [(1, p.article.reading), (12, None)] {
                p.article.revision = revision;
                p.article.reading = reading;
                let mut expected = serde_json::to_string(&p.article).unwrap();
                expected.push('\n');
                let json = article_json(&p);
                assert_eq!(String::from_utf8(json).unwrap(), expected, "{}", a.name());
            }
            compared += 1;
        }
        assert!(compared >= 10, "only {compared} articles compared");
    }
}
