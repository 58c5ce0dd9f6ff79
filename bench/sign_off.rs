//! Signs off every article of a generated corpus in process, each by its first
//! reviewer, as `healthpress sign-off --reviewer NAME --today DATE` would. A generated
//! corpus names as many reviewers as articles, so the command line would take one call
//! (and one whole-corpus check) per article: ten minutes at 10,000 articles.
//! Used by `gen_corpus --sign-off` and by the performance guard.

use std::path::Path;

use chrono::NaiveDate;
use healthpress::config::Config;
use healthpress::content::{FileKind, Loader};
use healthpress::signoff::{self, Record};

/// Sign off every article under `root/content` on `on`; returns how many were signed.
pub(crate) fn sign_off_all(root: &Path, on: NaiveDate) -> std::io::Result<usize> {
    let config = Config::load(&root.join("healthpress.toml"))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let loader = Loader::new(&config);
    let mut signed = 0;
    let files = loader
        .discover()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    for (path, kind) in files {
        if kind != FileKind::Article {
            continue;
        }
        let a = loader.load_file(path.clone(), kind);
        let Some(by) = signoff::reviewer_names(&a).first().map(|n| n.to_string()) else {
            continue;
        };
        if let Some(hash) = signoff::clinical_hash(&a, &a.body, &by, &on.to_string()) {
            let record = Record {
                hash: &hash,
                by: &by,
                on,
            };
            std::fs::write(&path, signoff::with_sign_off(&a, &record))?;
            signed += 1;
        }
    }
    Ok(signed)
}
