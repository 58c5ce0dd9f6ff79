//! Passing over plain bytes eight at a time: the HTML and text of a page are long runs
//! in which nothing needs attention, and looking at each byte showed in the build's
//! profile. Each caller says what a plain word is; its property test holds the whole
//! scan to a byte-at-a-time reference.

/// The first position at or after `i` whose eight bytes are not all plain (`plain` says
/// false of them, read little-endian), or from which fewer than eight are left.
pub(super) fn skip_plain(bytes: &[u8], mut i: usize, plain: impl Fn(u64) -> bool) -> usize {
    while let Some(word) = bytes.get(i..i + 8) {
        if !plain(u64::from_le_bytes(word.try_into().expect("eight bytes"))) {
            break;
        }
        i += 8;
    }
    i
}
