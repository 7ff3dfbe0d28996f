//! The core's values as JS values: plain objects, arrays, numbers, strings and `null`
//! (serde-wasm-bindgen's JSON-compatible serializer), and a JSON text the module holds (a
//! task's answer) read back by the engine's `JSON.parse`.

use js_sys::Object;
use serde::Serialize;
use wasm_bindgen::JsValue;

use super::js::{json_parse, make_error, set};
use crate::attempt::{Failure, Kind};
use crate::task::Task;

/// A result as a plain JS value: objects, arrays, numbers, strings and `null`.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    const PLAIN: serde_wasm_bindgen::Serializer = serde_wasm_bindgen::Serializer::json_compatible();
    // The core's types and JSON values always serialize (numbers are finite, keys are strings).
    value.serialize(&PLAIN).unwrap_or(JsValue::NULL)
}

/// A plain object from `(name, value)` pairs.
pub(crate) fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let out = Object::new();
    for (name, value) in fields {
        set(&out, name, value);
    }
    out.into()
}

/// A string, or `null`.
pub(crate) fn text_or_null(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

/// A JSON text as the value it holds; the text itself when it is not JSON.
pub(crate) fn json_or_text(text: &str) -> JsValue {
    json_parse(text).unwrap_or_else(|_| JsValue::from_str(text))
}

/// A task as JS gets it: its fields, and `raw`, the body it was read from.
pub(crate) fn task_with_raw(task: &Task, raw: &JsValue) -> JsValue {
    let out = to_js(task);
    set(&out, "raw", raw);
    out
}

/// A task the client read, with its answer's JSON as `raw`.
pub(crate) fn task_to_js(task: &Task, text: &str) -> JsValue {
    task_with_raw(task, &json_or_text(text))
}

/// What `onProgress` gets: `{ taskId, status, elapsedMs, polls, task }`.
pub(crate) fn progress_to_js(task_id: &str, task: &Task, text: &str, elapsed_ms: f64, polls: u32) -> JsValue {
    object(&[
        ("taskId", JsValue::from_str(task_id)),
        ("status", JsValue::from_str(task.status.as_str())),
        ("elapsedMs", JsValue::from(elapsed_ms)),
        ("polls", JsValue::from(polls)),
        ("task", task_to_js(task, text)),
    ])
}

/// The package's JS error for the core's verdict on a failed call: every field a caller acts
/// on (`mayHaveCreated`, `retryable`, `hint`, `taskId`...) set from the core's values.
pub(crate) fn attempt_failure_to_js(failure: &Failure) -> JsValue {
    let mut fields = vec![
        ("mayHaveCreated", JsValue::from_bool(failure.may_have_created)),
        ("retryable", JsValue::from_bool(failure.retryable)),
        ("hint", failure.hint.as_ref().map_or(JsValue::NULL, |h| JsValue::from_str(&h.text()))),
        ("taskId", text_or_null(failure.task_id.as_deref())),
    ];
    match failure.kind {
        Kind::Api => {
            let api = failure.api.as_ref();
            fields.extend([
                ("status", JsValue::from(failure.status.unwrap_or_default())),
                ("code", api.map_or(JsValue::NULL, |a| to_js(&a.code))),
                ("type", text_or_null(api.and_then(|a| a.error_type.as_deref()))),
                ("body", failure.body.as_deref().map_or(JsValue::NULL, json_or_text)),
                ("retryAfterMs", failure.retry_after_ms.map_or(JsValue::NULL, |ms| JsValue::from(ms as f64))),
            ]);
        }
        Kind::TaskFailed => {
            let task = match (&failure.task, &failure.body) {
                (Some(task), body) => task_to_js(task, body.as_deref().unwrap_or("null")),
                (None, _) => JsValue::NULL,
            };
            fields.push(("task", task));
        }
        _ => {
            if let Some(cause) = &failure.cause {
                fields.push(("cause", JsValue::from_str(cause)));
            }
        }
    }
    make_error(failure.kind.code(), &failure.message, &object(&fields))
}
