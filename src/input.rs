//! What the package receives from a caller: a JSON value, plus the places where the caller's
//! value held something JSON cannot carry (a function, `NaN`, a cycle...).
//!
//! Everything the rules read from a user (a request, options, a task id) arrives as an
//! [`Input`] first, so they see one well-defined shape whatever the caller passed: a JS
//! object, a JSON text, or a value built in a Rust test. Keeping the holes beside the value,
//! instead of dropping them, lets validation name each one rather than send something else than
//! the user meant.

pub use serde_json::{Map, Value};

/// A value as it came from JavaScript: its JSON part, plus the places ("holes") where the
/// caller's value held something JSON cannot carry. At a hole, `value` holds `Value::Null`.
///
/// ```
/// use kling3_wasm::input::{Hole, Input, Unsendable};
/// let input = Input {
///     value: serde_json::json!({"prompt": null}),
///     holes: vec![Hole { path: "prompt".into(), what: Unsendable::Function }],
/// };
/// assert_eq!(input.hole_at("prompt"), Some(Unsendable::Function));
/// assert_eq!(input.get("prompt"), Some(&serde_json::Value::Null));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Input {
    pub value: Value,
    pub holes: Vec<Hole>,
}

/// One place in an [`Input`] that held something JSON cannot carry.
#[derive(Clone, Debug, PartialEq)]
pub struct Hole {
    /// Where, written as validation writes paths: `""` for the whole input, `"prompt"`,
    /// `"multi_prompt[1].duration"`, `"a.b"`.
    pub path: String,
    pub what: Unsendable,
}

/// What JS value stood at a hole.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unsendable {
    Undefined,
    Function,
    Symbol,
    BigInt,
    /// `NaN`, `Infinity` or `-Infinity`.
    NotFinite(f64),
    /// A string over a million UTF-16 units, not copied in.
    LongString {
        units: usize,
    },
    /// A string with an unpaired surrogate: it cannot be sent as it is, and replacing the
    /// broken part would change what the user wrote.
    BrokenText,
    /// An object that contains itself, where it repeats.
    Cycle,
    /// Too deep, or too many values, to read.
    TooLarge,
    /// Something that could not be read; the text says what (`"a field whose getter threw"`).
    Unreadable(&'static str),
}

impl Unsendable {
    /// What the value was, in words for a message.
    ///
    /// ```
    /// use kling3_wasm::input::Unsendable;
    /// assert_eq!(Unsendable::Function.describe(), "a function");
    /// assert_eq!(Unsendable::NotFinite(f64::NEG_INFINITY).describe(), "-Infinity");
    /// ```
    pub fn describe(&self) -> String {
        match self {
            Unsendable::Undefined => "undefined".into(),
            Unsendable::Function => "a function".into(),
            Unsendable::Symbol => "a symbol".into(),
            Unsendable::BigInt => "a bigint".into(),
            Unsendable::NotFinite(n) => crate::json_text::number_text(*n),
            Unsendable::LongString { units } => format!("a string of about {units} characters"),
            Unsendable::BrokenText => "text that is not valid Unicode (an unpaired surrogate)".into(),
            Unsendable::Cycle => "a reference to an object that contains it (a cycle)".into(),
            Unsendable::TooLarge => "an input too large or too deeply nested".into(),
            Unsendable::Unreadable(what) => (*what).into(),
        }
    }

    /// The kind of value a type error names: a long string is still "a string", `NaN` still
    /// "a number"; the rest say what they were.
    pub fn kind(&self) -> String {
        match self {
            Unsendable::LongString { .. } => "a string".into(),
            Unsendable::NotFinite(_) => "a number".into(),
            other => other.describe(),
        }
    }
}

impl From<Value> for Input {
    /// A value with no holes.
    fn from(value: Value) -> Input {
        Input { value, holes: Vec::new() }
    }
}

impl Input {
    /// What stood at `path`, when it was something JSON cannot carry.
    pub fn hole_at(&self, path: &str) -> Option<Unsendable> {
        self.holes.iter().find(|h| h.path == path).map(|h| h.what)
    }

    /// The top-level member `key`, when the input is an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        member(&self.value, key)
    }

    /// The kind of the value `v` found at `path` (see [`kind`]), or of the hole there.
    pub fn kind_at(&self, path: &str, v: &Value) -> String {
        match self.seen(path, v) {
            Seen::Json(v) => kind(v).into(),
            Seen::Hole(what) => what.kind(),
        }
    }

    /// The value `v` found at `path`, or the hole it stands for.
    pub(crate) fn seen<'v>(&self, path: &str, v: &'v Value) -> Seen<'v> {
        match v {
            Value::Null => self.hole_at(path).map_or(Seen::Json(v), Seen::Hole),
            _ => Seen::Json(v),
        }
    }
}

/// A value as a rule sees it: JSON, or a hole.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Seen<'v> {
    Json(&'v Value),
    Hole(Unsendable),
}

/// What a person would call this kind of value in an error message.
///
/// ```
/// assert_eq!(kling3_wasm::input::kind(&serde_json::json!([1])), "an array");
/// ```
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `map[key]`, found by comparing keys when the map is small (a request has a dozen fields):
/// cheaper than hashing `key`, which the map's own `get` does.
pub fn field<'m>(map: &'m Map<String, Value>, key: &str) -> Option<&'m Value> {
    if map.len() <= 16 {
        map.iter().find_map(|(k, v)| (k == key).then_some(v))
    } else {
        map.get(key)
    }
}

/// [`field`] of `v` when it is an object.
pub fn member<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.as_object().and_then(|map| field(map, key))
}

/// Joins an object key to a path: `"a"` + `"b"` is `"a.b"`. A key that would read as path
/// syntax (empty, or holding `.`, `[` or `]`) is written as a quoted index, `a["b.c"]`, so no
/// two places share a path: `{"": {"mode": 1}}` is not at `mode`.
///
/// ```
/// use kling3_wasm::input::join;
/// assert_eq!(join("", "prompt"), "prompt");
/// assert_eq!(join("kling_elements[0]", "name"), "kling_elements[0].name");
/// assert_eq!(join("", ""), r#"[""]"#);
/// assert_eq!(join("a", "b.c"), r#"a["b.c"]"#);
/// ```
pub fn join(prefix: &str, key: &str) -> String {
    let mut path = prefix.to_string();
    push_key(&mut path, key);
    path
}

/// [`join`] in place.
pub fn push_key(path: &mut String, key: &str) {
    if key.is_empty() || key.bytes().any(|b| matches!(b, b'.' | b'[' | b']')) {
        path.push('[');
        path.push_str(&crate::json_text::quote(key));
        path.push(']');
    } else {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)]
pub(crate) mod tests {
    use super::*;

    /// Test helper: an `Input` without holes from JSON text, keys in order.
    pub(crate) fn json(text: &str) -> Input {
        Input::from(serde_json::from_str::<Value>(text).expect("test JSON is valid"))
    }

    /// Test helper: an `Input` from JSON text, with `null` at each hole's path.
    pub(crate) fn with_holes(text: &str, holes: &[(&str, Unsendable)]) -> Input {
        let mut input = json(text);
        input.holes = holes.iter().map(|(path, what)| Hole { path: path.to_string(), what: *what }).collect();
        input
    }

    #[test]
    fn keys_that_read_as_path_syntax_are_quoted_as_json_strings() {
        for key in ["", "a.b", "[0]", "\"q\".\\", "\u{1}\u{7f}\u{2028}é\n]"] {
            assert_eq!(join("x", key), format!("x[{}]", serde_json::to_string(key).unwrap()), "{key:?}");
        }
    }

    #[test]
    fn a_hole_is_seen_only_where_the_value_is_null() {
        let input = with_holes(r#"{"a":null,"b":1}"#, &[("a", Unsendable::Symbol), ("b", Unsendable::Symbol)]);
        assert_eq!(input.kind_at("a", &Value::Null), "a symbol");
        assert_eq!(input.kind_at("b", &Value::from(1)), "a number");
        assert_eq!(input.kind_at("c", &Value::Null), "null");
    }

    #[test]
    fn every_unsendable_value_is_described_in_words() {
        assert_eq!(Unsendable::NotFinite(f64::NAN).describe(), "NaN");
        assert_eq!(Unsendable::NotFinite(f64::INFINITY).describe(), "Infinity");
        assert_eq!(Unsendable::LongString { units: 7 }.describe(), "a string of about 7 characters");
        assert_eq!(Unsendable::Unreadable("a field whose getter threw").describe(), "a field whose getter threw");
        assert_eq!(Unsendable::LongString { units: 7 }.kind(), "a string");
        assert_eq!(Unsendable::NotFinite(f64::NAN).kind(), "a number");
    }
}
