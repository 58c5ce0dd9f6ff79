//! healthpress: validate, lint and publish structured health articles.
//!
//! The data flow: `config` (healthpress.toml) -> `content` (load, split, YAML with
//! spans, Markdown model) -> `schema` and `rules` -> `diagnostic`s -> `report`.
//! `commands` is the edge over it all, one file per command and the only module that
//! prints; `error` holds what stops a command and the exit status it ends with.

pub mod check;
pub mod cli;
mod commands;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod error;
pub mod escape;
pub mod git;
pub mod locale;
pub mod lsp;
pub mod media;
pub mod publish;
pub mod report;
pub mod rules;
pub mod scaffold;
pub mod schema;
pub mod signoff;
pub mod source;
pub mod suppress;
pub mod verify;
pub mod vocabulary;

pub use commands::run;
pub use error::ExitStatus;

/// The proptest settings of the unit tests that hold a fast routine to its reference:
/// `cases` per property, no failure files written into the source tree.
#[cfg(test)]
pub(crate) fn proptest_cases(cases: u32) -> proptest::prelude::ProptestConfig {
    proptest::prelude::ProptestConfig {
        cases,
        failure_persistence: None,
        ..Default::default()
    }
}
