//! The JavaScript surface: the only module with `#[wasm_bindgen]`. It converts JS values in
//! and out and turns the core's errors into the package's JS error classes; every rule lives
//! in the core.

mod from_js;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::Error;
use crate::value::Value;
use crate::wire::{BuildOptions, BuiltRequest};

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(code: &str, message: &str, errors: JsValue, warnings: JsValue) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = set)]
    fn reflect_set(target: &JsValue, key: &JsValue, value: &JsValue) -> Result<bool, JsValue>;
}

#[wasm_bindgen(typescript_custom_section)]
const TS_EXTRA: &'static str = r#"
/** A request body as `normalizeRequest` returns it: every default explicit, unknown fields kept. */
export type NormalizedRequest = KlingRequest &
  Required<Pick<KlingRequest, "model" | "mode" | "duration" | "aspect_ratio" | "sound">> & { [field: string]: unknown };
export interface Task {
  /** The response body the task was read from. */
  raw: unknown;
}
/** Options of `buildRequest`. */
export interface BuildOptions {
  /** The API key (`aio_...`); without it no Authorization header is set (a proxy adds it). */
  apiKey?: string;
  /** Default `https://apiin.one/api/v1`; a path such as `/api/v1` for a same-origin proxy. */
  baseUrl?: string;
}
/** Options of `toCurl`. */
export interface CurlOptions {
  /** Write `$KLING_API_KEY` instead of the key (default true). */
  redactKey?: boolean;
}
"#;

/// Results cross as plain objects (not Maps), with `null` for missing values.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer =
        serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true).serialize_missing_as_null(true);
    value.serialize(&serializer).map_err(|_| {
        make_error("internal", "could not convert a result to a JS value", JsValue::UNDEFINED, JsValue::UNDEFINED)
    })
}

/// The JS error for a core error: `ValidationError` with its lists, else `KlingError`.
fn to_js_error(error: Error) -> JsValue {
    let message = error.message();
    match &error {
        Error::Validation(report) => {
            let errors = to_js(&report.errors).unwrap_or(JsValue::UNDEFINED);
            let warnings = to_js(&report.warnings).unwrap_or(JsValue::UNDEFINED);
            make_error(error.code(), &message, errors, warnings)
        }
        _ => make_error(error.code(), &message, JsValue::UNDEFINED, JsValue::UNDEFINED),
    }
}

/// Checks a request and returns every problem at once. Never throws.
#[wasm_bindgen(js_name = validateRequest, unchecked_return_type = "Validation")]
pub fn validate_request(#[wasm_bindgen(unchecked_param_type = "unknown")] input: JsValue) -> JsValue {
    let (_, report) = crate::validate::validate(&from_js::read(&input));
    to_js(&report).unwrap_or_else(|e| e)
}

/// The body that will be sent: defaults explicit, unknown fields kept. Throws `ValidationError`.
#[wasm_bindgen(js_name = normalizeRequest, unchecked_return_type = "NormalizedRequest")]
pub fn normalize_request(
    #[wasm_bindgen(unchecked_param_type = "KlingRequest")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let body = crate::normalize::normalize(&from_js::read(&input)).map_err(|r| to_js_error(r.into()))?;
    to_js(&body)
}

/// The price in credits, from the fields that set it; works on a half-filled request.
/// Throws `ValidationError` when a price field is invalid.
#[wasm_bindgen(js_name = estimateCost, unchecked_return_type = "Cost")]
pub fn estimate_cost(
    #[wasm_bindgen(unchecked_param_type = "KlingRequest")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let cost = crate::pricing::estimate(&from_js::read(&input)).map_err(|e| to_js_error(Error::invalid(e)))?;
    to_js(&cost)
}

/// `{ method, url, headers, body }` for the create-task call. Throws `ValidationError`.
#[wasm_bindgen(js_name = buildRequest, unchecked_return_type = "BuiltRequest")]
pub fn build_request(
    #[wasm_bindgen(unchecked_param_type = "KlingRequest")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "BuildOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let opts = BuildOptions::from_value(&options_value(&options)).map_err(to_js_error)?;
    let request = crate::wire::build_request(&from_js::read(&input), &opts).map_err(to_js_error)?;
    to_js(&request)
}

/// A curl command for a built request, safe to paste into a POSIX shell; the key is
/// redacted unless `redactKey` is false.
#[wasm_bindgen(js_name = toCurl)]
pub fn to_curl(
    #[wasm_bindgen(unchecked_param_type = "BuiltRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CurlOptions")] options: Option<JsValue>,
) -> Result<String, JsValue> {
    let request = BuiltRequest::from_value(&from_js::read(&request)).map_err(to_js_error)?;
    let redact = match options_value(&options).get("redactKey") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(to_js_error(Error::invalid(vec![crate::validate::Issue {
                path: "redactKey".to_string(),
                code: crate::validate::Code::InvalidType,
                message: format!("redactKey must be true or false, got {}", other.kind()),
            }])))
        }
    };
    Ok(crate::wire::to_curl(&request, redact))
}

/// Reads a task from a response body (an object, or its JSON text).
#[wasm_bindgen(js_name = parseTask, unchecked_return_type = "Task")]
pub fn parse_task(#[wasm_bindgen(unchecked_param_type = "unknown")] json: JsValue) -> Result<JsValue, JsValue> {
    let raw = if json.is_string() {
        if json.unchecked_ref::<js_sys::JsString>().length() > from_js::MAX_STRING_UNITS {
            return Err(to_js_error(Error::InvalidJson("the text is too long to be a task response".into())));
        }
        let text = json.as_string().unwrap_or_default();
        json_parse(&text).map_err(|e| {
            let why =
                e.dyn_ref::<js_sys::Error>().map_or_else(|| "unreadable text".to_string(), |e| e.message().into());
            to_js_error(Error::InvalidJson(why))
        })?
    } else {
        json
    };
    let task = crate::task::parse_task(&from_js::read(&raw)).map_err(to_js_error)?;
    let out = to_js(&task)?;
    reflect_set(&out, &JsValue::from_str("raw"), &raw)?;
    Ok(out)
}

/// Options objects: `undefined` (or no argument) is no options.
fn options_value(options: &Option<JsValue>) -> Value {
    match options {
        Some(o) if !o.is_undefined() => from_js::read(o),
        _ => Value::Null,
    }
}
