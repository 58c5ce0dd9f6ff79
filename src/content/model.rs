//! The front matter of articles and disclaimers as Rust types. The JSON Schema in
//! `schema/front-matter.schema.json` is generated from these types, so the types,
//! the schema and the contract cannot drift apart.

use chrono::NaiveDate;
use schemars::{JsonSchema, Schema, json_schema};
use serde::{Deserialize, Serialize};

pub use crate::vocabulary::{Audience, ID_PATTERN, is_valid_id};

/// The front matter of one article (`content/**/*.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "healthpress article front matter",
    transform = review_data_unless_draft
)]
pub struct FrontMatter {
    /// Stable identifier: lower-case words joined by single hyphens. Unique across the
    /// corpus and never reused after retirement.
    #[schemars(regex(pattern = ID_PATTERN), length(max = 100))]
    pub id: String,
    /// The article's title, as patients see it.
    #[schemars(length(min = 1, max = 120))]
    pub title: String,
    /// One or two plain sentences that say what the article covers.
    #[schemars(length(min = 1, max = 300))]
    pub summary: String,
    pub audience: Audience,
    /// Topics from the taxonomy in `healthpress.toml`; the first is the main one.
    #[schemars(length(min = 1), inner(length(min = 1)))]
    pub topics: Vec<String>,
    pub status: Status,
    /// BCP 47 language tag such as `en-GB`; defaults to the configured locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        with = "String",
        regex(pattern = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    )]
    pub locale: Option<String>,
    /// Date of the last clinical review; required unless `status: draft`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "NaiveDate")]
    pub last_reviewed: Option<NaiveDate>,
    /// Date by which the article must be reviewed again; required unless `status: draft`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "NaiveDate")]
    pub next_review: Option<NaiveDate>,
    /// Who reviewed the article; at least one unless `status: draft`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviewers: Vec<Reviewer>,
    /// Where the facts come from; at least one unless `status: draft`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceRef>,
    /// Ids of disclaimers in `content/_disclaimers/`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(regex(pattern = ID_PATTERN)))]
    pub disclaimers: Vec<String>,
    /// Ids of related articles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(regex(pattern = ID_PATTERN)))]
    pub related: Vec<String>,
    /// Images and videos the body shows with `![alt](media:ID)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<Media>,
    /// Written by `healthpress sign-off`, never by hand: the hash of what patients see,
    /// who signed it off and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "SignOffField")]
    pub sign_off: Option<SignOffField>,
}

/// `sign_off`: a sign-off, or a hash recorded by an earlier version of healthpress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SignOffField {
    SignOff(SignOff),
    /// `sha256:<hex>`: the first, narrower hash (summary, body, disclaimers and sources
    /// only), with no reviewer or date. Read, and reported by `changed-since-review` as
    /// needing one more clinical review and `healthpress sign-off`.
    Legacy(LegacyHash),
}

/// The first, narrower hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct LegacyHash(#[schemars(regex(pattern = r"^sha256:[0-9a-f]{64}$"))] pub String);

/// A clinical sign-off, as `healthpress sign-off --reviewer NAME` records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    /// `v2:sha256:<hex>` of what patients see of the article.
    #[schemars(regex(pattern = r"^v2:sha256:[0-9a-f]{64}$"))]
    pub hash: String,
    /// Who signed it off: one of the article's `reviewers`.
    #[schemars(length(min = 1))]
    pub by: String,
    /// When.
    pub on: NaiveDate,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Review,
    Published,
    Retired,
}

impl Status {
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "review" => Some(Status::Review),
            "published" => Some(Status::Published),
            "retired" => Some(Status::Retired),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reviewer {
    #[schemars(length(min = 1))]
    pub name: String,
    /// Qualifications, such as `MBBS, MRCGP` or `RM`.
    #[schemars(length(min = 1))]
    pub credentials: String,
    /// What the reviewer does, such as `General practitioner`.
    #[schemars(length(min = 1))]
    pub role: String,
}

/// A source of the article's facts. It needs at least one of `url`, `doi`, `pmid`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = one_locator_required)]
pub struct SourceRef {
    #[schemars(length(min = 1))]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", regex(pattern = r"^https?://[^\s/$.?#][^\s]*$"), extend("format" = "uri"))]
    pub url: Option<String>,
    /// A DOI such as `10.1097/AOG.0000000000003772`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", regex(pattern = r"^10\.[0-9]{4,9}/\S+$"))]
    pub doi: Option<String>,
    /// A PubMed id, as a quoted string of digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", regex(pattern = r"^[1-9][0-9]{0,8}$"))]
    pub pmid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1))]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "u16", range(min = 1800, max = 2100))]
    pub year: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = video_needs_transcript)]
pub struct Media {
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    pub kind: MediaKind,
    /// Where the file is, relative to the article or as an https URL.
    #[schemars(length(min = 1))]
    pub src: String,
    /// Text alternative that says what the image or video shows.
    #[schemars(length(min = 1))]
    pub alt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub caption: Option<String>,
    /// A text version of everything said and shown; required for videos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1))]
    pub transcript: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Image,
    Video,
}

/// The front matter of a disclaimer (`content/_disclaimers/<id>.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "healthpress disclaimer front matter")]
pub struct DisclaimerMatter {
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    #[schemars(length(min = 1, max = 120))]
    pub title: String,
}

/// The contract's draft relaxation: review dates, reviewers and sources are required,
/// and the lists non-empty, for every status but `draft`.
fn review_data_unless_draft(schema: &mut Schema) {
    let rule = json_schema!({
        "if": { "properties": { "status": { "const": "draft" } }, "required": ["status"] },
        "else": {
            "required": ["last_reviewed", "next_review", "reviewers", "sources"],
            "properties": {
                "reviewers": { "minItems": 1 },
                "sources": { "minItems": 1 }
            }
        }
    });
    merge_keywords(schema, rule);
}

fn one_locator_required(schema: &mut Schema) {
    let rule = json_schema!({
        "anyOf": [
            { "required": ["url"] },
            { "required": ["doi"] },
            { "required": ["pmid"] }
        ]
    });
    merge_keywords(schema, rule);
}

fn video_needs_transcript(schema: &mut Schema) {
    let rule = json_schema!({
        "if": { "properties": { "kind": { "const": "video" } }, "required": ["kind"] },
        "then": { "required": ["transcript"] }
    });
    merge_keywords(schema, rule);
}

fn merge_keywords(schema: &mut Schema, rule: Schema) {
    if let Some(obj) = rule.as_object() {
        for (k, v) in obj {
            schema.insert(k.clone(), v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    // The direct reading of ids agrees with the schema's pattern.
    #[test]
    fn valid_ids_are_the_patterns() {
        let pattern = regex::Regex::new(super::ID_PATTERN).unwrap();
        for id in [
            "a",
            "back-pain",
            "a1-2b",
            "2026",
            "",
            "-",
            "a-",
            "-a",
            "a--b",
            "A",
            "a_b",
            "a b",
            "a.b",
            "é",
            "a\n",
            "back-pain-in-pregnancy",
            "a-b-c-d",
        ] {
            assert_eq!(super::is_valid_id(id), pattern.is_match(id), "{id:?}");
        }
    }
}
