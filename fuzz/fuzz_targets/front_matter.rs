//! The front-matter splitter and the YAML loader with spans: any bytes, no panic, and
//! every recorded span inside the text.
#![no_main]

use std::path::PathBuf;

use healthpress::content::{split, yaml};
use healthpress::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new(PathBuf::from("f.md"), "f.md".into(), text.to_string());
    if let Ok(parts) = split::split(&file.text) {
        assert!(parts.yaml.end <= file.text.len() && parts.body.start <= file.text.len());
        match yaml::load(&file, parts.yaml) {
            Ok(doc) => {
                if let Some(s) = doc.span("/id") {
                    assert!(s.value.end <= file.text.len());
                }
            }
            Err(e) => assert!(e.range.end <= file.text.len()),
        }
    }
});
