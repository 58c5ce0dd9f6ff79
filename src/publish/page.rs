//! Article pages and the index, rendered with templates a team can override: a file
//! of the same name in `bundle.templates` replaces the default that ships. A team's
//! template goes through minijinja; the built-in ones through the Rust that `build.rs`
//! compiles from them (`compiled`), with the same variables.

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::content::model::FrontMatter;
use crate::publish::compiled::{self, Safe};
use crate::publish::model::{ManifestArticle, PublishedArticle};

const ARTICLE: &str = include_str!("../../templates/article.html");
const INDEX: &str = include_str!("../../templates/index.html");
const STYLE: &str = include_str!("../../templates/style.css");

/// The compiled templates and the style sheet of one run.
pub struct Pages {
    env: Environment<'static>,
    /// The style sheet and the policy as template values, made once: a clone shares
    /// the text rather than copying it into every page's context.
    css: Value,
    csp: Value,
    css_text: String,
    csp_text: String,
    /// Whether the built-in `article.html` and `index.html` are in use (no team's own
    /// template of that name): those pages are written by their compiled code.
    builtin_article: bool,
    builtin_index: bool,
    /// Id to title of each published article, for the pages' related lists.
    pub titles: std::collections::HashMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
#[error("template {name}: {message}")]
pub struct TemplateError {
    pub name: String,
    pub message: String,
}

impl Pages {
    pub fn new(config: &Config) -> Result<Pages, TemplateError> {
        let dir = config.templates.as_deref();
        let own = |name: &str| dir.map(|d| d.join(name)).filter(|p| p.is_file());
        let load = |name: &str, default: &str| -> Result<String, TemplateError> {
            match own(name) {
                Some(p) => std::fs::read_to_string(&p).map_err(|e| TemplateError {
                    name: p.display().to_string(),
                    message: e.to_string(),
                }),
                None => Ok(default.to_string()),
            }
        };
        let mut env = Environment::new();
        for (name, default) in [("article.html", ARTICLE), ("index.html", INDEX)] {
            let source = load(name, default)?;
            env.add_template_owned(name.to_string(), source)
                .map_err(|e| TemplateError {
                    name: name.into(),
                    message: e.to_string(),
                })?;
        }
        let css = load("style.css", STYLE)?;
        let csp = policy(&css, &[]);
        Ok(Pages {
            env,
            css: Value::from(css.clone()),
            csp: Value::from_safe_string(csp.clone()),
            css_text: css,
            csp_text: csp,
            builtin_article: own("article.html").is_none(),
            builtin_index: own("index.html").is_none(),
            titles: Default::default(),
        })
    }

    /// These pages with every template through the engine, built-in ones included:
    /// what the compiled templates are held to.
    #[cfg(test)]
    pub(super) fn engine_only(mut self) -> Pages {
        self.builtin_article = false;
        self.builtin_index = false;
        self
    }

    pub fn article(
        &self,
        article: &PublishedArticle,
        config: &Config,
    ) -> Result<String, TemplateError> {
        let fm = &article.front_matter;
        let lang = fm.locale.clone().unwrap_or_else(|| config.locale.clone());
        let page = ArticlePage {
            lang: lang.clone(),
            id: &article.id,
            title: &fm.title,
            summary: &fm.summary,
            body_html: &article.html,
            last_reviewed: fm.last_reviewed.map(long_date).unwrap_or_default(),
            last_reviewed_iso: fm.last_reviewed.map(|d| d.to_string()).unwrap_or_default(),
            next_review: fm.next_review.map(long_date).unwrap_or_default(),
            next_review_iso: fm.next_review.map(|d| d.to_string()).unwrap_or_default(),
            signed_off_by: article.sign_off.as_ref().map_or("", |s| s.by.as_str()),
            signed_off_on: article
                .sign_off
                .as_ref()
                .map(|s| long_date(s.on))
                .unwrap_or_default(),
            signed_off_on_iso: article
                .sign_off
                .as_ref()
                .map(|s| s.on.to_string())
                .unwrap_or_default(),
            reviewers: fm
                .reviewers
                .iter()
                .map(|r| Reviewer {
                    name: &r.name,
                    credentials: &r.credentials,
                    role: &r.role,
                })
                .collect(),
            sources: fm
                .sources
                .iter()
                .map(|s| SourceView {
                    title: &s.title,
                    href: source_href(s),
                    publisher: s.publisher.as_deref(),
                    year: s.year,
                })
                .collect(),
            topics: topics(fm, config),
            disclaimers: article
                .disclaimers
                .iter()
                .map(|d| DisclaimerView {
                    id: &d.id,
                    title: &d.title,
                    html: &d.html,
                    // Not "About this information" twice in a row.
                    show_title: !d.title.trim().eq_ignore_ascii_case(DISCLAIMERS_HEADING),
                })
                .collect(),
            related: fm
                .related
                .iter()
                .filter(|id| **id != article.id)
                .filter_map(|id| {
                    Some(RelatedView {
                        href: format!("{id}.html"),
                        title: self.titles.get(id)?,
                    })
                })
                .collect(),
        };
        // Remote media (only from origins the configuration allows) widen the policy
        // by exactly the origins this page's media come from.
        let mut origins: Vec<String> = article
            .media
            .iter()
            .filter(|m| m.file.is_none())
            .filter_map(|m| crate::media::https_origin(&m.href))
            .collect();
        origins.sort();
        origins.dedup();
        let own_csp;
        let csp = if origins.is_empty() {
            &self.csp_text
        } else {
            own_csp = policy(&self.css_text, &origins);
            &own_csp
        };
        let jsonld = json_ld(fm, &lang, config);
        if self.builtin_article {
            let out =
                compiled::article(&page, &jsonld, &self.css_text, Safe(csp), Safe(INDEX_HREF));
            return Ok(clean(end_with_newline(out)));
        }
        let csp = if origins.is_empty() {
            self.csp.clone()
        } else {
            Value::from_safe_string(csp.to_string())
        };
        self.render(
            "article.html",
            context! { page => Value::from(Serde(&page)), jsonld, css => self.css.clone(), csp, index_href => Value::from_safe_string(INDEX_HREF.into()) },
        )
        .map(clean)
    }

    pub fn index(
        &self,
        articles: &[&ManifestArticle],
        config: &Config,
    ) -> Result<String, TemplateError> {
        let topics: Vec<TopicView<'_>> = config
            .topics
            .iter()
            .filter_map(|(id, label)| {
                let list: Vec<IndexEntry<'_>> = articles
                    .iter()
                    .filter(|a| a.topics.contains(id))
                    .map(|a| IndexEntry {
                        href: format!("articles/{}.html", a.id),
                        title: &a.title,
                        summary: &a.summary,
                    })
                    .collect();
                (!list.is_empty()).then_some(TopicView {
                    id,
                    label,
                    articles: list,
                })
            })
            .collect();
        let title = "Health information";
        if self.builtin_index {
            let out = compiled::index(
                &config.locale,
                title,
                &topics,
                &self.css_text,
                Safe(&self.csp_text),
            );
            return Ok(clean(end_with_newline(out)));
        }
        self.render(
            "index.html",
            context! { lang => &config.locale, title, topics => Value::from(Serde(&topics)), css => self.css.clone(), csp => self.csp.clone() },
        )
        .map(clean)
    }

    fn render(&self, name: &str, ctx: Value) -> Result<String, TemplateError> {
        let err = |e: minijinja::Error| TemplateError {
            name: name.into(),
            message: e.to_string(),
        };
        let out = self
            .env
            .get_template(name)
            .map_err(err)?
            .render(ctx)
            .map_err(err)?;
        Ok(end_with_newline(out))
    }
}

/// Where an article page's link to the index goes.
const INDEX_HREF: &str = "../index.html";

/// A page ends with a newline, which a template's last line loses (minijinja drops a
/// template's final newline).
fn end_with_newline(mut page: String) -> String {
    if !page.ends_with('\n') {
        page.push('\n');
    }
    page
}

#[derive(Serialize)]
pub(super) struct ArticlePage<'a> {
    pub(super) lang: String,
    pub(super) id: &'a str,
    pub(super) title: &'a str,
    pub(super) summary: &'a str,
    pub(super) body_html: &'a str,
    pub(super) last_reviewed: String,
    pub(super) last_reviewed_iso: String,
    pub(super) next_review: String,
    pub(super) next_review_iso: String,
    pub(super) reviewers: Vec<Reviewer<'a>>,
    /// Who signed off the clinical content, and when (empty when nobody has).
    pub(super) signed_off_by: &'a str,
    pub(super) signed_off_on: String,
    pub(super) signed_off_on_iso: String,
    pub(super) sources: Vec<SourceView<'a>>,
    pub(super) topics: Vec<TopicLabel<'a>>,
    pub(super) disclaimers: Vec<DisclaimerView<'a>>,
    pub(super) related: Vec<RelatedView<'a>>,
}

#[derive(Serialize)]
pub(super) struct RelatedView<'a> {
    pub(super) href: String,
    pub(super) title: &'a str,
}

#[derive(Serialize)]
pub(super) struct Reviewer<'a> {
    pub(super) name: &'a str,
    pub(super) credentials: &'a str,
    pub(super) role: &'a str,
}

#[derive(Serialize)]
pub(super) struct SourceView<'a> {
    pub(super) title: &'a str,
    pub(super) href: Option<String>,
    pub(super) publisher: Option<&'a str>,
    pub(super) year: Option<u16>,
}

#[derive(Serialize)]
pub(super) struct TopicLabel<'a> {
    pub(super) id: &'a str,
    pub(super) label: &'a str,
}

#[derive(Serialize)]
pub(super) struct DisclaimerView<'a> {
    pub(super) id: &'a str,
    pub(super) title: &'a str,
    pub(super) html: &'a str,
    pub(super) show_title: bool,
}

#[derive(Serialize)]
pub(super) struct TopicView<'a> {
    pub(super) id: &'a str,
    pub(super) label: &'a str,
    pub(super) articles: Vec<IndexEntry<'a>>,
}

#[derive(Serialize)]
pub(super) struct IndexEntry<'a> {
    pub(super) href: String,
    pub(super) title: &'a str,
    pub(super) summary: &'a str,
}

fn topics<'a>(fm: &'a FrontMatter, config: &'a Config) -> Vec<TopicLabel<'a>> {
    fm.topics
        .iter()
        .map(|t| TopicLabel {
            id: t,
            label: config.topics.get(t).map(String::as_str).unwrap_or(t),
        })
        .collect()
}

/// Where a reader can find a source: its URL, else its DOI or PubMed page.
pub fn source_href(s: &crate::content::model::SourceRef) -> Option<String> {
    s.url
        .clone()
        .or_else(|| s.doi.as_ref().map(|d| format!("https://doi.org/{d}")))
        .or_else(|| {
            s.pmid
                .as_ref()
                .map(|p| format!("https://pubmed.ncbi.nlm.nih.gov/{p}/"))
        })
}

/// The heading of the page's disclaimers.
const DISCLAIMERS_HEADING: &str = "About this information";

/// The page's Content-Security-Policy: its own style sheet (by hash), images and
/// videos from the bundle and from `origins`, and nothing else: no scripts (JSON-LD is
/// data, not run), no other requests, no forms. `frame-ancestors` has no effect in a
/// `<meta>` policy (browsers ignore it there and log a warning): a host that serves the
/// pages sends it as an HTTP header.
fn policy(css: &str, origins: &[String]) -> String {
    let style_hash = base64(&Sha256::digest(css.as_bytes()));
    let mut extra = String::new();
    for o in origins {
        extra.push(' ');
        extra.push_str(o);
    }
    format!(
        "default-src 'none'; style-src 'sha256-{style_hash}'; img-src 'self'{extra}; \
         media-src 'self'{extra}; base-uri 'none'; form-action 'none'"
    )
}

/// A page without the characters HTML forbids: C0 controls other than white space,
/// DEL, C1 controls and Unicode noncharacters (a title or alt text can carry them
/// through YAML escapes such as `"\u0007"`). Pages have none almost always: looked
/// for first, copied only when found.
fn clean(page: String) -> String {
    if !has_forbidden(&page) {
        return page;
    }
    page.chars().filter(|&c| !forbidden(c)).collect()
}

fn forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
        || ('\u{fdd0}'..='\u{fdef}').contains(&c)
        || (c as u32 & 0xfffe) == 0xfffe
}

/// `s.chars().any(forbidden)`, read from the UTF-8 bytes: each page is scanned once,
/// and decoding every character of every page took a twentieth of a build. Eight bytes
/// at a time are passed over while all are printable ASCII or line breaks and tabs
/// (most of a page: `scan::skip_plain`); a table
/// finds among the others the few bytes that can start a forbidden character, and each
/// is then read exactly. Only lead bytes are in the table (continuation bytes are 0x80
/// to 0xbf), so a match is a character.
fn has_forbidden(s: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = ONES * 0x7f;
    const HIGH: u64 = ONES * 0x80;
    // Per byte and exact (no carry crosses a byte): the top bit of each byte below `n`,
    // and of each byte equal to `c`.
    let below = |x: u64, n: u64| !(((x & LOW7) + ONES * (0x80 - n)) | x) & HIGH;
    let equal = |x: u64, c: u8| {
        let y = x ^ (ONES * u64::from(c));
        !(((y & LOW7) + LOW7) | y) & HIGH
    };
    // Whether any byte of `w` is a control other than a tab, line feed or carriage
    // return (which every page is full of), or above 0x7e.
    let unusual = |w: u64| {
        let controls = below(w, 0x20) & !equal(w, b'\n') & !equal(w, b'\t') & !equal(w, b'\r');
        (controls | ((w.wrapping_add(ONES) | w) & HIGH)) != 0
    };
    static LEAD: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = matches!(i, 0x00..=0x08 | 0x0b | 0x0e..=0x1f | 0x7f | 0xc2 | 0xef | 0xf0..=0xf4);
            i += 1;
        }
        t
    };
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        i = super::scan::skip_plain(b, i, |w| !unusual(w));
        if i >= b.len() {
            break;
        }
        if !LEAD[usize::from(b[i])] {
            i += 1;
            continue;
        }
        let found = match b[i] {
            // C1 controls, U+0080 to U+009F.
            0xc2 => matches!(b.get(i + 1), Some(0x80..=0x9f)),
            // U+FDD0 to U+FDEF, and U+FFFE and U+FFFF.
            0xef => matches!(
                (b.get(i + 1), b.get(i + 2)),
                (Some(0xb7), Some(0x90..=0xaf)) | (Some(0xbf), Some(0xbe | 0xbf))
            ),
            // U+nFFFE and U+nFFFF of the other planes: the low 16 bits all ones but the
            // last.
            0xf0..=0xf4 => matches!(
                (b.get(i + 1), b.get(i + 2), b.get(i + 3)),
                (Some(x), Some(0xbf), Some(0xbe | 0xbf)) if x & 0x0f == 0x0f
            ),
            // The C0 controls other than white space, and DEL.
            _ => true,
        };
        if found {
            return true;
        }
        i += 1;
    }
    false
}

/// `6 December 2026` (chrono's `%-d %B %Y`, without parsing the format for each of the
/// three dates of every page).
fn long_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match d.year() {
        year @ 0..=9999 => format!("{} {} {year:04}", d.day(), MONTHS[d.month0() as usize]),
        // chrono signs the years outside 0 to 9999.
        _ => d.format("%-d %B %Y").to_string(),
    }
}

/// schema.org MedicalWebPage, serialised so that it cannot end its `<script>` element:
/// `<`, `>` and `&` are written as JSON escapes, which a JSON parser reads back as is.
/// Typed rather than built as a `serde_json::Value`, with each object's keys declared
/// in the byte order a `Value`'s map sorts them in, so the text is the same as before
/// (a change would count as a new revision of every page) without a map per object.
fn json_ld(fm: &FrontMatter, lang: &str, config: &Config) -> String {
    #[derive(Serialize)]
    struct Page<'a> {
        #[serde(rename = "@context")]
        context: &'a str,
        #[serde(rename = "@type")]
        kind: &'a str,
        about: Vec<Named<'a>>,
        citation: Vec<Citation<'a>>,
        description: &'a str,
        #[serde(rename = "inLanguage")]
        in_language: &'a str,
        #[serde(rename = "lastReviewed")]
        last_reviewed: Option<String>,
        #[serde(rename = "medicalAudience")]
        medical_audience: Audience<'a>,
        name: &'a str,
        #[serde(rename = "reviewedBy")]
        reviewed_by: Vec<Person<'a>>,
    }
    #[derive(Serialize)]
    struct Named<'a> {
        #[serde(rename = "@type")]
        kind: &'a str,
        name: &'a str,
    }
    #[derive(Serialize)]
    struct Citation<'a> {
        #[serde(rename = "@type")]
        kind: &'a str,
        name: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        publisher: Option<Named<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    }
    #[derive(Serialize)]
    struct Audience<'a> {
        #[serde(rename = "@type")]
        kind: &'a str,
        #[serde(rename = "audienceType")]
        audience_type: &'a str,
    }
    #[derive(Serialize)]
    struct Person<'a> {
        #[serde(rename = "@type")]
        kind: &'a str,
        #[serde(rename = "hasCredential")]
        has_credential: &'a str,
        #[serde(rename = "jobTitle")]
        job_title: &'a str,
        name: &'a str,
    }
    let audience = match fm.audience {
        crate::content::model::Audience::Patient => "Patient",
        crate::content::model::Audience::Caregiver => "Caregiver",
        crate::content::model::Audience::Professional => "Clinician",
    };
    let page = Page {
        context: "https://schema.org",
        kind: "MedicalWebPage",
        about: fm
            .topics
            .iter()
            .map(|t| Named {
                kind: "Thing",
                name: config.topics.get(t).map_or(t.as_str(), String::as_str),
            })
            .collect(),
        citation: fm
            .sources
            .iter()
            .map(|s| Citation {
                kind: "CreativeWork",
                name: &s.title,
                publisher: s.publisher.as_deref().map(|p| Named {
                    kind: "Organization",
                    name: p,
                }),
                url: source_href(s),
            })
            .collect(),
        description: &fm.summary,
        in_language: lang,
        last_reviewed: fm.last_reviewed.map(|d| d.to_string()),
        medical_audience: Audience {
            kind: "MedicalAudience",
            audience_type: audience,
        },
        name: &fm.title,
        reviewed_by: fm
            .reviewers
            .iter()
            .map(|r| Person {
                kind: "Person",
                has_credential: &r.credentials,
                job_title: &r.role,
                name: &r.name,
            })
            .collect(),
    };
    script_safe(serde_json::to_string(&page).expect("JSON serialises"))
}

/// JSON text safe inside an HTML `<script>` element.
fn script_safe(json: String) -> String {
    let unsafe_char = ['<', '>', '&', '\u{2028}', '\u{2029}'];
    if !json.contains(unsafe_char) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 32);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    // The built-in pages written by their compiled code are what the engine writes
    // from the same templates: every article of the repository, the same with markup
    // characters in every field, with no disclaimers, sources or reviewers, with
    // sources that lack an address, publisher or year, as a draft with no review
    // dates, and with several topics; and the index, of the repository and of entries
    // with markup characters.
    #[test]
    fn builtin_pages_match_the_templates() {
        use crate::publish::model::{FileRef, ManifestArticle, PublishedArticle};
        let (config, corpus) = crate::publish::repo_corpus();
        let mut direct = Pages::new(&config).unwrap();
        assert!(direct.builtin_article && direct.builtin_index);
        let mut engine = Pages::new(&config).unwrap().engine_only();
        // Related articles by their titles, one of them with markup characters.
        let mut titles = super::super::related::titles(&config);
        assert!(titles.len() >= 10);
        titles.insert(
            "sleeping-positions-in-pregnancy".into(),
            "<b>&amp; \"quoted\"</b>".into(),
        );
        direct.titles = titles.clone();
        engine.titles = titles;
        let mut articles: Vec<PublishedArticle> = corpus
            .articles
            .iter()
            .filter_map(|a| {
                let store = super::super::media::MediaStore::new(&config, None);
                super::super::prepare::prepare(
                    a,
                    &a.body,
                    &corpus.disclaimers,
                    &config,
                    &engine,
                    &store,
                )
                .ok()
            })
            .map(|p| p.article)
            .collect();
        assert!(articles.len() >= 10, "only {} articles", articles.len());
        let marked = "<b>&amp; \"quoted\" 'single' a/b</b>";
        let mut odd = articles[0].clone();
        let fm = &mut odd.front_matter;
        fm.title = format!("Title {marked}");
        fm.summary = format!("Summary {marked}");
        fm.locale = Some("en-\"GB\"".into());
        fm.topics.push("pregnancy".into());
        fm.topics.push("not-a-topic-<x>".into());
        fm.related = vec![
            "sleeping-positions-in-pregnancy".into(),
            "no-such-article".into(),
        ];
        for r in &mut fm.reviewers {
            r.name = format!("Dr {marked}");
            r.role = "GP/partner".into();
        }
        let first = fm.sources[0].clone();
        fm.sources = vec![
            crate::content::model::SourceRef {
                title: format!("Only a title {marked}"),
                url: None,
                doi: None,
                pmid: Some("12345".into()),
                publisher: None,
                year: None,
            },
            crate::content::model::SourceRef {
                url: Some("https://example.org/a?b=1&c=\"2\"".into()),
                publisher: Some(marked.into()),
                year: Some(1999),
                ..first
            },
        ];
        articles.push(odd.clone());
        let mut bare = odd.clone();
        bare.disclaimers.clear();
        bare.front_matter.sources.clear();
        bare.front_matter.reviewers.clear();
        bare.front_matter.last_reviewed = None;
        bare.front_matter.next_review = None;
        articles.push(bare);
        for a in &articles {
            assert_eq!(
                direct.article(a, &config).unwrap(),
                engine.article(a, &config).unwrap(),
                "{}",
                a.id
            );
        }
        let file = FileRef {
            path: "x".into(),
            sha256: String::new(),
            bytes: 0,
        };
        let mut entries: Vec<ManifestArticle> = articles
            .iter()
            .map(|a| ManifestArticle {
                id: a.id.clone(),
                title: a.front_matter.title.clone(),
                summary: a.front_matter.summary.clone(),
                locale: "en-GB".into(),
                audience: "patient".into(),
                topics: a.front_matter.topics.clone(),
                revision: 1,
                last_reviewed: String::new(),
                next_review: String::new(),
                json: file.clone(),
                html: file.clone(),
            })
            .collect();
        entries.push(ManifestArticle {
            id: "a-b".into(),
            title: marked.into(),
            summary: marked.into(),
            topics: vec!["musculoskeletal".into()],
            ..entries[0].clone()
        });
        for list in [&entries[..], &entries[..0]] {
            let refs: Vec<&ManifestArticle> = list.iter().collect();
            assert_eq!(
                direct.index(&refs, &config).unwrap(),
                engine.index(&refs, &config).unwrap()
            );
        }
    }

    // A title containing </script> cannot leave the JSON-LD element.
    #[test]
    fn json_ld_cannot_break_out() {
        let s = script_safe(
            serde_json::json!({"name": "</script><script>alert(1)</script>\u{2028}"}).to_string(),
        );
        assert!(!s.contains("</script"));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>\u{2028}");
        assert!(!s.contains('\u{2028}'));
    }

    /// JSON-LD as it was built before `json_ld` was typed: a `serde_json::Value`.
    fn json_ld_value(fm: &FrontMatter, lang: &str, config: &Config) -> serde_json::Value {
        let audience = match fm.audience {
            crate::content::model::Audience::Patient => "Patient",
            crate::content::model::Audience::Caregiver => "Caregiver",
            crate::content::model::Audience::Professional => "Clinician",
        };
        serde_json::json!({
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "name": fm.title,
            "description": fm.summary,
            "inLanguage": lang,
            "lastReviewed": fm.last_reviewed.map(|d| d.to_string()),
            "reviewedBy": fm.reviewers.iter().map(|r| serde_json::json!({
                "@type": "Person",
                "name": r.name,
                "jobTitle": r.role,
                "hasCredential": r.credentials,
            })).collect::<Vec<_>>(),
            "medicalAudience": { "@type": "MedicalAudience", "audienceType": audience },
            "about": fm.topics.iter().map(|t| serde_json::json!({
                "@type": "Thing",
                "name": config.topics.get(t).cloned().unwrap_or_else(|| t.clone()),
            })).collect::<Vec<_>>(),
            "citation": fm.sources.iter().map(|s| {
                let mut c = serde_json::json!({ "@type": "CreativeWork", "name": s.title });
                if let Some(href) = source_href(s) { c["url"] = href.into(); }
                if let Some(p) = &s.publisher { c["publisher"] = serde_json::json!({"@type": "Organization", "name": p}); }
                c
            }).collect::<Vec<_>>(),
        })
    }

    // The typed JSON-LD is the text the Value gave, on every repo article and on one
    // with no review date, no publisher, a DOI-only source and an unknown topic: a
    // difference would make every page a new revision.
    #[test]
    fn json_ld_text_is_unchanged() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = Config::load(&root.join("healthpress.toml")).unwrap();
        let loader = crate::content::Loader::new(&config);
        let corpus = loader.load(loader.discover().unwrap(), None);
        let mut fronts: Vec<FrontMatter> = corpus
            .articles
            .iter()
            .filter_map(|a| FrontMatter::deserialize(&a.front.value).ok())
            .collect();
        assert!(fronts.len() >= 10, "only {} articles", fronts.len());
        let mut odd = fronts[0].clone();
        odd.last_reviewed = None;
        odd.topics.push("not-a-topic".into());
        for s in &mut odd.sources {
            s.publisher = None;
            s.url = None;
            s.doi = Some("10.1000/xyz<&>".into());
        }
        fronts.push(odd);
        for fm in &fronts {
            let expected = script_safe(json_ld_value(fm, "en-GB", &config).to_string());
            assert_eq!(json_ld(fm, "en-GB", &config), expected, "{}", fm.id);
        }
    }

    // Long dates read as chrono's `%-d %B %Y` writes them, every month and a year
    // before 1000 included.
    #[test]
    fn long_dates_match_chrono() {
        let mut d = chrono::NaiveDate::from_ymd_opt(999, 1, 1).unwrap();
        for _ in 0..400 {
            assert_eq!(long_date(d), d.format("%-d %B %Y").to_string());
            d += chrono::Duration::days(37);
        }
        assert_eq!(
            long_date(chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()),
            "6 December 2026"
        );
    }

    // Standard base64, with padding (the CSP hash form).
    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b"hello"), "aGVsbG8=");
        assert_eq!(base64(b"hi!"), "aGkh");
        assert_eq!(base64(b"a"), "YQ==");
    }
}

// The byte scan for forbidden characters finds exactly what decoding each
// character does, on text mixing every kind of character near the boundaries.
#[cfg(test)]
mod forbidden_scan {
    use super::{forbidden, has_forbidden};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(crate::proptest_cases(2000))]
        #[test]
        fn forbidden_bytes_match_forbidden_chars(
            text in proptest::collection::vec(
                proptest::prop_oneof![
                    // Runs of printable ASCII, which the scan passes over eight bytes
                    // at a time, with the others anywhere among them.
                    12 => proptest::char::range(' ', '~'),
                    1 => proptest::char::range('\u{0}', '\u{ff}'),
                    1 => proptest::char::range('\u{fdc0}', '\u{fdff}'),
                    1 => proptest::char::range('\u{fff0}', '\u{10010}'),
                    1 => proptest::sample::select(vec![
                        '\u{1fffe}', '\u{1ffff}', '\u{10fffe}', '\u{10ffff}', '\u{2fffd}',
                        '\u{e000}', '\u{ffef}', '\u{1f600}', 'é', '’', '\u{a0}',
                    ]),
                    1 => proptest::char::any(),
                ],
                0..80,
            ).prop_map(|cs| cs.into_iter().collect::<String>())
        ) {
            proptest::prop_assert_eq!(has_forbidden(&text), text.chars().any(forbidden));
        }
    }
}
