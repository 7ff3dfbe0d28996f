//! The bench's safe floor (`--features bench-floor`, never in `pkg/`): the package's own way in
//! and out, with no rule. Each function reads its input with the package's guarded reader (the
//! JSON fast path, or the bounded walk) and gives back an answer of the package's shape through
//! serde-wasm-bindgen, as `validateRequest`, `estimateCost` and `buildRequest` do, but checks
//! nothing and writes no message. No function that takes this package's way in and out can be
//! faster: `npm run bench` sets them beside zod.

use wasm_bindgen::prelude::*;

use crate::input::Value;
use crate::interop::from_js;
use crate::interop::to_js::to_js;
use crate::pricing::{price, PRICE_FIELDS};
use crate::request::{Mode, Seconds, DEFAULT_BASE_URL};
use crate::validate::Validation;
use crate::wire::{BuiltRequest, CREATE_PATH};

/// `validateRequest`'s way in and out: a report, always empty.
#[wasm_bindgen(js_name = benchFloorValidate)]
pub fn bench_floor_validate(input: JsValue) -> JsValue {
    let input = from_js::read(&input);
    to_js(&Validation { valid: input.holes.is_empty(), errors: Vec::new(), warnings: Vec::new() })
}

/// `estimateCost`'s way in and out: the price fields read, a price out, no field checked.
#[wasm_bindgen(js_name = benchFloorEstimate)]
pub fn bench_floor_estimate(input: JsValue) -> JsValue {
    let input = from_js::read_fields(&input, &PRICE_FIELDS);
    let field = |name: &str| input.get(name);
    let mode = if matches!(field("mode"), Some(Value::String(m)) if m == "pro") { Mode::Pro } else { Mode::Std };
    let sound = !matches!(field("sound"), Some(Value::Bool(false)));
    let seconds = match (field("multi_shots"), field("multi_prompt")) {
        (Some(Value::Bool(true)), Some(Value::Array(shots))) => {
            shots.iter().filter_map(|s| s.get("duration").and_then(Value::as_f64)).sum::<f64>()
        }
        _ => field("duration").and_then(Value::as_f64).unwrap_or(5.0),
    };
    to_js(&price(mode, sound, Seconds(seconds as u32)))
}

/// `buildRequest`'s way in and out: the request and the options read, the request written back
/// as the body (no default filled in), a request out.
#[wasm_bindgen(js_name = benchFloorBuild)]
pub fn bench_floor_build(input: JsValue, options: Option<JsValue>) -> JsValue {
    let options = from_js::read_options(&options);
    let api_key = options.get("apiKey").and_then(Value::as_str).unwrap_or_default();
    let input = from_js::read(&input);
    to_js(&BuiltRequest {
        method: "POST".into(),
        url: format!("{DEFAULT_BASE_URL}{CREATE_PATH}"),
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Authorization".into(), format!("Bearer {api_key}")),
        ],
        body: Some(crate::json_text::stringify(&input.value)),
    })
}
