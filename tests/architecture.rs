//! The library's top-level modules import each other in one direction only: no module
//! reaches itself through `crate::` paths (what the README's Layout section promises).
//! Test modules and comments do not count.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module -> the top-level modules its code names as `crate::X`.
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in common::files_under(src) {
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if matches!(module.as_str(), "main" | "lib") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Test modules sit at the end of a file: `#[cfg(test)]` then `mod ... {`.
        let end = text
            .match_indices("#[cfg(test)]")
            .map(|(i, _)| i)
            .find(|&i| {
                text[i + "#[cfg(test)]".len()..]
                    .trim_start()
                    .starts_with("mod ")
            })
            .unwrap_or(text.len());
        let code = &text[..end];
        let names = graph.entry(module.clone()).or_default();
        for line in code.lines() {
            let line = line.split("//").next().unwrap();
            for (i, _) in line.match_indices("crate::") {
                let rest = &line[i + "crate::".len()..];
                let mut targets: Vec<&str> = Vec::new();
                if let Some(list) = rest.strip_prefix('{') {
                    // `use crate::{a, b::c}` on one line.
                    let list = list.split('}').next().unwrap();
                    targets.extend(
                        list.split(',')
                            .map(|t| t.trim().split("::").next().unwrap()),
                    );
                } else {
                    let end = rest
                        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .unwrap_or(rest.len());
                    targets.push(&rest[..end]);
                }
                for t in targets {
                    if !t.is_empty() && t != module && t != "self" {
                        names.insert(t.to_string());
                    }
                }
            }
        }
    }
    graph
}

/// The modules `from` reaches through one or more imports.
fn reach(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = graph
        .get(from)
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    while let Some(m) = todo.pop() {
        if seen.insert(m.to_string()) {
            todo.extend(graph.get(m).into_iter().flatten().map(String::as_str));
        }
    }
    seen
}

#[test]
fn modules_import_in_one_direction() {
    let graph = imports(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(graph.len() > 10, "{graph:?}");
    // The walk sees what it should: a few imports known to exist.
    for (from, to) in [
        ("check", "rules"),
        ("rules", "content"),
        ("publish", "check"),
    ] {
        assert!(
            graph[from].contains(to),
            "{from} -> {to} not seen: {graph:?}"
        );
    }
    let cycles: Vec<String> = graph
        .keys()
        .filter(|m| reach(&graph, m).contains(*m))
        .map(|m| {
            let back: Vec<&String> = graph[m]
                .iter()
                .filter(|t| reach(&graph, t).contains(m))
                .collect();
            format!("{m} (through {back:?})")
        })
        .collect();
    assert!(
        cycles.is_empty(),
        "modules that import themselves through others: {cycles:?}"
    );
}
