//! The client from Rust through the binding layer, against the sandbox that `npm test` starts
//! (its URL comes in `KLING_SANDBOX_URL` at build time). In Chromium the test page and the
//! sandbox have different origins, so these requests go through CORS.

use js_sys::{Function, Promise, Reflect};
use kling3_wasm::bindings::KlingClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

fn sandbox() -> String {
    let Some(url) = option_env!("KLING_SANDBOX_URL") else {
        panic!("KLING_SANDBOX_URL: run these tests through `npm test`, which starts the sandbox");
    };
    format!("{url}/api/v1")
}

fn js(expr: &str) -> JsValue {
    Function::new_no_args(&format!("return ({expr});")).call0(&JsValue::NULL).expect("test JS runs")
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).expect("readable")
}

fn client(key: &str) -> KlingClient {
    let options = js(&format!("({{ apiKey: {key:?}, baseUrl: {:?} }})", sandbox()));
    KlingClient::new(Some(options)).expect("valid options")
}

async fn settle(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

#[wasm_bindgen_test]
async fn the_client_generates_a_video_against_the_sandbox() {
    let progress = js("(() => { const seen = []; const f = (p) => seen.push(p.status); f.seen = seen; return f; })()");
    let options = js("({ pollIntervalMs: 30 })");
    Reflect::set(&options, &JsValue::from_str("onProgress"), &progress).unwrap();
    let task = settle(client("aio_wasmtest1").generate(js("({ prompt: 'a cat', duration: 3 })"), Some(options)))
        .await
        .expect("the task succeeds");
    assert_eq!(get(&task, "status").as_string().as_deref(), Some("succeeded"));
    assert!(get(&task, "videoUrl").as_string().unwrap_or_default().starts_with("http://127.0.0.1:"));
    let seen = js_sys::Array::from(&get(&progress, "seen"));
    assert!(seen.length() >= 1);
    assert_eq!(seen.get(seen.length() - 1).as_string().as_deref(), Some("succeeded"));
}

#[wasm_bindgen_test]
async fn an_unknown_key_is_an_api_error_with_status_401() {
    let error = settle(client("aio_x").create_task(js("({ prompt: 'a cat' })"), None)).await.expect_err("refused");
    assert_eq!(get(&error, "name").as_string().as_deref(), Some("ApiError"));
    assert_eq!(get(&error, "status").as_f64(), Some(401.0));
    assert_eq!(get(&error, "type").as_string().as_deref(), Some("authentication_error"));
    // Refused: no task was made, and the same call will not do better; nothing to advise.
    assert_eq!(get(&error, "mayHaveCreated").as_bool(), Some(false));
    assert_eq!(get(&error, "retryable").as_bool(), Some(false));
    assert!(get(&error, "hint").is_null());
}

#[wasm_bindgen_test]
async fn abort_stops_the_wait_between_polls() {
    let c = client("aio_wasmtest2");
    let created = settle(c.create_task(js("({ prompt: 'a cat', duration: 15 })"), None)).await.expect("created");
    let task_id = get(&created, "taskId").as_string().expect("an id");
    let controller = js("new AbortController()");
    let options = js("({ pollIntervalMs: 60000 })");
    Reflect::set(&options, &JsValue::from_str("signal"), &get(&controller, "signal")).unwrap();
    let waiting = c.wait_for_task(JsValue::from_str(&task_id), Some(options));
    let later = js("(c) => new Promise((r) => setTimeout(() => { c.abort(); r(); }, 50))");
    JsFuture::from(Promise::from(Function::from(later).call1(&JsValue::NULL, &controller).unwrap())).await.unwrap();
    let error = settle(waiting).await.expect_err("aborted");
    assert_eq!(get(&error, "name").as_string().as_deref(), Some("AbortError"));
}

/// Wraps the global fetch (or makes a fetch) that records whether a wasm frame was on the JS
/// stack when it ran, then calls the real one.
fn recording_fetch() -> JsValue {
    js(r#"(() => {
        const real = globalThis.fetch;
        const f = (input, init) => {
            const limit = Error.stackTraceLimit;
            Error.stackTraceLimit = 100;
            const stack = String(new Error().stack);
            Error.stackTraceLimit = limit;
            f.calls.push(/wasm:\/\/|wasm-function/.test(stack));
            return real(input, init);
        };
        f.calls = [];
        f.real = real;
        return f;
    })()"#)
}

#[wasm_bindgen_test]
async fn the_wasm_module_calls_an_injected_fetch_itself() {
    let fetch = recording_fetch();
    let options = js(&format!("({{ apiKey: 'aio_wasmtest3', baseUrl: {:?} }})", sandbox()));
    Reflect::set(&options, &JsValue::from_str("fetch"), &fetch).unwrap();
    let c = KlingClient::new(Some(options)).expect("valid options");
    let created = settle(c.create_task(js("({ prompt: 'a cat' })"), None)).await.expect("created");
    assert!(get(&created, "taskId").is_string());
    let calls = js_sys::Array::from(&get(&fetch, "calls"));
    assert_eq!(calls.length(), 1, "one POST");
    assert_eq!(calls.get(0).as_bool(), Some(true), "a wasm frame was on the stack when fetch ran");
}

#[wasm_bindgen_test]
async fn the_wasm_module_calls_the_global_fetch_itself() {
    let fetch = recording_fetch();
    let global = js_sys::global();
    Reflect::set(&global, &JsValue::from_str("fetch"), &fetch).unwrap();
    let result = settle(client("aio_wasmtest4").create_task(js("({ prompt: 'a cat' })"), None)).await;
    Reflect::set(&global, &JsValue::from_str("fetch"), &get(&fetch, "real")).unwrap();
    assert!(get(&result.expect("created"), "taskId").is_string());
    let calls = js_sys::Array::from(&get(&fetch, "calls"));
    assert_eq!(calls.length(), 1, "one POST");
    assert_eq!(calls.get(0).as_bool(), Some(true), "a wasm frame was on the stack when fetch ran");
}

#[wasm_bindgen_test]
async fn an_error_while_waiting_names_the_task() {
    let c = client("aio_wasmtest5");
    let created = settle(c.create_task(js("({ prompt: 'a cat', duration: 3 })"), None)).await.expect("created");
    let task_id = get(&created, "taskId").as_string().expect("an id");
    // A client on a base URL where nothing answers: the GET fails, and the error keeps the id.
    let lost = KlingClient::new(Some(js("({ baseUrl: 'http://127.0.0.1:9/api/v1', maxRetries: 0 })"))).expect("ok");
    let error = settle(lost.wait_for_task(JsValue::from_str(&task_id), None)).await.expect_err("no answer");
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("network_error"));
    assert_eq!(get(&error, "taskId").as_string().as_deref(), Some(task_id.as_str()));
    // No answer to a GET: the same call may well succeed later, and the hint says so.
    assert_eq!(get(&error, "retryable").as_bool(), Some(true));
    assert_eq!(get(&error, "mayHaveCreated").as_bool(), Some(false));
    assert_eq!(
        get(&error, "hint").as_string().as_deref(),
        Some("The same call may well succeed later: try it again in a moment.")
    );
}
