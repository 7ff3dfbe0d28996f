//! The client's decisions, apart from the waiting itself: its options, where each request
//! goes and what it carries, and what an answer means. The async loop (fetch and timers) is a
//! few lines of JS (`js/client.js`) that asks these functions, and [`crate::schedule`], at
//! every step; keeping the loop out of the module keeps an async runtime out of it too.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::Error;
use crate::request::DEFAULT_BASE_URL;
use crate::response::{envelope_error, read_error, ApiFailure};
use crate::schedule::DEFAULT_MAX_RETRIES;
use crate::task::{parse_task, Task};
use crate::validate::{Code, Issue};
use crate::value::{number_text, Value, FUNCTION};
use crate::wire::{base_url, build_request, check_api_key, BuildOptions, BuiltRequest};

/// Per-request time limit unless the user sets `timeoutMs`.
pub const DEFAULT_REQUEST_TIMEOUT_MS: f64 = 30_000.0;
/// How long `waitForTask` waits unless told otherwise: generous for 60–180 s jobs.
pub const DEFAULT_WAIT_TIMEOUT_MS: f64 = 15.0 * 60_000.0;
/// The largest `timeoutMs` of one request, and `pollIntervalMs`: an hour.
const MAX_REQUEST_MS: f64 = 3_600_000.0;
/// The largest `timeoutMs` of a wait: a day.
const MAX_WAIT_MS: f64 = 24.0 * 3_600_000.0;
/// The most retries a client may be told to make.
const MAX_RETRIES: f64 = 10.0;

/// A client's settings, checked once when it is made.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub api_key: Option<String>,
    /// Without trailing slashes.
    pub base_url: String,
    pub max_retries: u32,
    pub timeout_ms: f64,
}

/// The options of one call (`createTask`, `getTask`, `waitForTask`, `generate`).
#[derive(Clone, Debug, PartialEq)]
pub struct CallOptions {
    pub callback_url: Option<String>,
    /// How long a wait may last.
    pub timeout_ms: f64,
    /// A fixed poll interval instead of the adaptive schedule.
    pub poll_interval_ms: Option<f64>,
}

fn issue(path: &str, code: Code, message: String) -> Issue {
    Issue { path: path.into(), code, message }
}

/// A whole number option from 0 to `max`; `None` when absent.
fn number_option(v: &Value, key: &str, max: f64, problems: &mut Vec<Issue>) -> Option<f64> {
    match v.get(key)? {
        Value::Null => None,
        Value::Number(n) if *n >= 0.0 && *n <= max && crate::value::is_whole(*n) => Some(*n),
        other => {
            let got = match other {
                Value::Number(n) => number_text(*n),
                other => other.kind().into(),
            };
            let message = [key, " must be a whole number from 0 to ", &number_text(max), ", got ", &got].concat();
            problems.push(issue(key, Code::InvalidValue, message));
            None
        }
    }
}

/// Reads `new KlingClient(options)`: `{ apiKey?, baseUrl?, fetch?, maxRetries?, timeoutMs? }`,
/// every problem at once. `has_global_fetch` says whether the runtime has a fetch to use when
/// the options give none.
///
/// ```
/// use kling3_wasm::{client::settings, value::Value};
/// let s = settings(&Value::Null, true).unwrap();
/// assert_eq!((s.base_url.as_str(), s.max_retries, s.timeout_ms), ("https://apiin.one/api/v1", 2, 30_000.0));
/// assert!(settings(&Value::Null, false).is_err());
/// ```
pub fn settings(options: &Value, has_global_fetch: bool) -> Result<Settings, Error> {
    // Also refuses options that are not an object.
    let opts = BuildOptions::from_value(options)?;
    let mut problems = Vec::new();
    let base = match base_url(opts.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL)) {
        Ok(b) => b.into(),
        Err(problem) => {
            problems.push(problem);
            String::new()
        }
    };
    if let Some(problem) = opts.api_key.as_deref().and_then(check_api_key) {
        problems.push(problem);
    }
    let max_retries =
        number_option(options, "maxRetries", MAX_RETRIES, &mut problems).map_or(DEFAULT_MAX_RETRIES, |n| n as u32);
    let timeout_ms =
        number_option(options, "timeoutMs", MAX_REQUEST_MS, &mut problems).unwrap_or(DEFAULT_REQUEST_TIMEOUT_MS);
    let fetch_ok = match options.get("fetch") {
        None | Some(Value::Null) => has_global_fetch,
        Some(Value::Unsupported(what)) => *what == FUNCTION,
        Some(_) => false,
    };
    if !fetch_ok {
        problems.push(issue(
            "fetch",
            Code::InvalidType,
            "fetch must be a function like the global fetch (none was given, and this runtime has no global fetch)"
                .into(),
        ));
    }
    if problems.is_empty() {
        Ok(Settings { api_key: opts.api_key, base_url: base, max_retries, timeout_ms })
    } else {
        Err(Error::invalid(problems))
    }
}

/// Reads a call's options, every problem at once: `callbackUrl` when the call creates a task,
/// `timeoutMs`, `pollIntervalMs` and `onProgress` when it waits. Options that are not an
/// object are no options. `signal_ok` says whether `signal` is absent or an AbortSignal (only
/// JS can tell).
///
/// ```
/// use kling3_wasm::{client::call_options, value::Value};
/// let o = Value::Object(vec![("pollIntervalMs".into(), Value::Number(2000.0))]);
/// assert_eq!(call_options(&o, true, false, true).unwrap().poll_interval_ms, Some(2000.0));
/// assert!(call_options(&o, false, false, true).is_err());
/// ```
pub fn call_options(options: &Value, signal_ok: bool, creates: bool, waits: bool) -> Result<CallOptions, Error> {
    let none = Value::Null;
    let options = if matches!(options, Value::Object(_)) { options } else { &none };
    let mut problems = Vec::new();
    let mut out = CallOptions { callback_url: None, timeout_ms: DEFAULT_WAIT_TIMEOUT_MS, poll_interval_ms: None };
    if waits {
        out.timeout_ms =
            number_option(options, "timeoutMs", MAX_WAIT_MS, &mut problems).unwrap_or(DEFAULT_WAIT_TIMEOUT_MS);
        out.poll_interval_ms = number_option(options, "pollIntervalMs", MAX_REQUEST_MS, &mut problems);
        match options.get("onProgress") {
            None | Some(Value::Null) => {}
            Some(Value::Unsupported(what)) if *what == FUNCTION => {}
            Some(_) => problems.push(issue("onProgress", Code::InvalidType, "onProgress must be a function".into())),
        }
    }
    if creates {
        match options.get("callbackUrl") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => out.callback_url = Some(s.clone()),
            Some(other) => problems.push(issue(
                "callbackUrl",
                Code::InvalidType,
                ["callbackUrl must be a string, got ", other.kind()].concat(),
            )),
        }
    }
    if !signal_ok {
        problems.push(issue("signal", Code::InvalidType, "signal must be an AbortSignal".into()));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::invalid(problems))
    }
}

/// The create-task request: `input` validated and normalized, with `callback_url` set when
/// given. The client adds its own headers.
pub fn create_request(input: &Value, base_url: &str, callback_url: Option<&str>) -> Result<BuiltRequest, Error> {
    let opts = BuildOptions { api_key: None, base_url: Some(base_url.into()) };
    match callback_url {
        Some(url) => {
            let mut request = input.clone();
            request.insert("callback_url", Value::String(url.into()));
            build_request(&request, &opts)
        }
        None => build_request(input, &opts),
    }
}

/// The URL of a task, after checking that its id is one the API could have given (so that
/// nothing else can be put into the path).
///
/// ```
/// use kling3_wasm::{client::task_url, value::Value};
/// assert_eq!(task_url("/api/v1", &Value::String("t_1".into())).unwrap(), "/api/v1/tasks/t_1");
/// assert!(task_url("/api/v1", &Value::String("../x?y".into())).is_err());
/// assert!(task_url("/api/v1", &Value::Number(5.0)).is_err());
/// ```
pub fn task_url(base_url: &str, task_id: &Value) -> Result<String, Error> {
    let id = match task_id {
        Value::String(s) => s,
        other => {
            return Err(Error::invalid(vec![issue(
                "taskId",
                Code::InvalidType,
                ["taskId must be a string, got ", other.kind()].concat(),
            )]))
        }
    };
    if id.is_empty() || id.len() > 256 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~:".contains(&b)) {
        return Err(Error::invalid(vec![issue(
            "taskId",
            Code::InvalidValue,
            "taskId must be the id the API gave (letters, digits, - _ . ~ :)".into(),
        )]));
    }
    Ok([base_url, "/tasks/", id].concat())
}

/// Why an answer is not a task.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// An error status, or an HTTP 200 whose envelope holds an error: an `ApiError`.
    Api(ApiFailure),
    /// A success whose body is empty or not JSON (the message says which).
    NotJson(String),
    /// A success that is not a task.
    Invalid(Error),
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Reads an HTTP answer: the task it describes, or why it is not one. `body` is the text
/// parsed as JSON, when it is JSON. `task_id` is the id that was asked for (a task read
/// without one gets it); `None` when the answer is to a create, which must carry an id.
pub fn read_answer(status: u16, body: Option<&Value>, text: &str, task_id: Option<&str>) -> Result<Task, Refusal> {
    if !is_success(status) {
        return Err(Refusal::Api(read_error(status, body, text)));
    }
    let Some(body) = body else {
        let why =
            if text.trim().is_empty() { " came with an empty body" } else { " came with a body that is not JSON" };
        return Err(Refusal::NotJson(["HTTP ", &number_text(f64::from(status)), why].concat()));
    };
    if let Some(failure) = envelope_error(body) {
        return Err(Refusal::Api(failure));
    }
    let mut task = parse_task(body).map_err(Refusal::Invalid)?;
    match task_id {
        Some(id) => {
            task.task_id.get_or_insert_with(|| id.into());
        }
        None if task.task_id.is_none() => {
            return Err(Refusal::Invalid(Error::InvalidResponse(
                ["HTTP ", &number_text(f64::from(status)), " answered the task creation without a task id"].concat(),
            )))
        }
        None => {}
    }
    Ok(task)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::tests::json;

    fn paths(e: Error) -> Vec<String> {
        match e {
            Error::Validation(v) => v.errors.into_iter().map(|i| i.path).collect(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn client_options_report_every_problem() {
        let bad = json(r#"{"apiKey":"aio_a b","baseUrl":"apiin.one","maxRetries":-1,"timeoutMs":1.5,"fetch":42}"#);
        assert_eq!(paths(settings(&bad, true).unwrap_err()), ["baseUrl", "apiKey", "maxRetries", "timeoutMs", "fetch"]);
        let e = settings(&json(r#"{"maxRetries":11}"#), true).unwrap_err();
        assert_eq!(e.message(), "Invalid request: maxRetries must be a whole number from 0 to 10, got 11");
        let msg = settings(&bad, true).unwrap_err().message();
        assert!(!msg.contains("aio_a"), "the key stays out of messages: {msg}");
    }

    #[test]
    fn a_given_fetch_function_replaces_the_global_one() {
        let with = Value::Object(vec![("fetch".into(), Value::Unsupported(FUNCTION))]);
        assert!(settings(&with, false).is_ok());
        assert!(settings(&Value::Null, false).is_err());
        let s = settings(&json(r#"{"baseUrl":"/api/v1/","maxRetries":0,"timeoutMs":100}"#), true).unwrap();
        assert_eq!((s.base_url.as_str(), s.max_retries, s.timeout_ms), ("/api/v1", 0, 100.0));
    }

    #[test]
    fn call_options_check_only_what_the_call_uses() {
        let o = json(r#"{"timeoutMs":"soon","callbackUrl":5,"pollIntervalMs":-3}"#);
        assert_eq!(
            paths(call_options(&o, true, true, true).unwrap_err()),
            ["timeoutMs", "pollIntervalMs", "callbackUrl"]
        );
        assert_eq!(paths(call_options(&o, true, true, false).unwrap_err()), ["callbackUrl"]);
        assert!(call_options(&o, true, false, false).is_ok());
        assert!(call_options(&Value::Number(3.0), true, true, true).is_ok(), "a non-object is no options");
        let f = Value::Object(vec![("onProgress".into(), Value::Unsupported(FUNCTION))]);
        assert!(call_options(&f, true, false, true).is_ok());
        assert_eq!(
            paths(call_options(&json(r#"{"onProgress":1}"#), false, false, true).unwrap_err()),
            ["onProgress", "signal"]
        );
        let d = call_options(&Value::Null, true, true, true).unwrap();
        assert_eq!((d.timeout_ms, d.poll_interval_ms, d.callback_url), (DEFAULT_WAIT_TIMEOUT_MS, None, None));
    }

    #[test]
    fn the_create_request_carries_the_callback() {
        let r = create_request(&json(r#"{"prompt":"a cat"}"#), "/api/v1", Some("https://h.example/x")).unwrap();
        assert_eq!(r.url, "/api/v1/videos/generations");
        assert!(r.body.unwrap().ends_with(r#""callback_url":"https://h.example/x"}"#));
        assert!(create_request(&json(r#"{"prompt":"a cat"}"#), "/api/v1", Some("ftp://x")).is_err());
        assert!(create_request(&json(r#"{}"#), "/api/v1", None).is_err());
    }

    #[test]
    fn answers_are_read_into_tasks_or_refusals() {
        let body = json(r#"{"code":200,"data":{"status":"IN_PROGRESS"}}"#);
        let task = read_answer(200, Some(&body), "", Some("t1")).unwrap();
        assert_eq!(task.task_id.as_deref(), Some("t1"));
        assert!(matches!(read_answer(200, Some(&body), "", None), Err(Refusal::Invalid(Error::InvalidResponse(_)))));
        assert_eq!(read_answer(200, None, " ", None), Err(Refusal::NotJson("HTTP 200 came with an empty body".into())));
        assert_eq!(
            read_answer(201, None, "<html>", None),
            Err(Refusal::NotJson("HTTP 201 came with a body that is not JSON".into()))
        );
        let envelope = json(r#"{"code":500,"message":"boom"}"#);
        match read_answer(200, Some(&envelope), "", Some("t1")) {
            Err(Refusal::Api(f)) => assert_eq!((f.status, f.message.as_str()), (500, "boom")),
            other => panic!("{other:?}"),
        }
        match read_answer(502, None, "<html>bad gateway</html>", Some("t1")) {
            Err(Refusal::Api(f)) => assert!(f.message.contains("HTML page")),
            other => panic!("{other:?}"),
        }
    }
}
