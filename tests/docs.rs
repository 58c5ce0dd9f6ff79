//! The user documentation in docs/ stays true: docs/rules.md is generated from the one
//! list of rules (run with HEALTHPRESS_UPDATE_DOCS=1 to rewrite it after changing a
//! rule), and every relative link in README.md and docs/ points at a file that exists.

mod common;

use std::fmt::Write as _;

/// docs/rules.md, from `healthpress::rules::all()`: the same text `rules` and
/// `explain` print.
fn rules_md() -> String {
    let rules = healthpress::rules::all();
    let mut s = String::from(
        "<!-- Generated from src/rules/ by tests/docs.rs: do not edit by hand. \
         Rewrite with HEALTHPRESS_UPDATE_DOCS=1 cargo test --test docs. -->\n\n\
         # Rules\n\n\
         Every rule healthpress runs, in the order `healthpress rules` lists them. \
         `healthpress explain RULE` prints the same text for one rule. A rule's severity \
         can be changed in `healthpress.toml` (`[rules]`, see \
         [configuration.md](configuration.md)); other rules can be silenced inside an \
         article with a suppression comment (see [content-format.md](content-format.md)), \
         **safety rules** only by the policy.\n\n\
         | rule | default | scope | safety | what it catches |\n|---|---|---|---|---|\n",
    );
    for r in rules {
        let m = r.meta();
        let _ = writeln!(
            s,
            "| [`{n}`](#{n}) | {sev} | {scope} | {safety} | {summary} |",
            n = m.name,
            sev = m.severity.as_str(),
            scope = m.scope.as_str(),
            safety = if m.safety { "yes" } else { "" },
            summary = m.summary.replace('|', "\\|"),
        );
    }
    for r in rules {
        let m = r.meta();
        let _ = write!(
            s,
            "\n## {n}\n\n{sev} by default, {scope} rule{safety}. {summary}.\n\n\
             **What it checks.** {what}\n\n**Why it matters.** {why}\n\n\
             Bad:\n\n````markdown\n{bad}\n````\n\nGood:\n\n````markdown\n{good}\n````\n",
            n = m.name,
            sev = capital(m.severity.as_str()),
            scope = m.scope.as_str(),
            safety = if m.safety {
                "; a safety rule: it cannot be silenced inside an article"
            } else {
                ""
            },
            summary = capital(m.summary),
            what = m.docs.what.split_whitespace().collect::<Vec<_>>().join(" "),
            why = m.docs.why.split_whitespace().collect::<Vec<_>>().join(" "),
            bad = m.docs.bad.trim_end(),
            good = m.docs.good.trim_end(),
        );
    }
    s
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

// docs/rules.md is what the rule list says today, so a new or changed rule cannot
// leave the documentation behind.
#[test]
fn rules_doc_is_fresh() {
    let path = common::repo().join("docs/rules.md");
    let text = rules_md();
    if std::env::var_os("HEALTHPRESS_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == text,
        "{} is stale: run HEALTHPRESS_UPDATE_DOCS=1 cargo test --test docs",
        path.display()
    );
    for r in healthpress::rules::all() {
        assert!(on_disk.contains(&format!("\n## {}\n", r.meta().name)));
    }
}

// Every relative link in README.md and docs/*.md names a file in the repository, and
// nothing sends a reader outside it (a clone has nothing beside it).
#[test]
fn doc_links_resolve_inside_the_repository() {
    let repo = common::repo();
    let mut files = vec![repo.join("README.md"), repo.join("ci/README.md")];
    for e in std::fs::read_dir(repo.join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            files.push(p);
        }
    }
    let link = regex::Regex::new(r"\]\(([^)\s#]+)(#[^)\s]*)?\)").unwrap();
    let code = regex::Regex::new(r"`[^`]*`").unwrap();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        // No path in the text, link or not, climbs out of the repository: a clone has
        // nothing beside it.
        let dir = file.parent().unwrap();
        for (at, _) in text.match_indices("../") {
            if at > 0 && !text[..at].ends_with([' ', '(', '`', '"', '\'', '\n', '[']) {
                continue;
            }
            let rest = &text[at..];
            let end = rest
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, ')' | '`' | '"' | '\'' | ']' | '#')
                })
                .unwrap_or(rest.len());
            let mut depth = dir.strip_prefix(&repo).unwrap().components().count() as i64;
            for part in rest[..end].split('/') {
                match part {
                    ".." => depth -= 1,
                    "" | "." => {}
                    _ => depth += 1,
                }
                assert!(
                    depth >= 0,
                    "{} sends readers outside the repository: {}",
                    file.display(),
                    &rest[..end]
                );
            }
        }
        // Links in prose only: not in fenced code blocks or `code spans`.
        let mut prose = String::new();
        let mut fenced = false;
        for line in text.lines() {
            if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
                fenced = !fenced;
            } else if !fenced {
                prose.push_str(&code.replace_all(line, ""));
                prose.push('\n');
            }
        }
        for c in link.captures_iter(&prose) {
            let target = &c[1];
            if target.contains("://") || target.starts_with("mailto:") || target.contains(':') {
                continue;
            }
            let resolved = file.parent().unwrap().join(target);
            assert!(
                resolved.exists(),
                "{}: link to {target}, which does not exist",
                file.display()
            );
        }
    }
}

// The command tables of README.md and docs/commands.md are each one unbroken table
// that names every command `healthpress --help` lists (a blank line once split the
// README's in two, leaving `completions` and `man` outside it).
#[test]
fn command_tables_name_every_command() {
    use clap::CommandFactory;
    let names: Vec<String> = healthpress::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    assert!(names.len() > 5);
    for (file, heading) in [
        ("README.md", "## The commands in full"),
        ("docs/commands.md", "## Commands"),
    ] {
        let text = std::fs::read_to_string(common::repo().join(file)).unwrap();
        let start = text
            .find(heading)
            .unwrap_or_else(|| panic!("{file}: no {heading:?}"));
        let table: Vec<&str> = text[start..]
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .collect();
        for name in &names {
            assert!(
                table
                    .iter()
                    .any(|l| l.contains(&format!("`healthpress {name}"))),
                "{file}: `healthpress {name}` is not in the table under {heading:?}"
            );
        }
    }
}
