//! JSON text exactly as JavaScript writes it: serde_json's writer, with numbers written the
//! way `JSON.stringify` and `String(n)` write them (`5`, not `5.0`; `1e+21`, not `1e21`).
//!
//! A body built here is the same text a JS caller would have built, so what the package shows
//! (a curl command, a preview) is what it sends.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, Serializer};
use serde_json::Value;

/// The compact JSON text of `v`, keys in order, as `JSON.stringify` writes it.
///
/// ```
/// use kling3_wasm::json_text::stringify;
/// let v = serde_json::json!({"a": 5.0, "b": "x\"", "c": 1e21, "d": -0.0});
/// assert_eq!(stringify(&v), r#"{"a":5,"b":"x\"","c":1e+21,"d":0}"#);
/// ```
pub fn stringify(v: &Value) -> String {
    let mut out = Vec::new();
    let mut writer = Serializer::with_formatter(&mut out, JsFormatter);
    // Writing a `Value` into a `Vec` cannot fail: its keys are strings and a `Vec` takes any
    // byte; were it to, the text would be cut short rather than the package panic.
    let _ = v.serialize(&mut writer);
    String::from_utf8(out).unwrap_or_default()
}

/// The value a JSON text holds. Every JSON text the package reads goes through here or through
/// `serde_json::from_slice`: `from_str` is the same parser over another reader, and the module
/// would hold serde_json's parser twice (1034 B more page, gzip -9, for one `from_str` beside
/// this one: `node bench/micro.mjs`). `clippy.toml` refuses `from_str` outside tests.
///
/// ```
/// use kling3_wasm::json_text::parse;
/// assert_eq!(parse(r#"{"a":[1,"x"]}"#).unwrap(), serde_json::json!({"a": [1, "x"]}));
/// assert!(parse("{").is_err());
/// ```
pub fn parse(text: &str) -> serde_json::Result<Value> {
    serde_json::from_slice(text.as_bytes())
}

/// A text as a JSON string literal, escaped as `JSON.stringify` escapes it.
///
/// ```
/// assert_eq!(kling3_wasm::json_text::quote("a\"b\n"), r#""a\"b\n""#);
/// ```
pub fn quote(s: &str) -> String {
    stringify(&Value::String(s.to_string()))
}

/// A number as JS prints it, for messages: `20`, `5.5`, `NaN`, `Infinity`.
///
/// ```
/// use kling3_wasm::json_text::number_text;
/// assert_eq!(number_text(20.0), "20");
/// assert_eq!(number_text(5.5), "5.5");
/// assert_eq!(number_text(f64::NAN), "NaN");
/// ```
pub fn number_text(n: f64) -> String {
    ryu_js::Buffer::new().format(n).to_string()
}

/// Integers beyond this are not exact in a JS number: JS writes them rounded to one.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// serde_json's compact writer, but numbers as JS writes them.
struct JsFormatter;

impl Formatter for JsFormatter {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        // serde_json writes `null` for NaN and infinities before it gets here, as JS does.
        writer.write_all(ryu_js::Buffer::new().format_finite(value).as_bytes())
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }

    fn write_u64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: u64) -> io::Result<()> {
        if value > MAX_SAFE_INTEGER {
            self.write_f64(writer, value as f64)
        } else {
            CompactFormatter.write_u64(writer, value)
        }
    }

    fn write_i64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: i64) -> io::Result<()> {
        if value.unsigned_abs() > MAX_SAFE_INTEGER {
            self.write_f64(writer, value as f64)
        } else {
            CompactFormatter.write_i64(writer, value)
        }
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;

    #[test]
    fn json_text_round_trips_through_serde_json_with_keys_in_order() {
        let text = r#"{"b":1,"a":[true,null,"x\ny\u0001",2.5,-3],"c":{"d":1e21}}"#;
        let v: Value = serde_json::from_str(text).unwrap();
        let back: Value = serde_json::from_str(&stringify(&v)).unwrap();
        assert_eq!(back, v);
        assert_eq!(stringify(&v), r#"{"b":1,"a":[true,null,"x\ny\u0001",2.5,-3],"c":{"d":1e+21}}"#);
    }

    #[test]
    fn numbers_are_written_as_json_stringify_writes_them() {
        for (n, text) in [
            (5.0, "5"),
            (-0.0, "0"),
            (0.1, "0.1"),
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (123456789012345680000.0, "123456789012345680000"),
            (f64::MAX, "1.7976931348623157e+308"),
        ] {
            assert_eq!(stringify(&Value::from(n)), text, "{n}");
        }
        assert_eq!(stringify(&Value::from(u64::MAX)), "18446744073709552000");
        assert_eq!(stringify(&Value::from(-9_007_199_254_740_993i64)), "-9007199254740992");
        assert_eq!(stringify(&Value::from(9_007_199_254_740_991u64)), "9007199254740991");
        assert_eq!(number_text(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn strings_are_escaped_as_json_stringify_does() {
        assert_eq!(quote("a\u{2028}b"), "\"a\u{2028}b\"");
        assert_eq!(quote("\u{1}\u{1f}\t\u{8}\u{c}\"\\/é"), r#""\u0001\u001f\t\b\f\"\\/é""#);
    }
}
