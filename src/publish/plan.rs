//! The version plan: each article's revision, what changed in it, and the bundle's
//! version, retired list and changelog. A bundle's version rises by its largest change:
//! major when an article leaves or the format changes, minor for an addition, patch
//! for a change; an article's revision rises by one each time its files change.

use std::collections::{BTreeMap, BTreeSet};

use semver::Version;
use serde::Deserialize;

use crate::content::model::FrontMatter;
use crate::error::RunError;
use crate::publish::Written;
use crate::publish::model::*;
use crate::publish::prepare::Prepared;
use crate::publish::previous::{PreviousArticle, PreviousBundle};
use crate::publish::write::read_plain;

/// How an article written by this build differs from the previous bundle.
pub(super) enum Change {
    Added(Added),
    Changed(Changed),
}

/// Give a prepared article its revision, against the previous bundle: its JSON with
/// that revision, and how it differs (none when its files are the previous bundle's).
/// A retired id cannot come back.
pub(super) fn revise(
    previous: Option<&PreviousBundle>,
    p: &mut Prepared,
) -> Result<(Vec<u8>, Option<Change>), RunError> {
    let id = p.article.id.clone();
    let (old, retired) = previous.map_or((None, None), |b| b.find(&id));
    if let Some(r) = retired
        && r.reason == RetiredReason::Retired
    {
        return Err(RunError::Content(format!(
            "article id `{id}` was retired in bundle {} and cannot be used again; give the article a new id",
            r.since
        )));
    }
    let (Some(previous), Some(old)) = (previous, old) else {
        // A withdrawn or removed article that returns goes on from the last revision
        // apps were given, so that one that kept it fetches it anew.
        let revision = retired.map_or(1, |r| r.revision + 1);
        p.article.revision = revision;
        return Ok((p.json(), Some(Change::Added(Added { id, revision }))));
    };
    // Unchanged, the article's files are the previous bundle's byte for byte, with its
    // revision: its manifest's checksums say so, and nothing else needs reading. Only a
    // changed article's previous JSON is read, to say what changed.
    p.article.revision = old.revision;
    let json = p.json();
    let format_changed = previous.format_changed();
    let same = !format_changed
        && p.page_sha256 == old.html.sha256
        && crate::publish::write::sha256(&json) == old.json.sha256;
    if same {
        return Ok((json, None));
    }
    let what = what_changed(previous, old, p, format_changed);
    let next = old.revision.checked_add(1).ok_or_else(|| {
        RunError::Usage(format!(
            "article `{id}` is at revision {} in the previous bundle, the highest there is; \
             its revision cannot rise",
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
    Ok((p.json(), Some(Change::Changed(change))))
}

/// What changed in an article whose files differ from the previous bundle's: its
/// front matter, body or disclaimers, compared with the previous bundle's JSON of
/// it; `presentation` when none of those did (the page alone changed, such as after
/// a template change); `format` after a bundle of another format, whose body is not
/// compared. A part that cannot be read back counts as changed.
fn what_changed(
    previous: &PreviousBundle,
    old: &PreviousArticle,
    p: &Prepared,
    format_changed: bool,
) -> Vec<ChangeKind> {
    let earlier: Option<serde_json::Value> = {
        let path = previous.dir.join(&old.json.path);
        read_plain(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
    };
    let earlier = earlier.as_ref();
    let field = |name: &str| earlier.and_then(|e| e.get(name));
    let same = |name: &str, now: &dyn Fn(&serde_json::Value) -> bool| field(name).is_some_and(now);
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

/// What to write: the version, each article's revision, the retired list, the changelog.
pub(super) struct Plan {
    pub version: Version,
    pub previous: Option<Version>,
    pub retired: Vec<RetiredArticle>,
    pub changelog: Changelog,
}

/// The plan of the bundle this build writes, from the articles written and how each
/// differs from the previous bundle; none when nothing changed and no version was
/// asked for. `retired_in_content` and `withdrawn_in_content`: the ids whose status
/// is `retired`, and `draft` or `review`.
pub(super) fn plan(
    retired_in_content: &BTreeSet<&str>,
    withdrawn_in_content: &BTreeSet<String>,
    written: &[Written],
    previous: Option<&PreviousBundle>,
    bundle_version: Option<&Version>,
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
        .map(|p| {
            p.manifest
                .articles
                .iter()
                .map(|a| (a.id.as_str(), a))
                .collect()
        })
        .unwrap_or_default();
    let prev_retired: BTreeMap<&str, &RetiredArticle> = previous
        .map(|p| {
            p.manifest
                .retired
                .iter()
                .map(|r| (r.id.as_str(), r))
                .collect()
        })
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

    let format_changed = previous.is_some_and(PreviousBundle::format_changed);
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
        _ if bundle_version.is_some() => None,
        None => Some(Version::new(1, 0, 0)),
        Some(PreviousBundle { version: v, .. }) => {
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
    let last = previous.map(|p| p.version.clone());
    // A forced version was checked against the last one in `Publisher::start`.
    let version = match (bundle_version, next) {
        (Some(forced), _) => forced.clone(),
        (None, Some(v)) => v,
        (None, None) => return Ok(None),
    };

    let renewed: BTreeSet<&str> = newly_retired.iter().map(|(id, _, _)| id.as_str()).collect();
    let mut retired: Vec<RetiredArticle> = previous
        .map(|p| p.manifest.retired.clone())
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
