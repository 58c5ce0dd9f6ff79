//! The floor: only the work that any tool doing healthpress's job cannot avoid. Read
//! every file, split the front matter, parse the YAML, validate it against the schema,
//! parse the Markdown with comrak; for a build also render the HTML and write one JSON
//! and one HTML file per article. All with rayon. healthpress is measured against this,
//! in the same run, on the same machine (bench/compare.py).
//!
//! cargo run --release --example floor -- check DIR
//! cargo run --release --example floor -- build DIR OUT

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]
// The crate denies printing outside report/ and commands/; the floor is a program, and
// its timings and errors are its output.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::{Map, Value};

/// Every `.md` file under `dir`.
pub(crate) fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
        .build()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

pub(crate) fn validator(schema_path: &Path) -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn options() -> comrak::Options<'static> {
    let mut o = comrak::Options::default();
    o.extension.strikethrough = true;
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.extension.footnotes = true;
    o.extension.ofm_callouts = true;
    o
}

fn split(text: &str) -> Option<(&str, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let end = rest.find("\n---")?;
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    Some((&rest[..end], body))
}

fn to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Value(Scalar::String(s)) => Value::String(s.to_string()),
        Yaml::Value(Scalar::Integer(i)) => Value::from(*i),
        Yaml::Value(Scalar::Boolean(b)) => Value::Bool(*b),
        Yaml::Value(Scalar::FloatingPoint(f)) => Value::from(f.into_inner()),
        Yaml::Sequence(s) => Value::Array(s.iter().map(to_json).collect()),
        Yaml::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                if let Yaml::Value(Scalar::String(k)) = k {
                    out.insert(k.to_string(), to_json(v));
                }
            }
            Value::Object(out)
        }
        _ => Value::Null,
    }
}

/// What one file yields: its front matter as JSON, the schema errors, the arena-free
/// HTML when asked for.
fn process(
    path: &Path,
    validator: &jsonschema::Validator,
    render: bool,
) -> (Value, usize, Option<String>) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let Some((yaml, body)) = split(&text) else {
        return (Value::Null, 1, None);
    };
    let front = Yaml::load_from_str(yaml)
        .ok()
        .and_then(|d| d.into_iter().next())
        .map(|d| to_json(&d))
        .unwrap_or(Value::Null);
    let errors = validator.iter_errors(&front).count();
    let arena = comrak::Arena::new();
    let options = options();
    let root = comrak::parse_document(&arena, body, &options);
    let html = render.then(|| {
        let mut s = String::new();
        let _ = comrak::format_html(root, &options, &mut s);
        s
    });
    (front, errors, html)
}

pub(crate) fn check(dir: &Path, validator: &jsonschema::Validator) -> usize {
    files(dir)
        .par_iter()
        .map(|p| process(p, validator, false).1)
        .sum()
}

pub(crate) fn build(dir: &Path, out: &Path, validator: &jsonschema::Validator) -> usize {
    std::fs::create_dir_all(out).unwrap();
    files(dir)
        .par_iter()
        .map(|p| {
            let (front, errors, html) = process(p, validator, true);
            let html = html.unwrap_or_default();
            let id = p.file_stem().unwrap().to_string_lossy();
            let json = serde_json::json!({ "front_matter": front, "html": html });
            std::fs::write(
                out.join(format!("{id}.json")),
                serde_json::to_vec_pretty(&json).unwrap(),
            )
            .unwrap();
            std::fs::write(
                out.join(format!("{id}.html")),
                format!("<!DOCTYPE html>\n<html lang=\"en\"><title>{id}</title>{html}</html>\n"),
            )
            .unwrap();
            errors
        })
        .sum()
}

/// `floor check DIR` or `floor build DIR OUT`.
pub(crate) fn main() {
    let args: Vec<String> = std::env::args().collect();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/front-matter.schema.json");
    let validator = validator(&schema);
    let errors = match args.get(1).map(String::as_str) {
        Some("check") => check(Path::new(&args[2]), &validator),
        Some("build") => build(Path::new(&args[2]), Path::new(&args[3]), &validator),
        _ => {
            eprintln!("usage: floor check DIR | floor build DIR OUT");
            std::process::exit(2);
        }
    };
    println!("{errors} schema errors");
}
