//! criterion benchmarks of each stage of `check` and `build`, over corpora made by the
//! project's generator (bench/corpus.rs): 1,000 articles always, 10,000 too when
//! HEALTHPRESS_BENCH_BIG is set. The whole-process comparison with the floor and the
//! peers is bench/compare.py.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

#[path = "corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use healthpress::check::{CheckOptions, check};
use healthpress::config::Config;
use healthpress::content::Loader;
use healthpress::report::{self, Format};
use healthpress::rules::{ActiveRules, ArticleContext};
use rayon::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

/// A corpus of `n` articles (with `defects` injected), generated once into target/bench.
fn corpus(n: usize, defects: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // "v3": made by bench/corpus.rs; earlier corpora came from another generator.
    let dir = root.join(format!("target/bench/criterion-v3-{n}-{defects}"));
    if !dir.join(".ready").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let options = corpus::Options {
            articles: n,
            seed: 1,
            defects,
            require_sign_off: true,
        };
        corpus::generate(&dir, &options).unwrap();
        // Signed off, as a real library is; otherwise every article fails the same rule.
        let config = Config::load(&dir.join("healthpress.toml")).unwrap();
        let loader = Loader::new(&config);
        for (path, kind) in loader.discover().unwrap() {
            // As `healthpress sign-off` does: articles only (a disclaimer has no sign-off).
            if kind != healthpress::content::FileKind::Article {
                continue;
            }
            let a = loader.load_file(path.clone(), kind);
            let by = healthpress::signoff::reviewer_names(&a)
                .first()
                .map_or("Bench Reviewer", |n| n)
                .to_string();
            if let Some(hash) = healthpress::signoff::clinical_hash(&a, &a.body, &by, "2026-01-01")
            {
                let record = healthpress::signoff::Record {
                    hash: &hash,
                    by: &by,
                    on: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                };
                let text = healthpress::signoff::with_sign_off(&a, &record);
                std::fs::write(&path, text).unwrap();
            }
        }
        std::fs::write(dir.join(".ready"), "").unwrap();
    }
    dir
}

fn stages(c: &mut Criterion) {
    let mut sizes = vec![1000];
    if std::env::var_os("HEALTHPRESS_BENCH_BIG").is_some() {
        sizes.push(10_000);
    }
    let mut group = c.benchmark_group("stages");
    group.sample_size(10);
    for n in sizes {
        let dir = corpus(n, n / 20);
        let config = Config::load(&dir.join("healthpress.toml")).unwrap();
        let loader = Loader::new(&config);
        let files = loader.discover().unwrap();

        group.bench_with_input(BenchmarkId::new("load and parse", n), &files, |b, files| {
            b.iter(|| loader.load(files.clone(), None))
        });

        let corpus = loader.load(files.clone(), None);
        let validators = healthpress::schema::Validators::new();
        group.bench_with_input(
            BenchmarkId::new("schema validation", n),
            &corpus,
            |b, corpus| {
                b.iter(|| {
                    corpus
                        .articles
                        .par_iter()
                        .map(|a| validators.article(&a.front, 0..0).len())
                        .sum::<usize>()
                })
            },
        );

        let rules = ActiveRules::new(&config);
        let media = healthpress::media::Resolver::new(&config.root);
        group.bench_with_input(BenchmarkId::new("rules", n), &corpus, |b, corpus| {
            b.iter(|| {
                corpus
                    .articles
                    .par_iter()
                    .map(|article| {
                        let (mut out, mut references) = (Vec::new(), Vec::new());
                        let cx = ArticleContext {
                            article,
                            body: &article.body,
                            disclaimers: &corpus.disclaimers,
                            config: &config,
                            today: today(),
                            media: &media,
                        };
                        rules.check_article(&cx, false, &mut out, &mut references);
                        out.len()
                    })
                    .sum::<usize>()
            })
        });

        let options = CheckOptions {
            today: today(),
            ..CheckOptions::default()
        };
        let checked = check(&config, &options).unwrap();
        for format in [Format::Human, Format::Json, Format::Sarif] {
            group.bench_with_input(
                BenchmarkId::new(format!("report {format:?}"), n),
                &checked.outcome,
                |b, outcome| {
                    b.iter(|| {
                        let mut out = Vec::new();
                        report::render(format, &report::Report::of(outcome), &mut out).unwrap();
                        out.len()
                    })
                },
            );
        }

        group.bench_with_input(
            BenchmarkId::new("whole check", n),
            &options,
            |b, options| b.iter(|| check(&config, options).unwrap().outcome.diagnostics.len()),
        );
    }
    group.finish();
}

fn build(c: &mut Criterion) {
    let dir = corpus(1000, 0);
    let config = Config::load(&dir.join("healthpress.toml")).unwrap();
    let shm = if Path::new("/dev/shm").is_dir() {
        Some(Path::new("/dev/shm"))
    } else {
        None
    };
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function("whole build, 1000", |b| {
        b.iter(|| {
            let out = match shm {
                Some(d) => tempfile::tempdir_in(d).unwrap(),
                None => tempfile::tempdir().unwrap(),
            };
            let options = CheckOptions {
                today: today(),
                render: true,
                ..CheckOptions::default()
            };
            let build = healthpress::publish::BuildOptions {
                out: out.path().to_path_buf(),
                bundle_version: None,
                generated_at: "2026-11-25T00:00:00Z".into(),
                previous: None,
                signer: None,
                expires: "2026-12-25T00:00:00Z".into(),
            };
            // As `healthpress build` does it: each article published as it is checked.
            let mut publisher = healthpress::publish::Publisher::start(&config, build).unwrap();
            let checked =
                healthpress::check::check_and_publish(&config, &options, &mut publisher).unwrap();
            assert!(!report::Report::of(&checked.outcome).tally().fails(false));
            publisher.finish(&checked.index.retired()).unwrap();
        })
    });
    group.finish();
}

criterion_group!(benches, stages, build);
criterion_main!(benches);
