//! The JavaScript surface: the only module with `#[wasm_bindgen]`. It converts JS values in
//! (through the bounded reader in `from_js`) and results out (serde-wasm-bindgen's
//! JSON-compatible serializer: plain objects, arrays and `null`; a JSON body or answer the
//! module holds as text, such as `normalizeRequest`'s or a task's `raw`, through the engine's
//! `JSON.parse`), turns the core's errors into the package's JS error classes, and wraps the
//! client's futures in Promises. Every rule lives in the core.

#[cfg(feature = "bench-floor")]
mod floor;
pub(crate) mod from_js;
pub(crate) mod js;

use js_sys::{Function, Object, Promise};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use crate::calls::call_options;
use crate::client::{Answered, Call, Client, Failure};
use crate::error::Error;
use crate::input::{Input, Value};
use crate::validate::{Code, Issue, Validation};
use crate::wire::BuiltRequest;
use js::{json_parse, make_error, reflect_get, set};

#[wasm_bindgen(typescript_custom_section)]
const TS_EXTRA: &'static str = r#"
/** A request body as `normalizeRequest` returns it: every default explicit, unknown fields kept. */
export type NormalizedRequest = KlingRequest &
  Required<Pick<KlingRequest, "model" | "mode" | "duration" | "aspect_ratio" | "sound">> & { [field: string]: unknown };
export interface Task {
  /** The response body the task was read from. */
  raw: unknown;
}
/**
 * What the functions take: a request as the API documents it, typed loosely enough that a body
 * copied from the docs, or built in a variable, type-checks as it is (the documented values are
 * suggested, any string is accepted, and the package checks every value), with unknown fields
 * passed through. `KlingRequest` is the strict type, for code that wants the values checked.
 */
export type RequestInput =
  | KlingRequest
  | ({ [F in keyof KlingRequest]?: KlingRequest[F] | (NonNullable<KlingRequest[F]> extends string ? string & {} : never) } & {
      [field: string]: unknown;
    });
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
  /**
   * Replaces the global fetch (edge runtimes, tests). It is called as the global one is,
   * `fetch(input, init)`: `input` a `Request` (whose text is its URL), or the URL itself for a
   * path such as `/api/v1` outside a page; `init` the same method, headers (a plain object),
   * body, signal and redirect mode. It must resolve to a `Response`, or to an object shaped
   * like one, as test doubles often are.
   */
  fetch?(input: Request | string, init: RequestInit & { headers: Record<string, string> }): Promise<Response | ResponseLike>;
  /** Tries after the first for a GET that met a network error, 429 or 5xx (default 2). */
  maxRetries?: number;
  /** Time limit of each HTTP request in ms (default 30000). */
  timeoutMs?: number;
}
/** What a test double of fetch may resolve to instead of a `Response`: read as one. */
export type ResponseLike = {
  /** From 200 to 599; 200 when left out, unless `ok` is false (then it is refused). */
  status?: number;
  ok?: boolean;
  /** `Retry-After` and `retry-after-ms` are read from it. */
  headers?: { get(name: string): string | null } | Record<string, string>;
} & ({ text(): Promise<string> | string } | { json(): Promise<unknown> | unknown });
/** Options of `getTask`. */
export interface RequestOptions {
  signal?: AbortSignal;
}
/** Options of `createTask`. */
export interface CreateTaskOptions extends RequestOptions {
  /** Sent as `callback_url`: the provider POSTs the finished task there. */
  callbackUrl?: string;
  /**
   * Sent as the `Idempotency-Key` header (1 to 255 printable ASCII characters, a UUID say):
   * the sandbox and servers that honour it create one task per key however often the POST
   * arrives. The real API does not document it; the client still never re-sends a POST itself.
   */
  idempotencyKey?: string;
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
  idempotencyKey?: string;
}
/** Options of `toCurl`. */
export interface CurlOptions {
  /** Write `$KLING_API_KEY` instead of the key (default true). */
  redactKey?: boolean;
}
/** A language `toSnippet` writes: curl, the package's client, plain `fetch`, or Python `requests`. */
export type SnippetLanguage = "curl" | "js" | "fetch" | "python";
/** Options of `toSnippet`. */
export interface SnippetOptions {
  language: SnippetLanguage;
  /** Read the key from the environment variable `KLING_API_KEY` instead of writing it (default true). */
  redactKey?: boolean;
}
"#;

/// A result as a plain JS value: objects, arrays, numbers, strings and `null`.
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    const PLAIN: serde_wasm_bindgen::Serializer = serde_wasm_bindgen::Serializer::json_compatible();
    // The core's types and JSON values always serialize (numbers are finite, keys are strings).
    value.serialize(&PLAIN).unwrap_or(JsValue::NULL)
}

/// A plain object from `(name, value)` pairs.
fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let out = Object::new();
    for (name, value) in fields {
        set(&out, name, value);
    }
    out.into()
}

fn text_or_null(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

/// The JS error for a core error: `ValidationError` with its lists, else `KlingError`.
fn to_js_error(error: Error) -> JsValue {
    let message = error.message();
    match &error {
        Error::Validation(report) => make_error(error.code(), &message, &report_to_js(report)),
        _ => make_error(error.code(), &message, &JsValue::UNDEFINED),
    }
}

/// The JS error (or abort reason) for a client failure.
fn failure_to_js(failure: Failure) -> JsValue {
    let id = |task_id: &Option<String>| text_or_null(task_id.as_deref());
    match failure {
        Failure::Invalid(error) => to_js_error(error),
        Failure::Api { failure, http_status, text, retry_after_ms, task_id } => make_error(
            "api_error",
            &failure.message,
            &object(&[
                ("status", JsValue::from(http_status)),
                ("code", to_js(&failure.code)),
                ("type", text_or_null(failure.error_type.as_deref())),
                ("body", json_parse(&text).unwrap_or_else(|_| JsValue::from_str(&text))),
                ("retryAfterMs", retry_after_ms.map_or(JsValue::NULL, |ms| JsValue::from(ms as f64))),
                ("taskId", id(&task_id)),
            ]),
        ),
        Failure::Unusable { code, message, cause, task_id } => make_error(
            code,
            &message,
            &object(&[
                ("cause", cause.map_or(JsValue::UNDEFINED, |c| JsValue::from_str(&c))),
                ("taskId", id(&task_id)),
            ]),
        ),
        Failure::Network { message, task_id } => {
            make_error("network_error", &message, &object(&[("taskId", id(&task_id))]))
        }
        Failure::Timeout { message, task_id } => make_error("timeout", &message, &object(&[("taskId", id(&task_id))])),
        Failure::TaskFailed { task_id, answered } => {
            let reason = answered.task.error.as_deref().unwrap_or("no reason given");
            let message = format!("task {task_id} failed: {reason}");
            make_error(
                "task_failed",
                &message,
                &object(&[("taskId", JsValue::from_str(&task_id)), ("task", answered_to_js(&answered))]),
            )
        }
        Failure::Aborted(reason) | Failure::Callback(reason) => reason,
        Failure::Flagged(failure, flag) => {
            let error = failure_to_js(*failure);
            set(&error, flag, &JsValue::TRUE);
            error
        }
    }
}

/// A task as JS gets it: its fields, and `raw`, the body it was read from.
fn task_with_raw(task: &crate::task::Task, raw: &JsValue) -> JsValue {
    let out = to_js(task);
    set(&out, "raw", raw);
    out
}

/// A task the client read, with its answer's JSON as `raw`.
fn answered_to_js(answered: &Answered) -> JsValue {
    let raw = json_parse(&answered.text).unwrap_or_else(|_| JsValue::from_str(&answered.text));
    task_with_raw(&answered.task, &raw)
}

/// What `onProgress` gets: `{ taskId, status, elapsedMs, polls, task }`.
pub(crate) fn progress_to_js(task_id: &str, answered: &Answered, elapsed_ms: f64, polls: u32) -> JsValue {
    object(&[
        ("taskId", JsValue::from_str(task_id)),
        ("status", JsValue::from_str(answered.task.status.as_str())),
        ("elapsedMs", JsValue::from(elapsed_ms)),
        ("polls", JsValue::from(polls)),
        ("task", answered_to_js(answered)),
    ])
}

/// Checks a request and returns every problem at once. Never throws.
#[wasm_bindgen(js_name = validateRequest, unchecked_return_type = "Validation")]
pub fn validate_request(#[wasm_bindgen(unchecked_param_type = "unknown")] input: JsValue) -> JsValue {
    let (_, report) = crate::validate::validate(&from_js::read(&input));
    if report.valid && report.warnings.is_empty() {
        // Nothing to report: one call for the whole answer instead of one per field and list.
        return js::passed();
    }
    report_to_js(&report)
}

/// `{ valid, errors, warnings }` for JS, made in one call from one text (see `js::report`):
/// cheaper than a string and a call for each field. Through serde-wasm-bindgen, a string for
/// each field, when the report cannot be one text: a field holds a NUL, or the text would be
/// too long for one JS string (field names have no length limit, and each unknown one is
/// written twice).
fn report_to_js(report: &Validation) -> JsValue {
    /// Bytes of UTF-8, so at most as many UTF-16 units: half of V8's longest string.
    const LONGEST_TEXT: usize = 1 << 28;
    match report.nul_separated(LONGEST_TEXT) {
        Some(text) => js::report(report.valid, &text, report.errors.len()),
        None => to_js(report),
    }
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

/// The HTTP client: `new KlingClient({ apiKey, baseUrl, fetch, maxRetries, timeoutMs })`.
/// A client that is no longer referenced is freed by the garbage collector; `free()` is
/// never needed.
#[wasm_bindgen]
pub struct KlingClient {
    client: std::rc::Rc<Client>,
}

/// A call's options read and checked: `Err` is the rejection.
fn read_call(options: &Option<JsValue>, creates: bool, waits: bool) -> Result<Call, Failure> {
    let given = match options {
        Some(o) if o.is_object() => Some(o),
        _ => None,
    };
    let field = |name: &str| given.and_then(|o| reflect_get(o, &JsValue::from_str(name)).ok());
    let signal = field("signal").filter(|s| !s.is_undefined() && !s.is_null());
    let signal_ok = signal.as_ref().is_none_or(|s| s.is_instance_of::<AbortSignal>());
    let input = given.map_or_else(Input::default, from_js::read);
    let checked = call_options(&input, signal_ok, creates, waits).map_err(Failure::Invalid)?;
    let on_progress = if waits { field("onProgress").and_then(|f| f.dyn_into::<Function>().ok()) } else { None };
    Ok(Call { options: checked, signal: signal.and_then(|s| s.dyn_into::<AbortSignal>().ok()), on_progress })
}

/// A task id and a call's options, read and checked (a bad id is the rejection).
fn read_task_call(task_id: &JsValue, options: &Option<JsValue>, waits: bool) -> (Result<Call, Failure>, Value) {
    let id = from_js::read(task_id);
    let call = match crate::calls::task_id_of(&id) {
        Ok(_) => read_call(options, false, waits),
        Err(e) => Err(Failure::Invalid(e)),
    };
    (call, id.value)
}

/// A client call's work, boxed: the four calls then share one Promise adapter in the module
/// instead of a copy each.
type Run = Box<dyn FnOnce(Call) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Answered, Failure>>>>>;

/// Runs a client call as a Promise of a task.
fn promise(call: Result<Call, Failure>, run: Run) -> Promise {
    future_to_promise(async move {
        let call = call.map_err(failure_to_js)?;
        run(call).await.map(|answered| answered_to_js(&answered)).map_err(failure_to_js)
    })
}

#[wasm_bindgen]
impl KlingClient {
    /// Checks every option at once; throws `ValidationError` naming the bad ones.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "ClientOptions")] options: Option<JsValue>,
    ) -> Result<KlingClient, JsValue> {
        let input = from_js::read_options(&options);
        let settings = crate::calls::settings(&input, js::has_global_fetch()).map_err(to_js_error)?;
        let fetch = options
            .filter(JsValue::is_object)
            .and_then(|o| reflect_get(&o, &JsValue::from_str("fetch")).ok())
            .and_then(|f| f.dyn_into::<Function>().ok());
        Ok(KlingClient { client: std::rc::Rc::new(Client::new(settings, fetch)) })
    }

    /// Validates `input` (sending nothing when it is invalid), then creates the task.
    #[wasm_bindgen(js_name = createTask, unchecked_return_type = "Promise<Task>")]
    pub fn create_task(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestInput")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CreateTaskOptions")] options: Option<JsValue>,
    ) -> Promise {
        let client = self.client.clone();
        let input = from_js::read(&input);
        promise(
            read_call(&options, true, false),
            Box::new(move |call| Box::pin(async move { client.create_task(&input, &call).await })),
        )
    }

    /// Reads a task once (GETs are tried again on network errors, 429 and 5xx).
    #[wasm_bindgen(js_name = getTask, unchecked_return_type = "Promise<Task>")]
    pub fn get_task(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: Option<JsValue>,
    ) -> Promise {
        let client = self.client.clone();
        let (call, id) = read_task_call(&task_id, &options, false);
        promise(call, Box::new(move |call| Box::pin(async move { client.get_task(&id, &call).await })))
    }

    /// Polls until the task succeeds; rejects with `TaskFailedError`, `TimeoutError` (with the
    /// task id: it may still finish) or the signal's abort reason.
    #[wasm_bindgen(js_name = waitForTask, unchecked_return_type = "Promise<Task>")]
    pub fn wait_for_task(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions")] options: Option<JsValue>,
    ) -> Promise {
        let client = self.client.clone();
        let (call, id) = read_task_call(&task_id, &options, true);
        promise(call, Box::new(move |call| Box::pin(async move { client.wait_for_task(&id, &call).await })))
    }

    /// `createTask`, then `waitForTask`, with the same signal.
    #[wasm_bindgen(unchecked_return_type = "Promise<Task>")]
    pub fn generate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestInput")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "GenerateOptions")] options: Option<JsValue>,
    ) -> Promise {
        let client = self.client.clone();
        let input = from_js::read(&input);
        promise(
            read_call(&options, true, true),
            Box::new(move |call| Box::pin(async move { client.generate(&input, &call).await })),
        )
    }
}
