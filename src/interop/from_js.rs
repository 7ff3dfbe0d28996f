//! Reading any JS value into an [`Input`] without ever throwing or trapping.
//!
//! Why a reader of our own, and not `serde_wasm_bindgen::from_value`: the values come from
//! anyone, and serde-wasm-bindgen recurses without a limit (a cyclic or very deep object
//! overflows the wasm stack and kills the instance) and lets a throwing getter or Proxy trap
//! unwind through the module (each one leaks shadow stack). This reader is bounded in depth
//! and size, calls JS only through imports that catch, and records what JSON cannot carry
//! (functions, cycles, unreadable fields...) as holes that validation reports by path.

use js_sys::JsString;
use wasm_bindgen::{JsCast, JsValue};

use crate::interop::js::{array_kind, is_well_formed, object_keys, reflect_get};
use serde_json::Number;

use crate::input::{Hole, Input, Map, Unsendable, Value};

/// Deeper than this, an input is refused (a cyclic object ends here too).
const MAX_DEPTH: usize = 64;
/// At most this many values in one input.
const MAX_NODES: usize = 100_000;
/// Strings longer than this (in UTF-16 units) are not copied in: no field allows them.
pub(crate) const MAX_STRING_UNITS: u32 = 1_000_000;

/// Reads `v` the way `JSON.stringify` would see it, with a hole wherever it cannot.
///
/// A plain JSON-like value (the usual request) takes the fast path: its JSON text, written by
/// the engine in one call, parsed by serde_json (which has a recursion limit), then checked
/// against the same bounds as the walk below. Anything else is walked field by field.
pub(crate) fn read(v: &JsValue) -> Input {
    match fast_path(v, &JsValue::UNDEFINED) {
        Some(value) => Input { value, holes: Vec::new() },
        None => walk(v),
    }
}

/// The fast path's value for `v` (only the fields named in `only`, an array, unless it is
/// `undefined`), or `None` when `v` must be walked.
fn fast_path(v: &JsValue, only: &JsValue) -> Option<Value> {
    let text = if only.is_undefined() {
        crate::interop::js::plain_json(v, MAX_DEPTH, MAX_NODES, MAX_STRING_UNITS)
    } else {
        crate::interop::js::plain_json_of(v, only, MAX_DEPTH, MAX_NODES, MAX_STRING_UNITS)
    };
    parse_plain(&text?)
}

/// [`read`] for only the fields named in `only`, at every level (what `JSON.stringify(v, only)`
/// writes), for a function that reads no other field. The other fields are not read at all, so
/// they count against no bound (a request too big to validate as a whole can still be priced).
/// A value the fast path cannot take is read whole: the function then sees more than it needs.
pub(crate) fn read_fields(v: &JsValue, only: &'static [&'static str]) -> Input {
    thread_local! {
        // The names as one JS array, made once per list (the lists are constants).
        static NAMES: std::cell::RefCell<Vec<(usize, js_sys::Array)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let names = NAMES.with(|cache| {
        let mut cache = cache.borrow_mut();
        let key = only.as_ptr() as usize;
        if let Some((_, names)) = cache.iter().find(|(k, _)| *k == key) {
            return names.clone();
        }
        let names: js_sys::Array = only.iter().map(|name| JsValue::from_str(name)).collect();
        cache.push((key, names.clone()));
        names
    });
    match fast_path(v, &names) {
        Some(value) => Input { value, holes: Vec::new() },
        None => walk(v),
    }
}

/// The walk's result for a plain value's JSON text, or `None` when the walk would give holes
/// (deeper than `MAX_DEPTH`, more than `MAX_NODES` values) or the text is not JSON serde_json
/// reads (an unpaired surrogate).
fn parse_plain(text: &str) -> Option<Value> {
    within_walk_bounds(crate::json_text::parse(text).ok()?)
}

/// `value` as the walk would give it, or `None` when the walk would give holes, or read one of
/// its numbers more exactly.
fn within_walk_bounds(mut value: Value) -> Option<Value> {
    let mut budget = MAX_NODES;
    within_bounds(&mut value, 0, &mut budget).then_some(value)
}

/// Whether `v` is what the walk would give: within its bounds, and no number serde_json may
/// have read a unit off (see below). Whole numbers become what the walk gives (f64), so a whole
/// number past 2^53 is the number JS holds.
fn within_bounds(v: &mut Value, depth: usize, budget: &mut usize) -> bool {
    if *budget == 0 || depth > MAX_DEPTH {
        return false;
    }
    *budget -= 1;
    match v {
        // A number written with a fraction or an exponent: serde_json reads those fast, not
        // always to the nearest double (one unit off in the last place, now and then). The walk
        // reads the number JS holds.
        Value::Number(n) if n.is_f64() => return false,
        Value::Number(n) => match n.as_f64().and_then(Number::from_f64) {
            Some(f) => *n = f,
            None => return false,
        },
        Value::Array(items) => return items.iter_mut().all(|item| within_bounds(item, depth + 1, budget)),
        Value::Object(entries) => return entries.values_mut().all(|item| within_bounds(item, depth + 1, budget)),
        _ => {}
    }
    true
}

/// Reads `v` field by field, bounded, through helpers that catch.
fn walk(v: &JsValue) -> Input {
    let mut reader = Reader { budget: MAX_NODES, parents: Vec::new(), path: String::new(), holes: Vec::new() };
    let value = reader.read(v);
    Input { value, holes: reader.holes }
}

/// Options objects: `undefined` (or no argument) is no options.
pub(crate) fn read_options(options: &Option<JsValue>) -> Input {
    match options {
        Some(o) if !o.is_undefined() && !o.is_null() => read(o),
        _ => Input::default(),
    }
}

/// The walk's state: how many values may still be read, the objects being read (to find
/// cycles), where it is, and what it could not read.
struct Reader {
    budget: usize,
    parents: Vec<JsValue>,
    path: String,
    holes: Vec<Hole>,
}

impl Reader {
    fn hole(&mut self, what: Unsendable) -> Value {
        self.holes.push(Hole { path: self.path.clone(), what });
        Value::Null
    }

    fn read(&mut self, v: &JsValue) -> Value {
        if self.budget == 0 || self.parents.len() > MAX_DEPTH {
            return self.hole(Unsendable::TooLarge);
        }
        self.budget -= 1;
        if v.is_null() {
            return Value::Null;
        }
        if v.is_undefined() {
            return self.hole(Unsendable::Undefined);
        }
        if let Some(b) = v.as_bool() {
            return Value::Bool(b);
        }
        if let Some(n) = v.as_f64() {
            return match Number::from_f64(n) {
                Some(n) => Value::Number(n),
                None => self.hole(Unsendable::NotFinite(n)),
            };
        }
        if v.is_string() {
            let units = v.unchecked_ref::<JsString>().length();
            if units > MAX_STRING_UNITS {
                return self.hole(Unsendable::LongString { units: units as usize });
            }
            return match v.as_string() {
                // Copying in replaced an unpaired surrogate with U+FFFD: refuse rather than change the text.
                // Its UTF-8 bytes looked for, not `s.contains('\u{FFFD}')`, which costs 4.8 KB
                // of page (see `crate::text`).
                Some(s) if s.as_bytes().windows(3).any(|w| w == "\u{FFFD}".as_bytes()) && !is_well_formed(v) => {
                    self.hole(Unsendable::BrokenText)
                }
                Some(s) => Value::String(s),
                None => self.hole(Unsendable::BrokenText),
            };
        }
        if v.is_function() {
            return self.hole(Unsendable::Function);
        }
        if v.is_symbol() {
            return self.hole(Unsendable::Symbol);
        }
        if v.is_bigint() {
            return self.hole(Unsendable::BigInt);
        }
        if !v.is_object() {
            return self.hole(Unsendable::Unreadable("a value JSON cannot hold"));
        }
        if self.parents.iter().any(|p| p == v) {
            return self.hole(Unsendable::Cycle);
        }
        self.parents.push(v.clone());
        let value = match array_kind(v) {
            1 => self.read_array(v),
            0 => self.read_object(v),
            _ => self.hole(Unsendable::Unreadable("an object that could not be read")),
        };
        self.parents.pop();
        value
    }

    /// Reads `v` as the item or field that `segment` names, then steps back out.
    fn read_at(&mut self, segment: Segment<'_>, v: Result<JsValue, ()>, unreadable: &'static str) -> Value {
        let len = self.path.len();
        match segment {
            Segment::Index(i) => {
                self.path.push('[');
                self.path.push_str(&i.to_string());
                self.path.push(']');
            }
            Segment::Key(k) => crate::input::push_key(&mut self.path, k),
        }
        let value = match v {
            Ok(item) => self.read(&item),
            Err(_) => self.hole(Unsendable::Unreadable(unreadable)),
        };
        self.path.truncate(len);
        value
    }

    fn read_array(&mut self, v: &JsValue) -> Value {
        let len = match reflect_get(v, &JsValue::from_str("length")).map(|l| l.as_f64()) {
            Ok(Some(n)) if n >= 0.0 && n.fract() == 0.0 => n,
            _ => return self.hole(Unsendable::Unreadable("an array that could not be read")),
        };
        if len > self.budget as f64 {
            return self.hole(Unsendable::TooLarge);
        }
        let len = len as u32;
        let mut items = Vec::with_capacity(len as usize);
        for i in 0..len {
            let item = reflect_get(v, &JsValue::from(i));
            // JSON writes holes and undefined in arrays as null.
            let item = match item {
                Ok(item) if item.is_undefined() => Ok(JsValue::NULL),
                other => other,
            };
            items.push(self.read_at(Segment::Index(i), item, "an item that could not be read"));
        }
        Value::Array(items)
    }

    fn read_object(&mut self, v: &JsValue) -> Value {
        let Ok(keys) = object_keys(v) else {
            return self.hole(Unsendable::Unreadable("an object whose fields could not be listed"));
        };
        if keys.length() as usize > self.budget {
            return self.hole(Unsendable::TooLarge);
        }
        let mut entries = Map::with_capacity(keys.length() as usize);
        for key in keys.iter() {
            let Some(name) = key.as_string() else {
                continue;
            };
            let field = reflect_get(v, &key);
            // Like JSON, a field set to undefined is left out.
            if matches!(&field, Ok(f) if f.is_undefined()) {
                continue;
            }
            let value = self.read_at(Segment::Key(&name), field, "a field whose getter threw");
            entries.insert(name, value);
        }
        Value::Object(entries)
    }
}

enum Segment<'a> {
    Index(u32),
    Key(&'a str),
}
