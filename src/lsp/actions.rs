//! Quick fixes that run on the server, as code actions with workspace edits, so they
//! work in every editor without a plugin; and the commands (`workspace/executeCommand`).
//!
//! The fixes are built from the server's own findings for the document (not from what
//! the client echoes back), for the findings whose range meets the requested one. A fix
//! that changes what a clinician signed off (summary, body, disclaimers, sources) of an
//! article that carries a `sign_off` says so in its title.

use std::ops::Range;
use std::path::Path;

use lsp_server::ErrorCode;
use lsp_types as lsp;
use serde_json::{Value, json};

use super::position;
use super::{Server, uri_to_path};
use crate::content::Article;
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

pub const PREVIEW: &str = "healthpress.preview";
pub const SIGN_OFF: &str = "healthpress.signOff";

/// One fix: a title and byte-range replacements in the document.
struct Fix {
    title: String,
    edits: Vec<(Range<usize>, String)>,
    preferred: bool,
}

pub fn code_actions(server: &mut Server, p: lsp::CodeActionParams) -> Value {
    let Some(path) = uri_to_path(&p.text_document.uri) else {
        return json!([]);
    };
    server.settle(&path);
    let Some(engine) = &server.engine else {
        return json!([]);
    };
    let Some((_, article)) = server.article_at(&p.text_document.uri) else {
        return json!([]);
    };
    let file = &article.file;
    let want = position::offset(file, p.range.start, server.enc)
        ..position::offset(file, p.range.end, server.enc);
    let name = engine.name_of(&path);
    let signed = article.front.value.get(crate::signoff::FIELD).is_some();
    let mut out = Vec::new();
    // Converted once: a document can have hundreds of findings.
    let converted = super::diagnostics::of_file(server, engine, &name);
    for (i, d) in engine.diagnostics_of(&name).into_iter().enumerate() {
        // The document may have changed since the check: skip findings past its end.
        if d.span.end > file.text.len() {
            continue;
        }
        let meets = d.span.start <= want.end && want.start <= d.span.end.max(d.span.start);
        if !meets {
            continue;
        }
        let lsp_diag = converted.get(i);
        for fix in fixes(&article, &d) {
            let clinical = signed && fix.edits.iter().any(|(r, _)| touches_clinical(&article, r));
            let title = if clinical {
                format!(
                    "{} (changes signed-off clinical content: sign-off is needed again)",
                    fix.title
                )
            } else {
                fix.title
            };
            let edits: Vec<Value> = fix
                .edits
                .iter()
                .map(|(r, text)| {
                    json!({ "range": position::range(file, r.clone(), server.enc), "newText": text })
                })
                .collect();
            let mut changes = serde_json::Map::new();
            changes.insert(
                p.text_document.uri.as_str().to_string(),
                Value::Array(edits),
            );
            out.push(json!({
                "title": title,
                "kind": "quickfix",
                "diagnostics": lsp_diag.iter().collect::<Vec<_>>(),
                "isPreferred": fix.preferred,
                "edit": { "changes": changes },
            }));
        }
    }
    Value::Array(out)
}

/// Whether a change at `r` changes what the sign-off hash covers.
fn touches_clinical(a: &Article, r: &Range<usize>) -> bool {
    if r.start >= a.body_range.start && a.body_range.start > 0 {
        return true;
    }
    // In the front matter, the sign-off covers what patients see (title, summary,
    // audience, locale, disclaimers, sources, media): an edit is clinical unless it
    // lies wholly inside a field the hash leaves out.
    const OUTSIDE: [&str; 7] = [
        "/id",
        "/topics",
        "/status",
        "/related",
        "/reviewers",
        "/last_reviewed",
        "/next_review",
    ];
    !OUTSIDE.iter().any(|p| {
        a.front.span(p).is_some_and(|s| {
            let whole = a.key_range(p).start.min(s.value.start)..s.value.end;
            whole.start <= r.start && r.end <= whole.end
        })
    })
}

fn fixes(a: &Article, d: &Diagnostic) -> Vec<Fix> {
    let mut out = Vec::new();
    let file = &a.file;
    if let Some(f) = suggestion(file, d) {
        out.push(f);
    }
    match d.rule {
        "missing-disclaimer" => out.extend(add_disclaimers(a, d)),
        "missing-urgent-help" => out.extend(add_callout(a, "URGENT", URGENT_SKELETON)),
        "missing-callout" => {
            if let Some(kind) = backticked(&d.message, 0)
                .and_then(|k| k.strip_prefix("[!"))
                .and_then(|k| k.strip_suffix(']'))
            {
                out.extend(add_callout(a, kind, "<the text>"));
            }
        }
        "missing-consult-note" if d.message.contains("sits in a paragraph") => {
            out.extend(move_to_consult(a, d));
        }
        "missing-consult-note" => out.extend(add_callout(a, "CONSULT", CONSULT_SKELETON)),
        _ => {}
    }
    if let Some(f) = disable_next_line(a, d) {
        out.push(f);
    }
    out
}

const URGENT_SKELETON: &str = "Call 999 or go to A&E if <red flag>. Call your midwife or NHS 111 straight away if <red flag>.";
const CONSULT_SKELETON: &str = "Ask your <clinician> if <when to ask>.";

/// The `n`th backticked word of a message.
fn backticked(s: &str, n: usize) -> Option<&str> {
    s.split('`').skip(1).step_by(2).nth(n)
}

/// "did you mean `X`" in the help, or "is `typo` a misspelling of it" in the message:
/// replace the misspelt word inside the finding's range with the suggestion.
fn suggestion(file: &SourceFile, d: &Diagnostic) -> Option<Fix> {
    let range = d.span.start..d.span.end;
    let text = file.text.get(range.clone())?;
    let (wrong, right) = if let Some(help) = &d.help
        && let Some(i) = help.find("did you mean `")
    {
        let right = help[i + "did you mean `".len()..].split('`').next()?;
        // The misspelt word is the message's backticked word found in the range.
        let wrong = d
            .message
            .split('`')
            .skip(1)
            .step_by(2)
            .map(|w| w.trim_start_matches("media:"))
            .find(|w| !w.is_empty() && text.contains(*w))?;
        (wrong.to_string(), right.to_string())
    } else if d.message.contains("a misspelling of it") {
        let right = backticked(&d.message, 0)?;
        let wrong = backticked(&d.message, 1)?;
        (wrong.to_string(), right.to_string())
    } else {
        return None;
    };
    let at = text.find(&wrong)?;
    let start = range.start + at;
    Some(Fix {
        title: format!("Replace `{wrong}` with `{right}`"),
        edits: vec![(start..start + wrong.len(), right)],
        preferred: true,
    })
}

/// List the missing disclaimers: the help names the whole list.
fn add_disclaimers(a: &Article, d: &Diagnostic) -> Option<Fix> {
    let help = d.help.as_deref()?;
    let list = help.split("disclaimers: [").nth(1)?.split(']').next()?;
    let missing = backticked(&d.message, 0)?;
    let edit = match a.front.span("/disclaimers") {
        // The whole entry, key to the next top-level key, whether written as a flow
        // or a block list, becomes one flow list.
        Some(_) => {
            let file = &a.file;
            let key_line = file.line_of(a.key_range("/disclaimers").start);
            let start = file.line_start(key_line);
            let mut line = key_line + 1;
            while file.line_start(line) < a.front_range.end {
                let l = &file.text[file.line_range(line)];
                if !(l.trim().is_empty() || l.starts_with([' ', '\t', '-'])) {
                    break;
                }
                line += 1;
            }
            let end = file.line_start(line).min(a.front_range.end.max(start));
            let nl = if file.text[..end].ends_with('\n') {
                "\n"
            } else {
                ""
            };
            (start..end, format!("disclaimers: [{list}]{nl}"))
        }
        None => {
            let end = a.front_range.end;
            let nl = if a.file.text[..end].ends_with('\n') {
                ""
            } else {
                "\n"
            };
            (end..end, format!("{nl}disclaimers: [{list}]\n"))
        }
    };
    Some(Fix {
        title: format!("Add the `{missing}` disclaimer to the front matter"),
        edits: vec![edit],
        preferred: true,
    })
}

/// Insert a callout skeleton at the end of the body.
fn add_callout(a: &Article, kind: &str, skeleton: &str) -> Option<Fix> {
    if !a.has_front_matter() {
        return None;
    }
    let text = &a.file.text;
    let end = text.len();
    let lead = if text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    Some(Fix {
        title: format!("Insert a `[!{kind}]` callout to fill in"),
        edits: vec![(end..end, format!("{lead}> [!{kind}]\n> {skeleton}\n"))],
        preferred: false,
    })
}

/// Move the sentence with the consult advice out of its paragraph into a callout
/// after the paragraph.
fn move_to_consult(a: &Article, d: &Diagnostic) -> Option<Fix> {
    let text = &a.file.text;
    let (start, end) = (d.span.start, d.span.end);
    // The paragraph: from the blank line before to the blank line after.
    let para_start = text[..start]
        .rfind("\n\n")
        .map(|i| i + 2)
        .unwrap_or(a.body_range.start);
    let para_end = text[end..]
        .find("\n\n")
        .map(|i| end + i)
        .unwrap_or(text.len());
    let para_end = if text[..para_end].ends_with('\n') {
        para_end - 1
    } else {
        para_end
    };
    // The sentence: after the last ". " before the advice, up to the next stop.
    let s_start = text[para_start..start]
        .rfind(['.', '!', '?'])
        .map(|i| para_start + i + 1)
        .unwrap_or(para_start);
    let s_end = text[end..para_end]
        .find(['.', '!', '?'])
        .map(|i| end + i + 1)
        .unwrap_or(para_end);
    let sentence = text[s_start..s_end].trim();
    if sentence.is_empty() || sentence.contains('\n') && sentence.contains("\n\n") {
        return None;
    }
    let sentence = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
    let whole = text[para_start..para_end].trim() == text[s_start..s_end].trim();
    let mut edits = Vec::new();
    let callout = format!("> [!CONSULT]\n> {sentence}");
    if whole {
        edits.push((para_start..para_end, callout));
    } else {
        edits.push((s_start..s_end, String::new()));
        edits.push((para_end..para_end, format!("\n\n{callout}")));
    }
    Some(Fix {
        title: "Move this consult advice into a `[!CONSULT]` callout".into(),
        edits,
        preferred: true,
    })
}

/// `<!-- healthpress-disable-next-line RULE -->` above the finding's line, for rules
/// that may be silenced, in the body (where HTML comments are Markdown).
fn disable_next_line(a: &Article, d: &Diagnostic) -> Option<Fix> {
    let meta = crate::rules::find(d.rule)?.meta();
    if meta.safety || !a.has_front_matter() || d.span.start < a.body_range.start {
        return None;
    }
    let text = &a.file.text;
    let line = a.file.line_range(d.span.line);
    let prefix: String = text[line.clone()]
        .chars()
        .take_while(|c| matches!(c, ' ' | '\t' | '>'))
        .collect();
    Some(Fix {
        title: format!("Disable `{}` for the next line", d.rule),
        edits: vec![(
            line.start..line.start,
            format!(
                "{prefix}<!-- healthpress-disable-next-line {} -->\n",
                d.rule
            ),
        )],
        preferred: false,
    })
}

/// `workspace/executeCommand`: preview (returns the page's path) and sign-off.
pub fn execute(
    server: &mut Server,
    p: lsp::ExecuteCommandParams,
) -> Result<Value, (ErrorCode, String)> {
    let bad = |m: String| (ErrorCode::InvalidParams, m);
    let Some(engine) = &server.engine else {
        return Err((ErrorCode::RequestFailed, "no healthpress.toml found".into()));
    };
    let uri: lsp::Uri = p
        .arguments
        .first()
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("the first argument is the article's URI".into()))?;
    let path = uri_to_path(&uri).ok_or_else(|| bad("not a file URI".into()))?;
    match p.command.as_str() {
        PREVIEW => {
            let page = crate::publish::preview(engine.config, &path)
                .map_err(|e| (ErrorCode::RequestFailed, e.to_string()))?;
            Ok(json!({ "path": page.display().to_string() }))
        }
        SIGN_OFF => {
            let reviewer = p
                .arguments
                .get(1)
                .and_then(Value::as_str)
                .ok_or_else(|| bad("the second argument is the reviewer's name".into()))?;
            sign_off(server, &path, reviewer).map_err(|e| (ErrorCode::RequestFailed, e))
        }
        c => Err(bad(format!("unknown command {c}"))),
    }
}

/// Sign off an article saved on disk, for a reviewer named in its `reviewers`;
/// refused for drafts, unsaved changes and articles with errors.
fn sign_off(server: &mut Server, path: &Path, reviewer: &str) -> Result<Value, String> {
    if let Some(doc) = server.docs.get(path)
        && std::fs::read_to_string(path).ok().as_deref() != Some(doc.text.as_str())
    {
        return Err("save the article first: sign-off records what is on disk".into());
    }
    server.settle(path);
    let engine = server.engine.as_ref().ok_or("no configuration")?;
    let name = engine.name_of(path);
    let article = engine
        .article(path, None)
        .ok_or_else(|| format!("{name} cannot be read"))?;
    if article.status() == Some(crate::content::model::Status::Draft) {
        return Err(format!("{name} is a draft; drafts are not signed off"));
    }
    let reviewers = crate::signoff::reviewer_names(&article);
    if !reviewers.contains(&reviewer) {
        return Err(format!(
            "`{reviewer}` is not one of {name}'s reviewers ({})",
            reviewers.join(", ")
        ));
    }
    let errors: Vec<&'static str> = engine
        .diagnostics_of(&name)
        .iter()
        .filter(|d| {
            d.severity == crate::diagnostic::Severity::Error && d.rule != "changed-since-review"
        })
        .map(|d| d.rule)
        .collect();
    if !errors.is_empty() {
        return Err(format!(
            "{name} has errors ({}); fix them before sign-off",
            errors.join(", ")
        ));
    }
    use crate::signoff::{self, Record};
    let today = server.today();
    if let Some(reviewed) = article.date("last_reviewed").filter(|d| *d > today) {
        return Err(format!(
            "{name}: `last_reviewed` ({reviewed}) is after today ({today}); a review cannot be \
             signed off before it happens"
        ));
    }
    if let Some(why) = signoff::unwritable(&article.file.text[article.front_range.clone()]) {
        return Err(format!("{name}: {why}"));
    }
    let on = today.to_string();
    let hash = signoff::clinical_hash(&article, &article.body, reviewer, &on)
        .ok_or_else(|| format!("{name}: the front matter cannot be read"))?;
    let record = Record {
        hash: &hash,
        by: reviewer,
        on: today,
    };
    let text = signoff::with_sign_off(&article, &record);
    signoff::verify(&article, &text, &record).map_err(|why| {
        format!("{name}: its front matter cannot be rewritten safely: {why}; nothing was changed")
    })?;
    let bom = std::fs::read(path).is_ok_and(|b| b.starts_with("\u{feff}".as_bytes()));
    let text = if bom { format!("\u{feff}{text}") } else { text };
    crate::signoff::write_atomically(path, &text).map_err(|e| format!("{name}: {e}"))?;
    // The file on disk changed: the corpus sees it, and an open editor reloads it.
    if !server.docs.contains_key(path) {
        server.file_changed_on_disk(path);
    }
    Ok(json!({ "signedOff": name.to_string(), "reviewer": reviewer, "hash": hash }))
}
