//! Go to definition, references, rename, document symbols.

use lsp_server::ErrorCode;
use lsp_types as lsp;
use serde_json::Value;

use super::Server;

type Handled = Result<Value, (ErrorCode, String)>;

pub fn definition(_server: &mut Server, _p: lsp::GotoDefinitionParams) -> Value {
    Value::Null
}

pub fn references(_server: &mut Server, _p: lsp::ReferenceParams) -> Value {
    Value::Null
}

pub fn prepare_rename(_server: &mut Server, _p: lsp::TextDocumentPositionParams) -> Handled {
    Ok(Value::Null)
}

pub fn rename(_server: &mut Server, _p: lsp::RenameParams) -> Handled {
    Ok(Value::Null)
}

pub fn symbols(_server: &mut Server, _p: lsp::DocumentSymbolParams) -> Value {
    Value::Null
}
