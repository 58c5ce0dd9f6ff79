//! The bundle as apps read it. `schema/manifest.schema.json` and
//! `schema/published-article.schema.json` are generated from these types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::content::model::FrontMatter;
use crate::readability::Scores;

/// The bundle format's own version. Raised (a major bundle version) whenever a field
/// of the manifest, changelog or article JSON changes meaning or goes away.
///
/// 2: an article's `sections` are its table of contents (`id`, `heading`); format 1
/// also carried each section's HTML and text, which repeated the body twice over. The
/// manifest no longer carries each article's part `hashes`, which only the next build
/// read: it compares the files' checksums instead, and reads a changed article's
/// previous JSON to say what changed.
pub const FORMAT_VERSION: u32 = 2;

/// `manifest.json`: what the bundle holds, with checksums. Apps read it first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "healthpress bundle manifest")]
pub struct Manifest {
    /// The bundle format version (see `format` in the README).
    pub format: u32,
    /// The bundle's semantic version: major for a retirement, removal or format change,
    /// minor for an addition, patch for a change.
    pub version: String,
    /// The version this one follows, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// RFC 3339 time of the build (`SOURCE_DATE_EPOCH` when set).
    pub generated_at: String,
    /// `sha256:` over every article's files and the retired list: equal for equal content.
    pub content_hash: String,
    /// The default locale of the library.
    pub locale: String,
    /// Every published article, by id.
    pub articles: Vec<ManifestArticle>,
    /// Articles apps must delete: retired, or removed from the library.
    pub retired: Vec<RetiredArticle>,
    /// The other files of the bundle.
    pub files: BundleFiles,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManifestArticle {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub locale: String,
    pub audience: String,
    pub topics: Vec<String>,
    /// Rises by one each time the article's published content changes.
    pub revision: u32,
    /// `YYYY-MM-DD`.
    pub last_reviewed: String,
    /// `YYYY-MM-DD`: apps should stop showing the article after this date if they have
    /// not received a newer bundle.
    pub next_review: String,
    pub json: FileRef,
    pub html: FileRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    /// Relative to the bundle folder, `/`-separated.
    pub path: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetiredArticle {
    pub id: String,
    /// `retired` (its status says so) or `removed` (its file is gone).
    pub reason: RetiredReason,
    /// The last revision apps may hold.
    pub revision: u32,
    /// The bundle version in which it left.
    pub since: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RetiredReason {
    Retired,
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleFiles {
    pub index: FileRef,
    pub changelog: FileRef,
}

/// `changelog.json`: what changed since the previous bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Changelog {
    pub format: u32,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    pub added: Vec<Added>,
    pub changed: Vec<Changed>,
    pub retired: Vec<RetiredArticle>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Added {
    pub id: String,
    pub revision: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Changed {
    pub id: String,
    pub old_revision: u32,
    pub new_revision: u32,
    /// What changed: `metadata`, `body`, `disclaimers`, `presentation` (the page's
    /// HTML only, such as after a template change), or `format` (the bundle format
    /// changed, so the article's files are written anew; its body is not compared).
    pub what: Vec<ChangeKind>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Metadata,
    Body,
    Disclaimers,
    Presentation,
    Format,
}

/// `articles/<id>.json`: one article, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "healthpress published article")]
pub struct PublishedArticle {
    pub format: u32,
    pub id: String,
    pub revision: u32,
    /// The front matter as written and validated (without `sign_off`).
    pub front_matter: FrontMatter,
    /// The whole body as safe HTML (no raw HTML, no script, no unsafe links).
    pub html: String,
    /// The body's table of contents: its `##` sections, in order.
    pub sections: Vec<Section>,
    pub callouts: Vec<PublishedCallout>,
    pub disclaimers: Vec<PublishedDisclaimer>,
    pub links: Vec<PublishedLink>,
    /// Reading scores of the prose, when it has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<Scores>,
    /// Who signed off the article's clinical content and when, when it was signed off
    /// (`healthpress sign-off`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_off: Option<PublishedSignOff>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishedSignOff {
    /// The reviewer's name, one of `front_matter.reviewers`.
    pub by: String,
    pub on: chrono::NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Stable id from the heading (`why-it-happens`). It is the `id` of the section's
    /// `<h2>` in `html`, so `#why-it-happens` goes to it; only section headings carry
    /// an `id` there, so one section alone is `html` from its `<h2 id="…">` up to the
    /// next `<h2 id="` or the end. `introduction` is the text before the first heading,
    /// which has no heading of its own.
    pub id: String,
    /// The heading's text; empty for the introduction.
    pub heading: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishedCallout {
    /// `CONSULT`, `URGENT`, `SAFETY`, `NOTE`, `TIP`, `IMPORTANT`, `WARNING` or `CAUTION`.
    pub kind: String,
    /// The label shown with it, such as "Get help urgently".
    pub label: String,
    pub html: String,
    pub text: String,
    /// The id of the section it sits in.
    pub section: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishedDisclaimer {
    pub id: String,
    pub title: String,
    pub html: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishedLink {
    pub text: String,
    /// `article` (another article of the bundle) or `external`.
    pub kind: LinkKind,
    /// For `article`: the id. For `external`: the address.
    pub target: String,
    /// The address in the HTML (`<id>.html` for articles).
    pub href: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    Article,
    External,
    Media,
}
