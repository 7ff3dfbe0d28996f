//! The core's verdicts and checks as a server sees them: `attemptVerdict` (what an answer the
//! server passed on means, the same verdict the client applies), and `checkIdempotencyKey`,
//! `checkTaskId`, `checkApiKey` (the rules and messages a proxy or a sandbox answers with). A
//! server reads these instead of working the rules out again.

use serde::Serialize;
use serde_json::Value;

use crate::attempt::{settle, Answer, Attempt, Verdict};
use crate::calls::{check_task_id, idempotency_key_issue, is_idempotency_key};
use crate::error::Error;
use crate::input::{Input, Seen, Unsendable};
use crate::schedule::{wait_asked, Method, DEFAULT_MAX_RETRIES};
use crate::task::Task;
use crate::validate::{Code, Issue};

/// What an attempt came to, as a plain object (`attemptVerdict`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct AttemptVerdict {
    /// `"task"`: the answer is the task; `"retry"`: send the same request again after
    /// `delayMs`; `"failure"`: the call fails, as `code`, `message` and the flags say.
    pub outcome: VerdictOutcome,
    /// A failed create that may have made the task all the same (and charged it): no answer, a
    /// 5xx, a redirect, an unreadable success. `false` when the API refused it (a 4xx).
    pub may_have_created: bool,
    /// A failure that the same call may well get past later (429, a transient 5xx...).
    pub retryable: bool,
    /// The error code the client throws (`api_error`, `invalid_json`, `invalid_response`,
    /// `network_error`, `timeout`); `null` unless a failure.
    #[cfg_attr(feature = "ts", tsify(type = "string | null"))]
    pub code: Option<&'static str>,
    /// The error body's own code (a number or a word), for an API failure.
    #[cfg_attr(feature = "ts", tsify(type = "string | number | null"))]
    pub api_code: Option<Value>,
    /// What happened, as the client's error says it; `null` unless a failure.
    #[cfg_attr(feature = "ts", tsify(type = "string | null"))]
    pub message: Option<String>,
    /// What to do, for a person; `null` when there is nothing to say.
    #[cfg_attr(feature = "ts", tsify(type = "string | null"))]
    pub hint: Option<String>,
    /// The answer's HTTP status.
    pub status: u16,
    /// The wait the answer's `Retry-After` or `retry-after-ms` asked for.
    #[cfg_attr(feature = "ts", tsify(type = "number | null"))]
    pub retry_after_ms: Option<u64>,
    /// The wait before trying again, when the outcome is `"retry"`.
    #[cfg_attr(feature = "ts", tsify(type = "number | null"))]
    pub delay_ms: Option<u64>,
    /// The task, when the outcome is `"task"`.
    #[cfg_attr(feature = "ts", tsify(type = "Task | null"))]
    pub task: Option<Task>,
}

/// An [`AttemptVerdict`]'s outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum VerdictOutcome {
    Task,
    Retry,
    Failure,
}

/// What `attemptVerdict` takes: `{ method, status, headers?, text, retries?, maxRetries?,
/// taskId?, random? }`, where the headers are given here as the values of `Retry-After` and
/// `retry-after-ms` (the binding layer reads them from a `Headers` or a plain object).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RetryHeaders<'a> {
    pub retry_after: Option<&'a str>,
    pub retry_after_ms: Option<&'a str>,
}

fn issue(path: &str, code: Code, message: String) -> Issue {
    Issue { path: path.into(), code, message }
}

/// The field `key` as a rule sees it.
fn field<'i>(input: &'i Input, key: &str) -> Option<Seen<'i>> {
    input.get(key).map(|v| input.seen(key, v)).filter(|s| !matches!(s, Seen::Json(Value::Null)))
}

/// A whole number field from 0 to `max`; `None` when absent (or bad: the problem is pushed).
fn whole(input: &Input, key: &str, max: f64, problems: &mut Vec<Issue>) -> Option<f64> {
    // The reader holds every number as JS does, as a double.
    let n = match field(input, key)? {
        Seen::Json(Value::Number(n)) => n.as_f64().filter(|n| (0.0..=max).contains(n) && n.fract() == 0.0),
        _ => None,
    };
    if n.is_none() {
        let max = crate::json_text::number_text(max);
        problems.push(issue(key, Code::InvalidValue, format!("{key} must be a whole number from 0 to {max}")));
    }
    n
}

/// The verdict on one answer, as the client would reach it: `input` is `attemptVerdict`'s
/// argument, `headers` its `Retry-After` values, `now_ms` the time (for a `Retry-After` date) and
/// `random` the jitter's number in `[0, 1)` (`input.random` when given). Throws
/// `ValidationError` naming every bad field.
///
/// ```
/// use kling3_wasm::{input::Input, verdict::{attempt_verdict, RetryHeaders, VerdictOutcome}};
/// let answer = Input::from(serde_json::json!({"method": "POST", "status": 400, "text": "{}"}));
/// let v = attempt_verdict(&answer, RetryHeaders::default(), 0.0, 0.5).unwrap();
/// assert_eq!((v.outcome, v.may_have_created), (VerdictOutcome::Failure, false));
/// ```
pub fn attempt_verdict(
    input: &Input,
    headers: RetryHeaders<'_>,
    now_ms: f64,
    random: f64,
) -> Result<AttemptVerdict, Error> {
    let mut problems = Vec::new();
    if !input.value.is_object() {
        problems.push(issue(
            "",
            Code::InvalidType,
            format!("the answer must be an object, got {}", input.kind_at("", &input.value)),
        ));
        return Err(Error::invalid(problems));
    }
    let method = match field(input, "method") {
        Some(Seen::Json(Value::String(m))) if m.eq_ignore_ascii_case("POST") => Method::Post,
        Some(Seen::Json(Value::String(m))) if m.eq_ignore_ascii_case("GET") => Method::Get,
        _ => {
            problems.push(issue("method", Code::InvalidValue, "method must be \"GET\" or \"POST\"".into()));
            Method::Get
        }
    };
    let status = match field(input, "status") {
        Some(_) => whole(input, "status", 999.0, &mut problems).unwrap_or_default() as u16,
        None => {
            problems.push(issue("status", Code::Required, "status is required: the answer's HTTP status".into()));
            0
        }
    };
    let text = match field(input, "text") {
        None => "",
        Some(Seen::Json(Value::String(t))) => t.as_str(),
        Some(_) => {
            problems.push(issue("text", Code::InvalidType, "text must be the answer's body, a string".into()));
            ""
        }
    };
    let retries = whole(input, "retries", f64::from(u32::MAX), &mut problems).unwrap_or_default() as u32;
    let max_retries =
        whole(input, "maxRetries", crate::calls::MAX_RETRIES, &mut problems).map_or(DEFAULT_MAX_RETRIES, |n| n as u32);
    let task_id = match field(input, "taskId") {
        None => None,
        Some(Seen::Json(id)) => match check_task_id(id) {
            Ok(id) => Some(id),
            Err(Error::Validation(report)) => {
                problems.extend(report.errors);
                None
            }
            Err(_) => None,
        },
        Some(Seen::Hole(what)) => {
            problems.push(issue("taskId", Code::InvalidType, format!("taskId must be a string, got {}", what.kind())));
            None
        }
    };
    let random = match field(input, "random") {
        None => random,
        Some(Seen::Json(Value::Number(n))) if n.as_f64().is_some_and(|r| (0.0..1.0).contains(&r)) => {
            n.as_f64().unwrap_or(random)
        }
        Some(_) => {
            problems.push(issue("random", Code::InvalidValue, "random must be a number from 0 up to 1".into()));
            random
        }
    };
    if !problems.is_empty() {
        return Err(Error::invalid(problems));
    }
    let retry_after_ms = wait_asked(headers.retry_after_ms, headers.retry_after, now_ms);
    let url = match method {
        Method::Post => crate::wire::CREATE_PATH,
        Method::Get => crate::calls::TASKS_PATH,
    };
    let attempt = Attempt { method, url, task_id, retries, max_retries, random };
    let mut out = AttemptVerdict {
        outcome: VerdictOutcome::Failure,
        may_have_created: false,
        retryable: false,
        code: None,
        api_code: None,
        message: None,
        hint: None,
        status,
        retry_after_ms,
        delay_ms: None,
        task: None,
    };
    match settle(&attempt, Answer::Http { status, retry_after_ms, text }) {
        Verdict::Task(task) => {
            out.outcome = VerdictOutcome::Task;
            out.task = Some(task);
        }
        Verdict::Retry { delay_ms } => {
            out.outcome = VerdictOutcome::Retry;
            out.delay_ms = Some(delay_ms);
        }
        // An answer came: nothing aborted it.
        Verdict::Aborted => {}
        Verdict::Failure(f) => {
            out.may_have_created = f.may_have_created;
            out.retryable = f.retryable;
            out.code = Some(f.kind.code());
            out.api_code = f.api.map(|a| a.code);
            out.hint = f.hint.map(|h| h.text());
            out.message = Some(f.message);
        }
    }
    Ok(out)
}

/// The problem with an `Idempotency-Key` (a header, or the client's `idempotencyKey` option),
/// or `None` when it is one: 1 to 255 printable ASCII characters without spaces.
///
/// ```
/// use kling3_wasm::{input::Input, verdict::check_idempotency_key};
/// assert!(check_idempotency_key(&Input::from(serde_json::json!("6b1f9d2e-0c4a"))).is_none());
/// assert_eq!(check_idempotency_key(&Input::from(serde_json::json!("two words"))).unwrap().path, "idempotencyKey");
/// ```
pub fn check_idempotency_key(key: &Input) -> Option<Issue> {
    match &key.value {
        Value::String(k) if is_idempotency_key(k) => None,
        _ => Some(idempotency_key_issue()),
    }
}

/// The problem with a task id, or `None` when it is one the API could have given (see
/// [`check_task_id`]).
///
/// ```
/// use kling3_wasm::{input::Input, verdict::check_task_id_input};
/// assert!(check_task_id_input(&Input::from(serde_json::json!("t_1"))).is_none());
/// assert_eq!(check_task_id_input(&Input::from(serde_json::json!("../x"))).unwrap().path, "taskId");
/// ```
pub fn check_task_id_input(task_id: &Input) -> Option<Issue> {
    first_issue(crate::calls::task_id_of(task_id).err())
}

/// The problem with an API key, or `None` when it can be sent in a header: printable ASCII
/// without spaces.
///
/// ```
/// use kling3_wasm::{input::Input, verdict::check_api_key_input};
/// assert!(check_api_key_input(&Input::from(serde_json::json!("aio_abc"))).is_none());
/// assert_eq!(check_api_key_input(&Input::from(serde_json::json!(5))).unwrap().message, "apiKey must be a string, got a number");
/// ```
pub fn check_api_key_input(key: &Input) -> Option<Issue> {
    match &key.value {
        Value::String(k) => crate::wire::check_api_key(k),
        other => {
            let kind = key.hole_at("").map_or_else(|| crate::input::kind(other).to_string(), |h: Unsendable| h.kind());
            Some(issue("apiKey", Code::InvalidType, format!("apiKey must be a string, got {kind}")))
        }
    }
}

fn first_issue(error: Option<Error>) -> Option<Issue> {
    match error? {
        Error::Validation(report) => report.errors.into_iter().next(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn verdict(answer: Value, headers: RetryHeaders<'_>) -> AttemptVerdict {
        attempt_verdict(&Input::from(answer), headers, 784_111_777_000.0, 0.5).expect("a valid answer")
    }

    #[test]
    fn a_server_gets_the_verdict_the_client_applies() {
        let refused = verdict(
            json!({"method": "POST", "status": 402, "text": r#"{"error":{"code":402,"message":"Insufficient credits"}}"#}),
            RetryHeaders::default(),
        );
        assert_eq!(
            (refused.outcome, refused.may_have_created, refused.retryable, refused.code, refused.message.as_deref()),
            (VerdictOutcome::Failure, false, false, Some("api_error"), Some("Insufficient credits"))
        );
        assert_eq!(refused.api_code, Some(json!(402)));
        let lost = verdict(json!({"method": "post", "status": 502, "text": "<html>"}), RetryHeaders::default());
        assert_eq!((lost.may_have_created, lost.hint.is_some()), (true, true));
        let busy = verdict(
            json!({"method": "POST", "status": 429, "text": "{}"}),
            RetryHeaders { retry_after: Some("3"), retry_after_ms: None },
        );
        assert_eq!((busy.outcome, busy.delay_ms, busy.retry_after_ms), (VerdictOutcome::Retry, Some(3000), Some(3000)));
        let dated = RetryHeaders { retry_after: Some("Sun, 06 Nov 1994 08:49:47 GMT"), retry_after_ms: None };
        assert_eq!(verdict(json!({"method": "GET", "status": 503, "text": ""}), dated).delay_ms, Some(10_000));
        let ms = RetryHeaders { retry_after: Some("9"), retry_after_ms: Some("120") };
        assert_eq!(
            verdict(json!({"method": "GET", "status": 503, "text": ""}), ms).delay_ms,
            Some(120),
            "retry-after-ms first"
        );
        let spent = verdict(json!({"method": "GET", "status": 503, "text": "", "retries": 2}), RetryHeaders::default());
        assert_eq!((spent.outcome, spent.retryable), (VerdictOutcome::Failure, true));
        let created = verdict(
            json!({"method": "POST", "status": 200, "text": r#"{"data":{"task_id":"t_1","status":"PENDING"}}"#}),
            RetryHeaders::default(),
        );
        assert_eq!((created.outcome, created.task.and_then(|t| t.task_id)), (VerdictOutcome::Task, Some("t_1".into())));
        let polled = verdict(
            json!({"method": "GET", "status": 200, "text": r#"{"data":{"status":"RUNNING"}}"#, "taskId": "t_2"}),
            RetryHeaders::default(),
        );
        assert_eq!(polled.task.and_then(|t| t.task_id).as_deref(), Some("t_2"));
        let jitter =
            verdict(json!({"method": "GET", "status": 500, "text": "", "random": 0.0}), RetryHeaders::default());
        assert_eq!(jitter.delay_ms, Some(0));
    }

    #[test]
    fn a_bad_answer_is_refused_naming_every_field() {
        let bad = json!({"method": "PUT", "status": 1000, "text": 5, "retries": -1, "maxRetries": 11, "taskId": "../x", "random": 2});
        let paths: Vec<String> = match attempt_verdict(&Input::from(bad), RetryHeaders::default(), 0.0, 0.5) {
            Err(Error::Validation(v)) => v.errors.into_iter().map(|i| i.path).collect(),
            other => panic!("{other:?}"),
        };
        assert_eq!(paths, ["method", "status", "text", "retries", "maxRetries", "taskId", "random"]);
        assert!(attempt_verdict(&Input::from(json!(5)), RetryHeaders::default(), 0.0, 0.5).is_err());
    }

    #[test]
    fn the_checks_give_the_core_messages() {
        let key = |v: Value| check_idempotency_key(&Input::from(v)).map(|i| i.message);
        assert_eq!(key(json!("a".repeat(255))), None);
        let message = "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces (a UUID, say)";
        for bad in [json!(""), json!("a".repeat(256)), json!("é"), json!(5), json!(null)] {
            assert_eq!(key(bad.clone()).as_deref(), Some(message), "{bad}");
        }
        let id = |v: Value| check_task_id_input(&Input::from(v)).map(|i| (i.code, i.message));
        assert_eq!(id(json!("a-b_c.d~e:f")), None);
        assert_eq!(id(json!(7)), Some((Code::InvalidType, "taskId must be a string, got a number".into())));
        assert_eq!(id(json!("..")).map(|(c, _)| c), Some(Code::InvalidValue));
        let api = |v: Value| check_api_key_input(&Input::from(v)).map(|i| i.message);
        assert_eq!(api(json!("aio_x")), None);
        assert_eq!(
            api(json!("aio x")).as_deref(),
            Some("apiKey must be printable ASCII without spaces or line breaks (check for a stray space or quote)")
        );
    }
}
