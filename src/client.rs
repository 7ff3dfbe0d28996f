//! The HTTP client: create a task, read it, wait for it, with the retry and poll policy of
//! [`crate::schedule`]. It calls `fetch` (the global one, or the one the user passes) through
//! the small platform glue in `js/runtime.js`; what it returns and throws is built by the
//! binding layer's helpers.

use std::rc::Rc;

use js_sys::{Date, Function, Math, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::bindings::{from_js, json_parse, make_error, object, to_js_error, ToJs};
use crate::error::Error;
use crate::request::DEFAULT_BASE_URL;
use crate::response::{envelope_error, read_error, ApiFailure};
use crate::schedule::{
    next_retry_delay, parse_retry_after, parse_retry_after_ms, Method, Outcome, PollSchedule, DEFAULT_MAX_RETRIES,
};
use crate::task::{parse_task, Status, Task};
use crate::validate::{Code, Issue};
use crate::value::Value;
use crate::wire::{base_url, build_request, check_api_key, BuildOptions};

#[wasm_bindgen(module = "/js/runtime.js")]
extern "C" {
    #[wasm_bindgen(js_name = send)]
    fn js_send(
        fetch: &Function,
        url: &str,
        method: &str,
        headers: &JsValue,
        body: Option<String>,
        timeout_ms: f64,
        signal: &JsValue,
    ) -> Promise;
    // `catch` makes wasm-bindgen call these through its glue: imported straight into the
    // module, two functions of one snippet would be listed twice in the glue's import object,
    // which bundlers warn about.
    #[wasm_bindgen(catch, js_name = sleep)]
    fn js_sleep(ms: f64, signal: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_name = abortReason)]
    fn abort_reason(signal: &JsValue) -> Result<JsValue, JsValue>;
}

/// Per-request time limit unless the user sets `timeoutMs`.
pub const DEFAULT_REQUEST_TIMEOUT_MS: f64 = 30_000.0;
/// How long `waitForTask` waits unless told otherwise: generous for 60–180 s jobs.
pub const DEFAULT_WAIT_TIMEOUT_MS: f64 = 15.0 * 60_000.0;

/// A client's settings, checked once in the constructor.
pub struct Client {
    api_key: Option<String>,
    base_url: String,
    fetch: Function,
    max_retries: u32,
    timeout_ms: f64,
}

/// An HTTP answer, as `js/runtime.js` hands it over.
struct Answer {
    status: u16,
    text: String,
    retry_after_ms: Option<u64>,
}

fn invalid(path: &str, code: Code, message: String) -> Issue {
    Issue { path: path.to_string(), code, message }
}

/// A whole number option within bounds; `None` when absent.
fn number_option(v: &Value, key: &str, max: f64, problems: &mut Vec<Issue>) -> Option<f64> {
    match v.get(key)? {
        Value::Null => None,
        Value::Number(n) if n.is_finite() && *n >= 0.0 && n.fract() == 0.0 && *n <= max => Some(*n),
        other => {
            let got = match other {
                Value::Number(n) => crate::value::number_text(*n),
                other => other.kind().to_string(),
            };
            problems.push(invalid(
                key,
                Code::InvalidValue,
                format!("{key} must be a whole number from 0 to {}, got {got}", max as u64),
            ));
            None
        }
    }
}

fn get_prop(target: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

impl Client {
    /// Reads `{ apiKey?, baseUrl?, fetch?, maxRetries?, timeoutMs? }`.
    pub fn new(options: &JsValue) -> Result<Client, JsValue> {
        let given = if options.is_undefined() || options.is_null() { Value::Null } else { from_js::read(options) };
        // Also refuses options that are not an object.
        let opts = BuildOptions::from_value(&given).map_err(to_js_error)?;
        let mut problems = Vec::new();
        let base = match base_url(opts.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL)) {
            Ok(b) => b.to_string(),
            Err(issue) => {
                problems.push(issue);
                String::new()
            }
        };
        if let Some(problem) = opts.api_key.as_deref().and_then(check_api_key) {
            problems.push(problem);
        }
        let max_retries =
            number_option(&given, "maxRetries", 10.0, &mut problems).map_or(DEFAULT_MAX_RETRIES, |n| n as u32);
        let timeout_ms =
            number_option(&given, "timeoutMs", 3_600_000.0, &mut problems).unwrap_or(DEFAULT_REQUEST_TIMEOUT_MS);
        let fetch = match options.is_object().then(|| get_prop(options, "fetch")) {
            Some(f) if !f.is_undefined() && !f.is_null() => f,
            _ => get_prop(&js_sys::global(), "fetch"),
        };
        let fetch = match fetch.dyn_into::<Function>() {
            Ok(f) => Some(f),
            Err(_) => {
                problems.push(invalid(
                    "fetch",
                    Code::InvalidType,
                    "fetch must be a function like the global fetch (none was given, and this runtime has no global fetch)".into(),
                ));
                None
            }
        };
        match fetch {
            Some(fetch) if problems.is_empty() => {
                Ok(Client { api_key: opts.api_key, base_url: base, fetch, max_retries, timeout_ms })
            }
            _ => Err(to_js_error(Error::invalid(problems))),
        }
    }

    fn headers(&self, with_body: bool) -> JsValue {
        let mut fields = vec![("Accept", JsValue::from_str("application/json"))];
        if with_body {
            fields.push(("Content-Type", JsValue::from_str("application/json")));
        }
        if let Some(key) = &self.api_key {
            fields.push(("Authorization", JsValue::from_str(&format!("Bearer {key}"))));
        }
        object(&fields)
    }

    /// Removes the key from text that came back from a server, in case it echoed it.
    fn scrub(&self, text: String) -> String {
        match &self.api_key {
            Some(key) if key.len() >= 4 && text.contains(key.as_str()) => text.replace(key.as_str(), "[redacted]"),
            _ => text,
        }
    }

    /// One exchange, retried as the policy says. Network failures and timeouts that are not
    /// retried become errors here; every HTTP answer is returned.
    async fn exchange(
        &self,
        method: Method,
        url: &str,
        body: Option<String>,
        signal: &JsValue,
    ) -> Result<Answer, JsValue> {
        let verb = if method == Method::Post { "POST" } else { "GET" };
        let headers = self.headers(body.is_some());
        let mut retries = 0;
        loop {
            let sent =
                JsFuture::from(js_send(&self.fetch, url, verb, &headers, body.clone(), self.timeout_ms, signal)).await;
            let attempt = match sent {
                Ok(raw) => {
                    let status = get_prop(&raw, "status").as_f64().unwrap_or(0.0) as u16;
                    let header_ms = get_prop(&raw, "retryAfterMs").as_string().and_then(|v| parse_retry_after_ms(&v));
                    let header_s =
                        get_prop(&raw, "retryAfter").as_string().and_then(|v| parse_retry_after(&v, Date::now()));
                    let text = self.scrub(get_prop(&raw, "text").as_string().unwrap_or_default());
                    Ok(Answer { status, text, retry_after_ms: header_ms.or(header_s) })
                }
                Err(e) => {
                    let kind = get_prop(&e, "kind").as_string().unwrap_or_default();
                    if kind == "aborted" {
                        return Err(get_prop(&e, "reason"));
                    }
                    Err(self.no_answer_error(method, url, &kind, &e))
                }
            };
            let (outcome, succeeded, retry_after_ms) = match &attempt {
                Ok(a) => (Outcome::Status(a.status), (200..300).contains(&a.status), a.retry_after_ms),
                Err(_) => (Outcome::NetworkError, false, None),
            };
            let wait = if succeeded {
                None
            } else {
                next_retry_delay(method, outcome, retries, self.max_retries, retry_after_ms, Math::random())
            };
            match wait {
                Some(ms) => {
                    JsFuture::from(js_sleep(ms as f64, signal)?).await?;
                    retries += 1;
                }
                None => return attempt,
            }
        }
    }

    /// The error for a request that got no answer: it timed out, or the connection failed.
    fn no_answer_error(&self, method: Method, url: &str, kind: &str, cause: &JsValue) -> JsValue {
        let verb = if method == Method::Post { "POST" } else { "GET" };
        if kind == "timeout" {
            let what = if method == Method::Post {
                "; the task may have been created: look for it before sending again"
            } else {
                ""
            };
            return make_error(
                "timeout",
                &format!("{verb} {} got no answer within {} ms{what}", self.describe(url), self.timeout_ms as u64),
                object(&[("taskId", JsValue::NULL)]),
            );
        }
        let why = self.scrub(get_prop(cause, "message").as_string().unwrap_or_default());
        make_error(
            "network_error",
            &format!("{verb} {} failed before an answer came: {why}", self.describe(url)),
            JsValue::UNDEFINED,
        )
    }

    /// A URL for messages: the path only, so no query string can carry anything private.
    fn describe(&self, url: &str) -> String {
        url.split(['?', '#']).next().unwrap_or(url).to_string()
    }

    /// Turns an answer into the task it describes, or the error it is.
    fn read_answer(&self, answer: &Answer) -> Result<(Task, JsValue), JsValue> {
        let parsed = json_parse(&answer.text).ok();
        let body = parsed.as_ref().map(from_js::read);
        let api_error = |failure: ApiFailure, raw: JsValue| {
            let code = failure.code.to_js();
            let fields = object(&[
                ("status", JsValue::from(failure.status)),
                ("code", code),
                ("type", failure.error_type.as_deref().map_or(JsValue::NULL, JsValue::from_str)),
                ("body", raw),
                ("retryAfterMs", answer.retry_after_ms.map_or(JsValue::NULL, |ms| JsValue::from(ms as f64))),
            ]);
            make_error("api_error", &failure.message, fields)
        };
        let raw_or_text = || parsed.clone().unwrap_or_else(|| JsValue::from_str(&answer.text));
        if !(200..300).contains(&answer.status) {
            return Err(api_error(read_error(answer.status, body.as_ref(), &answer.text), raw_or_text()));
        }
        let Some(body) = body else {
            let why = if answer.text.trim().is_empty() { "an empty body" } else { "a body that is not JSON" };
            return Err(make_error(
                "invalid_json",
                &format!("HTTP {} came with {why}", answer.status),
                object(&[("cause", JsValue::from_str(&answer.text.chars().take(200).collect::<String>()))]),
            ));
        };
        if let Some(failure) = envelope_error(&body) {
            return Err(api_error(failure, raw_or_text()));
        }
        let task = parse_task(&body).map_err(to_js_error)?;
        Ok((task, raw_or_text()))
    }

    fn task_to_js(task: &Task, raw: JsValue) -> Result<JsValue, JsValue> {
        let out = task.to_js();
        js_sys::Reflect::set(&out, &JsValue::from_str("raw"), &raw)?;
        Ok(out)
    }

    /// `createTask`: validates, then sends one POST (again only after a 429).
    pub async fn create_task(
        &self,
        input: JsValue,
        callback_url: Option<String>,
        signal: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (_, task, raw) = self.create(input, callback_url, &signal).await?;
        Client::task_to_js(&task, raw)
    }

    /// Creates the task: its id, and the task and body read from the answer.
    async fn create(
        &self,
        input: JsValue,
        callback_url: Option<String>,
        signal: &JsValue,
    ) -> Result<(String, Task, JsValue), JsValue> {
        let mut request = from_js::read(&input);
        if let Some(url) = callback_url {
            request.insert("callback_url", Value::String(url));
        }
        let opts = BuildOptions { api_key: None, base_url: Some(self.base_url.clone()) };
        let built = build_request(&request, &opts).map_err(to_js_error)?;
        let answer = self.exchange(Method::Post, &built.url, built.body, signal).await?;
        let (task, raw) = self.read_answer(&answer)?;
        let Some(task_id) = task.task_id.clone() else {
            return Err(make_error(
                "invalid_response",
                &format!("HTTP {} answered the task creation without a task id", answer.status),
                JsValue::UNDEFINED,
            ));
        };
        Ok((task_id, task, raw))
    }

    /// `generate`: creates the task, then waits for it with the same signal.
    pub async fn generate(
        &self,
        input: JsValue,
        callback_url: Option<String>,
        wait: WaitOptions,
    ) -> Result<JsValue, JsValue> {
        let (task_id, _, _) = self.create(input, callback_url, &wait.signal).await?;
        self.wait_for_task(task_id, wait).await
    }

    fn task_url(&self, task_id: &str) -> Result<String, JsValue> {
        if task_id.is_empty()
            || task_id.len() > 256
            || !task_id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~:".contains(&b))
        {
            return Err(to_js_error(Error::invalid(vec![invalid(
                "taskId",
                Code::InvalidValue,
                "taskId must be the id the API gave (letters, digits, - _ . ~ :)".into(),
            )])));
        }
        Ok(format!("{}/tasks/{task_id}", self.base_url))
    }

    async fn fetch_task(&self, task_id: &str, signal: &JsValue) -> Result<(Task, JsValue), JsValue> {
        let url = self.task_url(task_id)?;
        let answer = self.exchange(Method::Get, &url, None, signal).await?;
        let (mut task, raw) = self.read_answer(&answer)?;
        task.task_id.get_or_insert_with(|| task_id.to_string());
        Ok((task, raw))
    }

    /// `getTask`.
    pub async fn get_task(&self, task_id: String, signal: JsValue) -> Result<JsValue, JsValue> {
        let (task, raw) = self.fetch_task(&task_id, &signal).await?;
        Client::task_to_js(&task, raw)
    }

    /// `waitForTask`: polls until the task succeeds (resolves), fails (`TaskFailedError`), the
    /// wait times out (`TimeoutError` with the task id) or the signal aborts.
    pub async fn wait_for_task(&self, task_id: String, wait: WaitOptions) -> Result<JsValue, JsValue> {
        let started = Date::now();
        let mut polls: u32 = 0;
        loop {
            if get_prop(&wait.signal, "aborted").as_bool() == Some(true) {
                return Err(abort_reason(&wait.signal).unwrap_or_else(|e| e));
            }
            let (task, raw) = self.fetch_task(&task_id, &wait.signal).await?;
            polls += 1;
            let elapsed = Date::now() - started;
            let task_js = Client::task_to_js(&task, raw)?;
            if let Some(callback) = &wait.on_progress {
                let event = object(&[
                    ("taskId", JsValue::from_str(&task_id)),
                    ("status", JsValue::from_str(task.status.as_str())),
                    ("elapsedMs", JsValue::from(elapsed.round())),
                    ("polls", JsValue::from(polls)),
                    ("task", task_js.clone()),
                ]);
                callback.call1(&JsValue::UNDEFINED, &event)?;
            }
            match task.status {
                Status::Succeeded => return Ok(task_js),
                Status::Failed => {
                    let why = task.error.as_deref().unwrap_or("no reason given");
                    return Err(make_error(
                        "task_failed",
                        &format!("task {task_id} failed: {why}"),
                        object(&[("taskId", JsValue::from_str(&task_id)), ("task", task_js)]),
                    ));
                }
                Status::Queued | Status::Running => {}
            }
            let elapsed_ms = elapsed.max(0.0) as u64;
            let delay = wait.schedule.next_delay_ms(elapsed_ms) as f64;
            let left = wait.timeout_ms - elapsed;
            if left <= 0.0 {
                return Err(make_error(
                    "timeout",
                    &format!(
                        "task {task_id} was still {} after {} s; it may still finish: call waitForTask(\"{task_id}\") again",
                        task.raw_status.as_deref().unwrap_or("running"),
                        (elapsed / 1000.0).round() as u64
                    ),
                    object(&[("taskId", JsValue::from_str(&task_id))]),
                ));
            }
            // The last poll lands on the deadline.
            JsFuture::from(js_sleep(delay.min(left), &wait.signal)?).await?;
        }
    }
}

/// The options of `waitForTask` (and of the wait in `generate`).
pub struct WaitOptions {
    pub signal: JsValue,
    pub timeout_ms: f64,
    pub schedule: PollSchedule,
    pub on_progress: Option<Function>,
}

impl WaitOptions {
    /// Reads `{ signal?, timeoutMs?, pollIntervalMs?, onProgress? }`.
    pub fn read(options: &JsValue) -> Result<WaitOptions, JsValue> {
        let given = if options.is_object() { from_js::read(options) } else { Value::Null };
        let mut problems = Vec::new();
        let timeout_ms =
            number_option(&given, "timeoutMs", 24.0 * 3_600_000.0, &mut problems).unwrap_or(DEFAULT_WAIT_TIMEOUT_MS);
        let schedule = number_option(&given, "pollIntervalMs", 3_600_000.0, &mut problems)
            .map_or(PollSchedule::Adaptive, |ms| PollSchedule::Fixed(ms as u64));
        let on_progress = match options.is_object().then(|| get_prop(options, "onProgress")) {
            Some(f) if f.is_function() => Some(f.unchecked_into::<Function>()),
            Some(f) if !f.is_undefined() && !f.is_null() => {
                problems.push(invalid("onProgress", Code::InvalidType, "onProgress must be a function".into()));
                None
            }
            _ => None,
        };
        let signal = signal_of(options, &mut problems);
        if problems.is_empty() {
            Ok(WaitOptions { signal, timeout_ms, schedule, on_progress })
        } else {
            Err(to_js_error(Error::invalid(problems)))
        }
    }
}

/// The `signal` option: an AbortSignal-like object, or undefined.
pub fn signal_of(options: &JsValue, problems: &mut Vec<Issue>) -> JsValue {
    if !options.is_object() {
        return JsValue::UNDEFINED;
    }
    let signal = get_prop(options, "signal");
    if signal.is_undefined() || signal.is_null() {
        return JsValue::UNDEFINED;
    }
    if !signal.is_object() || !get_prop(&signal, "addEventListener").is_function() {
        problems.push(invalid("signal", Code::InvalidType, "signal must be an AbortSignal".into()));
    }
    signal
}

/// Runs a client call as a JS promise.
pub fn promise<F>(client: &Rc<Client>, run: impl FnOnce(Rc<Client>) -> F) -> Promise
where
    F: std::future::Future<Output = Result<JsValue, JsValue>> + 'static,
{
    wasm_bindgen_futures::future_to_promise(run(Rc::clone(client)))
}
