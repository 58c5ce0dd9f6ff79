//! `healthpress lsp`: a Language Server Protocol 3.17 server on a connection (stdin and
//! stdout: `commands::lsp`; memory in the tests).
//!
//! Built on `lsp-server` and `lsp-types` (rust-analyzer's and ruff's transport): a
//! synchronous loop over a channel of messages, which suits a server whose work is a
//! few milliseconds of checking per edit. One thread owns the state; an edit marks its
//! document dirty, and once no message has come for the debounce time the dirty
//! documents are checked and their diagnostics sent. Start-up answers the documents
//! the editor opens from an index of the corpus, and the whole pass follows once the
//! editor has settled (`Server::full_due`). Every message is handled inside
//! `catch_unwind`: a panic answers that one request with an error and the server goes on.

use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{self as lsp, Uri};
use serde_json::{Value, json};

pub mod actions;
pub mod completion;
pub mod diagnostics;
pub mod hover;
pub mod navigation;
pub mod position;
pub mod state;

use position::Encoding;
use state::{Doc, Engine, Open};

/// When documents are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckOn {
    /// As they are edited (after the debounce time).
    Type,
    /// When they are opened and saved.
    Save,
}

/// The options a client gives in `initializationOptions`.
#[derive(Debug, Clone)]
pub struct Options {
    pub check_on: CheckOn,
    pub debounce: Duration,
    /// The date review rules compare against (default: today).
    pub today: Option<chrono::NaiveDate>,
    /// Send the diagnostics of files that are not open (when the client cannot pull them).
    pub workspace_diagnostics: bool,
    /// A link for each rule's docs, with `{rule}` in it; none by default.
    pub rule_docs_url: Option<String>,
    /// Accept `healthpress/panic` (tests of the panic guard only).
    pub test_panic: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            check_on: CheckOn::Type,
            debounce: Duration::from_millis(20),
            today: None,
            workspace_diagnostics: true,
            rule_docs_url: None,
            test_panic: false,
        }
    }
}

impl Options {
    fn from_json(v: Option<&Value>) -> Options {
        let mut o = Options::default();
        let Some(v) = v else { return o };
        if v.get("checkOn").and_then(Value::as_str) == Some("save") {
            o.check_on = CheckOn::Save;
        }
        if let Some(ms) = v.get("debounceMs").and_then(Value::as_u64) {
            o.debounce = Duration::from_millis(ms.min(10_000));
        }
        o.today = v
            .get("today")
            .and_then(Value::as_str)
            .and_then(crate::content::parse_date);
        if let Some(b) = v.get("workspaceDiagnostics").and_then(Value::as_bool) {
            o.workspace_diagnostics = b;
        }
        o.rule_docs_url = v
            .get("ruleDocsUrl")
            .and_then(Value::as_str)
            .map(str::to_string);
        o.test_panic = v.get("testPanic").and_then(Value::as_bool) == Some(true);
        o
    }
}

/// Serve on a connection (stdio, or memory in tests). Returns whether the client shut
/// the server down before `exit` (the exit code is 0 then, 1 otherwise).
pub fn serve(connection: Connection) -> anyhow::Result<bool> {
    let (id, params) = connection.initialize_start()?;
    // LSP 3.17 spells it `workspace.diagnostics`; lsp-types 0.97 reads
    // `workspace.diagnostic`, so clients' `refreshSupport` is read from the JSON.
    let refresh = ["diagnostics", "diagnostic"]
        .iter()
        .any(|k| params["capabilities"]["workspace"][k]["refreshSupport"] == json!(true));
    let init: lsp::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let mut server = Server::new(connection, &init);
    server.refresh = refresh;
    let result = json!({
        "capabilities": server.capabilities(),
        "serverInfo": { "name": "healthpress", "version": env!("CARGO_PKG_VERSION") },
    });
    server.connection.initialize_finish(id, result)?;
    server.start();
    server.main_loop()
}

/// How long the server waits, after start-up and then after each message, for the
/// editor to open its documents before the whole pass (`Server::full_due`).
const SETTLE: Duration = Duration::from_millis(150);
/// The longest the whole pass waits after start-up.
const SETTLE_MAX: Duration = Duration::from_secs(2);

pub struct Server {
    pub connection: Connection,
    pub enc: Encoding,
    pub options: Options,
    /// The client pulls diagnostics (`textDocument/diagnostic`): none are pushed.
    pub pull: bool,
    /// The client takes `workspace/diagnostic/refresh`: after a change that may alter
    /// other files' findings (a changed id, a disclaimer, the config), it is asked to
    /// pull again, since it would not otherwise know.
    refresh: bool,
    /// The client watches files for the server when asked (dynamic registration).
    watch: bool,
    pub root: PathBuf,
    pub config_path: Option<PathBuf>,
    pub engine: Option<Engine>,
    pub docs: Open,
    dirty: HashMap<PathBuf, Instant>,
    /// When to run the whole pass that follows the start-up's index pass: once no
    /// message has come for `SETTLE` (the editor opens its documents first), and at the
    /// latest `SETTLE_MAX` after start-up.
    full_due: Option<(Instant, Instant)>,
    /// Files last sent with at least one diagnostic.
    published: HashSet<Uri>,
    config_published: bool,
    shutdown: bool,
    next_request: i32,
}

impl Server {
    fn new(connection: Connection, init: &lsp::InitializeParams) -> Server {
        let offers_utf8 = init
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|e| e.contains(&lsp::PositionEncodingKind::UTF8));
        let watch = init
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            == Some(true);
        let pull = init
            .capabilities
            .text_document
            .as_ref()
            .is_some_and(|t| t.diagnostic.is_some());
        #[allow(deprecated)]
        let root = init
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .and_then(|f| uri_to_path(&f.uri))
            .or_else(|| init.root_uri.as_ref().and_then(uri_to_path))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        Server {
            connection,
            enc: if offers_utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            },
            options: Options::from_json(init.initialization_options.as_ref()),
            pull,
            refresh: false,
            watch,
            root,
            config_path: None,
            engine: None,
            docs: Open::new(),
            dirty: HashMap::new(),
            full_due: None,
            published: HashSet::new(),
            config_published: false,
            shutdown: false,
            next_request: 0,
        }
    }

    fn capabilities(&self) -> Value {
        let encoding = match self.enc {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
        };
        let mut caps = json!({
            "positionEncoding": encoding,
            "textDocumentSync": {
                "openClose": true,
                "change": 1,
                "save": { "includeText": false },
            },
            "codeActionProvider": { "codeActionKinds": ["quickfix"] },
            "hoverProvider": true,
            "completionProvider": { "triggerCharacters": [":", "!", " ", "-"] },
            "definitionProvider": true,
            "referencesProvider": true,
            "renameProvider": { "prepareProvider": true },
            "documentSymbolProvider": true,
            "executeCommandProvider": { "commands": [actions::PREVIEW, actions::SIGN_OFF] },
        });
        if self.pull {
            caps["diagnosticProvider"] = json!({
                "identifier": "healthpress",
                "interFileDependencies": true,
                "workspaceDiagnostics": true,
            });
        }
        caps
    }

    fn today(&self) -> chrono::NaiveDate {
        self.options
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// Find the config and index the corpus, so that the documents the editor opens
    /// first get their diagnostics at once; the whole pass follows (`full_due`).
    fn start(&mut self) {
        match crate::config::Config::discover(&self.root) {
            Ok(path) => {
                self.config_path = Some(path.clone());
                match Engine::load_config(&path, None) {
                    Ok(config) => {
                        let mut engine = Engine::new(config, self.today());
                        match engine.index_pass(&self.docs) {
                            Ok(()) => {
                                self.engine = Some(engine);
                                let now = Instant::now();
                                self.full_due = Some((now + SETTLE, now + SETTLE_MAX));
                            }
                            Err(e) => self.config_diagnostic(&path, 0, &e.to_string()),
                        }
                    }
                    Err(e) => self.config_diagnostic(&path, e.line, &e.message),
                }
            }
            Err(e) => self.log(lsp::MessageType::WARNING, &e.message),
        }
        if self.engine.is_some() && self.watch {
            self.register_watchers();
        }
    }

    /// Load the config (from an open editor's text when given) and check everything.
    /// A broken config is one diagnostic on the config file; the last good one stays.
    fn reload(&mut self, text: Option<&str>) {
        let Some(path) = self.config_path.clone() else {
            return;
        };
        match Engine::load_config(&path, text) {
            Ok(config) => {
                self.clear_config_diagnostic(&path);
                let mut engine = Engine::new(config, self.today());
                if let Err(e) = engine.full_pass(&self.docs) {
                    self.config_diagnostic(&path, 0, &e.to_string());
                    return;
                }
                self.engine = Some(engine);
                self.publish_all();
            }
            Err(e) => self.config_diagnostic(&path, e.line, &e.message),
        }
    }

    fn config_diagnostic(&mut self, path: &Path, line: usize, message: &str) {
        let line = line.saturating_sub(1) as u32;
        let diagnostic = json!({
            "range": { "start": { "line": line, "character": 0 }, "end": { "line": line + 1, "character": 0 } },
            "severity": 1,
            "source": "healthpress",
            "code": "config",
            "message": format!("{message} (healthpress keeps the last good configuration until this is fixed)"),
        });
        self.config_published = true;
        self.notify(
            "textDocument/publishDiagnostics",
            json!({ "uri": path_to_uri(path), "diagnostics": [diagnostic] }),
        );
    }

    fn clear_config_diagnostic(&mut self, path: &Path) {
        if std::mem::take(&mut self.config_published) {
            self.notify(
                "textDocument/publishDiagnostics",
                json!({ "uri": path_to_uri(path), "diagnostics": [] }),
            );
        }
    }

    fn register_watchers(&mut self) {
        let params = json!({
            "registrations": [{
                "id": "healthpress-files",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": { "watchers": [
                    { "globPattern": "**/*.md" },
                    { "globPattern": "**/healthpress.toml" },
                ]},
            }],
        });
        self.request("client/registerCapability", params);
    }

    /// The whole pass after start-up, if it has not run: before anything that reads
    /// files other than the open documents (references, rename, workspace reports).
    fn complete_corpus(&mut self) {
        self.full_due = None;
        let Some(engine) = self.engine.as_mut().filter(|e| e.partial) else {
            return;
        };
        if engine.full_pass(&self.docs).is_err() {
            return;
        }
        // The open documents' reports are exact from the index pass (and an edit since
        // is sent when it is checked); the other files' are new.
        let names: Vec<Arc<str>> = engine
            .names_with_findings()
            .into_iter()
            .filter(|n| !self.docs.contains_key(&engine.config.root.join(&**n)))
            .collect();
        if self.pull && self.refresh {
            self.request("workspace/diagnostic/refresh", ());
        } else {
            self.publish(names);
        }
    }

    fn main_loop(&mut self) -> anyhow::Result<bool> {
        loop {
            let next = self
                .dirty
                .values()
                .copied()
                .chain(self.full_due.map(|(due, _)| due))
                .min();
            let msg = match next {
                Some(due) => {
                    let wait = due.saturating_duration_since(Instant::now());
                    match self.connection.receiver.recv_timeout(wait) {
                        Ok(m) => Some(m),
                        Err(crossbeam_channel::RecvTimeoutError::Timeout) => None,
                        Err(_) => return Ok(false),
                    }
                }
                None => match self.connection.receiver.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return Ok(false),
                },
            };
            if let Some(msg) = msg {
                if let Message::Notification(n) = &msg
                    && n.method == "exit"
                {
                    return Ok(self.shutdown);
                }
                if let Some((due, latest)) = &mut self.full_due {
                    *due = (Instant::now() + SETTLE).min(*latest);
                }
                self.guarded(msg);
            }
            self.check_due();
            if self.full_due.is_some_and(|(due, _)| due <= Instant::now()) {
                self.complete_corpus();
            }
        }
    }

    /// Handle one message; a panic becomes an error answer and a log line.
    fn guarded(&mut self, msg: Message) {
        let (id, method) = match &msg {
            Message::Request(r) => (Some(r.id.clone()), r.method.clone()),
            Message::Notification(n) => (None, n.method.clone()),
            Message::Response(_) => (None, String::new()),
        };
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| self.handle(msg)));
        if let Err(panic) = outcome {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let message = format!("healthpress: internal error in {method}: {what}");
            self.log(lsp::MessageType::ERROR, &message);
            if let Some(id) = id {
                self.respond(Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    message,
                ));
            }
        }
    }

    fn handle(&mut self, msg: Message) {
        match msg {
            Message::Request(req) => self.on_request(req),
            Message::Notification(n) => self.on_notification(n),
            Message::Response(_) => {}
        }
    }

    fn on_request(&mut self, req: Request) {
        if self.shutdown {
            self.respond(Response::new_err(
                req.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            ));
            return;
        }
        // An open document's own report is exact from the start-up index; anything
        // else may read other files.
        if !matches!(req.method.as_str(), "shutdown" | "textDocument/diagnostic") {
            self.complete_corpus();
        }
        let id = req.id.clone();
        let result: Result<Value, (ErrorCode, String)> = match req.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "healthpress/panic" if self.options.test_panic => panic!("a test panic"),
            "textDocument/codeAction" => params(req).map(|p| actions::code_actions(self, p)),
            "textDocument/hover" => params(req).map(|p| hover::hover(self, p)),
            "textDocument/completion" => params(req).map(|p| completion::complete(self, p)),
            "textDocument/definition" => params(req).map(|p| navigation::definition(self, p)),
            "textDocument/references" => params(req).map(|p| navigation::references(self, p)),
            "textDocument/prepareRename" => {
                params(req).and_then(|p| navigation::prepare_rename(self, p))
            }
            "textDocument/rename" => params(req).and_then(|p| navigation::rename(self, p)),
            "textDocument/documentSymbol" => params(req).map(|p| navigation::symbols(self, p)),
            "textDocument/diagnostic" => params(req).map(|p| diagnostics::pull(self, p)),
            "workspace/diagnostic" => params(req).map(|p| diagnostics::pull_workspace(self, p)),
            "workspace/executeCommand" => params(req).and_then(|p| actions::execute(self, p)),
            m => Err((ErrorCode::MethodNotFound, format!("unknown method {m}"))),
        };
        self.respond(match result {
            Ok(v) => Response::new_ok(id, v),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        });
    }

    fn on_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params)
                else {
                    return;
                };
                let doc = p.text_document;
                let Some(path) = uri_to_path(&doc.uri) else {
                    return;
                };
                self.docs.insert(
                    path.clone(),
                    Doc {
                        uri: doc.uri,
                        text: doc.text,
                        version: doc.version,
                    },
                );
                // Opening the config changes nothing until it is edited.
                if Some(&path) != self.config_path.as_ref() {
                    self.changed(path, true);
                }
            }
            "textDocument/didChange" => {
                let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                else {
                    return;
                };
                let Some(path) = uri_to_path(&p.text_document.uri) else {
                    return;
                };
                // Full sync: the last change holds the whole text. A change to a
                // document that was never opened is ignored.
                let Some(doc) = self.docs.get_mut(&path) else {
                    return;
                };
                if let Some(change) = p.content_changes.into_iter().last() {
                    doc.text = change.text;
                }
                doc.version = p.text_document.version;
                let now = self.options.check_on == CheckOn::Type;
                self.changed(path, now);
            }
            "textDocument/didSave" => {
                let Ok(p) = serde_json::from_value::<lsp::DidSaveTextDocumentParams>(n.params)
                else {
                    return;
                };
                if let Some(path) = uri_to_path(&p.text_document.uri) {
                    self.changed(path, true);
                }
            }
            "textDocument/didClose" => {
                let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params)
                else {
                    return;
                };
                let Some(path) = uri_to_path(&p.text_document.uri) else {
                    return;
                };
                if self.docs.remove(&path).is_some() {
                    // The disk's text is the corpus's (and the config's) again.
                    self.dirty.remove(&path);
                    if Some(&path) == self.config_path.as_ref() {
                        self.reload(None);
                    } else {
                        self.file_changed_on_disk(&path);
                    }
                }
            }
            "workspace/didChangeWatchedFiles" => {
                let Ok(p) = serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(n.params)
                else {
                    return;
                };
                let mut whole = false;
                for change in p.changes {
                    let Some(path) = uri_to_path(&change.uri) else {
                        continue;
                    };
                    if self.docs.contains_key(&path) {
                        continue;
                    }
                    if Some(&path) == self.config_path.as_ref() {
                        whole = true;
                        continue;
                    }
                    let kind = self.engine.as_ref().and_then(|e| e.kind_of(&path));
                    match kind {
                        Some(crate::content::FileKind::Disclaimer) => whole = true,
                        Some(_) if change.typ == lsp::FileChangeType::DELETED => {
                            let names = self.engine.as_mut().map(|e| e.remove(&path));
                            self.publish(names.unwrap_or_default());
                        }
                        Some(_) => self.file_changed_on_disk(&path),
                        None => {}
                    }
                }
                if whole {
                    self.reload(None);
                }
            }
            _ => {}
        }
    }

    /// A document's text changed: check it now (`now`) or leave it for the save.
    fn changed(&mut self, path: PathBuf, now: bool) {
        if now {
            self.dirty
                .insert(path, Instant::now() + self.options.debounce);
        }
    }

    /// Check the documents whose debounce time has passed.
    fn check_due(&mut self) {
        let now = Instant::now();
        let due: Vec<PathBuf> = self
            .dirty
            .iter()
            .filter(|(_, t)| **t <= now)
            .map(|(p, _)| p.clone())
            .collect();
        for path in due {
            self.dirty.remove(&path);
            self.check_document(&path);
        }
    }

    fn check_document(&mut self, path: &Path) {
        if Some(path) == self.config_path.as_deref() {
            let text = self.docs.get(path).map(|d| d.text.clone());
            self.reload(text.as_deref());
            return;
        }
        let Some(engine) = self.engine.as_mut() else {
            return;
        };
        match engine.kind_of(path) {
            // Every article's rules read the disclaimers.
            Some(crate::content::FileKind::Disclaimer) if engine.full_pass(&self.docs).is_ok() => {
                self.publish_all();
            }
            Some(crate::content::FileKind::Disclaimer) => {}
            Some(_) => {
                let text = self.docs.get(path).map(|d| d.text.as_str());
                let names = engine.update(path, text, &self.docs);
                self.publish(names);
            }
            None => {}
        }
    }

    fn file_changed_on_disk(&mut self, path: &Path) {
        let names = match self.engine.as_mut() {
            Some(e) if e.kind_of(path) == Some(crate::content::FileKind::Disclaimer) => {
                self.reload(None);
                return;
            }
            Some(e) if path.is_file() => e.update(path, None, &self.docs),
            Some(e) => e.remove(path),
            None => return,
        };
        self.publish(names);
    }

    /// Send the diagnostics of every file with findings, and clear the files that had some.
    fn publish_all(&mut self) {
        let Some(engine) = &self.engine else { return };
        let mut names = engine.names_with_findings();
        for doc in self.docs.keys() {
            names.push(engine.name_of(doc));
        }
        let published: Vec<Arc<str>> = self
            .published
            .iter()
            .filter_map(uri_to_path)
            .map(|p| engine.name_of(&p))
            .collect();
        names.extend(published);
        names.sort();
        names.dedup();
        self.publish(names);
    }

    /// Push the diagnostics of these files (open ones always; others when the client
    /// takes workspace diagnostics by push).
    fn publish(&mut self, names: Vec<Arc<str>>) {
        if self.pull {
            // The client pulls the report of the document it edits itself; what it
            // cannot see is that findings changed in other files.
            let others = match names.as_slice() {
                [] => false,
                [one] => self
                    .engine
                    .as_ref()
                    .is_none_or(|e| !self.docs.contains_key(&e.config.root.join(&**one))),
                _ => true,
            };
            if self.refresh && others {
                self.request("workspace/diagnostic/refresh", ());
            }
            return;
        }
        let Some(engine) = &self.engine else { return };
        let mut out = Vec::new();
        for name in names {
            let path = engine.config.root.join(&*name);
            if engine.kind_of(&path).is_none() {
                continue;
            }
            let open = self.docs.get(&path);
            // Until the whole pass, only the open documents' reports are complete.
            if open.is_none() && (!self.options.workspace_diagnostics || engine.partial) {
                continue;
            }
            let uri = open
                .map(|d| d.uri.clone())
                .unwrap_or_else(|| path_to_uri(&path));
            let list = diagnostics::of_file(self, engine, &name);
            if list.is_empty() && !self.published.contains(&uri) && open.is_none() {
                continue;
            }
            out.push((uri, list, open.map(|d| d.version)));
        }
        for (uri, list, version) in out {
            if list.is_empty() {
                self.published.remove(&uri);
            } else {
                self.published.insert(uri.clone());
            }
            let params = lsp::PublishDiagnosticsParams {
                uri,
                diagnostics: list,
                version,
            };
            self.notify("textDocument/publishDiagnostics", params);
        }
    }

    pub fn notify(&self, method: &str, params: impl serde::Serialize) {
        let _ = self
            .connection
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )));
    }

    fn request(&mut self, method: &str, params: impl serde::Serialize) {
        self.next_request += 1;
        let id = RequestId::from(format!("healthpress-{}", self.next_request));
        let _ =
            self.connection
                .sender
                .send(Message::Request(Request::new(id, method.into(), params)));
    }

    fn respond(&self, r: Response) {
        let _ = self.connection.sender.send(Message::Response(r));
    }

    pub fn log(&self, typ: lsp::MessageType, message: &str) {
        self.notify(
            "window/logMessage",
            lsp::LogMessageParams {
                typ,
                message: message.into(),
            },
        );
    }

    /// The open text of a document, if open.
    pub fn text_of(&self, path: &Path) -> Option<&str> {
        self.docs.get(path).map(|d| d.text.as_str())
    }

    /// The parsed article at `uri` (open text or disk), with its path.
    pub fn article_at(&self, uri: &Uri) -> Option<(PathBuf, crate::content::Article)> {
        let engine = self.engine.as_ref()?;
        let path = uri_to_path(uri)?;
        let text = self.text_of(&path);
        if text.is_none() && !path.is_file() {
            return None;
        }
        let article = engine.article(&path, text)?;
        Some((path, article))
    }

    /// Make sure a dirty document's diagnostics are current (before a pull, an action).
    pub fn settle(&mut self, path: &Path) {
        if self.dirty.remove(path).is_some() {
            self.check_document(path);
        }
    }
}

type Handled<T> = Result<T, (ErrorCode, String)>;

fn params<P: serde::de::DeserializeOwned>(req: Request) -> Handled<P> {
    serde_json::from_value(req.params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

/// The file path of a `file:` URI, percent-decoded.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(out)))
    }
    #[cfg(not(unix))]
    {
        Some(PathBuf::from(String::from_utf8_lossy(&out).into_owned()))
    }
}

/// The `file:` URI of a path, percent-encoding all but unreserved characters and `/`.
pub fn path_to_uri(path: &Path) -> Uri {
    let mut s = String::from("file://");
    for &b in path.to_string_lossy().as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b'_' | b'~') {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.parse()
        .unwrap_or_else(|_| "file:///".parse().expect("a valid URI"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Paths with spaces, `%`, `#` and non-ASCII names survive the trip to a URI and back.
    #[test]
    fn uris_round_trip() {
        for p in ["/tmp/a b/c%d#e.md", "/tmp/é/中.md", "/x"] {
            let uri = path_to_uri(Path::new(p));
            assert!(!uri.as_str().contains(' '), "{}", uri.as_str());
            assert_eq!(uri_to_path(&uri).unwrap(), PathBuf::from(p));
        }
        let other: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&other), None);
    }
}
