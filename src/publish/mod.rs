//! `build`: turn a checked corpus into a versioned bundle. Each published article is
//! prepared and written as soon as its rules have run (`Publisher::article`), so no
//! rendered body or page is held for the whole library; the bundle is written into a
//! temporary folder beside the others, under a lock, and renamed into place only when
//! the check has passed and every article was written (`Publisher::finish`). A failed
//! or interrupted build never leaves a half bundle and never touches earlier versions.

mod builtin;
pub mod channel;
mod consumer;
mod json;
pub mod media;
pub mod model;
pub mod page;
mod related;
pub mod sign;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use semver::Version;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::content::index::{Entry, Index};
use crate::content::link::LinkTarget;
use crate::content::markdown::Body;
use crate::content::model::{FrontMatter, Status};
use crate::content::render::callout_label;
use crate::content::{Article, Corpus, Disclaimers, FileKind};
use crate::diagnostic::Diagnostic;
use crate::error::RunError;
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
    previous: Option<(Version, PreviousManifest)>,
    /// The previous bundle's version folder.
    previous_dir: PathBuf,
    /// Where each id stands in the previous manifest, made once at the start.
    previous_ids: HashMap<String, Previous>,
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
        let mut pages = page::Pages::new(config).map_err(|e| RunError::Usage(e.to_string()))?;
        let mut since = std::time::Instant::now();
        pages.titles = related::titles(config);
        let mut profile = Profile::new();
        phase(&mut profile, "titles for the related lists", &mut since);
        let out = &options.out;
        let created_out = !out.exists();
        std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
        let lock = lock(out)?;
        // A build refused here writes nothing: not even the folder it made for itself.
        let refuse = |e: RunError| {
            if created_out {
                let _ = std::fs::remove_file(out.join(".healthpress.lock"));
                let _ = std::fs::remove_dir(out);
            }
            e
        };
        clean_stale_temporaries(out);
        let (previous, previous_dir) =
            read_previous(out, options.previous.as_deref()).map_err(refuse)?;
        if let (Some(forced), Some((last, _))) = (&options.bundle_version, &previous)
            && forced.cmp_precedence(last) != std::cmp::Ordering::Greater
        {
            return Err(refuse(RunError::Usage(format!(
                "--bundle-version {forced} is not greater than the last bundle, {last}, in {} \
                 (versions compare by semver precedence: build metadata does not count)",
                previous_dir.display()
            ))));
        }
        // A fresh folder of our own (created exclusively, unpredictable name), marked as
        // a build's, so that a later build removes it if this one is killed, and never
        // anything else.
        let tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempdir_in(out)
            .map_err(|e| io(out, e))?
            .keep();
        std::fs::write(tmp.join(TMP_MARKER), b"").map_err(|e| io(&tmp, e))?;
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
            media: media::MediaStore::new(config, Some(&tmp)),
            tmp,
            previous,
            previous_dir,
            previous_ids,
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
        let id = p.article.id.clone();
        let (old, retired) = match (&self.previous, self.previous_ids.get(&id)) {
            (Some((_, m)), Some(&Previous::Article(i))) => (Some(&m.articles[i]), None),
            (Some((_, m)), Some(&Previous::Retired(i))) => (None, Some(&m.retired[i])),
            _ => (None, None),
        };
        if let Some(r) = retired
            && r.reason == RetiredReason::Retired
        {
            return Err(RunError::Content(format!(
                "article id `{id}` was retired in bundle {} and cannot be used again; give the article a new id",
                r.since
            )));
        }
        let (json, change) = match old {
            None => {
                // A withdrawn or removed article that returns goes on from the last
                // revision apps were given, so that one that kept it fetches it anew.
                let revision = retired.map_or(1, |r| r.revision + 1);
                p.article.revision = revision;
                (
                    article_json(&p),
                    Some(Change::Added(Added { id, revision })),
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
                    let next = old.revision.checked_add(1).ok_or_else(|| {
                        RunError::Usage(format!(
                            "article `{id}` is at revision {} in the previous bundle, the \
                             highest there is; its revision cannot rise",
                            old.revision
                        ))
                    })?;
                    p.article.revision = next;
                    let change = Changed {
                        id,
                        old_revision: old.revision,
                        new_revision: next,
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
        let earlier: Option<serde_json::Value> = self.previous.as_ref().and_then(|_| {
            let path = self.previous_dir.join(&old.json.path);
            serde_json::from_slice(&read_plain(&path).ok()?).ok()
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
            })
            && match field("media") {
                Some(v) => Vec::<PublishedMedia>::deserialize(v).is_ok_and(|m| m == a.media),
                None => earlier.is_some() && a.media.is_empty(),
            };
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

    /// The time each build phase so far took, for the command to show
    /// (HEALTHPRESS_PROFILE); taken, so that each is shown once.
    pub fn take_profile(&mut self) -> Vec<(&'static str, std::time::Duration)> {
        std::mem::take(&mut self.profile)
    }

    /// What the previous bundle held that this build would leave out although no file
    /// says so, as errors at the line that decides it. An article leaves the bundle
    /// only when its file says so: `status: retired`, `draft` or `review` (withdrawn),
    /// or the file is gone. One that is still in the library but cannot be published
    /// (its front matter refused under whatever severity, a status that is not one, an
    /// id that cannot be read or was changed in place) fails the build instead of
    /// vanishing from apps. Also notes which articles are withdrawn, for `finish`.
    pub fn departures(&mut self, index: &Index) -> Vec<Diagnostic> {
        let articles: Vec<&Entry> = index
            .entries
            .iter()
            .filter(|e| e.kind == FileKind::Article)
            .collect();
        self.withdrawn = articles
            .iter()
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
        let last = self.previous.as_ref().map(|(v, _)| v);
        let held: BTreeSet<&str> = self
            .previous
            .iter()
            .flat_map(|(_, m)| m.articles.iter().map(|a| a.id.as_str()))
            .collect();
        let mut out = Vec::new();
        let to_leave = "to take it out of the bundle on purpose, set `status: draft` or \
                        `review` (withdrawn; it may come back) or `retired` (for good)";
        // Every article whose file says `published`, or says no status at all, and that
        // is not in the bundle: its front matter was refused (under any severity), or
        // its status is a typo. Whether the last bundle held it or not.
        for e in &articles {
            let Some(id) = e.id.as_deref() else {
                continue;
            };
            // A published article with a valid front matter that is not in the bundle
            // could not be written: `finish` says why.
            if written.contains(id) || e.is_unpublished() || (e.is_published() && !e.invalid) {
                continue;
            }
            let was = match (held.contains(id), last) {
                (true, Some(v)) => format!(" (bundle {v} holds it)"),
                _ => String::new(),
            };
            let (message, help) = match (e.status(), e.status.as_deref()) {
                (Some(_), _) => (
                    format!(
                        "article `{id}` is published{was}, but its front matter cannot be \
                         published, so the build would leave it out"
                    ),
                    format!(
                        "fix the front matter (see the findings in this file): it must pass \
                         the schema to be published, whatever severity the `schema` rule has; \
                         {to_leave}"
                    ),
                ),
                (None, Some(s)) => (
                    format!(
                        "`{s}` is not a status (draft, review, published or retired), so the \
                         build cannot tell whether to publish article `{id}`{was}"
                    ),
                    format!("write `status: published`; {to_leave}"),
                ),
                (None, None) => (
                    format!(
                        "article `{id}` has no status, so the build cannot tell whether to \
                         publish it{was}"
                    ),
                    format!("add `status: published`; {to_leave}"),
                ),
            };
            out.push(vanishing(e, e.status_span, message, help));
        }
        let Some(version) = last else {
            return out;
        };
        // Held by the last bundle, and no file carries the id any more: its file may
        // still be here under its name, with the id changed in place or unreadable.
        let mut gone = Vec::new();
        for id in &held {
            if written.contains(*id) || index.with_id(id).next().is_some() {
                continue;
            }
            let named: Vec<&&Entry> = articles.iter().filter(|e| e.stem() == Some(*id)).collect();
            if named.is_empty() {
                gone.push(*id);
            }
            for e in named {
                let (message, help) = match &e.id {
                    Some(new) => (
                        format!(
                            "this file held article `{id}` in bundle {version}, and its id is \
                             now `{new}`: `{id}` would be removed from apps for good"
                        ),
                        format!(
                            "put `id: {id}` back; to replace the article, retire `{id}` \
                             (`status: retired`) and write `{new}` in a file of its own; to \
                             remove it, delete this file"
                        ),
                    ),
                    None => (
                        format!(
                            "this file held article `{id}` in bundle {version}, but its id \
                             cannot be read, so the build would leave the article out"
                        ),
                        "fix the front matter (see the finding at the top of the file)".into(),
                    ),
                };
                out.push(vanishing(e, e.id_span, message, help));
            }
        }
        if !gone.is_empty() {
            // A file whose id cannot be read, and which is not a draft, may be one of the
            // articles that seem gone: the build cannot tell them removed.
            let list = gone
                .iter()
                .take(5)
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let more = if gone.len() > 5 {
                format!(" and {} more", gone.len() - 5)
            } else {
                String::new()
            };
            for e in articles.iter().filter(|e| {
                e.id.is_none() && !e.is_unpublished() && !e.stem().is_some_and(|s| held.contains(s))
            }) {
                out.push(vanishing(
                    e,
                    e.id_span,
                    format!(
                        "this file's id cannot be read, and bundle {version} held articles that \
                         are no longer in the library ({list}{more}): the build cannot tell \
                         whether this file is one of them, which would then leave apps"
                    ),
                    "fix the front matter (see the finding at the top of the file)".into(),
                ));
            }
        }
        out
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
        let Some(plan) = plan(
            retired,
            &self.withdrawn,
            &written,
            self.previous.as_ref(),
            &self.options,
        )?
        else {
            let version = self
                .previous
                .as_ref()
                .map(|(v, _)| v.clone())
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
                        write_file(&self.tmp, "index.html", index.as_bytes(), None)
                    },
                    || write_json(&self.tmp, "changelog.json", &plan.changelog),
                )
            },
            || content_hash_of(&written, &plan.retired),
        );
        phase(&mut self.profile, "index page and changelog", &mut since);
        let (index, changelog) = (index?, changelog?);
        let mut articles_hash = articles_hash;
        articles_hash.update(format!("index {}\n", index.sha256));
        let content_hash = format!("sha256:{}", hex(&articles_hash.finalize()));
        let deltas = self.write_deltas(&plan, &written, &content_hash, &index)?;
        let files = BundleFiles {
            index,
            changelog,
            deltas,
        };
        let manifest = write_manifest(
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
        // The marker goes: it is not part of the bundle.
        std::fs::remove_file(self.tmp.join(TMP_MARKER)).map_err(|e| io(&self.tmp, e))?;
        std::fs::rename(&self.tmp, &dest).map_err(|e| io(&dest, e))?;
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
        let Some((version, m)) = &self.previous else {
            return Ok(Vec::new());
        };
        let previous = channel::read_previous_deltas(&self.previous_dir, version, &m.files.deltas);
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
            let _ = std::fs::remove_file(self.options.out.join(".healthpress.lock"));
            let _ = std::fs::remove_dir(&self.options.out);
        }
    }
}

pub use crate::check::VANISHING_ARTICLE;

fn vanishing(
    e: &Entry,
    span: crate::diagnostic::Span,
    message: String,
    help: String,
) -> Diagnostic {
    Diagnostic {
        rule: VANISHING_ARTICLE,
        severity: crate::diagnostic::Severity::Error,
        file: e.name.clone(),
        span,
        message,
        help: Some(help),
        refs: Vec::new(),
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

/// What a build reads of the previous bundle's manifest: enough to number the next
/// bundle and each article's revision, from a bundle of this format or an older one
/// (what this format no longer writes, such as format 1's part hashes, is ignored).
#[derive(Debug, Deserialize)]
struct PreviousManifest {
    format: u32,
    version: String,
    articles: Vec<PreviousArticle>,
    retired: Vec<RetiredArticle>,
    #[serde(default)]
    files: PreviousFiles,
}

#[derive(Debug, Default, Deserialize)]
struct PreviousFiles {
    #[serde(default)]
    deltas: Vec<FileRef>,
}

#[derive(Debug, Deserialize)]
struct PreviousArticle {
    id: String,
    revision: u32,
    json: FileRef,
    html: FileRef,
}

/// Read a file that must be a plain file: a named pipe or a device would block or never
/// end, and a symbolic link could point anywhere, so they are refused unread.
pub(crate) fn read_plain(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a plain file",
        ));
    }
    std::fs::read(path)
}

pub(crate) fn io(path: &Path, e: std::io::Error) -> RunError {
    RunError::io(path, e)
}

pub(crate) fn sha256(bytes: &[u8]) -> String {
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
    store: &media::MediaStore,
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
        .filter(|l| !l.image)
        .filter_map(|l| match l.target() {
            LinkTarget::Unsafe { .. } => None,
            LinkTarget::Article { id } => Some(PublishedLink {
                text: l.text.clone(),
                kind: LinkKind::Article,
                target: id.to_string(),
                href: crate::content::render::article_href(id),
            }),
            // A text link to media is listed as written (the page shows it without an
            // address).
            LinkTarget::Media { .. } | LinkTarget::External { .. } => Some(PublishedLink {
                text: l.text.clone(),
                kind: LinkKind::External,
                target: l.url.clone(),
                href: l.url.clone(),
            }),
        })
        .collect();
    let media = store.publish(&a.file.path, &front.media)?;
    let html = media::figures(&rendered.html, &media);
    let article = PublishedArticle {
        format: FORMAT_VERSION,
        id: front.id.clone(),
        revision: 0,
        html,
        sections,
        callouts,
        disclaimers,
        links,
        media,
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
    withdrawn_in_content: &BTreeSet<String>,
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
    let prev_retired: BTreeMap<&str, &RetiredArticle> = previous
        .map(|(_, m)| m.retired.iter().map(|r| (r.id.as_str(), r)).collect())
        .unwrap_or_default();

    let now: BTreeSet<&str> = written.iter().map(|w| w.entry.id.as_str()).collect();
    let mut newly_retired = Vec::new();
    for (id, old) in &prev_articles {
        if now.contains(id) {
            continue;
        }
        // An article still in the library that cannot be published never gets here:
        // `departures` made that an error of the build.
        let reason = if retired_in_content.contains(id) {
            RetiredReason::Retired
        } else if withdrawn_in_content.contains(*id) {
            RetiredReason::Withdrawn
        } else {
            RetiredReason::Removed
        };
        newly_retired.push((id.to_string(), reason, old.revision));
    }
    // Retired in the content but never published: listed so that apps that got it
    // some other way still delete it. Withdrawn or removed earlier and retired now:
    // the entry says so from this bundle on, and the id is burned.
    for id in retired_in_content {
        if prev_articles.contains_key(id) {
            continue;
        }
        match prev_retired.get(id) {
            None => newly_retired.push((id.to_string(), RetiredReason::Retired, 0)),
            Some(r) if r.reason != RetiredReason::Retired => {
                newly_retired.push((id.to_string(), RetiredReason::Retired, r.revision))
            }
            Some(_) => {}
        }
    }
    // Withdrawn or removed earlier and published again: no longer listed.
    let returned: BTreeSet<&str> = added
        .iter()
        .map(|a: &Added| a.id.as_str())
        .filter(|id| prev_retired.contains_key(id))
        .collect();

    let format_changed = previous.is_some_and(|(_, m)| m.format != FORMAT_VERSION);
    // Checked: a version that wrapped round would go backwards, and apps would keep
    // the older bundle.
    let bump = |part: u64, what: &str, v: &Version| {
        part.checked_add(1).ok_or_else(|| {
            RunError::Usage(format!(
                "the previous bundle is {v}: its {what} number cannot rise; start a new \
                 major version with --bundle-version"
            ))
        })
    };
    let next = match previous {
        _ if options.bundle_version.is_some() => None,
        None => Some(Version::new(1, 0, 0)),
        Some((v, _)) => {
            if format_changed || !newly_retired.is_empty() {
                Some(Version::new(bump(v.major, "major", v)?, 0, 0))
            } else if !added.is_empty() {
                Some(Version::new(v.major, bump(v.minor, "minor", v)?, 0))
            } else if !changed.is_empty() {
                Some(Version::new(v.major, v.minor, bump(v.patch, "patch", v)?))
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

    let renewed: BTreeSet<&str> = newly_retired.iter().map(|(id, _, _)| id.as_str()).collect();
    let mut retired: Vec<RetiredArticle> = previous
        .map(|(_, m)| m.retired.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|r| !returned.contains(r.id.as_str()) && !renewed.contains(r.id.as_str()))
        .collect();
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
/// Its sha256 and size.
#[allow(clippy::too_many_arguments)]
fn write_manifest(
    config: &Config,
    dir: &Path,
    plan: &Plan,
    written: &[Written],
    files: BundleFiles,
    content_hash: &str,
    generated_at: &str,
    media: Vec<MediaFile>,
) -> Result<FileRef, RunError> {
    let skeleton = Manifest {
        format: FORMAT_VERSION,
        version: plan.version.to_string(),
        previous: plan.previous.as_ref().map(Version::to_string),
        generated_at: generated_at.to_string(),
        content_hash: content_hash.to_string(),
        locale: config.locale.clone(),
        articles: Vec::new(),
        retired: plan.retired.clone(),
        files,
        media,
    };
    let pieces = manifest_pieces(&skeleton, written)?;
    write_pieces(dir, "manifest.json", &pieces)
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
        // A withdrawn article's line differs from a retired one's, so that retiring it
        // later changes the hash; retired and removed lines are as they always were.
        let word = match r.reason {
            RetiredReason::Withdrawn => "withdrawn",
            _ => "retired",
        };
        h.update(format!("{word} {} {}\n", r.id, r.revision));
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

fn json_error(source: serde_json::Error) -> RunError {
    RunError::Serialise {
        what: "the bundle",
        source,
    }
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
pub(crate) fn write_json<T: serde::Serialize>(
    dir: &Path,
    rel: &str,
    value: &T,
) -> Result<FileRef, RunError> {
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

/// The file inside a build's temporary folder that marks it as one.
const TMP_MARKER: &str = ".healthpress-build";

/// Temporary folders left by a build that was killed: `.tmp-*` folders (not links)
/// that hold the marker a build writes into its own. Any other entry, whatever its
/// name, is someone else's and is left alone. Only called under the lock.
fn clean_stale_temporaries(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        let ours = e.file_name().to_string_lossy().starts_with(".tmp-")
            && e.file_type().is_ok_and(|t| t.is_dir())
            && std::fs::symlink_metadata(e.path().join(TMP_MARKER)).is_ok_and(|m| m.is_file());
        if ours {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// The previous bundle: from `from` (`--previous`) when given, else from `out`; its
/// version and manifest, and its version folder. A folder is read as a channel folder
/// (its `latest.json`, checked against the manifest it names), a folder of version
/// folders (the highest by semver precedence), or one version folder (`manifest.json`).
/// Nothing in it is trusted: a newer bundle format, a manifest whose version is not its
/// folder's, or two folders of one precedence are refused, so the series never goes
/// backwards or forks.
#[allow(clippy::type_complexity)]
fn read_previous(
    out: &Path,
    from: Option<&Path>,
) -> Result<(Option<(Version, PreviousManifest)>, PathBuf), RunError> {
    let refuse = |path: &Path, why: String| {
        RunError::Usage(format!(
            "{}: {why}; the previous bundle cannot be continued",
            path.display()
        ))
    };
    let source = from.unwrap_or(out);
    if let Some(from) = from
        && !from.is_dir()
    {
        return Err(RunError::Usage(format!(
            "--previous {}: no such folder",
            from.display()
        )));
    }
    let newest = highest_version_folder(source)?;
    let latest_path = source.join(channel::LATEST);
    let dir = if source.join("manifest.json").is_file() && newest.is_none() {
        // One version folder.
        source.to_path_buf()
    } else if let Some((version, _)) = &newest {
        source.join(version.to_string())
    } else if latest_path.is_file() {
        return Err(refuse(
            &latest_path,
            "it names a bundle that is not in the folder".into(),
        ));
    } else if from.is_some() {
        return Err(RunError::Usage(format!(
            "--previous {}: no bundle in it (no latest.json, version folder or manifest.json)",
            source.display()
        )));
    } else {
        return Ok((None, out.to_path_buf()));
    };
    let path = dir.join("manifest.json");
    let bytes = read_plain(&path).map_err(|e| io(&path, e))?;
    if latest_path.is_file() {
        check_latest(&latest_path, source, &dir, &bytes)?;
    }
    let manifest: PreviousManifest =
        serde_json::from_slice(&bytes).map_err(|source| RunError::PreviousManifest {
            path: path.clone(),
            source,
        })?;
    if manifest.format > FORMAT_VERSION {
        return Err(refuse(
            &path,
            format!(
                "bundle format {} is newer than this healthpress writes ({FORMAT_VERSION}); \
                 build with a newer healthpress",
                manifest.format
            ),
        ));
    }
    let version = Version::parse(&manifest.version)
        .map_err(|e| refuse(&path, format!("version `{}`: {e}", manifest.version)))?;
    if let Some((folder, _)) = &newest
        && *folder != version
    {
        return Err(refuse(
            &path,
            format!(
                "it says version {version} but is in the folder {folder}; a bundle must not \
                 be moved to another version"
            ),
        ));
    }
    // The output folder must not already hold a later bundle than the one continued.
    if from.is_some()
        && let Some((ahead, _)) = highest_version_folder(out)?
        && ahead.cmp_precedence(&version) == std::cmp::Ordering::Greater
    {
        return Err(RunError::Usage(format!(
            "{} already holds bundle {ahead}, later than the previous bundle {version} in {}",
            out.display(),
            source.display()
        )));
    }
    Ok((Some((version, manifest)), dir))
}

/// The version folder with the highest semver precedence in `dir`, if any; two folders
/// of one precedence (`1.0.0` and `1.0.0+again`) are an error.
fn highest_version_folder(dir: &Path) -> Result<Option<(Version, PathBuf)>, RunError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(None);
    };
    let mut versions: Vec<Version> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| Version::parse(&e.file_name().to_string_lossy()).ok())
        .collect();
    versions.sort_by(Version::cmp_precedence);
    let Some(best) = versions.pop() else {
        return Ok(None);
    };
    if let Some(twin) = versions.last()
        && twin.cmp_precedence(&best) == std::cmp::Ordering::Equal
    {
        return Err(RunError::Usage(format!(
            "{}: the folders {twin} and {best} are one version by semver precedence (build \
             metadata does not count); remove one",
            dir.display()
        )));
    }
    let path = dir.join(best.to_string());
    Ok(Some((best, path)))
}

/// A channel's `latest.json` must name the manifest of its newest version folder, with
/// that manifest's sha256: else the folder was tampered with or half copied.
fn check_latest(
    latest_path: &Path,
    source: &Path,
    dir: &Path,
    manifest: &[u8],
) -> Result<(), RunError> {
    let refuse = |why: String| {
        RunError::Usage(format!(
            "{}: {why}; the previous bundle cannot be trusted",
            latest_path.display()
        ))
    };
    let text = read_plain(latest_path).map_err(|e| io(latest_path, e))?;
    let latest: Latest =
        serde_json::from_slice(&text).map_err(|e| refuse(format!("cannot be read ({e})")))?;
    if latest.format > FORMAT_VERSION {
        return Err(refuse(format!(
            "bundle format {} is newer than this healthpress writes ({FORMAT_VERSION}); build \
             with a newer healthpress",
            latest.format
        )));
    }
    let named = source.join(&latest.manifest);
    if named != dir.join("manifest.json") {
        // A build that stopped after renaming its folder and before rewriting the
        // pointer leaves the pointer one version behind; the folder is whole (its
        // manifest is written last), so the series goes on from the folder.
        return Ok(());
    }
    if sha256(manifest) != latest.sha256 {
        return Err(refuse(format!(
            "the sha256 of {} is not the one it lists",
            latest.manifest
        )));
    }
    Ok(())
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
                    deltas: Vec::new(),
                },
                media: Vec::new(),
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
        let plan = crate::content::LoadPlan {
            render: true,
            ..Default::default()
        };
        let loader = crate::content::Loader::with_plan(&config, plan);
        let corpus = loader.load(loader.discover().unwrap(), None);
        let pages = page::Pages::new(&config).unwrap();
        let mut compared = 0;
        for a in &corpus.articles {
            let store = media::MediaStore::new(&config, None);
            let Ok(mut p) = prepare(a, &a.body, &corpus.disclaimers, &config, &pages, &store)
            else {
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
