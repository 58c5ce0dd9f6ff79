//! An article's identity read from its front matter: the `id` of a parsed front matter
//! (`id`, which `Article::id` reads), and, without parsing the whole file, the `id`,
//! `status` and `title` that the index of files outside a run's reports and the
//! related-article titles of a build need (`head`, from the lines where they are
//! certain, as in nearly every article, by the YAML parser otherwise), and the id a file
//! whose front matter cannot be parsed seems to carry (`loose_id`). Whether an id is
//! well formed is `model::is_valid_id`.

use std::path::PathBuf;

use serde_json::Value;

use crate::content::{split, yaml};
use crate::source::SourceFile;

/// The `id` of a parsed front matter, when it is a string.
pub fn id(front: &Value) -> Option<&str> {
    front.get("id").and_then(Value::as_str)
}

/// What a build reads of every article before checking any: its `id`, `status` and
/// `title`, when they are strings.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Head {
    pub id: Option<String>,
    pub status: Option<String>,
    pub title: Option<String>,
}

/// The `Head` of a file's text (the file at `path`), from the lines of its front matter
/// when they are plain, else from the YAML parse; None when it has no front matter that
/// parses.
pub fn head(path: PathBuf, text: &str) -> Option<Head> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let parts = split::split(text).ok()?;
    let front = &text[parts.yaml.clone()];
    if let (Some((id, status)), Some(title)) = (quick_keys(front), quick_title(front)) {
        return Some(Head {
            id: Some(id),
            status: Some(status),
            title: Some(title),
        });
    }
    let file = SourceFile::new(path, "".into(), text.to_string());
    let parts = split::split(&file.text).ok()?;
    let doc = yaml::load(&file, parts.yaml).ok()?;
    let get = |k: &str| doc.value.get(k).and_then(Value::as_str).map(str::to_string);
    Some(Head {
        id: id(&doc.value).map(str::to_string),
        status: get("status"),
        title: get("title"),
    })
}

/// The value of the first top-level `id:` line of a front matter's text, unquoted: the
/// id a file whose front matter cannot be parsed seems to carry. Only to say what such
/// a file affects; never an id of the corpus.
pub fn loose_id(yaml: &str) -> Option<&str> {
    yaml.lines()
        .find_map(|l| l.strip_prefix("id:"))
        .map(|v| v.trim().trim_matches(['"', '\'']))
}

/// `id` and `status` read from the lines of a front matter that is a block mapping
/// with both as plain or simply quoted one-line strings at the top level, as nearly
/// every article has them. None when anything is unusual (a flow mapping, a tag or
/// anchor at the top level, a repeated key, a value YAML would read as something other
/// than that string): the caller then parses the YAML.
pub fn quick_keys(yaml: &str) -> Option<(String, String)> {
    let mut id = None;
    let mut status = None;
    for line in yaml.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match line.bytes().next() {
            None | Some(b' ' | b'\t' | b'#') => continue,
            Some(b'-') if line == "-" || line.starts_with("- ") => continue,
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {}
            Some(_) => return None,
        }
        let (key, value) = line.split_once(':')?;
        if !key
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        {
            return None;
        }
        // A quoted value that does not end on its line goes on at the start of the next,
        // where a line could look like a key.
        let v = value.trim_matches([' ', '\t']);
        if let Some(q) = v.chars().next().filter(|c| matches!(c, '"' | '\''))
            && (v.len() < 2 || !v.ends_with(q))
        {
            return None;
        }
        let slot = match key {
            "id" => &mut id,
            "status" => &mut status,
            _ => continue,
        };
        if slot.is_some() {
            return None;
        }
        *slot = Some(simple_string(value)?);
    }
    Some((id?, status?))
}

/// A one-line YAML scalar that is certainly the string it shows: plain, starting with
/// a letter, of letters, digits and `-_.`, and not a YAML 1.2 boolean or null; or the
/// same characters quoted.
fn simple_string(value: &str) -> Option<String> {
    let v = value.trim_matches([' ', '\t']);
    let (inner, quoted) = match v.as_bytes() {
        [b'"', .., b'"'] | [b'\'', .., b'\''] if v.len() >= 2 => (&v[1..v.len() - 1], true),
        _ => (v, false),
    };
    let plain_chars = inner
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'));
    let starts = inner
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic());
    let special = ["true", "false", "null"]
        .iter()
        .any(|s| inner.eq_ignore_ascii_case(s));
    (plain_chars && (quoted || (starts && !special))).then(|| inner.to_string())
}

/// `title` when it is one plain or simply quoted line at the top level, once.
fn quick_title(yaml: &str) -> Option<String> {
    let mut found = None;
    for line in yaml.lines() {
        let Some(value) = line.strip_prefix("title:") else {
            continue;
        };
        if found.is_some() {
            return None;
        }
        let v = value.trim_matches([' ', '\t', '\r']);
        let title = match v.as_bytes() {
            [b'"', inner @ .., b'"'] if !inner.contains(&b'\\') && !inner.contains(&b'"') => {
                std::str::from_utf8(inner).ok()?.to_string()
            }
            [b'\'', inner @ .., b'\''] => {
                let inner = std::str::from_utf8(inner).ok()?;
                if inner.replace("''", "").contains('\'') {
                    return None;
                }
                inner.replace("''", "'")
            }
            [first, ..]
                if !b"\"'|>&*!%@`#{[-?:,".contains(first)
                    && !v.contains(" #")
                    && !v.contains(": ") =>
            {
                v.to_string()
            }
            _ => return None,
        };
        found = Some(title);
    }
    found.filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::{quick_keys, quick_title};

    fn keys(yaml: &str) -> Option<(String, String)> {
        quick_keys(yaml)
    }

    // The common shape is read from its lines; anything YAML could read differently is
    // left to the parser (None).
    #[test]
    fn quick_keys_reads_only_what_is_certain() {
        let ok = |y: &str, id: &str, status: &str| {
            assert_eq!(keys(y), Some((id.into(), status.into())), "{y}");
        };
        ok("id: a-b\ntitle: T\nstatus: published\n", "a-b", "published");
        ok("# c\nid: 'a-b'\r\nstatus: \"draft\"\r\n", "a-b", "draft");
        ok("topics:\n- x\n- y\nid: a\nstatus: draft\n", "a", "draft");
        ok(
            "summary: |\n  id: wrong\nid: a\nstatus: draft\n",
            "a",
            "draft",
        );
        for y in [
            "{id: a, status: draft}\n",
            "id: a\nid: b\nstatus: draft\n",
            "id: &x a\nstatus: draft\n",
            "id: !!str a\nstatus: draft\n",
            "id: a # note\nstatus: draft\n",
            "id: 123\nstatus: draft\n",
            "id: true\nstatus: draft\n",
            "id: Null\nstatus: draft\n",
            "id: a\n",
            "status: draft\n",
            "? id\n: a\nstatus: draft\n",
            "\"id\": a\nstatus: draft\n",
            "title: \"two\nid: b\"\nid: a\nstatus: draft\n",
            "id:\n  a\nstatus: draft\n",
            "%YAML 1.2\nid: a\nstatus: draft\n",
        ] {
            assert_eq!(keys(y), None, "{y}");
        }
    }

    // Plain and simply quoted titles are read by the scan; anything else is left to
    // the YAML parser (None here).
    #[test]
    fn quick_titles() {
        let t = |y: &str| quick_title(y);
        assert_eq!(t("id: a\ntitle: Back pain\n").as_deref(), Some("Back pain"));
        assert_eq!(t("title: \"Back: pain\"\n").as_deref(), Some("Back: pain"));
        assert_eq!(t("title: 'It''s fine'\n").as_deref(), Some("It's fine"));
        for odd in [
            "title: \"a \\\" b\"\n",
            "title: >\n  folded\n",
            "title: a # comment\n",
            "title: [a]\n",
            "title: a\ntitle: b\n",
            "id: a\n",
            "title: a: b\n",
        ] {
            assert_eq!(t(odd), None, "{odd}");
        }
    }
}
