//! The JavaScript surface: the only module with `#[wasm_bindgen]`. It converts JS values in
//! and out and turns the core's errors into the package's JS error classes; every rule lives
//! in the core.

pub(crate) mod from_js;
mod to_js;

pub(crate) use to_js::{object, ToJs};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use std::rc::Rc;

use crate::client::{promise, signal_of, Client, WaitOptions};
use crate::error::Error;
use crate::validate::{Code, Issue};
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
    let out = task.to_js();
    reflect_set(&out, &JsValue::from_str("raw"), &raw)?;
    Ok(out)
}

/// The HTTP client: `new KlingClient({ apiKey, baseUrl, fetch, maxRetries, timeoutMs })`.
#[wasm_bindgen]
pub struct KlingClient {
    inner: Rc<Client>,
}

#[wasm_bindgen]
impl KlingClient {
    /// Checks the options; throws `ValidationError` naming the bad one.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "ClientOptions")] options: Option<JsValue>,
    ) -> Result<KlingClient, JsValue> {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        Ok(KlingClient { inner: Rc::new(Client::new(&options)?) })
    }

    /// Validates `input` (sending nothing when it is invalid), then creates the task.
    #[wasm_bindgen(js_name = createTask, unchecked_return_type = "Promise<Task>")]
    pub fn create_task(
        &self,
        #[wasm_bindgen(unchecked_param_type = "KlingRequest")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CreateTaskOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        promise(&self.inner, |client| async move {
            let (callback_url, signal) = create_options(&options.unwrap_or(JsValue::UNDEFINED))?;
            client.create_task(input, callback_url, signal).await
        })
    }

    /// Reads a task once (GETs are retried on network errors, 429 and 5xx).
    #[wasm_bindgen(js_name = getTask, unchecked_return_type = "Promise<Task>")]
    pub fn get_task(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        promise(&self.inner, |client| async move {
            let task_id = task_id_of(&task_id)?;
            let mut problems = Vec::new();
            let signal = signal_of(&options.unwrap_or(JsValue::UNDEFINED), &mut problems);
            if !problems.is_empty() {
                return Err(to_js_error(Error::invalid(problems)));
            }
            client.get_task(task_id, signal).await
        })
    }

    /// Polls until the task succeeds; rejects with `TaskFailedError`, `TimeoutError` (with
    /// the task id: it may still finish) or the signal's abort reason.
    #[wasm_bindgen(js_name = waitForTask, unchecked_return_type = "Promise<Task>")]
    pub fn wait_for_task(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        promise(&self.inner, |client| async move {
            let task_id = task_id_of(&task_id)?;
            let wait = WaitOptions::read(&options.unwrap_or(JsValue::UNDEFINED))?;
            client.wait_for_task(task_id, wait).await
        })
    }

    /// `createTask`, then `waitForTask`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Task>")]
    pub fn generate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "KlingRequest")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "GenerateOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        promise(&self.inner, |client| async move {
            let options = options.unwrap_or(JsValue::UNDEFINED);
            let wait = WaitOptions::read(&options)?;
            let (callback_url, _) = create_options(&options)?;
            client.generate(input, callback_url, wait).await
        })
    }
}

/// A task id argument: a string (its characters are checked where the URL is made).
fn task_id_of(value: &JsValue) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        to_js_error(Error::invalid(vec![Issue {
            path: "taskId".into(),
            code: Code::InvalidType,
            message: format!("taskId must be a string, got {}", from_js::read(value).kind()),
        }]))
    })
}

/// `{ callbackUrl?, signal? }` of `createTask`.
fn create_options(options: &JsValue) -> Result<(Option<String>, JsValue), JsValue> {
    let mut problems = Vec::new();
    let signal = signal_of(options, &mut problems);
    let callback_url = match options.is_object().then(|| from_js::read(options)) {
        Some(v) => match v.get("callbackUrl") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                problems.push(Issue {
                    path: "callbackUrl".into(),
                    code: Code::InvalidType,
                    message: format!("callbackUrl must be a string, got {}", other.kind()),
                });
                None
            }
        },
        None => None,
    };
    if problems.is_empty() {
        Ok((callback_url, signal))
    } else {
        Err(to_js_error(Error::invalid(problems)))
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
