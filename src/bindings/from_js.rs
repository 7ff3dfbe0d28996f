//! Reading any JS value into a [`Value`] without ever throwing or trapping: cyclic objects,
//! throwing getters, revoked Proxies, huge strings and deep nesting all become values that
//! validation reports, instead of exceptions.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::value::{Value, BROKEN_TEXT, CYCLE, FUNCTION, TOO_LARGE};

/// Deeper than this, an input is refused (a cyclic object ends here too).
const MAX_DEPTH: usize = 64;
/// At most this many values in one input.
const MAX_NODES: usize = 100_000;
/// Strings longer than this (in UTF-16 units) are not copied in: no field allows them.
pub const MAX_STRING_UNITS: u32 = 1_000_000;

#[wasm_bindgen(module = "/js/runtime.js")]
extern "C" {
    #[wasm_bindgen(js_name = isWellFormed)]
    fn is_well_formed(s: &JsValue) -> bool;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(v: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(v: &JsValue) -> Result<js_sys::Array, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
}

/// Whether `s` holds U+FFFD, by its UTF-8 bytes (`str::contains` would bring in core's
/// string searcher, 3 KB of the module).
fn has_replacement_char(s: &str) -> bool {
    s.as_bytes().windows(3).any(|w| w == "\u{FFFD}".as_bytes())
}

/// Reads `v` the way `JSON.stringify` would see it; `undefined` at the top is kept as such.
pub fn read(v: &JsValue) -> Value {
    if v.is_undefined() {
        return Value::Unsupported("undefined");
    }
    let mut reader = Reader { budget: MAX_NODES, parents: Vec::new() };
    reader.read(v)
}

/// The walk's state: how many values may still be read, and the objects being read (to
/// find cycles).
struct Reader {
    budget: usize,
    parents: Vec<JsValue>,
}

impl Reader {
    fn read(&mut self, v: &JsValue) -> Value {
        if self.budget == 0 || self.parents.len() > MAX_DEPTH {
            return Value::Unsupported(TOO_LARGE);
        }
        self.budget -= 1;
        if v.is_null() || v.is_undefined() {
            return Value::Null;
        }
        if let Some(b) = v.as_bool() {
            return Value::Bool(b);
        }
        if let Some(n) = v.as_f64() {
            return Value::Number(n);
        }
        if v.is_string() {
            let units = v.unchecked_ref::<js_sys::JsString>().length();
            if units > MAX_STRING_UNITS {
                return Value::LongString(units as usize);
            }
            return match v.as_string() {
                // Copying in replaced an unpaired surrogate with U+FFFD: refuse rather than change the text.
                Some(s) if has_replacement_char(&s) && !is_well_formed(v) => Value::Unsupported(BROKEN_TEXT),
                Some(s) => Value::String(s),
                None => Value::Unsupported(BROKEN_TEXT),
            };
        }
        if v.is_function() {
            return Value::Unsupported(FUNCTION);
        }
        if v.is_symbol() {
            return Value::Unsupported("a symbol");
        }
        if v.is_bigint() {
            return Value::Unsupported("a bigint");
        }
        if !v.is_object() {
            return Value::Unsupported("a value JSON cannot hold");
        }
        if self.parents.iter().any(|p| p == v) {
            return Value::Unsupported(CYCLE);
        }
        self.parents.push(v.clone());
        let value = match is_array(v) {
            Ok(true) => self.read_array(v),
            Ok(false) => self.read_object(v),
            Err(_) => Value::Unsupported("an object that could not be read"),
        };
        self.parents.pop();
        value
    }

    fn read_array(&mut self, v: &JsValue) -> Value {
        let len = match reflect_get(v, &JsValue::from_str("length")).map(|l| l.as_f64()) {
            Ok(Some(n)) if n >= 0.0 && crate::value::is_whole(n) => n,
            _ => return Value::Unsupported("an array that could not be read"),
        };
        if len > self.budget as f64 {
            return Value::Unsupported(TOO_LARGE);
        }
        let len = len as u32;
        let mut items = Vec::with_capacity(len as usize);
        for i in 0..len {
            let item = match reflect_get(v, &JsValue::from(i)) {
                // JSON writes holes and undefined in arrays as null.
                Ok(item) => self.read(&item),
                Err(_) => Value::Unsupported("an item that could not be read"),
            };
            items.push(item);
        }
        Value::Array(items)
    }

    fn read_object(&mut self, v: &JsValue) -> Value {
        let Ok(keys) = object_keys(v) else {
            return Value::Unsupported("an object whose fields could not be listed");
        };
        if keys.length() as usize > self.budget {
            return Value::Unsupported(TOO_LARGE);
        }
        let mut entries = Vec::with_capacity(keys.length() as usize);
        for key in keys.iter() {
            let Some(name) = key.as_string() else {
                continue;
            };
            let value = match reflect_get(v, &key) {
                // Like JSON, a field set to undefined is left out.
                Ok(field) if field.is_undefined() => continue,
                Ok(field) => self.read(&field),
                Err(_) => Value::Unsupported("a field whose getter threw"),
            };
            entries.push((name, value));
        }
        Value::Object(entries)
    }
}
