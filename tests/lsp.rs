//! `healthpress lsp`, driven over the protocol in memory: a client sends what an
//! editor sends and reads what the server answers and pushes.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

use common::{edit, repo_project};

const POSTURE: &str = "content/pregnancy/posture-in-pregnancy.md";

struct Client {
    conn: Connection,
    server: Option<std::thread::JoinHandle<anyhow::Result<bool>>>,
    pending: VecDeque<Notification>,
    /// The methods of the requests the server sent, in order.
    requests: Vec<String>,
    next: i32,
    root: PathBuf,
}

fn uri(path: &Path) -> String {
    healthpress::lsp::path_to_uri(path).as_str().to_string()
}

impl Client {
    /// Start a server on `root` with these initialization options and capabilities.
    fn start_with(root: &Path, options: Value, capabilities: Value) -> Client {
        let (client, server) = Connection::memory();
        let handle = std::thread::spawn(move || healthpress::lsp::serve(server));
        let mut c = Client {
            conn: client,
            server: Some(handle),
            pending: VecDeque::new(),
            requests: Vec::new(),
            next: 0,
            root: root.to_path_buf(),
        };
        let mut options = options;
        options["today"] = json!("2026-11-25");
        options["debounceMs"] = json!(0);
        let init = c.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        assert!(init["capabilities"].is_object(), "{init}");
        c.notify("initialized", json!({}));
        c
    }

    fn start(root: &Path) -> Client {
        Client::start_with(root, json!({}), json!({}))
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .unwrap();
    }

    /// Send a request and wait for its answer (the result, or the error object).
    fn call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.conn.receiver.recv_timeout(left) {
                Ok(Message::Response(r)) if r.id == id => {
                    return r
                        .response_result
                        .map_err(|e| json!({ "code": e.code, "message": e.message }));
                }
                Ok(Message::Notification(n)) => self.pending.push_back(n),
                Ok(Message::Request(r)) => self.requests.push(r.method),
                Ok(_) => {}
                Err(e) => panic!("no answer to {method}: {e:?}"),
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    /// Wait for the next diagnostics pushed for `path`.
    fn diagnostics(&mut self, path: &Path) -> Vec<Value> {
        let want = uri(path);
        if let Some(i) = self
            .pending
            .iter()
            .position(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == want)
        {
            let n = self.pending.remove(i).unwrap();
            return n.params["diagnostics"].as_array().unwrap().clone();
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.conn.receiver.recv_timeout(left) {
                Ok(Message::Notification(n))
                    if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == want =>
                {
                    return n.params["diagnostics"].as_array().unwrap().clone();
                }
                Ok(Message::Notification(n)) => self.pending.push_back(n),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => panic!("no diagnostics for {want}"),
                Err(e) => panic!("server gone: {e:?}"),
            }
        }
    }

    /// Wait for diagnostics for `path` that satisfy `pred` (earlier pushes are skipped).
    fn diagnostics_until(&mut self, path: &Path, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        loop {
            let d = self.diagnostics(path);
            if pred(&d) {
                return d;
            }
        }
    }

    /// Whether diagnostics for `path` come within `wait`.
    fn diagnostics_within(&mut self, path: &Path, wait: Duration) -> Option<Vec<Value>> {
        let want = uri(path);
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.conn.receiver.recv_timeout(left) {
                Ok(Message::Notification(n))
                    if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == want =>
                {
                    return Some(n.params["diagnostics"].as_array().unwrap().clone());
                }
                Ok(Message::Notification(n)) => self.pending.push_back(n),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }

    fn open(&mut self, rel: &str) -> (PathBuf, String) {
        let path = self.root.join(rel);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(&path), "languageId": "markdown", "version": 1, "text": text } }),
        );
        (path, text)
    }

    fn change(&self, path: &Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri(path), "version": version },
                "contentChanges": [{ "text": text }],
            }),
        );
    }

    /// Shut down and exit; returns the server loop's result.
    fn stop(mut self) -> bool {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap().unwrap()
    }
}

fn rules_of(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// The first diagnostic of `rule`.
fn find<'a>(diags: &'a [Value], rule: &str) -> &'a Value {
    diags
        .iter()
        .find(|d| d["code"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {:?}", rules_of(diags)))
}

// Opening a clean article gives an empty list; an unsaved edit that removes the
// URGENT callout is reported at once, with rule, source and severity; undoing it clears.
#[test]
fn diagnostics_follow_unsaved_edits() {
    let dir = repo_project();
    let mut c = Client::start(dir.path());
    let (path, text) = c.open(POSTURE);
    assert_eq!(c.diagnostics(&path), Vec::<Value>::new());
    let broken = text.replace("[!URGENT]", "[!NOTE]");
    assert_ne!(broken, text);
    c.change(&path, 2, &broken);
    let diags = c.diagnostics(&path);
    let d = find(&diags, "missing-urgent-help");
    assert_eq!(d["source"], "healthpress");
    assert_eq!(d["severity"], 1);
    // The disk still has the callout: the unsaved text is what was checked.
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("[!URGENT]")
    );
    c.change(&path, 3, &text);
    assert_eq!(c.diagnostics(&path), Vec::<Value>::new());
    assert!(c.stop());
}

// The range is exact, in UTF-16 by default and in bytes when the client offers UTF-8:
// a word after a multi-byte character lands where each encoding counts it.
#[test]
fn ranges_use_the_negotiated_encoding() {
    let dir = repo_project();
    for (caps, expected_start) in [
        (json!({}), 2u64),
        (
            json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } }),
            4,
        ),
    ] {
        let mut c = Client::start_with(dir.path(), json!({}), caps);
        let (path, text) = c.open(POSTURE);
        c.diagnostics(&path);
        // "😀" before a placeholder: 2 UTF-16 units, 4 bytes.
        let edited = text.replacen("As your bump grows", "😀TODO As your bump grows", 1);
        c.change(&path, 2, &edited);
        let diags = c.diagnostics(&path);
        let d = find(&diags, "placeholder-text");
        assert_eq!(d["range"]["start"]["character"], expected_start, "{d}");
        c.stop();
    }
}

// A finding that involves another file names it: a duplicate id points at the
// other article as related information.
#[test]
fn duplicate_id_has_related_information() {
    let dir = repo_project();
    let mut c = Client::start(dir.path());
    let (path, text) = c.open(POSTURE);
    c.diagnostics(&path);
    c.change(
        &path,
        2,
        &text.replacen("id: posture-in-pregnancy", "id: back-care-after-birth", 1),
    );
    let diags = c.diagnostics(&path);
    let d = find(&diags, "duplicate-id");
    let related = d["relatedInformation"].as_array().unwrap();
    assert!(
        related[0]["location"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("back-care-after-birth.md"),
        "{d}"
    );
    // The other file, not open, gets its side of the finding pushed too.
    let other = dir
        .path()
        .join("content/pregnancy/back-care-after-birth.md");
    let theirs = c.diagnostics(&other);
    find(&theirs, "duplicate-id");
    c.stop();
}

// Start-up answers the document the editor opens from an index of the corpus, before
// the whole pass that follows: its report is the first sent and is exactly what a
// re-check gives; the other files' findings come after, and the open document's report
// is not sent twice.
#[test]
fn start_up_answers_the_open_document_first() {
    let dir = repo_project();
    let posture = dir.path().join(POSTURE);
    let text = std::fs::read_to_string(&posture).unwrap();
    let other = dir.path().join("content/pregnancy/other-article.md");
    let copy = text.replacen("id: posture-in-pregnancy", "id: other-article", 1);
    std::fs::write(&other, format!("{copy}\nTODO: finish this.\n")).unwrap();
    let opened = format!("{text}\nSee [this](article:no-such-article).\n");
    std::fs::write(&posture, &opened).unwrap();
    let mut c = Client::start(dir.path());
    c.open(POSTURE);
    let first = match c.conn.receiver.recv_timeout(Duration::from_secs(30)) {
        Ok(Message::Notification(n)) if n.method == "textDocument/publishDiagnostics" => n,
        other => panic!("expected diagnostics first, got {other:?}"),
    };
    assert_eq!(first.params["uri"], uri(&posture), "{first:?}");
    let ours = first.params["diagnostics"].as_array().unwrap().clone();
    find(&ours, "broken-link");
    find(&c.diagnostics(&other), "placeholder-text");
    assert!(
        c.diagnostics_within(&posture, Duration::from_millis(500))
            .is_none()
    );
    c.change(&posture, 2, &opened);
    assert_eq!(c.diagnostics(&posture), ours);
    c.stop();
}

// On-save mode: edits are not checked until the save.
#[test]
fn check_on_save_waits_for_the_save() {
    let dir = repo_project();
    let mut c = Client::start_with(dir.path(), json!({ "checkOn": "save" }), json!({}));
    let (path, text) = c.open(POSTURE);
    assert!(c.diagnostics(&path).is_empty());
    c.change(&path, 2, &text.replace("[!URGENT]", "[!NOTE]"));
    assert!(
        c.diagnostics_within(&path, Duration::from_millis(300))
            .is_none()
    );
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri(&path) } }),
    );
    find(&c.diagnostics(&path), "missing-urgent-help");
    c.stop();
}

// Nothing a client sends kills the server: a change to a document never opened,
// positions far out of range, a non-file URI, garbage params, an unknown method, a
// 5 MB paste, a panic inside a request; after shutdown, requests are refused.
#[test]
fn hostile_input_never_kills_the_server() {
    let dir = repo_project();
    let mut c = Client::start_with(dir.path(), json!({ "testPanic": true }), json!({}));
    let (path, text) = c.open(POSTURE);
    c.diagnostics(&path);
    let ghost = dir.path().join("content/pregnancy/never-opened.md");
    c.change(&ghost, 2, "---\nid: x\n---\n");
    let far = json!({ "textDocument": { "uri": uri(&path) }, "position": { "line": 99999, "character": 99999 } });
    c.call("textDocument/hover", far.clone()).unwrap();
    c.call("textDocument/completion", far.clone()).unwrap();
    c.call("textDocument/definition", far).unwrap();
    let not_file = json!({ "textDocument": { "uri": "untitled:Untitled-1" }, "position": { "line": 0, "character": 0 } });
    c.call("textDocument/hover", not_file).unwrap();
    assert!(
        c.call("textDocument/hover", json!({ "nonsense": 1 }))
            .is_err()
    );
    assert!(c.call("no/such/method", json!({})).is_err());
    let err = c.call("healthpress/panic", json!({})).unwrap_err();
    assert!(
        err["message"].as_str().unwrap().contains("internal error"),
        "{err}"
    );
    // A 5 MB paste: over the 4 MB file limit, so it is reported, not parsed.
    let huge = format!("{text}{}", "word ".repeat(1_000_000));
    let started = Instant::now();
    c.change(&path, 2, &huge);
    let diags = c.diagnostics(&path);
    assert!(started.elapsed() < Duration::from_secs(10));
    find(&diags, "unreadable-file");
    // Hundreds of findings: every quick fix for the whole document, answered promptly.
    let many = format!("{text}{}", "\nTODO this is guaranteed (\n".repeat(2000));
    c.change(&path, 3, &many);
    assert!(c.diagnostics(&path).len() >= 200);
    let started = Instant::now();
    let all = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri(&path) },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 99999, "character": 0 } },
                "context": { "diagnostics": [] } }),
    );
    assert!(all.as_array().unwrap().len() >= 200);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // Still answering, and checking.
    c.change(&path, 4, &text);
    assert!(c.diagnostics(&path).is_empty());
    c.request("shutdown", Value::Null);
    let refused = c.call("textDocument/hover", json!({})).unwrap_err();
    assert_eq!(refused["code"], -32600);
    c.notify("exit", Value::Null);
    assert!(c.server.take().unwrap().join().unwrap().unwrap());
}

// A broken healthpress.toml is one diagnostic on the config file, and the server goes
// on with the last good config; fixing it clears the diagnostic.
#[test]
fn broken_config_is_a_diagnostic_not_a_dead_server() {
    let dir = repo_project();
    let mut c = Client::start(dir.path());
    let (path, _) = c.open(POSTURE);
    c.diagnostics(&path);
    let (toml, good) = c.open("healthpress.toml");
    c.change(&toml, 2, &format!("{good}\nnot valid toml ==="));
    let diags = c.diagnostics(&toml);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "config");
    c.change(&toml, 3, &good);
    assert!(c.diagnostics(&toml).is_empty());
    // A config edit re-checks the articles: turning a rule off clears its findings.
    let text = std::fs::read_to_string(&path).unwrap();
    c.change(&path, 2, &text.replace("[!URGENT]", "[!NOTE]"));
    c.diagnostics_until(&path, |d| !d.is_empty());
    let off = good.replace("callouts = [\"URGENT\"]", "callouts = []");
    assert_ne!(off, good);
    c.change(&toml, 4, &off);
    c.diagnostics_until(&path, |d| {
        !rules_of(d).contains(&"missing-urgent-help".to_string())
    });
    // Closed unsaved, the config on disk is the config again.
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri(&toml) } }),
    );
    c.diagnostics_until(&path, |d| {
        rules_of(d).contains(&"missing-urgent-help".to_string())
    });
    c.stop();
}

// Pull diagnostics: a client that can pull gets no pushes, and both the document and
// the workspace reports carry findings (a file that is not open included).
#[test]
fn pull_diagnostics_for_documents_and_workspace() {
    let dir = repo_project();
    let other = dir
        .path()
        .join("content/pregnancy/back-care-after-birth.md");
    edit(&other, "[!URGENT]", "[!NOTE]");
    let mut c = Client::start_with(
        dir.path(),
        json!({}),
        json!({ "textDocument": { "diagnostic": { "dynamicRegistration": false } } }),
    );
    let (path, text) = c.open(POSTURE);
    c.change(&path, 2, &text.replace("[!URGENT]", "[!NOTE]"));
    let report = c.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": uri(&path) } }),
    );
    assert_eq!(report["kind"], "full");
    find(report["items"].as_array().unwrap(), "missing-urgent-help");
    let ws = c.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
    let items = ws["items"].as_array().unwrap();
    let theirs = items
        .iter()
        .find(|i| i["uri"] == uri(&other))
        .expect("the closed file is in the workspace report");
    find(theirs["items"].as_array().unwrap(), "missing-urgent-help");
    assert!(
        c.diagnostics_within(&path, Duration::from_millis(200))
            .is_none(),
        "no push to a pull client"
    );
    c.stop();
}

// A pull client that takes refreshes is asked to pull again when an edit changes the
// findings of other files (an id that others link to), and only then: an edit that
// touches this document alone is in the report it pulls anyway.
#[test]
fn pull_clients_are_asked_to_refresh_when_other_files_change() {
    let dir = repo_project();
    let capabilities = json!({
        "textDocument": { "diagnostic": { "dynamicRegistration": false } },
        "workspace": { "diagnostics": { "refreshSupport": true } },
    });
    let mut c = Client::start_with(dir.path(), json!({}), capabilities);
    let (path, text) = c.open(POSTURE);
    let pull = |c: &mut Client| {
        c.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri(&path) } }),
        )
    };
    pull(&mut c);
    // A workspace report reads every file's links: the whole pass that follows start-up
    // runs first (its refresh is not the one this test waits for).
    c.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
    let refreshes = |c: &Client| {
        c.requests
            .iter()
            .filter(|m| *m == "workspace/diagnostic/refresh")
            .count()
    };
    let before = refreshes(&c);
    c.change(&path, 2, &text.replace("[!URGENT]", "[!NOTE]"));
    pull(&mut c);
    assert_eq!(refreshes(&c), before, "an edit of this file alone");
    // Other articles link to this one: a new id breaks their links.
    let renamed = text.replace("id: posture-in-pregnancy", "id: posture-when-pregnant");
    assert_ne!(renamed, text);
    c.change(&path, 3, &renamed);
    pull(&mut c);
    assert!(refreshes(&c) > before, "{:?}", c.requests);
    c.stop();
}

/// Apply LSP text edits (UTF-16 positions) to a text, as an editor would.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |pos: &Value| -> usize {
        let line = pos["line"].as_u64().unwrap() as usize;
        let character = pos["character"].as_u64().unwrap() as usize;
        let mut at = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i == line {
                let mut units = 0;
                for (j, c) in l.char_indices() {
                    if units >= character || c == '\n' {
                        return at + j;
                    }
                    units += c.len_utf16();
                }
                return at + l.len();
            }
            at += l.len();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, e, t) in spans {
        out.replace_range(s..e, t);
    }
    out
}

impl Client {
    /// The code actions offered for a diagnostic's range.
    fn actions_for(&mut self, path: &Path, diagnostic: &Value) -> Vec<Value> {
        let r = self.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri(path) },
                "range": diagnostic["range"],
                "context": { "diagnostics": [diagnostic] },
            }),
        );
        r.as_array().unwrap().clone()
    }
}

/// The action whose title contains `needle`, applied to `text`.
fn apply_action(actions: &[Value], needle: &str, path: &Path, text: &str) -> (String, String) {
    let a = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains(needle))
        .unwrap_or_else(|| panic!("no action with {needle:?} in {actions:?}"));
    let edits = a["edit"]["changes"][uri(path)].as_array().unwrap();
    (
        a["title"].as_str().unwrap().to_string(),
        apply_edits(text, edits),
    )
}

// A misspelt enum value: the fix the diagnostic suggests is a code action, and
// applying it clears the finding. No disable action: schema findings are not in the body.
#[test]
fn quick_fix_replaces_a_misspelt_value() {
    let dir = repo_project();
    let mut c = Client::start(dir.path());
    let (path, text) = c.open(POSTURE);
    c.diagnostics(&path);
    let typo = text.replacen("audience: patient", "audience: patinet", 1);
    c.change(&path, 2, &typo);
    let diags = c.diagnostics(&path);
    let d = find(&diags, "schema").clone();
    let actions = c.actions_for(&path, &d);
    assert!(
        !actions
            .iter()
            .any(|a| a["title"].as_str().unwrap().contains("Disable"))
    );
    let (title, fixed) = apply_action(&actions, "Replace `patinet` with `patient`", &path, &typo);
    // The sign-off covers the audience (what patients see), so the fix says so.
    assert!(
        title.contains("sign-off is needed again"),
        "audience is signed-off content: {title}"
    );
    assert_eq!(fixed, text);
    c.change(&path, 3, &fixed);
    assert!(c.diagnostics(&path).is_empty());
    // An unknown field's spelling too.
    let typo = text.replacen("summary:", "sumary:", 1);
    c.change(&path, 4, &typo);
    let diags = c.diagnostics(&path);
    let d = diags
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("sumary"))
        .unwrap()
        .clone();
    let (_, fixed) = apply_action(&c.actions_for(&path, &d), "with `summary`", &path, &typo);
    assert_eq!(fixed, text);
    c.stop();
}

// A missing disclaimer is added to the front matter; the article is signed off, so the
// title says sign-off is needed again; safety findings never offer a disable.
#[test]
fn quick_fix_adds_a_missing_disclaimer() {
    let dir = repo_project();
    let mut c = Client::start(dir.path());
    let (path, text) = c.open(POSTURE);
    c.diagnostics(&path);
    let without = text.replacen(
        "disclaimers: [general-medical, pregnancy]",
        "disclaimers: [general-medical]",
        1,
    );
    c.change(&path, 2, &without);
    let diags = c.diagnostics(&path);
    let d = find(&diags, "missing-disclaimer").clone();
    let actions = c.actions_for(&path, &d);
    assert!(
        !actions
            .iter()
            .any(|a| a["title"].as_str().unwrap().contains("Disable"))
    );
    let (title, fixed) = apply_action(&actions, "Add the `pregnancy` disclaimer", &path, &without);
    assert!(title.contains("sign-off is needed again"), "{title}");
    assert_eq!(fixed, text);
    c.change(&path, 3, &fixed);
    assert!(c.diagnostics(&path).is_empty());
    // With no `disclaimers` key at all, the line is added.
    let none = text.replacen("disclaimers: [general-medical, pregnancy]\n", "", 1);
    c.change(&path, 4, &none);
    let diags = c.diagnostics(&path);
    let d = find(&diags, "missing-disclaimer").clone();
    let (_, fixed) = apply_action(&c.actions_for(&path, &d), "disclaimer", &path, &none);
    c.change(&path, 5, &fixed);
    let after = c.diagnostics(&path);
    let rules = rules_of(&after);
    assert!(
        !rules.contains(&"missing-disclaimer".to_string()),
        "{fixed}\n{rules:?}"
    );
    assert!(!rules.contains(&"schema".to_string()), "{rules:?}");
    c.stop();
}

// Missing callouts get a skeleton to fill in, and consult advice in a paragraph is
// moved into a `[!CONSULT]` callout; either way the safety finding is gone.
#[test]
fn quick_fixes_for_callouts() {
    let dir = repo_project();
    let mut c = Client::start(dir.path());
    let (path, text) = c.open(POSTURE);
    c.diagnostics(&path);
    let no_urgent = text.replacen("[!URGENT]", "[!NOTE]", 1);
    c.change(&path, 2, &no_urgent);
    let d = find(&c.diagnostics(&path), "missing-urgent-help").clone();
    let (_, fixed) = apply_action(&c.actions_for(&path, &d), "[!URGENT]", &path, &no_urgent);
    assert!(fixed.ends_with("> [!URGENT]\n> Call 999 or go to A&E if <red flag>. Call your midwife or NHS 111 straight away if <red flag>.\n"));
    c.change(&path, 3, &fixed);
    let rules = rules_of(&c.diagnostics(&path));
    assert!(
        !rules.contains(&"missing-urgent-help".to_string()),
        "{rules:?}"
    );

    let inline = text.replacen(
        "> [!CONSULT]\n> Ask your midwife",
        "Keep moving. Ask your midwife",
        1,
    );
    assert_ne!(inline, text);
    c.change(&path, 4, &inline);
    let d = find(&c.diagnostics(&path), "missing-consult-note").clone();
    let (_, fixed) = apply_action(
        &c.actions_for(&path, &d),
        "Move this consult advice",
        &path,
        &inline,
    );
    assert!(
        fixed.contains("Keep moving. A physiotherapist can check your posture and give you exercises.\n\n> [!CONSULT]\n> Ask your midwife or GP about a referral"),
        "{fixed}"
    );
    c.change(&path, 5, &fixed);
    let rules = rules_of(&c.diagnostics(&path));
    assert!(
        !rules.contains(&"missing-consult-note".to_string()),
        "{rules:?}"
    );
    c.stop();
}

// A non-safety finding in the body can be disabled for the next line; the comment
// silences it.
#[test]
fn quick_fix_disables_a_non_safety_rule_for_the_next_line() {
    let dir = repo_project();
    let mut c = Client::start(dir.path());
    let (path, text) = c.open(POSTURE);
    c.diagnostics(&path);
    let claim = text.replacen(
        "Small changes",
        "This is guaranteed to work. Small changes",
        1,
    );
    c.change(&path, 2, &claim);
    let d = find(&c.diagnostics(&path), "absolute-claim").clone();
    let (title, fixed) = apply_action(
        &c.actions_for(&path, &d),
        "Disable `absolute-claim`",
        &path,
        &claim,
    );
    assert!(
        title.contains("sign-off is needed again"),
        "the body is signed off: {title}"
    );
    c.change(&path, 3, &fixed);
    let rules = rules_of(&c.diagnostics(&path));
    assert!(!rules.contains(&"absolute-claim".to_string()), "{rules:?}");
    c.stop();
}

// One session with an editor client nobody on this project wrote: Neovim's built-in
// LSP client opens an article, sees the diagnostics of an unsaved edit, applies the
// quick fix the server offers, and sees them clear. Needs `nvim` (CI installs
// Debian's neovim); prints the session's transcript and the RPC log.
#[test]
#[ignore]
fn neovim_end_to_end() {
    let dir = repo_project();
    let home = tempfile::tempdir().unwrap();
    let transcript = home.path().join("transcript.txt");
    let script = common::repo().join("tests/editors/neovim.lua");
    let status = std::process::Command::new("nvim")
        .args(["--headless", "--clean", "-u"])
        .arg(&script)
        .env("HEALTHPRESS_BIN", env!("CARGO_BIN_EXE_healthpress"))
        .env("HEALTHPRESS_ROOT", dir.path())
        .env("HEALTHPRESS_TRANSCRIPT", &transcript)
        .env("XDG_CACHE_HOME", home.path())
        .env("XDG_STATE_HOME", home.path())
        .env("HOME", home.path())
        .stdin(std::process::Stdio::null())
        .status()
        .expect("nvim runs");
    let text = std::fs::read_to_string(&transcript).unwrap_or_default();
    println!("--- Neovim session transcript\n{text}");
    // The protocol as the client logged it: one line per message, cut short.
    let log = std::fs::read_to_string(home.path().join("nvim/lsp.log")).unwrap_or_default();
    println!("--- Neovim's LSP log (messages)");
    for line in log.lines().filter(|l| {
        l.contains("\"rpc.send\"") || l.contains("\"rpc.receive\"") || l.contains("\"decoded\"")
    }) {
        let short: String = line.chars().take(220).collect();
        println!("{short}");
    }
    assert!(status.success(), "nvim failed: {status}\n{text}");
    assert!(text.contains("\nPASS"), "{text}");
    assert!(text.contains("[schema]"), "{text}");
    assert!(text.contains("diagnostics cleared: 0"), "{text}");
}

/// The position (UTF-16, ASCII text here) of the first `needle` in `text`, plus `extra` characters.
fn pos_of(text: &str, needle: &str, extra: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"))
        + extra;
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    json!({ "line": line, "character": col })
}

fn at(path: &Path, pos: Value) -> Value {
    json!({ "textDocument": { "uri": uri(path) }, "position": pos })
}

// Hover explains the rule of the finding under the cursor, and shows an article
// link's target (title, summary, status, review dates) and a disclaimer's text.
#[test]
fn hover_explains_rules_and_shows_targets() {
    let dir = repo_project();
    let mut c = Client::start(dir.path());
    let (path, text) = c.open(POSTURE);
    c.diagnostics(&path);
    let h = c.request(
        "textDocument/hover",
        at(
            &path,
            pos_of(&text, "article:sleeping-positions-in-pregnancy", 10),
        ),
    );
    let v = h["contents"]["value"].as_str().unwrap();
    assert!(v.contains("Sleeping positions in pregnancy"), "{v}");
    assert!(v.contains("status: published"), "{v}");
    assert!(v.contains("next review: 20"), "{v}");
    let h = c.request(
        "textDocument/hover",
        at(&path, pos_of(&text, "related: [why-pregnancy", 12)),
    );
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("why-pregnancy-causes-back-pain")
    );
    let h = c.request(
        "textDocument/hover",
        at(&path, pos_of(&text, "general-medical, pregnancy]", 2)),
    );
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("disclaimer `general-medical`"),
        "{h}"
    );
    let claim = text.replacen(
        "Small changes",
        "This is guaranteed to work. Small changes",
        1,
    );
    c.change(&path, 2, &claim);
    c.diagnostics(&path);
    let h = c.request(
        "textDocument/hover",
        at(&path, pos_of(&claim, "guaranteed", 2)),
    );
    let v = h["contents"]["value"].as_str().unwrap();
    assert!(
        v.contains("**absolute-claim**") && v.contains("Why it matters"),
        "{v}"
    );
    // Nothing under the cursor: no hover.
    let h = c.request(
        "textDocument/hover",
        at(&path, pos_of(&claim, "Stand tall", 2)),
    );
    assert!(h.is_null(), "{h}");
    c.stop();
}

fn labels(r: &Value) -> Vec<String> {
    r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

// Completion offers what the policy and the corpus know, where each belongs.
#[test]
fn completion_knows_the_policy_and_the_corpus() {
    let dir = repo_project();
    let mut c = Client::start(dir.path());
    let (path, text) = c.open(POSTURE);
    c.diagnostics(&path);
    let edited = text
        .replacen(
            "topics: [pregnancy, musculoskeletal]",
            "topics: [pregnancy, ]",
            1,
        )
        .replacen("Stand tall", "> [!\n\nSee [x](article:\n\nStand tall", 1);
    c.change(&path, 2, &edited);
    c.diagnostics(&path);
    let topics = labels(&c.request(
        "textDocument/completion",
        at(&path, pos_of(&edited, "topics: [pregnancy, ", 20)),
    ));
    assert!(
        topics.contains(&"musculoskeletal".to_string()) && topics.contains(&"sleep".to_string()),
        "{topics:?}"
    );
    let aud = labels(&c.request(
        "textDocument/completion",
        at(&path, pos_of(&edited, "audience: ", 10)),
    ));
    assert_eq!(aud, ["patient", "caregiver", "professional"]);
    let status = labels(&c.request(
        "textDocument/completion",
        at(&path, pos_of(&edited, "status: ", 8)),
    ));
    assert!(status.contains(&"retired".to_string()));
    let disc = labels(&c.request(
        "textDocument/completion",
        at(&path, pos_of(&edited, "disclaimers: [", 14)),
    ));
    assert_eq!(disc, ["general-medical", "pregnancy"]);
    let kinds = labels(&c.request(
        "textDocument/completion",
        at(&path, pos_of(&edited, "> [!\n", 4)),
    ));
    assert!(
        kinds.contains(&"CONSULT".to_string()) && kinds.contains(&"URGENT".to_string()),
        "{kinds:?}"
    );
    let r = c.request(
        "textDocument/completion",
        at(&path, pos_of(&edited, "(article:\n", 9)),
    );
    let ids = labels(&r);
    assert!(
        ids.contains(&"back-care-after-birth".to_string()),
        "{ids:?}"
    );
    let item = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "back-care-after-birth")
        .unwrap();
    assert!(
        !item["detail"].as_str().unwrap().is_empty(),
        "titles come with ids: {item}"
    );
    let names = labels(&c.request(
        "textDocument/completion",
        at(&path, pos_of(&edited, "  - name: Sarah", 10)),
    ));
    assert!(names.contains(&"James Whitfield".to_string()), "{names:?}");
    c.stop();
}

// Go to definition, references and rename of an article id across the corpus, and
// the sections as symbols.
#[test]
fn navigation_and_rename_across_the_corpus() {
    let dir = repo_project();
    let mut c = Client::start(dir.path());
    let (path, text) = c.open(POSTURE);
    c.diagnostics(&path);
    let def = c.request(
        "textDocument/definition",
        at(
            &path,
            pos_of(&text, "article:sleeping-positions-in-pregnancy", 12),
        ),
    );
    assert!(
        def["uri"]
            .as_str()
            .unwrap()
            .ends_with("sleeping-positions-in-pregnancy.md"),
        "{def}"
    );
    let def = c.request(
        "textDocument/definition",
        at(&path, pos_of(&text, "general-medical, pregnancy]", 2)),
    );
    assert!(
        def["uri"]
            .as_str()
            .unwrap()
            .ends_with("_disclaimers/general-medical.md"),
        "{def}"
    );

    let refs = c.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": uri(&path) }, "position": pos_of(&text, "id: posture-in-pregnancy", 6), "context": { "includeDeclaration": true } }),
    );
    let files: Vec<&str> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert!(files.len() >= 2, "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("posture-in-pregnancy.md")));

    let prep = c.request(
        "textDocument/prepareRename",
        at(&path, pos_of(&text, "id: posture-in-pregnancy", 6)),
    );
    assert_eq!(prep["start"]["character"], 4);
    assert!(c
        .call("textDocument/rename", json!({ "textDocument": { "uri": uri(&path) }, "position": pos_of(&text, "id: posture-in-pregnancy", 6), "newName": "Not An Id" }))
        .is_err());
    assert!(c
        .call("textDocument/rename", json!({ "textDocument": { "uri": uri(&path) }, "position": pos_of(&text, "id: posture-in-pregnancy", 6), "newName": "back-care-after-birth" }))
        .is_err(), "an id in use is refused");
    let edit = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri(&path) }, "position": pos_of(&text, "id: posture-in-pregnancy", 6), "newName": "posture-when-pregnant" }),
    );
    let changes = edit["changes"].as_object().unwrap();
    assert!(changes.len() >= 2, "{edit}");
    // Apply the edit to every file on disk, and check the corpus: no broken links.
    for (u, edits) in changes {
        let p = healthpress::lsp::uri_to_path(&u.parse().unwrap()).unwrap();
        let before = std::fs::read_to_string(&p).unwrap();
        let after = apply_edits(&before, edits.as_array().unwrap());
        assert!(
            !after.contains("posture-in-pregnancy)")
                && !after.contains("id: posture-in-pregnancy\n"),
            "{after}"
        );
        std::fs::write(&p, after).unwrap();
    }
    let checked = common::check_project(dir.path(), &[]);
    let rules = checked.rules();
    assert!(!rules.contains(&"broken-link"), "{rules:?}");

    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(&path) } }),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Standing") && names.contains(&"When to get help urgently"),
        "{names:?}"
    );
    c.stop();
}

// The commands: preview writes the page and returns its path; sign-off records the
// hash for a reviewer of the article, refuses anyone else, and clears
// changed-since-review.
#[test]
fn commands_preview_and_sign_off() {
    let dir = repo_project();
    let path = dir.path().join(POSTURE);
    edit(
        &path,
        "You do not need perfect posture.",
        "You do not need a perfect posture.",
    );
    let mut c = Client::start(dir.path());
    find(&c.diagnostics(&path), "changed-since-review");
    let r = c.request(
        "workspace/executeCommand",
        json!({ "command": "healthpress.preview", "arguments": [uri(&path)] }),
    );
    let page = std::fs::read_to_string(r["path"].as_str().unwrap()).unwrap();
    assert!(page.contains("Posture in pregnancy"));
    let refused = c
        .call(
            "workspace/executeCommand",
            json!({ "command": "healthpress.signOff", "arguments": [uri(&path), "Dr Nobody"] }),
        )
        .unwrap_err();
    assert!(
        refused["message"].as_str().unwrap().contains("not one of"),
        "{refused}"
    );
    let before = std::fs::read_to_string(&path).unwrap();
    let r = c.request(
        "workspace/executeCommand",
        json!({ "command": "healthpress.signOff", "arguments": [uri(&path), "Sarah Okafor"] }),
    );
    assert_eq!(r["reviewer"], "Sarah Okafor");
    assert_ne!(std::fs::read_to_string(&path).unwrap(), before);
    assert!(c.diagnostics(&path).is_empty(), "the new sign-off matches");
    c.stop();
}

// A broken link into a changed article: renaming the open article's id (unsaved) breaks
// the links of the closed articles that point at it, and they are told; the old id
// back mends them.
#[test]
fn links_into_an_edited_article_are_rechecked() {
    let dir = repo_project();
    let mut c = Client::start(dir.path());
    let (path, text) = c.open(POSTURE);
    c.diagnostics(&path);
    let linker = dir
        .path()
        .join("content/pregnancy/back-pain-in-early-pregnancy.md");
    assert!(
        std::fs::read_to_string(&linker)
            .unwrap()
            .contains("article:posture-in-pregnancy")
    );
    c.change(
        &path,
        2,
        &text.replacen("id: posture-in-pregnancy", "id: posture-renamed", 1),
    );
    let theirs = c.diagnostics(&linker);
    let d = find(&theirs, "broken-link");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("posture-in-pregnancy"),
        "{d}"
    );
    c.change(&path, 3, &text);
    assert!(c.diagnostics(&linker).is_empty());
    c.stop();
}

fn frame(v: Value) -> Vec<u8> {
    let body = v.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

// Over real stdio: a malformed frame is skipped and the session goes on to a clean
// shutdown (exit 0); input that ends without `shutdown` exits 1.
#[test]
fn stdio_skips_a_malformed_frame() {
    let dir = repo_project();
    let mut input = Vec::new();
    input.extend(frame(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "rootUri": uri(dir.path())}})));
    input.extend(frame(
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    ));
    input.extend(b"Content-Length: 5\r\n\r\n{{{{{");
    input.extend(frame(
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    ));
    input.extend(frame(json!({"jsonrpc": "2.0", "method": "exit"})));
    let out = common::healthpress(dir.path())
        .arg("lsp")
        .write_stdin(input.clone())
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&out).contains(r#""id":2,"result":null"#));
    let cut = input.len()
        - frame(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})).len()
        - frame(json!({"jsonrpc": "2.0", "method": "exit"})).len();
    common::healthpress(dir.path())
        .arg("lsp")
        .write_stdin(input[..cut].to_vec())
        .assert()
        .code(1);
}
