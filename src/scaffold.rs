//! `healthpress new`: a draft with every required field, the disclaimers and callouts
//! the policy requires for its topics and audience, and clearly marked placeholders,
//! so that checking it reports only `placeholder-text` until the writer fills it in.

use std::path::PathBuf;

use crate::config::{Config, suggest};
use crate::content::model::Audience;
use crate::error::RunError;

pub fn new_article(
    config: &Config,
    id: &str,
    topics: &[String],
    audience: &str,
) -> Result<PathBuf, RunError> {
    if !crate::content::model::is_valid_id(id) {
        return Err(RunError::Usage(format!(
            "`{id}` is not a valid id: use lower-case words joined by single hyphens, such as `back-pain-in-pregnancy`"
        )));
    }
    for t in topics {
        if !config.topics.contains_key(t) {
            return Err(RunError::Usage(format!(
                "topic `{t}` is not in the taxonomy of {}{}; the topics are: {}",
                crate::escape::escape_path(&config.path),
                suggest(t, config.topics.keys().map(String::as_str)),
                config
                    .topics
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let audience = Audience::parse(audience)
        .ok_or_else(|| RunError::Usage(format!("unknown audience `{audience}`")))?;
    // An id is unique across the corpus and never reused, whatever folder holds it.
    let loader = crate::content::Loader::new(config);
    if let Ok(files) = loader.discover() {
        let corpus = loader.load(files, None);
        if let Some(a) = corpus.articles.iter().find(|a| a.id() == Some(id)) {
            return Err(RunError::Usage(format!(
                "an article with the id `{id}` already exists: {}; choose another id (ids \
                 are never reused, even after an article is retired)",
                crate::escape::escape_name(a.name())
            )));
        }
    }
    let path = config.content_dir.join(&topics[0]).join(format!("{id}.md"));
    if path.exists() {
        return Err(RunError::Usage(format!(
            "{} already exists",
            path.display()
        )));
    }
    let topic_refs: Vec<&str> = topics.iter().map(String::as_str).collect();
    let mut disclaimers: Vec<&str> = Vec::new();
    let mut callouts: Vec<&str> = Vec::new();
    for r in config.requirements(Some(audience), &topic_refs) {
        for d in &r.disclaimers {
            if !disclaimers.contains(&d.as_str()) {
                disclaimers.push(d);
            }
        }
        for c in &r.callouts {
            if !callouts.contains(&c.as_str()) {
                callouts.push(c);
            }
        }
    }
    let clinician = config
        .policy
        .clinicians
        .first()
        .map(String::as_str)
        .unwrap_or("GP");
    let mut body = String::from(
        "# TODO: the title, as in the front matter\n\n\
         TODO: one or two sentences that say who this article is for and what it covers.\n\n\
         ## TODO: the first section's heading\n\n\
         TODO: write this section in plain English, with short sentences.\n",
    );
    for kind in &callouts {
        let text = match *kind {
            "CONSULT" => {
                format!("TODO: say when to get advice and whom to ask, such as your {clinician}.")
            }
            "URGENT" => {
                "TODO: list the red flags, and for each say exactly what to do and whom to call."
                    .to_string()
            }
            _ => format!("TODO: the {} text.", kind.to_lowercase()),
        };
        body.push_str(&format!("\n> [!{kind}]\n> {text}\n"));
    }
    let list = |items: &[&str]| format!("[{}]", items.join(", "));
    let text = format!(
        "---\n\
         id: {id}\n\
         title: \"TODO: the title readers see\"\n\
         summary: \"TODO: one plain sentence that says what this article covers.\"\n\
         audience: {audience}\n\
         topics: {topics}\n\
         status: draft\n\
         locale: {locale}\n\
         # Before publishing: set status: published and add last_reviewed, next_review,\n\
         # reviewers (name, credentials, role) and sources (title with url, doi or pmid),\n\
         # then run `healthpress sign-off` on this file after the clinical review.\n\
         disclaimers: {disclaimers}\n\
         ---\n{body}",
        audience = audience.as_str(),
        topics = list(&topic_refs),
        locale = config.locale,
        disclaimers = list(&disclaimers),
    );
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| RunError::io(dir, e))?;
    }
    std::fs::File::create_new(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(|e| RunError::io(&path, e))?;
    Ok(path)
}
