//! The floor: what the design card's stack costs with none of our rules in it. The same crates
//! as the package (wasm-bindgen and its futures, web-sys, gloo-net, gloo-timers, serde,
//! serde_json, serde-wasm-bindgen, talc), each doing the least that a page creating and waiting
//! for a task, or a call of validateRequest, estimateCost or buildRequest, must do: the data in,
//! through serde_json, and an answer out. No validation, no pricing, no messages.
//! bench/floor.mjs builds it and measures its size and speed.

use gloo_net::http::{Request, RequestBuilder};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Promise, Reflect, JSON};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal};

// The allocator, set up as the package sets it up (src/lib.rs).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Any Rust error, as the JS string the caller gets.
fn err(e: impl ToString) -> JsValue {
    JsValue::from(e.to_string())
}

/// A Rust value as a plain JS value (objects, not Maps), as the package returns its results.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(err)
}

/// A JS value in, as the package takes a plain request: `JSON.stringify`, then serde_json.
fn read_json(input: &JsValue) -> Result<Value, JsValue> {
    let text = JSON::stringify(input).map_err(|_| err("the input cannot be written as JSON"))?;
    let text = text.as_string().ok_or_else(|| err("the input is not a JSON value"))?;
    serde_json::from_str(&text).map_err(err)
}

/// Either arm's value: the functions below answer an error as a string rather than throwing.
fn either(result: Result<JsValue, JsValue>) -> JsValue {
    result.unwrap_or_else(|e| e)
}

// ---- a page: create a task and wait for it ---------------------------------------------------

/// Creates a task from `input` at `{base_url}/videos/generations`, polls
/// `{base_url}/tasks/{task_id}` every second until its status is final, and resolves with the
/// last answer (or rejects with a string).
#[wasm_bindgen]
pub fn run(base_url: String, api_key: String, input: JsValue) -> Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        let controller = AbortController::new()?;
        let result = create_and_wait(base_url.trim_end_matches('/'), &api_key, &input, &controller.signal()).await;
        if result.is_err() {
            // Lets go of anything still in flight.
            controller.abort();
        }
        result
    })
}

async fn create_and_wait(base: &str, api_key: &str, input: &JsValue, signal: &AbortSignal) -> Result<JsValue, JsValue> {
    let body = serde_json::to_string(&read_json(input)?).map_err(err)?;
    let authorization = format!("Bearer {api_key}");
    let with_headers = |builder: RequestBuilder| {
        builder.header("Accept", "application/json").header("Authorization", &authorization).abort_signal(Some(signal))
    };
    let create = with_headers(Request::post(&format!("{base}/videos/generations")))
        .header("Content-Type", "application/json")
        .body(body)
        .map_err(err)?;
    let created = send(create).await?;
    let id = created["data"]["task_id"].as_str().ok_or_else(|| err("the answer has no data.task_id"))?;
    let url = format!("{base}/tasks/{id}");
    loop {
        TimeoutFuture::new(1_000).await;
        let task = send(with_headers(Request::get(&url)).build().map_err(err)?).await?;
        let status = task["data"]["status"].as_str().unwrap_or("");
        if ["COMPLETED", "SUCCEEDED", "SUCCESS", "FAILED", "ERROR"].iter().any(|s| s.eq_ignore_ascii_case(status)) {
            return to_js(&task);
        }
    }
}

/// One request, and its answer read as JSON (an HTTP error is an error).
async fn send(request: Request) -> Result<Value, JsValue> {
    let response = request.send().await.map_err(err)?;
    let text = response.text().await.map_err(err)?;
    if !response.ok() {
        return Err(err(format!("HTTP {}: {text}", response.status())));
    }
    serde_json::from_str(&text).map_err(err)
}

// ---- the in and out of the three calls, with no work in between ------------------------------

#[derive(Serialize)]
struct Report {
    valid: bool,
    errors: Vec<String>,
    warnings: Vec<String>,
}

/// validateRequest's cost without its rules: the request in as JSON, a report out.
#[wasm_bindgen]
pub fn floor_validate(input: JsValue) -> JsValue {
    either(
        read_json(&input)
            .and_then(|value| to_js(&Report { valid: value.is_object(), errors: Vec::new(), warnings: Vec::new() })),
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Price {
    credits: f64,
    credits_per_second: f64,
    seconds: f64,
    mode: String,
    sound: bool,
}

// The keys floor_price reads, made into JS strings once (a key made per call costs a
// TextDecoder call each time).
const MODE: usize = 0;
const SOUND: usize = 1;
const DURATION: usize = 2;
const MULTI_SHOTS: usize = 3;
const MULTI_PROMPT: usize = 4;
thread_local! {
    static KEYS: [JsValue; 5] = ["mode", "sound", "duration", "multi_shots", "multi_prompt"].map(JsValue::from_str);
}

/// `input[KEYS[key]]`, or `undefined`.
fn get(input: &JsValue, key: usize) -> JsValue {
    KEYS.with(|keys| Reflect::get(input, &keys[key])).unwrap_or(JsValue::UNDEFINED)
}

/// estimateCost's cost without its price list: the four fields that set a price read one by one,
/// a price out.
#[wasm_bindgen]
pub fn floor_price(input: JsValue) -> JsValue {
    let mode = get(&input, MODE).as_string().unwrap_or_else(|| "std".into());
    let sound = get(&input, SOUND).as_bool().unwrap_or(false);
    let seconds = if get(&input, MULTI_SHOTS).as_bool() == Some(true) {
        let shots = get(&input, MULTI_PROMPT);
        if Array::is_array(&shots) {
            Array::from(&shots).iter().map(|shot| get(&shot, DURATION).as_f64().unwrap_or(0.0)).sum()
        } else {
            0.0
        }
    } else {
        get(&input, DURATION).as_f64().unwrap_or(5.0)
    };
    let credits_per_second = if mode == "pro" { 2.0 } else { 1.0 } + if sound { 1.0 } else { 0.0 };
    either(to_js(&Price { credits: credits_per_second * seconds, credits_per_second, seconds, mode, sound }))
}

#[derive(Serialize)]
struct Headers {
    #[serde(rename = "Content-Type")]
    content_type: &'static str,
    #[serde(rename = "Authorization")]
    authorization: String,
}

#[derive(Serialize)]
struct Built {
    method: &'static str,
    url: &'static str,
    headers: Headers,
    body: String,
}

/// buildRequest's cost without its rules: the request in as JSON, written back as the body, and
/// the request out.
#[wasm_bindgen]
pub fn floor_build(input: JsValue, api_key: &str) -> JsValue {
    either(read_json(&input).and_then(|value| {
        let body = serde_json::to_string(&value).map_err(err)?;
        to_js(&Built {
            method: "POST",
            url: "https://apiin.one/api/v1/videos/generations",
            headers: Headers { content_type: "application/json", authorization: format!("Bearer {api_key}") },
            body,
        })
    }))
}
