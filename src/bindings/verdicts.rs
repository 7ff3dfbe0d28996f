//! The core's verdicts and checks for a server that stands between a page and the API (the
//! package's proxy, the sandbox): what an answer means, and whether a key or an id can be used,
//! with the core's own messages.

use wasm_bindgen::prelude::*;

use super::errors::to_js_error;
use crate::interop::from_js;
use crate::interop::js::{header_of, reflect_get};
use crate::interop::to_js::to_js;
use crate::validate::Issue;
use crate::verdict::RetryHeaders;

/// What an answer to a request means, as the client decides it: the task, the wait before
/// trying again, or a failure with `mayHaveCreated`, `retryable`, `code`, `message` and `hint`.
/// `headers` is a `Headers` or a plain object; `Retry-After` and `retry-after-ms` are read from
/// it. Throws `ValidationError` naming every bad field.
#[wasm_bindgen(js_name = attemptVerdict, unchecked_return_type = "AttemptVerdict")]
pub fn attempt_verdict(
    #[wasm_bindgen(unchecked_param_type = "AttemptAnswer")] answer: JsValue,
) -> Result<JsValue, JsValue> {
    let headers = reflect_get(&answer, &JsValue::from_str("headers")).unwrap_or(JsValue::UNDEFINED);
    let (retry_after, retry_after_ms) = (header_of(&headers, "retry-after"), header_of(&headers, "retry-after-ms"));
    let headers = RetryHeaders { retry_after: retry_after.as_deref(), retry_after_ms: retry_after_ms.as_deref() };
    let input = from_js::read_fields(&answer, &ANSWER_FIELDS);
    let verdict = crate::verdict::attempt_verdict(&input, headers, js_sys::Date::now(), js_sys::Math::random())
        .map_err(to_js_error)?;
    Ok(to_js(&verdict))
}

/// The fields `attemptVerdict` reads besides the headers.
static ANSWER_FIELDS: [&str; 7] = ["method", "status", "text", "retries", "maxRetries", "taskId", "random"];

/// An issue as JS gets it, or `null`.
fn issue_or_null(issue: Option<Issue>) -> JsValue {
    issue.map_or(JsValue::NULL, |i| to_js(&i))
}

/// `null` when `key` can be sent as an `Idempotency-Key` (1 to 255 printable ASCII characters
/// without spaces), else `{ path, code, message }` with the core's message.
#[wasm_bindgen(js_name = checkIdempotencyKey, unchecked_return_type = "Issue | null")]
pub fn check_idempotency_key(#[wasm_bindgen(unchecked_param_type = "unknown")] key: JsValue) -> JsValue {
    issue_or_null(crate::verdict::check_idempotency_key(&from_js::read(&key)))
}

/// `null` when `taskId` is an id the API could have given, else `{ path, code, message }` with
/// the core's message.
#[wasm_bindgen(js_name = checkTaskId, unchecked_return_type = "Issue | null")]
pub fn check_task_id(#[wasm_bindgen(js_name = taskId, unchecked_param_type = "unknown")] task_id: JsValue) -> JsValue {
    issue_or_null(crate::verdict::check_task_id_input(&from_js::read(&task_id)))
}

/// `null` when `apiKey` can be sent in an `Authorization` header (printable ASCII without
/// spaces), else `{ path, code, message }` with the core's message.
#[wasm_bindgen(js_name = checkApiKey, unchecked_return_type = "Issue | null")]
pub fn check_api_key(#[wasm_bindgen(js_name = apiKey, unchecked_param_type = "unknown")] api_key: JsValue) -> JsValue {
    issue_or_null(crate::verdict::check_api_key_input(&from_js::read(&api_key)))
}
