//! The titles of the published articles, for the "Related information" list of each
//! page. A build writes each page as soon as its article is checked, before the other
//! articles are read, so the titles are read first, from the front matter alone
//! (`content::front::head`).

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{FileKind, front};

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
    let head = front::head(path, &text)?;
    (head.status.as_deref() == Some("published")).then_some((head.id?, head.title?))
}
