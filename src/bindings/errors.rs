//! The core's errors and the client's failures as the package's JS error classes (made in
//! `js/errors.js`): every field a caller acts on (`code`, `mayHaveCreated`, `retryable`, `hint`,
//! `taskId`...) set from the core's values, none worked out here.

use wasm_bindgen::JsValue;

use crate::attempt::Kind;
use crate::client::Failure;
use crate::error::Error;
use crate::interop::js::make_error;
use crate::interop::to_js::{json_or_text, object, task_to_js, text_or_null, to_js};
use crate::validate::Validation;

/// The JS error for a core error: `ValidationError` with its lists, else `KlingError`.
pub(crate) fn to_js_error(error: Error) -> JsValue {
    let message = error.message();
    match &error {
        Error::Validation(report) => make_error(error.code(), &message, &report_to_js(report)),
        _ => make_error(error.code(), &message, &JsValue::UNDEFINED),
    }
}

/// The JS error (or abort reason) for a client failure.
pub(crate) fn failure_to_js(failure: Failure) -> JsValue {
    let failure = match failure {
        Failure::Invalid(error) => return to_js_error(error),
        Failure::Aborted(reason) | Failure::Callback(reason) => return reason,
        Failure::Failed(failure) => *failure,
    };
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

/// `{ valid, errors, warnings }` for JS.
pub(crate) fn report_to_js(report: &Validation) -> JsValue {
    to_js(report)
}
