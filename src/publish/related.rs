//! The titles of the published articles, for the "Related information" list of each
//! page. A build writes each page as soon as its article is checked, before the other
//! articles are parsed, so the titles are read first, from the front matter alone
//! (`content::front::head`): by the check, which reads every file before its pass and
//! hands the heads to the publisher (`check::Consumer::heads`).

use std::collections::HashMap;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::front::Head;
use crate::content::{FileKind, front};

/// Id to title of every published article under the content folder, read from disk.
/// A build takes them from the heads its check read instead (`from_heads`).
pub(super) fn titles(config: &Config) -> HashMap<String, String> {
    let Ok(files) = crate::content::discover(config) else {
        return HashMap::new();
    };
    let heads: Vec<Head> = files
        .into_par_iter()
        .filter(|(_, kind)| *kind == FileKind::Article)
        .filter_map(|(path, _)| {
            let text = std::fs::read_to_string(&path).ok()?;
            front::head(path, &text)
        })
        .collect();
    from_heads(heads)
}

/// Id to title of the published articles among `heads`.
pub(super) fn from_heads(heads: Vec<Head>) -> HashMap<String, String> {
    heads
        .into_iter()
        .filter(|h| h.status.as_deref() == Some("published"))
        .filter_map(|h| Some((h.id?, h.title?)))
        .collect()
}
