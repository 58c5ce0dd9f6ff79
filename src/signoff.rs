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
    // already-folded runs between irregular white space go to the hasher as they lie
    // in the text, with no copy (per-word updates would cost more than the hashing).
    let mut part = |name: &str, text: &str| {
        h.update(name.as_bytes());
        h.update([0]);
        fold_pieces(text, |piece| h.update(piece));
        h.update([0]);
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

/// Append `text` with its white space folded (see `fold_pieces`).
#[cfg(test)]
fn fold_into(text: &str, out: &mut Vec<u8>) {
    fold_pieces(text, |piece| out.extend_from_slice(piece));
}

/// `text` with its white space folded, in pieces to `emit`: the words of
/// `str::split_whitespace` joined by single spaces. The text between irregular bytes
/// (see `next_irregular`) is already folded, so it is passed on whole: every signed
/// article is folded on every check.
fn fold_pieces(text: &str, mut emit: impl FnMut(&[u8])) {
    let bytes = text.as_bytes();
    let mut first = true;
    let mut flush = |run: &[u8]| {
        // A run may end in the single space before the white space that ended it.
        let run = run.strip_suffix(b" ").unwrap_or(run);
        if !run.is_empty() {
            if !first {
                emit(b" ");
            }
            first = false;
            emit(run);
        }
    };
    let mut start = skip_white(text, 0);
    let mut i = start;
    loop {
        i = next_irregular(bytes, i);
        if i == bytes.len() {
            break;
        }
        if white_len(text, i) == 0 {
            // A character like ’ that only shares its first byte with white space.
            i += 1;
        } else {
            flush(&bytes[start..i]);
            start = skip_white(text, i);
            i = start;
        }
    }
    flush(&bytes[start..]);
}

/// The length of the white-space character at `i` (a character boundary), or 0.
fn white_len(text: &str, i: usize) -> usize {
    match text.as_bytes()[i] {
        b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b' ' => 1,
        b if b < 0x80 => 0,
        _ => text[i..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8),
    }
}

/// The end of the white space starting at `i`.
fn skip_white(text: &str, mut i: usize) -> usize {
    while i < text.len() {
        match white_len(text, i) {
            0 => break,
            n => i += n,
        }
    }
    i
}

/// The first irregular byte at or after `i`, or the length: a byte below 0x0e (the
/// ASCII white space but the space, and some controls), the first of two spaces, or a
/// first byte that non-ASCII white space starts with (0xc2, 0xe0 to 0xe3). A single
/// space is regular: white space around it is irregular in its own right.
fn next_irregular(bytes: &[u8], mut i: usize) -> usize {
    // Eight bytes at a time, each test leaving the top bit of the bytes that pass.
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const LOW7: u64 = ONES * 0x7f;
    const HIGH: u64 = ONES * 0x80;
    let below = |x: u64, n: u8| !(((x & LOW7) + ONES * (0x80 - n as u64)) | x) & HIGH;
    let zero = |x: u64| !(((x & LOW7) + LOW7) | x) & HIGH;
    while let (Some(a), Some(b)) = (bytes.get(i..i + 8), bytes.get(i + 1..i + 9)) {
        let w = u64::from_le_bytes(a.try_into().unwrap());
        let next = u64::from_le_bytes(b.try_into().unwrap());
        let found = below(w, 0x0e)
            | zero(w ^ (ONES * 0xc2))
            | below(w ^ (ONES * 0xe0), 4)
            | zero((w ^ (ONES * 0x20)) | (next ^ (ONES * 0x20)));
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() {
        match bytes[i] {
            0..0x0e | 0xc2 | 0xe0..=0xe3 => return i,
            b' ' if bytes.get(i + 1) == Some(&b' ') => return i,
            _ => i += 1,
        }
    }
    i
}

/// The previous `fold_into`: what the fast one must agree with.
#[cfg(test)]
fn fold_reference(text: &str, out: &mut Vec<u8>) {
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
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
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

    // Lower-case hex, two digits a byte, as every recorded sign-off and checksum has it.
    #[test]
    fn hex_is_lower_case_two_digits_a_byte() {
        let all: Vec<u8> = (0..=255).collect();
        let expected: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex(&all), expected);
        assert_eq!(hex(&[0x0a, 0xff]), "0aff");
    }

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

    /// `t` folded by `f` after some output, as `clinical_hash` folds it.
    fn fold(f: fn(&str, &mut Vec<u8>), t: &str) -> String {
        let mut out = b"x".to_vec();
        f(t, &mut out);
        String::from_utf8(out).unwrap()
    }

    // ASCII letters, ASCII white space, and non-ASCII white space and letters (’ starts
    // with the same byte as most of the white space).
    const PIECES: &[&str] = &[
        "a", "b", "Z", " ", " ", " ", "\n", "\t", "\r", "\u{b}", "\u{c}", "é", "’", "\u{a0}",
        "\u{2003}", "\u{3000}", "\u{85}", "\u{2028}",
    ];

    proptest::proptest! {
        #![proptest_config(crate::proptest_cases(1000))]

        // The fast fold agrees with the reference.
        #[test]
        fn fold_matches_reference(
            parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..200),
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(fold(fold_into, &text), fold(fold_reference, &text));
        }

        #[test]
        fn fold_matches_reference_on_any_text(text in "\\PC{0,200}") {
            proptest::prop_assert_eq!(fold(fold_into, &text), fold(fold_reference, &text));
        }
    }

    // Edge cases: no words, white space at the ends, runs of it, and every kind of it.
    #[test]
    fn fold_edge_cases() {
        let mut cases: Vec<String> = [
            "",
            " ",
            "   \n\t ",
            "a",
            " a",
            "a ",
            "  a  b  ",
            "a  b",
            "a \nb",
            "a\n b",
            "a \u{a0} b",
            "a ’ b",
            "’ a’b ’",
            " ’",
            "’ ",
            "a\u{2019}\u{2000}b",
            "\u{e000}\u{1680}x",
            "\u{0}\u{1}\u{8}\u{e}\u{1f} a",
            "words and words\nwith one space between them, for more than eight bytes ",
            "first  second   third\t\tfourth \r\n fifth\u{a0}\u{a0}sixth  seventh",
        ]
        .map(String::from)
        .to_vec();
        for c in (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
        {
            cases.push(format!("{c}"));
            cases.push(format!("a{c}b"));
            cases.push(format!("a {c} b{c}"));
            cases.push(format!(
                "{c}long enough to be read eight bytes at a time{c}{c}"
            ));
        }
        for t in &cases {
            let want = t.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(fold(fold_reference, t), format!("x{want}"), "{t:?}");
            assert_eq!(fold(fold_into, t), format!("x{want}"), "{t:?}");
        }
    }
}
