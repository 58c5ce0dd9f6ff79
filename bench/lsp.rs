//! The language server on a 10,000-article library, driven through its protocol as an
//! editor would: `healthpress lsp` as a child process on stdin and stdout.
//!
//!     cargo build --release --bin healthpress --example lsp_bench
//!     target/release/examples/lsp_bench [ARTICLES] [EDITS]
//!
//! Builds the library in a temporary folder by copying this repository's articles with
//! their ids (and every mention of them) numbered, starts the server on it, opens one
//! article and times start-up to its first diagnostics; then sends EDITS changes that
//! alternately break and mend the article, and times each from the change to its
//! diagnostics (median and 95th percentile). Peak memory is the server's VmHWM.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]
// The crate denies printing outside report/ and commands/; this is a program, and the
// measurements are its output.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::{Value, json};

fn main() {
    let mut args = std::env::args().skip(1);
    let articles: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let edits: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("healthpress-lsp-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let opened = make_corpus(&repo, &dir, articles);
    let bin = std::env::var("HEALTHPRESS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            let exe = std::env::current_exe().unwrap();
            exe.parent().unwrap().parent().unwrap().join("healthpress")
        });
    let mut child = Command::new(&bin)
        .arg("lsp")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let uri = format!("file://{}", opened.display());
    let text = std::fs::read_to_string(&opened).unwrap();

    let send = |mut w: &mut dyn Write, m: Message| m.write(&mut w).unwrap();
    let started = Instant::now();
    send(
        &mut stdin,
        Message::Request(Request::new(
            RequestId::from(1),
            "initialize".into(),
            json!({ "processId": null, "rootUri": format!("file://{}", dir.display()), "capabilities": {},
                    "initializationOptions": { "workspaceDiagnostics": true } }),
        )),
    );
    let wait_for = |stdout: &mut BufReader<_>, uri: Option<&str>| -> Value {
        loop {
            match Message::read(stdout).unwrap() {
                Some(Message::Response(r)) if uri.is_none() => {
                    return r.response_result.unwrap_or(Value::Null);
                }
                Some(Message::Notification(n))
                    if n.method == "textDocument/publishDiagnostics"
                        && Some(n.params["uri"].as_str().unwrap_or("")) == uri =>
                {
                    return n.params["diagnostics"].clone();
                }
                Some(_) => {}
                None => panic!("the server closed its output"),
            }
        }
    };
    wait_for(&mut stdout, None);
    let notify = |mut w: &mut dyn Write, method: &str, params: Value| {
        Message::Notification(Notification::new(method.into(), params))
            .write(&mut w)
            .unwrap()
    };
    notify(&mut stdin, "initialized", json!({}));
    notify(
        &mut stdin,
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
    );
    let first = wait_for(&mut stdout, Some(&uri));
    let startup = started.elapsed();
    assert!(first.as_array().is_some_and(|d| d.is_empty()), "{first}");

    let broken = text.replacen("[!URGENT]", "[!NOTE]", 1);
    assert_ne!(broken, text);
    let mut times = Vec::with_capacity(edits);
    for i in 0..edits {
        let (t, expect_empty) = if i % 2 == 0 {
            (&broken, false)
        } else {
            (&text, true)
        };
        let sent = Instant::now();
        notify(
            &mut stdin,
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": i + 2 }, "contentChanges": [{ "text": t }] }),
        );
        let d = wait_for(&mut stdout, Some(&uri));
        times.push(sent.elapsed());
        assert_eq!(d.as_array().unwrap().is_empty(), expect_empty, "{d}");
    }
    let peak = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<u64>()
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0);
    send(
        &mut stdin,
        Message::Request(Request::new(
            RequestId::from(2),
            "shutdown".into(),
            Value::Null,
        )),
    );
    wait_for(&mut stdout, None);
    notify(&mut stdin, "exit", Value::Null);
    let status = child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);

    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = times[times.len() / 2];
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    println!("articles                       {articles}");
    println!("start-up to first diagnostics  {:.0} ms", ms(startup));
    println!(
        "edit to diagnostics, median    {:.1} ms ({edits} edits)",
        ms(median)
    );
    println!("edit to diagnostics, p95       {:.1} ms", ms(p95));
    println!(
        "edit to diagnostics, max       {:.1} ms",
        ms(*times.last().unwrap())
    );
    println!("peak memory (VmHWM)            {} MB", peak / 1024);
    println!("exit                           {status}");
}

/// `n` articles from the repository's own, ids numbered; returns one to open.
fn make_corpus(repo: &Path, dir: &Path, n: usize) -> PathBuf {
    let content = repo.join("content");
    let mut sources: Vec<(String, String, String)> = Vec::new();
    for topic in std::fs::read_dir(&content).unwrap() {
        let topic = topic.unwrap();
        let name = topic.file_name().to_string_lossy().into_owned();
        if name.starts_with('_') || !topic.path().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(topic.path()).unwrap() {
            let p = f.unwrap().path();
            let id = p.file_stem().unwrap().to_string_lossy().into_owned();
            sources.push((name.clone(), id, std::fs::read_to_string(&p).unwrap()));
        }
    }
    sources.sort();
    let ids: Vec<String> = sources.iter().map(|s| s.1.clone()).collect();
    let out = dir.join("content");
    std::fs::create_dir_all(out.join("_disclaimers")).unwrap();
    for d in std::fs::read_dir(content.join("_disclaimers")).unwrap() {
        let d = d.unwrap();
        std::fs::copy(d.path(), out.join("_disclaimers").join(d.file_name())).unwrap();
    }
    // Sign-off is about clinical review, not speed: numbered copies change the words.
    let toml = std::fs::read_to_string(repo.join("healthpress.toml"))
        .unwrap()
        .replace("require_sign_off = true", "require_sign_off = false");
    std::fs::write(dir.join("healthpress.toml"), toml).unwrap();
    let mut first = None;
    for i in 0..n {
        let (topic, id, text) = &sources[i % sources.len()];
        let copy = i / sources.len();
        let mut t = text.clone();
        // Longest ids first, so that an id inside another is not numbered twice.
        let mut by_len: Vec<&String> = ids.iter().collect();
        by_len.sort_by_key(|s| std::cmp::Reverse(s.len()));
        for (k, other) in by_len.iter().enumerate() {
            t = t.replace(other.as_str(), &format!("@@{k}@@"));
        }
        for (k, other) in by_len.iter().enumerate() {
            t = t.replace(&format!("@@{k}@@"), &format!("{other}-{copy}"));
        }
        // The `sign_off` mapping goes, with its indented lines.
        let mut in_sign_off = false;
        let t: String = t
            .lines()
            .filter(|l| {
                if l.starts_with("sign_off:") {
                    in_sign_off = true;
                } else if !l.starts_with(' ') {
                    in_sign_off = false;
                }
                !in_sign_off
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let folder = out.join(topic);
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join(format!("{id}-{copy}.md"));
        std::fs::write(&path, t).unwrap();
        if id == "posture-in-pregnancy" && first.is_none() {
            first = Some(path);
        }
    }
    first.expect("the corpus has posture-in-pregnancy")
}
