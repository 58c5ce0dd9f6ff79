//! Writes a generated corpus: `cargo run --release --example gen_corpus -- OUT
//! [--articles N] [--seed S] [--defects K] [--no-sign-off-policy]`. See bench/corpus.rs.

#[path = "corpus.rs"]
mod corpus;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut out = None;
    let mut opts = corpus::Options::default();
    while let Some(a) = args.next() {
        let mut number = |name: &str| -> Option<u64> {
            let v = args.next().and_then(|v| v.parse().ok());
            if v.is_none() {
                eprintln!("gen_corpus: {name} needs a number");
            }
            v
        };
        match a.as_str() {
            "--articles" => match number("--articles") {
                Some(n) => opts.articles = n as usize,
                None => return ExitCode::from(2),
            },
            "--seed" => match number("--seed") {
                Some(n) => opts.seed = n,
                None => return ExitCode::from(2),
            },
            "--defects" => match number("--defects") {
                Some(n) => opts.defects = n as usize,
                None => return ExitCode::from(2),
            },
            "--no-sign-off-policy" => opts.require_sign_off = false,
            _ if out.is_none() && !a.starts_with('-') => out = Some(std::path::PathBuf::from(a)),
            _ => {
                eprintln!(
                    "usage: gen_corpus OUT [--articles N] [--seed S] [--defects K] [--no-sign-off-policy]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!("usage: gen_corpus OUT [--articles N] [--seed S] [--defects K]");
        return ExitCode::from(2);
    };
    match corpus::generate(&out, &opts) {
        Ok(defects) => {
            println!(
                "{}: {} articles, {} findings expected (defects.json)",
                out.display(),
                opts.articles,
                defects.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_corpus: {}: {e}", out.display());
            ExitCode::from(2)
        }
    }
}
