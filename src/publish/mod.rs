//! `build`: turn a checked corpus into a versioned bundle. Each published article is
//! prepared and written as soon as its rules have run (`Publisher::article`), so no
//! rendered body or page is held for the whole library; the bundle is written into a
//! temporary folder beside the others, under a lock, and renamed into place only when
//! the check has passed and every article was written (`Publisher::finish`). A failed
//! or interrupted build never leaves a half bundle and never touches earlier versions.
//!
//! This file is the publisher's life cycle and public API; each job has a file of its
//! own: `prepare` (one article's published form, its page from `page` and `compiled`,
//! its JSON from `json`), `previous` (the bundle continued), `plan` (revisions, the
//! version, the changelog), `departures` (articles that would vanish), `manifest`,
//! `channel` (`latest.json` and the deltas), `sign`, and `write` (the lock, the
//! temporary folder, hashed writes).

pub mod channel;
mod compiled;
mod consumer;
mod departures;
mod json;
mod manifest;
pub mod media;
pub mod model;
pub mod page;
mod plan;
mod prepare;
mod previous;
mod related;
mod scan;
pub mod sign;
mod write;

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use semver::Version;
use serde_json::value::RawValue;

use crate::config::Config;
use crate::content::index::Index;
use crate::content::markdown::Body;
use crate::content::model::Status;
use crate::content::{Article, Corpus, Disclaimers, FileKind};
use crate::diagnostic::Diagnostic;
use crate::error::RunError;
use crate::publish::model::*;
use crate::publish::plan::{Change, Plan};
use crate::publish::prepare::prepare;
use crate::publish::previous::PreviousBundle;

pub use crate::check::VANISHING_ARTICLE;
pub(crate) use write::{io, read_plain, sha256, write_json};

#[derive(Clone)]
pub struct BuildOptions {
    /// The folder that holds one sub-folder per bundle version.
    pub out: PathBuf,
    /// Use this version instead of the next one; must be greater than the last.
    pub bundle_version: Option<Version>,
    /// RFC 3339, from `SOURCE_DATE_EPOCH` or the clock (read at the edge).
    pub generated_at: String,
    /// Read the previous bundle from this folder (a channel folder with `latest.json`,
    /// a folder of versions, or one version folder) instead of `out`.
    pub previous: Option<PathBuf>,
    /// Sign `manifest.json` and `latest.json` with this key.
    pub signer: Option<std::sync::Arc<sign::Signer>>,
    /// RFC 3339: when `latest.json` says the channel goes stale.
    pub expires: String,
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

/// Record how long a build phase took (`Publisher::take_profile`, as `check` does).
fn phase(profile: &mut Profile, name: &'static str, since: &mut std::time::Instant) {
    profile.push((name, since.elapsed()));
    *since = std::time::Instant::now();
}

/// Time spent by phase, in the order they ran.
type Profile = Vec<(&'static str, std::time::Duration)>;

/// Build a bundle from a corpus whose bodies were kept (`Loader::bodies`) and rendered.
/// `healthpress build` streams instead (`check::check_and_publish`); this serves
/// callers that already hold a whole corpus, such as the benchmarks.
pub fn build(config: &Config, corpus: &Corpus, options: &BuildOptions) -> Result<Built, RunError> {
    let mut publisher = Publisher::start(config, options.clone())?;
    publisher.pages.titles = related::from_heads(
        corpus
            .articles
            .iter()
            .filter(|a| a.kind == crate::content::FileKind::Article)
            .map(|a| crate::content::front::Head {
                id: a.id().map(str::to_string),
                status: a.str("status").map(str::to_string),
                title: a.str("title").map(str::to_string),
            })
            .collect(),
    );
    let validators = crate::schema::Validators::new();
    corpus.articles.par_iter().for_each(|a| {
        validators.validate(a);
        publisher.article(a, &a.body, &corpus.disclaimers)
    });
    publisher.withdrawn = corpus
        .articles
        .iter()
        .filter(|a| matches!(a.status(), Some(Status::Draft | Status::Review)))
        .filter_map(|a| a.id().map(str::to_string))
        .collect();
    publisher.finish(&corpus.retired())
}

/// A build in progress: the lock on the output folder, the previous bundle, and the
/// temporary folder that each published article is written into as it is checked.
/// Dropped without `finish`, it removes the temporary folder.
pub struct Publisher<'c> {
    config: &'c Config,
    options: BuildOptions,
    pages: page::Pages,
    /// The media files copied into the bundle so far.
    media: media::MediaStore,
    tmp: PathBuf,
    previous: Option<PreviousBundle>,
    written: Mutex<Vec<Written>>,
    /// What could not be published, by file name (the first by name is reported).
    failures: Mutex<Vec<(String, RunError)>>,
    /// The ids of the articles whose status is `draft` or `review` (`departures`): one
    /// the previous bundle held leaves it as `withdrawn`.
    withdrawn: BTreeSet<String>,
    /// The output folder did not exist: a build that writes no bundle removes it.
    created_out: bool,
    written_bundle: bool,
    profile: Profile,
    _lock: File,
}

/// One article in the temporary folder, and how it differs from the previous bundle.
struct Written {
    entry: ManifestArticle,
    /// The entry as it reads in `manifest.json`, serialised here in the parallel pass
    /// rather than in `finish`, which runs on one thread.
    manifest_json: Box<RawValue>,
    change: Option<Change>,
}

impl<'c> Publisher<'c> {
    /// Take the output folder's lock, read the previous bundle and make the temporary
    /// folder. Nothing visible changes until `finish`.
    pub fn start(config: &'c Config, options: BuildOptions) -> Result<Publisher<'c>, RunError> {
        // The related articles' titles come later, from the check (`Consumer::heads`).
        let pages = page::Pages::new(config).map_err(|e| RunError::Usage(e.to_string()))?;
        let profile = Profile::new();
        let out = &options.out;
        let created_out = !out.exists();
        std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
        let lock = write::lock(out)?;
        // A build refused here writes nothing: not even the folder it made for itself.
        let refuse = |e: RunError| {
            if created_out {
                let _ = std::fs::remove_file(out.join(write::LOCK));
                let _ = std::fs::remove_dir(out);
            }
            e
        };
        write::clean_stale_temporaries(out);
        let previous = previous::read(out, options.previous.as_deref()).map_err(refuse)?;
        if let (Some(forced), Some(last)) = (&options.bundle_version, &previous)
            && forced.cmp_precedence(&last.version) != std::cmp::Ordering::Greater
        {
            return Err(refuse(RunError::Usage(format!(
                "--bundle-version {forced} is not greater than the last bundle, {}, in {} \
                 (versions compare by semver precedence: build metadata does not count)",
                last.version,
                last.dir.display()
            ))));
        }
        let tmp = write::temporary_folder(out)?;
        Ok(Publisher {
            config,
            options,
            pages,
            media: media::MediaStore::new(config, Some(&tmp)),
            tmp,
            previous,
            written: Mutex::new(Vec::new()),
            failures: Mutex::new(Vec::new()),
            withdrawn: BTreeSet::new(),
            created_out,
            written_bundle: false,
            profile,
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
        if a.unreadable.is_some() || a.front_problem.is_some() || !a.violations().is_empty() {
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
        let mut p = prepare(a, body, disclaimers, self.config, &self.pages, &self.media)?;
        let (json, change) = plan::revise(self.previous.as_ref(), &mut p)?;
        let (json, html) = write::article_files(&self.tmp, &p, &json)?;
        let entry = manifest::entry(self.config, &p.article, json, html);
        let manifest_json = manifest::entry_json(&entry)?;
        Ok(Written {
            entry,
            manifest_json,
            change,
        })
    }

    /// The time each build phase so far took, for the command to show
    /// (HEALTHPRESS_PROFILE); taken, so that each is shown once.
    pub fn take_profile(&mut self) -> Vec<(&'static str, std::time::Duration)> {
        std::mem::take(&mut self.profile)
    }

    /// What the previous bundle held that this build would leave out although no file
    /// says so, as errors at the line that decides it (see `departures`). Also notes
    /// which articles are withdrawn, for `finish`.
    pub fn departures(&mut self, index: &Index) -> Vec<Diagnostic> {
        self.withdrawn = index
            .entries
            .iter()
            .filter(|e| e.kind == FileKind::Article)
            .filter(|e| matches!(e.status(), Some(Status::Draft | Status::Review)))
            .filter_map(|e| e.id.as_deref().map(str::to_string))
            .collect();
        let written: BTreeSet<String> = self
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|w| w.entry.id.clone())
            .collect();
        departures::departures(index, &written, self.previous.as_ref())
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
        let Some(plan) = plan::plan(
            retired,
            &self.withdrawn,
            &written,
            self.previous.as_ref(),
            self.options.bundle_version.as_ref(),
        )?
        else {
            let version = self
                .previous
                .as_ref()
                .map(|p| p.version.clone())
                .expect("unchanged implies a previous bundle");
            return Ok(Built::Unchanged { version });
        };
        phase(&mut self.profile, "plan versions and changelog", &mut since);
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
                        write::write_file(&self.tmp, "index.html", index.as_bytes(), None)
                    },
                    || write_json(&self.tmp, "changelog.json", &plan.changelog),
                )
            },
            || manifest::articles_hash(&written, &plan.retired),
        );
        phase(&mut self.profile, "index page and changelog", &mut since);
        let (index, changelog) = (index?, changelog?);
        let content_hash = manifest::content_hash(articles_hash, &index);
        let deltas = self.write_deltas(&plan, &written, &content_hash, &index)?;
        let files = BundleFiles {
            index,
            changelog,
            deltas,
        };
        let manifest = manifest::write(
            self.config,
            &self.tmp,
            &plan,
            &written,
            files.clone(),
            &content_hash,
            &self.options.generated_at,
            self.media.files(),
        )?;
        if let Some(signer) = &self.options.signer {
            let path = self.tmp.join("manifest.json");
            let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
            let comment =
                channel::manifest_comment(&plan.version.to_string(), FORMAT_VERSION, &content_hash);
            let sig = signer.sign(&bytes, &comment)?;
            let sig_path = self.tmp.join("manifest.json.minisig");
            std::fs::write(&sig_path, sig).map_err(|e| io(&sig_path, e))?;
        }
        let dest = self.options.out.join(plan.version.to_string());
        if dest.exists() {
            return Err(RunError::Usage(format!(
                "{} already exists",
                dest.display()
            )));
        }
        write::put_in_place(&self.tmp, &dest)?;
        self.written_bundle = true;
        // The pointer, last: an app that reads it finds the whole bundle in place.
        channel::write_latest(
            &self.options.out,
            &plan.version,
            &manifest,
            &content_hash,
            &files.deltas,
            &self.options.generated_at,
            &self.options.expires,
            self.options.signer.as_deref(),
        )?;
        phase(&mut self.profile, "manifest and rename", &mut since);
        Ok(Built::Written {
            path: dest,
            version: plan.version,
            changelog: plan.changelog,
        })
    }
}

impl Publisher<'_> {
    /// The new bundle's deltas from the previous version and the ones before it.
    fn write_deltas(
        &self,
        plan: &Plan,
        written: &[Written],
        content_hash: &str,
        index: &FileRef,
    ) -> Result<Vec<FileRef>, RunError> {
        let Some(p) = &self.previous else {
            return Ok(Vec::new());
        };
        let previous = channel::read_previous_deltas(&p.dir, &p.version, &p.manifest.files.deltas);
        let c = &plan.changelog;
        let touched: BTreeSet<&str> = c
            .added
            .iter()
            .map(|a| a.id.as_str())
            .chain(c.changed.iter().map(|a| a.id.as_str()))
            .chain(c.retired.iter().map(|a| a.id.as_str()))
            .collect();
        let articles: Vec<&ManifestArticle> = written.iter().map(|w| &w.entry).collect();
        channel::write_deltas(
            &self.tmp,
            Some(&previous),
            &touched,
            &plan.version,
            &articles,
            &plan.retired,
            content_hash,
            index,
        )
    }
}

impl Drop for Publisher<'_> {
    fn drop(&mut self) {
        // Gone already after a successful `finish` (renamed into place).
        let _ = std::fs::remove_dir_all(&self.tmp);
        if self.created_out && !self.written_bundle {
            let _ = std::fs::remove_file(self.options.out.join(write::LOCK));
            let _ = std::fs::remove_dir(&self.options.out);
        }
    }
}

/// Render one article, draft or not, exactly as the bundle would, to a page in the
/// temporary folder; return its path.
pub fn preview(config: &Config, file: &Path) -> Result<PathBuf, RunError> {
    let plan = crate::content::LoadPlan {
        render: true,
        ..Default::default()
    };
    let loader = crate::content::Loader::with_plan(config, plan);
    if !file.is_file() {
        return Err(RunError::Usage(format!("{} is not a file", file.display())));
    }
    let mut files: Vec<(PathBuf, crate::content::FileKind)> = loader
        .discover()
        .map_err(RunError::Walk)?
        .into_iter()
        .filter(|(_, k)| *k == crate::content::FileKind::Disclaimer)
        .collect();
    files.push((file.to_path_buf(), crate::content::FileKind::Article));
    let corpus = loader.load(files, None);
    let article = corpus
        .articles
        .first()
        .ok_or_else(|| RunError::Usage(format!("{} is not an article", file.display())))?;
    let violations = crate::schema::Validators::new().validate(article);
    if !article.has_front_matter() || !violations.is_empty() {
        return Err(RunError::Content(format!(
            "{} has front-matter errors; run `healthpress check {}` first",
            article.name(),
            file.display()
        )));
    }
    let mut pages = page::Pages::new(config).map_err(|e| RunError::Usage(e.to_string()))?;
    pages.titles = related::titles(config);
    let store = media::MediaStore::new(config, None);
    let prepared = prepare(
        article,
        &article.body,
        &corpus.disclaimers,
        config,
        &pages,
        &store,
    )?;
    // A new private folder (0700, created exclusively, unpredictable name): a fixed
    // name in the shared temporary folder could be a link someone else planted.
    let mut builder = tempfile::Builder::new();
    builder.prefix("healthpress-preview-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    let dir = builder
        .tempdir()
        .map_err(|e| io(&std::env::temp_dir(), e))?
        .keep();
    let path = dir.join(format!("{}.html", prepared.article.id));
    std::fs::File::create_new(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, prepared.page.as_bytes()))
        .map_err(|e| io(&path, e))?;
    Ok(path)
}

/// The repository's own configuration and articles, parsed and rendered as a build
/// does (for the publisher's unit tests).
#[cfg(test)]
pub(crate) fn repo_corpus() -> (Config, crate::content::Corpus) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(&root.join("healthpress.toml")).expect("the repository's config");
    let plan = crate::content::LoadPlan {
        render: true,
        ..Default::default()
    };
    let loader = crate::content::Loader::with_plan(&config, plan);
    let corpus = loader.load(loader.discover().expect("the content folder"), None);
    (config, corpus)
}
