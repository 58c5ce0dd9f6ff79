//! Clinical sign-off: a hash of an article's clinical content (summary, body, the
//! disclaimers it references and its sources), recorded in its front matter by
//! `healthpress sign-off` after a clinical review and checked by `changed-since-review`.
//! White space is folded first, so re-wrapping lines or changing line endings does not
//! count as a change; any change of words does.

use std::ops::Range;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::content::Article;

pub const FIELD: &str = "sign_off";

/// `sha256:<hex>` of the clinical content, or None when the front matter is unreadable.
pub fn clinical_hash(article: &Article) -> Option<String> {
    if !article.has_front_matter() {
        return None;
    }
    let mut h = Sha256::new();
    // White space is folded before hashing: runs become one space, ends none. The
    // folded text is hashed in one piece (per-word updates cost more than the hashing).
    let mut folded: Vec<u8> = Vec::with_capacity(article.body_range.len() + 64);
    let mut part = |name: &str, text: &str| {
        folded.clear();
        folded.extend_from_slice(name.as_bytes());
        folded.push(0);
        fold_into(text, &mut folded);
        folded.push(0);
        h.update(&folded);
    };
    part("summary", article.str("summary").unwrap_or(""));
    part("body", &article.file.text[article.body_range.clone()]);
    let disclaimers: Vec<&str> = article
        .strs("disclaimers")
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    part("disclaimers", &disclaimers.join("\n"));
    let sources = article
        .front
        .value
        .get("sources")
        .map(|s| serde_json::to_string(s).unwrap_or_default())
        .unwrap_or_default();
    part("sources", &sources);
    Some(format!("sha256:{}", hex(&h.finalize())))
}

/// Append `text` with its white space folded: the words of `str::split_whitespace`
/// joined by single spaces. Split first at ASCII white space (a fast byte scan); only a
/// piece with non-ASCII bytes or a vertical tab is split again the Unicode way.
fn fold_into(text: &str, out: &mut Vec<u8>) {
    let mut first = true;
    let mut push = |word: &str| {
        if !first {
            out.push(b' ');
        }
        first = false;
        out.extend_from_slice(word.as_bytes());
    };
    for piece in text.split_ascii_whitespace() {
        if piece.is_ascii() && !piece.contains('\u{b}') {
            push(piece);
        } else {
            piece.split_whitespace().for_each(&mut push);
        }
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The file text with `sign_off: <hash>` set in the front matter: the existing line
/// replaced, or a new line added just before the closing `---`. Nothing else changes.
pub fn with_sign_off(text: &str, front: Range<usize>, hash: &str) -> String {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let yaml = &text[front.clone()];
    let mut offset = front.start;
    for line in yaml.split_inclusive('\n') {
        if line.starts_with(&format!("{FIELD}:")) {
            let ending = &line[line.trim_end_matches(['\r', '\n']).len()..];
            return format!(
                "{}{FIELD}: {hash}{ending}{}",
                &text[..offset],
                &text[offset + line.len()..]
            );
        }
        offset += line.len();
    }
    format!(
        "{}{FIELD}: {hash}{newline}{}",
        &text[..front.end],
        &text[front.end..]
    )
}

/// Replace a file's contents without ever leaving it half written.
pub fn write_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.healthpress-tmp"));
    std::fs::write(&tmp, contents)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Folding agrees with split_whitespace joined by spaces, Unicode spaces included.
    #[test]
    fn folding_matches_split_whitespace() {
        for t in [
            "",
            "  a  b\tc\r\nd ",
            "x\u{a0}y\u{2003}z é\u{b}ü\u{c}",
            "\u{3000}end",
        ] {
            let mut out = Vec::new();
            fold_into(t, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                t.split_whitespace().collect::<Vec<_>>().join(" "),
                "{t:?}"
            );
        }
    }

    // The field is replaced in place, or added before the closing line, keeping CRLF.
    #[test]
    fn sets_the_field() {
        let text = "---\nid: a\n---\nbody\n";
        assert_eq!(
            with_sign_off(text, 4..10, "sha256:1"),
            "---\nid: a\nsign_off: sha256:1\n---\nbody\n"
        );
        let text = "---\r\nid: a\r\nsign_off: sha256:0\r\n---\r\n";
        assert_eq!(
            with_sign_off(text, 5..32, "sha256:1"),
            "---\r\nid: a\r\nsign_off: sha256:1\r\n---\r\n"
        );
    }
}
