//! `healthpress sign-off`: record a clinician's review in each article's front matter.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::check::{CheckOptions, check};
use crate::error::{ExitStatus, RunError};
use crate::report;

/// Each article is judged on its own, and written only when everything about it is
/// right; the others are reported and left as they were.
pub(super) fn run(
    paths: &[PathBuf],
    reviewer: &str,
    today: chrono::NaiveDate,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    use crate::signoff::{self, Record};
    let config = super::load_config()?;
    let loader = crate::content::Loader::new(&config);
    let files = crate::check::resolve_paths(&config, &loader, paths)?;
    let files: Vec<_> = files
        .into_iter()
        .filter(|(_, kind)| *kind == crate::content::FileKind::Article)
        .collect();
    if files.is_empty() {
        return Err(RunError::Usage(
            "no articles to sign off under the given paths".into(),
        ));
    }
    // The errors a full check finds in these files; a sign-off that no longer matches
    // is what signing off fixes, so it does not count.
    let checked = check(
        &config,
        &CheckOptions {
            paths: paths.to_vec(),
            today,
            ..CheckOptions::default()
        },
    )?;
    let errors = |name: &str| -> Vec<&crate::diagnostic::Diagnostic> {
        checked
            .outcome
            .diagnostics
            .iter()
            .filter(|d| {
                &*d.file == name
                    && d.severity == crate::diagnostic::Severity::Error
                    && d.rule != "changed-since-review"
            })
            .collect()
    };
    let reviewer = reviewer.trim();
    let mut status = ExitStatus::Success;
    for (path, kind) in files {
        let article = loader.load_file(path.clone(), kind);
        let refuse = |err: &mut dyn Write, why: String| -> io::Result<()> {
            writeln!(
                err,
                "error: {}: not signed off: {why}",
                report::escape_name(article.name())
            )
        };
        let on = today.to_string();
        let hash = signoff::clinical_hash(&article, &article.body, reviewer, &on);
        let found = errors(article.name());
        let names = signoff::reviewer_names(&article);
        let why = if let Some(why) = hash
            .is_some()
            .then(|| signoff::unwritable(&article.file.text[article.front_range.clone()]))
            .flatten()
        {
            Some(why)
        } else if hash.is_none() {
            Some(
                "the file or its front matter cannot be read; `healthpress check` says why"
                    .to_string(),
            )
        } else if matches!(
            article.status(),
            None | Some(crate::content::model::Status::Draft)
        ) {
            Some("it is a draft; set `status` to `review` or `published` first".to_string())
        } else if let Some(first) = found.first() {
            let line = first.span.line;
            Some(format!(
                "it has {} error{} (first: line {line}: {} [{}]); run `healthpress check {}`",
                found.len(),
                if found.len() == 1 { "" } else { "s" },
                first.message,
                first.rule,
                article.name()
            ))
        } else if !names.contains(&reviewer) {
            Some(format!(
                "`{reviewer}` is not one of its reviewers ({})",
                if names.is_empty() {
                    "it has none".to_string()
                } else {
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))
        } else {
            article
                .date("last_reviewed")
                .filter(|d| *d > today)
                .map(|reviewed| {
                    format!(
                        "`last_reviewed` ({reviewed}) is after today ({today}); a review \
                         cannot be signed off before it happens"
                    )
                })
        };
        if let Some(why) = why {
            refuse(err, why)?;
            status = ExitStatus::Failure;
            continue;
        }
        let hash = hash.unwrap_or_default();
        let record = Record {
            hash: &hash,
            by: reviewer,
            on: today,
        };
        if article.front.value.get(signoff::FIELD) == Some(&record.value()) {
            writeln!(out, "unchanged  {}", report::escape_name(article.name()))?;
            continue;
        }
        let text = signoff::with_sign_off(&article, &record);
        if let Err(why) = signoff::verify(&article, &text, &record) {
            refuse(
                err,
                format!("its front matter cannot be rewritten safely: {why}; nothing was changed"),
            )?;
            status = ExitStatus::Failure;
            continue;
        }
        let text = if std::fs::read(&path).is_ok_and(|b| b.starts_with("\u{feff}".as_bytes())) {
            format!("\u{feff}{text}")
        } else {
            text
        };
        signoff::write_atomically(&path, &text).map_err(|e| RunError::io(&path, e))?;
        writeln!(
            out,
            "signed off {}  by {reviewer} on {today}  {}",
            report::escape_name(article.name()),
            &hash[..hash.len().min(22)]
        )?;
    }
    Ok(status)
}
