//! The seed draft: an article as it arrives from a writer (no review data, "the video
//! above" with no video, consult advice only inside a paragraph, an empty last
//! section, a stray parenthesis). This pins exactly which rules it trips.

mod common;

use common::{check_project, fixtures, project};

#[test]
fn seed_draft_trips_exactly_these_rules() {
    let project = project(&fixtures().join("seed-draft"));
    let checked = check_project(project.path(), &[]);
    assert_eq!(
        checked.rules(),
        vec![
            "absolute-claim",
            "changed-since-review",
            "dangling-media-reference",
            "empty-section",
            "missing-consult-note",
            "missing-disclaimer",
            "missing-urgent-help",
            "schema",
            "unbalanced-brackets",
        ],
        "{}",
        checked.human
    );
    // The consult finding points at the inline consult sentence, with the fix.
    let consult = checked
        .diagnostics
        .iter()
        .find(|d| d.rule == "missing-consult-note")
        .unwrap();
    assert_eq!(consult.span.line, 14);
    assert!(consult.help.as_deref().unwrap().contains("[!CONSULT]"));
    insta::assert_snapshot!("seed-draft", checked.human);
}
