//! Text from outside (file names, front-matter values) made safe for a person's
//! terminal and for every report. At the bottom of the library: config, rules and the
//! reports all quote such text.

/// A file name (or any text from outside) as a person's terminal and every report show
/// it: control characters (C0, DEL, C1) and the bidirectional overrides that could
/// reorder what is shown become `\u{1b}`, and a backslash becomes `\\`, so that a name
/// can neither retitle nor clear the terminal, and the escaped form reads back to one
/// name only. Borrowed, without a copy, when there is nothing to escape.
pub fn escape_name(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || (c == '\\' && !cfg!(windows))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Free text from outside (a message quoting a front-matter value, a help line) for a
/// terminal: as `escape_name`, but line breaks and tabs stay, and so does the backslash.
pub fn escape_text(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| needs_escape(c) && c != '\\' && c != '\n' && c != '\t';
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A path for people, escaped as `escape_name` does.
pub fn escape_path(path: &std::path::Path) -> String {
    escape_name(&path.to_string_lossy()).into_owned()
}
