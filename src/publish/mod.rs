//! `build`: turn a checked corpus into a versioned bundle. Everything is computed in
//! memory first; the bundle is written into a temporary folder beside the others and
//! renamed into place at the end, under a lock, so a failed or interrupted build never
//! leaves a half bundle and never touches earlier versions.

pub mod model;
pub mod page;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use semver::Version;
use sha2::{Digest, Sha256};

use crate::check::RunError;
use crate::config::Config;
use crate::content::model::{FrontMatter, Status};
use crate::content::render::callout_label;
use crate::content::{Article, Corpus};
use crate::publish::model::*;
use crate::signoff::hex;

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
    hashes: PartHashes,
    page: String,
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

pub fn build(config: &Config, corpus: &Corpus, options: &BuildOptions) -> Result<Built, RunError> {
    let mut since = std::time::Instant::now();
    let pages = page::Pages::new(config).map_err(|e| RunError::Usage(e.to_string()))?;

    // Prepare every page before touching the disk: a template error writes nothing.
    let published: Vec<&Article> = corpus
        .articles
        .iter()
        .filter(|a| a.status() == Some(Status::Published))
        .map(|a| &**a)
        .collect();
    let mut prepared: Vec<Prepared> = published
        .par_iter()
        .map(|a| prepare(a, corpus, config, &pages))
        .collect::<Result<_, RunError>>()?;
    prepared.sort_by(|a, b| a.article.id.cmp(&b.article.id));
    phase("prepare pages and article JSON", &mut since);

    std::fs::create_dir_all(&options.out).map_err(|e| io(&options.out, e))?;
    let _lock = lock(&options.out)?;
    clean_stale_temporaries(&options.out);
    let previous = previous_bundle(&options.out)?;

    let plan = plan(config, corpus, &mut prepared, previous.as_ref(), options)?;
    let Some(plan) = plan else {
        let version = previous
            .map(|(v, _)| v)
            .expect("unchanged implies a previous bundle");
        return Ok(Built::Unchanged { version });
    };

    phase("plan versions and changelog", &mut since);
    let index_refs: Vec<&PublishedArticle> = prepared.iter().map(|p| &p.article).collect();
    let index = pages
        .index(&index_refs, config)
        .map_err(|e| RunError::Usage(e.to_string()))?;
    phase("index page", &mut since);
    write_bundle(
        config,
        &options.out,
        &plan,
        &prepared,
        &index,
        &options.generated_at,
    )?;
    phase("write and rename", &mut since);
    Ok(Built::Written {
        path: options.out.join(plan.version.to_string()),
        version: plan.version,
        changelog: plan.changelog,
    })
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
    let prepared = prepare(article, &corpus, config, &pages)?;
    let name = format!("healthpress-preview-{}.html", prepared.article.id);
    let path = std::env::temp_dir().join(name);
    std::fs::write(&path, prepared.page).map_err(|e| io(&path, e))?;
    Ok(path)
}

fn io(path: &Path, e: std::io::Error) -> RunError {
    RunError::Io(format!("{}: {e}", path.display()))
}

fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The sha256 of a value's compact JSON, serialised straight into the hasher.
fn json_hash<T: serde::Serialize>(value: &T) -> String {
    struct Hashing(Sha256);
    impl std::io::Write for Hashing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut w = std::io::BufWriter::with_capacity(16 * 1024, Hashing(Sha256::new()));
    serde_json::to_writer(&mut w, value).expect("bundle types serialise");
    let h = w.into_inner().map_err(|_| ()).expect("hashing cannot fail");
    hex(&h.0.finalize())
}

fn prepare(
    a: &Article,
    corpus: &Corpus,
    config: &Config,
    pages: &page::Pages,
) -> Result<Prepared, RunError> {
    let mut front: FrontMatter = serde_json::from_value(a.front.value.clone()).map_err(|e| {
        RunError::Content(format!(
            "{}: front matter cannot be published: {e}",
            a.name()
        ))
    })?;
    front.sign_off = None;
    let none = crate::content::render::Rendered::default();
    let rendered = a.body.rendered.as_ref().unwrap_or(&none);
    let text_in = |range: &std::ops::Range<usize>| -> String {
        a.body
            .blocks
            .iter()
            .filter(|b| {
                b.range.start >= range.start && b.range.start < range.end.max(range.start + 1)
            })
            .filter(|b| b.kind != crate::content::markdown::BlockKind::Heading)
            .map(|b| b.text.trim())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let sections: Vec<Section> = rendered
        .sections
        .iter()
        .map(|s| Section {
            id: s.id.clone(),
            heading: s.heading.clone(),
            html: s.content_html.clone(),
            text: text_in(&s.range),
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
    let callouts = a
        .body
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
        .filter_map(|id| corpus.disclaimer(id))
        .map(|d| PublishedDisclaimer {
            id: d.id().unwrap_or_default().to_string(),
            title: d.str("title").unwrap_or_default().to_string(),
            html: d
                .body
                .rendered
                .as_ref()
                .map(|r| r.sections.iter().map(|s| s.html.as_str()).collect())
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
    let links = a
        .body
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
    let html: String = rendered.sections.iter().map(|s| s.html.as_str()).collect();
    let article = PublishedArticle {
        format: FORMAT_VERSION,
        id: front.id.clone(),
        revision: 0,
        html,
        sections,
        callouts,
        disclaimers,
        links,
        reading: crate::readability::scores(&a.body),
        front_matter: front,
    };
    let page = pages
        .article(&article, config)
        .map_err(|e| RunError::Usage(e.to_string()))?;
    let hashes = PartHashes {
        metadata: json_hash(&article.front_matter),
        body: json_hash(&(
            &article.html,
            &article.sections,
            &article.callouts,
            &article.links,
        )),
        disclaimers: json_hash(&article.disclaimers),
        html: sha256(page.as_bytes()),
    };
    Ok(Prepared {
        article,
        hashes,
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
    config: &Config,
    corpus: &Corpus,
    prepared: &mut [Prepared],
    previous: Option<&(Version, Manifest)>,
    options: &BuildOptions,
) -> Result<Option<Plan>, RunError> {
    let prev_articles: BTreeMap<&str, &ManifestArticle> = previous
        .map(|(_, m)| m.articles.iter().map(|a| (a.id.as_str(), a)).collect())
        .unwrap_or_default();
    let prev_retired: BTreeMap<&str, &RetiredArticle> = previous
        .map(|(_, m)| m.retired.iter().map(|r| (r.id.as_str(), r)).collect())
        .unwrap_or_default();

    let mut added = Vec::new();
    let mut changed = Vec::new();
    for p in prepared.iter_mut() {
        let id = p.article.id.clone();
        if let Some(r) = prev_retired.get(id.as_str()) {
            return Err(RunError::Content(format!(
                "article id `{id}` was {} in bundle {} and cannot be used again; give the article a new id",
                match r.reason {
                    RetiredReason::Retired => "retired",
                    RetiredReason::Removed => "removed",
                },
                r.since
            )));
        }
        match prev_articles.get(id.as_str()) {
            None => {
                p.article.revision = 1;
                added.push(Added { id, revision: 1 });
            }
            Some(old) => {
                let mut what = Vec::new();
                if old.hashes.metadata != p.hashes.metadata {
                    what.push(ChangeKind::Metadata);
                }
                if old.hashes.body != p.hashes.body {
                    what.push(ChangeKind::Body);
                }
                if old.hashes.disclaimers != p.hashes.disclaimers {
                    what.push(ChangeKind::Disclaimers);
                }
                if what.is_empty() && old.hashes.html != p.hashes.html {
                    what.push(ChangeKind::Presentation);
                }
                if what.is_empty() {
                    p.article.revision = old.revision;
                } else {
                    p.article.revision = old.revision + 1;
                    changed.push(Changed {
                        id,
                        old_revision: old.revision,
                        new_revision: old.revision + 1,
                        what,
                    });
                }
            }
        }
    }

    let now: BTreeSet<&str> = prepared.iter().map(|p| p.article.id.as_str()).collect();
    let retired_in_content: BTreeSet<&str> = corpus
        .articles
        .iter()
        .filter(|a| a.status() == Some(Status::Retired))
        .filter_map(|a| a.id())
        .collect();
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
    for id in &retired_in_content {
        if !prev_articles.contains_key(id) && !prev_retired.contains_key(id) {
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
    let version = match (&options.bundle_version, next) {
        (Some(forced), _) => {
            if let Some(last) = &last
                && forced <= last
            {
                return Err(RunError::Usage(format!(
                    "--bundle-version {forced} is not greater than the last bundle, {last}, in {}",
                    options.out.display()
                )));
            }
            forced.clone()
        }
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
    let _ = config;

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

fn write_bundle(
    config: &Config,
    out: &Path,
    plan: &Plan,
    prepared: &[Prepared],
    index: &str,
    generated_at: &str,
) -> Result<(), RunError> {
    let tmp = out.join(format!(".tmp-{}-{}", plan.version, std::process::id()));
    let result = write_into(config, &tmp, plan, prepared, index, generated_at).and_then(|()| {
        let dest = out.join(plan.version.to_string());
        if dest.exists() {
            return Err(RunError::Usage(format!(
                "{} already exists",
                dest.display()
            )));
        }
        std::fs::rename(&tmp, &dest).map_err(|e| io(&dest, e))
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

fn write_into(
    config: &Config,
    dir: &Path,
    plan: &Plan,
    prepared: &[Prepared],
    index: &str,
    generated_at: &str,
) -> Result<(), RunError> {
    let articles_dir = dir.join("articles");
    std::fs::create_dir_all(&articles_dir).map_err(|e| io(&articles_dir, e))?;
    // `known`: the bytes' sha256 when it was computed already (a page's, in prepare).
    let write_hashed =
        |rel: &str, bytes: &[u8], known: Option<&str>| -> Result<FileRef, RunError> {
            let path = dir.join(rel);
            std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
            Ok(FileRef {
                path: rel.to_string(),
                sha256: known.map_or_else(|| sha256(bytes), str::to_string),
                bytes: bytes.len() as u64,
            })
        };
    let write = |rel: &str, bytes: &[u8]| write_hashed(rel, bytes, None);
    let entries: Vec<ManifestArticle> = prepared
        .par_iter()
        .map(|p| {
            let a = &p.article;
            let fm = &a.front_matter;
            // Paths come only from ids that the schema has validated as [a-z0-9-]+.
            debug_assert!(
                a.id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            );
            let json = pretty(a);
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
                json: write(&format!("articles/{}.json", a.id), json.as_bytes())?,
                html: write_hashed(
                    &format!("articles/{}.html", a.id),
                    p.page.as_bytes(),
                    Some(&p.hashes.html),
                )?,
                hashes: p.hashes.clone(),
            })
        })
        .collect::<Result<_, RunError>>()?;
    let index_ref = write("index.html", index.as_bytes())?;
    let changelog_ref = write("changelog.json", pretty(&plan.changelog).as_bytes())?;

    let mut h = Sha256::new();
    for e in &entries {
        h.update(format!(
            "{} {} {} {}\n",
            e.id, e.revision, e.json.sha256, e.html.sha256
        ));
    }
    for r in &plan.retired {
        h.update(format!("retired {} {}\n", r.id, r.revision));
    }
    h.update(format!("index {}\n", index_ref.sha256));
    let manifest = Manifest {
        format: FORMAT_VERSION,
        version: plan.version.to_string(),
        previous: plan.previous.as_ref().map(Version::to_string),
        generated_at: generated_at.to_string(),
        content_hash: format!("sha256:{}", hex(&h.finalize())),
        locale: config.locale.clone(),
        articles: entries,
        retired: plan.retired.clone(),
        files: BundleFiles {
            index: index_ref,
            changelog: changelog_ref,
        },
    };
    // The manifest is written last: a folder with a manifest is a whole bundle.
    write("manifest.json", pretty(&manifest).as_bytes())?;
    Ok(())
}

fn pretty<T: serde::Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("bundle types serialise");
    s.push('\n');
    s
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
pub fn previous_bundle(out: &Path) -> Result<Option<(Version, Manifest)>, RunError> {
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
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
        RunError::Io(format!(
            "{}: the previous bundle's manifest cannot be read ({e}); move that folder aside to start a new series",
            path.display()
        ))
    })?;
    Ok(Some((version, manifest)))
}
