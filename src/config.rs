//! `healthpress.toml`: the raw options as written (serde, unknown keys rejected), and
//! the settings resolved from them. Every mistake names its line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::vocabulary::Audience;

pub use crate::error::ConfigError;

pub const FILE_NAME: &str = "healthpress.toml";

/// Callout kinds the body may use: healthpress's own and GitHub's five.
pub const CALLOUT_KINDS: &[&str] = &[
    "CONSULT",
    "URGENT",
    "SAFETY",
    "NOTE",
    "TIP",
    "IMPORTANT",
    "WARNING",
    "CAUTION",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default = "default_content")]
    content: String,
    #[serde(default = "default_locale")]
    locale: String,
    #[serde(default = "default_max_file_bytes")]
    max_file_bytes: u64,
    topics: BTreeMap<String, String>,
    #[serde(default)]
    policy: RawPolicy,
    #[serde(default)]
    rules: BTreeMap<String, Level>,
    #[serde(default)]
    bundle: RawBundle,
    #[serde(default)]
    media: RawMedia,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMedia {
    #[serde(default = "default_media_max_bytes")]
    max_bytes: u64,
    #[serde(default)]
    allowed_origins: Vec<String>,
}

impl Default for RawMedia {
    fn default() -> Self {
        RawMedia {
            max_bytes: default_media_max_bytes(),
            allowed_origins: Vec::new(),
        }
    }
}

/// What media may be: how large a file, and which remote origins (none: offline).
#[derive(Debug, Clone)]
pub struct MediaSettings {
    /// `media-too-large` reports a file over this many bytes.
    pub max_bytes: u64,
    /// `https://host[:port]`, lower-case: the origins remote media may come from.
    pub allowed_origins: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    require: Vec<RawRequirement>,
    #[serde(default = "default_clinicians")]
    clinicians: Vec<String>,
    #[serde(default = "default_review_window")]
    review_window_days: u32,
    #[serde(default = "default_review_interval")]
    max_review_interval_months: u32,
    #[serde(default = "default_grade")]
    readability_max_grade: f64,
    #[serde(default)]
    require_sign_off: bool,
    #[serde(default = "default_absolute_claims")]
    absolute_claims: Vec<String>,
    #[serde(default)]
    emergency_numbers: BTreeMap<String, Vec<String>>,
}

impl Default for RawPolicy {
    fn default() -> Self {
        RawPolicy {
            require: Vec::new(),
            clinicians: default_clinicians(),
            review_window_days: default_review_window(),
            max_review_interval_months: default_review_interval(),
            readability_max_grade: default_grade(),
            require_sign_off: false,
            absolute_claims: default_absolute_claims(),
            emergency_numbers: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    #[serde(default)]
    audiences: Vec<Audience>,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    disclaimers: Vec<String>,
    #[serde(default)]
    callouts: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBundle {
    out: Option<String>,
    templates: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Level {
    Off,
    Warning,
    Error,
}

fn default_content() -> String {
    "content".into()
}
fn default_locale() -> String {
    "en-GB".into()
}
fn default_max_file_bytes() -> u64 {
    4 * 1024 * 1024
}
fn default_media_max_bytes() -> u64 {
    10 * 1024 * 1024
}
fn default_review_window() -> u32 {
    60
}
fn default_review_interval() -> u32 {
    36
}
fn default_grade() -> f64 {
    9.0
}
fn default_clinicians() -> Vec<String> {
    [
        "GP",
        "doctor",
        "midwife",
        "obstetrician",
        "nurse",
        "pharmacist",
        "physiotherapist",
        "health visitor",
        "dietitian",
        "consultant",
        "specialist",
        "maternity unit",
        "care team",
    ]
    .map(String::from)
    .to_vec()
}
fn default_absolute_claims() -> Vec<String> {
    [
        "cure",
        "cures",
        "cured",
        "guaranteed",
        "guarantee",
        "completely safe",
        "100% safe",
        "totally safe",
        "perfectly safe",
        "always safe",
        "risk-free",
        "inevitable",
        "inevitably",
        "never harmful",
        "proven to",
    ]
    .map(String::from)
    .to_vec()
}

/// What one requirement of the policy applies to, and what it asks for.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// Empty: every audience.
    pub audiences: Vec<Audience>,
    /// Empty: every topic; else any one of these.
    pub topics: Vec<String>,
    pub disclaimers: Vec<String>,
    pub callouts: Vec<String>,
    /// Line of the requirement in `healthpress.toml`, for messages.
    pub line: usize,
}

impl Requirement {
    pub fn applies(&self, audience: Option<Audience>, topics: &[&str]) -> bool {
        let audience_ok =
            self.audiences.is_empty() || audience.is_some_and(|a| self.audiences.contains(&a));
        let topic_ok =
            self.topics.is_empty() || topics.iter().any(|t| self.topics.iter().any(|p| p == t));
        audience_ok && topic_ok
    }

    /// Why it applies, in words an editor understands: "patient articles", "pregnancy articles".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.topics.is_empty() {
            parts.push(self.topics.join(" or "));
        }
        if !self.audiences.is_empty() {
            parts.push(
                self.audiences
                    .iter()
                    .map(|a| a.as_str())
                    .collect::<Vec<_>>()
                    .join(" or "),
            );
        }
        if parts.is_empty() {
            "every article".into()
        } else {
            format!("{} articles", parts.join(" "))
        }
    }
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub require: Vec<Requirement>,
    pub clinicians: Vec<String>,
    pub review_window_days: u32,
    pub max_review_interval_months: u32,
    pub readability_max_grade: f64,
    pub require_sign_off: bool,
    pub absolute_claims: Vec<String>,
    /// Locale (or its language, such as `en`) to the numbers an article may give.
    pub emergency_numbers: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The folder that holds `healthpress.toml`.
    pub root: PathBuf,
    /// `healthpress.toml` itself.
    pub path: PathBuf,
    /// The folder of articles.
    pub content_dir: PathBuf,
    pub locale: String,
    pub max_file_bytes: u64,
    /// Topic id to its label, in id order.
    pub topics: BTreeMap<String, String>,
    pub policy: Policy,
    /// What `[rules]` sets: rule name, as written, to its severity, or `None` for a
    /// rule turned off. Config sits below the rules and does not know their names:
    /// `rules::validate` holds these to the list, `rules::severity` reads them.
    rule_levels: BTreeMap<String, Option<Severity>>,
    pub bundle_out: PathBuf,
    pub templates: Option<PathBuf>,
    pub media: MediaSettings,
    raw_text: String,
}

impl Config {
    /// Find `healthpress.toml` in `start` or the nearest folder above it.
    pub fn discover(start: &Path) -> Result<PathBuf, ConfigError> {
        for dir in start.ancestors() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
        let looked: Vec<String> = start.ancestors().map(crate::escape::escape_path).collect();
        Err(ConfigError {
            file: String::new(),
            line: 0,
            message: format!(
                "no {FILE_NAME} found: looked in {}; run healthpress inside a content repository (the \
                 folder that holds {FILE_NAME}, or below it), or name the file with \
                 `--config FILE`",
                match looked.as_slice() {
                    [only] => only.clone(),
                    [first @ .., last] if first.len() <= 5 =>
                        format!("{} and {last}", first.join(", ")),
                    [first, .., last] => format!("{first}, every folder above it, and {last}"),
                    [] => String::from("the current folder"),
                }
            ),
        })
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.display().to_string(),
            line: 0,
            message: format!("cannot read it: {e}"),
        })?;
        Config::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1))
                .unwrap_or(0);
            ConfigError {
                file: file.clone(),
                line,
                message: plain_type_error(e.message(), text, e.span()),
            }
        })?;
        let err = |needle: &str, message: String| ConfigError {
            file: file.clone(),
            line: line_of(text, needle),
            message,
        };

        let rule_levels = raw
            .rules
            .iter()
            .map(|(name, level)| {
                let severity = match level {
                    Level::Off => None,
                    Level::Warning => Some(Severity::Warning),
                    Level::Error => Some(Severity::Error),
                };
                (name.clone(), severity)
            })
            .collect();

        if raw.topics.is_empty() {
            return Err(err(
                "[topics]",
                "[topics] must name at least one topic".into(),
            ));
        }
        for id in raw.topics.keys() {
            if !crate::vocabulary::is_valid_id(id) {
                return Err(err(
                    id,
                    format!("topic `{id}` must be lower-case words joined by hyphens"),
                ));
            }
        }

        let mut require = Vec::new();
        for r in raw.policy.require {
            let line = r
                .topics
                .first()
                .or(r.disclaimers.first())
                .or(r.callouts.first())
                .map(|n| line_of(text, n))
                .unwrap_or_else(|| line_of(text, "[[policy.require]]"));
            for t in &r.topics {
                if !raw.topics.contains_key(t) {
                    return Err(err(
                        t,
                        format!(
                            "[[policy.require]] names topic `{t}`, which is not in [topics]{}",
                            suggest(t, raw.topics.keys().map(String::as_str))
                        ),
                    ));
                }
            }
            for c in &r.callouts {
                if !CALLOUT_KINDS.contains(&c.as_str()) {
                    return Err(err(
                        c,
                        format!(
                            "[[policy.require]] names callout kind `{c}`; the kinds are {}",
                            CALLOUT_KINDS.join(", ")
                        ),
                    ));
                }
            }
            for d in &r.disclaimers {
                if !crate::vocabulary::is_valid_id(d) {
                    return Err(err(d, format!("disclaimer id `{d}` is not a valid id")));
                }
            }
            require.push(Requirement {
                audiences: r.audiences,
                topics: r.topics,
                disclaimers: r.disclaimers,
                callouts: r.callouts,
                line,
            });
        }

        // Numbers that parse but cannot mean anything: every file refused, every review
        // interval too long, a limit no text can meet (or NaN, which every comparison fails).
        let p = (
            raw.policy.max_review_interval_months,
            raw.policy.review_window_days,
            raw.policy.readability_max_grade,
        );
        if raw.max_file_bytes == 0 {
            return Err(err(
                "max_file_bytes",
                "`max_file_bytes` must be more than 0: every file would be refused".into(),
            ));
        }
        if !(1..=1200).contains(&p.0) {
            return Err(err(
                "max_review_interval_months",
                format!(
                    "`policy.max_review_interval_months` must be a whole number of months from 1 \
                     to 1200, not {}",
                    p.0
                ),
            ));
        }
        if p.1 > 3660 {
            return Err(err(
                "review_window_days",
                format!(
                    "`policy.review_window_days` must be a whole number of days from 0 to 3660 \
                     (ten years), not {}",
                    p.1
                ),
            ));
        }
        if !(p.2.is_finite() && p.2 > 0.0 && p.2 <= 30.0) {
            return Err(err(
                "readability_max_grade",
                format!(
                    "`policy.readability_max_grade` must be a school grade above 0 and at most \
                     30, such as 9 or 8.5, not {}",
                    p.2
                ),
            ));
        }

        let mut allowed_origins = Vec::new();
        for o in &raw.media.allowed_origins {
            match crate::vocabulary::https_origin(o) {
                Some(origin) if o.trim_end_matches('/').eq_ignore_ascii_case(&origin) => {
                    allowed_origins.push(origin)
                }
                _ => {
                    return Err(err(
                        o,
                        format!(
                            "media.allowed_origins: `{o}` is not an https origin; write it as \
                             `https://host` or `https://host:port`, with no path"
                        ),
                    ));
                }
            }
        }

        let mut emergency_numbers = default_emergency_numbers();
        // Keys compare as BCP 47 tags: `"en-gb"` in the file replaces the built-in `en-GB`.
        emergency_numbers.extend(
            raw.policy
                .emergency_numbers
                .into_iter()
                .map(|(k, v)| (crate::locale::canonical(&k), v)),
        );

        // An empty root (the config is in the current folder) keeps paths short:
        // `content/x.md`, `dist/1.0.0`.
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        // A folder of template overrides that is not there would silently give the
        // built-in pages.
        if let Some(t) = &raw.bundle.templates
            && !root.join(t).is_dir()
        {
            return Err(err(
                "templates",
                format!(
                    "`bundle.templates` names the folder `{}`, which does not exist (relative to \
                     the folder of {FILE_NAME}); create it or remove the key to use the built-in \
                     templates",
                    crate::escape::escape_name(t)
                ),
            ));
        }
        Ok(Config {
            content_dir: root.join(&raw.content),
            bundle_out: root.join(raw.bundle.out.as_deref().unwrap_or("dist")),
            templates: raw.bundle.templates.map(|t| root.join(t)),
            media: MediaSettings {
                max_bytes: raw.media.max_bytes,
                allowed_origins,
            },
            root,
            path: path.to_path_buf(),
            locale: raw.locale,
            max_file_bytes: raw.max_file_bytes,
            topics: raw.topics,
            policy: Policy {
                require,
                clinicians: raw.policy.clinicians,
                review_window_days: raw.policy.review_window_days,
                max_review_interval_months: raw.policy.max_review_interval_months,
                readability_max_grade: raw.policy.readability_max_grade,
                require_sign_off: raw.policy.require_sign_off,
                absolute_claims: raw.policy.absolute_claims,
                emergency_numbers,
            },
            rule_levels,
            raw_text: text.to_string(),
        })
    }

    /// The level `[rules]` sets for `rule`: `Some(None)` when it turns the rule off,
    /// `None` when it does not name the rule (`rules::severity` then gives the default).
    pub fn rule_level(&self, rule: &str) -> Option<Option<Severity>> {
        self.rule_levels.get(rule).copied()
    }

    /// The rule names `[rules]` sets a level for, as written.
    pub fn configured_rules(&self) -> impl Iterator<Item = &str> {
        self.rule_levels.keys().map(String::as_str)
    }

    /// The line of `healthpress.toml` that first mentions `needle` (1-based; 0 when
    /// none does).
    pub fn line_of(&self, needle: &str) -> usize {
        line_of(&self.raw_text, needle)
    }

    /// A config error at the line that mentions `needle` (for checks that need the corpus,
    /// such as a policy naming a disclaimer that does not exist).
    pub fn error_at(&self, needle: &str, message: String) -> ConfigError {
        ConfigError {
            file: self.path.display().to_string(),
            line: line_of(&self.raw_text, needle),
            message,
        }
    }

    /// The requirements that apply to an article.
    pub fn requirements<'a>(
        &'a self,
        audience: Option<Audience>,
        topics: &'a [&'a str],
    ) -> impl Iterator<Item = &'a Requirement> + 'a {
        self.policy
            .require
            .iter()
            .filter(move |r| r.applies(audience, topics))
    }

    /// The emergency and urgent-care numbers an article in `locale` may give, if known,
    /// with the key of the table they come from. Tags compare as BCP 47 says (see
    /// `crate::locale`): `en-gb`, `en_GB` and `en-Latn-GB` find `en-GB`, and `en` the
    /// configured locale's table when that is English.
    pub fn emergency_numbers(&self, locale: &str) -> Option<&[String]> {
        self.emergency_table(locale).map(|(_, v)| v)
    }

    /// `emergency_numbers`, with the key of the table found.
    pub fn emergency_table(&self, locale: &str) -> Option<(&str, &[String])> {
        let numbers = &self.policy.emergency_numbers;
        let tag = crate::locale::Locale::parse(locale)?;
        let configured = crate::locale::Locale::parse(&self.locale);
        tag.lookup_keys(configured.as_ref())
            .iter()
            .find_map(|k| numbers.get_key_value(k.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

fn default_emergency_numbers() -> BTreeMap<String, Vec<String>> {
    let eu = ["112"];
    let mut m = BTreeMap::new();
    m.insert("en-GB".to_string(), vec!["999", "111", "112"]);
    m.insert("en-IE".to_string(), vec!["999", "112"]);
    m.insert("en-US".to_string(), vec!["911", "988"]);
    m.insert("en-CA".to_string(), vec!["911", "811"]);
    m.insert("en-AU".to_string(), vec!["000", "112"]);
    m.insert("en-NZ".to_string(), vec!["111"]);
    for eu_locale in ["de", "fr", "es", "it", "nl", "pl", "pt", "sv", "da", "fi"] {
        m.insert(eu_locale.to_string(), eu.to_vec());
    }
    m.into_iter()
        .map(|(k, v)| (k, v.into_iter().map(String::from).collect()))
        .collect()
}

/// A TOML or type error of the raw options in plain words: which key, what kind of
/// value it takes, and what was found (serde says `invalid type: string "x", expected
/// f64`).
fn plain_type_error(message: &str, text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let (found, expected) = if let Some(rest) = message.strip_prefix("invalid type: ") {
        match rest.split_once(", expected ") {
            Some((f, e)) => (f, e),
            None => return message.to_string(),
        }
    } else if let Some(rest) = message.strip_prefix("invalid value: ") {
        match rest.split_once(", expected ") {
            Some((f, e)) => (f, e),
            None => return message.to_string(),
        }
    } else {
        return message.to_string();
    };
    let expected = match expected.trim() {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more (such as 60)".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".into(),
        "f32" | "f64" => "a number (such as 9 or 8.5)".into(),
        "a boolean" => "true or false".into(),
        "a string" => "text in double quotes".into(),
        "a sequence" => "a list in brackets, such as [\"a\", \"b\"]".into(),
        e if e.starts_with("struct ") || e == "a map" => "a table of keys".into(),
        e => e.to_string(),
    };
    let found = if let Some(s) = found.strip_prefix("string ") {
        format!("the text {s}")
    } else if let Some(n) = found
        .strip_prefix("integer ")
        .or_else(|| found.strip_prefix("floating point "))
        .or_else(|| found.strip_prefix("boolean "))
    {
        n.trim_matches('`').to_string()
    } else if found == "sequence" {
        "a list".into()
    } else if found == "map" {
        "a table".into()
    } else {
        found.to_string()
    };
    match span.and_then(|s| key_at(text, s.start)) {
        Some(key) => format!("`{key}` must be {expected}, not {found}"),
        None => format!("expected {expected}, not {found}"),
    }
}

/// The dotted name of the key whose value starts at `at`: its table header and the
/// name left of `=` on its line.
fn key_at(text: &str, at: usize) -> Option<String> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let line = line.split('\n').next().unwrap_or(line);
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    if key.is_empty() || key.starts_with('[') {
        return None;
    }
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(['[', ']']).trim().to_string());
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_string(),
    })
}

/// The 1-based line of the first place `needle` appears as a key or a quoted value.
fn line_of(text: &str, needle: &str) -> usize {
    let quoted = format!("\"{needle}\"");
    let key = format!("{needle} =");
    let bare = format!("{needle}=");
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with('#') {
            continue;
        }
        if line.contains(&quoted) || t.starts_with(&key) || t.starts_with(&bare) || t == needle {
            return i + 1;
        }
    }
    0
}

/// ", did you mean `x`?" for the closest name, when one is close.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    // The candidates can be every article id of a large library, so each is measured
    // only as far as it can still be close enough: not at all when the lengths alone
    // differ by more, and no further than a row whose every cell already does.
    let name: Vec<char> = name.chars().collect();
    let mut scratch = Scratch::default();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let limit = 2.max(c.len() / 4);
        if let Some(d) = distance_within(&name, c, limit, &mut scratch)
            && best.is_none_or(|b| (d, c) < b)
        {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

/// Space `distance_within` keeps between calls: two rows and the other word's chars.
#[derive(Default)]
struct Scratch {
    prev: Vec<usize>,
    cur: Vec<usize>,
    b: Vec<char>,
}

/// `edit_distance(a, b)` when it is at most `limit`, else None.
fn distance_within(a: &[char], b: &str, limit: usize, s: &mut Scratch) -> Option<usize> {
    s.b.clear();
    s.b.extend(b.chars());
    if a.len().abs_diff(s.b.len()) > limit {
        return None;
    }
    let (prev, cur, b) = (&mut s.prev, &mut s.cur, &s.b);
    prev.clear();
    prev.extend(0..=b.len());
    for (i, &ca) in a.iter().enumerate() {
        cur.clear();
        cur.push(i + 1);
        let mut smallest = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let cell = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            smallest = smallest.min(cell);
            cur.push(cell);
        }
        // A row's smallest cell never falls in the rows below it.
        if smallest > limit {
            return None;
        }
        std::mem::swap(prev, cur);
    }
    Some(prev[b.len()]).filter(|&d| d <= limit)
}

pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(crate::proptest_cases(2000))]
        // The bounded measure says what the plain one says, within its limit, on
        // near and far words of any length, ASCII or not.
        #[test]
        fn distance_within_matches_edit_distance(
            a in "[ab-é]{0,9}",
            b in "[ab-é]{0,9}",
            limit in 0usize..5,
        ) {
            let d = edit_distance(&a, &b);
            let chars: Vec<char> = a.chars().collect();
            let got = distance_within(&chars, &b, limit, &mut Scratch::default());
            prop_assert_eq!(got, (d <= limit).then_some(d));
        }
    }

    const MINIMAL: &str = "[topics]\npregnancy = \"Pregnancy\"\n";

    // A minimal file resolves with the defaults.
    #[test]
    fn minimal_config() {
        let c = Config::parse(Path::new("/x/healthpress.toml"), MINIMAL).unwrap();
        assert_eq!(c.content_dir, Path::new("/x/content"));
        let here = Config::parse(Path::new("healthpress.toml"), MINIMAL).unwrap();
        assert_eq!(here.bundle_out, Path::new("dist"));
        assert_eq!(
            crate::rules::severity(&c, "review-due-soon"),
            Some(Severity::Warning)
        );
        assert_eq!(c.emergency_numbers("en-GB").unwrap()[0], "999");
    }

    // An unknown rule is an error at its own line, with a suggestion (from the rules,
    // which every loaded configuration is held to).
    #[test]
    fn unknown_rule_names_its_line() {
        let text = format!("{MINIMAL}\n[rules]\nreadabilty = \"off\"\n");
        let c = Config::parse(Path::new("healthpress.toml"), &text).unwrap();
        let e = crate::rules::validate(&c).unwrap_err();
        assert_eq!(e.line, 5);
        assert!(
            e.message.contains("did you mean `readability`"),
            "{}",
            e.message
        );
    }

    // A requirement naming a topic or callout kind that does not exist is refused.
    #[test]
    fn policy_names_are_checked() {
        let text = format!(
            "{MINIMAL}\n[[policy.require]]\ntopics = [\"pregnancy\"]\ncallouts = [\"URGNT\"]\n"
        );
        let e = Config::parse(Path::new("healthpress.toml"), &text).unwrap_err();
        assert_eq!(e.line, 6);
        let text = format!("{MINIMAL}\n[[policy.require]]\ntopics = [\"pregnant\"]\n");
        let e = Config::parse(Path::new("healthpress.toml"), &text).unwrap_err();
        assert!(e.message.contains("pregnant"));
    }

    // A value of the wrong kind names its key and the kind in plain words.
    #[test]
    fn type_errors_in_plain_words() {
        for (line, key, kind) in [
            (
                "[policy]\nreview_window_days = \"sixty\"\n",
                "policy.review_window_days",
                "whole number",
            ),
            (
                "[policy]\nreadability_max_grade = \"hard\"\n",
                "policy.readability_max_grade",
                "a number",
            ),
            (
                "[policy]\nrequire_sign_off = \"yes\"\n",
                "policy.require_sign_off",
                "true or false",
            ),
            (
                "[policy]\nreview_window_days = -5\n",
                "policy.review_window_days",
                "whole number, 0 or more",
            ),
            (
                "[policy]\nclinicians = \"GP\"\n",
                "policy.clinicians",
                "a list",
            ),
            ("max_file_bytes = 1.5\n", "max_file_bytes", "whole number"),
        ] {
            let text = format!("{line}{MINIMAL}");
            let text = if line.starts_with('[') {
                format!("{MINIMAL}{line}")
            } else {
                text
            };
            let e = Config::parse(Path::new("healthpress.toml"), &text).unwrap_err();
            assert!(
                e.message.contains(&format!("`{key}` must be")),
                "{}",
                e.message
            );
            assert!(e.message.contains(kind), "{}", e.message);
            assert!(
                !e.message.contains("f64") && !e.message.contains("u32"),
                "{}",
                e.message
            );
        }
    }

    // Numbers that parse but cannot mean anything are refused, each at its line.
    #[test]
    fn impossible_numbers_are_refused() {
        for line in [
            "[policy]\nreadability_max_grade = nan\n",
            "[policy]\nreadability_max_grade = inf\n",
            "[policy]\nreadability_max_grade = -3.0\n",
            "[policy]\nreadability_max_grade = 0\n",
            "[policy]\nmax_review_interval_months = 0\n",
            "[policy]\nreview_window_days = 4000000000\n",
        ] {
            let text = format!("{MINIMAL}{line}");
            let e = Config::parse(Path::new("healthpress.toml"), &text).unwrap_err();
            assert_eq!(e.line, 4, "{line}: {}", e.message);
        }
        let text = format!("max_file_bytes = 0\n{MINIMAL}");
        assert_eq!(
            Config::parse(Path::new("healthpress.toml"), &text)
                .unwrap_err()
                .line,
            1
        );
    }

    // A templates folder that does not exist is an error, not the built-in pages.
    #[test]
    fn missing_templates_folder() {
        let text = format!("{MINIMAL}[bundle]\ntemplates = \"no-such-folder\"\n");
        let e = Config::parse(Path::new("/nonexistent/healthpress.toml"), &text).unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("does not exist"), "{}", e.message);
    }

    // An unknown key is a TOML error with its line.
    #[test]
    fn unknown_key() {
        let text = format!("conten = \"x\"\n{MINIMAL}");
        let e = Config::parse(Path::new("healthpress.toml"), &text).unwrap_err();
        assert!(e.message.contains("conten"), "{}", e.message);
    }
}
