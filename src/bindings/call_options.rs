//! A client call's options, read from JS and checked by the core: the signal and the
//! `onProgress`, `onPollError` and `onCreated` functions, which only JS can tell apart, are
//! taken here as they are.

use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use crate::calls::call_options;
use crate::client::{Call, Failure};
use crate::input::{Input, Value};
use crate::interop::from_js;
use crate::interop::js::reflect_get;

/// A call's options read and checked: `Err` is the rejection.
pub(crate) fn read_call(options: &Option<JsValue>, creates: bool, waits: bool) -> Result<Call, Failure> {
    let given = match options {
        Some(o) if o.is_object() => Some(o),
        _ => None,
    };
    let field = |name: &str| given.and_then(|o| reflect_get(o, &JsValue::from_str(name)).ok());
    let signal = field("signal").filter(|s| !s.is_undefined() && !s.is_null());
    let signal_ok = signal.as_ref().is_none_or(|s| s.is_instance_of::<AbortSignal>());
    let input = given.map_or_else(Input::default, from_js::read);
    let checked = call_options(&input, signal_ok, creates, waits).map_err(Failure::Invalid)?;
    let function = |name: &str| field(name).and_then(|f| f.dyn_into::<Function>().ok());
    let on_progress = if waits { function("onProgress") } else { None };
    let on_poll_error = if waits { function("onPollError") } else { None };
    let on_created = if creates && waits { function("onCreated") } else { None };
    let signal = signal.and_then(|s| s.dyn_into::<AbortSignal>().ok());
    Ok(Call { options: checked, signal, on_progress, on_poll_error, on_created })
}

/// A task id and a call's options, read and checked (a bad id is the rejection).
pub(crate) fn read_task_call(
    task_id: &JsValue,
    options: &Option<JsValue>,
    waits: bool,
) -> (Result<Call, Failure>, Value) {
    let id = from_js::read(task_id);
    let call = match crate::calls::task_id_of(&id) {
        Ok(_) => read_call(options, false, waits),
        Err(e) => Err(Failure::Invalid(e)),
    };
    (call, id.value)
}
