//! The binding layer's behaviour, seen from JS values: the same cases run in Node
//! (`tests/wasm_node.rs`) and in headless Chromium (`tests/wasm_browser.rs`).

use js_sys::{Function, Reflect};
use kling3_wasm::bindings::{build_request, estimate_cost, normalize_request, parse_task, to_curl, validate_request};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

/// A JS value made by JS code, so tests use real objects, getters and Proxies.
fn js(expr: &str) -> JsValue {
    Function::new_no_args(&format!("return ({expr});")).call0(&JsValue::NULL).expect("test JS runs")
}

fn get(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |v, k| Reflect::get(&v, &JsValue::from_str(k)).expect("readable"))
}

fn text(v: &JsValue, path: &str) -> String {
    get(v, path).as_string().unwrap_or_else(|| panic!("{path} is not a string"))
}

fn json(v: &JsValue) -> String {
    js_sys::JSON::stringify(v).expect("stringify").into()
}

#[wasm_bindgen_test]
fn validation_reports_every_problem_with_path_and_code() {
    let report = validate_request(js(r#"{prompt: "a", mode: "ultra", duration: 20, seed: 1}"#));
    assert_eq!(get(&report, "valid").as_bool(), Some(false));
    assert_eq!(text(&report, "errors.0.path"), "mode");
    assert_eq!(text(&report, "errors.0.code"), "invalid_value");
    assert_eq!(text(&report, "errors.1.message"), "duration must be a whole number of seconds from 3 to 15, got 20");
    assert_eq!(text(&report, "warnings.0.code"), "unknown_field");
    assert!(js_sys::Array::is_array(&get(&report, "errors")), "a real array, not a Map");
}

#[wasm_bindgen_test]
fn validation_never_throws_whatever_it_is_given() {
    let hostile = [
        "null",
        "undefined",
        "42",
        "'text'",
        "[]",
        "() => 1",
        "Symbol('s')",
        "10n",
        "(() => { const o = {prompt: 'a'}; o.self = o; return o; })()",
        "({ get prompt() { throw new Error('boom'); } })",
        "(() => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; })()",
        "new Proxy({}, { ownKeys() { throw new Error('keys'); } })",
        "({prompt: 'x'.repeat(5000000)})",
        "(() => { let o = {}; for (let i = 0; i < 10000; i++) o = {a: o}; return o; })()",
        "({prompt: 'a', list: new Array(200000).fill(1)})",
        "Object.create(null)",
        "new Date()",
        "new Map([['prompt', 'a']])",
    ];
    for expr in hostile {
        let report = validate_request(js(expr));
        assert_eq!(get(&report, "valid").as_bool(), Some(false), "{expr}");
        assert!(get(&report, "errors.0.message").is_string(), "{expr}");
    }
    // The module still answers correctly afterwards.
    let ok = validate_request(js("({prompt: 'a cat'})"));
    assert_eq!(get(&ok, "valid").as_bool(), Some(true));
}

#[wasm_bindgen_test]
fn invalid_input_throws_a_validation_error_with_its_list() {
    let err = normalize_request(js("({duration: 20})")).expect_err("invalid");
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(text(&err, "name"), "ValidationError");
    assert_eq!(text(&err, "code"), "validation_failed");
    assert_eq!(text(&err, "errors.0.path"), "prompt");
    assert_eq!(text(&err, "errors.1.code"), "out_of_range");
}

#[wasm_bindgen_test]
fn the_normalized_body_has_every_default_and_keeps_unknown_fields() {
    let body = normalize_request(js("({prompt: 'a', zeta: {b: [1, null]}})")).expect("valid");
    assert_eq!(
        json(&body),
        r#"{"model":"kling-3","prompt":"a","mode":"std","duration":5,"aspect_ratio":"16:9","sound":true,"zeta":{"b":[1,null]}}"#
    );
}

#[wasm_bindgen_test]
fn prices_follow_the_page() {
    assert_eq!(get(&estimate_cost(js("({})")).expect("ok"), "credits").as_f64(), Some(300.0));
    let cost = estimate_cost(js("({mode: 'pro', sound: true, duration: 5})")).expect("ok");
    assert_eq!(json(&cost), r#"{"credits":400,"creditsPerSecond":80,"seconds":5,"mode":"pro","sound":true}"#);
    let err = estimate_cost(js("({duration: 16})")).expect_err("out of range");
    assert_eq!(text(&err, "errors.0.path"), "duration");
}

#[wasm_bindgen_test]
fn requests_are_built_and_turned_into_safe_curl() {
    let request = build_request(
        js("({prompt: \"it's $(rm -rf ~)\"})"),
        Some(js("({apiKey: 'aio_secret', baseUrl: 'http://127.0.0.1:8080/api/v1/'})")),
    )
    .expect("valid");
    assert_eq!(text(&request, "url"), "http://127.0.0.1:8080/api/v1/videos/generations");
    assert_eq!(text(&request, "headers.Authorization"), "Bearer aio_secret");
    let curl = to_curl(request.clone(), None).expect("curl");
    assert!(!curl.contains("aio_secret"));
    assert!(curl.contains(r#"it'\''s $(rm -rf ~)"#));
    let shown = to_curl(request, Some(js("({redactKey: false})"))).expect("curl");
    assert!(shown.contains("Bearer aio_secret"));
    let err = build_request(js("({prompt: 'a'})"), Some(js("({apiKey: 'aio_x\\nEvil: 1'})"))).expect_err("bad key");
    assert_eq!(text(&err, "errors.0.path"), "apiKey");
    assert!(!text(&err, "message").contains("aio_x"));
}

#[wasm_bindgen_test]
fn tasks_are_read_from_objects_and_from_json_text() {
    let task = parse_task(js(
        r#"{code: 200, data: {task_id: "t1", status: "COMPLETED", output: {video_url: "https://cdn.example/v.mp4"}}}"#,
    ))
    .expect("ok");
    assert_eq!(text(&task, "status"), "succeeded");
    assert_eq!(text(&task, "videoUrl"), "https://cdn.example/v.mp4");
    assert!(get(&task, "error").is_null());
    assert_eq!(text(&task, "raw.data.task_id"), "t1");
    let from_text = parse_task(JsValue::from_str(r#"{"data":{"task_id":"t2","status":"weird"}}"#)).expect("ok");
    assert_eq!(text(&from_text, "status"), "running");
    let err = parse_task(JsValue::from_str("<html>502</html>")).expect_err("not JSON");
    assert_eq!(text(&err, "name"), "KlingError");
    assert_eq!(text(&err, "code"), "invalid_json");
    assert!(err.dyn_ref::<js_sys::Error>().is_some());
}

#[wasm_bindgen_test]
fn error_paths_hold_no_js_value_after_they_return() {
    // Every exception the module catches (a throwing getter, a Proxy trap, text that is not
    // JSON) takes a slot of the module's table of JS values; a slot not given back is gone for
    // good, and a module that runs out traps on every call.
    let getter = js("({ get prompt() { throw new Error('getter'); } })");
    let trap = js("new Proxy({}, { ownKeys() { throw new Error('keys'); } })");
    let revoked = js("(() => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; })()");
    let warm = || {
        validate_request(getter.clone());
        let _ = parse_task(JsValue::from_str("<html>502</html>"));
    };
    warm();
    let before = wasm_bindgen::externref_heap_live_count();
    for _ in 0..20_000 {
        validate_request(getter.clone());
        validate_request(trap.clone());
        validate_request(revoked.clone());
        let _ = parse_task(JsValue::from_str("<html>502</html>"));
        let _ = parse_task(getter.clone());
        let _ = normalize_request(trap.clone());
    }
    let after = wasm_bindgen::externref_heap_live_count();
    assert!(after <= before + 8, "{} JS values held after 120 000 error-path calls (before: {before})", after);
}
