//! The JavaScript the package calls that js-sys and web-sys do not declare the way it needs.
//! Nothing here may throw into the module: what can throw is caught in `js/runtime.js`, which
//! gives back `THREW` instead (see there why not wasm-bindgen's `catch`).

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    /// `new ValidationError(...)`, `new ApiError(...)`... as `code` says; `fields` holds the
    /// class's own fields.
    #[wasm_bindgen(js_name = makeError)]
    pub(crate) fn make_error(code: &str, message: &str, fields: &JsValue) -> JsValue;
}

#[wasm_bindgen(module = "/js/runtime.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2)]
    static THREW: JsValue;
    /// Whether a string is valid Unicode (no unpaired surrogate), in engines old and new.
    #[wasm_bindgen(js_name = isWellFormed)]
    pub(crate) fn is_well_formed(s: &JsValue) -> bool;
    #[wasm_bindgen(js_name = get)]
    fn guarded_get(o: &JsValue, k: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = keys)]
    fn guarded_keys(o: &JsValue) -> JsValue;
    /// 1 for an array, 0 for another object, 2 when it cannot be told.
    #[wasm_bindgen(js_name = arrayKind)]
    pub(crate) fn array_kind(v: &JsValue) -> u8;
    #[wasm_bindgen(js_name = parseJson)]
    fn guarded_parse(text: &str) -> JsValue;
    #[wasm_bindgen(js_name = attempt)]
    fn guarded_call(f: &Function, arg: &JsValue) -> Array;
    /// `Promise.resolve(v)`, or a promise rejected with what it threw (a `constructor` getter).
    #[wasm_bindgen(js_name = toPromise)]
    pub(crate) fn to_promise(v: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = callFetch)]
    fn guarded_fetch(f: &Function, url: &str, init: &js_sys::Object) -> Array;
    #[wasm_bindgen(js_name = genuineResponse)]
    fn guarded_response(v: &JsValue) -> JsValue;
    /// The JSON text of a plain JSON-like value, or `None` for anything else (see runtime.js).
    /// The reader's bounds are passed in: they are written once, in `from_js.rs`.
    #[wasm_bindgen(js_name = plainJson)]
    pub(crate) fn plain_json(v: &JsValue, deepest: usize, most: usize, longest: u32) -> Option<String>;
    /// `plain_json` for only the fields named in `only` (an array of strings), at every level.
    #[wasm_bindgen(js_name = plainJsonOf)]
    pub(crate) fn plain_json_of(
        v: &JsValue,
        only: &JsValue,
        deepest: usize,
        most: usize,
        longest: u32,
    ) -> Option<String>;
    /// The header `name` (lower case) of a `Headers` or a plain object (see runtime.js).
    #[wasm_bindgen(js_name = headerOf)]
    pub(crate) fn header_of(headers: &JsValue, name: &str) -> Option<String>;
    /// A signal that aborts with `signal` but holds no listener on it (`AbortSignal.any`).
    pub(crate) fn follow(signal: &web_sys::AbortSignal) -> web_sys::AbortSignal;
}

fn threw(v: &JsValue) -> bool {
    THREW.with(|t| t == v)
}

/// `Err(())` in place of `THREW`.
fn checked(v: JsValue) -> Result<JsValue, ()> {
    if threw(&v) {
        Err(())
    } else {
        Ok(v)
    }
}

/// `target[key]`; `Err` when a getter or a Proxy trap throws.
pub(crate) fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, ()> {
    checked(guarded_get(target, key))
}

/// `Object.keys(v)`; `Err` when it throws.
pub(crate) fn object_keys(v: &JsValue) -> Result<Array, ()> {
    checked(guarded_keys(v)).map(JsCast::unchecked_into)
}

/// `JSON.parse(text)`; `Err` when the text is not JSON.
pub(crate) fn json_parse(text: &str) -> Result<JsValue, ()> {
    checked(guarded_parse(text))
}

/// A guarded call's `[true, value]` as `Ok(value)`, and its `[false, thrown]` as `Err(thrown)`.
fn outcome(pair: Array) -> Result<JsValue, JsValue> {
    if pair.get(0).is_truthy() {
        Ok(pair.get(1))
    } else {
        Err(pair.get(1))
    }
}

/// Calls a user's function with one argument; whatever it throws comes back as `Err`.
pub(crate) fn call1(f: &Function, arg: &JsValue) -> Result<JsValue, JsValue> {
    outcome(guarded_call(f, arg))
}

/// Calls a fetch function as `fetch(url, init)`; whatever it throws comes back as `Err`.
pub(crate) fn call_fetch(f: &Function, url: &str, init: &js_sys::Object) -> Result<JsValue, JsValue> {
    outcome(guarded_fetch(f, url, init))
}

/// A genuine `Response` with what `v` holds, or `Err` when `v` is not one.
pub(crate) fn genuine_response(v: &JsValue) -> Result<web_sys::Response, ()> {
    checked(guarded_response(v)).map(JsCast::unchecked_into)
}

/// Whether the runtime has a global `fetch` function.
pub(crate) fn has_global_fetch() -> bool {
    global_fetch().is_some()
}

/// Whether the runtime has a page's `location` (a browser, a worker, Deno with `--location`),
/// which a path as a URL is relative to.
pub(crate) fn has_page() -> bool {
    reflect_get(&js_sys::global(), &JsValue::from_str("location")).is_ok_and(|l| l.is_object())
}

/// The runtime's global `fetch`, read at the time of the call (a page may replace it).
pub(crate) fn global_fetch() -> Option<Function> {
    reflect_get(&js_sys::global(), &JsValue::from_str("fetch")).ok().and_then(|f| f.dyn_into::<Function>().ok())
}

/// `target[key] = value` on an object the module made (which cannot throw).
pub(crate) fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}
