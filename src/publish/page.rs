//! Article pages and the index, rendered with templates a team can override: a file
//! of the same name in `bundle.templates` replaces the default that ships.

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::content::model::FrontMatter;
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
        let load = |name: &str, default: &str| -> Result<String, TemplateError> {
            match dir.map(|d| d.join(name)) {
                Some(p) if p.is_file() => std::fs::read_to_string(&p).map_err(|e| TemplateError {
                    name: p.display().to_string(),
                    message: e.to_string(),
                }),
                _ => Ok(default.to_string()),
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
        // The page allows exactly its own style sheet and nothing else: no scripts
        // (JSON-LD is data, not run), no requests out, no forms, no frames.
        let style_hash = base64(&Sha256::digest(css.as_bytes()));
        let csp = format!(
            "default-src 'none'; style-src 'sha256-{style_hash}'; img-src 'self'; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        );
        Ok(Pages {
            env,
            css: Value::from(css),
            csp: Value::from_safe_string(csp),
        })
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
                })
                .collect(),
        };
        let jsonld = json_ld(fm, &lang, config);
        self.render(
            "article.html",
            context! { page => Value::from(Serde(&page)), jsonld, css => self.css.clone(), csp => self.csp.clone(), index_href => Value::from_safe_string("../index.html".into()) },
        )
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
                    .filter(|a| a.topics.first() == Some(id))
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
        self.render(
            "index.html",
            context! { lang => &config.locale, title => "Health information", topics => Value::from(Serde(&topics)), css => self.css.clone(), csp => self.csp.clone() },
        )
    }

    fn render(&self, name: &str, ctx: Value) -> Result<String, TemplateError> {
        let err = |e: minijinja::Error| TemplateError {
            name: name.into(),
            message: e.to_string(),
        };
        let mut out = self
            .env
            .get_template(name)
            .map_err(err)?
            .render(ctx)
            .map_err(err)?;
        if !out.ends_with('\n') {
            out.push('\n');
        }
        Ok(out)
    }
}

#[derive(Serialize)]
struct ArticlePage<'a> {
    lang: String,
    id: &'a str,
    title: &'a str,
    summary: &'a str,
    body_html: &'a str,
    last_reviewed: String,
    last_reviewed_iso: String,
    next_review: String,
    next_review_iso: String,
    reviewers: Vec<Reviewer<'a>>,
    sources: Vec<SourceView<'a>>,
    topics: Vec<TopicLabel<'a>>,
    disclaimers: Vec<DisclaimerView<'a>>,
}

#[derive(Serialize)]
struct Reviewer<'a> {
    name: &'a str,
    credentials: &'a str,
    role: &'a str,
}

#[derive(Serialize)]
struct SourceView<'a> {
    title: &'a str,
    href: Option<String>,
    publisher: Option<&'a str>,
    year: Option<u16>,
}

#[derive(Serialize)]
struct TopicLabel<'a> {
    id: &'a str,
    label: &'a str,
}

#[derive(Serialize)]
struct DisclaimerView<'a> {
    id: &'a str,
    title: &'a str,
    html: &'a str,
}

#[derive(Serialize)]
struct TopicView<'a> {
    id: &'a str,
    label: &'a str,
    articles: Vec<IndexEntry<'a>>,
}

#[derive(Serialize)]
struct IndexEntry<'a> {
    href: String,
    title: &'a str,
    summary: &'a str,
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

fn long_date(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
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
        let mut loader = crate::content::Loader::new(&config);
        loader.bodies = true;
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

    // Standard base64, with padding (the CSP hash form).
    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b"hello"), "aGVsbG8=");
        assert_eq!(base64(b"hi!"), "aGkh");
        assert_eq!(base64(b"a"), "YQ==");
    }
}
