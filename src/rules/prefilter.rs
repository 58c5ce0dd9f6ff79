//! The trigger prefilter: one scan of each body finds, per block, the rules whose
//! `Check::triggers` it holds, so that a prose rule reads only those blocks
//! (`Sink::blocks`, `Sink::prose`) instead of running its own pattern over every one.
//! It only ever narrows what a rule reads: the tests below hold both ways of scanning
//! to a plain reference, and every prose rule to its findings over every block.

use aho_corasick::{AhoCorasick, packed};

use super::{Check, RuleMeta, normalize};
use crate::diagnostic::Severity;

/// Every rule's triggers, found by one scan of each body shared by all of them.
///
/// An automaton reading one byte at a time costs about 2 ns a byte however few the
/// words, as each step waits on the table load of the step before. A SIMD literal
/// search (Teddy, from `aho-corasick`'s `packed` module) over a lower-cased copy of the
/// body looks at 32 bytes at once and needs no case folding, but narrows its
/// candidates by the first bytes of each literal only, and slows down three times when
/// some literals are shorter than four bytes. So the literals are split by length: one
/// search for those of four bytes or more, one for those of two or three (the
/// emergency numbers, `tbd`), and a byte search (`memchr`) for single bytes and for
/// literals that begin outside ASCII (`FOLDS_TO_ASCII`, which would otherwise put
/// two-byte literals into the short search). Where Teddy is not available (no
/// SSSE3/AVX2 or NEON) or refuses the literals, the automaton does the work.
pub(super) struct Triggers {
    /// The lower-cased literals.
    patterns: Vec<Vec<u8>>,
    /// For each literal, the bits of the rules that named it.
    owners: Vec<u64>,
    /// The bits of all rules with triggers.
    all: u64,
    /// The SIMD searches, when they can be built.
    packed: Option<Packed>,
    /// The same literals compared ASCII case-insensitively one byte at a time, for
    /// when `packed` is not available.
    automaton: AhoCorasick,
}

/// The literal searches over a lower-cased copy of a body.
struct Packed {
    /// Literals of 4 bytes or more, then of 2 or 3: each a searcher and, for each of
    /// its literals, the bits owed when it is found.
    searchers: Vec<(packed::Searcher, Vec<u64>)>,
    /// The literals found by their first byte (at most three distinct): single bytes,
    /// and literals that begin outside ASCII. Their indices in `Triggers::patterns`.
    by_byte: Vec<usize>,
    /// Those first bytes.
    bytes: Vec<u8>,
}

/// Letters that a case-insensitive regex matches as `s` and `k` (long s, Kelvin sign)
/// but an ASCII case-insensitive scan does not: a block holding one is read by every
/// rule with triggers, so the shared scan never hides a match. A test holds this to
/// every character `(?i)[a-z]` matches.
const FOLDS_TO_ASCII: [&str; 2] = ["\u{17f}", "\u{212a}"];

/// Between blocks in the lower-cased copy: a byte no block holds (a file with a NUL in
/// it is unreadable) and no word does, so no literal is found across two blocks (one
/// that held a NUL would at worst make a rule read a block in vain).
const SEPARATOR: u8 = 0;

impl Triggers {
    pub(super) fn new(rules: &[(&'static RuleMeta, Severity, Box<dyn Check>)]) -> Option<Triggers> {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<u64> = Vec::new();
        let mut all = 0u64;
        let mut add = |word: Vec<u8>, bits: u64| match patterns.iter().position(|p| *p == word) {
            Some(i) => owners[i] |= bits,
            None => {
                patterns.push(word);
                owners.push(bits);
            }
        };
        for (slot, (_, _, check)) in rules.iter().enumerate().take(64) {
            let bit = 1u64 << slot;
            let words: Vec<Vec<u8>> = check
                .triggers()
                .iter()
                .map(|w| w.to_ascii_lowercase().into_bytes())
                .collect();
            if words.is_empty() {
                continue;
            }
            all |= bit;
            // A word that holds another of the same rule's words adds nothing: any block
            // holding it holds the other ("cures" and "cure"). An empty word would be
            // in every block.
            for (i, w) in words.iter().enumerate() {
                let covered = words
                    .iter()
                    .enumerate()
                    .any(|(j, v)| (v.len() < w.len() || (v == w && j < i)) && contains(w, v));
                if !covered {
                    add(w.clone(), bit);
                }
            }
        }
        if all == 0 {
            return None;
        }
        for f in FOLDS_TO_ASCII {
            add(f.as_bytes().to_vec(), all);
        }
        // A full DFA: the literals are few, and it scans fastest of the automata.
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("trigger words build an automaton");
        let packed = Packed::new(&patterns, &owners);
        Some(Triggers {
            patterns,
            owners,
            all,
            packed,
            automaton,
        })
    }

    /// Per block of prose (as `normalize` gives it), the bits of the rules whose
    /// triggers it holds. Not inlined, so that profiles show it apart from the rules.
    #[inline(never)]
    pub(super) fn scan(&self, prose: &[normalize::Normal<'_>]) -> Vec<u64> {
        self.scan_texts(prose.iter().map(|n| n.text.as_ref()))
    }

    /// The bit of the rule in `slot` of the rules given to `new`, in the masks `scan`
    /// returns; 0 for a rule that names no triggers, and past the 64th (each reads
    /// every block).
    #[inline]
    pub(super) fn bit(&self, slot: usize) -> u64 {
        if slot < 64 { self.all & (1 << slot) } else { 0 }
    }

    fn scan_texts<'t>(&self, blocks: impl ExactSizeIterator<Item = &'t str> + Clone) -> Vec<u64> {
        match &self.packed {
            Some(packed) => self.scan_packed(packed, blocks),
            None => self.scan_automaton(blocks),
        }
    }

    /// The SIMD searches over one lower-cased copy of the whole body: one call per
    /// search and body rather than per block, since a call costs more than a short
    /// block's bytes.
    fn scan_packed<'t>(
        &self,
        packed: &Packed,
        blocks: impl ExactSizeIterator<Item = &'t str> + Clone,
    ) -> Vec<u64> {
        let mut hits = vec![0u64; blocks.len()];
        let mut text: Vec<u8> =
            Vec::with_capacity(blocks.clone().map(|b| b.len() + 1).sum::<usize>());
        // Where each block starts in `text`.
        let mut starts: Vec<usize> = Vec::with_capacity(blocks.len());
        for b in blocks {
            starts.push(text.len());
            text.extend_from_slice(b.as_bytes());
            text.push(SEPARATOR);
        }
        text.make_ascii_lowercase();
        // The block holding `at`, for positions that only increase.
        let block_of = |cursor: &mut usize, at: usize| {
            while *cursor + 1 < starts.len() && starts[*cursor + 1] <= at {
                *cursor += 1;
            }
            *cursor
        };
        for (searcher, owners) in &packed.searchers {
            // Each search reports, at the leftmost place any literal starts, the longest
            // literal starting there; the others starting there are its prefixes, whose
            // bits `owners` adds to it. Searching on from the next byte finds the rest,
            // overlapping ones included.
            let (mut at, mut cursor) = (0, 0);
            while let Some(m) = searcher.find_in(&text, aho_corasick::Span::from(at..text.len())) {
                hits[block_of(&mut cursor, m.start())] |= owners[m.pattern().as_usize()];
                at = m.start() + 1;
            }
        }
        if !packed.bytes.is_empty() {
            let b = &packed.bytes;
            let (b1, b2, b3) = (b[0], b[b.len().min(2) - 1], b[b.len() - 1]);
            let mut cursor = 0;
            for at in memchr::memchr3_iter(b1, b2, b3, &text) {
                for &p in &packed.by_byte {
                    if text[at..].starts_with(&self.patterns[p]) {
                        hits[block_of(&mut cursor, at)] |= self.owners[p];
                    }
                }
            }
        }
        hits
    }

    /// The automaton over each block.
    fn scan_automaton<'t>(&self, blocks: impl Iterator<Item = &'t str>) -> Vec<u64> {
        blocks
            .map(|b| {
                let mut mask = 0;
                // Nine blocks in ten hold no trigger, and the plain search says so
                // faster than the overlapping one that finds them all.
                if !self.automaton.is_match(b) {
                    return mask;
                }
                for m in self.automaton.find_overlapping_iter(b) {
                    mask |= self.owners[m.pattern().as_usize()];
                    if mask == self.all {
                        break;
                    }
                }
                mask
            })
            .collect()
    }
}

impl Packed {
    /// The searches for `patterns` (lower-cased), or none when Teddy cannot take them.
    fn new(patterns: &[Vec<u8>], owners: &[u64]) -> Option<Packed> {
        // An empty literal is in every block; the automaton says so.
        if patterns.iter().any(|p| p.is_empty()) {
            return None;
        }
        let by_first_byte = |p: &Vec<u8>| p.len() == 1 || !p[0].is_ascii();
        let by_byte: Vec<usize> = (0..patterns.len())
            .filter(|&i| by_first_byte(&patterns[i]))
            .collect();
        let mut bytes: Vec<u8> = by_byte.iter().map(|&i| patterns[i][0]).collect();
        bytes.sort_unstable();
        bytes.dedup();
        if bytes.len() > 3 {
            return None;
        }
        let mut searchers = Vec::new();
        for lengths in [4..usize::MAX, 2..4] {
            let group: Vec<&Vec<u8>> = patterns
                .iter()
                .filter(|p| !by_first_byte(p) && lengths.contains(&p.len()))
                .collect();
            if group.is_empty() {
                continue;
            }
            // Past 16 literals, Teddy's 16-bucket variant (AVX2) lets through fewer
            // candidates than its 8-bucket one: a third less time for the 30 literals
            // of four bytes or more of the default rules. Teddy itself only switches
            // past 32.
            let build = |fat: Option<bool>| {
                let mut builder = packed::Config::new()
                    .match_kind(packed::MatchKind::LeftmostLongest)
                    .only_teddy_fat(fat)
                    .builder();
                for p in &group {
                    builder.add(p);
                }
                builder.build()
            };
            let searcher = (group.len() > 16)
                .then(|| build(Some(true)))
                .flatten()
                .or_else(|| build(None))?;
            // Each literal's bits with those of the literals that begin it.
            let closed = group
                .iter()
                .map(|p| {
                    group
                        .iter()
                        .filter(|q| p.starts_with(q))
                        .map(|q| owners[patterns.iter().position(|x| x == *q).expect("a literal")])
                        .fold(0, |a, b| a | b)
                })
                .collect();
            searchers.push((searcher, closed));
        }
        Some(Packed {
            searchers,
            by_byte,
            bytes,
        })
    }
}

/// Whether `haystack` holds `needle`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use proptest::sample::select;

    use super::*;
    use crate::rules::{ActiveRules, ArticleContext, RULES};

    /// A rule that only names triggers.
    struct Words(Vec<String>);

    impl Check for Words {
        fn triggers(&self) -> Vec<String> {
            self.0.clone()
        }
    }

    fn triggers_of(rules: Vec<Vec<String>>) -> Triggers {
        let rules: Vec<(&'static RuleMeta, Severity, Box<dyn Check>)> = rules
            .into_iter()
            .map(|w| {
                let check: Box<dyn Check> = Box::new(Words(w));
                (&RULES[0].meta, Severity::Error, check)
            })
            .collect();
        Triggers::new(&rules).expect("some rule has triggers")
    }

    /// Per block, the bits of every literal it holds, compared the slow way.
    fn reference(t: &Triggers, blocks: &[String]) -> Vec<u64> {
        blocks
            .iter()
            .map(|b| {
                let b = b.to_ascii_lowercase().into_bytes();
                t.patterns
                    .iter()
                    .zip(&t.owners)
                    .filter(|(p, _)| contains(&b, p))
                    .fold(0, |m, (_, o)| m | o)
            })
            .collect()
    }

    fn both_scans(t: &Triggers, blocks: &[String]) -> (Option<Vec<u64>>, Vec<u64>) {
        let texts = || blocks.iter().map(String::as_str);
        (
            t.packed.as_ref().map(|p| t.scan_packed(p, texts())),
            t.scan_automaton(texts()),
        )
    }

    /// A case variant of `w`: as written, lower, upper or alternating; and with `s`
    /// and `k` as the letters a case-insensitive regex takes for them.
    fn variant(w: &str, case: u8, fold: bool) -> String {
        let w: String = match case {
            1 => w.to_lowercase(),
            2 => w.to_uppercase(),
            3 => w
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect(),
            _ => w.to_string(),
        };
        if fold {
            w.replace(['s', 'S'], "\u{17f}")
                .replace(['k', 'K'], "\u{212a}")
        } else {
            w
        }
    }

    // Every non-ASCII character that a case-insensitive regex matches as an ASCII
    // letter is in FOLDS_TO_ASCII, which the shared scan treats as every trigger.
    #[test]
    fn folds_to_ascii_is_complete() {
        let letter = regex::Regex::new("(?i)^[a-z]$").unwrap();
        let mut buf = [0u8; 4];
        let found: Vec<String> = (0x80..=char::MAX as u32)
            .filter_map(char::from_u32)
            .map(|c| c.encode_utf8(&mut buf).to_string())
            .filter(|c| letter.is_match(c))
            .collect();
        assert_eq!(found, FOLDS_TO_ASCII.map(String::from));
    }

    // Where the machine has SSSE3, AVX2 or NEON, the default rules' triggers take the
    // SIMD path (else the properties below would test the automaton alone).
    #[test]
    fn default_triggers_take_the_packed_path() {
        let config = crate::config::Config::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/base/healthpress.toml"),
        )
        .unwrap();
        let rules = ActiveRules::new(&config);
        let packed = rules.triggers.as_ref().unwrap().packed.is_some();
        #[cfg(target_arch = "x86_64")]
        assert_eq!(packed, std::arch::is_x86_feature_detected!("ssse3"));
        #[cfg(target_arch = "aarch64")]
        assert!(packed);
        let _ = packed;
    }

    /// Words that begin, hold or end one another, across rules, in every length group
    /// of the packed scan: single bytes, two and three bytes, four and more.
    #[rustfmt::skip]
    const PIECES: &[&str] = &[
        "a", "[", "ab", "ba", "abc", "bca", "cab", "abca", "bcab", "abcab", "caba", "sk",
        "ask", "kab", "%", "1", "11", "911", "0911", "abcabcabca",
    ];

    /// What the blocks for `PIECES` are made of: their letters in both cases, and the
    /// letters that fold to `s` and `k`, with other bytes those begin with.
    const LETTERS: &[&str] = &[
        "a", "b", "c", "A", "B", "C", " ", "[", "%", "1", "9", "0", "s", "k", "S", "\u{17f}",
        "\u{212a}", "\u{2019}", "\u{c5}",
    ];

    proptest! {
        #![proptest_config(crate::proptest_cases(2000))]

        // Any trigger words of up to three rules, up to 45 (so that the long literals
        // take both Teddy variants): both scans find exactly the literals each block
        // holds, overlapping ones and case variants included.
        #[test]
        fn scans_match_the_reference(
            rules in proptest::collection::vec(
                proptest::collection::vec(
                    prop_oneof![1 => select(PIECES).prop_map(String::from), 3 => "[abck1]{4,9}"],
                    1..16),
                1..4),
            blocks in proptest::collection::vec(
                proptest::collection::vec(
                    (select([PIECES, LETTERS].concat()), 0..4u8), 0..16), 0..8),
        ) {
            let t = triggers_of(rules);
            let blocks: Vec<String> = blocks
                .into_iter()
                .map(|b| b.into_iter().map(|(w, case)| variant(w, case, false)).collect())
                .collect();
            let want = reference(&t, &blocks);
            let (packed, automaton) = both_scans(&t, &blocks);
            prop_assert_eq!(&automaton, &want);
            if let Some(packed) = packed {
                prop_assert_eq!(packed, want);
            }
        }
    }

    /// The words of `prose()`: the prose rules' words and near misses.
    #[rustfmt::skip]
    const WORDS: &[&str] = &[
        "the", "this", "that", "these", "those", "our", "exercise", "stretch", "video",
        "videos", "clip", "animation", "film", "image", "images", "picture", "pictures",
        "pictured", "photo", "photos", "photograph", "diagram", "diagrams", "illustration",
        "illustrated", "chart", "charts", "figure", "figures", "graph", "graphs",
        "infographic", "paragraph", "shown", "demonstrated", "above", "below", "here",
        "there", "where", "opposite", "in", "cure", "cures", "cured", "guaranteed",
        "guarantee", "completely", "safe", "100%", "totally", "perfectly", "always",
        "risk-free", "risk", "free", "inevitable", "inevitably", "never", "harmful",
        "proven", "to", "no", "not", "isn't", "TODO", "todo", "TBD", "TBC", "FIXME", "XXX",
        "XXXX", "XX", "lorem", "ipsum", "[citation needed]", "[insert dose]",
        "[ placeholder ]", "[add", "fill in]", "[", "]", "999", "111", "112", "911", "988",
        "811", "000", "0000", "1,911", "9111", "911.5", "24/7", "call", "dial", "rest",
        "9-1-1", "9 1 1", "9.1.1", "+1-911", "(911)", "\u{ff19}\u{ff11}\u{ff11}", "9\u{200b}11",
        "9\u{ad}11", "\u{669}\u{661}\u{661}", "9\u{2011}1\u{2011}1", "0300 111 1234",
        "TO\u{200b}DO", "\u{ff34}\u{ff2f}\u{ff24}\u{ff2f}", "l\u{43e}rem", "\u{441}ure",
        "guaran\u{200d}teed", "vid\u{200b}eo",
        "is", "a", "and", ".", ",", "(", ")",
    ];

    /// Whole phrases the prose rules look for, alone in a block or among other words.
    #[rustfmt::skip]
    const PHRASES: &[&str] = &[
        "shown above", "shown here", "pictured below", "illustrated above",
        "demonstrated here", "shown in the video", "demonstrated in the chart above",
        "the diagram below", "this exercise video here", "our photos opposite",
        "figures above", "completely safe", "never harmful", "100% safe", "always  safe",
        "proven to", "is not guaranteed", "a cure", "lorem\nipsum", "[citation needed]",
        "[ insert the dose ]", "[fill in]", "TODO: add", "dial 911.", "call 999 or 111",
    ];

    /// What comes between the words of `prose()`.
    #[rustfmt::skip]
    const GAPS: &[&str] = &[
        " ", " ", " ", " ", "  ", "\n", "\n\n", ", ", ". ", "\n\n## ", "\n\n- ",
        "\n\n| a | b |\n|---|---|\n| ", " | ",
    ];

    /// Prose built of the prose rules' words, phrases and near misses, in any case, with `s` and
    /// `k` sometimes written as the letters that fold to them, and numbers in and out of
    /// longer ones; in paragraphs, headings, list items and table cells.
    fn prose() -> impl Strategy<Value = String> {
        let word = (
            prop_oneof![3 => select(WORDS), 1 => select(PHRASES)],
            0..4u8,
            proptest::bool::weighted(0.05),
        )
            .prop_map(|(w, case, fold)| variant(w, case, fold));
        let gap = select(GAPS);
        proptest::collection::vec((word, gap), 0..80)
            .prop_map(|v| v.into_iter().map(|(w, g)| format!("{w}{g}")).collect())
    }

    fn article(media: u8, locale: &str, body: &str) -> String {
        let media = match media {
            1 => "media:\n  - id: m\n    kind: image\n    src: m.jpg\n    alt: A person\n",
            2 => "media:\n  - id: m\n    kind: video\n    src: m.mp4\n    alt: A person\n",
            _ => "",
        };
        format!(
            "---\nid: fixture\ntitle: Back pain\nsummary: Why your back may ache.\n\
             audience: patient\ntopics: [musculoskeletal]\nstatus: published\n\
             locale: {locale}\nlast_reviewed: 2026-10-01\nnext_review: 2028-10-01\n\
             reviewers:\n  - name: Dr Helen Ward\n    credentials: MBBS\n    role: GP\n\
             disclaimers: [general-medical]\n{media}---\n# Back pain\n\n{body}\n"
        )
    }

    proptest! {
        #![proptest_config(crate::proptest_cases(1000))]

        // Each prose rule finds the same in the blocks the shared scan gives it as in
        // every block: the scan never hides a match of the rule's own pattern.
        #[test]
        fn rules_find_the_same_in_the_blocks_they_read(
            body in prose(),
            media in select(&[0u8, 0, 1, 2][..]),
            locale in select(&["en-GB", "en-US", "fr"][..]),
        ) {
            let config = crate::config::Config::load(
                &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/base/healthpress.toml"),
            )
            .unwrap();
            let scanned = ActiveRules::new(&config);
            let mut every_block = ActiveRules::new(&config);
            every_block.triggers = None;
            let text = article(media, locale, &body);
            let file = crate::source::SourceFile::new(
                "fixture.md".into(), "fixture.md".into(), text);
            let loader = crate::content::Loader::new(&config);
            let a = &loader.parse(file, crate::content::FileKind::Article);
            let disclaimers = crate::content::Disclaimers::default();
            let media = crate::media::Resolver::new(&config.root);
            let cx = ArticleContext {
                article: a,
                body: &a.body,
                disclaimers: &disclaimers,
                config: &config,
                today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
                media: &media,
            };
            let (mut with_scan, mut without) = (Vec::new(), Vec::new());
            scanned.check_article(&cx, false, &mut with_scan, &mut Vec::new());
            every_block.check_article(&cx, false, &mut without, &mut Vec::new());
            prop_assert_eq!(with_scan, without);
            // And the scan's two ways agree with the reference on these blocks.
            let t = scanned.triggers.as_ref().unwrap();
            let blocks: Vec<String> = a.body.blocks.iter().map(|b| b.text.clone()).collect();
            let want = reference(t, &blocks);
            let (packed, automaton) = both_scans(t, &blocks);
            prop_assert_eq!(&automaton, &want);
            if let Some(packed) = packed {
                prop_assert_eq!(packed, want);
            }
        }
    }
}
