//! The Markdown-to-model step, with rendering: any text, no panic, every block's range
//! inside the text, and no unsafe scheme in the HTML.
#![no_main]

use std::path::PathBuf;

use healthpress::content::markdown::Markdown;
use healthpress::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new(PathBuf::from("f.md"), "f.md".into(), text.to_string());
    let body = Markdown::new().body_with_html(&file, 0..file.text.len());
    for b in &body.blocks {
        assert!(b.range.end <= file.text.len());
        let _ = file.span(b.source_range(0..b.text.len()));
    }
    if let Some(r) = &body.rendered {
        let lower = r.html.to_ascii_lowercase();
        assert!(!lower.contains("href=\"javascript:") && !lower.contains("src=\"javascript:"));
        assert!(!lower.contains("<script"));
    }
});
