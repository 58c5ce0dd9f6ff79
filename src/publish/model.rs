//! The bundle as apps read it. `schema/manifest.schema.json` and
//! `schema/published-article.schema.json` are generated from these types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::content::model::FrontMatter;
use crate::content::readability::Scores;

/// The bundle format's own version. Raised (a major bundle version) whenever a field
/// of the manifest, changelog or article JSON changes meaning or goes away.
///
/// 2: an article's `sections` are its table of contents (`id`, `heading`); format 1
/// also carried each section's HTML and text, which repeated the body twice over. The
/// manifest no longer carries each article's part `hashes`, which only the next build
/// read: it compares the files' checksums instead, and reads a changed article's
/// previous JSON to say what changed.
pub const FORMAT_VERSION: u32 = 2;

// `A` is how an article's entry is held: a `ManifestArticle` when read; when the build
// writes the manifest, the JSON of each entry as serialised in its parallel pass. (Not
// in the doc comment, which is the schema's description.)
/// `manifest.json`: what the bundle holds, with checksums. Apps read it first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "healthpress bundle manifest")]
pub struct Manifest<A = ManifestArticle> {
    /// The bundle format version (see `format` in the README).
    pub format: u32,
    /// The bundle's semantic version: major when an article leaves (retired, withdrawn
    /// or removed) or the format changes, minor for an addition (or a withdrawn
    /// article's return), patch for a change.
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
    pub articles: Vec<A>,
    /// Articles apps must delete: retired, withdrawn (back to draft or review; it may
    /// return), or removed from the library. Each stays listed in later bundles, a
    /// withdrawn or removed one until it returns.
    pub retired: Vec<RetiredArticle>,
    /// The other files of the bundle.
    pub files: BundleFiles,
    /// Every media file an article shows, once each, named by its content hash.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<MediaFile>,
}

/// A media file in the bundle: `media/<sha256>.<extension>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaFile {
    /// Relative to the bundle folder, `/`-separated: `media/<sha256>.<extension>`.
    pub path: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    pub bytes: u64,
    /// The IANA media type, read from the file's bytes: `image/png`, `image/jpeg`,
    /// `image/gif`, `image/webp`, `video/mp4` or `video/webm`.
    pub media_type: String,
    /// Width in pixels (images).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in pixels (images).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

/// One entry of an article's `media`, resolved for showing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishedMedia {
    pub id: String,
    pub kind: crate::content::model::MediaKind,
    pub alt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript: Option<String>,
    /// Where `html` points for it: `../media/<sha256>.<extension>` (relative to the
    /// article's files), or the https address of remote media a configuration allows.
    pub href: String,
    /// The file in the bundle, as listed in the manifest's `media`; none for remote media.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<MediaFile>,
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
    /// `retired` (its status says so; the id is never used again), `withdrawn` (its
    /// status went back to `draft` or `review`; it may return) or `removed` (its file
    /// is gone).
    pub reason: RetiredReason,
    /// The last revision apps may hold. An article that returns goes on from it.
    pub revision: u32,
    /// The bundle version in which it left.
    pub since: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RetiredReason {
    /// `status: retired`: the id is never used again.
    Retired,
    /// `status: draft` or `review` after it was published: out of the bundle for now;
    /// it may return, with its revision going on from this entry's.
    Withdrawn,
    /// Its file is gone from the library.
    Removed,
}

impl RetiredReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RetiredReason::Retired => "retired",
            RetiredReason::Withdrawn => "withdrawn",
            RetiredReason::Removed => "removed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleFiles {
    pub index: FileRef,
    pub changelog: FileRef,
    /// `delta/<from>.json`: what an app at version `<from>` fetches and deletes to
    /// reach this version, for each of the recent versions (see `Delta`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deltas: Vec<FileRef>,
}

/// `latest.json`, beside the version folders: the channel's pointer to its newest
/// bundle. Rewritten last, atomically, by every build that writes a version; signed as
/// `latest.json.minisig` when the bundle is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "healthpress channel pointer")]
pub struct Latest {
    /// The bundle format of the newest bundle.
    pub format: u32,
    /// The newest bundle's version.
    pub version: String,
    /// The path of its `manifest.json`, relative to the channel folder.
    pub manifest: String,
    /// Lower-case hex SHA-256 of that manifest.
    pub sha256: String,
    /// The manifest's size in bytes.
    pub bytes: u64,
    /// The newest bundle's `content_hash`.
    pub content_hash: String,
    /// RFC 3339 time of the build.
    pub generated_at: String,
    /// RFC 3339 time after which an app should treat the channel as stale (it has not
    /// been rebuilt since, or it is being replayed to the app).
    pub expires: String,
    /// The newest bundle's deltas, one per recent version, newest first.
    pub deltas: Vec<DeltaRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeltaRef {
    /// The version an app must hold to apply the delta.
    pub from: String,
    /// Relative to the channel folder, `/`-separated.
    pub path: String,
    /// Lower-case hex SHA-256 of the delta file.
    pub sha256: String,
    pub bytes: u64,
}

/// `delta/<from>.json` in a version folder: everything that differs between bundle
/// `from` and this one. An app that holds `from` fetches each `put` article's files
/// (paths relative to this version folder) and deletes each `delete` id; the rest of
/// what it holds is unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "healthpress bundle delta")]
pub struct Delta {
    pub format: u32,
    /// The version the delta leads to.
    pub version: String,
    /// The version it starts from.
    pub from: String,
    /// The `content_hash` of `version`.
    pub content_hash: String,
    /// Articles added or changed since `from`, as the manifest lists them.
    pub put: Vec<ManifestArticle>,
    /// Articles to delete: retired, withdrawn or removed since `from`.
    pub delete: Vec<RetiredArticle>,
    /// The index page of `version`.
    pub index: FileRef,
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
    /// The images and videos the page shows (each in `html` as a `figure`), in the
    /// order of the front matter's `media`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<PublishedMedia>,
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

/// What `healthpress schema NAME` prints: the front matter's schema, or one of the
/// bundle's (`crate::schema::NAMES`).
pub fn schema(name: &str) -> String {
    use crate::schema::schema_json;
    match name {
        "front-matter" => schema_json::<crate::content::model::FrontMatter>(),
        "manifest" => schema_json::<Manifest>(),
        "published-article" => schema_json::<PublishedArticle>(),
        "latest" => schema_json::<Latest>(),
        "delta" => schema_json::<Delta>(),
        other => format!("{{\"error\": \"unknown schema {other}\"}}\n"),
    }
}
