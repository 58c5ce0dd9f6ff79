//! The JSON Schemas generated from the Rust types, compiled once per run, and the
//! mapping of every validation error back to the key or value that caused it, in
//! words an editor can act on.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::config::suggest;
use crate::content::model::{DisclaimerMatter, FrontMatter};
use crate::content::yaml::YamlDoc;
use crate::content::{Article, FileKind};

/// The schemas `healthpress schema` prints, by name (`publish::model::schema`: the
/// bundle's types live there).
pub const NAMES: &[&str] = &[
    "front-matter",
    "manifest",
    "published-article",
    "latest",
    "delta",
];

/// The schema of a type, draft 2020-12, as pretty JSON with a trailing newline.
pub fn schema_json<T: JsonSchema>() -> String {
    let schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    text.push('\n');
    text
}

pub fn schema_value<T: JsonSchema>() -> Value {
    let schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.to_value()
}

pub use crate::content::Violation;

/// The compiled validators for article and disclaimer front matter.
pub struct Validators {
    article: Validator,
    disclaimer: Validator,
}

impl Default for Validators {
    fn default() -> Self {
        Validators::new()
    }
}

impl Validators {
    pub fn new() -> Validators {
        Validators {
            article: compile(&schema_value::<FrontMatter>()),
            disclaimer: compile(&schema_value::<DisclaimerMatter>()),
        }
    }

    /// The validation stage, between loading and the rules: an article's or a
    /// disclaimer's front matter against its schema, once (the findings are kept with
    /// the article). A file whose front matter could not be read has none to validate.
    pub fn validate<'a>(&self, a: &'a Article) -> &'a [Violation] {
        if !a.has_front_matter() || a.indexed_only {
            return a.violations();
        }
        a.violations.get_or_init(|| {
            let top = a.opening_line();
            match a.kind {
                FileKind::Article => self.article(&a.front, top),
                FileKind::Disclaimer => self.disclaimer(&a.front, top),
            }
        })
    }

    /// An article's front matter against the schema, every time (`validate` keeps the
    /// findings with the article).
    pub fn article(&self, doc: &YamlDoc, fallback: Range<usize>) -> Vec<Violation> {
        let mut out = violations(&self.article, doc, &fallback);
        out.extend(review_order(doc, &fallback));
        out
    }

    pub fn disclaimer(&self, doc: &YamlDoc, fallback: Range<usize>) -> Vec<Violation> {
        violations(&self.disclaimer, doc, &fallback)
    }
}

fn compile(schema: &Value) -> Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("the generated schema compiles")
}

fn violations(validator: &Validator, doc: &YamlDoc, fallback: &Range<usize>) -> Vec<Violation> {
    // At most 100 are explained; the rest are only counted, so a million-item list of
    // wrong values costs time in proportion but no memory.
    let limit = crate::rules::MAX_PER_RULE_PER_FILE;
    // Nearly every file is valid, and asking only that is several times cheaper than
    // setting up the error iterator.
    if validator.is_valid(&doc.value) {
        return Vec::new();
    }
    let mut errors = validator.iter_errors(&doc.value);
    let mut out: Vec<Violation> = errors
        .by_ref()
        .take(limit)
        .map(|e| {
            let pointer = e.instance_path().as_str().to_string();
            let schema_path = e.schema_path().as_str().to_string();
            explain(
                doc,
                &pointer,
                &schema_path,
                e.kind(),
                e.instance(),
                fallback,
            )
        })
        .collect();
    let more = errors.count();
    if more > 0 {
        out.push(Violation {
            range: fallback.clone(),
            message: format!("{more} more schema violations in this front matter are not shown"),
            help: Some("fix the ones above and check again".into()),
        });
    }
    out
}

/// `next_review` must come after `last_reviewed`: a rule JSON Schema cannot say.
fn review_order(doc: &YamlDoc, fallback: &Range<usize>) -> Option<Violation> {
    let date = |key: &str| {
        doc.value
            .get(key)
            .and_then(Value::as_str)
            .and_then(crate::content::parse_date)
    };
    let (last, next) = (date("last_reviewed")?, date("next_review")?);
    (next <= last).then(|| Violation {
        range: value_range(doc, "/next_review", fallback),
        message: format!("`next_review` ({next}) is not after `last_reviewed` ({last})"),
        help: Some("set `next_review` to the date the next clinical review is due".into()),
    })
}

fn value_range(doc: &YamlDoc, pointer: &str, fallback: &Range<usize>) -> Range<usize> {
    doc.nearest(pointer)
        .map(|s| s.value.clone())
        .unwrap_or_else(|| fallback.clone())
}

fn key_range(doc: &YamlDoc, pointer: &str, fallback: &Range<usize>) -> Range<usize> {
    doc.key_or_value(pointer)
        .unwrap_or_else(|| fallback.clone())
}

/// A pointer as an editor reads it: `/reviewers/0/credentials` is "reviewers[0].credentials".
fn field_name(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.bytes().all(|b| b.is_ascii_digit()) && !seg.is_empty() {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    if out.is_empty() {
        "front matter".into()
    } else {
        out
    }
}

fn last_key(pointer: &str) -> &str {
    pointer.rsplit('/').next().unwrap_or("")
}

const FIELD_HELP: &[(&str, &str)] = &[
    (
        "id",
        "use lower-case words joined by single hyphens, such as `back-pain-in-pregnancy`",
    ),
    ("locale", "use a BCP 47 tag such as `en-GB`"),
    (
        "doi",
        "write the DOI without `https://doi.org/`, such as `10.1097/AOG.0000000000003772`",
    ),
    (
        "pmid",
        "write the PubMed id as a quoted string of digits, such as \"31234567\"",
    ),
    ("url", "write a full web address starting with `https://`"),
    (
        "sign_off",
        "do not edit this field by hand: run `healthpress sign-off --reviewer NAME FILE` after a \
         clinical review",
    ),
    (
        "last_reviewed",
        "write the date as YYYY-MM-DD, such as 2026-03-01",
    ),
    (
        "next_review",
        "write the date as YYYY-MM-DD, such as 2029-03-01",
    ),
    (
        "disclaimers",
        "use the id of a file in content/_disclaimers/, such as `general-medical`",
    ),
    ("related", "use the `id` of another article"),
];

fn field_help(key: &str) -> Option<String> {
    FIELD_HELP
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, h)| h.to_string())
}

fn explain(
    doc: &YamlDoc,
    pointer: &str,
    schema_path: &str,
    kind: &ValidationErrorKind,
    instance: &Value,
    fallback: &Range<usize>,
) -> Violation {
    let field = field_name(pointer);
    let key = last_key(pointer);
    let shown = short(instance);
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let name = unexpected.first().cloned().unwrap_or_default();
            let child = format!("{pointer}/{}", crate::content::yaml::escape_pointer(&name));
            let allowed = allowed_keys(pointer);
            let hint = suggest(&name, allowed.iter().map(String::as_str));
            let where_ = if pointer.is_empty() {
                String::new()
            } else {
                format!(" in {field}")
            };
            Violation {
                range: key_range(doc, &child, fallback),
                message: format!("unknown field `{name}`{where_}"),
                help: Some(if hint.is_empty() {
                    format!("the fields here are: {}", allowed.join(", "))
                } else {
                    format!("check the spelling{}", hint.replacen("; ", " (", 1) + ")")
                }),
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default().to_string();
            if pointer.is_empty() && schema_path.contains("/else/") {
                let status = doc
                    .value
                    .get("status")
                    .and_then(Value::as_str)
                    .unwrap_or("published");
                return Violation {
                    range: key_range(doc, "/status", fallback),
                    message: format!("`{name}` is required for an article with `status: {status}`"),
                    help: Some(format!(
                        "add `{name}` (review dates, reviewers and sources may be left out only while `status: draft`)"
                    )),
                };
            }
            let (range, message) = if pointer.is_empty() {
                match misspelling_of(doc, &name) {
                    Some(typo) => (
                        key_range(doc, &format!("/{typo}"), fallback),
                        format!(
                            "missing required field `{name}` (is `{typo}` a misspelling of it?)"
                        ),
                    ),
                    None => (fallback.clone(), format!("missing required field `{name}`")),
                }
            } else {
                (
                    key_range(doc, pointer, fallback),
                    format!("{field} has no `{name}`, which is required"),
                )
            };
            let help = if schema_path.contains("/then/") && name == "transcript" {
                "a video needs a text `transcript` for people who cannot hear or see it".to_string()
            } else {
                format!("add `{name}:` with a value")
            };
            Violation {
                range,
                message,
                help: Some(help),
            }
        }
        ValidationErrorKind::AnyOf { .. } if pointer == "/sign_off" => Violation {
            range: key_range(doc, pointer, fallback),
            message: "`sign_off` is not a sign-off that `healthpress sign-off` writes".into(),
            help: field_help("sign_off"),
        },
        ValidationErrorKind::AnyOf { .. } if schema_path.contains("anyOf") => Violation {
            range: key_range(doc, pointer, fallback),
            message: format!("{field} needs at least one of `url`, `doi` or `pmid`"),
            help: Some(
                "add the web address, DOI or PubMed id where readers can find the source".into(),
            ),
        },
        ValidationErrorKind::Enum { options } => {
            let opts: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            let hint = suggest(
                instance.as_str().unwrap_or_default(),
                opts.iter().map(String::as_str),
            );
            Violation {
                range: value_range(doc, pointer, fallback),
                message: format!("`{field}` is {shown}, which is not allowed"),
                help: Some(format!(
                    "use one of: {}{}",
                    opts.join(", "),
                    hint.replace("; ", " (").replace('?', "?)")
                )),
            }
        }
        ValidationErrorKind::Format { format } if format == "date" => Violation {
            range: value_range(doc, pointer, fallback),
            message: format!("`{field}` is {shown}, which is not a real date"),
            help: field_help(key).or(Some("write the date as YYYY-MM-DD".into())),
        },
        ValidationErrorKind::Format { format } => Violation {
            range: value_range(doc, pointer, fallback),
            message: format!("`{field}` is {shown}, which is not a valid {format}"),
            help: field_help(key),
        },
        ValidationErrorKind::Pattern { .. } => Violation {
            range: value_range(doc, pointer, fallback),
            message: format!("`{field}` is {shown}, which is not well formed"),
            help: field_help(parent_list_key(pointer)).or_else(|| field_help(key)),
        },
        ValidationErrorKind::MinLength { .. } if instance.as_str() == Some("") => Violation {
            range: value_range(doc, pointer, fallback),
            message: format!("`{field}` is empty"),
            help: Some(format!("write a value for `{key}`")),
        },
        ValidationErrorKind::MinLength { limit } => Violation {
            range: value_range(doc, pointer, fallback),
            message: format!("`{field}` is shorter than {limit} characters"),
            help: None,
        },
        ValidationErrorKind::MaxLength { limit } => {
            let len = instance.as_str().map(|s| s.chars().count()).unwrap_or(0);
            Violation {
                range: value_range(doc, pointer, fallback),
                message: format!("`{field}` is {len} characters long; the limit is {limit}"),
                help: Some(format!("shorten `{key}` to {limit} characters or fewer")),
            }
        }
        ValidationErrorKind::MinItems { limit } => Violation {
            range: key_range(doc, pointer, fallback),
            message: format!(
                "`{field}` needs at least {limit} {}",
                if *limit == 1 { "entry" } else { "entries" }
            ),
            help: Some(format!("add an entry to `{key}`")),
        },
        ValidationErrorKind::Type { kind } => {
            let expected = format!("{kind:?}")
                .replace("Single(", "")
                .replace("Multiple(", "")
                .replace(')', "")
                .to_lowercase();
            let expected = match expected.as_str() {
                "array" => "a list".to_string(),
                "object" => "a set of `key: value` fields".to_string(),
                "string" => "text".to_string(),
                other => format!("a {other}"),
            };
            let help = if instance.is_null() {
                format!("write a value after `{key}:` or remove the line")
            } else if key == "pmid" || parent_list_key(pointer) == "pmid" {
                field_help("pmid").unwrap_or_default()
            } else if expected == "text" {
                format!(
                    "put the value in quotes, such as {key}: \"{}\"",
                    shown.trim_matches('`')
                )
            } else {
                format!("`{key}` should be {expected}")
            };
            Violation {
                range: value_range(doc, pointer, fallback),
                message: if instance.is_null() {
                    format!("`{field}` is empty")
                } else {
                    format!("`{field}` must be {expected}, not {shown}")
                },
                help: Some(help),
            }
        }
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::Maximum { limit } => {
            Violation {
                range: value_range(doc, pointer, fallback),
                message: format!("`{field}` is {shown}, which is out of range (limit {limit})"),
                help: None,
            }
        }
        other => Violation {
            range: value_range(doc, pointer, fallback),
            message: format!("`{field}`: {}", describe_kind(other)),
            help: None,
        },
    }
}

/// A top-level key that is not a known field but is one or two edits from `name`.
fn misspelling_of(doc: &YamlDoc, name: &str) -> Option<String> {
    let known = allowed_keys("");
    doc.value
        .as_object()?
        .keys()
        .find(|k| !known.contains(k) && crate::config::edit_distance(k, name) <= 2)
        .cloned()
}

fn describe_kind(kind: &ValidationErrorKind) -> String {
    format!("{kind:?}")
}

/// `/disclaimers/2` -> `disclaimers`; anything else -> its last key.
fn parent_list_key(pointer: &str) -> &str {
    let mut segs = pointer.rsplit('/');
    let last = segs.next().unwrap_or("");
    if last.bytes().all(|b| b.is_ascii_digit()) {
        segs.next().unwrap_or(last)
    } else {
        last
    }
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    format!("`{out}`")
}

/// The fields allowed at a pointer, for "did you mean" on unknown fields: read from
/// the generated schema itself (top level, and the items of each list of objects), so
/// the hint can never drift from the types.
fn allowed_keys(pointer: &str) -> &'static [String] {
    static FIELDS: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    let fields = FIELDS.get_or_init(|| {
        let schema = schema_value::<FrontMatter>();
        let keys = |v: &Value| -> Vec<String> {
            v.get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default()
        };
        let mut out = HashMap::new();
        out.insert(String::new(), keys(&schema));
        for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
            let def = prop["items"]["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/$defs/"))
                .map(|d| &schema["$defs"][d]);
            if let Some(def) = def.filter(|d| d.get("properties").is_some()) {
                out.insert(name.clone(), keys(def));
            }
        }
        out
    });
    let parent = pointer
        .split('/')
        .rfind(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or("");
    fields
        .get(parent)
        .or_else(|| fields.get(""))
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::allowed_keys;

    // The "did you mean" vocabulary comes from the types: top level and list items.
    #[test]
    fn allowed_keys_come_from_the_schema() {
        assert_eq!(
            allowed_keys("/reviewers/0"),
            ["credentials", "name", "role"]
        );
        assert!(allowed_keys("/media/2").iter().any(|k| k == "transcript"));
        let top = allowed_keys("");
        assert!(top.iter().any(|k| k == "sign_off") && top.iter().any(|k| k == "summary"));
        assert_eq!(allowed_keys("/unknown"), top);
    }
}
