//! The titles of the published articles, for the "Related information" list of each
//! page. A build writes each page as soon as its article is checked, before the other
//! articles are read, so the titles are read first, from the front matter alone: a
//! line scan of `id`, `status` and `title` where they are plain one-line values (as
//! nearly always), the YAML parser otherwise.

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{FileKind, quick_keys, split, yaml};
use crate::source::SourceFile;

/// Id to title of every published article under the content folder.
pub fn titles(config: &Config) -> HashMap<String, String> {
    let Ok(files) = crate::content::discover(config) else {
        return HashMap::new();
    };
    files
        .into_par_iter()
        .filter(|(_, kind)| *kind == FileKind::Article)
        .filter_map(|(path, _)| published_title(path))
        .collect()
}

fn published_title(path: PathBuf) -> Option<(String, String)> {
    let text = std::fs::read_to_string(&path).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let parts = split::split(text).ok()?;
    let front = &text[parts.yaml.clone()];
    if let (Some((id, status)), Some(title)) = (quick_keys(front), quick_title(front)) {
        return (status == "published").then_some((id, title));
    }
    let file = SourceFile::new(path, "".into(), text.to_string());
    let parts = split::split(&file.text).ok()?;
    let doc = yaml::load(&file, parts.yaml).ok()?;
    let get = |k: &str| doc.value.get(k).and_then(|v| v.as_str());
    (get("status") == Some("published"))
        .then(|| Some((get("id")?.to_string(), get("title")?.to_string())))
        .flatten()
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
    // Plain and simply quoted titles are read by the scan; anything else is left to
    // the YAML parser (None here).
    #[test]
    fn quick_titles() {
        let t = |y: &str| super::quick_title(y);
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
