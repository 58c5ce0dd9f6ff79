//! A whole-article check, every rule, under the repository's own policy: any bytes, an
//! answer, no panic, every diagnostic inside the file.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use healthpress::config::Config;
use libfuzzer_sys::fuzz_target;

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        Config::parse(Path::new("healthpress.toml"), include_str!("../../healthpress.toml"))
            .expect("the repository's config parses")
    })
}

fn checker() -> &'static healthpress::check::Checker<'static> {
    static CHECKER: OnceLock<healthpress::check::Checker<'static>> = OnceLock::new();
    CHECKER.get_or_init(|| healthpress::check::Checker::new(config()))
}

fuzz_target!(|data: &[u8]| {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let (file, diags) = checker().check_bytes("f.md", data, today);
    for d in diags {
        assert!(d.span.line >= 1 && d.span.line <= file.line_count().max(1));
        assert!(d.span.column >= 1);
    }
});
