//! `KlingClient`: the client's calls as Promises.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

use super::call_options::{read_call, read_task_call};
use super::errors::{failure_to_js, to_js_error};
use crate::client::{Answered, Call, Client, Failure};
use crate::interop::from_js;
use crate::interop::js::{has_global_fetch, has_page, reflect_get};
use crate::interop::to_js::task_to_js;

/// The HTTP client: `new KlingClient({ apiKey, baseUrl, fetch, maxRetries, timeoutMs })`.
/// A client that is no longer referenced is freed by the garbage collector; `free()` is
/// never needed.
#[wasm_bindgen]
pub struct KlingClient {
    client: std::rc::Rc<Client>,
}

/// A client call's work, boxed: the four calls then share one Promise adapter in the module
/// instead of a copy each.
type Run = Box<dyn FnOnce(Call) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Answered, Failure>>>>>;

/// Runs a client call as a Promise of a task.
fn promise(call: Result<Call, Failure>, run: Run) -> Promise {
    future_to_promise(async move {
        let call = call.map_err(failure_to_js)?;
        run(call).await.map(|answered| task_to_js(&answered.task, &answered.text)).map_err(failure_to_js)
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
        let runtime = crate::calls::Runtime { global_fetch: has_global_fetch(), page: has_page() };
        let settings = crate::calls::settings(&input, runtime).map_err(to_js_error)?;
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
