//! Quick fixes as code actions with workspace edits, and the commands.

use lsp_server::ErrorCode;
use lsp_types as lsp;
use serde_json::Value;

use super::Server;

pub const PREVIEW: &str = "healthpress.preview";
pub const SIGN_OFF: &str = "healthpress.signOff";

pub fn code_actions(_server: &mut Server, _p: lsp::CodeActionParams) -> Value {
    Value::Array(Vec::new())
}

pub fn execute(
    _server: &mut Server,
    p: lsp::ExecuteCommandParams,
) -> Result<Value, (ErrorCode, String)> {
    Err((
        ErrorCode::InvalidParams,
        format!("unknown command {}", p.command),
    ))
}
