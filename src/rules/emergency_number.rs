//! `emergency-number`: an emergency number wrong for the article's locale.

use crate::diagnostic::Severity;
use crate::rules::{ArticleContext, Check, Docs, RuleDef, RuleMeta, Scope, Sink};

pub(super) static RULE: RuleDef = RuleDef {
    meta: RuleMeta {
        name: "emergency-number",
        severity: Severity::Error,
        scope: Scope::Article,
        safety: false,
        summary: "an emergency number wrong for the article's locale",
        docs: Docs {
            what: "An emergency or urgent-care number in the body (any number from \
                   `policy.emergency_numbers`, built in for common locales: 999, 111 and 112 \
                   for en-GB; 911 for en-US; 112 across the EU) that is not one of the \
                   numbers for the article's `locale`: in prose, code and code blocks, in \
                   `tel:` links, and written digit by digit (`9-1-1`, `9 1 1`, `9.1.1`), \
                   after a country code (`+1-911`), in full-width or other digits, or with \
                   invisible characters inside. A number inside a longer one (`1,911`, \
                   `0300 111 1234`) is not reported. Locales compare as BCP 47 tags \
                   (`en-gb`, `en-Latn-GB` are `en-GB`; `en` alone is the configured locale \
                   when that is English); an article whose locale has no numbers configured \
                   is reported once, at its `locale`.",
            why: "A UK patient told to dial 911 in an emergency loses time they may not have. \
                  Articles adapted from another country's page carry this error easily.",
            bad: "If you have heavy bleeding, dial 911.",
            good: "If you have heavy bleeding, call 999.",
        },
    },
    build: |config| {
        // Compared as digits: a number written `1-1-1` in the config is `111`.
        let mut all: Vec<String> = config
            .policy
            .emergency_numbers
            .values()
            .flatten()
            .map(|n| digits(n))
            .collect();
        all.retain(|n| !n.is_empty());
        all.sort();
        all.dedup();
        Box::new(EmergencyNumber { numbers: all })
    },
};

struct EmergencyNumber {
    /// Every configured number, as digits.
    numbers: Vec<String>,
}

/// The ASCII digits of `s`.
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// What may stand between the digits of a number written out: `9-1-1`, `9 1 1`, `9.1.1`
/// (a non-breaking space or a Unicode hyphen reads as these, see `normalize`).
const SEPARATORS: [u8; 3] = [b' ', b'-', b'.'];

/// The numbers written in `text` (normalised: ASCII digits) that could be a short
/// number such as 911, with where they are written and their digits:
/// - a number on its own: `911`, `(911)`, `dial 911.`;
/// - its digits one by one with one separator: `9-1-1`, `9 1 1`, `9.1.1`;
/// - after a country code: `+1-911`, `+44 111`.
///
/// Not a number on its own: one inside a longer one (`1,911`, `0911`, `9111`, `911.5`,
/// `24/7`), a range or a date (`111-115`, `9-11`), or one group of a phone number
/// written in groups (`0300 111 1234` is not the number 111).
pub(super) fn numbers(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        // Groups of digits, each after one separator.
        let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
        let mut seps: Vec<u8> = Vec::new();
        loop {
            let g = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            groups.push(g..i);
            match (b.get(i), b.get(i + 1)) {
                (Some(s), Some(d)) if SEPARATORS.contains(s) && d.is_ascii_digit() => {
                    seps.push(*s);
                    i += 1;
                }
                _ => break,
            }
        }
        let end = i;
        let group = |k: usize| &text[groups[k].clone()];
        let plus = start > 0 && b[start - 1] == b'+';
        let (from, number) = if groups.len() == 1 {
            (start, group(0).to_string())
        } else if groups.iter().all(|g| g.len() == 1) && seps.iter().all(|s| *s == seps[0]) {
            (start, groups.iter().map(|g| &text[g.clone()]).collect())
        } else if plus && groups.len() == 2 && groups[0].len() <= 3 {
            // `+1-911`: the number after the country code.
            (start - 1, group(1).to_string())
        } else {
            continue;
        };
        let joins = |c: u8| c.is_ascii_digit() || matches!(c, b',' | b'.' | b'-' | b'/');
        let before_ok = plus || start == 0 || !joins(b[start - 1]);
        let after_ok = match b.get(end) {
            None => true,
            Some(c) if c.is_ascii_digit() || matches!(c, b'-' | b'/') => false,
            // A full stop or comma after it ends the sentence or clause, unless a digit follows.
            Some(b'.' | b',') => b.get(end + 1).is_none_or(|c| !c.is_ascii_digit()),
            Some(_) => true,
        };
        if before_ok && after_ok {
            out.push((from..end, number));
        }
    }
    out
}

/// The number a `tel:` link dials, as digits: `tel:9-1-1`, `tel:%39%31%31`,
/// `tel:+1-911` (with and without its country code). `None` for any other link.
fn tel_numbers(url: &str) -> Option<Vec<String>> {
    let rest = url
        .get(..4)
        .filter(|s| s.eq_ignore_ascii_case("tel:"))
        .map(|_| &url[4..])?;
    let decoded = percent_decode(rest.split(';').next().unwrap_or(""));
    let normal = crate::rules::normalize::Normal::new(&decoded);
    let text = normal.text.trim();
    let all = digits(text);
    let mut out = vec![all.clone()];
    if text.starts_with('+') {
        // The number after a country code of one to three digits.
        out.extend((1..=3.min(all.len())).map(|k| all[k..].to_string()));
    }
    Some(out)
}

/// `%39` as `9`; anything that is not a valid escape is kept as written.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|c| hex(*c)),
                b.get(i + 2).and_then(|c| hex(*c)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Check for EmergencyNumber {
    /// Every number as written plainly and digit by digit (`911`, `9-1-1`, `9 1 1`,
    /// `9.1.1`): the shared scan finds them in the normalised text with the other rules'
    /// words, and this rule reads only the few blocks that hold one.
    fn triggers(&self) -> Vec<String> {
        let mut t = self.numbers.clone();
        for n in self.numbers.iter().filter(|n| n.len() > 1) {
            for sep in SEPARATORS {
                let spelt: Vec<String> = n.chars().map(String::from).collect();
                t.push(spelt.join(&(sep as char).to_string()));
            }
        }
        t
    }

    fn article(&self, cx: &ArticleContext<'_>, sink: &mut Sink<'_>) {
        let a = cx.article;
        let written = a.locale(cx.config);
        let Some((locale, allowed)) = cx.config.emergency_table(written) else {
            // Not skipped: an article whose numbers cannot be checked says so, once.
            let range = match a.str("locale") {
                Some(_) => a.value_range("/locale"),
                None => a.value_range("/id"),
            };
            let key = crate::locale::canonical(written);
            sink.report(
                range,
                format!(
                    "no emergency numbers are configured for locale `{written}`, so this article's \
                     numbers cannot be checked"
                ),
                Some(format!(
                    "add the numbers for {key} under [policy.emergency_numbers] in healthpress.toml, \
                     such as `\"{key}\" = [\"112\"]`, or correct the locale"
                )),
            );
            return;
        };
        let allowed: Vec<String> = allowed.iter().map(|n| digits(n)).collect();
        let wrong =
            |n: &str| self.numbers.iter().any(|x| x == n) && !allowed.iter().any(|x| x == n);
        let help = || Some(format!("for {locale}, use {}", allowed.join(" or ")));
        let mut found: Vec<std::ops::Range<usize>> = Vec::new();
        for p in sink.prose_and_code(cx.body) {
            for (range, number) in numbers(p.text) {
                if !wrong(&number) {
                    continue;
                }
                let range = p.source_range(range);
                found.push(range.clone());
                sink.report(
                    range,
                    format!("{number} is not an emergency number for {locale}"),
                    help(),
                );
            }
        }
        // A `tel:` link dials its target, whatever its text says.
        for link in &cx.body.links {
            let Some(dialled) = tel_numbers(&link.url) else {
                continue;
            };
            let Some(number) = dialled.iter().find(|n| wrong(n)) else {
                continue;
            };
            // `<tel:911>` shows its number, already reported in the text.
            if found
                .iter()
                .any(|r| link.range.start <= r.start && r.end <= link.range.end)
            {
                continue;
            }
            sink.report(
                link.range.clone(),
                format!("this link dials {number}, which is not an emergency number for {locale}"),
                help(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{numbers, tel_numbers};

    fn found(t: &str) -> Vec<String> {
        numbers(t).into_iter().map(|(_, n)| n).collect()
    }

    // 911 on its own is a number; inside 1,911 or 9111 or 911.5 it is not.
    #[test]
    fn numbers_on_their_own() {
        let t = "dial 911. or 1,911 or 9111 or 911.5 or (911)";
        let at: Vec<usize> = numbers(t)
            .into_iter()
            .filter(|(_, n)| n == "911")
            .map(|(r, _)| r.start)
            .collect();
        assert_eq!(at, [5, 40]);
        assert!(!found("0911 24/7 9/11 1,911 9111").contains(&"911".to_string()));
    }

    // Written digit by digit, after a country code: still the number.
    #[test]
    fn numbers_written_out() {
        for t in [
            "9-1-1",
            "9 1 1",
            "9.1.1",
            "call 9.1.1.",
            "+1-911",
            "+1 911",
            "(911)",
        ] {
            assert_eq!(found(t), ["911"], "{t}");
        }
        assert_eq!(numbers("tel +1-911")[0].0, 4..10);
    }

    // Not a short number: a group of a longer phone number, a range, a decimal, mixed
    // separators, a number split unevenly.
    #[test]
    fn not_short_numbers() {
        for t in [
            "0300 111 1234",
            "pages 111-115",
            "ages 9-11",
            "9.11",
            "1 in 9 11-year-olds",
            "9-1.1",
            "999 111",
            "0800 999 111",
        ] {
            assert!(
                !found(t).iter().any(|n| n.len() == 3),
                "{t}: {:?}",
                found(t)
            );
        }
    }

    // A tel: link dials its digits, escaped or not, with or without a country code.
    #[test]
    fn tel_links() {
        assert_eq!(tel_numbers("tel:911").unwrap(), ["911"]);
        assert_eq!(tel_numbers("TEL:9-1-1").unwrap(), ["911"]);
        assert_eq!(tel_numbers("tel:%39%31%31").unwrap(), ["911"]);
        assert!(
            tel_numbers("tel:+1-911")
                .unwrap()
                .contains(&"911".to_string())
        );
        assert_eq!(tel_numbers("https://x/911"), None);
    }
}
