//! Locale tags compared as BCP 47 says: case-insensitively, with script and region
//! subtags. `en-gb`, `EN-GB` and `en-Latn-GB` are all the locale `en-GB`; a tag that
//! names only a language (`en`) is the configured locale when that has the same
//! language. A rule keyed by locale must not be dodged by how the tag is spelt.

/// A tag split into the subtags that choose a table: language, script, region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locale {
    /// Lower case: `en`.
    pub language: String,
    /// Title case: `Latn`.
    pub script: Option<String>,
    /// Upper case (`GB`) or digits (`419`).
    pub region: Option<String>,
}

impl Locale {
    /// Parse a tag. An underscore (`en_GB`, the POSIX spelling) is read as a hyphen, so
    /// that the article is still checked as what it means; the schema reports the
    /// spelling itself. Variants and extensions are ignored. `None` when there is no
    /// language subtag.
    pub fn parse(tag: &str) -> Option<Locale> {
        let mut parts = tag.trim().split(['-', '_']).filter(|p| !p.is_empty());
        let language = parts.next()?;
        if !(2..=8).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic())
        {
            return None;
        }
        let mut locale = Locale {
            language: language.to_ascii_lowercase(),
            script: None,
            region: None,
        };
        for part in parts {
            let alpha = part.bytes().all(|b| b.is_ascii_alphabetic());
            let digits = part.bytes().all(|b| b.is_ascii_digit());
            if locale.script.is_none() && locale.region.is_none() && part.len() == 4 && alpha {
                let mut s = part.to_ascii_lowercase();
                s[..1].make_ascii_uppercase();
                locale.script = Some(s);
            } else if locale.region.is_none()
                && ((part.len() == 2 && alpha) || (part.len() == 3 && digits))
            {
                locale.region = Some(part.to_ascii_uppercase());
            } else {
                // A variant, an extension or a private use subtag: no table is keyed by them.
                break;
            }
        }
        Some(locale)
    }

    /// `en-GB`, `en-Latn-GB`, `en`: the canonical spelling.
    pub fn tag(&self) -> String {
        let mut t = self.language.clone();
        for sub in [&self.script, &self.region].into_iter().flatten() {
            t.push('-');
            t.push_str(sub);
        }
        t
    }

    /// The keys to look a table up by, most specific first: the tag, the tag without its
    /// script, then (for a tag with no region) the configured locale when it has the
    /// same language, then the language alone.
    pub fn lookup_keys(&self, configured: Option<&Locale>) -> Vec<String> {
        let mut keys = vec![self.tag()];
        let plain = Locale {
            script: None,
            ..self.clone()
        };
        keys.push(plain.tag());
        if self.region.is_none()
            && let Some(c) = configured.filter(|c| c.language == self.language)
        {
            keys.push(c.tag());
            keys.push(
                Locale {
                    script: None,
                    ..c.clone()
                }
                .tag(),
            );
        }
        keys.push(self.language.clone());
        let mut seen = Vec::with_capacity(keys.len());
        for k in keys {
            if !seen.contains(&k) {
                seen.push(k);
            }
        }
        seen
    }
}

/// The canonical spelling of `tag`, or the tag as written when it does not parse.
pub fn canonical(tag: &str) -> String {
    Locale::parse(tag).map_or_else(|| tag.to_string(), |l| l.tag())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every spelling of one locale has one canonical form; the script is kept apart.
    #[test]
    fn spellings_of_one_locale() {
        for t in ["en-GB", "en-gb", "EN-GB", "En-Gb", "en_GB", " en-GB "] {
            assert_eq!(canonical(t), "en-GB", "{t}");
        }
        assert_eq!(canonical("en-latn-gb"), "en-Latn-GB");
        assert_eq!(canonical("es-419"), "es-419");
        assert_eq!(canonical("sr-cyrl"), "sr-Cyrl");
        assert_eq!(canonical("de-DE-1996"), "de-DE");
        assert_eq!(Locale::parse("9x"), None);
        assert_eq!(Locale::parse(""), None);
    }

    // A tag is looked up as itself, without its script, as the configured locale when
    // only the language is given and it matches, and as its language.
    #[test]
    fn lookup_order() {
        let gb = Locale::parse("en-GB");
        let keys = |t: &str| Locale::parse(t).unwrap().lookup_keys(gb.as_ref());
        assert_eq!(keys("en-Latn-GB"), ["en-Latn-GB", "en-GB", "en"]);
        assert_eq!(keys("EN"), ["en", "en-GB"]);
        assert_eq!(keys("en-US"), ["en-US", "en"]);
        assert_eq!(keys("fr"), ["fr"]);
    }
}
