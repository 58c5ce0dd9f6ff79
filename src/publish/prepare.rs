//! Preparing one article for the bundle: its published form (the front matter, the
//! rendered body and what was found in it, its disclaimers and media), its page, and
//! the long parts of its JSON serialised once.

use serde::Deserialize;

use crate::config::Config;
use crate::content::link::LinkTarget;
use crate::content::markdown::Body;
use crate::content::model::FrontMatter;
use crate::content::render::callout_label;
use crate::content::{Article, Disclaimers};
use crate::error::RunError;
use crate::publish::model::*;
use crate::publish::write::sha256;
use crate::publish::{json, media, page};

/// One article, ready to write.
pub(super) struct Prepared {
    pub article: PublishedArticle,
    /// The article's fields as compact JSON, serialised once (their escaping is most of
    /// the cost) for every time the file is put together.
    parts: json::Parts,
    pub page: String,
    /// The page's sha256.
    pub page_sha256: String,
}

pub(super) fn prepare(
    a: &Article,
    body: &Body,
    disclaimers: &Disclaimers,
    config: &Config,
    pages: &page::Pages,
    store: &media::MediaStore,
) -> Result<Prepared, RunError> {
    let mut front = FrontMatter::deserialize(&a.front.value).map_err(|e| {
        RunError::Content(format!(
            "{}: front matter cannot be published: {e}",
            a.name()
        ))
    })?;
    let sign_off = match front.sign_off.take() {
        Some(crate::content::model::SignOffField::SignOff(s)) => {
            Some(PublishedSignOff { by: s.by, on: s.on })
        }
        _ => None,
    };
    let none = crate::content::render::Rendered::default();
    let rendered = body.rendered.as_ref().unwrap_or(&none);
    let sections: Vec<Section> = rendered
        .sections
        .iter()
        .map(|s| Section {
            id: s.id.clone(),
            heading: s.heading.clone(),
        })
        .collect();
    let section_of = |offset: usize| -> String {
        rendered
            .sections
            .iter()
            .rev()
            .find(|s| s.range.start <= offset)
            .map(|s| s.id.clone())
            .unwrap_or_else(|| "introduction".into())
    };
    let callouts = body
        .callouts
        .iter()
        .filter_map(|c| {
            let html = rendered
                .callouts
                .iter()
                .find(|(at, _)| *at == c.range.start)?
                .1
                .clone();
            Some(PublishedCallout {
                kind: c.kind.clone(),
                label: callout_label(&c.kind).to_string(),
                html,
                text: c.text.clone(),
                section: section_of(c.range.start),
            })
        })
        .collect();
    let disclaimers = front
        .disclaimers
        .iter()
        .filter_map(|id| disclaimers.get(id))
        .map(|d| PublishedDisclaimer {
            id: d.id().unwrap_or_default().to_string(),
            title: d.str("title").unwrap_or_default().to_string(),
            html: d
                .body
                .rendered
                .as_ref()
                .map(|r| r.html.clone())
                .unwrap_or_default(),
            text: d
                .body
                .blocks
                .iter()
                .map(|b| b.text.trim())
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect::<Vec<_>>();
    let links = body
        .links
        .iter()
        .filter(|l| !l.image)
        .filter_map(|l| match l.target() {
            LinkTarget::Unsafe { .. } => None,
            LinkTarget::Article { id } => Some(PublishedLink {
                text: l.text.clone(),
                kind: LinkKind::Article,
                target: id.to_string(),
                href: crate::content::render::article_href(id),
            }),
            // A text link to media is listed as written (the page shows it without an
            // address).
            LinkTarget::Media { .. } | LinkTarget::External { .. } => Some(PublishedLink {
                text: l.text.clone(),
                kind: LinkKind::External,
                target: l.url.clone(),
                href: l.url.clone(),
            }),
        })
        .collect();
    let media = store.publish(&a.file.path, &front.media)?;
    let html = media::figures(&rendered.html, &media);
    let article = PublishedArticle {
        format: FORMAT_VERSION,
        id: front.id.clone(),
        revision: 0,
        html,
        sections,
        callouts,
        disclaimers,
        links,
        media,
        reading: crate::content::readability::scores(body),
        front_matter: front,
        sign_off,
    };
    let page = pages
        .article(&article, config)
        .map_err(|e| RunError::Usage(e.to_string()))?;
    let parts = json::Parts::of(&article);
    Ok(Prepared {
        page_sha256: sha256(page.as_bytes()),
        article,
        parts,
        page,
    })
}

impl Prepared {
    /// The article's JSON file, with its revision as it now stands.
    pub(super) fn json(&self) -> Vec<u8> {
        let mut json = self.parts.article(&self.article);
        json.push(b'\n');
        json
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    // The article file comes from one serialisation of each part; on every article of
    // the repository it must be byte for byte what serde would have written, whatever
    // the revision, or every revision would move.
    #[test]
    fn one_serialisation_gives_the_same_file() {
        let (config, corpus) = crate::publish::repo_corpus();
        let pages = page::Pages::new(&config).unwrap();
        let mut compared = 0;
        for a in &corpus.articles {
            let store = media::MediaStore::new(&config, None);
            let Ok(mut p) = prepare(a, &a.body, &corpus.disclaimers, &config, &pages, &store)
            else {
                continue;
            };
            for (revision, reading) in [(1, p.article.reading), (12, None)] {
                p.article.revision = revision;
                p.article.reading = reading;
                let mut expected = serde_json::to_string(&p.article).unwrap();
                expected.push('\n');
                let json = p.json();
                assert_eq!(String::from_utf8(json).unwrap(), expected, "{}", a.name());
            }
            compared += 1;
        }
        assert!(compared >= 10, "only {compared} articles compared");
    }
}
