//! Issue 14, item 5: a prose rule cannot be dodged by how a locale, a number or a word
//! is spelt. Each case is one article in the base project, checked in-process; each
//! says which rule must (or must not) report, and at which line and column.

// Tooling and test helpers may unwrap: a panic here is a failed run, not a user's crash.
#![allow(clippy::unwrap_used)]

mod common;

use common::{check_project, fixtures, project};

/// The findings of `rule` in an article with `locale` (none: the configured en-GB) and
/// `body`, as (line, column) in the file.
fn findings(locale: Option<&str>, body: &str, rule: &str) -> Vec<(usize, usize)> {
    let project = project(&fixtures().join("base"));
    // The same number of lines either way.
    let locale = locale.map_or("# the configured locale\n".into(), |l| {
        format!("locale: {l}\n")
    });
    let text = format!(
        "---\nid: variant\ntitle: Back pain\nsummary: Why your back may ache.\n\
         audience: professional\ntopics: [musculoskeletal]\nstatus: draft\n{locale}---\n\
         # Back pain\n\n{body}\n"
    );
    let dir = project.path().join("content/fixture");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("variant.md"), text).unwrap();
    let checked = check_project(project.path(), &["content/fixture"]);
    checked
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| (d.span.line, d.span.column))
        .collect()
}

/// The line of the body's first line in `findings`' article, with and without `locale`.
const BODY: usize = 11;

// Every spelling of the UK locale is the UK locale: 911 is wrong in each.
#[test]
fn locale_spellings_do_not_skip_the_rule() {
    for locale in [
        "en-GB",
        "en-gb",
        "EN-GB",
        "En-gB",
        "en_GB",
        "en-Latn-GB",
        "en-latn-gb",
        "en",
    ] {
        assert_eq!(
            findings(Some(locale), "Dial 911 now.", "emergency-number"),
            [(BODY + 1, 6)],
            "{locale}"
        );
    }
    // And the US one is the US one, however spelt.
    for locale in ["en-US", "en-us", "EN_us"] {
        assert!(
            findings(Some(locale), "Dial 911 now.", "emergency-number").is_empty(),
            "{locale}"
        );
        assert_eq!(
            findings(Some(locale), "Dial 999 now.", "emergency-number"),
            [(BODY + 1, 6)]
        );
    }
}

// `en_GB` is not BCP 47: the schema says so (and the number is still checked).
#[test]
fn underscore_locale_is_a_schema_error() {
    assert_eq!(findings(Some("en_GB"), "Rest.", "schema"), [(8, 9)]);
}

// A locale with no table is reported once, at its `locale` line, not skipped.
#[test]
fn locale_without_numbers_is_reported() {
    assert_eq!(
        findings(Some("en-ZA"), "Dial 911 now. Or 999.", "emergency-number"),
        [(8, 9)]
    );
    // A language with a table of its own, by any region, is checked with it.
    assert_eq!(
        findings(Some("de-AT"), "Wählen Sie 911.", "emergency-number"),
        [(BODY + 1, 12)]
    );
}

// The number written every way a patient would still read as 911.
#[test]
fn numbers_however_written() {
    for (body, col) in [
        ("Call 911.", 6),
        ("Call 9-1-1.", 6),
        ("Call 9 1 1.", 6),
        ("Call 9.1.1.", 6),
        ("Call (911).", 7),
        ("Call +1-911.", 6),
        ("Call \u{ff19}\u{ff11}\u{ff11}.", 6),
        ("Call 9\u{200b}11.", 6),
        ("Call 9\u{ad}11.", 6),
        ("Call 9\u{2060}11.", 6),
        ("Call 9\u{202e}11.", 6),
        ("Call \u{669}\u{661}\u{661}.", 6),
        ("Call 9\u{a0}1\u{a0}1.", 6),
        ("Call 9\u{2011}1\u{2011}1.", 6),
        ("Call `911`.", 7),
        ("Call **9**11.", 8),
    ] {
        assert_eq!(
            findings(None, body, "emergency-number"),
            [(BODY + 1, col)],
            "{body:?}"
        );
    }
}

// Numbers in code blocks and tel: links are shown or dialled: both are reported.
#[test]
fn code_blocks_and_tel_links() {
    assert_eq!(
        findings(None, "Call us:\n\n```\n911\n```", "emergency-number"),
        [(BODY + 4, 1)]
    );
    assert_eq!(
        findings(None, "    dial 911", "emergency-number"),
        [(BODY + 1, 10)]
    );
    for link in [
        "tel:911",
        "tel:+1-911",
        "tel:9-1-1",
        "TEL:%39%31%31",
        "tel:9\u{200b}11",
    ] {
        assert_eq!(
            findings(
                None,
                &format!("[call us]({link}) today."),
                "emergency-number"
            ),
            [(BODY + 1, 1)],
            "{link}"
        );
    }
    assert_eq!(
        findings(None, "Call <tel:911> today.", "emergency-number"),
        [(BODY + 1, 11)]
    );
    assert!(findings(None, "[call us](tel:999) today.", "emergency-number").is_empty());
}

// Real prose with numbers that are not the emergency numbers passes.
#[test]
fn no_false_positives() {
    for body in [
        "In 2019, 1,911 people took part.",
        "Call 0911 234 567 for the clinic.",
        "Call NHS 111 or 0300 111 1234.",
        "See pages 111-115 and 911\u{2013}915.",
        "From 1999 to 2024, 24/7, 9/11.",
        "One in 9 11-year-olds.",
        "Take 911.5 mg.",
    ] {
        assert!(
            findings(None, body, "emergency-number").is_empty(),
            "{body:?}"
        );
    }
}

// Placeholders hidden by invisible, full-width or look-alike letters are still found.
#[test]
fn hidden_placeholders() {
    for body in [
        "Add TO\u{200b}DO.",
        "Add \u{ff34}\u{ff2f}\u{ff24}\u{ff2f}.",
        "l\u{43e}rem ipsum",
        "`TODO` here",
    ] {
        assert_eq!(
            findings(None, body, "placeholder-text").len(),
            1,
            "{body:?}"
        );
    }
    assert_eq!(
        findings(
            None,
            "Fine.\n\n```\nTODO: add the dose\n```",
            "placeholder-text"
        ),
        [(BODY + 4, 1)]
    );
}

// Absolute claims and media pointers read through the same disguises.
#[test]
fn hidden_claims_and_pointers() {
    assert_eq!(
        findings(None, "It is guaran\u{200d}teed.", "absolute-claim"),
        [(BODY + 1, 7)]
    );
    assert_eq!(
        findings(None, "It is a \u{441}ur\u{435}.", "absolute-claim"),
        [(BODY + 1, 9)]
    );
    assert_eq!(
        findings(
            None,
            "See the vid\u{200b}eo above.",
            "dangling-media-reference"
        )
        .len(),
        1
    );
}

// The characters themselves are reported where they hide something.
#[test]
fn invisible_and_mixed_script_are_reported() {
    assert_eq!(
        findings(None, "Add TO\u{200b}DO.", "invisible-character"),
        [(BODY + 1, 7)]
    );
    assert_eq!(
        findings(None, "Call \u{202e}999 now.", "invisible-character"),
        [(BODY + 1, 6)]
    );
    assert!(
        findings(
            None,
            "Call 999 now \u{1f44d}\u{fe0f}.",
            "invisible-character"
        )
        .is_empty()
    );
    assert_eq!(
        findings(None, "A l\u{43e}rem word.", "mixed-script-word"),
        [(BODY + 1, 3)]
    );
    assert!(findings(None, "Take 5 \u{3bc}g of A\u{3b2}.", "mixed-script-word").is_empty());
}
