//! What each client call sends and what its answer means: the client's options, where each
//! request goes and what it carries, and how an answer reads as a task or a refusal. The
//! async client does the waiting (fetch and timers) and asks these functions, and
//! [`crate::schedule`], at every step, so every decision is tested on the host.

use serde_json::Value;

use crate::error::Error;
use crate::input::{Input, Seen, Unsendable};
use crate::json_text::number_text;
use crate::request::DEFAULT_BASE_URL;
use crate::response::{envelope_error, read_error, ApiFailure};
use crate::schedule::DEFAULT_MAX_RETRIES;
use crate::task::{parse_task, Task};
use crate::validate::{Code, Issue};
use crate::wire::{base_url, build_request, check_api_key, BuildOptions, BuiltRequest};

/// Per-request time limit unless the user sets `timeoutMs`.
pub const DEFAULT_REQUEST_TIMEOUT_MS: f64 = 30_000.0;
/// How long `waitForTask` waits unless told otherwise: generous for 60–180 s jobs.
pub const DEFAULT_WAIT_TIMEOUT_MS: f64 = 15.0 * 60_000.0;
/// The largest `timeoutMs` of one request, and `pollIntervalMs`: an hour.
pub const MAX_REQUEST_MS: f64 = 3_600_000.0;
/// The largest `timeoutMs` of a wait: a day.
pub const MAX_WAIT_MS: f64 = 24.0 * 3_600_000.0;
/// The most retries a client may be told to make.
pub const MAX_RETRIES: f64 = 10.0;

/// The client's defaults and bounds, for forms and documents that show them.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ClientDefaults {
    /// Where requests go unless `baseUrl` is given.
    pub base_url: &'static str,
    /// The create-task path under the base URL.
    pub create_path: &'static str,
    /// A task's path under the base URL is this, then its id.
    pub tasks_path: &'static str,
    /// Each request's time limit unless `timeoutMs` is given.
    pub request_timeout_ms: f64,
    /// The largest `timeoutMs` of one request, and `pollIntervalMs`.
    pub max_request_timeout_ms: f64,
    /// How long `waitForTask` waits unless `timeoutMs` is given.
    pub wait_timeout_ms: f64,
    /// The largest `timeoutMs` of a wait.
    pub max_wait_timeout_ms: f64,
    /// Tries after the first unless `maxRetries` is given.
    pub max_retries: u32,
    /// The largest `maxRetries`.
    pub max_retries_limit: f64,
    /// The longest `Retry-After` the client sleeps through.
    pub max_retry_after_ms: u64,
    /// The longest `Retry-After` taken as meant (a day): a longer one is the server's mistake,
    /// and an error's hint names no wait then.
    pub longest_meant_retry_after_ms: u64,
    /// The shortest wait between polls.
    pub min_poll_interval_ms: u64,
    /// The largest request body worth reading: far above any valid request (the longest prompt
    /// and every field at their limits take a few tens of KB), so a proxy can refuse more unread.
    pub max_body_bytes: u32,
    /// The path of the default base URL: where a same-origin proxy or the sandbox serves the API.
    pub base_path: &'static str,
    /// How long a server (the proxy, the sandbox) waits for a request's whole body.
    pub body_timeout_ms: u32,
    /// The window a proxy's spend budget counts credits in, unless told otherwise.
    pub spend_window_ms: u32,
    /// The window of a proxy's per-user creates-per-minute limit.
    pub create_rate_window_ms: u32,
    /// How long a proxy remembers who created a task (and, with callbacks, what it knows of
    /// it), unless told otherwise: a week, longer than any wait.
    pub ownership_ttl_ms: u32,
    /// With callbacks, the least time between a proxy's own reads of a task that has not
    /// called back (from the create on): a lost callback costs at most one request a minute.
    pub safety_poll_ms: u32,
    /// With callbacks, the least time between a proxy's reads of a task that callbacks ask
    /// for: a callback that comes sooner, or whose read did not find the task ended, is asked to
    /// come again after it (`Retry-After`).
    pub callback_read_gap_ms: u32,
    /// The answer headers a browser page may read (and a proxy passes on): the waits a 429
    /// asks for, and whether an idempotent repeat was answered from the first.
    pub exposed_headers: &'static [&'static str],
    /// The fetch `cache` mode of every request the client sends and the proxy forwards (see
    /// [`REQUEST_CACHE`]).
    pub request_cache: &'static str,
}

/// The values above, as one.
pub const CLIENT_DEFAULTS: ClientDefaults = ClientDefaults {
    base_url: DEFAULT_BASE_URL,
    create_path: crate::wire::CREATE_PATH,
    tasks_path: TASKS_PATH,
    request_timeout_ms: DEFAULT_REQUEST_TIMEOUT_MS,
    max_request_timeout_ms: MAX_REQUEST_MS,
    wait_timeout_ms: DEFAULT_WAIT_TIMEOUT_MS,
    max_wait_timeout_ms: MAX_WAIT_MS,
    max_retries: DEFAULT_MAX_RETRIES,
    max_retries_limit: MAX_RETRIES,
    max_retry_after_ms: crate::schedule::MAX_RETRY_AFTER_MS,
    longest_meant_retry_after_ms: crate::schedule::LONGEST_MEANT_RETRY_AFTER_MS,
    min_poll_interval_ms: crate::schedule::MIN_POLL_INTERVAL_MS,
    max_body_bytes: MAX_BODY_BYTES,
    base_path: crate::request::BASE_PATH,
    body_timeout_ms: 5_000,
    spend_window_ms: 3_600_000,
    create_rate_window_ms: 60_000,
    ownership_ttl_ms: 7 * 24 * 3_600_000,
    safety_poll_ms: 60_000,
    callback_read_gap_ms: 1_000,
    exposed_headers: &["Retry-After", "retry-after-ms", "Idempotent-Replayed"],
    request_cache: REQUEST_CACHE,
};

/// The fetch `cache` mode of every request: each goes to the network, so that no cache (the
/// browser's HTTP cache, one in between, Next.js's fetch cache) answers a poll with a status it
/// kept, which would freeze a wait until its deadline, or a create with a task made before.
pub const REQUEST_CACHE: &str = "no-store";

/// See [`ClientDefaults::max_body_bytes`].
pub const MAX_BODY_BYTES: u32 = 1_000_000;

/// A task's path under the base URL is this, then its id.
pub const TASKS_PATH: &str = "/tasks/";

/// A client's settings, checked once when it is made.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub api_key: Option<String>,
    /// Without trailing slashes.
    pub base_url: String,
    pub max_retries: u32,
    pub timeout_ms: f64,
    /// Why no request can be sent from here (a path as `baseUrl` with no page, and no fetch of
    /// the caller's that takes paths): each call is refused with it, sending nothing.
    pub unsendable: Option<Issue>,
}

/// The options of one call (`createTask`, `getTask`, `waitForTask`, `generate`).
#[derive(Clone, Debug, PartialEq)]
pub struct CallOptions {
    pub callback_url: Option<String>,
    /// Sent as the `Idempotency-Key` header of the create, when the caller gives one.
    pub idempotency_key: Option<String>,
    /// How long a wait may last.
    pub timeout_ms: f64,
    /// A fixed poll interval instead of the adaptive schedule.
    pub poll_interval_ms: Option<f64>,
}

fn issue(path: &str, code: Code, message: String) -> Issue {
    Issue { path: path.into(), code, message }
}

/// The option `key` as a rule sees it; `None` when absent.
fn option<'i>(options: &'i Input, key: &str) -> Option<Seen<'i>> {
    options.get(key).map(|v| options.seen(key, v))
}

/// Whether the option `key` is absent, `null`, or a function.
fn is_function_or_absent(options: &Input, key: &str) -> Option<bool> {
    match option(options, key) {
        None | Some(Seen::Json(Value::Null)) => None,
        Some(Seen::Hole(Unsendable::Function)) => Some(true),
        Some(_) => Some(false),
    }
}

/// A problem for each key of `options` that is one of `known` misspelt: in another case or
/// with `_` (`baseurl`, `base_url`), or with two letters swapped (`sginal`). Such a typo left
/// alone is an option silently not taken: `baseurl` would send to the real API, which charges.
/// Other keys are let be (a spread config object may carry them).
fn misspelt_options(options: &Input, known: &[&str], problems: &mut Vec<Issue>) {
    let Some(map) = options.value.as_object() else { return };
    let squash = |k: &str| k.chars().filter(|&c| c != '_').map(|c| c.to_ascii_lowercase()).collect::<Vec<_>>();
    let swapped = |a: &[char], b: &[char]| {
        let differ: Vec<usize> = (0..a.len().min(b.len())).filter(|&i| a[i] != b[i]).collect();
        a.len() == b.len() && matches!(differ[..], [i, j] if j == i + 1 && a[i] == b[j] && a[j] == b[i])
    };
    for key in map.keys().filter(|k| !known.contains(&k.as_str())) {
        let typed = squash(key);
        if let Some(meant) = known.iter().find(|k| {
            let k = squash(k);
            k == typed || swapped(&k, &typed)
        }) {
            problems.push(issue(key, Code::UnknownField, format!("{key} is not an option: did you mean {meant}?")));
        }
    }
}

/// A whole number option from 0 to `max`; `None` when absent.
fn number_option(options: &Input, key: &str, max: f64, problems: &mut Vec<Issue>) -> Option<f64> {
    let got = match option(options, key)? {
        Seen::Json(Value::Null) => return None,
        Seen::Json(Value::Number(n)) => {
            let n = n.as_f64()?;
            if (0.0..=max).contains(&n) && n.fract() == 0.0 {
                return Some(n);
            }
            number_text(n)
        }
        Seen::Hole(Unsendable::NotFinite(n)) => number_text(n),
        Seen::Hole(what) => what.kind(),
        Seen::Json(other) => crate::input::kind(other).into(),
    };
    let message = format!("{key} must be a whole number from 0 to {}, got {got}", number_text(max));
    problems.push(issue(key, Code::InvalidValue, message));
    None
}

/// What the runtime a client is made in offers it.
#[derive(Clone, Copy, Debug)]
pub struct Runtime {
    /// A global fetch, to use when the options give none.
    pub global_fetch: bool,
    /// A page (`location`), which a path as `baseUrl` is relative to.
    pub page: bool,
}

/// Reads `new KlingClient(options)`: `{ apiKey?, baseUrl?, fetch?, maxRetries?, timeoutMs? }`,
/// every problem at once, in `runtime`; a given `fetch` is a function, which an [`Input`] holds
/// as a hole. A path as `baseUrl` needs a page, or a `fetch` of the caller's that takes paths:
/// without, the client is made, but each call is refused (`unsendable`).
///
/// ```
/// use kling3_wasm::{calls::{settings, Runtime}, input::Input};
/// let server = Runtime { global_fetch: true, page: false };
/// let s = settings(&Input::default(), server).unwrap();
/// assert_eq!((s.base_url.as_str(), s.max_retries, s.timeout_ms), ("https://apiin.one/api/v1", 2, 30_000.0));
/// assert!(settings(&Input::default(), Runtime { global_fetch: false, page: false }).is_err());
/// let path = Input::from(serde_json::json!({"baseUrl": "/api/v1"}));
/// assert!(settings(&path, server).unwrap().unsendable.is_some());
/// assert!(settings(&path, Runtime { page: true, ..server }).unwrap().unsendable.is_none());
/// ```
pub fn settings(options: &Input, runtime: Runtime) -> Result<Settings, Error> {
    // Also refuses options that are not an object.
    let mut problems = Vec::new();
    let opts = BuildOptions::read(options, &mut problems);
    misspelt_options(options, &["apiKey", "baseUrl", "fetch", "maxRetries", "timeoutMs"], &mut problems);
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
    let fetch = is_function_or_absent(options, "fetch");
    let unsendable = (base.starts_with('/') && !runtime.page && fetch != Some(true)).then(|| {
        issue(
            "baseUrl",
            Code::InvalidValue,
            format!("baseUrl {base} is a path, and there is no page here for it to be relative to: give the whole URL (such as http://localhost:8080{base}), or a fetch that takes paths"),
        )
    });
    match fetch {
        Some(true) => {}
        Some(false) => problems.push(issue(
            "fetch",
            Code::InvalidType,
            format!(
                "fetch must be a function like the global fetch, got {}",
                options.get("fetch").map_or_else(|| "nothing".to_string(), |v| options.kind_at("fetch", v))
            ),
        )),
        None if runtime.global_fetch => {}
        None => problems.push(issue(
            "fetch",
            Code::InvalidType,
            "fetch must be given: this runtime has no global fetch".into(),
        )),
    }
    if problems.is_empty() {
        Ok(Settings { api_key: opts.api_key, base_url: base, max_retries, timeout_ms, unsendable })
    } else {
        Err(Error::invalid(problems))
    }
}

/// Reads a call's options, every problem at once: `callbackUrl` when the call creates a task,
/// `timeoutMs`, `pollIntervalMs`, `onProgress` and `onPollError` (functions: holes) when it
/// waits, and `onCreated` (a function) when it does both. Options that are not an object are
/// no options. `signal_ok` says whether `signal` is absent or an
/// AbortSignal (only JS can tell).
///
/// ```
/// use kling3_wasm::{calls::call_options, input::Input};
/// let o = Input::from(serde_json::json!({"pollIntervalMs": 2000}));
/// assert_eq!(call_options(&o, true, false, true).unwrap().poll_interval_ms, Some(2000.0));
/// assert!(call_options(&o, false, false, true).is_err());
/// ```
pub fn call_options(options: &Input, signal_ok: bool, creates: bool, waits: bool) -> Result<CallOptions, Error> {
    let none = Input::default();
    let options = if options.value.is_object() { options } else { &none };
    let mut problems = Vec::new();
    let mut out = CallOptions {
        callback_url: None,
        idempotency_key: None,
        timeout_ms: DEFAULT_WAIT_TIMEOUT_MS,
        poll_interval_ms: None,
    };
    if waits {
        out.timeout_ms =
            number_option(options, "timeoutMs", MAX_WAIT_MS, &mut problems).unwrap_or(DEFAULT_WAIT_TIMEOUT_MS);
        out.poll_interval_ms = number_option(options, "pollIntervalMs", MAX_REQUEST_MS, &mut problems);
        // onCreated is generate's: told the task as soon as it exists, before the wait.
        let callbacks: &[&str] =
            if creates { &["onProgress", "onPollError", "onCreated"] } else { &["onProgress", "onPollError"] };
        for &name in callbacks {
            if is_function_or_absent(options, name) == Some(false) {
                problems.push(issue(name, Code::InvalidType, format!("{name} must be a function")));
            }
        }
    }
    if creates {
        match (options.get("callbackUrl"), option(options, "callbackUrl")) {
            (_, None | Some(Seen::Json(Value::Null))) => {}
            (_, Some(Seen::Json(Value::String(s)))) => out.callback_url = Some(s.clone()),
            (v, Some(_)) => problems.push(issue(
                "callbackUrl",
                Code::InvalidType,
                format!(
                    "callbackUrl must be a string, got {}",
                    options.kind_at("callbackUrl", v.unwrap_or(&Value::Null))
                ),
            )),
        }
        match option(options, "idempotencyKey") {
            None | Some(Seen::Json(Value::Null)) => {}
            Some(Seen::Json(Value::String(k))) if is_idempotency_key(k) => out.idempotency_key = Some(k.clone()),
            Some(_) => problems.push(idempotency_key_issue()),
        }
    }
    if !signal_ok {
        problems.push(issue("signal", Code::InvalidType, "signal must be an AbortSignal".into()));
    }
    let mut known = vec!["signal"];
    if waits {
        known.extend(["timeoutMs", "pollIntervalMs", "onProgress", "onPollError"]);
    }
    if creates {
        known.extend(["callbackUrl", "idempotencyKey"]);
    }
    if creates && waits {
        known.push("onCreated");
    }
    misspelt_options(options, &known, &mut problems);
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::invalid(problems))
    }
}

/// The one message for an idempotency key that cannot be sent (the client's `idempotencyKey`
/// option, or a header a proxy or the sandbox got).
pub fn idempotency_key_issue() -> Issue {
    issue(
        "idempotencyKey",
        Code::InvalidValue,
        "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces (a UUID, say)".into(),
    )
}

/// Whether `key` can be sent as an `Idempotency-Key` header: 1 to 255 printable ASCII
/// characters without spaces.
///
/// ```
/// use kling3_wasm::calls::is_idempotency_key;
/// assert!(is_idempotency_key("2f1c0e9a-7b1d-4c55-9a0e-6f1f2d3c4b5a"));
/// assert!(!is_idempotency_key("two words") && !is_idempotency_key(""));
/// ```
pub fn is_idempotency_key(key: &str) -> bool {
    // (One rule for the client, the proxy and the sandbox: `isIdempotencyKey` in JS.)
    (1..=255).contains(&key.len()) && key.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// The create-task request: `input` validated and normalized, with `callback_url` set when
/// given (it replaces the input's own). The client adds its own headers.
///
/// ```
/// use kling3_wasm::{calls::create_request, input::Input};
/// let input = Input::from(serde_json::json!({"prompt": "a cat"}));
/// let r = create_request(&input, "/api/v1", Some("https://h.example/x")).unwrap();
/// assert!(r.body.unwrap().ends_with(r#""callback_url":"https://h.example/x"}"#));
/// ```
pub fn create_request(input: &Input, base_url: &str, callback_url: Option<&str>) -> Result<BuiltRequest, Error> {
    let opts = BuildOptions { api_key: None, base_url: Some(base_url.into()) };
    match (callback_url, input.value.as_object()) {
        (Some(url), Some(fields)) => {
            let mut fields = fields.clone();
            fields.insert("callback_url".into(), Value::String(url.into()));
            let under = |path: &str| {
                path.strip_prefix("callback_url").is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
            };
            let holes = input.holes.iter().filter(|h| !under(&h.path)).cloned().collect();
            build_request(&Input { value: Value::Object(fields), holes }, &opts)
        }
        _ => build_request(input, &opts),
    }
}

/// Checks that a task id is one the API could have given, so that nothing else can be put
/// into a URL's path: a string of 1 to 256 letters, digits, `-`, `_`, `.`, `~` or `:`, not
/// made of dots alone (`.` and `..` are path steps: `tasks/..` is the API's root).
///
/// ```
/// use kling3_wasm::calls::check_task_id;
/// assert_eq!(check_task_id(&serde_json::json!("t_1")).unwrap(), "t_1");
/// assert_eq!(check_task_id(&serde_json::json!("v1.2")).unwrap(), "v1.2");
/// assert!(check_task_id(&serde_json::json!("../x?y")).is_err());
/// assert!(check_task_id(&serde_json::json!("..")).is_err());
/// assert!(check_task_id(&serde_json::json!(5)).is_err());
/// ```
pub fn check_task_id(task_id: &Value) -> Result<&str, Error> {
    let Value::String(id) = task_id else {
        return Err(task_id_type_error(crate::input::kind(task_id)));
    };
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-_.~:".contains(&b);
    if id.len() > 256 || !id.bytes().all(allowed) || id.bytes().all(|b| b == b'.') {
        return Err(Error::invalid(vec![issue(
            "taskId",
            Code::InvalidValue,
            "taskId must be the id the API gave (letters, digits, - _ . ~ :, not dots alone, at most 256)".into(),
        )]));
    }
    Ok(id)
}

fn task_id_type_error(kind: &str) -> Error {
    Error::invalid(vec![issue("taskId", Code::InvalidType, format!("taskId must be a string, got {kind}"))])
}

/// [`check_task_id`] for a task id as it came from a caller: a hole (a function...) is named
/// as what it was.
///
/// ```
/// use kling3_wasm::calls::task_id_of;
/// use kling3_wasm::input::{Hole, Input, Unsendable};
/// let f = Input { value: serde_json::Value::Null, holes: vec![Hole { path: "".into(), what: Unsendable::Function }] };
/// assert_eq!(task_id_of(&f).unwrap_err().message(), "Invalid request: taskId must be a string, got a function");
/// ```
pub fn task_id_of(task_id: &Input) -> Result<&str, Error> {
    match task_id.seen("", &task_id.value) {
        Seen::Hole(what) => Err(task_id_type_error(&what.kind())),
        Seen::Json(v) => check_task_id(v),
    }
}

/// The URL of a task, after [`check_task_id`].
///
/// ```
/// use kling3_wasm::calls::task_url;
/// assert_eq!(task_url("/api/v1", &"t_1".into()).unwrap(), "/api/v1/tasks/t_1");
/// assert!(task_url("/api/v1", &"../x?y".into()).is_err());
/// assert!(task_url("/api/v1", &5.into()).is_err());
/// ```
pub fn task_url(base_url: &str, task_id: &Value) -> Result<String, Error> {
    Ok(format!("{base_url}{TASKS_PATH}{}", check_task_id(task_id)?))
}

/// Why an answer is not a task.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// An error status, or an HTTP 200 whose envelope holds an error: an `ApiError`. (Boxed:
    /// it is the largest answer, and the rarest.)
    Api(Box<ApiFailure>),
    /// A success whose body is empty or not JSON (the message says which).
    NotJson(String),
    /// A success that is not a task.
    Invalid(Error),
}

impl Refusal {
    /// Whether a GET that got this answer is worth sending again: a body cut short, an HTML
    /// page or an empty body, a success that is not a task, and an API failure with status
    /// 429 or 5xx (an HTTP 200 whose envelope says 500 too). The rest will not change.
    ///
    /// ```
    /// use kling3_wasm::calls::Refusal;
    /// assert!(Refusal::NotJson("HTTP 200 came with an empty body".into()).retryable_for_poll());
    /// ```
    pub fn retryable_for_poll(&self) -> bool {
        match self {
            Refusal::NotJson(_) | Refusal::Invalid(_) => true,
            Refusal::Api(failure) => failure.status == 429 || failure.status >= 500,
        }
    }
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Reads an HTTP answer: the task it describes, or why it is not one. `body` is the text
/// parsed as JSON, when it is JSON. `task_id` is the id that was asked for (a task read
/// without one gets it); `None` when the answer is to a create, which must carry an id.
pub fn read_answer(status: u16, body: Option<&Value>, text: &str, task_id: Option<&str>) -> Result<Task, Refusal> {
    if !is_success(status) {
        return Err(Refusal::Api(Box::new(read_error(status, body, text))));
    }
    let Some(body) = body else {
        let why = if text.trim().is_empty() { "came with an empty body" } else { "came with a body that is not JSON" };
        return Err(Refusal::NotJson(format!("HTTP {status} {why}")));
    };
    if let Some(failure) = envelope_error(body) {
        return Err(Refusal::Api(Box::new(failure)));
    }
    let mut task = parse_task(body).map_err(Refusal::Invalid)?;
    match task_id {
        Some(id) => {
            task.task_id.get_or_insert_with(|| id.into());
        }
        None if task.task_id.is_none() => {
            return Err(Refusal::Invalid(Error::InvalidResponse(format!(
                "HTTP {status} answered the task creation without a task id"
            ))))
        }
        None => {}
    }
    Ok(task)
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;
    use crate::input::tests::{json, with_holes};

    fn paths(e: Error) -> Vec<String> {
        match e {
            Error::Validation(v) => v.errors.into_iter().map(|i| i.path).collect(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    const PAGE: Runtime = Runtime { global_fetch: true, page: true };
    const BARE: Runtime = Runtime { global_fetch: false, page: false };

    #[test]
    fn client_options_report_every_problem() {
        let bad = json(r#"{"apiKey":"aio_a b","baseUrl":"apiin.one","maxRetries":-1,"timeoutMs":1.5,"fetch":42}"#);
        assert_eq!(paths(settings(&bad, PAGE).unwrap_err()), ["baseUrl", "apiKey", "maxRetries", "timeoutMs", "fetch"]);
        let e = settings(&json(r#"{"maxRetries":11}"#), PAGE).unwrap_err();
        assert_eq!(e.message(), "Invalid request: maxRetries must be a whole number from 0 to 10, got 11");
        let msg = settings(&bad, PAGE).unwrap_err().message();
        assert!(!msg.contains("aio_a"), "the key stays out of messages: {msg}");
        // Options of the wrong type are reported with the others, not alone.
        let wrong_types = json(r#"{"apiKey":5,"baseUrl":5,"maxRetries":-1,"timeoutMs":"x","fetch":"x"}"#);
        let e = settings(&wrong_types, PAGE).unwrap_err();
        assert_eq!(paths(e.clone()), ["apiKey", "baseUrl", "maxRetries", "timeoutMs", "fetch"]);
        let message = |e: Error| match e {
            Error::Validation(v) => v.errors.last().map(|i| i.message.clone()).unwrap_or_default(),
            other => panic!("not a validation error: {other:?}"),
        };
        assert_eq!(message(e), "fetch must be a function like the global fetch, got a string");
        assert_eq!(
            message(settings(&Input::default(), BARE).unwrap_err()),
            "fetch must be given: this runtime has no global fetch"
        );
    }

    #[test]
    fn a_misspelt_option_is_refused_with_the_one_meant() {
        let typos = json(r#"{"baseurl":"http://localhost:8080/api/v1","max_retries":1,"tiemoutMs":5,"region":"eu"}"#);
        let e = settings(&typos, PAGE).unwrap_err();
        let said: Vec<_> = match e {
            Error::Validation(v) => v.errors.into_iter().map(|i| (i.path, i.code, i.message)).collect(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            said,
            [
                ("baseurl".into(), Code::UnknownField, "baseurl is not an option: did you mean baseUrl?".into()),
                (
                    "max_retries".into(),
                    Code::UnknownField,
                    "max_retries is not an option: did you mean maxRetries?".into()
                ),
                ("tiemoutMs".into(), Code::UnknownField, "tiemoutMs is not an option: did you mean timeoutMs?".into()),
            ] as [(String, Code, String); 3],
            "an unrelated key (region) is let be"
        );
        let call = json(r#"{"sginal":null,"callbackURL":"https://h.example/x","onprogress":null}"#);
        assert_eq!(paths(call_options(&call, true, true, true).unwrap_err()), ["sginal", "callbackURL", "onprogress"]);
        assert_eq!(
            paths(call_options(&call, true, true, false).unwrap_err()),
            ["sginal", "callbackURL"],
            "createTask waits not"
        );
        assert!(call_options(&json(r#"{"signal":null,"timeoutMs":5}"#), true, true, true).is_ok());
    }

    #[test]
    fn a_given_fetch_function_replaces_the_global_one() {
        let with = with_holes(r#"{"fetch":null}"#, &[("fetch", Unsendable::Function)]);
        assert!(settings(&with, BARE).is_ok());
        assert!(settings(&Input::default(), BARE).is_err());
        let not_a_function = with_holes(r#"{"fetch":null}"#, &[("fetch", Unsendable::Symbol)]);
        assert!(settings(&not_a_function, PAGE).is_err());
        let nan = with_holes(r#"{"timeoutMs":null}"#, &[("timeoutMs", Unsendable::NotFinite(f64::NAN))]);
        assert_eq!(
            settings(&nan, PAGE).unwrap_err().message(),
            "Invalid request: timeoutMs must be a whole number from 0 to 3600000, got NaN"
        );
        let s = settings(&json(r#"{"baseUrl":"/api/v1/","maxRetries":0,"timeoutMs":100}"#), PAGE).unwrap();
        assert_eq!((s.base_url.as_str(), s.max_retries, s.timeout_ms), ("/api/v1", 0, 100.0));
        // Outside a page a path reaches nothing, unless the caller's fetch takes paths.
        let server = Runtime { global_fetch: true, page: false };
        assert_eq!(
            settings(&json(r#"{"baseUrl":"/api/v1"}"#), server).unwrap().unsendable.map(|i| i.message).as_deref(),
            Some("baseUrl /api/v1 is a path, and there is no page here for it to be relative to: give the whole URL (such as http://localhost:8080/api/v1), or a fetch that takes paths")
        );
        let own = with_holes(r#"{"baseUrl":"/api/v1","fetch":null}"#, &[("fetch", Unsendable::Function)]);
        assert!(settings(&own, server).unwrap().unsendable.is_none());
        let whole = settings(&json(r#"{"baseUrl":"http://localhost:8080/api/v1"}"#), server).unwrap();
        assert!(whole.unsendable.is_none());
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
        assert!(call_options(&json("3"), true, true, true).is_ok(), "a non-object is no options");
        let f = with_holes(r#"{"onProgress":null}"#, &[("onProgress", Unsendable::Function)]);
        assert!(call_options(&f, true, false, true).is_ok());
        let not_f = with_holes(r#"{"onProgress":null}"#, &[("onProgress", Unsendable::BigInt)]);
        assert_eq!(paths(call_options(&not_f, true, false, true).unwrap_err()), ["onProgress"]);
        assert_eq!(
            paths(call_options(&json(r#"{"onProgress":1}"#), false, false, true).unwrap_err()),
            ["onProgress", "signal"]
        );
        assert_eq!(
            paths(call_options(&json(r#"{"onPollError":true}"#), true, false, true).unwrap_err()),
            ["onPollError"]
        );
        let created = with_holes(r#"{"onCreated":null}"#, &[("onCreated", Unsendable::Function)]);
        assert!(call_options(&created, true, true, true).is_ok());
        let bad = json(r#"{"onCreated":"log"}"#);
        assert_eq!(paths(call_options(&bad, true, true, true).unwrap_err()), ["onCreated"]);
        assert!(call_options(&bad, true, true, false).is_ok(), "createTask has no onCreated");
        assert!(call_options(&bad, true, false, true).is_ok(), "waitForTask has no onCreated");
        let d = call_options(&Input::default(), true, true, true).unwrap();
        assert_eq!((d.timeout_ms, d.poll_interval_ms, d.callback_url), (DEFAULT_WAIT_TIMEOUT_MS, None, None));
    }

    #[test]
    fn the_create_request_carries_the_callback() {
        let r = create_request(&json(r#"{"prompt":"a cat"}"#), "/api/v1", Some("https://h.example/x")).unwrap();
        assert_eq!(r.url, "/api/v1/videos/generations");
        assert!(r.body.unwrap().ends_with(r#""callback_url":"https://h.example/x"}"#));
        assert!(create_request(&json(r#"{"prompt":"a cat"}"#), "/api/v1", Some("ftp://x")).is_err());
        assert!(create_request(&json(r#"{}"#), "/api/v1", None).is_err());
        let replaced = with_holes(r#"{"prompt":"a","callback_url":null}"#, &[("callback_url", Unsendable::Function)]);
        assert!(
            create_request(&replaced, "/api/v1", Some("https://h.example/x")).is_ok(),
            "the given URL replaces the hole"
        );
        assert!(create_request(&replaced, "/api/v1", None).is_err());
    }

    #[test]
    fn answers_are_read_into_tasks_or_refusals() {
        let json = |text: &str| json(text).value;
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

    #[test]
    fn a_task_id_is_checked_before_it_goes_into_a_url() {
        let e = task_id_of(&with_holes("null", &[("", Unsendable::Function)])).unwrap_err();
        assert_eq!(e.message(), "Invalid request: taskId must be a string, got a function");
        assert_eq!(
            task_url("/api/v1", &Value::Null).unwrap_err().message(),
            "Invalid request: taskId must be a string, got null"
        );
        assert_eq!(task_id_of(&json(r#""t1""#)).unwrap(), "t1");
        assert!(check_task_id(&Value::String("x".repeat(257))).is_err());
        assert_eq!(check_task_id(&Value::String("a-b_c.d~e:f".into())).unwrap(), "a-b_c.d~e:f");
    }

    #[test]
    fn a_poll_is_tried_again_only_on_answers_that_may_change() {
        let refusal = |status: u16, body: Option<&str>, text: &str| {
            let body: Option<Value> = body.map(|b| serde_json::from_str(b).unwrap());
            read_answer(status, body.as_ref(), text, Some("t1")).unwrap_err()
        };
        for (status, body, text, retry) in [
            (200, None, "{\"code\":200,\"da", true),
            (200, None, "<html>", true),
            (200, None, "", true),
            (200, Some("[1]"), "[1]", true),
            (200, Some(r#"{"code":500,"message":"boom"}"#), "", true),
            (200, Some(r#"{"code":429}"#), "", true),
            (503, None, "", true),
            (429, Some("{}"), "{}", true),
            (200, Some(r#"{"code":404,"message":"no such task"}"#), "", false),
            (401, Some("{}"), "{}", false),
            (404, None, "", false),
        ] {
            assert_eq!(refusal(status, body, text).retryable_for_poll(), retry, "{status} {body:?} {text:?}");
        }
    }
}
