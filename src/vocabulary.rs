//! The words healthpress.toml and the articles share, at the bottom of the library so
//! that config and content read them alike: what a valid id is, who an article is
//! for, what an https origin is.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The pattern every article, disclaimer and media id must match: the schema's, and
/// what `is_valid_id` decides.
pub const ID_PATTERN: &str = r"^[a-z0-9]+(-[a-z0-9]+)*$";

/// Whether `id` is a valid id (`ID_PATTERN`): lower-case ASCII letters and digits, in
/// words joined by single hyphens. Read directly, without compiling the pattern.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Patient,
    Caregiver,
    Professional,
}

impl Audience {
    pub const ALL: [Audience; 3] = [
        Audience::Patient,
        Audience::Caregiver,
        Audience::Professional,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Patient => "patient",
            Audience::Caregiver => "caregiver",
            Audience::Professional => "professional",
        }
    }

    pub fn parse(s: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// The origin of an https address, lower-case, or `None` for anything else (another
/// scheme, no host, a user name in it).
pub fn https_origin(src: &str) -> Option<String> {
    let scheme_end = src.find("://")?;
    if !src[..scheme_end].eq_ignore_ascii_case("https") {
        return None;
    }
    let rest = &src[scheme_end + 3..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let valid = !authority.is_empty()
        && !authority.starts_with(':')
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    valid.then(|| format!("https://{}", authority.to_ascii_lowercase()))
}
