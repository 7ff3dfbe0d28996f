//! Searching a text for a text, written here rather than taken from the standard library: its
//! searcher (`str::contains`, `find`, `match_indices`, `replace`... with a `&str` or a non-ASCII
//! `char` pattern) brings in code and panic messages (with the Unicode tables to print them)
//! that are several kilobytes of the wasm module. An ASCII `char` pattern is a plain byte search
//! and costs little.

/// Where `needle` starts in `text` (byte offsets), left to right and not overlapping: the
/// matches `str::match_indices` finds, in time linear in both lengths (Knuth-Morris-Pratt on the
/// bytes; a match of UTF-8 in UTF-8 starts and ends on character boundaries). An empty `needle`
/// is found nowhere.
pub(crate) fn occurrences(text: &str, needle: &str) -> Vec<usize> {
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    let mut found = Vec::new();
    if needle.is_empty() {
        return found;
    }
    // `longest[i]`: the length of the longest proper prefix of `needle[..=i]` that also ends it.
    let mut longest = vec![0; needle.len()];
    let mut k = 0;
    for i in 1..needle.len() {
        while k > 0 && needle[i] != needle[k] {
            k = longest[k - 1];
        }
        if needle[i] == needle[k] {
            k += 1;
        }
        longest[i] = k;
    }
    // `k`: how much of `needle` the text read so far ends with.
    let mut k = 0;
    for (i, &b) in text.iter().enumerate() {
        while k > 0 && b != needle[k] {
            k = longest[k - 1];
        }
        if b == needle[k] {
            k += 1;
        }
        if k == needle.len() {
            found.push(i + 1 - k);
            // The next match starts after this one.
            k = 0;
        }
    }
    found
}

/// `text.replace(needle, with)`, for a `needle` that is not empty.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // The client's (wasm only).
pub(crate) fn replace_all(text: &str, needle: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for at in occurrences(text, needle) {
        // Matches start and end on character boundaries: `get` always finds the text.
        out.push_str(text.get(from..at).unwrap_or_default());
        out.push_str(with);
        from = at + needle.len();
    }
    out.push_str(text.get(from..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text over a small alphabet (one- and two-byte characters) up to `max` characters.
    fn texts(max: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..max {
            last = last.iter().flat_map(|t| ["a", "b", "é"].map(|c| format!("{t}{c}"))).collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    #[test]
    fn matches_are_the_standard_librarys_for_every_small_text() {
        let needles = texts(4);
        for text in texts(7) {
            for needle in &needles[1..] {
                let want: Vec<usize> = text.match_indices(needle.as_str()).map(|(at, _)| at).collect();
                assert_eq!(occurrences(&text, needle), want, "{needle:?} in {text:?}");
                assert_eq!(replace_all(&text, needle, "[x]"), text.replace(needle.as_str(), "[x]"));
            }
        }
    }

    #[test]
    fn an_empty_needle_is_found_nowhere() {
        assert!(occurrences("abc", "").is_empty());
        assert!(occurrences("", "a").is_empty());
    }

    #[test]
    fn longer_texts() {
        let key = "aio_secret123";
        let text = format!("GET {key}/x failed: {key}{key} é {key}");
        assert_eq!(replace_all(&text, key, "[redacted]"), text.replace(key, "[redacted]"));
        assert_eq!(occurrences("@cat @caterpillar @cat", "@cat"), [0, 5, 18]);
        assert_eq!(occurrences("aaaaa", "aa"), [0, 2]);
    }
}
