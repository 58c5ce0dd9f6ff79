//! Writes a generated corpus: `cargo run --release --example gen_corpus -- OUT
//! [--articles N] [--seed S] [--defects K] [--no-sign-off-policy] [--sign-off]`. See
//! bench/corpus.rs. `--sign-off` signs every article off on the corpus's date
//! (bench/sign_off.rs), so the corpus is ready for `check` and `build`;
//! `--sign-off-only` signs off a corpus that is already in OUT (made by another
//! generator) and writes nothing else.

// The crate denies printing outside report/ and commands/; this is a program, and what
// it wrote and its usage errors are its output.
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "corpus.rs"]
mod corpus;
#[path = "sign_off.rs"]
mod sign_off;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut out = None;
    let mut opts = corpus::Options::default();
    let mut sign = false;
    let mut generate = true;
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
            "--sign-off" => sign = true,
            "--sign-off-only" => (sign, generate) = (true, false),
            _ if out.is_none() && !a.starts_with('-') => out = Some(std::path::PathBuf::from(a)),
            _ => {
                eprintln!(
                    "usage: gen_corpus OUT [--articles N] [--seed S] [--defects K] [--no-sign-off-policy] [--sign-off | --sign-off-only]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!("usage: gen_corpus OUT [--articles N] [--seed S] [--defects K] [--sign-off]");
        return ExitCode::from(2);
    };
    if !generate {
        let on =
            chrono::NaiveDate::parse_from_str(corpus::TODAY, "%Y-%m-%d").expect("TODAY is a date");
        return match sign_off::sign_off_all(&out, on) {
            Ok(n) => {
                println!("{}: {n} articles signed off", out.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("gen_corpus: {}: {e}", out.display());
                ExitCode::from(2)
            }
        };
    }
    let made = corpus::generate(&out, &opts).and_then(|defects| {
        if sign {
            let on = chrono::NaiveDate::parse_from_str(corpus::TODAY, "%Y-%m-%d")
                .map_err(std::io::Error::other)?;
            sign_off::sign_off_all(&out, on)?;
        }
        Ok(defects)
    });
    match made {
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
