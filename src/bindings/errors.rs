//! The core's errors and the client's failures as the package's JS error classes (made in
//! `js/errors.js`): every field a caller acts on (`code`, `mayHaveCreated`, `retryable`, `hint`,
//! `taskId`...) set from the core's values, none worked out here.

use wasm_bindgen::JsValue;

use crate::client::Failure;
use crate::error::Error;
use crate::interop::js::make_error;
use crate::interop::to_js::{attempt_failure_to_js, to_js};
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
    match failure {
        Failure::Invalid(error) => to_js_error(error),
        Failure::Aborted(reason) | Failure::Callback(reason) => reason,
        Failure::Failed(failure) => attempt_failure_to_js(&failure),
    }
}

/// `{ valid, errors, warnings }` for JS.
pub(crate) fn report_to_js(report: &Validation) -> JsValue {
    to_js(report)
}
