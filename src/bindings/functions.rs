//! The package's pure functions (no network): each reads its input with the bounded reader,
//! asks the core, and converts the answer back.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::errors::{report_to_js, to_js_error};
use crate::error::Error;
use crate::input::Value;
use crate::interop::from_js;
use crate::interop::js::json_parse;
use crate::interop::to_js::{task_with_raw, to_js};
use crate::validate::{Code, Issue};
use crate::wire::BuiltRequest;

/// Checks a request and returns every problem at once. Never throws.
#[wasm_bindgen(js_name = validateRequest, unchecked_return_type = "Validation")]
pub fn validate_request(#[wasm_bindgen(unchecked_param_type = "unknown")] input: JsValue) -> JsValue {
    let (_, report) = crate::validate::validate(&from_js::read(&input));
    report_to_js(&report)
}

/// The body that will be sent: defaults explicit, unknown fields kept. Throws `ValidationError`.
#[wasm_bindgen(js_name = normalizeRequest, unchecked_return_type = "NormalizedRequest")]
pub fn normalize_request(
    #[wasm_bindgen(unchecked_param_type = "RequestInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let body = crate::normalize::normalize(&from_js::read(&input)).map_err(|r| to_js_error(r.into()))?;
    // The body's own JSON text, read back by the engine: the object holds the values that are
    // sent (-0 as 0, as JSON writes it; JS lists array-index keys first, as in any object), and
    // a field named `__proto__` stays a field (set one by one, it would set the prototype).
    Ok(json_parse(&crate::json_text::stringify(&body)).unwrap_or(JsValue::NULL))
}

/// The price in credits, from the fields that set it; works on a half-filled request.
/// Throws `ValidationError` when a price field is invalid.
#[wasm_bindgen(js_name = estimateCost, unchecked_return_type = "Cost")]
pub fn estimate_cost(
    #[wasm_bindgen(unchecked_param_type = "RequestInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let input = from_js::read_fields(&input, &crate::pricing::PRICE_FIELDS);
    let cost = crate::pricing::estimate(&input).map_err(|e| to_js_error(Error::invalid(e)))?;
    Ok(to_js(&cost))
}

/// `{ method, url, headers, body }` for the create-task call. Throws `ValidationError`.
#[wasm_bindgen(js_name = buildRequest, unchecked_return_type = "BuiltRequest & { body: string }")]
pub fn build_request(
    #[wasm_bindgen(unchecked_param_type = "RequestInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "BuildOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let request = crate::wire::build_request_with(&from_js::read(&input), &from_js::read_options(&options))
        .map_err(to_js_error)?;
    Ok(to_js(&request))
}

/// A curl command for a built request, safe to paste into a POSIX shell; the key is
/// redacted unless `redactKey` is false.
#[wasm_bindgen(js_name = toCurl)]
pub fn to_curl(
    #[wasm_bindgen(unchecked_param_type = "BuiltRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CurlOptions")] options: Option<JsValue>,
) -> Result<String, JsValue> {
    let request = BuiltRequest::from_input(&from_js::read(&request)).map_err(to_js_error)?;
    let options = from_js::read_options(&options);
    let redact = match options.get("redactKey") {
        None | Some(Value::Null) if options.hole_at("redactKey").is_none() => true,
        Some(Value::Bool(b)) => *b,
        _ => {
            let got = match (options.hole_at("redactKey"), options.get("redactKey")) {
                (Some(hole), _) => hole.describe(),
                (None, Some(v)) => crate::input::kind(v).to_string(),
                (None, None) => "nothing".to_string(),
            };
            return Err(to_js_error(Error::invalid(vec![Issue {
                path: "redactKey".to_string(),
                code: Code::InvalidType,
                message: format!("redactKey must be true or false, got {got}"),
            }])));
        }
    };
    Ok(crate::wire::to_curl(&request, redact))
}

/// A built request as code in `language` (`"curl"`, `"js"`, `"fetch"` or `"python"`), ready to
/// run; the key is read from `KLING_API_KEY` unless `redactKey` is false. Throws
/// `ValidationError` naming every bad field.
#[wasm_bindgen(js_name = toSnippet)]
pub fn to_snippet(
    #[wasm_bindgen(unchecked_param_type = "BuiltRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SnippetOptions")] options: JsValue,
) -> Result<String, JsValue> {
    crate::snippet::snippet_for(&from_js::read(&request), &from_js::read_options(&Some(options))).map_err(to_js_error)
}

/// Reads a task from a response body (an object, or its JSON text).
#[wasm_bindgen(js_name = parseTask, unchecked_return_type = "Task")]
pub fn parse_task(#[wasm_bindgen(unchecked_param_type = "unknown")] json: JsValue) -> Result<JsValue, JsValue> {
    let (body, raw) = if json.is_string() {
        if json.unchecked_ref::<js_sys::JsString>().length() > from_js::MAX_STRING_UNITS {
            return Err(to_js_error(Error::InvalidJson("the text is too long to be a task response".into())));
        }
        let text = json.as_string().unwrap_or_default();
        let body = crate::json_text::parse(&text).map_err(|e| to_js_error(Error::InvalidJson(e.to_string())))?;
        let raw = json_parse(&text).unwrap_or(json);
        (body, raw)
    } else {
        let input = from_js::read(&json);
        // A body with something JSON cannot hold (a getter that threw, a function...) is not an
        // answer the API gave.
        if let Some(hole) = input.holes.first() {
            let at = if hole.path.is_empty() { "the response".to_string() } else { hole.path.clone() };
            return Err(to_js_error(Error::InvalidResponse(format!(
                "a task response must be JSON, but {at} is {}",
                hole.what.describe()
            ))));
        }
        (input.value, json)
    };
    let task = crate::task::parse_task(&body).map_err(to_js_error)?;
    Ok(task_with_raw(&task, &raw))
}

/// The request's bounds (prompt lengths, seconds, shots, elements), for forms that show them.
#[wasm_bindgen(js_name = requestLimits, unchecked_return_type = "Limits")]
pub fn request_limits() -> JsValue {
    to_js(&crate::request::LIMITS)
}

/// The client's defaults and bounds (base URL, time limits, retries), for forms that show them.
#[wasm_bindgen(js_name = clientDefaults, unchecked_return_type = "ClientDefaults")]
pub fn client_defaults() -> JsValue {
    to_js(&crate::calls::CLIENT_DEFAULTS)
}

/// Whether `taskId` is an id the API could have given (letters, digits, `- _ . ~ :`): the
/// client and the proxy put nothing else into a task's URL.
#[wasm_bindgen(js_name = isTaskId)]
pub fn is_task_id(#[wasm_bindgen(js_name = taskId, unchecked_param_type = "unknown")] task_id: JsValue) -> bool {
    crate::calls::task_id_of(&from_js::read(&task_id)).is_ok()
}

/// `text` with the API key replaced by `[redacted]` wherever it stands, plainly or in any
/// escaping a server may echo it in (JSON's `\u00XX`, percent-encoding, HTML references), so
/// that neither the text nor what is decoded from it shows the key; empty when the marker would
/// make the key again. For a server that passes the API's answers on (the package's proxy does).
/// Throws `ValidationError` unless both are strings.
#[wasm_bindgen(js_name = redactKey)]
pub fn redact_key(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(js_name = apiKey, unchecked_param_type = "string")] api_key: JsValue,
) -> Result<String, JsValue> {
    let string = |v: &JsValue, name: &str| {
        v.as_string().ok_or_else(|| Issue {
            path: name.to_string(),
            code: Code::InvalidType,
            message: format!("{name} must be a string"),
        })
    };
    match (string(&text, "text"), string(&api_key, "apiKey")) {
        (Ok(text), Ok(key)) => Ok(crate::text::redact_key(&text, &key)),
        (t, k) => Err(to_js_error(Error::invalid([t.err(), k.err()].into_iter().flatten().collect()))),
    }
}

/// Whether `key` is an `Idempotency-Key` the client sends (1 to 255 printable ASCII
/// characters): the rule the proxy and the sandbox check a header against.
#[wasm_bindgen(js_name = isIdempotencyKey)]
pub fn is_idempotency_key(#[wasm_bindgen(unchecked_param_type = "unknown")] key: JsValue) -> bool {
    key.as_string().is_some_and(|k| crate::calls::is_idempotency_key(&k))
}

/// What an HTTP status means for this API, in a few words (`"too many requests: ..."`).
#[wasm_bindgen(js_name = statusText)]
pub fn status_text(status: u16) -> String {
    crate::response::status_text(status).to_string()
}

/// The wait before the next poll, `elapsedMs` after a task was created: the client's own
/// schedule (adaptive, or every `pollIntervalMs` when given). For simulations and benchmarks.
#[wasm_bindgen(js_name = nextPollDelay)]
pub fn next_poll_delay(elapsed_ms: f64, poll_interval_ms: Option<f64>) -> f64 {
    let elapsed = if elapsed_ms.is_finite() && elapsed_ms > 0.0 { elapsed_ms as u64 } else { 0 };
    let schedule = match poll_interval_ms {
        Some(ms) if ms.is_finite() && ms >= 0.0 => crate::schedule::PollSchedule::Fixed(ms as u64),
        _ => crate::schedule::PollSchedule::Adaptive,
    };
    schedule.next_delay_ms(elapsed) as f64
}
