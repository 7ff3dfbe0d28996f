//! A JSON-like value that keeps object keys in the order they were given.
//!
//! Everything the package receives from outside (a request, a task response) arrives as a
//! [`Value`] first, so the rules in the other modules see one well-defined shape whatever the
//! caller passed: a JS object, a JSON text, or a value built in a Rust test.

#[allow(unused_imports)]
use crate::prelude::*;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A value as JSON knows it, plus the few JS values JSON cannot carry.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    /// Keys in insertion order; a later duplicate key replaces the earlier value in place.
    Object(Vec<(String, Value)>),
    /// A string too long to copy in: only its length in UTF-16 units is kept.
    LongString(usize),
    /// A value JSON cannot represent (function, symbol, bigint, an unreadable property...):
    /// the name says what it was.
    Unsupported(&'static str),
}

/// What an input nested too deeply, or too big to check, is read as.
pub const TOO_LARGE: &str = "an input too large or too deeply nested";

/// What a JS string that is not valid Unicode (an unpaired surrogate) is read as: it cannot be
/// sent as it is, and replacing the broken part would change what the user wrote.
pub const BROKEN_TEXT: &str = "text that is not valid Unicode (an unpaired surrogate)";

/// What an object that contains itself is read as, where it repeats.
pub const CYCLE: &str = "a reference to an object that contains it (a cycle)";

impl Value {
    /// The member `key` of an object, or `None` for anything else.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a path of object keys; `None` as soon as one step is missing.
    pub fn pointer(&self, keys: &[&str]) -> Option<&Value> {
        keys.iter().try_fold(self, |v, k| v.get(k))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// What a person would call this kind of value in an error message.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) | Value::LongString(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
            Value::Unsupported(what) => what,
        }
    }

    /// Sets `key` on an object, replacing an existing value in place; does nothing on
    /// other values.
    pub fn insert(&mut self, key: &str, value: Value) {
        if let Value::Object(entries) = self {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value,
                None => entries.push((key.to_string(), value)),
            }
        }
    }

    /// The JSON text of this value, compact, with keys in order.
    ///
    /// Numbers JSON cannot hold (NaN, infinities) and unsupported values become `null`,
    /// as `JSON.stringify` does.
    ///
    /// ```
    /// use kling3_wasm::value::Value;
    /// let v = Value::Object(vec![("a".into(), Value::Number(5.0)), ("b".into(), Value::String("x\"".into()))]);
    /// assert_eq!(v.to_json(), r#"{"a":5,"b":"x\""}"#);
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_json(self, &mut out);
        out
    }
}

fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null | Value::Unsupported(_) | Value::LongString(_) => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(*n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_json(v, out);
            }
            out.push('}');
        }
    }
}

/// What a JS function reads as: an [`Value::Unsupported`] of this kind.
pub const FUNCTION: &str = "a function";

/// Whether a number is finite and whole (`f64::fract` needs std).
pub fn is_whole(n: f64) -> bool {
    // From 2^52 on, every f64 is whole.
    n.is_finite() && (n.abs() >= 4_503_599_627_370_496.0 || n as i64 as f64 == n)
}

/// A number as JSON and JS print it: `5`, not `5.0`.
///
/// ```
/// assert_eq!(kling3_wasm::value::number_text(20.0), "20");
/// assert_eq!(kling3_wasm::value::number_text(5.5), "5.5");
/// ```
pub fn number_text(n: f64) -> String {
    let mut out = String::new();
    write_number(n, &mut out);
    out
}

/// Writes a number the way JSON readers expect: integers without a fraction.
pub fn write_number(n: f64, out: &mut String) {
    if !n.is_finite() {
        out.push_str("null");
    } else if n.abs() < 1e15 && is_whole(n) {
        // Exact: the integer fits in i64 and has no fraction.
        crate::text::Piece::put(&(n as i64), out);
    } else {
        float_text(n, out);
    }
}

/// A non-integer as the shortest text that reads back as the same number. Native builds use
/// Rust's formatting; the wasm build asks the JS engine (`String(n)`, which JSON uses too), so
/// the module carries no float formatting code of its own.
#[cfg(not(target_arch = "wasm32"))]
fn float_text(n: f64, out: &mut String) {
    use core::fmt::Write;
    let _ = write!(out, "{n}");
}

#[cfg(target_arch = "wasm32")]
fn float_text(n: f64, out: &mut String) {
    out.push_str(&crate::bindings::js_number_text(n));
}

/// Writes a JSON string literal, escaping exactly as `JSON.stringify` does, so a body built
/// here is the same text JS would write.
pub fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let code = c as u32;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[((code >> shift) & 0xf) as usize] as char);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null | Value::Unsupported(_) | Value::LongString(_) => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => serializer.serialize_f64(*n),
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Test helper: a `Value` from JSON text, keys in order.
    pub(crate) fn json(text: &str) -> Value {
        from_serde(serde_json::from_str(text).expect("test JSON is valid"))
    }

    pub(crate) fn from_serde(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(a) => Value::Array(a.into_iter().map(from_serde).collect()),
            serde_json::Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, from_serde(v))).collect()),
        }
    }

    #[test]
    fn json_text_round_trips_through_serde_json() {
        let text = r#"{"b":1,"a":[true,null,"x\ny\u0001",2.5,-3],"c":{"d":1e21}}"#;
        let v = json(text);
        let back: serde_json::Value = serde_json::from_str(&v.to_json()).unwrap();
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(text).unwrap());
        assert!(v.to_json().starts_with(r#"{"b":1,"a""#), "key order is kept");
    }

    #[test]
    fn numbers_json_cannot_hold_become_null() {
        let v = Value::Array(vec![Value::Number(f64::NAN), Value::Number(f64::INFINITY)]);
        assert_eq!(v.to_json(), "[null,null]");
    }

    #[test]
    fn strings_are_escaped_as_json_stringify_does() {
        assert_eq!(Value::String("a\u{2028}b".into()).to_json(), "\"a\u{2028}b\"");
        assert_eq!(Value::String("\u{1}\u{1f}\t\"\\/é".into()).to_json(), r#""\u0001\u001f\t\"\\/é""#);
    }
}
