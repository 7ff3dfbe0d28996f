//! The JavaScript surface: the only module with `#[wasm_bindgen]`. It converts JS values in
//! and out and turns the core's errors into the package's JS error classes; every rule lives
//! in the core.

#[allow(unused_imports)]
use crate::prelude::*;

pub(crate) mod from_js;
mod to_js;

pub(crate) use to_js::{object, ToJs};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::Error;
use crate::value::Value;
use crate::wire::{BuildOptions, BuiltRequest};

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    /// `new ValidationError(...)`, `new ApiError(...)`... as `code` says; `fields` holds the
    /// class's own fields.
    #[wasm_bindgen(js_name = makeError)]
    pub(crate) fn make_error(code: &str, message: &str, fields: JsValue) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    pub(crate) fn json_parse(text: &str) -> Result<JsValue, JsValue>;
    /// `String(n)`: a number as JS (and JSON) writes it.
    #[wasm_bindgen(js_name = String)]
    fn js_string_of(n: f64) -> String;
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
/** Options of `new KlingClient()`. */
export interface ClientOptions {
  /** The API key (`aio_...`). Leave it out when a same-origin proxy adds it. */
  apiKey?: string;
  /** Default `https://apiin.one/api/v1`; a path such as `/api/v1` for a same-origin proxy. */
  baseUrl?: string;
  /** Replaces the global fetch (edge runtimes, tests). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Tries after the first for a GET that met a network error, 429 or 5xx (default 2). */
  maxRetries?: number;
  /** Time limit of each HTTP request in ms (default 30000). */
  timeoutMs?: number;
}
/** Options of `getTask`. */
export interface RequestOptions {
  signal?: AbortSignal;
}
/** Options of `createTask`. */
export interface CreateTaskOptions extends RequestOptions {
  /** Sent as `callback_url`: the provider POSTs the finished task there. */
  callbackUrl?: string;
}
/** What `onProgress` gets after each poll. */
export interface Progress {
  taskId: string;
  status: Status;
  elapsedMs: number;
  polls: number;
  task: Task;
}
/** Options of `waitForTask`. */
export interface WaitOptions extends RequestOptions {
  /** Give up waiting after this many ms (default 15 minutes) with a `TimeoutError`. */
  timeoutMs?: number;
  /** Poll at this fixed interval instead of the adaptive schedule. */
  pollIntervalMs?: number;
  onProgress?: (progress: Progress) => void;
}
/** Options of `generate`. */
export interface GenerateOptions extends WaitOptions {
  callbackUrl?: string;
}
/** What `clientSettings` returns (used by the package's client; not exported). */
export interface ClientSettings {
  apiKey: string | null;
  baseUrl: string;
  maxRetries: number;
  timeoutMs: number;
}
/** What `clientCallOptions` returns (used by the package's client; not exported). */
export interface CallSettings {
  callbackUrl: string | null;
  timeoutMs: number;
  pollIntervalMs: number | null;
}
/** Options of `toCurl`. */
export interface CurlOptions {
  /** Write `$KLING_API_KEY` instead of the key (default true). */
  redactKey?: boolean;
}
"#;

/// A non-integer number as text, by the JS engine (see `value::float_text`).
pub(crate) fn js_number_text(n: f64) -> String {
    js_string_of(n)
}

/// The JS error for a core error: `ValidationError` with its lists, else `KlingError`.
pub(crate) fn to_js_error(error: Error) -> JsValue {
    let message = error.message();
    match &error {
        Error::Validation(report) => {
            let errors = report.errors.to_js();
            let warnings = report.warnings.to_js();
            make_error(error.code(), &message, object(&[("errors", errors), ("warnings", warnings)]))
        }
        _ => make_error(error.code(), &message, JsValue::UNDEFINED),
    }
}

/// Checks a request and returns every problem at once. Never throws.
#[wasm_bindgen(js_name = validateRequest, unchecked_return_type = "Validation")]
pub fn validate_request(#[wasm_bindgen(unchecked_param_type = "unknown")] input: JsValue) -> JsValue {
    let (_, report) = crate::validate::validate(&from_js::read(&input));
    report.to_js()
}

/// The body that will be sent: defaults explicit, unknown fields kept. Throws `ValidationError`.
#[wasm_bindgen(js_name = normalizeRequest, unchecked_return_type = "NormalizedRequest")]
pub fn normalize_request(
    #[wasm_bindgen(unchecked_param_type = "KlingRequest")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let body = crate::normalize::normalize(&from_js::read(&input)).map_err(|r| to_js_error(r.into()))?;
    Ok(body.to_js())
}

/// The price in credits, from the fields that set it; works on a half-filled request.
/// Throws `ValidationError` when a price field is invalid.
#[wasm_bindgen(js_name = estimateCost, unchecked_return_type = "Cost")]
pub fn estimate_cost(
    #[wasm_bindgen(unchecked_param_type = "KlingRequest")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let cost = crate::pricing::estimate(&from_js::read(&input)).map_err(|e| to_js_error(Error::invalid(e)))?;
    Ok(cost.to_js())
}

/// `{ method, url, headers, body }` for the create-task call. Throws `ValidationError`.
#[wasm_bindgen(js_name = buildRequest, unchecked_return_type = "BuiltRequest")]
pub fn build_request(
    #[wasm_bindgen(unchecked_param_type = "KlingRequest")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "BuildOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let opts = BuildOptions::from_value(&options_value(&options)).map_err(to_js_error)?;
    let request = crate::wire::build_request(&from_js::read(&input), &opts).map_err(to_js_error)?;
    Ok(request.to_js())
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
                message: cat!("redactKey must be true or false, got ", other.kind()),
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
    task_with_raw(&task, &raw)
}

/// A task as JS gets it: its fields, and `raw`, the body it was read from.
fn task_with_raw(task: &crate::task::Task, raw: &JsValue) -> Result<JsValue, JsValue> {
    let out = task.to_js();
    reflect_set(&out, &JsValue::from_str("raw"), raw)?;
    Ok(out)
}

// What the client (js/client.js) asks at each step. These are not part of the package's
// interface: its entry points do not export them.

/// `new KlingClient(options)`'s settings, `{ apiKey, baseUrl, maxRetries, timeoutMs }`.
/// Throws `ValidationError` listing every bad option.
#[wasm_bindgen(js_name = clientSettings, unchecked_return_type = "ClientSettings")]
pub fn client_settings(
    #[wasm_bindgen(unchecked_param_type = "unknown")] options: JsValue,
    has_global_fetch: bool,
) -> Result<JsValue, JsValue> {
    let given = if options.is_undefined() { Value::Null } else { from_js::read(&options) };
    let s = crate::client::settings(&given, has_global_fetch).map_err(to_js_error)?;
    Ok(object(&[
        ("apiKey", s.api_key.as_deref().map_or(JsValue::NULL, JsValue::from_str)),
        ("baseUrl", JsValue::from_str(&s.base_url)),
        ("maxRetries", JsValue::from(s.max_retries)),
        ("timeoutMs", JsValue::from(s.timeout_ms)),
    ]))
}

/// A call's options, `{ callbackUrl, timeoutMs, pollIntervalMs }`. Throws `ValidationError`.
#[wasm_bindgen(js_name = clientCallOptions, unchecked_return_type = "CallSettings")]
pub fn client_call_options(
    #[wasm_bindgen(unchecked_param_type = "unknown")] options: JsValue,
    signal_ok: bool,
    creates: bool,
    waits: bool,
) -> Result<JsValue, JsValue> {
    let given = if options.is_object() { from_js::read(&options) } else { Value::Null };
    let o = crate::client::call_options(&given, signal_ok, creates, waits).map_err(to_js_error)?;
    Ok(object(&[
        ("callbackUrl", o.callback_url.as_deref().map_or(JsValue::NULL, JsValue::from_str)),
        ("timeoutMs", JsValue::from(o.timeout_ms)),
        ("pollIntervalMs", o.poll_interval_ms.map_or(JsValue::NULL, JsValue::from)),
    ]))
}

/// The create-task request (`{ method, url, headers, body }`, without the key). Throws
/// `ValidationError`.
#[wasm_bindgen(js_name = clientCreateRequest, unchecked_return_type = "BuiltRequest")]
pub fn client_create_request(
    #[wasm_bindgen(unchecked_param_type = "unknown")] input: JsValue,
    base_url: &str,
    callback_url: Option<String>,
) -> Result<JsValue, JsValue> {
    let request = crate::client::create_request(&from_js::read(&input), base_url, callback_url.as_deref())
        .map_err(to_js_error)?;
    Ok(request.to_js())
}

/// A task's URL. Throws `ValidationError` when `taskId` is not a task id.
#[wasm_bindgen(js_name = clientTaskUrl)]
pub fn client_task_url(
    base_url: &str,
    #[wasm_bindgen(js_name = taskId, unchecked_param_type = "unknown")] task_id: JsValue,
) -> Result<String, JsValue> {
    crate::client::task_url(base_url, &from_js::read(&task_id)).map_err(to_js_error)
}

/// The wait a server asked for, in ms, from its `Retry-After` and `retry-after-ms` headers.
#[wasm_bindgen(js_name = clientRetryAfter)]
pub fn client_retry_after(retry_after: Option<String>, retry_after_ms: Option<String>, now_ms: f64) -> Option<f64> {
    let ms = retry_after_ms.as_deref().and_then(crate::schedule::parse_retry_after_ms);
    let s = retry_after.as_deref().and_then(|v| crate::schedule::parse_retry_after(v, now_ms));
    ms.or(s).map(|ms| ms as f64)
}

/// The wait before trying a request again, or `undefined` when it must not be tried again.
/// `status` is 0 when no answer came.
#[wasm_bindgen(js_name = clientRetryDelay)]
pub fn client_retry_delay(
    post: bool,
    status: u16,
    retries_done: u32,
    max_retries: u32,
    retry_after_ms: Option<f64>,
    random: f64,
) -> Option<f64> {
    use crate::schedule::{next_retry_delay, Method, Outcome};
    let method = if post { Method::Post } else { Method::Get };
    let outcome = if status == 0 { Outcome::NetworkError } else { Outcome::Status(status) };
    let after = retry_after_ms.filter(|ms| ms.is_finite() && *ms >= 0.0).map(|ms| ms as u64);
    next_retry_delay(method, outcome, retries_done, max_retries, after, random).map(|ms| ms as f64)
}

/// The task an HTTP answer describes (with `raw`, its body). Throws `ApiError` for an error
/// answer, `KlingError` (`invalid_json`, `invalid_response`) for one that is not a task.
/// `taskId` is the id asked for; leave it out for the answer to a create.
#[wasm_bindgen(js_name = clientReadAnswer, unchecked_return_type = "Task")]
pub fn client_read_answer(
    status: u16,
    text: &str,
    retry_after_ms: Option<f64>,
    task_id: Option<String>,
) -> Result<JsValue, JsValue> {
    use crate::client::Refusal;
    let parsed = json_parse(text).ok();
    let body = parsed.as_ref().map(from_js::read);
    let raw = || parsed.clone().unwrap_or_else(|| JsValue::from_str(text));
    match crate::client::read_answer(status, body.as_ref(), text, task_id.as_deref()) {
        Ok(task) => task_with_raw(&task, &raw()),
        Err(Refusal::Api(failure)) => Err(make_error(
            "api_error",
            &failure.message,
            object(&[
                ("status", JsValue::from(failure.status)),
                ("code", failure.code.to_js()),
                ("type", failure.error_type.as_deref().map_or(JsValue::NULL, JsValue::from_str)),
                ("body", raw()),
                ("retryAfterMs", retry_after_ms.map_or(JsValue::NULL, JsValue::from)),
            ]),
        )),
        Err(Refusal::NotJson(message)) => {
            let cause: String = text.chars().take(200).collect();
            Err(make_error("invalid_json", &message, object(&[("cause", JsValue::from_str(&cause))])))
        }
        Err(Refusal::Invalid(error)) => Err(to_js_error(error)),
    }
}

/// The request's bounds (prompt lengths, seconds, shots, elements), for forms that show them.
#[wasm_bindgen(js_name = requestLimits, unchecked_return_type = "Limits")]
pub fn request_limits() -> JsValue {
    crate::request::LIMITS.to_js()
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

/// Options objects: `undefined` (or no argument) is no options.
fn options_value(options: &Option<JsValue>) -> Value {
    match options {
        Some(o) if !o.is_undefined() => from_js::read(o),
        _ => Value::Null,
    }
}
