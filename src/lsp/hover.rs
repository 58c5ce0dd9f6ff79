//! Hover: a diagnostic's rule explained; an article, disclaimer or media entry shown.

use lsp_types as lsp;
use serde_json::Value;

use super::Server;

pub fn hover(_server: &mut Server, _p: lsp::HoverParams) -> Value {
    Value::Null
}
