//! Searching a text for a text, written here rather than taken from the standard library: its
//! searcher (`str::contains`, `find`, `match_indices`, `split_once`, `replace`... with a `&str`
//! or a non-ASCII `char` pattern) brings in code and panic messages (with the Unicode tables to
//! print them) that the page pays for. Measured on the page bundle (gzip -9 of pkg/web.js and
//! its wasm, `node bench/micro.mjs`): `match_indices` and `split_once` in place of
//! [`occurrences`] add 4442 B, and `contains('\u{FFFD}')` in place of the byte search in
//! `interop::from_js` adds 4837 B, either taking the page over its 100 KB ceiling. An ASCII
//! byte is looked for in the bytes (`as_bytes().contains(&b'@')`). `clippy.toml` refuses the
//! searcher's methods outside tests.

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

/// What [`redact_key`] writes in place of the key.
pub const REDACTED: &str = "[redacted]";

/// `text` with the API key `key` replaced by [`REDACTED`] wherever it stands, written plainly or
/// in any escaping a server may echo it in, character by character and in any mix: JSON's
/// `\u00XX` (and `\"`, `\\`, `\/`), percent-encoding `%XX`, or a numeric HTML character
/// reference (`&#xXX;`, `&#NN;`, with leading zeros and without the `;`), hex digits in either
/// case. So
/// neither the text nor what `JSON.parse` or a URL decoder makes of it shows the key. When the
/// marker itself makes the key again (a key inside `[redacted]`, or `d]ab` in `d]abab`), nothing
/// of the text is kept. A `key` that is not printable ASCII (no API key) leaves `text` as it is.
///
/// ```
/// use kling3_wasm::text::redact_key;
/// assert_eq!(redact_key(r#"{"message":"bad key aio\u005fsecret"}"#, "aio_secret"), r#"{"message":"bad key [redacted]"}"#);
/// assert_eq!(redact_key("aio%5Fsecret or &#x61;io_secret", "aio_secret"), "[redacted] or [redacted]");
/// assert_eq!(redact_key("nothing here", "aio_secret"), "nothing here");
/// ```
pub fn redact_key(text: &str, key: &str) -> String {
    let key = key.as_bytes();
    if key.is_empty() || !key.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return text.to_string();
    }
    let spans = key_spans(text.as_bytes(), key);
    if spans.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (start, end) in spans {
        // Spans start and end beside ASCII bytes: `get` always finds the text.
        out.push_str(text.get(from..start).unwrap_or_default());
        out.push_str(REDACTED);
        from = end;
    }
    out.push_str(text.get(from..).unwrap_or_default());
    if key_spans(out.as_bytes(), key).is_empty() {
        out
    } else {
        String::new()
    }
}

/// Where `key` is spelled in `text` (see [`redact_key`]), left to right, not overlapping.
fn key_spans(text: &[u8], key: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut at = 0;
    while at < text.len() {
        // A backslash that an odd run of backslashes escapes starts no JSON escape (`\\u0061`
        // is a backslash and `u0061`, not an `a`).
        let escaped = text.get(at) == Some(&b'\\')
            && key.first() != Some(&b'\\')
            && text.get(..at).unwrap_or_default().iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1;
        match (!escaped).then(|| spelled_all(text.get(at..).unwrap_or_default(), key)).flatten() {
            Some(length) => {
                spans.push((at, at + length));
                at += length;
            }
            None => at += 1,
        }
    }
    spans
}

/// The length of the start of `text` that spells every byte of `key` in turn, if it does.
fn spelled_all(text: &[u8], key: &[u8]) -> Option<usize> {
    let mut at = 0;
    for &c in key {
        at += spelled(text.get(at..)?, c)?;
    }
    Some(at)
}

/// The value of a decimal (`radix` 10) or hex (16) digit, in either case.
fn digit(b: u8, radix: u32) -> Option<u32> {
    let value = match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => return None,
    };
    (u32::from(value) < radix).then_some(u32::from(value))
}

/// The length of the start of `text` that spells the ASCII byte `c`: the byte itself, or one of
/// the escapes [`redact_key`] names.
fn spelled(text: &[u8], c: u8) -> Option<usize> {
    let hex = |at: usize| -> Option<u8> {
        let digits = text.get(at..at + 2)?;
        Some((digit(digits[0], 16)? * 16 + digit(digits[1], 16)?) as u8)
    };
    match *text.first()? {
        first if first == c => Some(1),
        b'\\' if text.get(1) == Some(&c) && matches!(c, b'"' | b'\\' | b'/') => Some(2),
        b'\\' if text.get(1..4) == Some(b"u00") && hex(4) == Some(c) => Some(6),
        b'%' if hex(1) == Some(c) => Some(3),
        b'&' if text.get(1) == Some(&b'#') => {
            let (radix, start) = if matches!(text.get(2), Some(b'x' | b'X')) { (16, 3) } else { (10, 2) };
            let mut at = start;
            let mut value: u32 = 0;
            while let Some(d) = text.get(at).and_then(|&b| digit(b, radix)) {
                value = value.saturating_mul(radix).saturating_add(d);
                at += 1;
            }
            if at == start || value != u32::from(c) {
                return None;
            }
            Some(if text.get(at) == Some(&b';') { at + 1 } else { at })
        }
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)]
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
        assert_eq!(redact_key(&text, key), text.replace(key, "[redacted]"));
        assert_eq!(occurrences("@cat @caterpillar @cat", "@cat"), [0, 5, 18]);
        assert_eq!(occurrences("aaaaa", "aa"), [0, 2]);
    }

    #[test]
    fn a_key_is_redacted_in_every_escaping_and_mix_and_json_cannot_bring_it_back() {
        let key = "aio_Se/cr\"et";
        let hex = |c: char| format!("{:02x}", c as u32);
        let spellings: Vec<String> = vec![
            key.to_string(),
            key.chars().map(|c| format!("\\u00{}", hex(c))).collect(),
            key.chars().map(|c| format!("\\u00{}", hex(c).to_uppercase())).collect(),
            key.chars().map(|c| format!("%{}", hex(c))).collect(),
            key.chars().map(|c| format!("&#x{};", hex(c))).collect(),
            key.chars().map(|c| format!("&#00{}", c as u32)).collect(),
            // One character each way.
            "a\\u0069%6F&#95;Se\\/cr\\\"et".to_string(),
        ];
        for spelled in spellings {
            let text = format!("before {spelled} after");
            assert_eq!(redact_key(&text, key), "before [redacted] after", "{spelled}");
        }
        // What JSON.parse reads from a redacted answer holds no key.
        let answer = r#"{"error":{"message":"bad key aio\u005fSe\/cr\"et","a\u0069o_Se/cr\"et":1}}"#;
        let redacted = redact_key(answer, key);
        let value: serde_json::Value = serde_json::from_str(&redacted).expect("still JSON");
        assert!(!value.to_string().contains("aio_Se"), "{value}");
        assert!(!value.to_string().contains("Se/cr"), "{value}");
    }

    #[test]
    fn an_escaped_backslash_starts_no_escape_so_json_stays_json() {
        // `\\u0061io_k` in JSON is a backslash, then `u0061io_k`: not the key, and left alone.
        let text = r#"{"a":"\\u0061io_k","b":"\\\u0061io_k"}"#;
        let redacted = redact_key(text, "aio_k");
        assert_eq!(redacted, r#"{"a":"\\u0061io_k","b":"\\[redacted]"}"#);
        let value: serde_json::Value = serde_json::from_str(&redacted).expect("still JSON");
        assert_eq!(value["a"], "\\u0061io_k");
        assert_eq!(value["b"], "\\[redacted]");
    }

    #[test]
    fn redaction_keeps_other_text_and_empties_a_text_the_marker_would_make_a_key_again() {
        assert_eq!(redact_key("née %zz &#; \\u00 aio", "aio_k"), "née %zz &#; \\u00 aio");
        assert_eq!(redact_key("x aio_kaio_k y", "aio_k"), "x [redacted][redacted] y");
        assert_eq!(redact_key("d]abab", "d]ab"), "");
        assert_eq!(redact_key("[redacted]", "red"), "");
        // Not an API key: nothing to look for.
        assert_eq!(redact_key("a b", ""), "a b");
        assert_eq!(redact_key("a b", "a b"), "a b");
    }
}
