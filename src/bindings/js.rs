//! The JavaScript the package calls that neither js-sys nor web-sys declare the way it needs:
//! every call that can throw is declared with `catch`, so that no exception ever unwinds
//! through the module (which would leave its stack and borrows in a broken state).

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
    /// Whether a string is valid Unicode (no unpaired surrogate), in engines old and new.
    #[wasm_bindgen(js_name = isWellFormed)]
    pub(crate) fn is_well_formed(s: &JsValue) -> bool;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    pub(crate) fn json_parse(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    pub(crate) fn is_array(v: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    pub(crate) fn object_keys(v: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    pub(crate) fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = set)]
    pub(crate) fn reflect_set(target: &JsValue, key: &JsValue, value: &JsValue) -> Result<bool, JsValue>;
    /// Any value, seen as a Response for one call below.
    #[wasm_bindgen(js_name = Response)]
    pub(crate) type MaybeResponse;
    /// `Response.prototype.clone.call(v)`: a genuine `Response` (not a Proxy, not a subclass
    /// with its own methods) with the same status, headers and body, or an exception when `v`
    /// is not a Response at all.
    #[wasm_bindgen(catch, method, final, js_class = "Response", js_name = clone)]
    fn clone_response(this: &MaybeResponse) -> Result<web_sys::Response, JsValue>;
    #[wasm_bindgen(js_name = AbortSignal)]
    pub(crate) type AbortSignalClass;
    /// `AbortSignal.any(signals)`, or an exception where the runtime lacks it.
    #[wasm_bindgen(catch, static_method_of = AbortSignalClass, js_class = "AbortSignal", js_name = any)]
    pub(crate) fn abort_signal_any(signals: &Array) -> Result<web_sys::AbortSignal, JsValue>;
}

/// Calls a user's function with one argument; whatever it throws comes back as `Err`.
pub(crate) fn call1(f: &Function, arg: &JsValue) -> Result<JsValue, JsValue> {
    f.call1(&JsValue::UNDEFINED, arg)
}

/// Whether the runtime has a global `fetch` function.
pub(crate) fn has_global_fetch() -> bool {
    reflect_get(&js_sys::global(), &JsValue::from_str("fetch")).is_ok_and(|f| f.is_function())
}

/// A genuine `Response` with what `v` holds, or `Err` when `v` is not one (see `clone_response`).
pub(crate) fn genuine_response(v: &JsValue) -> Result<web_sys::Response, JsValue> {
    v.unchecked_ref::<MaybeResponse>().clone_response()
}
